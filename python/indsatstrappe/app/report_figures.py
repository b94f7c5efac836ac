"""The figures a report shows for one municipality, in two kinds: from all data (for internal use: small counts
included, groups over every municipality), or as distributed (the figures the municipality's distributed
workbooks show: hidden counts and what they would give away '–', groups over the shown values)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core import expenses, keyfigures, municipalities, suppression
from ..io.datafolder import DataFolder
from . import distribute, queries, workbooks

HIDDEN_LABEL = "skjult"  # a report row: the money on steps the distributed workbook hides ("På skjulte trin")

ALL_DATA = ("Tallene er beregnet af alle data, også små tal (1-4 borgere), og gruppen er gennemsnittet af "
            "alle kommunernes tal: til intern brug, må ikke videregives. De udsendte projektmapper skjuler små "
            "tal og tager gruppen over de viste tal, så deres tal kan afvige herfra.")
AS_DISTRIBUTED = ("Tallene er de samme som i de udsendte projektmapper: små tal (1-4 borgere), og hvad der "
                  "ville afsløre dem, er skjult ('–'), og gruppen og landet er taget over de viste tal.")


@dataclass(frozen=True)
class Figures:
    """Per staircase: the distribution (all years), the key figures beside the group and the country, and the
    expenses per step (aar, trin, beloeb, enhedspris; trin also `ikke_fordelt` and, as distributed, `skjult`)."""
    dists: dict[str, pd.DataFrame]
    comparisons: dict[str, pd.DataFrame]
    expenses: dict[str, pd.DataFrame]
    which: str


def all_data(folder: DataFolder, kommune: int, gruppe: str | None) -> Figures:
    trapper = list(folder.staircases)
    return Figures(
        {t: queries.distribution_for(folder, t, [kommune]) for t in trapper},
        {t: queries.key_figure_comparison(folder, t, kommune, gruppe) for t in trapper},
        {t: queries.expense_table(folder, t, kommune) for t in trapper}, ALL_DATA)


def as_distributed(folder: DataFolder, kommune: int, gruppe: str | None) -> Figures:
    """The same suppression as `udsend` (one decision over the whole country), then the municipality's part."""
    trapper = tuple(folder.staircases)
    sources = workbooks.udgiftsmodel_sources(folder)
    hidden = distribute.hidden_units(folder, sources["years"], trapper)
    group = municipalities.comparison_group(gruppe, kommune)
    dists, comparisons, spent = {}, {}, {}
    for t in trapper:
        queries.distribution_for(folder, t, [kommune])  # the same refusal as all_data for a municipality not there
        dists[t] = _shown_distribution(queries.distributions(folder, t), hidden, kommune)
        shown = suppression.suppress_values(queries.key_figures(folder, t), hidden)
        comparisons[t] = keyfigures.comparison(shown, kommune, group)
    counts = suppression.suppress_counts(sources["counts"], hidden)
    matched = {t: expenses.match_rules(sources["accounts"], sources["rules"], t) for t in trapper}
    rows = suppression.suppress_expenses(sources["expense_rows"], counts, sources["rules"], matched)
    for t in trapper:
        spent[t] = _shown_expenses(queries.expense_table(folder, t, kommune), rows, t, kommune)
    return Figures(dists, comparisons, spent, AS_DISTRIBUTED)


def _shown_distribution(dist: pd.DataFrame, hidden: pd.DataFrame, kommune: int) -> pd.DataFrame:
    """The municipality's rows with hidden counts unknown; a share is of the shown total on the staircase, as
    the workbook's *Andel*, and unknown where that total is hidden."""
    all_of_it = dist[dist["kommune_kode"] == kommune]
    totals = suppression.step_totals(all_of_it.assign(befolkning=0.0), hidden)
    own = suppression.suppress_counts(all_of_it, hidden).merge(
        totals[["aar", "antal"]].rename(columns={"antal": "_i_alt"}), on="aar", how="left")
    return own.assign(andel=own["antal"] / own["_i_alt"],
                      pr_1000=own["pr_1000"].where(own["antal"].notna())).drop(columns="_i_alt")


def _shown_expenses(table: pd.DataFrame, rows: pd.DataFrame, trappe: str, kommune: int) -> pd.DataFrame:
    """`table` (expenses.step_table of all data) with what the distributed workbook hides unknown, and the hidden
    steps' money in a row of its own, so a year still sums to its total."""
    own = rows[rows["kommune_kode"] == kommune]
    gone = own[own["taeller"].isna()]
    parts = gone["id"].str.split(":", expand=True)
    hidden = set() if gone.empty else set(zip(parts[0], parts[1], gone["aar"].astype(int),
                                             parts[2].astype(int), strict=True))
    step = table["trin"].map(lambda s: 0 if s == expenses.UNPLACED_LABEL else int(s))
    money_gone = [("udgift", trappe, int(y), int(s)) in hidden for y, s in zip(table["aar"], step, strict=True)]
    price_gone = [("enhedspris", trappe, int(y), int(s)) in hidden or m
                  for y, s, m in zip(table["aar"], step, money_gone, strict=True)]
    shown = table.assign(beloeb=table["beloeb"].mask(money_gone), enhedspris=table["enhedspris"].mask(price_gone),
                         andel=table["andel"].mask(money_gone))
    kept = table[money_gone].groupby("aar", as_index=False)["beloeb"].sum()
    extra = kept.assign(kommune_kode=kommune, trin=HIDDEN_LABEL, trin_navn="På skjulte trin")
    return pd.concat([shown, extra], ignore_index=True)

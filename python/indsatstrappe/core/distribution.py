"""Step distributions: citizens per step per municipality and year, as counts, shares and per 1,000
inhabitants of the staircase's age group; and the same for comparison groups and the country."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import coverage
from .municipalities import ComparisonGroup
from .staircase import Staircase

COLUMNS = ["kommune_kode", "aar", "trappe", "trin", "trin_navn", "antal", "andel", "pr_1000"]


def _on_staircase(modtagere: pd.DataFrame, staircase: Staircase) -> pd.DataFrame:
    rows = modtagere[modtagere["trappe"] == staircase.key]
    return rows.assign(trin=rows["indsats"].map(staircase.step_map()).astype("Int64"))


def step_counts(modtagere: pd.DataFrame, staircase: Staircase) -> pd.DataFrame:
    """kommune_kode, aar, trin, antal: every step for every municipality-year in the data, zeros included.

    A step's count is the sum of its intervention codes' counts (aggregated data cannot tell a citizen
    with two interventions on one step from two citizens).
    """
    rows = _on_staircase(modtagere, staircase)
    cells = rows[["kommune_kode", "aar"]].drop_duplicates()
    grid = cells.merge(pd.DataFrame({"trin": staircase.step_numbers}), how="cross")
    placed = rows.dropna(subset=["trin"]).groupby(["kommune_kode", "aar", "trin"], as_index=False)["antal"].sum()
    placed["trin"] = placed["trin"].astype(int)
    out = grid.merge(placed, on=["kommune_kode", "aar", "trin"], how="left")
    out["antal"] = out["antal"].fillna(0).astype(int)
    return out.sort_values(["kommune_kode", "aar", "trin"]).reset_index(drop=True)


def reported_step_counts(modtagere: pd.DataFrame, staircase: Staircase, codes: pd.DataFrame | None = None
                         ) -> pd.DataFrame:
    """step_counts with antal missing (NaN) on the steps a municipality does not report and on the steps with
    a withheld code (see coverage): what a reader is shown. `skjult` marks the withheld ones. `codes`:
    coverage.reported_codes(modtagere, staircase) when the caller has it already."""
    counts = step_counts(modtagere, staircase)
    keys = ["kommune_kode", "aar", "trin"]
    reported = coverage.reported_steps(modtagere, staircase, codes).assign(_ok=True)
    ok = counts.merge(reported, on=keys, how="left")["_ok"].fillna(False).to_numpy(bool)
    withheld = coverage.withheld_steps(modtagere, staircase).assign(_w=True)
    hidden = counts.merge(withheld, on=keys, how="left")["_w"].fillna(False).to_numpy(bool)
    return counts.assign(antal=counts["antal"].astype(float).where(ok & ~hidden), skjult=hidden)


def total_known(counts: pd.DataFrame, by: list[str]) -> pd.Series:
    """Per row, its group's sum of antal over the reported steps, NaN where a step of the group is withheld (the
    total is then unknown): the base of shares and of the staircase total."""
    total = counts.groupby(by)["antal"].transform("sum")
    if "skjult" in counts:
        total = total.where(~counts.groupby(by)["skjult"].transform("any"))
    return total


def unplaced_counts(modtagere: pd.DataFrame, staircase: Staircase) -> pd.DataFrame:
    """kommune_kode, aar, uden_trin, antal: counts on known codes that stand on no step (uoplyst, udenfor)."""
    rows = _on_staircase(modtagere, staircase)
    rows = rows[rows["trin"].isna()]
    kind = rows["indsats"].map(staircase.codes["uden_trin"])
    return (rows.assign(uden_trin=kind).groupby(["kommune_kode", "aar", "uden_trin"], as_index=False)["antal"]
            .sum())


def age_group_population(befolkning: pd.DataFrame, staircase: Staircase) -> pd.DataFrame:
    """kommune_kode, aar, befolkning for the staircase's age group."""
    pop = befolkning[befolkning["aldersgruppe"] == staircase.aldersgruppe]
    return pop.groupby(["kommune_kode", "aar"], as_index=False)["antal"].sum().rename(
        columns={"antal": "befolkning"})


def step_distribution(modtagere: pd.DataFrame, befolkning: pd.DataFrame | None,
                      staircase: Staircase) -> pd.DataFrame:
    """The contract's distribution for every municipality and year in `modtagere`. A step the municipality
    does not report has no count, share or rate; shares are of the citizens on the reported steps."""
    counts = reported_step_counts(modtagere, staircase)
    total = total_known(counts, ["kommune_kode", "aar"])
    counts["andel"] = np.where(total > 0, counts["antal"] / total.where(total > 0, 1), np.nan)
    if befolkning is not None:
        counts = counts.merge(age_group_population(befolkning, staircase), on=["kommune_kode", "aar"],
                              how="left")
        population = counts["befolkning"].astype(float)
        counts["pr_1000"] = counts["antal"] / population.where(population > 0) * 1000
    else:
        counts["pr_1000"] = np.nan
    return _finish(counts, staircase)


def group_distribution(dist: pd.DataFrame, befolkning: pd.DataFrame | None, staircase: Staircase,
                       group: ComparisonGroup) -> pd.DataFrame:
    """A comparison group's distribution from its members' rows of `dist`.

    Counts are summed over the members that report the step (none: missing). Shares and rates follow the
    key-figure convention: a group's is the unweighted mean of its reporting members' values, the whole
    country's is the weighted rate (sums over sums) over the municipalities that report the step.
    """
    members = dist[dist["kommune_kode"].isin(group.members)]
    by = ["aar", "trin"]
    out = members.groupby(by, as_index=False).agg(antal=("antal", lambda a: a.sum(min_count=1)))
    if group.weighted:
        # a step's share among the municipalities with a share for it (the step reported, their total known):
        # their citizens on it over all of theirs
        totals = members.groupby(["kommune_kode", "aar"])["antal"].transform("sum")
        has_share = members["andel"].notna() | (members["antal"].notna() & (totals == 0))
        base = members.assign(total=totals.where(has_share), part=members["antal"].where(has_share)).groupby(
            by, as_index=False)[["total", "part"]].sum()
        out = out.merge(base, on=by, how="left")
        out["andel"] = out["part"] / out["total"].where(out["total"] > 0)
        if befolkning is not None:
            # only the municipality-years that report the step, so numerator and denominator match
            cells = members.loc[members["antal"].notna(), ["kommune_kode", "aar", "trin"]]
            pop = age_group_population(befolkning, staircase).merge(cells, on=["kommune_kode", "aar"])
            out = out.merge(pop.groupby(by, as_index=False)["befolkning"].sum(), on=by, how="left")
            out["pr_1000"] = out["antal"] / out["befolkning"].where(out["befolkning"] > 0) * 1000
        else:
            out["pr_1000"] = np.nan
    else:
        means = members.groupby(by, as_index=False)[["andel", "pr_1000"]].mean()
        out = out.merge(means, on=by)
    out["kommune_kode"] = group.kode
    return _finish(out, staircase)


def reporting_members(dist: pd.DataFrame, group: ComparisonGroup) -> pd.DataFrame:
    """aar, trin, med_tal, kommuner: how many of a group's members report each step (a group's value is
    taken over those)."""
    members = dist[dist["kommune_kode"].isin(group.members)]
    out = members.groupby(["aar", "trin"], as_index=False).agg(med_tal=("antal", "count"))
    return out.assign(kommuner=len(group.members))


def _finish(df: pd.DataFrame, staircase: Staircase) -> pd.DataFrame:
    df = df.assign(trappe=staircase.key, trin_navn=df["trin"].map(staircase.step_names()))
    return df[COLUMNS].reset_index(drop=True)

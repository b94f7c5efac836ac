"""What the CLI, the UDFs and the ribbon ask for: a data folder in, a core result out.

Each function reads only the tables it needs and turns a user's choice (municipality, year, group)
into clear Danish errors before the pure core runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core import distribution, expenses, keyfigures, movements, municipalities
from ..core import scenario as scenario_model
from ..core.errors import InputError, Problem
from ..core.staircase import STAIRCASES, Staircase
from ..io.contracts import parse_dates
from ..io.datafolder import DataFolder
from ..io.rawtable import read_csv_table


def staircase_of(folder: DataFolder, trappe: str) -> Staircase:
    if trappe not in STAIRCASES:
        raise InputError.single("--trappe", f"ukendt trappe '{trappe}'.", "Skriv 'boern' eller 'voksne'.")
    return folder.staircases[trappe]


def parse_kommuner(text: str, option: str = "--kommune") -> list[int]:
    """One municipality, a comma-separated list, or 'alle'; errors name `option` (udsend's is --kommuner)."""
    if text.strip().lower() == "alle":
        return municipalities.codes()
    return [municipalities.parse_kommune(part, option) for part in text.split(",") if part.strip()]


def distributions(folder: DataFolder, trappe: str) -> pd.DataFrame:
    """Every municipality's distribution for every year in the data."""
    staircase = staircase_of(folder, trappe)
    befolkning = folder.table("befolkning") if folder.has("befolkning") else None
    return distribution.step_distribution(folder.table("modtagere"), befolkning, staircase)


def distribution_for(folder: DataFolder, trappe: str, kommuner: list[int], aar: int | None = None,
                     gruppe: str | None = None) -> pd.DataFrame:
    """The distribution of the chosen municipalities (and, with `gruppe`, the group's and the
    country's rows, labelled G3/R84/L and 0 in kommune_kode)."""
    dist = distributions(folder, trappe)
    years = sorted(dist["aar"].unique())
    if aar is not None and aar not in years:
        raise InputError.single("--aar", f"året {aar} findes ikke i modtagere for trappen '{trappe}'.",
                                f"Vælg et år fra {years[0]} til {years[-1]}." if years else "")
    missing = [k for k in kommuner if k not in set(dist["kommune_kode"])]
    if missing:
        raise InputError.single(
            "modtagere", f"ingen modtagere på trappen '{trappe}' for "
            f"{', '.join(f'{k} {municipalities.name_of(k)}' for k in missing)}.",
            "Tjek at tabellen modtagere har rækker for kommunen.")
    parts = [dist[dist["kommune_kode"].isin(kommuner)]]
    if gruppe is not None:
        befolkning = folder.table("befolkning") if folder.has("befolkning") else None
        staircase = folder.staircases[trappe]
        chosen = {municipalities.comparison_group(gruppe, k) for k in kommuner} - {municipalities.country()}
        for group in sorted(chosen, key=lambda g: g.kode) + [municipalities.country()]:
            parts.append(distribution.group_distribution(dist, befolkning, staircase, group))
    out = pd.concat(parts, ignore_index=True)
    if aar is not None:
        out = out[out["aar"] == aar]
    return out.reset_index(drop=True)


def unplaced_for(folder: DataFolder, trappe: str, kommuner: list[int]) -> pd.DataFrame:
    staircase = staircase_of(folder, trappe)
    rows = distribution.unplaced_counts(folder.table("modtagere"), staircase)
    return rows[rows["kommune_kode"].isin(kommuner)]


def parse_day(text: str, option: str) -> pd.Timestamp:
    """A date given on the command line (2023-12-31, 31-12-2023 or 31.12.2023)."""
    day = parse_dates(pd.Series([str(text).strip()])).iloc[0]
    if pd.isna(day):
        raise InputError.single(option, f"'{text}' er ikke en gyldig dato.",
                                "Skriv datoen som ÅÅÅÅ-MM-DD, fx 2023-12-31.")
    return day


def episodes(folder: DataFolder, trappe: str) -> movements.Episodes:
    return movements.prepare(folder.table("forloeb"), staircase_of(folder, trappe))


def movement_matrix(folder: DataFolder, trappe: str, fra: pd.Timestamp, til: pd.Timestamp,
                    kommune: int | None = None) -> pd.DataFrame:
    """The contract's transition matrix fra_trin, til_trin, antal between two days."""
    if fra > til:
        raise InputError.single("--fra", f"fra-datoen {fra:%Y-%m-%d} ligger efter til-datoen {til:%Y-%m-%d}.",
                                "Byt om på datoerne.")
    staircase = staircase_of(folder, trappe)
    eps = episodes(folder, trappe)
    if kommune is not None and kommune not in set(eps.kommune.tolist()):
        raise InputError.single(
            "forloeb", f"ingen forløb på trappen '{trappe}' for {kommune} {municipalities.name_of(kommune)}.",
            "Tjek kommune_kode i forloeb, eller udelad --kommune.")
    _within_the_data(folder, fra, til)
    return movements.transition_matrix(eps, staircase, movements.day_number(fra), movements.day_number(til),
                                       kommune)


def _within_the_data(folder: DataFolder, fra: pd.Timestamp, til: pd.Timestamp) -> None:
    """A day after the year of the episodes' last date (a start or an end; ongoing episodes are known until the
    data were taken out, within that year) is not known: refused, not counted as 'no change'. A day before
    their first start is counted, with a warning (nobody was on a step yet in the data)."""
    forloeb = folder.table("forloeb")
    ends = forloeb["slut"].dropna()
    last = max(forloeb["start"].max(), ends.max()) if len(ends) else forloeb["start"].max()
    limit = pd.Timestamp(f"{last.year}-12-31")
    first = forloeb["start"].min()
    for day, option in ((fra, "--fra"), (til, "--til")):
        if day > limit:
            raise InputError.single(option, f"{day:%Y-%m-%d} ligger efter forløbsdataene, som slutter i {last.year} "
                                    f"(sidste dato {last:%Y-%m-%d}); borgernes trin derefter kendes ikke.",
                                    f"Vælg datoer til og med {limit:%Y-%m-%d}.")
    if fra < first:
        folder.warnings.append(Problem("forloeb", f"fra-datoen {fra:%Y-%m-%d} ligger før det første forløb "
                                       f"({first:%Y-%m-%d}); alle regnes da som uden indsats den dag.",
                                       "Vælg en senere fra-dato for bevægelser mellem trin.", advarsel=True))


def movement_years(folder: DataFolder, trappe: str) -> pd.DataFrame:
    """Yearly movements (31/12 to 31/12) for every municipality with episodes."""
    forloeb = folder.table("forloeb")
    first, last = int(forloeb["start"].dt.year.min()), int(forloeb["start"].dt.year.max())
    return movements.yearly_summaries(episodes(folder, trappe), staircase_of(folder, trappe),
                                      list(range(first + 1, last + 1)))


def key_figure_inputs(folder: DataFolder) -> keyfigures.Inputs:
    """Every table key figures can use; only befolkning is required."""
    optional = {name: folder.table(name) if folder.has(name) else None
                for name in ("modtagere", "regnskab", "egne_tal", "forloeb")}
    return keyfigures.Inputs(befolkning=folder.table("befolkning"), **optional)


def key_figures(folder: DataFolder, trappe: str) -> pd.DataFrame:
    staircase_of(folder, trappe)
    return keyfigures.compute(key_figure_inputs(folder), folder.staircases, trappe)


def key_figure_comparison(folder: DataFolder, trappe: str, kommune: int, gruppe: str | None) -> pd.DataFrame:
    """The contract's comparison for one municipality (default group: its DST kommunegruppe)."""
    group = municipalities.comparison_group(gruppe, kommune)
    values = key_figures(folder, trappe)
    return keyfigures.comparison(values, kommune, group)


def rules_of(folder: DataFolder, rules_file=None) -> pd.DataFrame:
    """The allocation rules: the packaged defaults, or the user's own file."""
    if rules_file is None:
        return expenses.default_rules(folder.staircases)
    raw = read_csv_table(rules_file, str(rules_file))
    return expenses.check_rules(raw.data.reset_index(drop=True), str(rules_file), folder.staircases)


def accounts(folder: DataFolder, base: int | None = None) -> pd.DataFrame:
    """regnskab, in fixed prices of the base year `base` when given (needs prisindeks)."""
    regnskab = folder.table("regnskab")
    if base is None:
        return regnskab
    index = folder.table("prisindeks")
    missing = sorted(set(regnskab["aar"]) - set(index["aar"]) | ({base} - set(index["aar"])))
    if missing:
        raise InputError.single("prisindeks", f"mangler indeks for {', '.join(map(str, missing))}.",
                                "Tilføj årene til prisindeks, eller brug løbende priser.")
    return expenses.to_fixed_prices(regnskab, index, base)


def allocation(folder: DataFolder, trappe: str, rules_file=None, base: int | None = None):
    """(allocation rows, citizens per step) for a staircase's area."""
    staircase = staircase_of(folder, trappe)
    counts = expenses.citizens(folder.table("modtagere") if folder.has("modtagere") else None, staircase)
    rows = expenses.allocate(accounts(folder, base), rules_of(folder, rules_file), staircase, counts)
    return rows, counts


def expense_table(folder: DataFolder, trappe: str, kommune: int, rules_file=None,
                  base: int | None = None) -> pd.DataFrame:
    """The contract's udgifter table for one municipality, all years."""
    rows, counts = allocation(folder, trappe, rules_file, base)
    rows = rows[rows["kommune_kode"] == kommune]
    if rows.empty:
        raise InputError.single("regnskab", f"ingen konti under {expenses.AREAS[trappe]} for {kommune} "
                                f"{municipalities.name_of(kommune)}.", "Tjek tabellen regnskab.")
    return expenses.step_table(rows, folder.staircases[trappe], counts)


def expense_table_all(folder: DataFolder, trappe: str) -> pd.DataFrame:
    """The udgifter table for every municipality (default rules, current prices)."""
    rows, counts = allocation(folder, trappe)
    return expenses.step_table(rows, folder.staircases[trappe], counts)


def scenario(folder: DataFolder, trappe: str, kommune: int, movements: list[scenario_model.Movement],
             base: int | None = None, horizon: int = 5, price_rise: float = 0.0) -> pd.DataFrame:
    """The scenario table (scenario_model.OUTPUT_COLUMNS) for one municipality from its base year."""
    staircase = staircase_of(folder, trappe)
    table = expense_table_all(folder, trappe)
    years = sorted(int(y) for y in table["aar"].unique())
    base = years[-1] if base is None else base
    if base not in years:
        raise InputError.single("--basisaar", f"{base} findes ikke i data ({years[0]}-{years[-1]}).",
                                "Vælg et år med regnskab og modtagere.")
    counts = expenses.citizens(folder.table("modtagere"), staircase)
    mine = counts[(counts["kommune_kode"] == kommune) & (counts["aar"] == base)]
    base_counts = {int(t): float(a) for t, a in zip(mine["trin"], mine["antal"], strict=True)}
    for mv in movements:  # the workbook leaves such a movement out and says so beside it
        for step, what in ((mv.fra, "ingen kan flytte derfra"), (mv.til, "udgiften ved at flytte dertil kan ikke "
                                                                        "regnes")):
            if pd.isna(base_counts.get(step, np.nan)):
                raise InputError.single("--flyt", f"kommunen har ikke tal for trin {step} i {base}, så {what}.",
                                        "Vælg et andet trin, eller læg kommunens egne tal for trinnet i tabellen "
                                        "modtagere.")
    members = list(municipalities.comparison_group("kommunegruppe", kommune).members)
    costs = scenario_model.unit_costs(table, kommune, base, members, staircase)
    return scenario_model.project(base_counts, dict(zip(costs["trin"], costs["enhedspris"], strict=True)),
                                  movements, base, horizon, staircase, price_rise)


def botilbud_goals(folder: DataFolder, kommune: int, year: int | None = None) -> pd.DataFrame:
    """The five goals per botilbud and year for one municipality, with its total over all botilbud."""
    from ..core import botilbud

    table = folder.table("botilbud")
    own = table[table["kommune_kode"] == kommune]
    if own.empty:
        raise InputError.single("botilbud", f"ingen botilbud for {kommune} {municipalities.name_of(kommune)}.",
                                "Tjek kommune_kode i botilbud, eller vælg en anden kommune.")
    if year is not None:
        own = own[own["aar"] == year]
        if own.empty:
            years = ", ".join(str(y) for y in sorted(table[table["kommune_kode"] == kommune]["aar"].unique()))
            raise InputError.single("--aar", f"ingen botilbudstal for {year}.", f"Vælg et af årene {years}.")
    return botilbud.goal_values(own)


def botilbud_movements(folder: DataFolder, kommune: int) -> pd.DataFrame:
    """Residents on steps 7-8 (the botilbud) and where they stand a year later, per botilbud and in all,
    year by year."""
    from ..core import botilbud

    forloeb = folder.table("forloeb")
    staircase = staircase_of(folder, "voksne")
    own = forloeb[(forloeb["kommune_kode"] == kommune) & (forloeb["trappe"] == "voksne")]
    if own.empty:
        raise InputError.single("forloeb", f"ingen forløb på voksentrappen for {kommune} "
                                f"{municipalities.name_of(kommune)}.", "Tjek kommune_kode i forloeb.")
    first, last = int(forloeb["start"].dt.year.min()), int(forloeb["start"].dt.year.max())
    return botilbud.resident_movements(own, staircase, list(range(first + 1, last + 1)))

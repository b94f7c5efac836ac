"""The `indsatstrappe` command: thin wrappers that read options, call `queries`, and print or write.

Exit codes: 0 ok, 2 bad input (a Danish message naming file, row and column), 1 internal error.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from . import (
    __version__,
    coverage,
    danish,
    distribution,
    expenses,
    fetch,
    keyfigures,
    movements,
    municipalities,
    queries,
    workbooks,
)
from .errors import InputError, Problem
from .excel import reader
from .io import accounts as account_export
from .io.contracts import TABLES
from .io.datafolder import DataFolder
from .io.output import CSV_FORMATS, write_csv
from .io.statbank import DEFAULT_URL, StatBankClient

# When piped (CI, a log file) rich would fold tables at 80 columns; step names need more room.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=None if sys.stderr.isatty() else 120)

DEMO_KOMMUNER = (101, 751, 825)  # København, Aarhus, Læsø: big, big city, small island

# -- options shared by the commands -------------------------------------------------------------

data_option = click.option(
    "--data", "data", type=click.Path(path_type=Path), default=None,
    help="Datamappe (CSV-filer eller én .xlsx med et ark pr. tabel). Standard: de medfølgende demodata.")
mapping_option = click.option(
    "--indsatskort", type=click.Path(path_type=Path), default=None,
    help="Din egen fil med indsatskoder og trin (samme kolonner som det medfølgende indsatser.csv).")
trappe_option = click.option("--trappe", required=True, help="Trappen: boern eller voksne.")
def workbook_entries_option(sheet: str, what: str):
    return click.option("--egne-tal", "egne_tal", type=click.Path(path_type=Path), default=None,
                        help=f"Læs {what} fra arket '{sheet}' i en Nøgletal-projektmappe.")


ud_option = click.option("--ud", type=click.Path(path_type=Path), default=None,
                         help="Skriv CSV hertil (ellers en tabel).")
format_option = click.option(
    "--format", "fmt", default="csv", show_default=True,
    help="csv: kontraktens format (komma, punktum). excel: semikolon og decimalkomma, åbner direkte i dansk Excel.")


def _folder(data: Path | None, indsatskort: Path | None) -> DataFolder:
    folder = DataFolder(data, indsatskort)
    if folder.is_demo:
        err.print("[yellow]Bemærk: DEMODATA – tallene er syntetiske, ikke virkelige kommuners tal. "
                  "Brug --data for egne data.[/yellow]")
    return folder


def _check_format(fmt: str) -> None:
    if fmt not in CSV_FORMATS:
        raise InputError.single("--format", f"ukendt format '{fmt}'.", "Skriv 'csv' eller 'excel'.")


def _written(table, ud: Path | None, fmt: str, folder: DataFolder | None = None) -> bool:
    """Write the contract's CSV when --ud is given (then there is no table to print); never over an input."""
    if ud is None:
        return False
    if folder is not None:
        folder.guard_output(ud)
    write_csv(table, ud, fmt)
    out.print(f"Skrev {len(table)} rækker til {ud}")
    return True


def _print_warnings(warnings: list[Problem]) -> None:
    for w in warnings:
        err.print(w.tekst(), markup=False)


class _DanishCommand(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TILVALG]")
        super().__init__(*args, **kwargs)


class _DanishGroup(click.Group):
    command_class = _DanishCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TILVALG]")
        kwargs.setdefault("subcommand_metavar", "KOMMANDO [ARGUMENTER]...")
        super().__init__(*args, **kwargs)


@click.group(cls=_DanishGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="indsatstrappe", message="%(prog)s %(version)s",
                      help="Vis versionen og afslut.")
def cli() -> None:
    """Indsatstrappen: fordelinger, bevægelser, nøgletal og udgifter for børne- og voksentrappen."""


# -- fordeling ----------------------------------------------------------------------------------

@cli.command(short_help="Borgere pr. trin: antal, andel og pr. 1.000 indbyggere.")
@trappe_option
@click.option("--kommune", required=True, help="Kommunekode eller navn; flere adskilt af komma, eller 'alle'.")
@click.option("--aar", type=str, default=None, help="Kun dette år (standard: alle år).")
@click.option("--gruppe", default=None,
              help="Tilføj rækker for en sammenligningsgruppe og hele landet (fx kommunegruppe, region, G3).")
@data_option
@mapping_option
@ud_option
@format_option
def fordeling(trappe, kommune, aar, gruppe, data, indsatskort, ud, fmt) -> None:
    """Borgere pr. trin: antal, andel og pr. 1.000 indbyggere i aldersgruppen."""
    _check_format(fmt)
    year = _parse_year(aar)
    folder = _folder(data, indsatskort)
    kommuner = queries.parse_kommuner(kommune)
    result = queries.distribution_for(folder, trappe, kommuner, year, gruppe)
    _print_warnings(folder.warnings)
    if _written(result, ud, fmt, folder):
        return
    shown_year = year or int(result["aar"].max())
    for k in kommuner:
        _print_distribution(folder, trappe, k, shown_year, gruppe)


def _parse_year(text: str | None, option: str = "--aar") -> int | None:
    if text is None:
        return None
    if not text.strip().isdigit() or not 1990 <= int(text) <= 2100:
        raise InputError.single(option, f"'{text}' er ikke et årstal.", f"Skriv fx {option} 2023.")
    return int(text)


def _municipality_year_folder(fmt: str, kommune: str, year: str | None, year_option: str, data: Path | None,
                              indsatskort: Path | None) -> tuple[int, int | None, DataFolder]:
    """What the per-municipality money commands check first, in the order a user would fix it."""
    _check_format(fmt)
    k = municipalities.parse_kommune(kommune, "--kommune")
    return k, _parse_year(year, year_option), _folder(data, indsatskort)


def _print_distribution(folder: DataFolder, trappe: str, kommune: int, aar: int, gruppe: str | None) -> None:
    rows = queries.distribution_for(folder, trappe, [kommune], aar, gruppe or "kommunegruppe")
    own = rows[rows["kommune_kode"] == kommune]
    group_code = next(k for k in rows["kommune_kode"].unique() if k not in (kommune, municipalities.COUNTRY_CODE))
    group = rows[rows["kommune_kode"] == group_code].set_index("trin")
    land = rows[rows["kommune_kode"] == municipalities.COUNTRY_CODE].set_index("trin")
    staircase = folder.staircases[trappe]
    table = Table(title=f"{staircase.navn} – {municipalities.name_of(kommune)} ({kommune}), {aar}",
                  title_justify="left")
    for name, justify in (("Trin", "right"), ("Navn", "left"), ("Antal", "right"), ("Andel", "right"),
                          ("Pr. 1.000", "right"), ("Gruppe", "right"), ("Landet", "right")):
        table.add_column(name, justify=justify, no_wrap=True)
    table.caption = ("Gruppe og Landet: pr. 1.000 indbyggere i aldersgruppen " + staircase.aldersgruppe
                     + ". I alt og andele: de trin, kommunen har tal for.")
    table.caption_justify = "left"
    withheld = coverage.withheld_steps(folder.table("modtagere"), staircase)
    withheld = set(withheld.loc[(withheld["kommune_kode"] == kommune) & (withheld["aar"] == aar), "trin"])
    for r in own.itertuples():
        count = danish.integer(r.antal) if not danish.missing(r.antal) else \
            (danish.MISSING + "¹" if r.trin in withheld else danish.MISSING
             if coverage.register_can_give(staircase, r.trin, aar) else "kræver egne data")
        table.add_row(str(r.trin), r.trin_navn, count, danish.percent(r.andel),
                      danish.decimal(r.pr_1000), danish.decimal(group.loc[r.trin, "pr_1000"]),
                      danish.decimal(land.loc[r.trin, "pr_1000"]))
    total = danish.MISSING if withheld else danish.integer(own["antal"].sum())  # a withheld part: unknown
    table.add_row("", "I alt", total, danish.percent(own["andel"].sum(min_count=1)),
                  danish.decimal(own["pr_1000"].sum(min_count=1)) if not withheld else danish.MISSING, "", "",
                  style="bold")
    out.print(table)
    if withheld:
        out.print(f"  ¹ {coverage.WITHHELD_REASON}: antallet er ukendt (aldrig 0), og det samme er I alt og andelene.")
    for line in _coverage_lines(folder, trappe, kommune, aar, gruppe):
        out.print("  " + line)
    unplaced = queries.unplaced_for(folder, trappe, [kommune])
    unplaced = unplaced[unplaced["aar"] == aar]
    for r in unplaced.itertuples():
        label = "uoplyst (står ikke på et trin)" if r.uden_trin == "uoplyst" else "uden for trappen"
        out.print(f"  + {danish.integer(r.antal)} {label}")
    group_name = municipalities.comparison_group(gruppe, kommune, "--gruppe").navn
    out.print(f"  Gruppe: {group_name} (gennemsnit af kommunernes tal); landet: samlet tal.\n")


def _coverage_lines(folder: DataFolder, trappe: str, kommune: int, aar: int, gruppe: str | None) -> list[str]:
    """Which steps the group's and the country's values are taken over fewer than all municipalities."""
    dist = queries.distributions(folder, trappe)
    dist = dist[dist["aar"] == aar]
    lines = []
    country = municipalities.country()
    nobody = set(distribution.reporting_members(dist, country).query("med_tal == 0")["trin"])
    if nobody:
        lines.append(f"Trin {', '.join(map(str, sorted(nobody)))}: ingen kommune har tal for {aar}.")
    for group in (municipalities.comparison_group(gruppe, kommune, "--gruppe"), country):
        n = distribution.reporting_members(dist, group)
        for r in n[(n["med_tal"] < n["kommuner"]) & ~n["trin"].isin(nobody)].itertuples():
            lines.append(f"Trin {r.trin}: {group.navn} er taget over de {r.med_tal} af {r.kommuner} kommuner, "
                         "der har tal for trinnet.")
    return lines


# -- bevaegelser --------------------------------------------------------------------------------

@cli.command()
@trappe_option
@click.option("--fra", "fra_text", required=True, help="Første dag (ÅÅÅÅ-MM-DD).")
@click.option("--til", "til_text", required=True, help="Anden dag (ÅÅÅÅ-MM-DD).")
@click.option("--kommune", default=None, help="Kun denne kommune (kode eller navn).")
@data_option
@mapping_option
@ud_option
@format_option
def bevaegelser(trappe, fra_text, til_text, kommune, data, indsatskort, ud, fmt) -> None:
    """Borgernes bevægelser mellem trinene fra én dag til en anden (trin 0 = ingen indsats)."""
    _check_format(fmt)
    fra, til = queries.parse_day(fra_text, "--fra"), queries.parse_day(til_text, "--til")
    k = municipalities.parse_kommune(kommune, "--kommune") if kommune else None
    folder = _folder(data, indsatskort)
    matrix = queries.movement_matrix(folder, trappe, fra, til, k)
    _print_warnings(folder.warnings)
    if _written(matrix, ud, fmt, folder):
        return
    where = f"{municipalities.name_of(k)} ({k})" if k else "alle kommuner i data"
    _print_matrix(folder, trappe, matrix, f"{fra:%d-%m-%Y} → {til:%d-%m-%Y}, {where}")


def _print_matrix(folder: DataFolder, trappe: str, matrix, title: str) -> None:
    staircase = folder.staircases[trappe]
    names = {0: "Ingen indsats", **staircase.step_names()}
    grid = matrix.pivot(index="fra_trin", columns="til_trin", values="antal").fillna(0).astype(int)
    table = Table(title=f"Bevægelser på {staircase.navn}: {title}", title_justify="left",
                  caption="Rækker: trin på første dag. Kolonner: trin på anden dag.", caption_justify="left")
    table.add_column("Fra \\ til", no_wrap=True)
    for t in grid.columns:
        table.add_column(str(t), justify="right")
    table.add_column("I alt", justify="right")
    for f, row in grid.iterrows():
        label = f"{f} {names[f]}"
        cells = ["" if f == 0 and t == 0 else danish.integer(v) for t, v in row.items()]
        table.add_row(label, *cells, danish.integer(row.sum()))
    out.print(table)
    summary = movements.summarise(matrix)
    out.print("  " + " · ".join(f"{movements.SUMMARY_NAMES[k]}: {danish.integer(v)}" for k, v in summary.items()))
    out.print()


# -- noegletal ----------------------------------------------------------------------------------

@cli.command()
@trappe_option
@click.option("--kommune", required=True, help="Kommunekode eller navn.")
@click.option("--gruppe", default=None, help="Sammenligningsgruppe (standard: kommunens DST-kommunegruppe).")
@data_option
@mapping_option
@workbook_entries_option("Egne tal", "egne tal")
@ud_option
@format_option
def noegletal(trappe, kommune, gruppe, data, indsatskort, egne_tal, ud, fmt) -> None:
    """Nøgletal for én kommune over årene ved siden af sammenligningsgruppen og hele landet."""
    _check_format(fmt)
    k = municipalities.parse_kommune(kommune, "--kommune")
    group = municipalities.comparison_group(gruppe, k, "--gruppe")
    folder = _folder(data, indsatskort)
    if egne_tal is not None:
        entered = reader.read_own_figures(egne_tal)
        existing = folder.table("egne_tal") if folder.has("egne_tal") else None
        folder.replace_table("egne_tal", reader.merge_own_figures(existing, entered))
        out.print(f"Læste {len(entered)} egne tal fra {egne_tal}")
    result = queries.key_figure_comparison(folder, trappe, k, gruppe)
    _print_warnings(folder.warnings)
    if _written(result, ud, fmt, folder):
        return
    latest = result.dropna(subset=["vaerdi"])["aar"].max()
    if pd.isna(latest):  # the municipality has no value at all: show the latest year the others have
        latest = result["aar"].max()
    table = Table(title=f"Nøgletal – {municipalities.name_of(k)} ({k}), {latest}; gruppe: {group.navn}",
                  title_justify="left")
    for name, justify in (("Nr.", "right"), ("Nøgletal", "left"), ("Enhed", "left"), ("Kommune", "right"),
                          ("Gruppe", "right"), ("Landet", "right")):
        table.add_column(name, justify=justify)
    staircase = folder.staircases[trappe]
    for fid, entry in keyfigures.for_staircase(trappe).iterrows():  # every figure, also those without data
        row = result[(result["noegletal_id"] == fid) & (result["aar"] == latest)]
        cells = [danish.decimal(row[c].iloc[0]) if len(row) else danish.MISSING
                 for c in ("vaerdi", "gruppe_vaerdi", "land_vaerdi")]
        if cells[0] == danish.MISSING and keyfigures.needs_own_data(entry, staircase, int(latest)):
            cells[0] = "kræver egne data"
        table.add_row(str(entry["nr"]), entry["navn"], entry["enhed"], *cells)
    out.print(table)
    for line in _figure_notes(folder, trappe, group, int(latest), sorted(int(y) for y in result["aar"].unique())):
        out.print("  " + line)


def _figure_notes(folder: DataFolder, trappe: str, group: municipalities.ComparisonGroup, year: int,
                  years: list[int]) -> list[str]:
    """Where a group's or the country's value covers fewer than all municipalities, and series breaks."""
    values = queries.key_figures(folder, trappe)
    lines = []
    for g in (group, municipalities.country()):
        n = keyfigures.members_with_value(values[values["aar"] == year], g)
        for r in n[n["med_tal"] < n["kommuner"]].itertuples():
            lines.append(f"{r.noegletal_id}: {g.navn} er taget over de {r.med_tal} af {r.kommuner} kommuner, "
                         f"der har tal i {year}.")
    staircase = folder.staircases[trappe]
    for fid, fig in keyfigures.for_staircase(trappe).iterrows():
        breaks = keyfigures.series_breaks(fig, staircase, years)
        if breaks:
            lines.append(f"{fid}: brud i serien i {', '.join(map(str, breaks))} (registrets koder skifter; "
                         "se Definitioner).")
    return lines


# -- udgifter -----------------------------------------------------------------------------------

@cli.command()
@trappe_option
@click.option("--kommune", required=True, help="Kommunekode eller navn.")
@data_option
@mapping_option
@click.option("--fordelingsnoegle", type=click.Path(path_type=Path), default=None,
              help="Din egen fordelingsnøgle (samme kolonner som den medfølgende fordelingsnoegle.csv).")
@click.option("--regnskab", "export", type=click.Path(path_type=Path), default=None,
              help="Et regnskabsudtræk (kontostreng + beløb, CSV eller xlsx) for kommunen; kræver --aar.")
@click.option("--aar", type=str, default=None, help="Året for --regnskab.")
@click.option("--faste-priser", "basisaar", type=str, default=None,
              help="Vis beløb i faste priser for dette år (kræver tabellen prisindeks). Standard: løbende priser.")
@ud_option
@format_option
def udgifter(trappe, kommune, data, indsatskort, fordelingsnoegle, export, aar, basisaar, ud, fmt) -> None:
    """Udgifter fordelt på trin: beløb, andel og enhedspris pr. borger, år for år."""
    k, base, folder = _municipality_year_folder(fmt, kommune, basisaar, "--faste-priser", data, indsatskort)
    if export is not None:
        year = _parse_year(aar)
        if year is None:
            raise InputError.single("--aar", "mangler.", "Et regnskabsudtræk gælder ét år: angiv --aar.")
        imported, export_warnings = account_export.read_account_export(export, k, year)
        _print_warnings(export_warnings)
        existing = folder.table("regnskab") if folder.has("regnskab") else imported.iloc[0:0]
        keep = existing[~((existing["kommune_kode"] == k) & (existing["aar"] == year))]
        folder.replace_table("regnskab", pd.concat([keep, imported], ignore_index=True))
        out.print(f"Læste {len(imported)} konti fra {export}")
    result = queries.expense_table(folder, trappe, k, fordelingsnoegle, base)
    _print_warnings(folder.warnings)
    if _written(result, ud, fmt, folder):
        return
    latest = int(result["aar"].max())
    rows = result[result["aar"] == latest]
    prices = f"faste {base}-priser" if base else "løbende priser"
    table = Table(title=f"Udgifter pr. trin – {municipalities.name_of(k)} ({k}), {latest}, {prices}",
                  title_justify="left")
    for name, justify in (("Trin", "right"), ("Navn", "left"), ("Netto, kr.", "right"), ("Andel", "right"),
                          ("Kr. pr. borger", "right"), ("Heraf refusion", "right")):
        table.add_column(name, justify=justify, no_wrap=name != "Navn")
    for r in rows.itertuples():
        label = "–" if r.trin == expenses.UNPLACED_LABEL else str(r.trin)
        table.add_row(label, r.trin_navn, danish.integer(r.beloeb), danish.percent(r.andel),
                      danish.integer(r.enhedspris), danish.integer(r.refusion))
    table.add_row("", "I alt", danish.integer(rows["beloeb"].sum()), danish.percent(rows["andel"].sum()), "",
                  danish.integer(rows["refusion"].sum()), style="bold")
    out.print(table)
    staircase = folder.staircases[trappe]
    for r in rows.itertuples():
        if r.trin == expenses.UNPLACED_LABEL or r.beloeb == 0 or not danish.missing(r.enhedspris):
            continue
        why = ("kommunen har ikke tal for trinnet (kræver egne data)"
               if not coverage.register_can_give(staircase, int(r.trin), latest) else "ingen borgere på trinnet")
        out.print(f"  Trin {r.trin}: {danish.integer(r.beloeb)} kr. uden enhedspris: {why}.")


# -- scenarie -----------------------------------------------------------------------------------

@cli.command()
@trappe_option
@click.option("--kommune", required=True, help="Kommunekode eller navn.")
@click.option("--flyt", "moves", multiple=True, required=True, metavar="FRA>TIL:MÆNGDE[:ÅR[:FØRSTE]]",
              help="En bevægelse, fx '6>5:10%:3' (10 % af borgerne på trin 6 flytter til trin 5, indfaset over "
                   "3 år) eller '4>3:20' (20 borgere står på trin 3 i stedet for trin 4). Kan gentages.")
@click.option("--basisaar", default=None, help="Året scenariet regner fra (standard: det seneste år i data).")
@click.option("--aar-frem", "horizon", type=click.IntRange(1, 20), default=5, show_default=True,
              help="Antal år scenariet fremskriver.")
@click.option("--prisstigning", type=click.FloatRange(-10, 20), default=0.0, show_default=True,
              help="Årlig pris- og lønstigning i procent (0: faste priser i basisårets priser).")
@data_option
@mapping_option
@ud_option
@format_option
def scenarie(trappe, kommune, moves, basisaar, horizon, prisstigning, data, indsatskort, ud, fmt) -> None:
    """Hvad er det værd, når borgere flytter ned ad trappen? Borgere og udgifter med og uden ændring."""
    from . import scenario as scenario_model

    k, base, folder = _municipality_year_folder(fmt, kommune, basisaar, "--basisaar", data, indsatskort)
    staircase = queries.staircase_of(folder, trappe)
    movements_ = [scenario_model.parse_movement(m, staircase) for m in moves]
    result = queries.scenario(folder, trappe, k, movements_, base, horizon, prisstigning / 100)
    _print_warnings(folder.warnings)
    if _written(result, ud, fmt, folder):
        return
    totals = result[result["trin"] == scenario_model.TOTAL]
    first = int(totals["aar"].min()) - 1
    prices = f"{first}-priser" if not prisstigning else f"løbende priser (+{danish.decimal(prisstigning)} % om året)"
    table = Table(title=f"Scenarie – {municipalities.name_of(k)} ({k}), {staircase.navn}, fra {first}, {prices}",
                  title_justify="left")
    for name in ("År", "Borgere", "Udgift uden ændring, kr.", "Udgift med ændring, kr.", "Forskel, kr."):
        table.add_column(name, justify="right")
    for r in totals.itertuples():
        table.add_row(str(r.aar), danish.integer(r.borgere_med), danish.integer(r.udgift_uden),
                      danish.integer(r.udgift_med), danish.integer(r.forskel))
    table.add_row("I alt", "", danish.integer(totals["udgift_uden"].sum()), danish.integer(totals["udgift_med"].sum()),
                  danish.integer(totals["forskel"].sum()), style="bold")
    out.print(table)
    first_year = result[result["trin"] != scenario_model.TOTAL]
    first_year = first_year[first_year["aar"] == first_year["aar"].min()]
    no_price = [int(r.trin) for r in first_year.itertuples() if danish.missing(r.enhedspris) and r.borgere_uden > 0]
    no_count = [int(r.trin) for r in first_year.itertuples() if danish.missing(r.borgere_uden)]
    if no_price:
        out.print(f"Uden enhedspris (hverken kommunens eller gruppens): trin {', '.join(map(str, no_price))}. "
                  "Deres udgifter er ukendte og ikke med i tallene.")
    if no_count:
        out.print(f"Uden antal borgere i {first}: trin {', '.join(map(str, no_count))} (kommunen har ikke tal).")
    for line in scenario_model.ASSUMPTIONS:
        out.print(f"[dim]• {line}[/dim]")


# -- rapport -------------------------------------------------------------------------------------

@cli.command()
@click.option("--kommune", required=True, help="Kommunekode eller navn.")
@click.option("--gruppe", default=None, help="Sammenligningsgruppe: kommunegruppe (standard), region eller en "
                                             "liste af kommunekoder.")
@data_option
@mapping_option
@click.option("--som-udsendt", "som_udsendt", is_flag=True,
              help="Med de udsendte projektmappers tal: små tal skjult, gruppen taget over de viste tal. Uden: "
                   "alle data, til intern brug.")
@click.option("--ud", type=click.Path(path_type=Path), required=True, help="PDF-filen der skal skrives.")
def rapport(kommune, gruppe, data, indsatskort, som_udsendt, ud) -> None:
    """Et par sider til udskrift: trapperne, nøgletallene mod gruppen og udgifterne på trinene (PDF)."""
    from . import report

    k = municipalities.parse_kommune(kommune, "--kommune")
    municipalities.comparison_group(gruppe, k, "--gruppe")  # a wrong group named as the option, before any work
    if ud.suffix.lower() != ".pdf":
        raise InputError.single("--ud", f"'{ud}' er ikke en PDF-fil.", "Giv filen endelsen .pdf.")
    folder = _folder(data, indsatskort)
    report.write_report(folder, k, ud, gruppe, as_distributed=som_udsendt)
    _print_warnings(folder.warnings)
    out.print(f"Skrev {ud}")


# -- botilbud -----------------------------------------------------------------------------------

@cli.command()
@click.option("--kommune", required=True, help="Kommunekode eller navn.")
@click.option("--visning", type=click.Choice(["maal", "bevaegelser"]), default="maal", show_default=True,
              help="maal: de fem mål pr. botilbud (tabellen botilbud). bevaegelser: beboernes bevægelser på "
                   "trappen (tabellen forloeb).")
@click.option("--aar", default=None, help="Kun dette år (standard: alle år; tabellen viser det seneste).")
@data_option
@mapping_option
@workbook_entries_option("Botilbud", "botilbuddenes tal")
@ud_option
@format_option
def botilbud(kommune, visning, aar, data, indsatskort, egne_tal, ud, fmt) -> None:
    """Kvalitet i botilbud: de fem mål pr. botilbud og år, eller beboernes bevægelser ned ad trappen."""
    from . import botilbud as model

    k, year, folder = _municipality_year_folder(fmt, kommune, aar, "--aar", data, indsatskort)
    if egne_tal is not None:
        entered = reader.read_botilbud(egne_tal)
        existing = folder.table("botilbud") if folder.has("botilbud") else entered.iloc[0:0]
        kept = existing[~existing["kommune_kode"].isin(entered["kommune_kode"].unique())]
        folder.replace_table("botilbud", pd.concat([kept, entered], ignore_index=True))
        out.print(f"Læste {len(entered)} tal for botilbud fra {egne_tal}")
    if visning == "maal":
        result = queries.botilbud_goals(folder, k, year)
    else:
        result = queries.botilbud_movements(folder, k)
        if year is not None:
            result = result[result["aar"] == year]
    _print_warnings(folder.warnings)
    if _written(result, ud, fmt, folder):
        return
    if result.empty:
        out.print(f"Ingen beboere på {model.RESIDENTS} i forløbene for det valgte år.")
        return
    if visning == "bevaegelser":
        table = Table(title=f"Beboere på {model.RESIDENTS} og hvor de står et år efter – "
                            f"{municipalities.name_of(k)} ({k})", title_justify="left", caption=model.MOVED_DOWN,
                      caption_justify="left")
        for name in ("Botilbud", "År", "Beboere", *model.MOVEMENT_NAMES.values(), "Flyttet ned"):
            table.add_column(name, justify="left" if name == "Botilbud" else "right")
        for r in result.itertuples():
            table.add_row(r.botilbud, str(r.aar), danish.integer(r.beboere),
                          *(danish.integer(getattr(r, c)) for c in model.MOVEMENT_KINDS), danish.percent(r.andel_ned),
                          style="bold" if r.botilbud == model.ALL else None)
        out.print(table)
        return
    latest = int(result["aar"].max())
    rows = result[result["aar"] == latest]
    table = Table(title=f"De fem mål for kvalitet i botilbud – {municipalities.name_of(k)} ({k}), {latest}",
                  title_justify="left", caption="Andel (tæller/nævner). " + model.GOALS_NOTE, caption_justify="left")
    table.add_column("Botilbud")
    goals = model.goals()
    for goal in goals.itertuples():
        table.add_column(f"{goal.id} {goal.navn}", justify="right")
    for name, group in rows.groupby("botilbud", sort=False):
        by_goal = {m: r for m, r in zip(group["maal"], group.itertuples(), strict=True)}
        cells = [f"{danish.percent(by_goal[g].andel)} ({danish.integer(by_goal[g].taeller)}/"
                 f"{danish.integer(by_goal[g].naevner)})" if g in by_goal else "–" for g in goals.index]
        table.add_row(name, *cells, style="bold" if name == model.ALL else None)
    out.print(table)


# -- hent ---------------------------------------------------------------------------------------

@cli.command()
@click.option("--ud", type=click.Path(path_type=Path), required=True, help="Datamappen der skal skrives.")
@click.option("--fra", "fra_aar", default="2018", show_default=True, help="Første år.")
@click.option("--til", "til_aar", default=None, help="Sidste år (standard: sidste år).")
@click.option("--api", default=None, help="StatBank-adressen (standard: api.statbank.dk/v1 eller "
                                           "INDSATSTRAPPE_STATBANK_URL).")
@click.option("--brug-cache", is_flag=True, help="Brug tidligere hentede svar i <ud>/.dst-cache, hvor de findes.")
@mapping_option
def hent(ud: Path, fra_aar, til_aar, api, brug_cache, indsatskort) -> None:
    """Hent registertabellerne fra Danmarks Statistik til en datamappe (befolkning, modtagere, regnskab)."""
    from rich.progress import BarColumn, Progress, TextColumn

    first = _parse_year(fra_aar)
    last = _parse_year(til_aar) if til_aar else date.today().year - 1
    if first > last:
        raise InputError.single("--fra", f"{first} ligger efter --til {last}.", "Byt om på årene.")
    client = StatBankClient(base_url=api or os.environ.get("INDSATSTRAPPE_STATBANK_URL", DEFAULT_URL),
                            cache_dir=ud / ".dst-cache", use_cache=brug_cache)
    staircases = DataFolder(indsatskort=indsatskort).staircases
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(f"Henter {table}", total=total)
            bar.update(tasks[table], completed=done, total=total)
        result = fetch.fetch_folder(client, ud, staircases, list(range(first, last + 1)), progress)
    for name, n in result.rows.items():
        out.print(f"Skrev {ud / (name + '.csv')} ({danish.integer(n)} rækker)")
    for line in result.lines():  # what DST withheld or left out, and tables that could not be used
        out.print(f"  Bemærk: {line}", markup=False)
    out.print(f"Kilde: Danmarks Statistik, tabellerne {', '.join(sorted(result.fetched))}; licens CC BY 4.0. "
              f"Bemærkningerne står også i {ud / 'datapakke.toml'} og på projektmappernes ark 'Om'.")
    out.print(f"Tjek mappen med: indsatstrappe valider --data {ud}")


# -- skabeloner ---------------------------------------------------------------------------------

@cli.command()
@click.option("--ud", type=click.Path(path_type=Path), default=Path("templates"), show_default=True,
              help="Mappe til skabelonerne.")
@data_option
@click.option("--dato", default=None, help="Byggedato ÅÅÅÅ-MM-DD (standard: i dag); samme dato giver samme fil.")
def skabeloner(ud: Path, data, dato) -> None:
    """Byg analytikerens skabeloner med alle kommuner: Noegletal.xlsm (med makroer) og Udgiftsmodel.xlsx."""
    build_date = queries.parse_day(dato, "--dato").date() if dato else None
    folder = _folder(data, None)
    for target in (workbooks.write_noegletal(folder, ud / "Noegletal.xlsm", workbooks.TEMPLATE_KOMMUNE,
                                             build_date=build_date, macros=True),
                   workbooks.write_udgiftsmodel(folder, ud / "Udgiftsmodel.xlsx", workbooks.TEMPLATE_KOMMUNE,
                                                build_date=build_date)):
        out.print(f"Skrev {target}")


@cli.command("byg-addin")
@click.option("--ud", type=click.Path(path_type=Path), default=Path("addin/Indsatstrappe.xlam"), show_default=True)
@click.option("--dato", default=None, help="Byggedato ÅÅÅÅ-MM-DD (standard: i dag).")
def byg_addin(ud: Path, dato) -> None:
    """Byg Excel-tilføjelsesprogrammet med fanen Indsatstrappen."""
    build_date = queries.parse_day(dato, "--dato").date() if dato else None
    out.print(f"Skrev {workbooks.write_addin(ud, build_date)}")


# -- opdater ------------------------------------------------------------------------------------

@cli.command()
@click.argument("projektmappe", type=click.Path(path_type=Path))
@data_option
@mapping_option
def opdater(projektmappe: Path, data, indsatskort) -> None:
    """Læg nye data ind i en Nøgletal- eller Udgiftsmodel-projektmappe og behold alle indtastninger."""
    folder = _folder(data, indsatskort)
    backup = workbooks.refresh(projektmappe, folder)
    _print_warnings(folder.warnings)
    out.print(f"Opdaterede {projektmappe} med {folder.meta.label or folder.path}.")
    out.print(f"Den forrige udgave ligger i {backup}")


# -- udsend -------------------------------------------------------------------------------------

@cli.command()
@click.option("--ud", type=click.Path(path_type=Path), required=True, help="Mappen til projektmapperne.")
@click.option("--kommuner", default="alle", show_default=True, help="Kommunekoder eller navne adskilt af komma.")
@data_option
@click.option("--zip-regioner", is_flag=True, help="Lav også én zip-fil pr. region.")
@click.option("--processer", type=int, default=2, show_default=True, help="Antal processer.")
def udsend(ud: Path, kommuner: str, data, zip_regioner: bool, processer: int) -> None:
    """Én Nøgletal- og én Udgiftsmodel-projektmappe pr. kommune (uden makroer, små tal skjult) og manifest.csv."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import distribute

    codes = queries.parse_kommuner(kommuner, "--kommuner")
    folder = _folder(data, None)
    with Progress(TextColumn("Projektmapper"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err) as bar:
        task = bar.add_task("udsend", total=2 * len(codes))
        try:
            result = distribute.distribute(folder, ud, codes, workers=max(1, processer), zip_regions=zip_regioner,
                                           progress=lambda done, total: bar.update(task, completed=done))
        except KeyboardInterrupt:
            err.print(f"Afbrudt: kun en del af projektmapperne er skrevet; {ud / 'manifest.csv'} viser hvilke "
                      "('ny, kørslen blev afbrudt'). Kør udsend igen for at få dem alle.")
            sys.exit(1)
    out.print(f"Skrev {len(result.files)} projektmapper og {result.manifest}")
    older = len(list(csv_rows(result.manifest, "status", "fra en tidligere kørsel")))
    if older:
        out.print(f"  Mappen har også {older} projektmapper fra en tidligere kørsel; manifest.csv viser dem som "
                  "'fra en tidligere kørsel'. Slet dem, hvis de ikke skal sendes.")


def csv_rows(path: Path, column: str, value: str):
    import csv

    with open(path, encoding="utf-8") as fh:
        yield from (row for row in csv.DictReader(fh) if row.get(column) == value)


@cli.command()
@click.argument("mappe", type=click.Path(path_type=Path))
@data_option
def revider(mappe: Path, data) -> None:
    """Prøv som en udenforstående at genskabe skjulte tal i udsendte projektmapper (før de sendes)."""
    from . import knowledge, privacy_audit, suppression

    files = sorted(p for p in mappe.glob("*.xlsx") if p.name.startswith(("Noegletal_", "Udgiftsmodel_"))) \
        if mappe.is_dir() else []
    if not files:
        raise InputError.single(str(mappe), "Mappen findes ikke eller har ingen udsendte projektmapper "
                                "(Noegletal_*.xlsx, Udgiftsmodel_*.xlsx).",
                                "Angiv den mappe, 'indsatstrappe udsend --ud' skrev til.")
    folder = _folder(data, None)
    modtagere = folder.table("modtagere")
    years = sorted(int(y) for y in modtagere["aar"].unique())
    zero = suppression.known_zero(modtagere, folder.staircases, years)
    absent = suppression.not_reported(modtagere, folder.staircases, years)
    bounds = privacy_audit.reader_knowledge(modtagere, folder.staircases, years)
    first = next((f for f in files if f.name.startswith("Noegletal_")), None)
    if first is not None:  # audited with other data, every shown number would look like a recovery
        with privacy_audit.reading(first):
            differ = privacy_audit.data_mismatches(privacy_audit.read_shown(first), modtagere, folder.staircases)
        if differ:
            raise InputError.single(str(folder.path), f"datamappen passer ikke til projektmapperne i {mappe}: "
                                    f"{len(differ)} viste antal er anderledes (fx {differ[0]}).",
                                    "Revider med den datamappe, projektmapperne er lavet af (--data).")
    out.print(f"Antaget viden (fra {folder.path}): {knowledge.MODEL}")
    audited, found = privacy_audit.audit_files(
        files, folder.staircases, zero, on_sheet=lambda f: err.print(f"Reviderer data-arkene i {f.name} ..."),
        not_reported=absent, bounds=bounds)
    out.print(f"{len(files)} projektmapper, {audited} forskellige data-ark revideret.")
    if not found:
        out.print("Intet skjult tal kan genskabes af de viste tal.")
        return
    table = Table("Kommune", "Trappe", "Skjult tal", "Er (eller ligger mellem)", show_lines=False)
    for r in found[:40]:
        between = f"{r.lo + 0:.0f}" if r.hi - r.lo < 1e-6 else f"{r.lo:.1f} og {r.hi:.1f}".replace(".", ",")
        table.add_row(f"{r.kommune_kode} {municipalities.name_of(r.kommune_kode)}", r.trappe, r.hvad, between)
    out.print(table)
    err.print(f"{len(found)} skjulte tal kan genskabes af de viste tal. Send ikke projektmapperne; lav dem igen med "
              "'indsatstrappe udsend' fra denne version.")
    sys.exit(2)


# -- valider ------------------------------------------------------------------------------------

@cli.command()
@data_option
@mapping_option
def valider(data, indsatskort) -> None:
    """Tjek en datamappe og vis alle fejl på én gang."""
    folder = _folder(data, indsatskort)
    problems = folder.validate()
    errors = [p for p in problems if not p.advarsel]
    for p in problems:
        (err if not p.advarsel else out).print(p.tekst(), markup=False)
    present = folder.available()
    missing = [t for t in TABLES if t not in present]
    out.print(f"Tabeller fundet: {', '.join(present) or 'ingen'}"
              + (f"; ikke med: {', '.join(missing)}" if missing else ""))
    if errors:
        err.print(f"Fandt {len(errors)} fejl og {len(problems) - len(errors)} advarsler. Ret fejlene og kør "
                  "'indsatstrappe valider' igen.")
        sys.exit(2)
    rows = sum(len(folder.table(t)) for t in present)
    out.print(f"Ingen fejl ({len(problems)} advarsler). {len(present)} tabeller, {danish.integer(rows)} rækker.")


# -- demo ---------------------------------------------------------------------------------------

@cli.command()
@click.option("--ud", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Mappe til resultaterne.")
def demo(ud: Path) -> None:
    """Kør hovedjobbet på de medfølgende demodata og skriv resultaterne i en mappe."""
    folder = _folder(None, None)
    ud.mkdir(parents=True, exist_ok=True)
    written = []
    for trappe in ("boern", "voksne"):
        dist = queries.distributions(folder, trappe)
        target = ud / f"fordeling_{trappe}.csv"
        write_csv(dist, target)
        written.append((target, len(dist)))
        latest = int(dist["aar"].max())
        for kommune in DEMO_KOMMUNER:
            _print_distribution(folder, trappe, kommune, latest, None)
        if folder.has("forloeb"):
            yearly = queries.movement_years(folder, trappe)
            target = ud / f"bevaegelser_aarlig_{trappe}.csv"
            write_csv(yearly, target)
            written.append((target, len(yearly)))
            kommune = int(yearly["kommune_kode"].iloc[0])
            last = int(yearly["aar"].max())
            fra, til = pd.Timestamp(f"{last - 1}-12-31"), pd.Timestamp(f"{last}-12-31")
            matrix = queries.movement_matrix(folder, trappe, fra, til, kommune)
            target = ud / f"bevaegelser_{trappe}_{kommune}_{last}.csv"
            write_csv(matrix, target)
            written.append((target, len(matrix)))
            _print_matrix(folder, trappe, matrix,
                          f"{fra:%d-%m-%Y} → {til:%d-%m-%Y}, {municipalities.name_of(kommune)} ({kommune})")
    for kommune in DEMO_KOMMUNER:
        for target in (workbooks.write_noegletal(folder, ud / workbooks.noegletal_filename(kommune), kommune),
                       workbooks.write_udgiftsmodel(folder, ud / workbooks.udgiftsmodel_filename(kommune), kommune)):
            written.append((target, None))
    from . import report
    from . import scenario as scenario_model

    kommune = DEMO_KOMMUNER[0]
    boern = queries.staircase_of(folder, "boern")
    example = [scenario_model.parse_movement("6>5:10%:3", boern), scenario_model.parse_movement("4>3:5:2", boern)]
    result = queries.scenario(folder, "boern", kommune, example)
    target = ud / f"scenarie_boern_{kommune}.csv"
    write_csv(result, target)
    written.append((target, len(result)))
    saved = result[result["trin"] == scenario_model.TOTAL]["forskel"].sum()
    out.print(f"Scenarie for {municipalities.name_of(kommune)}: 10 % af børnene på trin 6 til trin 5 over 3 år og "
              f"5 børn fra trin 4 til trin 3 over 2 år ændrer udgiften med {danish.integer(saved)} kr. over 5 år.")
    if folder.has("botilbud") and folder.has("forloeb"):
        written += _demo_botilbud(folder, ud)
    written.append((report.write_report(folder, kommune, ud / f"Rapport_{kommune}_"
                                        f"{workbooks.file_slug(municipalities.name_of(kommune))}.pdf"), None))
    templates = ud / "skabeloner"  # the analyst's templates, all municipalities, macros in Nøgletal
    written.append((workbooks.write_noegletal(folder, templates / "Noegletal.xlsm", workbooks.TEMPLATE_KOMMUNE,
                                              macros=True), None))
    written.append((workbooks.write_udgiftsmodel(folder, templates / "Udgiftsmodel.xlsx",
                                                 workbooks.TEMPLATE_KOMMUNE), None))
    (ud / "DEMODATA_LAES_MIG.txt").write_text(
        "Filerne i denne mappe er lavet af 'indsatstrappe demo' på DEMODATA: syntetiske tal, ikke\n"
        "virkelige kommuners tal. Kør kommandoerne med --data MAPPE for egne data.\n", encoding="utf-8")
    out.print("[bold]Skrevet:[/bold]")
    for target, n in written:
        out.print(f"  {target}" + (f" ({danish.integer(n)} rækker)" if n is not None else ""))
    out.print("[bold]Alt ovenfor er lavet af DEMODATA (syntetiske tal).[/bold] Egne data: se README, fx "
              "'indsatstrappe hent --ud dst_data' og 'indsatstrappe fordeling --data dst_data ...'.")


def _demo_botilbud(folder: DataFolder, ud: Path) -> list[tuple[Path, int | None]]:
    """The five goals, the residents' movements and a Nøgletal workbook (its Botilbud sheet) for a
    municipality with episodes."""
    from . import botilbud as model

    kommune = int(folder.table("forloeb")["kommune_kode"].min())  # Frederiksberg in the demo: botilbud named
    goals, moves = queries.botilbud_goals(folder, kommune), queries.botilbud_movements(folder, kommune)
    written = [(workbooks.write_noegletal(folder, ud / workbooks.noegletal_filename(kommune), kommune), None)]
    for name, table in (("maal", goals), ("bevaegelser", moves)):
        target = ud / f"botilbud_{name}_{kommune}.csv"
        write_csv(table, target)
        written.append((target, len(table)))
    every = moves[moves["botilbud"] == model.ALL].iloc[-1]
    n = goals["botilbud"].nunique() - 1
    out.print(f"Botilbud i {municipalities.name_of(kommune)}: {n} botilbud med tal for de fem mål. Af de "
              f"{danish.integer(every['beboere'])} beboere på {model.RESIDENTS} ved udgangen af {every['aar'] - 1} var "
              f"{danish.percent(every['andel_ned'])} flyttet ned ad trappen et år efter.")
    return written


# -- entry point --------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    """Run the CLI; turn bad input into exit 2 and a Danish message, never a traceback."""
    _use_danish_click_texts()
    try:
        cli.main(args=argv, prog_name="indsatstrappe", standalone_mode=False)
    except InputError as exc:
        _print_warnings(exc.warnings)
        for p in exc.problems:
            err.print(p.tekst(), markup=False)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        err.print(f"Fejl: {exc.format_message()}", markup=False)
        err.print("Se 'indsatstrappe --help' eller 'indsatstrappe KOMMANDO --help'.", markup=False)
        sys.exit(2)
    except (PermissionError, FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
        why = {PermissionError: "der er ikke adgang", FileExistsError: "der findes allerede en fil med det navn",
               NotADirectoryError: "en del af stien er en fil, ikke en mappe",
               IsADirectoryError: "det er en mappe, ikke en fil"}.get(type(exc), exc.strerror)
        err.print(f"Fejl: {exc.filename or ''}: kan ikke skrive eller læse her ({why}).", markup=False)
        err.print("Vælg en anden mappe eller fil med --ud, eller ret rettighederne.", markup=False)
        sys.exit(2)
    except click.Abort:
        err.print("Afbrudt.")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("Afbrudt.")
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("INDSATSTRAPPE_DEBUG"):
            raise
        err.print(f"Intern fejl: {type(exc).__name__}: {exc}", markup=False)
        err.print("Det er en fejl i programmet, ikke i dine data. Kør igen med INDSATSTRAPPE_DEBUG=1 og "
                  "send udskriften til udviklerne.", markup=False)
        sys.exit(1)


_CLICK_DANISH = {
    "Usage:": "Brug:", "Options": "Tilvalg", "Commands": "Kommandoer",
    "Show this message and exit.": "Vis denne hjælp og afslut.",
    "Show the version and exit.": "Vis versionen og afslut.",
    "Missing option {param_hint}": "Tilvalget {param_hint} mangler",
    "Missing argument {param_hint}": "Argumentet {param_hint} mangler",
    "Missing parameter {param_hint}": "Parameteren {param_hint} mangler",
    "Missing option": "Tilvalg mangler", "Missing argument": "Argument mangler",
    "No such option: {name}": "Ukendt tilvalg: {name}",
    "No such command {name!r}.": "Ukendt kommando {name!r}.",
    "Option {name!r} requires an argument.": "Tilvalget {name!r} skal have en værdi.",
    "Got unexpected extra argument ({args})": "Uventet ekstra argument ({args})",
    "Got unexpected extra arguments ({args})": "Uventede ekstra argumenter ({args})",
    "Invalid value for {param_hint}: {message}": "Ugyldig værdi for {param_hint}: {message}",
    "Try {command!r} for help.": "Prøv {command!r} for hjælp.",
    "Error": "Fejl", "(default: {default})": "(standard: {default})", "default": "standard",
    "required": "skal angives", "default: {default}": "standard: {default}",
    "Did you mean {possibility}?": "Mente du {possibility}?",
    "{value!r} is not {choice}.": "{value!r} er ikke {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} er ikke en af {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} er ikke et gyldigt tal.",
    "{value} is not in the range {range}.": "{value} er uden for det tilladte ({range}).",
    "{name} {filename!r} does not exist.": "{name} {filename!r} findes ikke.",
    "{name} {filename!r} is a file.": "{name} {filename!r} er en fil, ikke en mappe.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} er en mappe, ikke en fil.",
    "file": "Filen", "directory": "Mappen", "path": "Stien",
}


def _use_danish_click_texts() -> None:
    """Click words its own help and errors via gettext; give it our Danish words instead."""
    def translate(message: str) -> str:
        return _CLICK_DANISH.get(message, message)

    for module in ("core", "exceptions", "formatting", "decorators", "parser", "types"):
        mod = getattr(click, module, None) or sys.modules.get(f"click.{module}")
        if mod is not None and hasattr(mod, "_"):
            mod._ = translate
    types = sys.modules.get("click.types")
    if types is not None and hasattr(types, "ngettext"):  # a choice option's "is not one of"
        types.ngettext = lambda singular, plural, n: translate(singular if n == 1 else plural)


if __name__ == "__main__":
    main()

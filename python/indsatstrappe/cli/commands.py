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
from rich.table import Table

from .. import __version__
from ..app import fetch, queries, workbooks
from ..core import coverage, danish, expenses, keyfigures, municipalities
from ..core.errors import InputError
from ..excel import reader
from ..io import accounts as account_export
from ..io.contracts import TABLES
from ..io.datafolder import DataFolder
from ..io.output import CSV_FORMATS, write_csv
from ..io.statbank import DEFAULT_URL, StatBankClient
from .danish import DanishGroup, danish_click
from .demo import demo
from .terminal import err, figure_notes, open_folder, out, print_distribution, print_matrix, print_warnings

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


@click.group(cls=DanishGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="indsatstrappe", message="%(prog)s %(version)s",
                      help="Vis versionen og afslut.")
def cli() -> None:
    """Indsatstrappen: fordelinger, bevægelser, nøgletal og udgifter for børne- og voksentrappen."""


cli.add_command(demo)


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
    folder = open_folder(data, indsatskort)
    kommuner = queries.parse_kommuner(kommune)
    result = queries.distribution_for(folder, trappe, kommuner, year, gruppe)
    print_warnings(folder.warnings)
    if _written(result, ud, fmt, folder):
        return
    shown_year = year or int(result["aar"].max())
    for k in kommuner:
        print_distribution(folder, trappe, k, shown_year, gruppe)


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
    return k, _parse_year(year, year_option), open_folder(data, indsatskort)


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
    folder = open_folder(data, indsatskort)
    matrix = queries.movement_matrix(folder, trappe, fra, til, k)
    print_warnings(folder.warnings)
    if _written(matrix, ud, fmt, folder):
        return
    where = f"{municipalities.name_of(k)} ({k})" if k else "alle kommuner i data"
    print_matrix(folder, trappe, matrix, f"{fra:%d-%m-%Y} → {til:%d-%m-%Y}, {where}")


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
    folder = open_folder(data, indsatskort)
    if egne_tal is not None:
        entered = reader.read_own_figures(egne_tal)
        existing = folder.table("egne_tal") if folder.has("egne_tal") else None
        folder.replace_table("egne_tal", reader.merge_own_figures(existing, entered))
        out.print(f"Læste {len(entered)} egne tal fra {egne_tal}")
    result = queries.key_figure_comparison(folder, trappe, k, gruppe)
    print_warnings(folder.warnings)
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
    for line in figure_notes(folder, trappe, group, int(latest), sorted(int(y) for y in result["aar"].unique())):
        out.print("  " + line)


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
        print_warnings(export_warnings)
        existing = folder.table("regnskab") if folder.has("regnskab") else imported.iloc[0:0]
        keep = existing[~((existing["kommune_kode"] == k) & (existing["aar"] == year))]
        folder.replace_table("regnskab", pd.concat([keep, imported], ignore_index=True))
        out.print(f"Læste {len(imported)} konti fra {export}")
    result = queries.expense_table(folder, trappe, k, fordelingsnoegle, base)
    print_warnings(folder.warnings)
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
    from ..core import scenario as scenario_model

    k, base, folder = _municipality_year_folder(fmt, kommune, basisaar, "--basisaar", data, indsatskort)
    staircase = queries.staircase_of(folder, trappe)
    movements_ = [scenario_model.parse_movement(m, staircase) for m in moves]
    result = queries.scenario(folder, trappe, k, movements_, base, horizon, prisstigning / 100)
    print_warnings(folder.warnings)
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
    from ..app import report

    k = municipalities.parse_kommune(kommune, "--kommune")
    municipalities.comparison_group(gruppe, k, "--gruppe")  # a wrong group named as the option, before any work
    if ud.suffix.lower() != ".pdf":
        raise InputError.single("--ud", f"'{ud}' er ikke en PDF-fil.", "Giv filen endelsen .pdf.")
    folder = open_folder(data, indsatskort)
    report.write_report(folder, k, ud, gruppe, as_distributed=som_udsendt)
    print_warnings(folder.warnings)
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
    from ..core import botilbud as model

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
    print_warnings(folder.warnings)
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
    folder = open_folder(data, None)
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
    folder = open_folder(data, indsatskort)
    backup = workbooks.refresh(projektmappe, folder)
    print_warnings(folder.warnings)
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

    from ..app import distribute

    codes = queries.parse_kommuner(kommuner, "--kommuner")
    folder = open_folder(data, None)
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
    from ..app import privacy_audit
    from ..core import knowledge, suppression

    files = sorted(p for p in mappe.glob("*.xlsx") if p.name.startswith(("Noegletal_", "Udgiftsmodel_"))) \
        if mappe.is_dir() else []
    if not files:
        raise InputError.single(str(mappe), "Mappen findes ikke eller har ingen udsendte projektmapper "
                                "(Noegletal_*.xlsx, Udgiftsmodel_*.xlsx).",
                                "Angiv den mappe, 'indsatstrappe udsend --ud' skrev til.")
    folder = open_folder(data, None)
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
    folder = open_folder(data, indsatskort)
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


# -- entry point --------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    """Run the CLI, click in Danish; turn bad input into exit 2 and a Danish message, never a traceback."""
    with danish_click():
        _run(argv)


def _run(argv: list[str] | None) -> None:
    try:
        cli.main(args=argv, prog_name="indsatstrappe", standalone_mode=False)
    except InputError as exc:
        print_warnings(exc.warnings)
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


if __name__ == "__main__":
    main()

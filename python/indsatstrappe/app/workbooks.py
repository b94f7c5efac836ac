"""Build workbooks from a data folder: gather the core results, describe the data, write atomically."""

from __future__ import annotations

import shutil
import stat
from datetime import date
from pathlib import Path

import pandas as pd

from ..core import botilbud, distribution, expenses, municipalities
from ..core.datafiles import ADDIN_VBA, RIBBON_XML
from ..core.errors import InputError, Problem
from ..excel import package
from ..excel.datasheet import OWN_GROUP
from ..excel.noegletal import noegletal_book
from ..excel.scaffold import DST_ATTRIBUTION, BookInfo
from ..excel.udgiftsmodel import scenario_sheet, udgiftsmodel_book
from ..io.datafolder import DataFolder
from ..io.output import atomic_path
from . import queries

TEMPLATE_KOMMUNE = 101  # the templates open on København; every municipality is one dropdown away


def file_slug(name: str) -> str:
    """ASCII file names (Koebenhavn, Laesoe, Aeroe): safe in zip files, e-mail and every file system."""
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa", " ": "-", ".": ""})
    return name.translate(table)


def noegletal_filename(kommune: int) -> str:
    return f"Noegletal_{kommune}_{file_slug(municipalities.name_of(kommune))}.xlsx"


def template_vba_modules() -> dict[str, str]:
    """The VBA modules of macro-enabled templates: the sources in the package's addin/vba."""
    from ..excel import vba

    return vba.sources(ADDIN_VBA)


def book_info(folder: DataFolder, title: str, kommune: int, years: list[int], build_date: date | None) -> BookInfo:
    meta = folder.meta
    sources = []
    if meta.syntetisk:
        sources.append("Syntetiske demodata, lavet af værktøjets demogenerator. Med rigtige data kommer tallene fra "
                       "Danmarks Statistik og kommunens egne opgørelser.")
    else:
        if meta.kilde:
            sources.append(meta.kilde + (f" (hentet {meta.hentet})" if meta.hentet else ""))
        if "danmarks statistik" in meta.kilde.lower():
            tables = ", ".join(meta.tabeller)
            sources.append(DST_ATTRIBUTION + (f" Tabeller: {tables}." if tables else ""))
        if not sources:
            sources.append("Egne data (datamappe uden beskrivelse af kilden).")
    return BookInfo(title=title, kommune_navn=municipalities.name_of(kommune), data_label=meta.label,
                    is_demo=meta.syntetisk, period=f"{years[0]}-{years[-1]}" if years else "",
                    build_date=build_date or date.today(), sources=sources, notes=list(meta.bemaerkninger))


def _step_counts(folder: DataFolder, staircase) -> pd.DataFrame:
    """A staircase's reported step counts (distribution.reported_step_counts) with its age group's population
    beside them (the per-1,000 denominator): what both workbooks start from."""
    counts = distribution.reported_step_counts(folder.table("modtagere"), staircase)
    return counts.merge(distribution.age_group_population(folder.table("befolkning"), staircase),
                        on=["kommune_kode", "aar"], how="left")


def data_years(folder: DataFolder) -> list[int]:
    """The years both workbooks' sources cover: those of the step counts (every year a staircase has rows in
    the register data), found without counting."""
    modtagere = folder.table("modtagere")
    return sorted(int(y) for y in modtagere.loc[modtagere["trappe"].isin(list(folder.staircases)), "aar"].unique())


def noegletal_sources(folder: DataFolder) -> dict:
    """The core's results every Nøgletal workbook shows, unsuppressed: `noegletal_book.noegletal_data`'s
    arguments."""
    values, counts = [], []
    for trappe, staircase in folder.staircases.items():
        values.append(queries.key_figures(folder, trappe))
        counts.append(_step_counts(folder, staircase).assign(trappe=trappe))
    counts_df = pd.concat(counts, ignore_index=True)
    years = sorted(int(y) for y in counts_df["aar"].unique())
    return {"values": pd.concat(values, ignore_index=True), "counts": counts_df, "staircases": folder.staircases,
            "years": years, "botilbud": folder.table("botilbud") if folder.has("botilbud") else None,
            "beboere": resident_movements(folder, years)}


def noegletal_data(folder: DataFolder) -> noegletal_book.NoegletalData:
    return noegletal_book.noegletal_data(**noegletal_sources(folder))


def noegletal_input(folder: DataFolder, kommune: int, gruppe: str | None = None) -> noegletal_book.NoegletalInput:
    return noegletal_book.noegletal_input(noegletal_data(folder),
                                          noegletal_book.NoegletalChoices(kommune, _group_choice(gruppe, kommune)))


def resident_movements(folder: DataFolder, years: list[int]) -> pd.DataFrame | None:
    """Botilbud residents' movements for every municipality with episodes; None without citizen-level data."""
    if not folder.has("forloeb") or "voksne" not in folder.staircases:
        return None
    return botilbud.resident_movements(folder.table("forloeb"), folder.staircases["voksne"], years)


def _group_choice(gruppe: str | None, kommune: int) -> str:
    """The dropdown value for a CLI group choice (lists of codes are not a dropdown choice)."""
    if gruppe is None or gruppe.strip().lower() == "kommunegruppe":
        return OWN_GROUP
    group = municipalities.comparison_group(gruppe, kommune)
    return group.navn if group.kode[0] in "GR" else OWN_GROUP


def write_noegletal(folder: DataFolder, target: Path, kommune: int, gruppe: str | None = None,
                    build_date: date | None = None, macros: bool = False) -> Path:
    """A Nøgletal workbook (.xlsx, or .xlsm with `macros`) written atomically to `target`."""
    data = noegletal_input(folder, kommune, gruppe)
    info = book_info(folder, noegletal_book.TITLE, kommune, data.years, build_date)
    with atomic_path(target) as tmp:
        noegletal_book.build(tmp, data, info, template_vba_modules() if macros else None)
        if macros:
            package.add_ribbon(tmp, RIBBON_XML.read_bytes())
    return target


def write_addin(target: Path, build_date: date | None = None) -> Path:
    """addin/Indsatstrappe.xlam: the ribbon, its VBA callbacks (the package's addin/vba/Ribbon.bas) and xlwings.conf."""
    from ..excel import vba
    from ..excel.addin import addin_book

    info = BookInfo(title=addin_book.TITLE, kommune_navn="", data_label="", is_demo=False, period="",
                    build_date=build_date or date.today())
    modules = {k: v for k, v in vba.sources(ADDIN_VBA).items() if k == "Ribbon"}
    with atomic_path(target) as tmp:
        addin_book.build(tmp, info, modules)
        package.add_ribbon(tmp, RIBBON_XML.read_bytes())
        package.make_addin(tmp)
    return target


def udgiftsmodel_filename(kommune: int) -> str:
    return f"Udgiftsmodel_{kommune}_{file_slug(municipalities.name_of(kommune))}.xlsx"


def udgiftsmodel_sources(folder: DataFolder) -> dict:
    """The core's results every Udgiftsmodel workbook shows, unsuppressed: `udgiftsmodel_book.udgiftsmodel_data`'s
    arguments."""
    befolkning = folder.table("befolkning")
    counts, expense_rows = [], []
    for key, staircase in folder.staircases.items():
        # a step not reported is 0 in the split key (as in expenses), said by `indberettet`; a withheld one stays
        # unknown (NaN): the workbook shows '–' and keeps a key over it off the steps, as for a hidden count
        c = _step_counts(folder, staircase)
        c = c.assign(indberettet=c["antal"].notna() | c["skjult"],
                     antal=c["antal"].where(c["skjult"], c["antal"].fillna(0)))
        counts.append(c.assign(trappe=key))
        table = queries.expense_table_all(folder, key)
        pop = distribution.age_group_population(befolkning, staircase)
        rows = table.merge(pop, on=["kommune_kode", "aar"], how="left")
        step = rows["trin"].map(lambda t: 0 if t == expenses.UNPLACED_LABEL else int(t))
        expense_rows.append(pd.DataFrame({
            "id": f"udgift:{key}:" + step.astype(str), "kommune_kode": rows["kommune_kode"], "aar": rows["aar"],
            "taeller": rows["beloeb"], "naevner": rows["befolkning"], "faktor": 1.0}))
        # unit costs (kr. per citizen on the step) for the Scenarie sheet's group fallback
        on_step = rows[step > 0].assign(trin=step[step > 0]).merge(
            c[["kommune_kode", "aar", "trin", "antal"]], on=["kommune_kode", "aar", "trin"], how="left")
        # no unit cost where the core has none (no accounts on the step, or no citizens): blank, not 0 kr.
        expense_rows.append(pd.DataFrame({
            "id": f"enhedspris:{key}:" + on_step["trin"].astype(str), "kommune_kode": on_step["kommune_kode"],
            "aar": on_step["aar"], "taeller": on_step["beloeb"].where(on_step["enhedspris"].notna()),
            "naevner": on_step["antal"], "faktor": 1.0}))
    counts_df = pd.concat(counts, ignore_index=True)
    return {"accounts": folder.table("regnskab"), "rules": queries.rules_of(folder), "counts": counts_df,
            "expense_rows": pd.concat(expense_rows, ignore_index=True),
            "prisindeks": folder.table("prisindeks") if folder.has("prisindeks") else None,
            "staircases": folder.staircases, "years": sorted(int(y) for y in counts_df["aar"].unique())}


def udgiftsmodel_input(folder: DataFolder, kommune: int,
                       trappe: str = "boern") -> udgiftsmodel_book.UdgiftsmodelInput:
    return udgiftsmodel_book.UdgiftsmodelInput(udgiftsmodel_book.udgiftsmodel_data(**udgiftsmodel_sources(folder)),
                                               udgiftsmodel_book.UdgiftsmodelChoices(kommune, trappe))


def write_udgiftsmodel(folder: DataFolder, target: Path, kommune: int, build_date: date | None = None) -> Path:
    """An Udgiftsmodel workbook written atomically to `target`."""
    data = udgiftsmodel_input(folder, kommune)
    info = book_info(folder, udgiftsmodel_book.TITLE, kommune, data.shared.years, build_date)
    with atomic_path(target) as tmp:
        udgiftsmodel_book.build(tmp, data, info)
    return target


def refresh(path: Path, folder: DataFolder) -> Path:
    """New data into an existing Nøgletal or Udgiftsmodel workbook, every user entry carried over.

    The previous file is kept as a backup beside it; the new one is written to a temporary name and
    renamed into place. Returns the backup's path."""
    from datetime import datetime

    from ..core.entries import NoegletalEntries
    from ..excel import reader

    path = Path(path)
    if not path.is_file():
        raise InputError.single(str(path), "findes ikke.", "Angiv projektmappen der skal opdateres.")
    locks = [path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])]  # Excel's, Word-style too
    lock = next((p for p in locks if p.exists()), None)
    if lock is not None:
        raise InputError.single(str(path), f"projektmappen er åben i Excel (låsefilen {lock.name} ligger ved siden "
                                "af); en opdatering nu ville gå tabt, når Excel gemmer.",
                                "Luk projektmappen i Excel og kør opdater igen. Intet er ændret.")
    entries = reader.read_entries(path)
    where = f"{path.name}, ark 'Forside'"
    kommune = municipalities.parse_kommune(entries.kommune, where)
    if isinstance(entries, NoegletalEntries):
        shared = noegletal_data(folder)
        _stop_if_unplaced(path, entries.egne, shared.years)
        choices = noegletal_book.NoegletalChoices(
            kommune, gruppe=_choice(entries.gruppe, _group_options(), where, "Sammenlign med"),
            aar=_year_choice(entries.aar, shared.years, where, "År på trappe-arkene"), egne=entries.egne,
            egne_kommune=municipalities.parse_kommune(entries.egne_kommune, f"{path.name}, ark 'Egne tal'"),
            botilbud_rows=entries.botilbud, egne_data=entries.egne_data)
        data = noegletal_book.noegletal_input(shared, choices)
        for fid, year, typed, found in noegletal_book.own_entry_conflicts(shared, data.own_kommune, entries.egne):
            folder.warnings.append(Problem(  # never dropped: the workbook's typed figure wins, and it is said
                f"{path.name}, ark 'Egne tal'", f"{fid} {year}: projektmappen har {_pair(typed)}, datamappen "
                f"{_pair(found)}; projektmappens tal er beholdt.",
                "Skal datamappens tal bruges, så slet rækkens tal i projektmappen og opdater igen.", advarsel=True))
        info = book_info(folder, noegletal_book.TITLE, kommune, data.years, None)
        macros = path.suffix.lower() == ".xlsm"

        def build(tmp: Path) -> None:
            noegletal_book.build(tmp, data, info, template_vba_modules() if macros else None)
            if macros:
                package.add_ribbon(tmp, RIBBON_XML.read_bytes())
    else:
        trappe = area_choice(entries.omraade, where)
        sources = udgiftsmodel_sources(folder)
        # indexed so that check_rules names the rows as the sheet numbers them
        rules = pd.DataFrame(entries.rules, columns=expenses.RULE_COLUMNS,
                             index=[r - 2 for r in entries.rule_rows] if entries.rule_rows else None)
        sources["rules"] = expenses.check_rules(rules, f"{path.name}, ark 'Fordelingsnøgle'",
                                                folder.staircases).reset_index(drop=True)
        # the sheet shows the rules as the user typed them; the account lines find the user's rules
        shared = udgiftsmodel_book.udgiftsmodel_data(**sources, rules_as_typed=[tuple(row) for row in entries.rules])
        price = _choice(entries.prisniveau, udgiftsmodel_book.PRICE_CHOICES, where, "Prisniveau")
        scenarie = None if entries.scenarie is None else \
            scenario_sheet.ScenarioInput(entries.scenarie, entries.prisstigning)
        choices = udgiftsmodel_book.UdgiftsmodelChoices(
            kommune, trappe, gruppe=_choice(entries.gruppe, _group_options(), where, "Sammenlign med"), price=price,
            base=_year_choice(entries.basisaar, shared.years, where, "Basisår"),
            eget_aar=entries.eget_aar, export=tuple(entries.export), scenarie=scenarie)
        data = udgiftsmodel_book.UdgiftsmodelInput(shared, choices)
        info = book_info(folder, udgiftsmodel_book.TITLE, kommune, shared.years, None)

        def build(tmp: Path) -> None:
            udgiftsmodel_book.build(tmp, data, info)
    backup = path.with_name(f"{path.stem}.backup-{datetime.now():%Y%m%d-%H%M%S}{path.suffix}")
    with atomic_path(path, mode=stat.S_IMODE(path.stat().st_mode)) as tmp:  # a read-only workbook stays so
        build(tmp)
        _stop_if_sheets_lost(path, tmp)
        shutil.copy2(path, backup)  # only once the new file is complete
    return backup


def _pair(value: tuple) -> str:
    t, n = value
    return f"{danish_number(t)}/{danish_number(n)}"


def danish_number(v) -> str:
    return "tom" if v is None else (f"{v:g}".replace(".", ","))


def _stop_if_sheets_lost(old: Path, new: Path) -> None:
    """A sheet the user added ('Mine noter') has no place in the rebuilt workbook: stop and say so before
    anything is written, rather than leave it only in the backup."""
    import openpyxl

    def names(path: Path) -> list[str]:
        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return list(wb.sheetnames)
        finally:
            wb.close()
    before, after = names(old), names(new)
    lost = [n for n in before if n not in set(after)]  # a renamed sheet of ours is no loss: count them
    if lost and len(before) > len(after):
        raise InputError.single(f"{old.name}", f"projektmappen har arket/arkene {', '.join(repr(n) for n in lost)}, "
                                "som opdater ikke kan tage med (projektmappen bygges på ny af de nye data).",
                                "Flyt arkene til en anden projektmappe (højreklik på fanen, 'Flyt eller kopiér'), "
                                "gem, og kør opdater igen; flyt dem tilbage bagefter. Projektmappen er ikke ændret.")


def _stop_if_unplaced(path: Path, egne: dict, years: list[int]) -> None:
    """Own figures for a year the new data do not have would have no row in the new workbook: stop, and say
    which, rather than drop them."""
    lost = sorted((fid, year) for (fid, year), (t, n) in egne.items() if year not in years
                  and (t is not None or n is not None))
    if lost:
        listed = ", ".join(f"{fid} {year}" for fid, year in lost[:20]) + (" ..." if len(lost) > 20 else "")
        raise InputError.single(f"{path.name}, ark 'Egne tal'", f"tallene for {listed} kan ikke placeres: "
                                f"datamappen har kun årene {years[0]}-{years[-1]}.",
                                "Brug en datamappe, der har årene, eller skriv tallene af og slet dem i projektmappen "
                                "før opdateringen. Projektmappen er ikke ændret.")


def _choice(typed, options: list, where: str, field: str):
    """The option the user chose, read as Excel's list validation accepts it (any case, spaces around); what
    is not one of the options is reported, never replaced by a default (nothing is written)."""
    text = "" if typed is None or str(typed) == "None" else str(typed).strip()
    found = next((o for o in options if str(o).casefold() == text.casefold()), None)
    if found is None:
        shown = ", ".join(str(o) for o in options[:8]) + (" ..." if len(options) > 8 else "")
        raise InputError.single(where, f"feltet '{field}' har '{text}', som ikke er et af valgene ({shown}).",
                                "Vælg en værdi fra listen i feltet, gem og opdater igen. Projektmappen er ikke "
                                "ændret.")
    return found


def area_choice(typed, where: str) -> str:
    """The staircase of the Udgiftsmodel's chosen area ('voksne (5.38)' reads as Voksne (5.38))."""
    labels = udgiftsmodel_book.AREA_LABELS
    area = _choice(typed, list(labels.values()), where, "Område")
    return next(k for k, label in labels.items() if label == area)


def _group_options() -> list[str]:
    info = municipalities.municipalities()
    return [OWN_GROUP, *sorted(set(info["kommunegruppe"])), *sorted(set(info["region"]))]


def _year_choice(typed: int | None, years: list[int], where: str, field: str) -> int | None:
    """A chosen year the data have (None: not chosen, the default applies)."""
    return None if typed is None else _choice(typed, years, where, field)

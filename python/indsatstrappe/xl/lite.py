"""xlwings Lite: the Excel functions and buttons for PCs without Python (Python runs inside Excel's add-in via
Pyodide). Thin wrappers, as xl/udfs.py is for classic xlwings: `sheetfunctions` and `sheet_reports` do the
work, this module only moves cells. The Lite editor's main.py imports everything from here (see
lite/main.py). Buttons (scripts) read their choices from the sheet 'Indstillinger', which
`indstillinger` creates."""

from __future__ import annotations

import xlwings as xw
from xlwings.server import arg, func, script

from ..app import sheet_reports as reports
from ..app import sheetfunctions as sf
from ..core.errors import InputError
from ..excel.datasheet import DATA_SHEET

TITLE = "Indsatstrappe"

# -- custom functions: the same names and arguments as the classic add-in's ---------------------------------


@func
def INDSATS_TRIN(kode: str, trappe: str = "boern"):
    """Trinnet for en indsatskode, fx ANBAAR12:21."""
    return sf.step_of(kode, trappe)


@func
@arg("koder", ndim=2)
def INDSATS_FORDELING(koder, trappe: str = "boern"):
    """Fordelingen på trin af et område med to kolonner: indsats og antal."""
    return sf.distribution_of(koder, trappe)


@func
def INDSATS_NOEGLETAL(noegletal_id: str, kommune, aar):
    """Et nøgletal for en kommune og et år (datamappen i INDSATSTRAPPE_DATA, ellers demodata)."""
    return sf.key_figure(noegletal_id, kommune, aar)


@func
def INDSATS_NOEGLETAL_SERIE(noegletal_id: str, kommune):
    """Et nøgletal for en kommune år for år (to kolonner: år og værdi)."""
    return sf.key_figure_series(noegletal_id, kommune)


@func
@arg("konti", ndim=2)
def INDSATS_UDGIFTER(konti, trappe: str = "boern"):
    """Konti (funktion, gruppering, dranst, beløb) fordelt på trin med standardnøglen."""
    return sf.expense_allocation(konti, trappe)


@func
@arg("forloeb", ndim=2)
def INDSATS_BEVAEGELSER(forloeb, trappe: str, fra, til):
    """Overgangsmatrix (fra_trin, til_trin, antal) for forløb (borger_id, indsats, start, slut)."""
    return sf.transition_matrix(forloeb, trappe, fra, til)


@func
@arg("forloeb", ndim=2)
def INDSATS_BEBOERE(forloeb, aar):
    """Beboere på trin 7-8 (botilbud efter § 107 og § 108) og hvor de står et år efter, pr. botilbud
    (forløb: borger_id, indsats, start, slut, tilbud)."""
    return sf.resident_movements(forloeb, aar)


# -- scripts (buttons) ------------------------------------------------------------------------------------


def _sheet(book: xw.Book, name: str):
    names = [s.name for s in book.sheets]
    return book.sheets[name] if name in names else book.sheets.add(name, after=book.sheets[len(names) - 1])


def _settings(book: xw.Book) -> dict[str, object]:
    if reports.SETTINGS_SHEET not in [s.name for s in book.sheets]:
        raise InputError.single(reports.SETTINGS_SHEET, "arket findes ikke.",
                                "Tryk først på knappen 'indstillinger', udfyld arket og prøv igen.")
    first = reports.FIRST_SETTING_ROW
    cells = book.sheets[reports.SETTINGS_SHEET][f"B{first}:C{first + len(reports.SETTINGS) - 1}"].value
    return {str(label).strip(): value for label, value in cells if label}


def _tell(book: xw.Book, text: str) -> None:
    book.app.alert(text, title=TITLE)


def _problems(exc: InputError) -> str:
    lines = [reports.in_settings_terms(p).tekst() for p in exc.problems[:10]]
    if len(exc.problems) > 10:
        lines.append(f"... og {len(exc.problems) - 10} fejl mere.")
    return "\n".join(lines)


def _report(book: xw.Book, sheet: str, make) -> None:
    """Choices from 'Indstillinger', the report from the pure side, written to `sheet` (cleared first)."""
    try:
        result = make(reports.parse_choices(_settings(book)))
    except InputError as exc:
        _tell(book, "Intet er skrevet:\n" + _problems(exc))
        return
    target = _sheet(book, sheet)
    target.clear_contents()
    target["A1"].value = result.title
    if result.note:
        target["A2"].value = result.note
    target["A4"].value = result.rows
    target.activate()


@script
def indstillinger(book: xw.Book):
    """Opretter arket 'Indstillinger' (datamappe, kommune, trappe, år, datoer); udfyldte felter bevares."""
    names = [s.name for s in book.sheets]
    sheet = _sheet(book, reports.SETTINGS_SHEET)
    first = reports.FIRST_SETTING_ROW
    kept = _settings(book) if reports.SETTINGS_SHEET in names else {}
    sheet["B2"].value = "Indstillinger for knapperne i xlwings Lite"
    rows = [[label, kept.get(label, default) if kept.get(label) not in (None, "") else default, help_text]
            for label, default, help_text in reports.SETTINGS]
    sheet[f"B{first}"].value = rows
    sheet.activate()


@script
def fordeling(book: xw.Book):
    """Borgere pr. trin for kommunen, med gruppe og hele landet (arket 'Fordeling')."""
    _report(book, "Fordeling", reports.distribution_report)


@script
def noegletal(book: xw.Book):
    """Nøgletal for kommunen over årene ved siden af gruppen og hele landet (arket 'Nøgletal')."""
    _report(book, "Nøgletal", reports.key_figure_report)


@script
def udgifter(book: xw.Book):
    """Udgifter fordelt på trin, andel og enhedspris (arket 'Udgifter')."""
    _report(book, "Udgifter", reports.expense_report)


@script
def bevaegelser(book: xw.Book):
    """Bevægelser mellem trinene fra en dag til en anden (arket 'Bevægelser'); kræver tabellen forloeb."""
    _report(book, "Bevægelser", reports.movement_report)


@script
def valider(book: xw.Book):
    """Tjekker datamappen og skriver alle fejl og advarsler (arket 'Validering')."""
    _report(book, "Validering", reports.validation_report)


@script
def opdater_data(book: xw.Book):
    """Nye tal fra datamappen ind i den åbne Nøgletal-projektmappes skjulte ark 'Data' (samme år og rækker);
    alle indtastninger og valg bliver stående."""
    names = [s.name for s in book.sheets]
    if DATA_SHEET not in names or "Egne tal" not in names:
        _tell(book, "'Opdater data' virker i en Nøgletal-projektmappe (arkene 'Data' og 'Egne tal' mangler her). "
                    "En Udgiftsmodel bygges om med 'indsatstrappe opdater' på en pc med Python.")
        return
    sheet = book.sheets[DATA_SHEET]
    current = sheet.used_range.value
    try:
        fresh = reports.refreshed_data_sheet(reports.parse_choices(_settings(book)), current)
    except InputError as exc:
        _tell(book, "Projektmappen er ikke ændret:\n" + _problems(exc))
        return
    changed = reports.changed_cells(current, fresh)  # everything checked and counted before anything is written
    sheet["A1"].value = fresh
    _tell(book, f"Opdateret: {reports.describe(changed)} tal på arket 'Data' er nye. Alle indtastninger er bevaret.")

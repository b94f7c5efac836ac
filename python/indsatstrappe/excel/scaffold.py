"""Sheet scaffolding shared by the Nøgletal and Udgiftsmodel workbooks: the title band, the demo
mark, print set-up, protection, navigation and the *Om* sheet."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from . import chartstamp, splice
from . import formulas as fx
from .fastsheet import PlainFormulaWorksheet
from .splice import SharedSheets
from .styles import Styles

TITLE_ROWS = 3  # band (2 rows) + the demo mark or a spacer
DST_ATTRIBUTION = ("Kilde: Danmarks Statistik (statistikbanken.dk), licens CC BY 4.0. Tal fra Danmarks Statistik "
                   "må bruges frit med kildeangivelse.")


def _rule(validate: str, criteria: str, title: str, message: str, **limits) -> dict:
    return {"validate": validate, "criteria": criteria, "error_title": title, "error_message": message,
            "ignore_blank": True, **limits}


# what each kind of yellow input cell accepts
INPUT_RULES = {
    "count": _rule("decimal", ">=", "Ugyldigt tal", "Skriv et tal (0 eller mere), fx 500.", value=0),
    "whole_count": _rule("integer", ">=", "Ugyldigt antal", "Skriv et helt tal (0 eller mere).", value=0),
    "amount": _rule("decimal", "between", "Ugyldigt beløb", "Skriv beløbet som et tal, fx -1234,50.",
                    minimum=-1e15, maximum=1e15),
    "year": _rule("integer", "between", "Ugyldigt år", "Skriv året som et helt tal, fx 2024.", minimum=1990,
                  maximum=2100),
    "step": _rule("integer", "between", "Ugyldigt trin", "Skriv et trin som et helt tal fra 1 til 8.", minimum=1,
                  maximum=8),
    "percent": _rule("decimal", "between", "Ugyldig andel", "Skriv en andel i procent fra 0 til 100.", minimum=0,
                     maximum=100),
    "years": _rule("integer", "between", "Ugyldigt antal år", "Skriv et helt antal år fra 1 til 50.", minimum=1,
                   maximum=50),
    "rise": _rule("decimal", "between", "Ugyldig stigning", "Skriv den årlige stigning i procent, fx 2,5.",
                  minimum=-10, maximum=20),
    "text": _rule("length", "<=", "For lang tekst", "Skriv højst 255 tegn.", value=255),
    "account": _rule("length", "<=", "Ugyldigt kontonummer", "Skriv kontoen som 528211002 eller 5.28.21.1.002.",
                     value=20),
}


@dataclass
class BookInfo:
    """What every sheet says about the workbook: its title, whose it is, and where the data come from."""

    title: str
    kommune_navn: str  # the preselected municipality (print headers)
    data_label: str  # e.g. "DEMODATA – syntetiske tal ..." or "Danmarks Statistik, hentet 2026-11-01"
    is_demo: bool
    period: str  # e.g. "2018-2024"
    build_date: date = field(default_factory=date.today)
    sources: list[str] = field(default_factory=list)


class Book:
    """An XlsxWriter workbook with our styles and scaffolding; `close()` writes the file."""

    def __init__(self, path: Path, info: BookInfo, macros: bool = False, shared: SharedSheets | None = None,
                 copy_shared: bool = True):
        """`shared`: number strings and formats like the workbook that holds the shared sheets and, with
        `copy_shared`, leave those sheets empty here and copy that workbook's XML in when closing."""
        self.path = path
        self.info = info
        self.shared = shared
        self._buffer = io.BytesIO() if shared is not None and copy_shared else None
        self.wb = Workbook(self._buffer or str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                                       "in_memory": True})
        self.styles = Styles(self.wb)
        if shared is not None:
            splice.prime(self.wb, self.styles, shared)
        created = datetime.combine(info.build_date, datetime.min.time())
        self.wb.set_properties({"title": info.title, "author": "Indsatstrappe", "company": "Indsatstrappe",
                                "comments": info.data_label, "created": created})
        self.wb.set_size(1400, 900)
        self.macros = macros
        self.sheets: list[tuple[Worksheet, str]] = []  # (sheet, one-line description) for the front page
        self.charts: list[chartstamp.Recorder] = []  # every chart, in the order made
        self.stamped_charts = 0  # written from the first workbook's chart XML (see chartstamp)

    def add_chart(self, options: dict):
        """An XlsxWriter chart whose configuration calls are recorded (see chartstamp); with the first
        workbook's charts as templates, they are only recorded until the workbook closes."""
        recorder = chartstamp.new_chart(self.wb, options, defer=self._buffer is not None and bool(self.shared.charts))
        self.charts.append(recorder)
        return recorder.chart

    def sheet(self, name: str, title: str, description: str = "", hidden: bool = False,
              landscape: bool = True) -> Worksheet:
        ws = self.wb.add_worksheet(name, worksheet_class=PlainFormulaWorksheet)
        ws.hide_gridlines(2)
        ws.set_column(0, 0, 2)
        s = self.styles
        ws.set_row(0, 28)
        self._print_setup(ws, title, landscape)
        if hidden:
            ws.hide()
        else:
            self.sheets.append((ws, description))
        if self.copies(name):  # the cells come from the shared copy
            return ws
        for col in range(0, 20):
            ws.write_blank(0, col, None, s.band)
            ws.write_blank(1, col, None, s.band_sub)
        ws.write_string(0, 1, title, s.band)
        ws.write_string(1, 1, f"{self.info.title} · {self.info.data_label}", s.band_sub)
        if self.info.is_demo:
            for col in range(0, 20):
                ws.write_blank(2, col, None, s.demo)
            ws.write_string(2, 1, "DEMODATA – syntetiske tal. Tallene beskriver ingen virkelig kommune.", s.demo)
        if name != "Forside":
            ws.write_url(2 if not self.info.is_demo else 3, 12, "internal:'Forside'!A1", s.link,
                         string="← Til forsiden")
        return ws

    def _print_setup(self, ws: Worksheet, title: str, landscape: bool) -> None:
        if landscape:
            ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        # neutral on the right: the municipality is chosen in the workbook, and the sheet's title names it
        ws.set_header(f'&L&"Calibri,Bold"{title.replace("&", "&&")}&RUdskrevet &D')
        ws.set_footer(f"&L{self.info.title.replace('&', '&&')}&RSide &P af &N")

    def chart_source(self, ws: Worksheet, first_row: int, src_col: int, values: list, dst_col: int) -> list:
        """Hidden chart-source cells beside a table column (rows from `first_row`, `values` its cached values):
        the number, or #N/A where the table cell is blank (hidden or missing), so a chart draws a gap, never
        a 0. Returns the range for the chart: [sheet, first row, col, last row, col]. The chart must draw
        hidden cells (`show_hidden_data`): Excel and LibreOffice leave hidden columns out by default."""
        for i, value in enumerate(values):
            number = isinstance(value, int | float) and not isinstance(value, bool) and value == value
            ws.write_formula(first_row + i, dst_col, "=" + fx.gap_if_blank(fx.cell(first_row + i, src_col)),
                             self.styles.text, value if number else fx.NA)
        ws.set_column(dst_col, dst_col, None, None, {"hidden": True})
        return [ws.name, first_row, dst_col, first_row + len(values) - 1, dst_col]

    @staticmethod
    def validate_input(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int, kind: str) -> None:
        """Excel refuses what a yellow cell cannot hold, with a Danish message (INPUT_RULES)."""
        ws.data_validation(first_row, first_col, last_row, last_col, INPUT_RULES[kind])

    @staticmethod
    def fit_row(ws: Worksheet, row: int, cells: list[tuple[str, float]], font_pt: float = 11,
                minimum: float = 15) -> None:
        """Make a row as high as its wrapped texts need: `cells` are (text, width of its cell or merged
        range in characters). Neither Excel nor LibreOffice refits a row written with wrapped text, so a
        text taller than the row is cut."""
        lines = max((wrapped_lines(text, width) for text, width in cells), default=1)
        ws.set_row(row, max(minimum, round(lines * 15 * font_pt / 11 + 1.5, 2)))

    @staticmethod
    def freeze_title(ws: Worksheet) -> None:
        """A long sheet of several blocks keeps its title band (and the link to the front page) in view."""
        ws.freeze_panes(TITLE_ROWS + 1, 0)  # with the row of the link

    @staticmethod
    def freeze_header(ws: Worksheet, row: int, repeat: bool = True) -> None:
        """A long table's header row (0-based) stays in view when scrolling and, with `repeat`, is printed on
        every page."""
        ws.freeze_panes(row + 1, 0)
        if repeat:
            ws.repeat_rows(row)

    def protect(self, ws: Worksheet) -> None:
        """Protect against accidental edits; input cells are unlocked by their format. No password."""
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
                        "format_rows": True})

    def about_sheet(self, extra: list[tuple[str, str]]) -> Worksheet:
        """*Om*: version, build date, sources and what is our own definition."""
        ws = self.sheet("Om", "Om projektmappen", "Version, kilder, licens og definitioner")
        rows = [
            ("Projektmappe", self.info.title),
            ("Version", f"indsatstrappe {__version__}"),
            ("Bygget", self.info.build_date.isoformat()),
            ("Data", self.info.data_label),
            ("Periode", self.info.period),
            *[("Kilde", src) for src in self.info.sources],
            *extra,
        ]
        ws.print_area(0, 0, TITLE_ROWS + len(rows), 2)  # a name in the workbook part: also for a copied sheet
        if self.copies("Om"):
            return ws
        s = self.styles
        ws.set_column(1, 1, 28)
        ws.set_column(2, 2, 110)
        r = TITLE_ROWS + 1
        for label, value in rows:
            ws.write_string(r, 1, label, s.bold)
            ws.write_string(r, 2, value, s.wrap)
            self.fit_row(ws, r, [(value, 110)])
            r += 1
        self.protect(ws)
        return ws

    def front_links(self, ws: Worksheet, first_row: int) -> int:
        """A link to every visible sheet with its description; returns the next free row."""
        s = self.styles
        ws.write_string(first_row, 1, "Indhold", s.h2)
        r = first_row + 1
        for sheet, description in self.sheets:
            if sheet is ws:
                continue
            ws.write_url(r, 1, f"internal:{_quoted(sheet.name)}!A1", s.link, string=sheet.name)
            ws.write_string(r, 2, description, s.text)
            r += 1
        return r + 1

    def copies(self, sheet_name: str) -> bool:
        """True when the sheet's cells come from the shared copy: its writer writes only names and set-up."""
        return self._buffer is not None and sheet_name in self.shared.sheets

    def close(self) -> None:
        if self._buffer is None:
            self.wb.close()
        else:
            splice.account_for_copied_strings(self.wb, self.shared)
            self.stamped_charts = chartstamp.apply(self.wb, self.charts, self.shared.charts)
            with splice.quick_deflate():
                self.wb.close()
            splice.write_spliced(self._buffer.getvalue(), self.shared, self.path)
        self._release_cycles()

    def _release_cycles(self) -> None:
        """A closed workbook is freed when its last reference goes, not at the collector's next full
        collection (each sheet points back to its workbook; each chart to its recorder): in udsend those
        collections took a fifth of a workbook's time."""
        for ws in self.wb.worksheets():
            ws.workbook_add_format = None
        for rec in self.charts:
            vars(rec.chart).pop("_recorder", None)
            vars(rec.chart).pop("_assemble_xml_file", None)


def embed_vba(book: Book, modules: dict[str, str]) -> None:
    """Give the workbook a VBA project: ThisWorkbook, one document module per sheet, and `modules`."""
    from .vba import build_project

    sheets = book.wb.worksheets()
    book.wb.add_vba_project(io.BytesIO(build_project(modules, len(sheets))), is_stream=True)
    book.wb.set_vba_name("ThisWorkbook")
    for n, ws in enumerate(sheets, start=1):
        ws.set_vba_name(f"Sheet{n}")


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped at word boundaries in a cell `width` characters wide (Calibri 11:
    a character is about one width unit; 10 % slack for wide letters)."""
    import textwrap

    usable = max(1, int(width / 1.1))
    return sum(max(1, len(textwrap.wrap(part, usable))) for part in str(text).split("\n"))

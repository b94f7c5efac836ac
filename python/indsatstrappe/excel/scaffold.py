"""Sheet scaffolding shared by the Nøgletal and Udgiftsmodel workbooks: the title band, the demo
mark, print set-up, protection, navigation and the *Om* sheet.

`Book` uses XlsxWriter's public API, with one exception for meaning (charts.py: a missing value is a
gap in a chart's cache, never 0). The speed layer (excel/speed) is a subclass of it that only `udsend`
uses; tests/test_speed.py proves both write the same workbooks."""

from __future__ import annotations

import functools
import io
import numbers
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from ..core.staircase import default_staircases
from . import charts, pages
from . import formulas as fx
from .styles import Styles

TITLE_ROWS = 3  # band (2 rows) + the demo mark or a spacer
MAX_STEPS = max(st.n_steps for st in default_staircases().values())  # step columns and step inputs (trin.csv)
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
    "step": _rule("integer", "between", "Ugyldigt trin", f"Skriv et trin som et helt tal fra 1 til {MAX_STEPS}.",
                  minimum=1, maximum=MAX_STEPS),
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
    notes: list[str] = field(default_factory=list)  # what the data lack (withheld values, tables not used)


class Sheet(Worksheet):
    """XlsxWriter's worksheet, with names for the unformatted cells of the big hidden sheets (the speed
    layer writes those its own way), that notes what its printed pages need (`printed`: row heights, column
    widths, headings, charts; see pages.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.printed = pages.PrintedSheet()
        self.headings: frozenset = frozenset()  # the formats of a heading (Book sets them)

    def set_row(self, row, height=None, cell_format=None, options=None):
        if options and options.get("hidden"):
            self.printed.heights[row] = 0.0
        elif height is not None:
            self.printed.heights[row] = height
        return super().set_row(row, height, cell_format, options)

    def set_column(self, first_col, last_col, width=None, cell_format=None, options=None):
        for col in range(first_col, last_col + 1):
            self.printed.widths[col] = 0.0 if options and options.get("hidden") else (
                pages.DEFAULT_COL_WIDTH if width is None else width)
        return super().set_column(first_col, last_col, width, cell_format, options)

    def write_string(self, row, col, string, cell_format=None):
        if cell_format in self.headings:
            self.printed.headings.add(row)
        return super().write_string(row, col, string, cell_format)

    def write_formula(self, row, col, formula, cell_format=None, value=0):
        if cell_format in self.headings:
            self.printed.headings.add(row)
        return super().write_formula(row, col, formula, cell_format, value)

    def write_row(self, row, col, data, cell_format=None):
        if cell_format in self.headings:
            self.printed.headings.add(row)
        return super().write_row(row, col, data, cell_format)

    def merge_range(self, first_row, first_col, last_row, last_col, data, cell_format=None):
        if cell_format in self.headings:
            self.printed.headings.add(first_row)
        return super().merge_range(first_row, first_col, last_row, last_col, data, cell_format)

    def insert_chart(self, row, col, chart, options=None):
        options = options or {}
        px = options.get("y_offset", 0) + chart.height * options.get("y_scale", 1)
        self.printed.charts.append((row, px * 0.75))
        return super().insert_chart(row, col, chart, options)

    def print_area(self, first_row, first_col, last_row, last_col):
        self.printed.area = (first_row, first_col, last_row, last_col)
        return super().print_area(first_row, first_col, last_row, last_col)

    def repeat_rows(self, first_row, last_row=None):
        self.printed.repeat = (first_row, first_row if last_row is None else last_row)
        return super().repeat_rows(first_row, last_row)

    def set_h_pagebreaks(self, breaks):
        self.printed.forced = list(breaks)

    def set_portrait(self):
        self.printed.landscape = False
        return super().set_portrait()

    def fit_to_pages(self, width, height):
        self.printed.one_page = height == 1
        return super().fit_to_pages(width, height)

    def keep_together(self, first_row: int, last_row: int) -> None:
        """Print these rows on one page (a table with its heading, a figure with its chart)."""
        self.printed.kept.append((first_row, last_row))

    def place_page_breaks(self) -> list[int]:
        """Break the printed pages before a chart or a heading that would not fit (pages.breaks)."""
        self.printed.last_written = self.dim_rowmax
        found = pages.breaks(self.printed)
        super().set_h_pagebreaks(found)
        return found

    def put_number(self, row: int, col: int, number: float) -> None:
        self.write_number(row, col, number)

    def put_string(self, row: int, col: int, string: str) -> None:
        self.write_string(row, col, string)

    def put_formula(self, row: int, col: int, formula: str, value: float | int) -> None:
        self.write_formula(row, col, formula, None, value)

    def put_row(self, row: int, col: int, values: list) -> None:
        """`values` from column `col` on, without a format: a text as put_string, a number as put_number, None no
        cell."""
        for j, value in enumerate(values):
            if isinstance(value, str):
                self.put_string(row, col + j, value)
            elif value is not None:
                self.put_number(row, col + j, value)


class Book:
    """An XlsxWriter workbook with our styles and scaffolding; `close()` writes the file.

    A sheet that is the same in every distributed workbook is declared `shared` when it is made, and its
    cells are written through `fill`: the speed layer copies such a sheet from the first workbook instead.
    Everything else about the sheet (names, print area, hiding) is written here in any case."""

    worksheet_class: type[Sheet] = Sheet

    def __init__(self, path: Path, info: BookInfo, macros: bool = False):
        self.path = path
        self.info = info
        self.wb = Workbook(self._destination(), {"strings_to_numbers": False, "strings_to_formulas": False,
                                                 "in_memory": True})
        self.styles = Styles(self.wb)
        created = datetime.combine(info.build_date, datetime.min.time())
        self.wb.set_properties({"title": info.title, "author": "Indsatstrappe", "company": "Indsatstrappe",
                                "comments": info.data_label, "created": created})
        self.wb.set_size(1400, 900)
        self.macros = macros
        self.sheets: list[tuple[Worksheet, str]] = []  # (sheet, one-line description) for the front page
        self.shared_sheets: list[str] = []  # declared the same in every distributed workbook
        self.charts: list = []  # every chart, in the order made
        self.municipality: tuple[str, str] | None = None  # (defined name, cached value) of the chosen municipality

    def _destination(self) -> str | io.BytesIO:
        return str(self.path)

    def add_chart(self, options: dict):
        """An XlsxWriter chart that draws a missing value (#N/A) as a gap: in its cached points (charts.py)
        and in Excel 2016 and later, which otherwise join the line across the point. LibreOffice 7.4 draws
        #N/A as 0 whatever the chart says; only an empty cell is a gap there."""
        chart = self._new_chart(options)
        chart.show_na_as_empty_cell()
        return chart

    def _new_chart(self, options: dict):
        chart = charts.gap_chart(self.wb.add_chart(options))
        self.charts.append(chart)
        return chart

    def name_the_municipality(self, defined_name: str, current: str) -> None:
        """The title band of every sheet made from now on (but the shared ones) names the municipality chosen in
        `defined_name`, and it prints on top of every page."""
        self.municipality = (defined_name, current)

    def hidden_sheet(self, name: str, shared: bool = False) -> Sheet:
        """A hidden sheet without title band (data and lists)."""
        ws = self.wb.add_worksheet(name, worksheet_class=self.worksheet_class)
        ws.hide()
        if shared:
            self.shared_sheets.append(name)
        return ws

    def sheet(self, name: str, title: str, description: str = "", hidden: bool = False,
              landscape: bool = True, shared: bool = False) -> Sheet:
        ws = self.wb.add_worksheet(name, worksheet_class=self.worksheet_class)
        ws.headings = frozenset({self.styles.h1, self.styles.h2, self.styles.header})
        ws.hide_gridlines(2)
        ws.set_column(0, 0, 2)
        ws.set_row(0, 28)
        self._print_setup(ws, title, landscape)
        ws.repeat_rows(0, TITLE_ROWS - 1)  # the band, naming the municipality, on every printed page
        if hidden:
            ws.hide()
        else:
            self.sheets.append((ws, description))
        if shared:
            self.shared_sheets.append(name)
        self.fill(ws, lambda ws: self._title_band(ws, title))
        return ws

    def fill(self, ws: Sheet, cells) -> None:
        """Write a sheet's cells and their formatting with `cells(ws)`; a shared sheet's go through here."""
        cells(ws)

    def fill_rows(self, ws: Sheet, first_row: int, last_row: int, cells) -> None:
        """Write rows first_row..last_row of a sheet with `cells(ws)`: cells only (no row heights, no headings),
        the same in every distributed workbook whatever the municipality (an empty area for the user's input,
        spare rule rows), which the speed layer copies from the first workbook instead."""
        cells(ws)

    def _title_band(self, ws: Sheet, title: str) -> None:
        s = self.styles
        for col in range(0, 20):
            ws.write_blank(0, col, None, s.band)
            ws.write_blank(1, col, None, s.band_sub)
        ws.write_string(0, 1, title, s.band)
        subtitle = f"{self.info.title} · {self.info.data_label}"
        if self.municipality is not None and ws.name not in self.shared_sheets:
            name, current = self.municipality
            ws.write_formula(1, 1, f'={name}&" · "&{fx.text(subtitle)}', s.band_sub, f"{current} · {subtitle}")
        else:
            ws.write_string(1, 1, subtitle, s.band_sub)
        if self.info.is_demo:
            for col in range(0, 20):
                ws.write_blank(2, col, None, s.demo)
            ws.write_string(2, 1, "DEMODATA – syntetiske tal. Tallene beskriver ingen virkelig kommune.", s.demo)
        if ws.name != "Forside":
            ws.write_url(2 if not self.info.is_demo else 3, 12, "internal:'Forside'!A1", s.link,
                         string="← Til forsiden")

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

    def name_range(self, name: str, sheet: str, first_row: int, first_col: int, last_row: int | None = None,
                   last_col: int | None = None) -> str:
        """Define `name` for a block's cells (0-based; one cell when no last row and column are given), so
        formulas, the reader and the refresh find the block by its name wherever it sits. Returns the name."""
        ref = fx.cell(first_row, first_col, True)
        if last_row is not None:
            ref += ":" + fx.cell(last_row, first_col if last_col is None else last_col, True)
        self.wb.define_name(name, f"={fx.quote_sheet(sheet)}!{ref}")
        return name

    @staticmethod
    def validate_input(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int, kind: str) -> None:
        """Excel refuses what a yellow cell cannot hold, with a Danish message (INPUT_RULES)."""
        ws.data_validation(first_row, first_col, last_row, last_col, INPUT_RULES[kind])

    @staticmethod
    def input_cell(ws: Worksheet, row: int, col: int, value, fmt) -> None:
        """A yellow input cell holding the user's entry as typed: a number, a truth value or a text (also where
        a number belongs: the check that reads it back names the cell), or nothing."""
        if isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, numbers.Real) and value == value:  # NaN is nothing
            ws.write_number(row, col, float(value), fmt)
        elif value is None or value == "" or isinstance(value, numbers.Real):
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_string(row, col, str(value), fmt)

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
        every page, under the title band (a sheet repeats one range of rows)."""
        ws.freeze_panes(row + 1, 0)
        if repeat:
            ws.repeat_rows(0, row)

    def protect(self, ws: Worksheet) -> None:
        """Protect against accidental edits; input cells are unlocked by their format. No password."""
        ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
                        "format_rows": True})

    def about_sheet(self, extra: list[tuple[str, str]]) -> Worksheet:
        """*Om*: version, build date, sources and what is our own definition."""
        ws = self.sheet("Om", "Om projektmappen", "Version, kilder, licens og definitioner", shared=True)
        rows = [
            ("Projektmappe", self.info.title),
            ("Version", f"indsatstrappe {__version__}"),
            ("Bygget", self.info.build_date.isoformat()),
            ("Data", self.info.data_label),
            ("Periode", self.info.period),
            *_labelled_once("Kilder", self.info.sources),
            *_labelled_once("Om dataene", self.info.notes),
            *extra,
        ]
        ws.print_area(0, 0, TITLE_ROWS + len(rows), 2)
        self.protect(ws)
        self.fill(ws, lambda ws: self._about_cells(ws, rows))
        return ws

    def _about_cells(self, ws: Sheet, rows: list[tuple[str, str]]) -> None:
        s = self.styles
        ws.set_column(1, 1, 28)
        ws.set_column(2, 2, 110)
        for r, (label, value) in enumerate(rows, start=TITLE_ROWS + 1):
            ws.write_string(r, 1, label, s.bold)
            ws.write_string(r, 2, value, s.wrap)
            self.fit_row(ws, r, [(value, 110)])

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

    def place_page_breaks(self) -> None:
        for ws in self.wb.worksheets():
            if isinstance(ws, Sheet) and not ws.hidden:
                ws.place_page_breaks()

    def close(self) -> None:
        self.place_page_breaks()
        self.wb.close()


def embed_vba(book: Book, modules: dict[str, str]) -> None:
    """Give the workbook a VBA project: ThisWorkbook, one document module per sheet, and `modules`."""
    from .vba import build_project

    sheets = book.wb.worksheets()
    book.wb.add_vba_project(io.BytesIO(build_project(modules, len(sheets))), is_stream=True)
    book.wb.set_vba_name("ThisWorkbook")
    for n, ws in enumerate(sheets, start=1):
        ws.set_vba_name(f"Sheet{n}")


def _labelled_once(label: str, texts: list[str]) -> list[tuple[str, str]]:
    """Rows of a list under one label: the label on the first row only."""
    return [(label if i == 0 else "", text) for i, text in enumerate(texts)]


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


@functools.lru_cache(maxsize=4096)  # the same notes are measured in every distributed workbook
def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped at word boundaries in a cell `width` characters wide (Calibri 11:
    a character is about one width unit; 10 % slack for wide letters)."""
    import textwrap

    usable = max(1, int(width / 1.1))
    return sum(max(1, len(textwrap.wrap(part, usable))) for part in str(text).split("\n"))

"""The *Overblik* sheet of the Nøgletal workbook: every key figure on one page for the latest year, the
municipality beside its group and the whole country, whether it is better or worse than the group in the
figure's desired direction, and how it moved since the year before; each row links to its theme sheet.
Native formulas over the Data sheet (the same as the theme sheets'), with the principles sheet's
comparison words."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...core import keyfigures
from ...core.datafiles import packaged
from ...core.keyfigures import compare, trend
from .. import formulas as fx
from ..datasheet import COUNTRY, DataTable
from ..frontpage import Selection
from ..scaffold import TITLE_ROWS, Book
from . import theme_layout
from .principles_sheet import comparison_formula, trend_formula

SHEET = "Overblik"
HEADERS = ["Nøgletal", "Enhed", "Kommunen", "Gruppen", COUNTRY, "Kommunen mod gruppen", "Udvikling fra året før",
           "Se arket"]
GOOD, BAD = "#1B7837", "#B2182B"


def write(book: Book, table: DataTable, sel: Selection, data, own_cell: Callable) -> Worksheet:
    """`own_cell(table, fig, year, sel, data)` gives a figure's (formula, cached value) for the municipality,
    as on the theme sheets (own-data figures take the entries on 'Egne tal')."""
    s = book.styles
    ws = book.sheet(SHEET, "Overblik over nøgletallene",
                    "Alle nøgletal for det seneste år: kommunen mod gruppen og hele landet")
    latest, before = data.years[-1], (data.years[-2] if len(data.years) > 1 else None)
    for col, width in ((1, 66), (2, 20), (3, 15), (4, 13), (5, 13), (6, 22), (7, 20), (8, 30)):  # a sheet name whole
        ws.set_column(col, col, width)
    ws.write_formula(TITLE_ROWS + 1, 1, f'=ValgtKommune&" mod "&GruppeNavn&" og hele landet, {latest}"', s.h1,
                     f"{sel.navn} mod {sel.group_name} og hele landet, {latest}")
    note = ("'Bedre' og 'dårligere' følger nøgletallets ønskede retning (se temaarket); hvor et nøgletal ikke "
            "har en ønsket retning, står der over eller under. '–': tallet mangler, eller et af de to tal, der "
            "sammenlignes. 'Kræver egne data': registrene kan ikke give nøgletallet; skriv kommunens tal på arket "
            "'Egne tal'. Gruppen og landet er taget over de kommuner, der har tal (se temaarket).")
    ws.merge_range(TITLE_ROWS + 2, 1, TITLE_ROWS + 2, 8, note, s.note)
    book.fit_row(ws, TITLE_ROWS + 2, [(note, 66 + 20 + 15 + 13 + 13 + 22 + 20 + 20)], font_pt=10, minimum=45)
    sheets = _theme_sheets()
    r = TITLE_ROWS + 4
    first = r
    for trappe, staircase in data.staircases.items():
        ws.write_string(r, 1, staircase.navn, s.h2)
        head = r + 1
        ws.set_row(head, 28)
        for j, label in enumerate(HEADERS):
            year = f" {latest}" if label in ("Kommunen", "Gruppen", COUNTRY) else ""
            ws.write_string(head, 1 + j, label + year, s.header)
        r = head + 1
        for fig in keyfigures.figure_records(trappe):
            _figure_row(book, ws, r, table, fig, sel, data, own_cell, staircase, latest, before, sheets)
            r += 1
        r += 1
    # the words in colour: green where the municipality does better than its group, red where worse
    for word, colour in (("Bedre", GOOD), ("Dårligere", BAD)):
        ws.conditional_format(first, 6, r, 6, {"type": "text", "criteria": "begins with", "value": word,
                                               "format": s.fmt(font_color=colour, bold=True)})
    ws.print_area(0, 0, r, 8)
    book.freeze_header(ws, TITLE_ROWS + 5)
    book.protect(ws)
    return ws


def _figure_row(book: Book, ws: Worksheet, r: int, table: DataTable, fig: dict, sel: Selection, data,
                own_cell: Callable, staircase, latest: int, before: int | None, sheets: dict) -> None:
    s = book.styles
    fid = fig["id"]
    num = s.figure(fig["enhed"])
    ws.write_string(r, 1, f"{fid}  {fig['navn']}", s.text)
    ws.write_string(r, 2, fig["enhed"], s.text)
    own_f, own_v = own_cell(table, fig, latest, sel, data)
    own_shown = fx.shown(own_v)
    if keyfigures.needs_own_data(fig, staircase, latest):  # say why, as the theme sheet does
        own_f, own_shown = table.why_missing(own_f, own_shown, fid, sel.kommune, latest)
    group_v = table.group_mean(fid, latest, sel.group_type, sel.group_name)
    country_v = table.country(fid, latest)
    ws.write_formula(r, 3, "=" + own_f, num, own_shown)
    ws.write_formula(r, 4, "=" + table.group_formula(fid, latest, "GruppeNavn", "GruppeType"), num,
                     fx.shown(group_v))
    ws.write_formula(r, 5, "=" + table.country_formula(fid, latest), num, fx.shown(country_v))
    own, grp = fx.cell(r, 3), fx.cell(r, 4)
    ws.write_formula(r, 6, "=" + comparison_formula(own, grp, fig["retning"]), s.text_after_number,
                     compare(own_v, group_v, fig["retning"]))
    if before is not None:
        prev_f, prev_v = own_cell(table, fig, before, sel, data)
        # the year before's value inside the formula: the row shows one year, the theme sheet every year
        ws.write_formula(r, 7, "=" + trend_formula(own, prev_f), s.text_after_number, trend(own_v, prev_v))
    name = sheets[(fig["trappe"], fig["tema"])]
    top = theme_layout.figure_top(theme_layout.position_on_sheet(fig["id"], fig["trappe"], fig["tema"]),
                                  len(data.years))
    ws.write_url(r, 8, f"internal:{fx.quote_sheet(name)}!{fx.cell(top, 1)}", s.link, string=name)  # at the figure


@cache
def _theme_sheets() -> dict[tuple[str, str], str]:
    themes = pd.read_csv(packaged("temaer.csv"), dtype=str)
    return {(t, tema): ark for t, tema, ark in zip(themes["trappe"], themes["tema"], themes["ark"], strict=True)}

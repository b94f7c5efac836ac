"""The *Principper* sheet of the Nøgletal workbook: the eight principles of recovery-orienteret
rehabilitering (Social- og Boligstyrelsen 2023), part of the socialpsykiatri concept, each with the adults' key
figures that follow it, the municipality's latest
value, its group's, and the direction. The links between principles and figures are ours, as data in
data/principper.csv."""

from __future__ import annotations

from functools import cache

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...core import keyfigures
from ...core.datafiles import packaged
from .. import formulas as fx
from ..scaffold import TITLE_ROWS, Book

SHEET = "Principper"
SOURCE = ("Principperne: Social- og Boligstyrelsen (2023), Recovery-orienteret rehabilitering. Vejledning til "
          "praksis. De hører til Socialpsykiatriens Indsatstrappe, så kun voksennøgletallene er koblet til dem; "
          "koblingen er værktøjets.")


@cache
def principles() -> pd.DataFrame:
    return pd.read_csv(packaged("principper.csv"), dtype=str)


@cache
def _principle_rows() -> tuple:
    return tuple(principles().itertuples())


@cache
def _figures() -> dict[str, dict]:
    """The catalogue's rows as plain dicts: read once per figure cell."""
    return {str(fid): row for fid, row in zip(keyfigures.catalogue().index,
                                               keyfigures.catalogue().to_dict("records"), strict=True)}


def comparison_formula(own: str, grp: str, direction: str) -> str:
    """Twin of `keyfigures.compare` for two cells; a cell with words ("kræver egne data") is no number to compare."""
    better = f'IF(({own}>{grp})=("{direction}"="op"),"Bedre end gruppen","Dårligere end gruppen")'
    if direction == "ingen":
        better = f'IF({own}>{grp},"Over gruppen","Under gruppen")'
    return (f'IF(OR(NOT(ISNUMBER({own})),NOT(ISNUMBER({grp}))),"{fx.MISSING}",IF({_same(own, grp)},"Som gruppen",'
            f'{better}))')


def trend_formula(now: str, before: str) -> str:
    """Twin of `keyfigures.trend` for two cells."""
    return (f'IF(OR(NOT(ISNUMBER({now})),NOT(ISNUMBER({before}))),"{fx.MISSING}",IF({_same(now, before)},'
            f'"→ uændret",IF({now}>{before},"↑ stigende","↓ faldende")))')


def _same(a: str, b: str) -> str:
    """Twin of `keyfigures.same`."""
    return f"ABS({a}-{b})<={keyfigures.SAME:.0E}*MAX(ABS({a}),ABS({b}))"


def write(book: Book, table, sel, data, own_cell) -> Worksheet:
    """`own_cell(table, fig, year, sel, data)` gives a figure's (formula, cached value) for the municipality."""
    s = book.styles
    ws = book.sheet(SHEET, "Principperne og nøgletallene",
                    "De otte principper med kommunens seneste tal mod gruppen – til dialogmødet", landscape=True)
    ws.set_column(1, 1, 58)
    ws.set_column(2, 4, 14)
    ws.set_column(5, 6, 22)
    catalogue = _figures()
    latest, before = data.years[-1], data.years[-2] if len(data.years) > 1 else None
    ws.write_formula(TITLE_ROWS + 1, 1, f'=ValgtKommune&" mod "&GruppeNavn&", {latest}"', s.h1,
                     f"{sel.navn} mod {sel.group_name}, {latest}")
    note = (SOURCE + " 'Bedre' og 'dårligere' følger nøgletallets ønskede retning; hvor et nøgletal ikke har en "
            "ønsket retning, står der over eller under. '–': tallet mangler.")
    ws.merge_range(TITLE_ROWS + 2, 1, TITLE_ROWS + 2, 6, note, s.note)
    book.fit_row(ws, TITLE_ROWS + 2, [(note, 58 + 3 * 14 + 2 * 22)], font_pt=10)
    r = TITLE_ROWS + 4
    for p in _principle_rows():
        ws.merge_range(r, 1, r, 6, f"Princip {p.nr}. {p.princip}", s.h2)
        ws.merge_range(r + 1, 1, r + 1, 6, p.i_tal, s.note)
        head = r + 2
        for j, label in enumerate(["Nøgletal", f"Kommunen {latest}", f"Gruppen {latest}", f"Kommunen {before}",
                                   "Kommunen mod gruppen", "Udvikling fra året før"]):
            ws.write_string(head, 1 + j, label, s.header)
        ws.set_row(head, 28)  # "Kommunen 2024" wraps in its column
        r = head + 1
        for fid in p.noegletal.split(";"):
            fig = catalogue[fid]
            num = s.figure(fig["enhed"])
            ws.write_string(r, 1, f"{fid}  {fig['navn']} ({fig['enhed']})", s.text)
            own_f, own_v = own_cell(table, fig, latest, sel, data)
            group_v = table.group_mean(fid, latest, sel.group_type, sel.group_name)
            ws.write_formula(r, 2, "=" + own_f, num, fx.shown(own_v))
            ws.write_formula(r, 3, "=" + table.group_formula(fid, latest, "GruppeNavn", "GruppeType"), num,
                             fx.shown(group_v))
            prev_v = None
            if before is not None:
                prev_f, prev_v = own_cell(table, fig, before, sel, data)
                ws.write_formula(r, 4, "=" + prev_f, num, fx.shown(prev_v))
            own, grp, prev = fx.cell(r, 2), fx.cell(r, 3), fx.cell(r, 4)
            ws.write_formula(r, 5, "=" + comparison_formula(own, grp, fig["retning"]), s.text_after_number,
                             keyfigures.compare(own_v, group_v, fig["retning"]))
            ws.write_formula(r, 6, "=" + trend_formula(own, prev), s.text_after_number, keyfigures.trend(own_v, prev_v))
            r += 1
        r += 1
    ws.print_area(0, 0, r, 6)
    book.freeze_title(ws)
    book.protect(ws)
    return ws


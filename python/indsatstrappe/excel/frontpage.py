"""The *Forside* both workbooks share: yellow dropdowns (data validation over named ranges), the
cells derived from them by formulas (with cached values), instructions, data period and links."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from xlsxwriter.worksheet import Worksheet

from ..core import municipalities
from .datasheet import OWN_GROUP
from .scaffold import TITLE_ROWS, Book


@dataclass
class Selection:
    """The chosen municipality and group choice, and what the formulas derive from them (for caching).
    Asked once per formula cell, so the derived names are computed once."""

    kommune: int
    choice: str = OWN_GROUP

    @cached_property
    def navn(self) -> str:
        return municipalities.name_of(self.kommune)

    @cached_property
    def kommunegruppe(self) -> str:
        return str(municipalities.municipalities().loc[self.kommune, "kommunegruppe"])

    @cached_property
    def region(self) -> str:
        return str(municipalities.municipalities().loc[self.kommune, "region"])

    @cached_property
    def group_name(self) -> str:
        return self.kommunegruppe if self.choice == OWN_GROUP else self.choice

    @cached_property
    def group_type(self) -> str:
        regions = set(municipalities.municipalities()["region"])
        return "region" if self.group_name in regions else "kommunegruppe"


@dataclass
class Choice:
    name: str  # the defined name formulas use
    label: str
    value: str | int
    source: str  # the list: "=L_navn" or a literal list


@dataclass
class Derived:
    name: str
    label: str
    formula: str
    value: str | int | float
    helper: bool = False  # a value only formulas need: its row is hidden from the reader


FIRST_INPUT_ROW = TITLE_ROWS + 2


def municipality_choices(sel: Selection) -> tuple[list[Choice], list[Derived]]:
    choices = [Choice("ValgtKommune", "Kommune", sel.navn, "=L_navn"),
               Choice("ValgtGruppe", "Sammenlign med", sel.choice, "=L_grupper")]
    derived = [
        Derived("ValgtKode", "Kommunekode", "=INDEX(L_kode,MATCH(ValgtKommune,L_navn,0))", sel.kommune),
        Derived("KommuneGruppe", "Kommunens kommunegruppe", "=INDEX(L_gruppe,MATCH(ValgtKommune,L_navn,0))",
                sel.kommunegruppe),
        Derived("KommuneRegion", "Kommunens region", "=INDEX(L_region,MATCH(ValgtKommune,L_navn,0))", sel.region),
        Derived("GruppeNavn", "Sammenligningsgruppe", f'=IF(ValgtGruppe="{OWN_GROUP}",KommuneGruppe,ValgtGruppe)',
                sel.group_name),
        Derived("GruppeType", "Gruppens type",
                '=IF(ISNUMBER(MATCH(GruppeNavn,L_regioner,0)),"region","kommunegruppe")', sel.group_type,
                helper=True),
    ]
    return choices, derived


HELP_WIDTH = 80


def write_front(book: Book, ws: Worksheet, heading: str, choices: list[Choice], derived: list[Derived],
                help_lines: list[str]) -> None:
    s = book.styles
    ws.set_column(1, 1, 36)
    ws.set_column(2, 2, 34)
    ws.set_column(3, 3, 4)
    ws.set_column(4, 4, HELP_WIDTH)
    r0 = TITLE_ROWS + 1
    ws.write_string(r0, 1, heading, s.h1)
    r = FIRST_INPUT_ROW
    for c in choices:
        ws.write_string(r, 1, c.label, s.label)
        if isinstance(c.value, int):
            ws.write_number(r, 2, c.value, s.input("year"))
        else:
            ws.write_string(r, 2, c.value, s.input())
        ws.data_validation(r, 2, r, 2, {"validate": "list", "source": c.source, "error_title": "Ugyldigt valg",
                                        "error_message": "Vælg en værdi fra listen."})
        book.name_range(c.name, "Forside", r, 2)
        r += 1
    r += 1
    for d in derived:
        ws.write_string(r, 1, d.label, s.label)
        fmt = s.number("year", valign="top") if isinstance(d.value, int) else s.text_after_number
        ws.write_formula(r, 2, d.formula, fmt, d.value)
        book.name_range(d.name, "Forside", r, 2)
        if d.helper:
            ws.set_row(r, None, None, {"hidden": True})
        r += 1
    for i, line in enumerate(help_lines):
        ws.write_string(r0 + i, 4, line, s.h2 if i == 0 else s.wrap)
        if i:
            book.fit_row(ws, r0 + i, [(line, HELP_WIDTH)], font_pt=10)
    r = max(r, r0 + len(help_lines)) + 1
    ws.write_string(r, 1, "Data", s.h2)
    ws.write_string(r + 1, 1, "Periode", s.label)
    ws.write_string(r + 1, 2, book.info.period, s.text_after_number)
    ws.write_string(r + 2, 1, "Kilde", s.label)
    ws.write_string(r + 2, 2, book.info.data_label, s.text_after_number)
    end = book.front_links(ws, r + 4)
    ws.print_area(0, 0, end, 4)  # the band runs wider than the page's content
    ws.fit_to_pages(1, 1)  # one A4, also with Calibri's (or Carlito's) widths
    ws.activate()
    book.protect(ws)

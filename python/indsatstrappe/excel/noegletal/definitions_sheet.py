"""The Nøgletal workbook's *Definitioner* sheet: the key-figure catalogue as a reader needs it, each staircase's
steps (official name, legal basis, where the numbers come from) and the mapping of intervention codes to steps.
The same in every distributed workbook (a shared sheet)."""

from __future__ import annotations

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...core import coverage, keyfigures
from ...core.staircase import Staircase
from ..scaffold import TITLE_ROWS, Book

DEFINITIONS_SHEET = "Definitioner"


def write(book: Book, staircases: dict[str, Staircase]) -> None:
    """*Definitioner*: every key figure's definition, the steps of both staircases and the mapping of codes."""
    ws = book.sheet(DEFINITIONS_SHEET, "Definitioner", "Nøgletallenes definitioner, trinene og indsatskortet",
                    shared=True)
    book.freeze_header(ws, TITLE_ROWS + 2, repeat=False)  # the key figures' header; tables of steps follow
    widths = [7, 28, 18, 36, 30, 14, 16, 8, 10, 26]  # narrow and wrapped: the sheet prints at about 70 %
    last = TITLE_ROWS + 3 + len(keyfigures.catalogue()) + sum(6 + len(st.steps) + len(st.codes)
                                                              for st in staircases.values())
    ws.print_area(0, 0, last, len(widths))
    book.protect(ws)
    book.fill(ws, lambda ws: _definitions_cells(book, ws, staircases, widths))


def _definitions_cells(book: Book, ws: Worksheet, staircases: dict[str, Staircase], widths: list[int]) -> None:
    s = book.styles
    for j, w in enumerate(widths):
        ws.set_column(1 + j, 1 + j, w)
    r = TITLE_ROWS + 1
    ws.write_string(r, 1, "Nøgletal", s.h1)
    cols = ["id", "navn", "tema", "taeller", "naevner", "enhed", "kilde", "retning", "egen_definition"]
    heads = ["Id", "Navn", "Tema", "Tæller", "Nævner", "Enhed", "Kilde", "Retning", "Egen def.", "Fra registre alene"]
    ws.write_row(r + 1, 1, heads, s.header)
    r += 2
    def row(values: list, fmt) -> None:
        ws.write_row(r, 1, values, fmt)
        book.fit_row(ws, r, [(str(v), w) for v, w in zip(values, widths, strict=False)], font_pt=10)
    for _, fig in keyfigures.catalogue().iterrows():
        row([str(fig[c]) for c in cols] + [keyfigures.register_note(fig, staircases[fig["trappe"]])], s.wrap)
        r += 1
    for staircase in staircases.values():
        r += 1
        ws.write_string(r, 1, staircase.navn, s.h1)
        ws.write_row(r + 1, 1, ["Trin", "Navn", "Officielt navn", "Lovgrundlag", "Tal fra"], s.header)
        r += 2
        for _, step in staircase.steps.iterrows():
            t = int(step["trin"])
            row([t, step["navn"], step["officielt_navn"], step["lovgrundlag"], _step_source(staircase, t)], s.wrap_left)
            r += 1
        r += 1
        ws.write_row(r, 1, ["Trin", "Indsatskode i datafilerne", "Findes i registret", "Indsats", "Bemærkning"],
                     s.header)
        r += 1
        for code, code_row in staircase.codes.sort_values("trin").iterrows():
            step = NO_STEP if pd.isna(code_row["trin"]) else int(code_row["trin"])
            row([step, code, _code_period(str(code)), code_row["navn"], code_row["bemaerkning"]], s.wrap_left)
            r += 1
        ws.write_string(r, 1, OWN_CODES_NOTE, s.note_line)
        r += 1


NO_STEP = "intet trin"  # a code the mapping places on no step (an unknown placement): counted, on no step
OWN_CODES_NOTE = ("Indsatskoden er den, datafilerne (modtagere, forløb) bruger. Koder med forstavelsen EGEN findes "
                  "ikke i registrene: de er til kommunens egne data.")


def _step_source(staircase: Staircase, step: int) -> str:
    codes = coverage.codes_on_steps(staircase, {step})
    own = [coverage.is_own_data(k) for k in codes]
    if all(own):
        return "kun egne data (kræver egne data)"
    return "registre og egne data" if any(own) else "registre"


def _code_period(code: str) -> str:
    if coverage.is_own_data(code):
        return "egne data"
    first, last = coverage.code_periods().get(code, (None, None))
    if first is None and last is None:
        return "hele perioden"
    return f"fra {first}" if last is None else f"{first or ''}-{last}"

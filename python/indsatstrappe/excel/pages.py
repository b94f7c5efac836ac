"""Where a printed sheet's pages break. Excel and LibreOffice break a page where the next row no longer fits, so a
chart or a table's heading can end up cut or alone at the foot of a page. We place the breaks ourselves, before a
block that would not fit, from a model of the printed page: A4, the print area fitted to the page's width, rows as
high as the sheet says. The model errs on the safe side (a margin for the header and the fit's rounding), so the
programs never need a break of their own; a test prints the workbooks with LibreOffice and counts the pages."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

DEFAULT_ROW_PT = 15.0  # Calibri 11
DEFAULT_COL_WIDTH = 8.43  # characters
A4_PT = (595.28, 841.89)  # width, height (portrait)
SAFETY = 0.93  # of a page's height: the header and footer lines and the programs' own rounding
KEEP_WITH_NEXT = 3  # rows a heading keeps on its page after it (its table's header and first rows)


@dataclass
class PrintedSheet:
    """What the sheet says about its printed rows, recorded as it is written (Sheet does that)."""

    heights: dict[int, float] = field(default_factory=dict)  # row -> points (0 when hidden)
    widths: dict[int, float] = field(default_factory=dict)  # column -> characters (0 when hidden)
    headings: set[int] = field(default_factory=set)  # rows that hold a heading
    charts: list[tuple[int, float]] = field(default_factory=list)  # (top row, height in points incl. offset)
    forced: list[int] = field(default_factory=list)  # breaks the builder placed itself
    kept: list[tuple[int, int]] = field(default_factory=list)  # row ranges the builder keeps on one page
    last_written: int | None = None  # the last row with a cell: no page after it (the programs print none)
    area: tuple[int, int, int, int] | None = None  # print area: first row, first col, last row, last col
    repeat: tuple[int, int] | None = None  # rows printed on top of every page
    landscape: bool = True
    one_page: bool = False  # fitted to one page: no breaks

    def height(self, row: int) -> float:
        return self.heights.get(row, DEFAULT_ROW_PT)

    def chart_span(self, top: int, points: float) -> tuple[int, int]:
        """The rows a chart of `points` height anchored at `top` covers."""
        row, used = top, self.height(top)
        while used < points:
            row += 1
            used += self.height(row)
        return top, row

    def scale(self) -> float:
        """The fit to the page's width, in whole percent as the programs take it."""
        if self.area is None:
            return 1.0
        _, first, _, last = self.area
        width_pt = sum(_points(self.widths.get(c, DEFAULT_COL_WIDTH)) for c in range(first, last + 1))
        page = (A4_PT[1] if self.landscape else A4_PT[0]) - 72  # 0.5" left and right
        return min(1.0, math.floor(page / width_pt * 100) / 100) if width_pt else 1.0

    def capacity(self) -> float:
        """A page's height for rows, in the sheet's points (before the fit's scaling)."""
        page = (A4_PT[0] if self.landscape else A4_PT[1]) - 108  # 0.75" top and bottom
        return page * SAFETY / self.scale()


def _points(width: float) -> float:
    """A column `width` characters wide in points (Calibri 11: 7 pixels a character and 5 of padding)."""
    return 0.0 if width <= 0 else math.trunc(width * 7 + 5) * 0.75


def blocks(sheet: PrintedSheet) -> list[tuple[int, int]]:
    """Row ranges kept on one page: each chart's rows, each heading with the rows after it, and the ranges the
    builder keeps together; overlapping ranges are one."""
    spans = [sheet.chart_span(top, pt) for top, pt in sheet.charts]
    spans += [(r, r + KEEP_WITH_NEXT) for r in sheet.headings] + list(sheet.kept)
    merged: list[list[int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(a, b) for a, b in merged]


_BREAKS: dict[tuple, list[int]] = {}  # a sheet's printed shape -> its breaks: most are alike in every municipality's


def breaks(sheet: PrintedSheet) -> list[int]:
    """The rows that start a new page (XlsxWriter's set_h_pagebreaks), the builder's own ones included."""
    key = tuple(_frozen(getattr(sheet, f.name)) for f in fields(sheet))
    found = _BREAKS.get(key)
    if found is None:
        if len(_BREAKS) >= 10_000:
            _BREAKS.clear()
        found = _BREAKS[key] = _breaks(sheet)
    return list(found)


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    if isinstance(value, set):
        return tuple(sorted(value))
    return tuple(value) if isinstance(value, list) else value


def _breaks(sheet: PrintedSheet) -> list[int]:
    if sheet.area is None or sheet.one_page:
        return sorted(sheet.forced)
    first, _, last, _ = sheet.area
    ends = [b for _, b in blocks(sheet)] + ([] if sheet.last_written is None else [sheet.last_written])
    last = min(last, max(ends, default=last))
    capacity = sheet.capacity()
    top, bottom = sheet.repeat if sheet.repeat is not None else (0, -1)
    repeated = sum(sheet.height(r) for r in range(top, bottom + 1))
    starts = {a: b for a, b in blocks(sheet)}
    forced = set(sheet.forced)
    out: list[int] = []
    used, room, row = 0.0, capacity, first
    while row <= last:
        end = min(starts.get(row, row), last)
        end = min([f - 1 for f in forced if row < f <= end] + [end])  # the builder's own break cuts a block
        need = sum(sheet.height(r) for r in range(row, end + 1))
        if row in forced or (used > 0 and used + need > room and need <= capacity - repeated):
            out.append(row)
            used, room = repeated, capacity
        if used + need > room:  # a block taller than a page: row by row
            end, need = row, sheet.height(row)
            if used > repeated and used + need > room:
                out.append(row)
                used = repeated
        used += need
        row = end + 1
    return out

"""One look for every workbook we build: colours, fonts and number formats in one place."""

from __future__ import annotations

from functools import cached_property

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

# A sober public-sector palette: dark blue band, light blue headers, yellow inputs.
BLUE = "#1F3864"
LIGHT_BLUE = "#D9E2F3"
INPUT_YELLOW = "#FFF2CC"
GREY = "#808080"
LIGHT_GREY = "#BFBFBF"
RED = "#C00000"
MUNICIPALITY = "#2E75B6"  # the chosen municipality in every chart
FONT = "Calibri"

# one colour per step, light (step 1, least intrusive) to dark (step 8): every chart of steps uses them
# a light-to-dark ramp: in greyscale print each step is at least 20 grey levels from the next (presentation test)
STEP_COLOURS = ["#EAF2FA", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B"]
UNPLACED_COLOUR = "#BFBFBF"
SEGMENT_BORDER = {"color": "#404040", "width": 0.5}  # a stacked bar's parts stay apart in greyscale print
HIDDEN_STEPS_COLOUR = "#7F7F7F"  # money on steps whose amount is hidden (distributed workbooks)

NUMBER_FORMATS = {
    "antal": "#,##0",
    "rate": "#,##0.0",
    "pct": "0.0 %",  # 39,1 %: the same spacing as the key figures in per cent
    "pct_points": '#,##0.0" %"',  # a key figure in per cent (33.4 is 33.4 %)
    "kr": '#,##0 "kr."',
    "tkr": "#,##0,",  # whole kroner shown in 1.000 kr. (the heading says so); the cell keeps the kroner
    "mio": "#,##0,,",  # in mio. kr., for chart axes
    "year": "0",
    "kr_plain": "#,##0.00",  # a typed amount as the export has it: kroner and øre
    "text": "@",
}


class Styles:
    """Formats for one workbook (XlsxWriter formats belong to the workbook that made them)."""

    def __init__(self, workbook: Workbook):
        self.wb = workbook
        self._cache: dict[tuple, Format] = {}
        self._numbers: dict[str, Format] = {}  # asked once per cell: a plain dict lookup
        self._inputs: dict[tuple[str, bool], Format] = {}

    def fmt(self, **props) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.wb.add_format({"font_name": FONT, "font_size": 10, **props})
        return self._cache[key]

    def cached(self) -> list[tuple[tuple, Format]]:
        """Every format made so far with its key (what `fmt` was called with)."""
        return list(self._cache.items())

    def number(self, kind: str, **extra) -> Format:
        """A number cell, right-aligned so that a missing value's "–" or a few words stand where the number
        would (text is left-aligned by default)."""
        if extra:
            return self.fmt(num_format=NUMBER_FORMATS[kind], align="right", **extra)
        if kind not in self._numbers:
            self._numbers[kind] = self.fmt(num_format=NUMBER_FORMATS[kind], align="right")
        return self._numbers[kind]

    def figure(self, unit: str) -> Format:
        """A key figure's number by its unit: kroner whole, per cent with the sign, rates with one decimal."""
        return self.number("kr" if unit.startswith("kr") else "pct_points" if unit.startswith("%") else "rate")

    def input(self, kind: str = "text", wrap: bool = False) -> Format:
        """Cells the user may change: yellow, boxed and unlocked (a long text wrapped)."""
        if (kind, wrap) not in self._inputs:
            self._inputs[(kind, wrap)] = self.fmt(num_format=NUMBER_FORMATS[kind], bg_color=INPUT_YELLOW, border=1,
                                                  border_color=GREY, locked=False, valign="top",
                                                  **({"text_wrap": True} if wrap else {}))
        return self._inputs[(kind, wrap)]

    @cached_property
    def band(self) -> Format:
        return self.fmt(bold=True, font_size=16, font_color="white", bg_color=BLUE, valign="vcenter")

    @cached_property
    def band_sub(self) -> Format:
        return self.fmt(font_size=10, font_color="white", bg_color=BLUE, valign="vcenter")

    @cached_property
    def demo(self) -> Format:
        return self.fmt(bold=True, font_size=11, font_color="white", bg_color=RED, valign="vcenter")

    @cached_property
    def h1(self) -> Format:
        return self.fmt(bold=True, font_size=13, font_color=BLUE)

    @cached_property
    def h2(self) -> Format:
        return self.fmt(bold=True, font_size=11, font_color=BLUE)

    @cached_property
    def header(self) -> Format:
        return self.fmt(bold=True, bg_color=LIGHT_BLUE, border=1, border_color=LIGHT_GREY, text_wrap=True,
                        valign="top")

    @cached_property
    def text(self) -> Format:
        return self.fmt(valign="top")

    @cached_property
    def text_after_number(self) -> Format:
        """Words in the column right of a right-aligned number: indented, so the two do not run together."""
        return self.fmt(valign="top", indent=1)

    @cached_property
    def wrap(self) -> Format:
        return self.fmt(text_wrap=True, valign="top")

    @cached_property
    def note(self) -> Format:
        return self.fmt(italic=True, font_color=GREY, text_wrap=True, valign="top")

    @cached_property
    def note_after_number(self) -> Format:
        """A note in the column right of a right-aligned number: indented, so the two do not run together."""
        return self.fmt(italic=True, font_color=GREY, valign="top", indent=1)

    @cached_property
    def wrap_left(self) -> Format:
        """Wrapped text in a table whose first column holds numbers: all left, so a number does not run into the
        text beside it."""
        return self.fmt(text_wrap=True, valign="top", align="left")

    @cached_property
    def note_line(self) -> Format:
        """A short note on one line, running on into the empty cells beside it."""
        return self.fmt(italic=True, font_color=GREY)

    @cached_property
    def year_label(self) -> Format:
        """A year that labels a row (left, as the row's words would stand)."""
        return self.fmt(num_format=NUMBER_FORMATS["year"], align="left")

    @cached_property
    def bold(self) -> Format:
        return self.fmt(bold=True)

    @cached_property
    def link(self) -> Format:
        return self.fmt(font_color="#0563C1", underline=1)

    @cached_property
    def label(self) -> Format:
        """A label before a value: top-aligned as the value, so a tall row keeps the two side by side."""
        return self.fmt(bold=True, align="right", valign="top")

"""Small helpers that write Excel formulas as text (only functions Excel 2010 and LibreOffice 7.4
both know: SUMIFS, COUNTIFS, INDEX, MATCH, IF, IFERROR, SUM, ROUND)."""

from __future__ import annotations

from functools import cache

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..core.danish import MISSING  # what a table shows where a value is hidden or missing (fx.MISSING to builders)


@cache  # the same cells are named in every distributed workbook
def cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def xl_col(col: int) -> str:
    return xl_col_to_name(col)


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def text(value: str) -> str:
    """A string literal inside a formula."""
    return '"' + str(value).replace('"', '""') + '"'


def sumifs(sum_range: str, *criteria: tuple[str, str]) -> str:
    return f"SUMIFS({sum_range},{','.join(f'{r},{c}' for r, c in criteria)})"


def countifs(*criteria: tuple[str, str]) -> str:
    return f"COUNTIFS({','.join(f'{r},{c}' for r, c in criteria)})"


def in_row(row_range: str, k: str | int) -> str:
    """The k-th cell of a one-row range. INDEX with one index means the k-th row in Gnumeric (#REF! for a
    row); with the row given, Excel, LibreOffice and Gnumeric read it alike."""
    return f"INDEX({row_range},1,{k})"


def missing_on_error(expr: str) -> str:
    """`expr`, or MISSING where it has no value (a division by no denominator, a hidden amount's #N/A)."""
    return f'IFERROR({expr},"{MISSING}")'


def is_number(value) -> bool:
    """As ISNUMBER sees a cached value: a missing value ("–", "", None, NaN) or words are no number."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def shown(value) -> float | str:
    """The cached value of a cell whose formula shows MISSING for no value (None, NaN or ""); words (such
    as "kræver egne data") stay as they are."""
    if isinstance(value, str):
        return value or MISSING
    if value is None or value != value:
        return MISSING
    return float(value)


def gap_if_blank(ref: str) -> str:
    """A chart's source cell: the number in `ref`, or #N/A where it holds none, so the chart leaves a gap
    where a value is hidden or missing instead of drawing 0."""
    return f"IF(ISNUMBER({ref}),{ref},NA())"


NA = "#N/A"  # the cached value of such a cell

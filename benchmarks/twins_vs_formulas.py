"""#31.6: could a workbook's cached values come from evaluating its own formulas instead of the Python twins?

Builds Læsø's Udgiftsmodel, blanks every formula cell of Beregning and Scenarie, and evaluates them with the
in-process evaluator (tests/helpers/formula_check.py) until nothing changes, reading every other cell's cached
value; then counts the cells that differ from the twins' values and prints the time. Run:
`.venv/bin/python benchmarks/twins_vs_formulas.py` (about half a minute)."""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from openpyxl.utils import column_index_from_string  # noqa: E402

from helpers import formula_check as fc  # noqa: E402
from helpers.libreoffice import formula_cells, same  # noqa: E402
from indsatstrappe.app import distribute  # noqa: E402
from indsatstrappe.io.datafolder import DataFolder  # noqa: E402


def _key(sheet: str, ref: str) -> tuple[str, int, int]:
    col, row = fc.CELL.fullmatch(ref).groups()
    return sheet, int(row), column_index_from_string(col)


def fixed_point(book: fc.Book, sheet: str, cells: list[tuple[str, str]]) -> tuple[int, float]:
    """Blank the sheet's formula cells and evaluate them until no value changes: (passes, seconds)."""
    for ref, _ in cells:
        book.cells[_key(sheet, ref)] = ""
    start, passes = time.perf_counter(), 0
    while True:
        passes += 1
        book._ranges.clear(), book._hits.clear(), book._lookups.clear()  # the evaluator's memo of cached ranges
        changed = 0
        for ref, formula in cells:
            value = fc.evaluate(book, sheet, formula)
            if not same(book.cells.get(_key(sheet, ref)), value):
                book.cells[_key(sheet, ref)] = value
                changed += 1
        if not changed or passes > 20:
            return passes, time.perf_counter() - start


def differ(got, want) -> bool:
    if isinstance(got, float) and isinstance(want, int | float) and not isinstance(want, bool):
        return not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6)
    return str(got) != str(want)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        distribute.distribute(DataFolder(), Path(tmp), [825], workers=1)
        built = time.perf_counter() - start
        path = Path(tmp) / "Udgiftsmodel_825_Laesoe.xlsx"
        formulas = formula_cells(path)
        book = fc.Book(path, formulas)
        print(f"udsend of one pair (twins fill the cached values): {built:.1f} s")
        for sheet in ("Beregning", "Scenarie"):
            cells = [(ref, f) for (s, ref), f in formulas.items() if s == sheet]
            twins = {ref: book.cells.get(_key(sheet, ref)) for ref, _ in cells}
            passes, seconds = fixed_point(book, sheet, cells)
            wrong = sum(differ(book.cells[_key(sheet, ref)], twins[ref]) for ref, _ in cells)
            print(f"{sheet}: {len(cells)} formulas, {passes} passes to a fixed point, {seconds:.1f} s, "
                  f"{wrong} cells differ from the twins' values")


if __name__ == "__main__":
    main()

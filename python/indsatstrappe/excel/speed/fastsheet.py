"""The worksheet of a distributed workbook: XlsxWriter's, with its per-cell work cut to what we write.

Our formulas use only classic functions (ARCHITECTURE.md, Contracts), and nearly every cell has a format, so the
general checks XlsxWriter makes for every formula and cell (some 30 regular expressions for future and
dynamic-array functions, attribute escaping of cell references and numbers) are skipped. The XML is byte
for byte what XlsxWriter writes: tests/test_speed.py compares it.
"""

from __future__ import annotations

from collections import namedtuple
from functools import cache
from math import isfinite
from warnings import warn

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellBlankTuple, CellFormulaTuple, CellNumberTuple, CellStringTuple

from ..scaffold import Sheet

_FORMULA_XML: dict[str, str] = {}  # formula as written -> its text in the XML: the same in every workbook
_FORMULA_XML_MAX = 200_000  # a bound for long-lived processes; udsend's workbooks hold some 30,000 together
_ERROR_VALUES = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
_FAST_CELLS = (CellNumberTuple, CellStringTuple, CellFormulaTuple, CellBlankTuple)
_column_name = cache(xl_col_to_name)

# A cell whose XML is made when it is put (the big hidden sheets); `kind` names XlsxWriter's cell type.
CellPutTuple = namedtuple("Put", "xml kind format")
ROW_BLOCK = "RowBlock"  # its kind for a copied row's cells in one piece (splice.put_rows)


def escape(data: object) -> object:
    """XML data escaping as XlsxWriter does it (quotes stay as they are)."""
    if not isinstance(data, str) or not ("&" in data or "<" in data or ">" in data):
        return data
    return data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FastSheet(Sheet):
    """A worksheet for formulas that use only classic functions."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula

    # XlsxWriter's public cell methods first try to read A1 notation (a decorator around each); our writers pass
    # row and column numbers, so those go straight to the undecorated methods (3 % of a workbook's instructions).
    def write_formula(self, row, col, formula, cell_format=None, value=0):
        if type(row) is not int:
            return super().write_formula(row, col, formula, cell_format, value)
        if cell_format in self.headings:
            self.printed.headings.add(row)
        return self._write_formula(row, col, formula, cell_format, value)

    def write_string(self, row, col, string, cell_format=None):
        if type(row) is not int:
            return super().write_string(row, col, string, cell_format)
        if cell_format in self.headings:
            self.printed.headings.add(row)
        return self._write_string(row, col, string, cell_format)

    def write_number(self, row, col, number, cell_format=None):
        if type(row) is not int:
            return super().write_number(row, col, number, cell_format)
        return self._write_number(row, col, number, cell_format)

    def write_blank(self, row, col, blank, cell_format=None):
        if type(row) is not int:
            return super().write_blank(row, col, blank, cell_format)
        return self._write_blank(row, col, blank, cell_format)

    def _write_formula(self, row, col, formula, cell_format=None, value=0):
        # XlsxWriter's version first searches every formula for dynamic-array functions; we use none.
        if self._check_dimensions(row, col):
            return -1
        if not formula:
            warn("Formula can't be None or empty", stacklevel=2)
            return -1
        if formula.startswith("{") and formula.endswith("}"):
            return self._write_array_formula(row, col, row, col, formula, cell_format, value)
        if self.constant_memory and row > self.previous_row:
            self._write_single_row(row)
        self.table[row][col] = CellFormulaTuple(formula, cell_format, value)  # prepared when written out
        return 0

    # Cells without a format on the big hidden sheets (Data, Konti: a quarter of a million cells in the first
    # workbooks): their XML is made at once, as XlsxWriter would write it, instead of at closing.
    def put_number(self, row: int, col: int, number: float) -> None:
        if self._put_needs_writer(row, col) or not isfinite(number):  # XlsxWriter refuses NaN and infinity
            self._write_number(row, col, number)
        else:
            self.table[row][col] = CellPutTuple(
                f'<c r="{xl_rowcol_to_cell_fast(row, col)}"><v>{number:.16G}</v></c>', "Number", None)

    def put_string(self, row: int, col: int, string: str) -> None:
        if self._put_needs_writer(row, col) or len(string) > 1000:  # long text: XlsxWriter's checks
            self._write_string(row, col, string)
        else:
            index = self.str_table._get_shared_string_index(string)
            self.table[row][col] = CellPutTuple(
                f'<c r="{xl_rowcol_to_cell_fast(row, col)}" t="s"><v>{index}</v></c>', "String", None)

    def put_formula(self, row: int, col: int, formula: str, value: float | int) -> None:
        if self._put_needs_writer(row, col) or not isinstance(value, int | float) or isinstance(value, bool):
            self._write_formula(row, col, formula, None, value)
        else:
            self.table[row][col] = CellPutTuple(f'<c r="{xl_rowcol_to_cell_fast(row, col)}"><f>'
                                                f'{escape(self._prepare_formula(formula))}</f><v>{value}</v></c>',
                                                "Formula", None)

    def put_row(self, row: int, col: int, values: list) -> None:
        # the checks once per row instead of once per cell (the first workbooks put some 170,000 cells)
        cols = [col + j for j, value in enumerate(values) if value is not None]
        if not cols:
            return
        if self.constant_memory or row in self.row_info or (self.col_info and any(c in self.col_info for c in cols)) \
                or self._check_dimensions(row, cols[0]) != 0 or self._check_dimensions(row, cols[-1]) != 0:
            super().put_row(row, col, values)
            return
        cells, r, share = self.table[row], str(row + 1), self.str_table._get_shared_string_index
        for c in cols:
            value = values[c - col]
            if isinstance(value, str):
                if len(value) > 1000:  # long text: XlsxWriter's checks
                    self.put_string(row, c, value)
                else:
                    cells[c] = CellPutTuple(f'<c r="{_column_name(c)}{r}" t="s"><v>{share(value)}</v></c>', "String",
                                            None)
            elif isfinite(value):
                cells[c] = CellPutTuple(f'<c r="{_column_name(c)}{r}"><v>{value:.16G}</v></c>', "Number", None)
            else:  # XlsxWriter refuses NaN and infinity
                self._write_number(row, c, value)

    def _put_needs_writer(self, row: int, col: int) -> bool:
        """True where XlsxWriter's own writer must do it: out of bounds (it says so) or in a formatted row
        or column (a cell without a format takes theirs)."""
        return self._check_dimensions(row, col) != 0 or self.constant_memory or row in self.row_info \
            or col in self.col_info

    # XlsxWriter visits every row and column inside the sheet's dimensions; these visit the cells there are.
    def _write_rows(self):
        if self.constant_memory or self.comments:
            super()._write_rows()
            return
        self._calculate_spans()
        table, info, spans = self.table, self.row_info, self.row_spans
        low, high = self.dim_rowmin, self.dim_rowmax
        rows = sorted(r for r in {*(r for r, cells in table.items() if cells), *info} if low <= r <= high)
        # a row without settings of its own is <row r=".." spans=".."> (XlsxWriter's _write_row adds nothing
        # else while the default height is the original and no Excel 2010 extension is asked for)
        plain = self.default_row_height == self.original_row_height and self.excel_version != 2010
        write, cell_of = self.fh.write, self._write_cell
        for row in rows:
            cells = table.get(row)
            if cells:
                span, own = spans.get(row // 16), info.get(row)
                if plain and not own:
                    write(f'<row r="{row + 1}" spans="{span}">' if span else f'<row r="{row + 1}">')
                else:
                    self._write_row(row, span, own)
                for col in sorted(cells):
                    cell_of(row, col, cells[col])
                write("</row>")
            else:
                self._write_empty_row(row, spans.get(row // 16), info[row])

    def _calculate_spans(self):
        if self.comments:
            super()._calculate_spans()
            return
        bounds: dict[int, tuple[int, int]] = {}
        for row, cells in self.table.items():
            if cells and self.dim_rowmin <= row <= self.dim_rowmax:
                block, first, last = row // 16, min(cells), max(cells)
                if block in bounds:
                    first, last = min(first, bounds[block][0]), max(last, bounds[block][1])
                bounds[block] = (first, last)
        self.row_spans = {block: f"{first + 1}:{last + 1}" for block, (first, last) in bounds.items()}

    def _formula_xml(self, formula: str) -> str:
        text = _FORMULA_XML.get(formula)
        if text is None:
            if len(_FORMULA_XML) >= _FORMULA_XML_MAX:
                _FORMULA_XML.clear()
            text = _FORMULA_XML[formula] = escape(self._prepare_formula(formula))
        return text

    def _write_cell(self, row, col, cell):
        kind = type(cell)
        if kind is CellPutTuple:
            if cell.kind == ROW_BLOCK and any(type(c) is not CellPutTuple or c.kind != ROW_BLOCK
                                              for c in self.table[row].values()):
                raise RuntimeError(f"{self.name}: a cell was written into row {row + 1}, which is copied whole")
            self.fh.write(cell.xml)
            return
        fmt = cell.format
        # without a format of its own a cell takes its row's or column's, which XlsxWriter works out
        if kind not in _FAST_CELLS or self.constant_memory or (fmt is None and (row in self.row_info
                                                                                 or col in self.col_info)):
            if kind is CellFormulaTuple:
                cell = cell._replace(formula=self._prepare_formula(cell.formula))
            super()._write_cell(row, col, cell)
            return
        if fmt is None:
            head = f'<c r="{xl_rowcol_to_cell_fast(row, col)}"'
        else:
            xf = fmt.xf_index
            head = f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{xf if xf is not None else fmt._get_xf_index()}"'
        if kind is CellFormulaTuple:
            value = cell.value
            if type(value) is float or type(value) is int:  # most cached values: no type, nothing to escape
                self.fh.write(f"{head}><f>{self._formula_xml(cell.formula)}</f><v>{value}</v></c>")
                return
            kind_attr = ""
            if isinstance(value, bool):
                kind_attr, value = ' t="b"', int(value)
            elif isinstance(value, str) and value:
                kind_attr = ' t="e"' if value in _ERROR_VALUES else ' t="str"'
            self.fh.write(f"{head}{kind_attr}><f>{self._formula_xml(cell.formula)}</f><v>{escape(value)}</v></c>")
        elif kind is CellNumberTuple:
            self.fh.write(f"{head}><v>{cell.number:.16G}</v></c>")
        elif kind is CellStringTuple:
            self.fh.write(f'{head} t="s"><v>{cell.string}</v></c>')
        else:
            self.fh.write(f"{head}/>")

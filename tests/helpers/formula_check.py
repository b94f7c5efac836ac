"""The in-process formula check: every formula of a workbook evaluated in Python against the cached values of
the cells it reads, and compared with its own cached value.

One level is enough. If each formula's cached value is what the formula gives from the cached values it
reads, the cached values are a fixed point of the workbook's formulas, which is what a full recalculation
(Excel's, LibreOffice's) reaches from the inputs; for formulas without cycles there is no other. So this
checks what LibreOffice's recalculation checks for a workbook as built, in seconds and without LibreOffice.
A workbook whose inputs were edited after it was built (stale cached values) needs the full recalculation:
those tests keep LibreOffice (helpers/libreoffice.py), which stays the oracle end to end.

It knows the functions our formula builders use (FUNCTIONS) and Excel's rules for them as far as our
formulas reach: text compares without case, an empty cell is 0 or "", errors pass through, criteria such as
"<>" or ">=5" in SUMIFS/COUNTIFS. A formula with a function it does not know is reported, never skipped."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import column_index_from_string

from helpers.libreoffice import ERRORS, cells, same


class Err(str):
    """An Excel error value (#N/A, #VALUE!, ...): text that is never equal to text."""


NA, VALUE, DIV0, REF = Err("#N/A"), Err("#VALUE!"), Err("#DIV/0!"), Err("#REF!")
CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")


class Book:
    """The cached values of a workbook, cell by cell, and its defined names."""

    def __init__(self, path: Path, formulas: dict[tuple[str, str], str]):
        import openpyxl

        self.cells: dict[tuple[str, int, int], object] = {}
        for sheet, ref in formulas:  # a formula showing nothing holds "", never an empty cell
            col, row = CELL.fullmatch(ref).groups()
            self.cells[(sheet, int(row), column_index_from_string(col))] = ""
        for sheet, ref, value in cells(path, data_only=True):
            col, row = CELL.fullmatch(ref).groups()
            if isinstance(value, str) and value.startswith(ERRORS):
                value = Err(value)
            self.cells[(sheet, int(row), column_index_from_string(col))] = value
        wb = openpyxl.load_workbook(path, read_only=True)
        self.names: dict[str, str] = {n: d.attr_text for n, d in wb.defined_names.items()}
        wb.close()
        self._ranges: dict[tuple, np.ndarray] = {}
        self._lookups: dict[tuple, dict] = {}
        self._hits: dict[tuple, np.ndarray] = {}

    def block(self, key: tuple[str, int, int, int, int]) -> np.ndarray:
        """The cached values of a range as a 2-D object array (None for an empty cell), read once."""
        if key not in self._ranges:
            sheet, r1, c1, r2, c2 = key
            self._ranges[key] = np.array([[self.cells.get((sheet, r, c)) for c in range(c1, c2 + 1)]
                                          for r in range(r1, r2 + 1)], dtype=object)
        return self._ranges[key]

    def hits(self, key: tuple, criterion, make_test) -> np.ndarray:
        """Which cells of a range meet a SUMIFS criterion; the same range and criterion recur in hundreds of
        formulas, so each pair is tested once."""
        memo = (key, _match_key(criterion))
        if memo not in self._hits:
            values = self.block(key).ravel()
            test = make_test(criterion)
            self._hits[memo] = np.fromiter((test(v) for v in values), dtype=bool, count=len(values))
        return self._hits[memo]

    def lookup(self, key: tuple) -> dict:
        """A range's values, normalised as MATCH compares them, to their first 1-based position."""
        if key not in self._lookups:
            table: dict = {}
            for i, v in enumerate(self.block(key).ravel(), start=1):
                table.setdefault(_match_key(v), i)
            self._lookups[key] = table
        return self._lookups[key]


class Ref:
    """A reference: one cell or a range of one sheet."""

    def __init__(self, book: Book, sheet: str, r1: int, c1: int, r2: int, c2: int):
        self.book, self.key = book, (sheet, r1, c1, r2, c2)

    @property
    def single(self) -> bool:
        _, r1, c1, r2, c2 = self.key
        return r1 == r2 and c1 == c2

    def value(self):
        sheet, r1, c1, _, _ = self.key
        return self.book.cells.get((sheet, r1, c1))

    def array(self) -> np.ndarray:
        return self.book.block(self.key)


# -- parsing: tokens to a tree of closures ---------------------------------------------------------

PRECEDENCE = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}


class Parser:
    def __init__(self, book: Book, sheet: str, formula: str):
        self.book, self.sheet = book, sheet
        self.tokens = [t for t in Tokenizer(formula).items if t.type != Token.WSPACE]
        self.i = 0

    def parse(self) -> Callable[[], object]:
        node = self.expr(0)
        if self.i != len(self.tokens):
            raise SyntaxError(f"tokens left at {self.i}")
        return node

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def expr(self, min_prec: int):
        left = self.prefix()
        while (t := self.peek()) is not None:
            if t.type == Token.OP_POST:  # %
                self.i += 1
                left = _unary(lambda x: x / 100, left)
            elif t.type == Token.OP_IN and PRECEDENCE[t.value] >= min_prec:
                self.i += 1
                right = self.expr(PRECEDENCE[t.value] + 1)
                left = _binary(t.value, left, right)
            else:
                break
        return left

    def prefix(self):
        t = self.tokens[self.i]
        self.i += 1
        if t.type == Token.OP_PRE:
            operand = self.prefix()
            return operand if t.value == "+" else _unary(lambda x: -x, operand)
        if t.type == Token.PAREN and t.subtype == Token.OPEN:
            node = self.expr(0)
            self.i += 1  # the closing parenthesis
            return node
        if t.type == Token.FUNC and t.subtype == Token.OPEN:
            name, args = t.value[:-1].upper(), []
            if not (self.peek().type == Token.FUNC and self.peek().subtype == Token.CLOSE):
                while True:
                    args.append(self.expr(0))
                    if self.peek().type == Token.SEP:
                        self.i += 1
                        continue
                    break
            self.i += 1  # the function's closing parenthesis
            if name not in FUNCTIONS:
                raise NotImplementedError(f"funktionen {name} kendes ikke af formeltjekket")
            fn = FUNCTIONS[name]
            return lambda: fn(*args)
        if t.type == Token.ARRAY and t.subtype == Token.OPEN:
            return self.array()
        if t.type == Token.OPERAND:
            return self.operand(t)
        raise SyntaxError(f"unexpected token {t.value!r}")

    def array(self):
        """An array constant such as {1,2,3} (',' between columns, ';' between rows)."""
        rows, row = [], []
        while True:
            t = self.tokens[self.i]
            self.i += 1
            if t.type == Token.OPERAND:
                row.append(self.operand(t)())
            elif t.type == Token.SEP and t.subtype == Token.ROW:
                rows.append(row)
                row = []
            elif t.type == Token.ARRAY and t.subtype == Token.CLOSE:
                rows.append(row)
                value = np.array(rows, dtype=object)
                return lambda: value

    def operand(self, t: Token):
        if t.subtype == Token.NUMBER:
            v = float(t.value)
            return lambda: v
        if t.subtype == Token.TEXT:
            v = t.value[1:-1].replace('""', '"')
            return lambda: v
        if t.subtype == Token.LOGICAL:
            v = t.value.upper() == "TRUE"
            return lambda: v
        if t.subtype == Token.ERROR:
            v = Err(t.value)
            return lambda: v
        return self.reference(t.value)

    def reference(self, text: str):
        sheet, _, ref = text.rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else (sheet or self.sheet)
        m = RANGE.fullmatch(ref)
        if m is None:  # a defined name: a reference or a named formula
            return Parser(self.book, self.sheet, "=" + self.book.names[text]).parse()
        c1, r1, c2, r2 = m.groups()
        ref_ = Ref(self.book, sheet, int(r1), column_index_from_string(c1), int(r2 or r1),
                   column_index_from_string(c2 or c1))
        return lambda: ref_


# -- values ------------------------------------------------------------------------------------------

def _scalar(v):
    """A single value: a one-cell reference is its cell's value (empty: None)."""
    if isinstance(v, Ref):
        if v.single:
            return v.value()
        return v.array()
    return v


def _number(v):
    v = _scalar(v)
    if isinstance(v, Err):
        return v
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(v)
    except ValueError:
        return VALUE


def _text(v) -> str:
    v = _scalar(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int | float):
        return f"{v:.15g}"
    return str(v)


def _truth(v):
    v = _scalar(v)
    if isinstance(v, Err):
        return v
    if isinstance(v, str):
        return VALUE if v not in ("TRUE", "FALSE") else v == "TRUE"
    return bool(v) if v is not None else False


def _rank(v) -> tuple[int, object]:
    """Excel's order across types: numbers, then text (without case), then truth values."""
    if v is None:
        return (0, 0.0)
    if isinstance(v, bool):
        return (2, v)
    if isinstance(v, int | float):
        return (0, float(v))
    return (1, str(v).lower())


def _compare(op: str, a, b):
    if a is None and isinstance(b, str):
        a = ""
    if b is None and isinstance(a, str):
        b = ""
    return COMPARISONS[op](_rank(a), _rank(b))


COMPARISONS = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le,
               ">=": operator.ge}


def _elementwise(fn, *values):
    """fn on scalars, or on each element where a value is an array (SUMPRODUCT's --(range="") and kin)."""
    arrays = [v for v in values if isinstance(v, np.ndarray)]
    if not arrays:
        return fn(*values)
    shape = arrays[0].shape
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        out[idx] = fn(*(v[idx] if isinstance(v, np.ndarray) else v for v in values))
    return out


def _unary(fn, node):
    def run():
        def one(x):
            x = _number(x)
            return x if isinstance(x, Err) else fn(x)
        return _elementwise(one, _scalar(node()))
    return run


def _arith(op: str, a, b):
    a, b = _number(a), _number(b)
    if isinstance(a, Err):
        return a
    if isinstance(b, Err):
        return b
    if op == "/" and b == 0:
        return DIV0
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    if a < 0 and not b.is_integer():  # Python would answer with a complex number
        return Err("#NUM!")
    try:
        return a ** b
    except (OverflowError, ZeroDivisionError):
        return Err("#NUM!")


def _binary(op: str, left, right):
    def one(a, b):
        if isinstance(a, Err):
            return a
        if isinstance(b, Err):
            return b
        if op == "&":
            return _text(a) + _text(b)
        if op in ("+", "-", "*", "/", "^"):
            return _arith(op, a, b)
        return _compare(op, a, b)
    return lambda: _elementwise(one, _scalar(left()), _scalar(right()))


# -- functions ---------------------------------------------------------------------------------------

def _values(args) -> list:
    """Every value of the arguments: a range's cells, or the value itself."""
    out = []
    for node in args:
        v = node()
        if isinstance(v, Ref):
            out += list(v.array().ravel())
        elif isinstance(v, np.ndarray):
            out += list(v.ravel())
        else:
            out.append(v)
    return out


def _numbers(args) -> list | Err:
    found = []
    for v in _values(args):
        if isinstance(v, Err):
            return v
        if isinstance(v, int | float) and not isinstance(v, bool):
            found.append(float(v))
    return found


def f_if(cond, then=None, other=None):
    c = _truth(cond())
    if isinstance(c, Err):
        return c
    if c:
        return _scalar(then()) if then is not None else True
    return _scalar(other()) if other is not None else False


def f_choose(index, *options):
    k = _scalar(index())
    if isinstance(k, Err):
        return k
    if not isinstance(k, int | float) or not 1 <= int(k) <= len(options):
        return VALUE
    return _scalar(options[int(k) - 1]())


def f_iferror(value, fallback):
    v = _scalar(value())
    return _scalar(fallback()) if isinstance(v, Err) else v


def _logical(combine: Callable) -> Callable:
    """AND and OR: the first error among the values, or `combine` (all, any) of the non-empty ones."""
    def run(*args):
        vals = _values(args)
        error = _first_error(*vals)
        return error if error is not None else combine(_truth(v) for v in vals if v is not None)
    return run


f_and, f_or = _logical(all), _logical(any)


def f_count(*args):
    return float(sum(isinstance(v, int | float) and not isinstance(v, bool) for v in _values(args)))


def f_sum(*args):
    found = _numbers(args)
    return found if isinstance(found, Err) else float(sum(found))


def f_max(*args):
    found = _numbers(args)
    return found if isinstance(found, Err) else (max(found) if found else 0.0)


def f_min(*args):
    found = _numbers(args)
    return found if isinstance(found, Err) else (min(found) if found else 0.0)


def _numeric_text(text: str) -> float | str:
    """The number a text spells, or the text."""
    try:
        return float(text)
    except ValueError:
        return text


def _criterion(crit) -> Callable[[object], bool]:
    """SUMIFS/COUNTIFS criteria: a value, or text with a comparison in front ("<>", ">=5"); wildcards in text."""
    crit = _scalar(crit)
    op, operand, typed = "=", crit, isinstance(crit, str)
    if typed:
        m = re.match(r"(<>|<=|>=|=|<|>)?(.*)", crit, re.S)
        op, operand = m.group(1) or "=", m.group(2)
        operand = _numeric_text(operand)
    if isinstance(operand, str):
        if operand == "":
            return (lambda v: v is None or v == "") if op == "=" else (lambda v: not (v is None or v == ""))
        pattern = re.compile("^" + re.escape(operand).replace(r"\*", ".*").replace(r"\?", ".") + "$",
                             re.I | re.S)

        def text_test(v):
            hit = isinstance(v, str) and not isinstance(v, Err) and bool(pattern.match(v))
            return hit if op == "=" else (not hit if op == "<>" else
                                          isinstance(v, str) and _compare(op, v, operand))
        return text_test

    def number_test(v):
        if typed and isinstance(v, str) and not isinstance(v, Err) and op in ("=", "<>"):
            v = _numeric_text(v)  # the criterion "2" meets a 2 typed as text too; the number 2 does not (as LO)
        if not isinstance(v, int | float) or isinstance(v, bool):
            return op == "<>"
        return _compare(op, float(v), operand)
    return number_test


def _mask(pairs) -> np.ndarray:
    mask = None
    for rng, crit in pairs:
        ref, value = rng(), _scalar(crit())
        hits = ref.book.hits(ref.key, value, _criterion)
        mask = hits if mask is None else mask & hits
    return mask


def f_sumifs(sum_range, *pairs):
    mask = _mask(zip(pairs[::2], pairs[1::2], strict=True))
    total = 0.0
    for v in sum_range().array().ravel()[mask]:
        if isinstance(v, Err):
            return v
        if isinstance(v, int | float) and not isinstance(v, bool):
            total += v
    return total


def f_sumif(rng, crit, sum_range=None):
    return f_sumifs(sum_range or rng, rng, crit)


def f_countifs(*pairs):
    return float(_mask(zip(pairs[::2], pairs[1::2], strict=True)).sum())


def _match_key(v):
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int | float):
        return ("n", float(v))
    if v is None:
        return ("e", None)
    return ("t", str(v).lower())


def f_match(value, rng, kind=None):
    v = _scalar(value())
    if isinstance(v, Err):
        return v
    k = 1.0 if kind is None else _number(kind())
    ref = rng()
    if k == 0:
        if isinstance(v, str) and any(ch in v for ch in "*?"):
            raise NotImplementedError("MATCH med jokertegn")
        pos = ref.book.lookup(ref.key).get(_match_key(v))
        return NA if pos is None else float(pos)
    values = list(ref.array().ravel())  # approximate: the last value not above v, the range sorted
    best = None
    for i, x in enumerate(values, start=1):
        if x is None or _rank(x)[0] != _rank(v)[0]:
            continue
        if (_rank(x) <= _rank(v)) if k > 0 else (_rank(x) >= _rank(v)):
            best = i
        else:
            break
    return NA if best is None else float(best)


def f_index(rng, row, col=None):
    ref = rng()
    r = _number(row())
    c = _number(col()) if col is not None else None
    if isinstance(r, Err):
        return r
    if isinstance(c, Err):
        return c
    block = ref.array()
    if c is None:
        if block.shape[1] == 1:
            r, c = r, 1
        elif block.shape[0] == 1:
            r, c = 1, r
        else:
            c = 1
    r, c = int(r), int(c)
    if not (1 <= r <= block.shape[0] and 1 <= c <= block.shape[1]):
        return REF
    return block[r - 1, c - 1]


def f_sumproduct(*args):
    arrays = []
    for node in args:
        v = _scalar(node())
        arr = v if isinstance(v, np.ndarray) else np.array([[v]], dtype=object)
        arrays.append(arr)
    if any(arr.shape != arrays[0].shape for arr in arrays):
        return VALUE  # Excel multiplies element by element only arrays of one shape
    total = 0.0
    for idx in np.ndindex(arrays[0].shape):
        product = 1.0
        for arr in arrays:
            x = arr[idx]
            if isinstance(x, Err):
                return x
            product *= float(x) if isinstance(x, int | float) and not isinstance(x, bool) else 0.0
        total += product
    return total


def _per_element(fn):
    """A function of single values applied to each element where an argument is an array
    (ISNUMBER(SEARCH({1,2,3}&";", ...)) inside SUMPRODUCT)."""
    def run(*nodes):
        values = [_scalar(node()) for node in nodes]
        return _elementwise(fn, *values)
    return run


def _first_error(*values):
    return next((v for v in values if isinstance(v, Err)), None)


def f_search(find, within, start=1.0):
    if (e := _first_error(find, within, start)) is not None:
        return e
    f, w, s = _text(find), _text(within), int(_number(start))
    pattern = re.compile(re.escape(f).replace(r"\*", ".*").replace(r"\?", "."), re.I | re.S)
    m = pattern.search(w, s - 1)
    return VALUE if m is None else float(m.start() + 1)


def f_left(text, n=1.0):
    return _first_error(text, n) or _text(text)[:int(_number(n))]


def f_mid(text, start, n):
    if (e := _first_error(text, start, n)) is not None:
        return e
    s, k = int(_number(start)), int(_number(n))
    return _text(text)[s - 1:s - 1 + k]


def f_substitute(text, old, new, instance=None):
    if (e := _first_error(text, old, new, instance)) is not None:
        return e
    t, o, nw = _text(text), _text(old), _text(new)
    if instance is None:
        return t.replace(o, nw) if o else t
    k, pos = int(_number(instance)), -1
    for _ in range(k):
        pos = t.find(o, pos + 1)
        if pos < 0:
            return t
    return t[:pos] + nw + t[pos + len(o):]


def f_isnumber(v):
    return isinstance(v, int | float) and not isinstance(v, bool)


def f_istext(v):
    return isinstance(v, str) and not isinstance(v, Err)


def f_n(v):
    if isinstance(v, Err):
        return v
    return float(v) if isinstance(v, int | float) else 0.0


def f_abs(v):
    n = _number(v)
    return n if isinstance(n, Err) else abs(n)


def f_not(v):
    t = _truth(v)
    return t if isinstance(t, Err) else not t


FUNCTIONS: dict[str, Callable] = {
    "IF": f_if, "CHOOSE": f_choose, "IFERROR": f_iferror, "AND": f_and, "OR": f_or, "NA": lambda: NA,
    "COUNT": f_count, "SUM": f_sum,
    "MAX": f_max, "MIN": f_min, "SUMIFS": f_sumifs, "SUMIF": f_sumif, "COUNTIFS": f_countifs,
    "COUNTIF": lambda rng, crit: f_countifs(rng, crit), "MATCH": f_match, "INDEX": f_index,
    "SUMPRODUCT": f_sumproduct,
    **{name: _per_element(fn) for name, fn in (("NOT", f_not), ("ISNUMBER", f_isnumber), ("ISTEXT", f_istext),
                                               ("N", f_n), ("ABS", f_abs), ("SEARCH", f_search), ("LEFT", f_left),
                                               ("MID", f_mid), ("SUBSTITUTE", f_substitute))},
}


# -- the check -----------------------------------------------------------------------------------------

def evaluate(book: Book, sheet: str, formula: str):
    """A formula's value from the cached values of the cells it reads."""
    v = _scalar(Parser(book, sheet, formula).parse()())
    if isinstance(v, np.ndarray):  # a range where one value belongs: Excel's implicit intersection is not used
        return VALUE
    return 0.0 if v is None else v  # a formula showing an empty cell shows 0


def mismatches(path: Path) -> list[str]:
    """Formula cells whose cached value is not what the formula gives from the cached values it reads, or
    that give an error (#N/A only where it is cached: a chart's gap); the same wording as the LibreOffice
    oracle's."""
    from helpers.libreoffice import formula_cells

    formulas = formula_cells(path)
    book = Book(path, formulas)
    bad = []
    for (sheet, ref), formula in formulas.items():
        col, row = CELL.fullmatch(ref).groups()
        cached = book.cells.get((sheet, int(row), column_index_from_string(col)))
        try:
            got = evaluate(book, sheet, formula)
        except (NotImplementedError, SyntaxError, KeyError) as exc:
            bad.append(f"{(sheet, ref)}: {formula} not evaluated: {exc}")
            continue
        if isinstance(got, Err):
            if got == NA and isinstance(cached, Err) and cached == NA:
                continue
            bad.append(f"{(sheet, ref)}: {formula} -> {got}")
        elif isinstance(got, float) and isinstance(cached, int | float) and not isinstance(cached, bool):
            if not math.isclose(got, float(cached), rel_tol=1e-9, abs_tol=1e-9):
                bad.append(f"{(sheet, ref)}: {formula} cached {cached!r}, in-process {got!r}")
        elif not same(cached, got):
            bad.append(f"{(sheet, ref)}: {formula} cached {cached!r}, in-process {got!r}")
    return bad

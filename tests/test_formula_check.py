"""The in-process formula check (helpers/formula_check.py) against LibreOffice: the same value for every
function and Excel rule our formula builders use, and the same verdict on a wrong cached value."""

from __future__ import annotations

import pytest
import xlsxwriter

from helpers import formula_check
from helpers.libreoffice import recalculate, same, values

# Constants on sheet 'Tal', rows 1-8: a number column, a code column with text and numbers, a name column
# with mixed case, a column with gaps, and a step list
TABLE = [
    (10, "2", "Aarhus", 1, "boern|5.28.20|003|1"),
    (20, 2, "aarhus", None, "boern|5.28.20||"),
    (30, "1", "Odense", 3, "voksne|5.38.50||"),
    (-5, "2", "Læsø", None, "voksne|5.38||"),
    (7.5, "x", "København", 5, "boern|5.28||"),
    (0, None, "", 6, ""),
    (12, "2", "Vejle", 7, "voksne|5.38.52|001|2"),
    (1, "1", "Aalborg", 8, "boern|5.28.21||"),
]
FORMULAS = [
    "=A1*2+B2/4-A4^2",
    "=-A1^2",
    "=A1&\"|\"&B2&\"|\"&D2",
    "=SUMIFS(A1:A8,B1:B8,\"2\")",
    "=SUMIFS(A1:A8,B1:B8,\"<>2\")",
    "=SUMIFS(A1:A8,A1:A8,\">=10\",C1:C8,\"a*\")",
    "=SUMIFS(A1:A8,C1:C8,\"AARHUS\")",
    "=SUMIFS(A1:A8,D1:D8,\"\")",
    "=SUMIFS(A1:A8,D1:D8,\"<>\")",
    "=COUNTIFS(B1:B8,2,A1:A8,\">0\")",
    "=COUNTIF(C1:C8,\"*r*\")",
    "=SUMIF(B1:B8,\"1\",A1:A8)",
    "=COUNT(A1:D8)",
    "=MAX(A1:A8)-MIN(A1:A8)",
    "=ABS(A4-A1)+ABS(-2)",
    "=IF(ABS(0.1+0.2-0.3)<=1E-09*MAX(ABS(0.3),ABS(0.1+0.2)),\"same\",\"other\")",
    "=SUM(A1:A3,D1:D3,4)",
    "=MATCH(\"voksne|5.38.50||\",E1:E8,0)",
    "=MATCH(\"VOKSNE|5.38.50||\",E1:E8,0)",
    "=IFERROR(MATCH(\"nej\",E1:E8,0),-1)",
    "=MATCH(6,D1:D8,1)",
    "=INDEX(C1:C8,MATCH(7,D1:D8,0))",
    "=INDEX(A1:A8,3)*2",
    "=IF(D2=\"\",\"tom\",D2)",
    "=IF(D2=0,\"nul\",\"andet\")",
    "=IF(AND(A1>5,OR(B1=\"x\",NOT(A4>0))),1,0)",
    "=IF(ISNUMBER(B2),\"tal\",IF(ISTEXT(B2),\"tekst\",\"tom\"))",
    "=ISNUMBER(B1)",
    "=N(A5)+N(C1)",
    "=IFERROR(A1/A6,\"ingen\")",
    "=IFERROR(NA(),\"gab\")",
    "=SUMPRODUCT(--(D1:D8=\"\"),--(A1:A8>0))",
    "=SUMPRODUCT(--({1,2,3,4,5}<=3),{10,20,30,40,50})",
    "=SUMPRODUCT(--(A1:A8>5),D1:D8)",
    "=SUMPRODUCT({1,2},A1:A2)",
    "=SUMPRODUCT(--ISNUMBER(SEARCH(\";\"&{1,3,5}&\";\",\";1;5;\")),{10,20,30})",
    "=SEARCH(\"|\",E1)",
    "=IFERROR(SEARCH(\"zz\",E1),0)",
    "=LEFT(E3,6)&MID(E3,8,4)",
    "=LEFT(E3)",
    "=SUBSTITUTE(E1,\"|\",\";\")",
    "=SUBSTITUTE(E1,\"|\",\";\",2)",
    "=IF(\"b\">\"A\",1,0)+IF(10<\"9\",1,0)",
    "=C1=C2",
    "=A6=\"\"",
    "=D2+1",
]


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """The constants, and each formula in column H with a cached 0 (wrong for most): LibreOffice recalculates,
    the in-process check evaluates from the constants."""
    path = tmp_path_factory.mktemp("fc") / "probe.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Tal")
    for r, row in enumerate(TABLE):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    for r, formula in enumerate(FORMULAS):
        ws.write_formula(r, 7, formula, None, 0)
    wb.close()
    return path


def test_in_process_values_equal_libreoffice_values(soffice, probe, tmp_path):
    fresh = values(recalculate(soffice, [probe], tmp_path / "out", tmp_path / "p")[0])
    formulas = {f"H{r + 1}": f for r, f in enumerate(FORMULAS)}
    book = formula_check.Book(probe, {("Tal", ref): f for ref, f in formulas.items()})
    differ = []
    for ref, formula in formulas.items():
        got = formula_check.evaluate(book, "Tal", formula)
        lo = fresh.get(("Tal", ref))
        if not same(lo, got):
            differ.append(f"{ref} {formula}: LibreOffice {lo!r}, in-process {got!r}")
    assert differ == []
    assert len({fresh.get(("Tal", ref)) for ref in formulas}) > 20  # the probe's answers are not all alike


def test_in_process_check_names_a_wrong_cached_value_and_an_unknown_function(tmp_path):
    path = tmp_path / "wrong.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("A")
    ws.write_number(0, 0, 2)
    ws.write_formula(0, 1, "=A1*2", None, 5)
    ws.write_formula(0, 2, "=A1*3", None, 6)
    ws.write_formula(0, 3, "=ROUND(A1,0)", None, 2)
    ws.write_formula(0, 4, "=1/(A1-2)", None, 0)
    wb.close()
    bad = formula_check.mismatches(path)
    assert bad[0] == "('A', 'B1'): =A1*2 cached 5, in-process 4.0"
    assert bad[1].startswith("('A', 'D1'): =ROUND(A1,0) not evaluated: funktionen ROUND")
    assert bad[2] == "('A', 'E1'): =1/(A1-2) -> #DIV/0!"
    assert len(bad) == 3

"""The committed templates equal a rebuild (XML compared, timestamps ignored), and their VBA source read
back with oletools equals the sources in the package's addin/vba."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from oletools.olevba import VBA_Parser

from indsatstrappe.app import workbooks
from indsatstrappe.excel.scaffold import TITLE_ROWS
from indsatstrappe.io.datafolder import DataFolder

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "Noegletal.xlsm"
TIMESTAMPS = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>")
# the audit and Gnumeric's recalculation start in the background with the module's first test
pytestmark = pytest.mark.usefixtures("ooxml_templates", "gnumeric_templates")


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: TIMESTAMPS.sub(b"", z.read(n)) for n in z.namelist()}  # the VBA project too: it is deterministic


def _build_date(path: Path):
    from datetime import date

    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    return date.fromisoformat(re.search(r"<dcterms:created[^>]*>(\d{4}-\d{2}-\d{2})", core).group(1))


def _body(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not line.startswith("Attribute ")).strip()


def _vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    found = {Path(name).stem: _body(code.replace("\r\n", "\n")) for _, _, name, code in parser.extract_macros()}
    parser.close()
    return found


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("tpl") / "Noegletal.xlsm"
    return workbooks.write_noegletal(DataFolder(), target, workbooks.TEMPLATE_KOMMUNE,
                                     build_date=_build_date(TEMPLATE), macros=True)


def test_noegletal_template_is_reproducible(rebuilt):
    committed, fresh = _parts(TEMPLATE), _parts(rebuilt)
    assert sorted(committed) == sorted(fresh)
    different = [name for name in committed if committed[name] != fresh[name]]
    assert different == [], "templates/Noegletal.xlsm er ikke bygget af den nuværende kode: kør 'make templates'"


def test_template_is_a_macro_enabled_workbook_with_our_vba(rebuilt):
    for path in (TEMPLATE, rebuilt):
        with zipfile.ZipFile(path) as z:
            assert b"macroEnabled.main+xml" in z.read("[Content_Types].xml")
            assert "xl/vbaProject.bin" in z.namelist()
        modules = _vba_modules(path)
        for source in (ROOT / "addin" / "vba").glob("*.bas"):
            text = source.read_text(encoding="utf-8")
            name = re.search(r'Attribute VB_Name = "([^"]+)"', text).group(1)
            assert modules[name] == _body(text), name
        assert {"ThisWorkbook", "Sheet1"} <= set(modules)


def test_udgiftsmodel_template_is_reproducible(tmp_path):
    committed = ROOT / "templates" / "Udgiftsmodel.xlsx"
    fresh = workbooks.write_udgiftsmodel(DataFolder(), tmp_path / "Udgiftsmodel.xlsx", workbooks.TEMPLATE_KOMMUNE,
                                         build_date=_build_date(committed))
    old, new = _parts(committed), _parts(fresh)
    assert sorted(old) == sorted(new)
    assert [n for n in old if old[n] != new[n]] == [], "kør 'make templates'"
    with zipfile.ZipFile(committed) as z:
        assert "xl/vbaProject.bin" not in z.namelist()  # the analyst's Udgiftsmodel has no macros


def test_templates_open_in_excel_without_repair(ooxml_templates):
    assert set(ooxml_templates) == {"Noegletal.xlsm", "Udgiftsmodel.xlsx"}
    for name, check in ooxml_templates.items():
        assert check.errors() == 0, f"{name}: {check.report()[-3000:]}"


def test_gnumeric_gives_every_cached_value_of_the_templates(gnumeric_templates):
    """Excel, LibreOffice and Gnumeric read every formula of ours alike: Gnumeric's recalculation of both
    templates (all municipalities' data) reproduces every cached value."""
    assert set(gnumeric_templates) == {"Noegletal.xlsm", "Udgiftsmodel.xlsx"}
    for name, check in gnumeric_templates.items():
        differences = check.differences()
        assert differences == [], f"{name}: {len(differences)} celler, fx {differences[:5]}"


def test_the_gnumeric_check_sees_the_forms_it_reads_otherwise(tmp_path):
    """The two forms Gnumeric reads otherwise than Excel, written with Excel's values: SEARCH over an array
    inside SUMPRODUCT (#VALUE! in Gnumeric) and INDEX with one index into a row (read as the row: #REF!).
    The check reports both, and neither of the forms that replace them."""
    import xlsxwriter

    from helpers.gnumeric import Recalculation, ssconvert

    if ssconvert() is None:
        pytest.skip("Gnumeric (ssconvert) er ikke installeret; 'make test' installerer den.")
    path = tmp_path / "forms.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Ark")
    ws.write_string("A1", "1;3")
    ws.write_row("B1", [10, 20, 30])
    ws.write_formula("A3", '=SUMPRODUCT(--ISNUMBER(SEARCH(";"&{1,2,3}&";",";"&A1&";")),B1:D1)', None, 40)
    ws.write_formula("A4", "=INDEX(B1:D1,2)", None, 20)
    ws.write_row("B2", [1, 0, 1])  # the flags that replace the SEARCH over an array
    ws.write_formula("A5", "=SUMPRODUCT(B2:D2,B1:D1)", None, 40)
    ws.write_formula("A6", "=INDEX(B1:D1,1,2)", None, 20)
    wb.close()
    found = Recalculation(ssconvert(), path, tmp_path / "gnumeric").differences()
    assert sorted(d.split(":")[0] for d in found) == ["('Ark', 'A3')", "('Ark', 'A4')"], found


def test_the_linear_audit_reports_what_openxml_audit_reports(tmp_path):
    """The audit the tests run (helpers/audit_linear.py) against openxml-audit's own console script, on a
    clean sheet and on one with errors in the 35th row and the 30th row's second cell: the same report and
    exit code, word for word (the paths' [N] are what the linear lookup computes)."""
    import subprocess

    import xlsxwriter

    from helpers.ooxml import FORMAT, command, stock_command

    clean = tmp_path / "clean.xlsx"
    wb = xlsxwriter.Workbook(clean)
    ws = wb.add_worksheet("A")
    for r in range(40):
        ws.write_number(r, 0, r)
        ws.write_number(r, 1, 2 * r)
    wb.close()
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(clean) as z, zipfile.ZipFile(broken, "w") as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<row r="35"', b'<row r="35" ht="x"').replace(b'<c r="B30"', b'<c r="B30" t="zz"')
            out.writestr(item, data)
    for path, errors in ((clean, 0), (broken, 2)):
        stock, ours = (subprocess.run([*cmd, "-f", FORMAT, str(path)], capture_output=True, text=True)
                       for cmd in (stock_command(), command()))
        assert (ours.returncode, ours.stdout) == (stock.returncode, stock.stdout)
        assert f"Errors: {errors}" in ours.stdout
    assert "row[35]" in ours.stdout and "row[30]/c[2]" in ours.stdout


@pytest.mark.parametrize("name", ["Noegletal.xlsm", "Udgiftsmodel.xlsx"])
def test_formula_truth_in_the_committed_templates(name):
    """Every formula of the analyst's templates (all municipalities) gives its cached value from the cells it
    reads, checked in-process (helpers/formula_check.py)."""
    from helpers.formula_check import mismatches

    assert mismatches(ROOT / "templates" / name) == []


def test_long_tables_keep_their_header_in_view_and_on_every_printed_page():
    for path, sheets in (("Noegletal.xlsm", ("Egne tal", "Definitioner")),
                         ("Udgiftsmodel.xlsx", ("Regnskab", "Fordelingsnøgle"))):
        wb = openpyxl.load_workbook(Path(__file__).resolve().parents[1] / "templates" / path)
        for name in sheets:
            ws = wb[name]
            assert ws.freeze_panes is not None, name
            header_row = int(ws.freeze_panes[1:]) - 1  # the row above the frozen split
            assert ws.cell(header_row, 2).font.b or ws.cell(header_row, 2).fill.fgColor.rgb not in (None, "00000000"), \
                name
            if name != "Definitioner":  # its tables of steps and codes follow the figures' table
                # the title band (naming the municipality) down to the table's header, on every page
                assert ws.print_title_rows.replace("$", "") == f"1:{header_row}", name
            else:
                assert ws.print_title_rows.replace("$", "") == f"1:{TITLE_ROWS}", name


def test_no_formula_needs_a_prefix_the_fast_path_would_drop(tmp_path):
    """The fast path writes formulas without XlsxWriter's `_xlfn.` expansion: a formula with FILTER, XLOOKUP
    and the like would read #NAME? in Excel. Every formula of both templates is one stock XlsxWriter writes
    the same (the distributed workbooks are checked in test_distribute), and the check sees such a formula."""
    import xlsxwriter

    from helpers.ooxml import formulas_stock_xlsxwriter_would_prefix
    from indsatstrappe.excel.speed.fastsheet import FastSheet

    for name in ("Noegletal.xlsm", "Udgiftsmodel.xlsx"):
        assert formulas_stock_xlsxwriter_would_prefix(ROOT / "templates" / name) == [], name
    probe = tmp_path / "probe.xlsx"
    wb = xlsxwriter.Workbook(probe)
    ws = wb.add_worksheet("Ark", worksheet_class=FastSheet)
    ws.write_formula(0, 0, "=SUM(B1:B2)")
    ws.write_formula(1, 0, '=IFERROR(XLOOKUP(1,B1:B2,C1:C2),"")')
    wb.close()
    assert [f.split(": ", 1)[1] for f in formulas_stock_xlsxwriter_would_prefix(probe)] == [
        'IFERROR(XLOOKUP(1,B1:B2,C1:C2),"")']


def test_templates_read_like_a_finished_tool():
    """#18 and #33: every visible sheet prints within an area, long sheets keep their top in view, wrapped texts
    fit their rows and break no word, no text is cut by a filled neighbour, no internal code or word shows (the
    rule table says "Børn og unge" and "Nøgle", not boern and noegle; a source is "Danmarks Statistik, tabel
    REGK31", not "REGK31/regnskab"), no table has a column without a header, no number runs into the words beside
    it, every chart series has a name, a stacked chart's parts differ in greyscale and have borders, and no axis
    repeats a tick (whole numbers over values below 5). The templates before #33's round had 17 internal words,
    18 columns without a header, 34 broken words, 112 numbers running into text, 36 stacked parts without a
    border and 12 axes with repeated ticks."""
    from helpers.presentation import findings

    for name in ("Noegletal.xlsm", "Udgiftsmodel.xlsx"):
        assert findings(ROOT / "templates" / name) == [], name


def test_the_presentation_check_sees_what_it_looks_for(tmp_path):
    import xlsxwriter

    from helpers.presentation import findings

    path = tmp_path / "rough.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Ark")
    ws.write_string(0, 0, "En lang tekst, der ikke kan stå i en smal kolonne")
    ws.write_string(0, 1, "nabo")
    ws.write_string(1, 0, "boern")
    ws.write_string(1, 2, "Kilde: REGK31/regnskab")
    wrap = wb.add_format({"text_wrap": 1})
    ws.write_string(2, 0, "Ombrudt tekst, der skal bruge mange linjer i en smal kolonne", wrap)
    for r in range(3, 60):
        ws.write_number(r, 0, r)
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": ["Ark", 3, 0, 10, 0]})
    ws.insert_chart(3, 3, chart)
    head = wb.add_format({"bg_color": "#D9E2F3", "bold": True, "text_wrap": True})
    ws.write_row(62, 5, ["År", "", "Trin 1", "Heraf statsrefusion"], head)  # an empty column; a word cut
    ws.write_number(63, 5, 41.7, wb.add_format({"align": "right"}))
    ws.write_string(63, 6, "Dårligere")  # runs into the number
    wb.close()
    found = "\n".join(findings(path))
    for words in ("intet udskriftsområde", "intet er låst", "skæres af naboen", "intern kode 'boern'",
                  "intern kode 'Kilde: REGK31", "G63: kolonne uden overskrift", "ordet 'statsrefusion' brydes",
                  "F64:G64: tallet løber ind i teksten",
                  "ombrudt tekst", "uden navn"):
        assert words in found, words


def test_every_defined_name_points_at_a_sheet_of_the_workbook():
    """Blocks name their cells (Book.name_range): each name is a reference into an existing sheet, or one of
    the named formulas on purpose (TrappeKode)."""
    for name in ("Noegletal.xlsm", "Udgiftsmodel.xlsx"):
        wb = openpyxl.load_workbook(ROOT / "templates" / name, read_only=True)
        formulas = []
        for defined in wb.defined_names.values():
            targets = list(defined.destinations) if defined.type == "RANGE" else []
            if not targets:
                formulas.append(defined.name)
            for sheet, ref in targets:
                assert sheet in wb.sheetnames and re.fullmatch(r"\$[A-Z]+\$\d+(:\$[A-Z]+\$\d+)?", ref), \
                    (name, defined.name, sheet, ref)
        assert formulas == (["TrappeKode"] if name.startswith("Udgift") else []), name


# sheets with typed rows, where an untyped row's computed cells stay empty until something is typed
INPUT_SHEETS = {"Egne tal", "Botilbud", "Fordelingsnøgle", "Regnskab"}


@pytest.mark.parametrize("name", ["Noegletal.xlsm", "Udgiftsmodel.xlsx"])
def test_a_missing_number_is_a_dash_in_tables_and_a_gap_in_charts(name):
    """#18.1: a number cell with no value shows '–' (or 'kræver egne data' / 'ikke indberettet', which say
    why), never an empty-looking "" and never 0; every chart shows #N/A as a gap, also in Excel 2016 and later
    (which otherwise draw the line across it)."""
    from indsatstrappe.excel.datasheet import NOT_REPORTED, OWN_DATA
    from indsatstrappe.excel.formulas import MISSING

    path = ROOT / "templates" / name
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    words = {MISSING, OWN_DATA, NOT_REPORTED}
    dashes = 0
    sheets = [ws for ws in formulas.worksheets if ws.sheet_state == "visible" and ws.title not in INPUT_SHEETS]
    assert len(sheets) >= 8
    for ws in sheets:
        sheet, cached = ws.title, values[ws.title]
        for row in ws.iter_rows(max_col=20):  # the tables; hidden chart sources sit further right
            for c in row:
                if c.data_type != "f" or c.number_format in ("General", "@"):
                    continue
                v = cached[c.coordinate].value
                if isinstance(v, str):
                    step_beyond = v == "" and 'IF(' in c.value and "<=AntalTrin" in c.value  # children: no 7-8
                    assert v in words or step_beyond, (sheet, c.coordinate, v, c.value[:80])
                    dashes += v == MISSING
    assert dashes > 0  # the demo has missing values: the check saw some
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert charts
        for part in charts:
            assert '<c16r3:dispNaAsBlank val="1"/>' in z.read(part).decode(), part

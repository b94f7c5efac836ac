"""The Nøgletal workbook: structure, cached values equal to the core, formula truth in LibreOffice
(also after choosing another municipality and group, and after typing own figures), and rendering."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers import formula_check
from helpers.libreoffice import mismatches, recalculate, to_pdf
from indsatstrappe.app import queries, workbooks
from indsatstrappe.core import distribution, keyfigures, municipalities
from indsatstrappe.core.staircase import default_staircases
from indsatstrappe.excel.formulas import MISSING
from indsatstrappe.excel.noegletal import noegletal_book
from indsatstrappe.io.datafolder import DataFolder

ROOT = Path(__file__).resolve().parents[1]
KOMMUNE = 147


@pytest.fixture(scope="session")
def folder(subset_path):
    """Ten municipalities of the demo data: every check here holds for any data, and LibreOffice and openpyxl
    read a workbook of ten in seconds (the full data's formula truth is checked in test_distribute)."""
    return DataFolder(subset_path)


@pytest.fixture(scope="session")
def book(tmp_path_factory, folder) -> Path:
    return workbooks.write_noegletal(folder, tmp_path_factory.mktemp("nt") / "Noegletal_147.xlsx", KOMMUNE)


def _edited_copy(src: Path, dst: Path, edits: dict[tuple[str, str], object]) -> Path:
    wb = openpyxl.load_workbook(src)
    for (sheet, ref), value in edits.items():
        wb[sheet][ref] = value
    wb.save(dst)
    return dst


def _egne_row(path: Path, fid: str, year: int) -> int:
    ws = openpyxl.load_workbook(path)["Egne tal"]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == fid and ws.cell(r, 5).value == year)


@pytest.fixture(scope="session")
def recalculated(soffice, book, tmp_path_factory):
    """One LibreOffice run: the book with Læsø/Region Nordjylland/2022 chosen, with an own figure typed, and with
    botilbud entries (the book as built is checked in-process)."""
    tmp = tmp_path_factory.mktemp("lo")
    other = _edited_copy(book, tmp / "other.xlsx", {("Forside", "C6"): "Læsø", ("Forside", "C7"): "Region Nordjylland",
                                                    ("Forside", "C8"): 2022})
    row = _egne_row(book, "B12", 2024)
    own = _edited_copy(book, tmp / "own.xlsx", {("Egne tal", f"F{row}"): 3, ("Egne tal", f"G{row}"): 4})
    first = _botilbud_first_input_row(book)
    # the first botilbud row becomes 2024 with M1 = 1 of 4; a new row adds a botilbud 'Nyt' with M1 = 9 of 16
    bo = _edited_copy(book, tmp / "botilbud.xlsx", {
        ("Botilbud", f"C{first}"): 2024, ("Botilbud", f"D{first}"): 1, ("Botilbud", f"E{first}"): 4,
        ("Botilbud", f"B{first + 20}"): "Nyt", ("Botilbud", f"C{first + 20}"): 2024,
        ("Botilbud", f"D{first + 20}"): 9, ("Botilbud", f"E{first + 20}"): 16})
    files = [other, own, bo]
    out = recalculate(soffice, files, tmp / "out", tmp / "profile")
    return dict(zip(("other", "own", "botilbud"), zip(files, out, strict=True), strict=True))


def _botilbud_first_input_row(path: Path) -> int:
    ws = openpyxl.load_workbook(path)["Botilbud"]
    return next(r for r in range(2, ws.max_row + 1)
                if ws.cell(r, 4).value == "Tæller" and ws.cell(r - 1, 2).value == "Botilbud") + 1


def blocks(path: Path, data_only: bool = True) -> dict[tuple[str, int], tuple]:
    """(figure id, year) -> (kommune, gruppe, region, landet) read from every theme sheet."""
    wb = openpyxl.load_workbook(path, data_only=data_only)
    found = {}
    for ws in wb.worksheets:
        if not re.match(r"^(Børn|Voksne) – ", ws.title):  # the theme sheets
            continue
        for r in range(1, ws.max_row + 1):
            m = re.match(r"^([BV]\d\d)  ", str(ws.cell(r, 2).value or ""))
            if not m:
                continue
            row = r + 3
            while isinstance(ws.cell(row, 2).value, int):
                found[(m.group(1), ws.cell(row, 2).value)] = tuple(ws.cell(row, c).value for c in range(3, 7))
                row += 1
    return found


def expected(folder, kommune: int, group_spec: str | None) -> dict[tuple[str, int], tuple]:
    group = municipalities.comparison_group(group_spec, kommune)
    region = municipalities.comparison_group("region", kommune)
    out = {}
    for trappe in ("boern", "voksne"):
        values = queries.key_figures(folder, trappe)
        comp = keyfigures.comparison(values, kommune, group)
        reg = keyfigures.group_values(values, region).set_index(["noegletal_id", "aar"])["vaerdi"]
        for row in comp.itertuples():
            out[(row.noegletal_id, row.aar)] = (row.vaerdi, row.gruppe_vaerdi, reg.get((row.noegletal_id, row.aar)),
                                                row.land_vaerdi)
    return out


STAIRCASES_BY_FIG = {fid: default_staircases()[t] for fid, t in keyfigures.catalogue()["trappe"].items()}


def assert_same(got: dict, want: dict) -> None:
    assert set(want) <= set(got)
    # a missing value is '–', or for the municipality's own column of a figure registers cannot give, says so
    missing = (MISSING, noegletal_book.OWN_DATA)
    for key in set(got) - set(want):  # years the workbook shows but no municipality has: '–'
        assert got[key][0] in missing and all(c == MISSING for c in got[key][1:]), key
        if got[key][0] == noegletal_book.OWN_DATA:
            assert keyfigures.needs_own_data(keyfigures.catalogue().loc[key[0]], STAIRCASES_BY_FIG[key[0]]), key
    for key, cells in ((k, got[k]) for k in want):
        for i, (g, w) in enumerate(zip(cells, want[key], strict=True)):
            if w is None or pd.isna(w):
                assert g in (missing if i == 0 else (MISSING,)), (key, cells, want[key])
            else:
                assert g == pytest.approx(w, rel=1e-9), (key, cells, want[key])


# -- structure ------------------------------------------------------------------------------------

def test_sheets_names_validations_and_protection(book):
    wb = openpyxl.load_workbook(book)
    names = wb.sheetnames
    for sheet in ("Forside", "Trappen børn og unge", "Trappen voksne", "Børn – Indsatstrappen", "Børn – Bevægelser",
                  "Voksne – Sundhed", "Egne tal", "Definitioner", "Om", "Data", "Lister"):
        assert sheet in names
    assert wb["Data"].sheet_state == "hidden" and wb["Lister"].sheet_state == "hidden"  # hidden, not very hidden
    for name in ("ValgtKommune", "ValgtGruppe", "ValgtAar", "ValgtKode", "GruppeNavn", "L_navn", "D_T2024", "E_t"):
        assert name in wb.defined_names, name
    sources = {str(dv.sqref): dv.formula1 for dv in wb["Forside"].data_validations.dataValidation}
    assert sources == {"C6": "L_navn", "C7": "L_grupper", "C8": "L_aar"}
    for ws in wb.worksheets:  # Data is not: xlwings Lite's refresh writes into it (hidden, so not typed in)
        assert ws.protection.sheet == (ws.title != "Data"), ws.title
    assert wb["Forside"]["C6"].protection.locked is False
    assert wb["Forside"]["C10"].value.startswith("=INDEX(") and wb["Forside"]["C10"].protection.locked
    assert wb["Om"].page_setup.orientation == "landscape" and wb["Om"].page_setup.paperSize == 9
    # the print header names no municipality: another one may be chosen in the workbook
    assert wb["Børn – Indsatstrappen"].oddHeader.right.text == "Udskrevet &D"


def test_every_visible_sheet_carries_the_demo_mark(book):
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            assert "DEMODATA" in str(ws["B3"].value), ws.title


def test_charts_one_per_figure_three_per_staircase_and_one_for_botilbud(book):
    with zipfile.ZipFile(book) as z:
        charts = [n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) == len(keyfigures.catalogue()) + 3 * 2 + 1
        line = z.read("xl/charts/chart5.xml").decode()
        assert "<c:numCache>" in line  # cached series values, so charts draw before any recalculation


def test_cached_values_equal_the_core(book, folder):
    assert_same(blocks(book), expected(folder, KOMMUNE, None))


def test_staircase_sheet_cached_counts_equal_the_distribution(book, folder):
    ws = openpyxl.load_workbook(book, data_only=True)["Trappen voksne"]
    head = next(r for r in range(1, 40) if ws.cell(r, 2).value == "Trin")
    dist = queries.distribution_for(folder, "voksne", [KOMMUNE], 2024).set_index("trin")
    for t in range(1, 9):
        assert ws.cell(head + t, 4).value == dist.loc[t, "antal"]
        assert ws.cell(head + t, 5).value == pytest.approx(dist.loc[t, "andel"])
        assert ws.cell(head + t, 6).value == pytest.approx(dist.loc[t, "pr_1000"])


def test_staircase_sheet_shows_the_group_and_the_country_as_markers_per_step(book, folder):
    """'Pr. 1.000 indbyggere pr. trin': the municipality, its group and the country per step in the chosen
    year, drawn as markers from the chosen-year table (its cached points are the group's rates)."""
    with zipfile.ZipFile(book) as z:
        xml = next(x for x in (z.read(n).decode() for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n))
                   if "Pr. 1.000 indbyggere pr. trin" in x and "Trappen voksne" in x)
    series = re.findall(r"<c:ser>.*?</c:ser>", xml, re.S)
    names = [re.search(r"<c:tx>.*?<c:v>(.*?)</c:v>", s_, re.S).group(1) for s_ in series]
    assert names == ["Kommunen", "Gruppen", "Landet"]
    assert all('<c:spPr><a:ln><a:noFill/></a:ln></c:spPr>' in s_ and "<c:marker>" in s_ for s_ in series)
    group_points = re.findall(r'<c:pt idx="(\d+)"><c:v>([^<]*)</c:v>', series[1].split("<c:val>")[1])
    dist = queries.distribution_for(folder, "voksne", [KOMMUNE], 2024, "kommunegruppe")
    grp = dist[dist["kommune_kode"] != KOMMUNE].iloc[:8].set_index("trin")  # the group's rows come first
    assert len(group_points) == 8
    for idx, value in group_points:
        assert float(value) == pytest.approx(grp.loc[int(idx) + 1, "pr_1000"])


# -- formula truth: in-process as built, LibreOffice after the user's edits --------------------------

def test_formula_truth_as_built(book):
    assert formula_check.mismatches(book) == []


def test_other_municipality_and_group_recompute_natively(recalculated, folder):
    _, fresh = recalculated["other"]
    want = expected(folder, 825, "R81")
    assert_same(blocks(fresh), want)
    ws = openpyxl.load_workbook(fresh, data_only=True)["Trappen børn og unge"]
    head = next(r for r in range(1, 40) if ws.cell(r, 2).value == "Trin")
    dist = queries.distribution_for(folder, "boern", [825], 2022, "R81")
    own = dist[dist["kommune_kode"] == 825].set_index("trin")
    grp = dist[dist["kommune_kode"] == "R81"].set_index("trin")
    for t in range(1, 7):
        assert ws.cell(head + t, 4).value == own.loc[t, "antal"]
        assert ws.cell(head + t, 6).value == pytest.approx(own.loc[t, "pr_1000"])
        assert ws.cell(head + t, 7).value == pytest.approx(grp.loc[t, "pr_1000"])


def test_own_figures_typed_into_the_workbook_are_used(recalculated, folder):
    _, fresh = recalculated["own"]
    got = blocks(fresh)
    assert got[("B12", 2024)][0] == pytest.approx(75.0)  # 3 of 4 typed on 'Egne tal'
    assert got[("B12", 2023)] == pytest.approx(expected(folder, KOMMUNE, None)[("B12", 2023)])


def test_botilbud_entries_recompute_the_shares_and_the_total(recalculated, folder):
    """Hand computation of M1 2024 over the typed rows, against LibreOffice's recalculation."""
    original, fresh = recalculated["botilbud"]
    first = _botilbud_first_input_row(original)
    ws = openpyxl.load_workbook(fresh, data_only=True)["Botilbud"]
    assert ws[f"F{first}"].value == pytest.approx(0.25)
    raw = folder.table("botilbud").query("kommune_kode == @KOMMUNE and aar == 2024 and maal == 'M1'")
    t, n = raw["taeller"].sum() + 1 + 9, raw["naevner"].sum() + 4 + 16
    head = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 2).value).startswith("Kommunens botilbud"))
    row = next(r for r in range(head + 2, head + 10) if ws.cell(r, 2).value == 2024)
    assert ws.cell(row, 4).value == pytest.approx(t / n, rel=1e-12)
    assert ws.cell(row, 3).value == 4  # the two demo botilbud, the edited row, and 'Nyt'


def test_cli_reads_own_figures_back_from_the_workbook(recalculated, tmp_path, run_cli):
    original, _ = recalculated["own"]
    target = tmp_path / "n.csv"
    result = run_cli("noegletal", "--trappe", "boern", "--kommune", str(KOMMUNE), "--egne-tal", original,
                     "--ud", target)
    assert result.code == 0, result.err
    df = pd.read_csv(target).set_index(["noegletal_id", "aar"])
    assert df.loc[("B12", 2024), "vaerdi"] == pytest.approx(75.0)


def test_lo_oracle_catches_a_wrong_cached_value(soffice, tmp_path):
    import xlsxwriter

    path = tmp_path / "wrong.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("A")
    ws.write_number(0, 0, 2)
    ws.write_formula(0, 1, "=A1*2", None, 5)  # deliberately wrong cache
    wb.close()
    fresh = recalculate(soffice, [path], tmp_path / "out", tmp_path / "profile")[0]
    assert mismatches(path, fresh) == ["('A', 'B1'): =A1*2 cached 5, LibreOffice 4"]


# -- rendering ------------------------------------------------------------------------------------

def test_render_staircase_sheet_to_png(soffice, book, tmp_path):
    """Print the workbook to PDF as LibreOffice lays it out, and find the children's staircase page (after the
    front page and the overview) with the municipality's step-3 count on its step's line, drawn (not blank)."""
    from matplotlib import image

    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftoppm) mangler; 'make test' installerer det")
    pdf = to_pdf(soffice, book, tmp_path, tmp_path / "profile")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert pages[1].lstrip().startswith("Overblik over nøgletallene")
    page = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Indsatstrappen for udsatte børn og unge"))
    text = pages[page]
    assert "Frederiksberg" in text
    dist = distribution.step_counts(DataFolder().table("modtagere"), DataFolder().staircases["boern"])
    n = dist[(dist["kommune_kode"] == KOMMUNE) & (dist["aar"] == 2024) & (dist["trin"] == 3)]["antal"].iloc[0]
    # the count on step 3's own line of the chosen-year table (LibreOffice prints in its own locale)
    assert re.search(rf"^\s*3\s+Hjemmebaserede foranstaltninger\s+{int(n):,}\s", text, re.M), text[:2000]
    subprocess.run(["pdftoppm", "-f", str(page + 1), "-l", str(page + 1), "-r", "70", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "trappen_boern")], check=True)
    png = image.imread(tmp_path / "trappen_boern.png")
    assert png[:, :, :3].std() > 0.05  # tables and charts drawn, not an empty page


def test_principles_sheet_reads_the_principles_and_the_core_values(book, folder):
    from indsatstrappe.excel.noegletal import principles_sheet

    ws = openpyxl.load_workbook(book, data_only=True)["Principper"]
    rows = [[c.value for c in row[1:7]] for row in ws.iter_rows()]
    heads = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("Princip ")]
    table = principles_sheet.principles()
    assert heads == [f"Princip {p.nr}. {p.princip}" for p in table.itertuples()]
    assert heads[4] == "Princip 5. Hjælp borgerne så tidligt som muligt"
    want = expected(folder, KOMMUNE, None)
    latest = max(y for _, y in want)
    catalogue = keyfigures.catalogue()
    figure_rows = [r for r in rows if isinstance(r[0], str) and r[0][:3] in catalogue.index]
    assert len(figure_rows) == sum(len(p.noegletal.split(";")) for p in table.itertuples())
    for name, own, group, before, versus, trend in figure_rows:
        fid = name[:3]
        own_want, group_want = want.get((fid, latest), (None, None))[:2]  # none after a series break
        assert (own == MISSING and pd.isna(own_want)) or own == pytest.approx(own_want)
        assert (group == MISSING and pd.isna(group_want)) or group == pytest.approx(group_want)
        assert versus == keyfigures.compare(own, group, catalogue.loc[fid, "retning"])
        assert trend == keyfigures.trend(own, before)


def test_overview_has_every_figure_with_the_core_values_and_the_words_that_follow(book, folder):
    """Overblik: one row per catalogue figure, the municipality's, group's and country's latest value as the
    core computes them, 'kræver egne data' where registers cannot give it, and better/worse in the figure's
    direction."""

    ws = openpyxl.load_workbook(book, data_only=True)["Overblik"]
    rows = {str(ws.cell(r, 2).value).split()[0]: r for r in range(1, ws.max_row + 1)
            if re.match(r"^[BV]\d\d  ", str(ws.cell(r, 2).value or ""))}
    cat = keyfigures.catalogue()
    assert sorted(rows) == sorted(cat.index)
    latest = 2024
    group = municipalities.comparison_group("kommunegruppe", KOMMUNE)
    checked = 0
    for trappe in ("boern", "voksne"):
        values = queries.key_figures(folder, trappe)
        values = values[values["aar"] == latest]
        for fid, r in rows.items():
            if cat.loc[fid, "trappe"] != trappe:
                continue
            own = values[(values["noegletal_id"] == fid) & (values["kommune_kode"] == KOMMUNE)]["vaerdi"]
            shown = ws.cell(r, 4).value
            if own.empty:
                assert shown in (MISSING, noegletal_book.OWN_DATA), fid
                assert ws.cell(r, 7).value == "–"
                continue
            assert shown == pytest.approx(float(own.iloc[0]), rel=1e-9), fid
            members = values[(values["noegletal_id"] == fid) & values["kommune_kode"].isin(group.members)]
            assert ws.cell(r, 5).value == pytest.approx(members["vaerdi"].mean(), rel=1e-9), fid
            assert ws.cell(r, 7).value == keyfigures.compare(shown, ws.cell(r, 5).value, cat.loc[fid, "retning"])
            checked += 1
    assert checked >= 25
    assert "Bedre end gruppen" in {ws.cell(r, 7).value for r in rows.values()}


def test_every_overview_link_lands_on_its_figure():
    """#33: the overview's links to the theme sheets went to A1; each goes to its figure's name now."""
    wb = openpyxl.load_workbook(ROOT / "templates" / "Noegletal.xlsm")
    ws = wb["Overblik"]
    links = [(c.row, c.hyperlink.location) for row in ws.iter_rows() for c in row
             if c.hyperlink is not None and "Forside" not in str(c.hyperlink.location)]
    assert len(links) >= 30
    for row, location in links:
        sheet, ref = location.rsplit("!", 1)
        fid = str(ws.cell(row, 2).value).split()[0]
        assert str(wb[sheet.strip("'")][ref].value).startswith(fid + " "), (fid, location)

"""`udsend`: macro-free workbooks per municipality with small counts suppressed, a manifest, atomic writes."""

from __future__ import annotations

import csv
import hashlib
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from conftest import demo_subset
from helpers import formula_check
from helpers.gnumeric import Recalculation, required_ssconvert
from helpers.libreoffice import mismatches, recalculate
from helpers.ooxml import Validation, formulas_stock_xlsxwriter_would_prefix
from indsatstrappe.app import distribute, workbooks
from indsatstrappe.core import keyfigures, suppression
from indsatstrappe.excel.formulas import MISSING
from indsatstrappe.excel.noegletal import noegletal_book
from indsatstrappe.excel.reader import read_entries
from indsatstrappe.io.datafolder import DataFolder

ROOT = Path(__file__).resolve().parents[1]
COUNT_IDS = set(keyfigures.catalogue().query("beregning in @suppression.REGISTER_KINDS and beregning != 'udvikling'")
                ["id"])


@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    out = tmp_path_factory.mktemp("udsend")
    foreign = out / "noter.txt"
    foreign.write_text("mine noter", encoding="utf-8")
    result = distribute.distribute(DataFolder(), out, [825, 147], workers=2, zip_regions=True)
    scratch = tmp_path_factory.mktemp("ooxml")
    checks = [Validation(out / name, scratch) for name in ("Noegletal_825_Laesoe.xlsx", "Udgiftsmodel_825_Laesoe.xlsx")]
    yield out, result, foreign, checks
    for check in checks:
        check.stop()


@pytest.fixture(scope="module")
def gnumeric_sent(sent, tmp_path_factory):
    """Gnumeric's recalculation of two distributed workbooks, started with the module's first test: the forms only
    a distributed workbook has (hidden counts, masked steps, rows copied from the first workbook)."""
    exe = required_ssconvert()
    checks = {name: Recalculation(exe, sent[0] / name, tmp_path_factory.mktemp("gnumeric"))
              for name in ("Udgiftsmodel_825_Laesoe.xlsx", "Noegletal_147_Frederiksberg.xlsx")}
    yield checks
    for check in checks.values():
        check.stop()


def data_sheet(path: Path) -> pd.DataFrame:
    ws = openpyxl.load_workbook(path, data_only=True)["Data"]
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_unit_suppression_rules():
    counts = pd.DataFrame({"kommune_kode": [1, 1, 1], "aar": [2023] * 3, "trappe": ["voksne"] * 3, "trin": [1, 2, 3],
                           "antal": [3, 0, 50]})
    hidden = pd.DataFrame({"id": ["voksne:1", "V04"], "kommune_kode": [1, 1], "aar": [2023, 2023]})
    assert suppression.suppress_counts(counts, hidden)["antal"].isna().tolist() == [True, False, False]
    values = pd.DataFrame({"noegletal_id": ["V04", "V06", "V02", "V02", "V20", "B02"], "kommune_kode": [1] * 6,
                           "aar": [2023] * 6, "taeller": [53.0, 40.0, 2.0, 30.0, 7.0, 3.0],
                           "naevner": [1000.0, 1000.0, 10.0, 3.0, 11.0, 40.0],
                           "vaerdi": [53.0, 40.0, 20.0, 1000.0, 63.6, 0.075]})
    out = suppression.suppress_values(values, hidden)
    # as the register decision says; small own counts; "7 af 11" leaves 4 persons; days are not persons
    assert out["vaerdi"].isna().tolist() == [True, False, True, True, True, False]


@pytest.mark.usefixtures("gnumeric_sent")  # started here, in the background; checked below
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_prepare_in_two_processes_gives_what_one_process_gives(method):
    """The helper suppresses the Udgiftsmodel with its own and the other process's decisions: the same tables,
    in the same order, as one process computes."""
    alone = distribute.prepare(DataFolder())
    split = distribute.prepare(DataFolder(), in_parallel=True, method=method)
    for frame in ("values", "counts"):
        pd.testing.assert_frame_equal(getattr(alone.noegletal, frame), getattr(split.noegletal, frame))
    pd.testing.assert_frame_equal(alone.noegletal.table.long, split.noegletal.table.long)
    for frame in ("counts", "expense_rows"):
        pd.testing.assert_frame_equal(getattr(alone.udgiftsmodel, frame), getattr(split.udgiftsmodel, frame))
    pd.testing.assert_frame_equal(alone.udgiftsmodel.table.long, split.udgiftsmodel.table.long)
    assert split.udgiftsmodel.counts["antal"].isna().any()  # something was hidden: the comparison could fail
    # the helper suppresses before it has the sources: it takes the years they cover from the register data
    assert workbooks.data_years(DataFolder()) == alone.noegletal.years == alone.udgiftsmodel.years


def test_files_manifest_and_zips(sent):
    out, result, foreign, _ = sent
    names = sorted(p.name for p in result.files)
    assert names == ["Noegletal_147_Frederiksberg.xlsx", "Noegletal_825_Laesoe.xlsx",
                     "Udgiftsmodel_147_Frederiksberg.xlsx", "Udgiftsmodel_825_Laesoe.xlsx"]
    with open(out / "manifest.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4 and {r["periode"] for r in rows} == {"2018-2024"}
    for r in rows:
        f = out / r["fil"]
        assert int(r["bytes"]) == f.stat().st_size
        assert r["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
        with zipfile.ZipFile(f) as z:
            assert "xl/vbaProject.bin" not in z.namelist()
            assert not any("externalLink" in n for n in z.namelist())
    assert foreign.read_text(encoding="utf-8") == "mine noter"
    assert not list(out.glob(".*tmp*"))
    with zipfile.ZipFile(out / "Region-Nordjylland.zip") as z:
        assert sorted(z.namelist()) == ["Noegletal_825_Laesoe.xlsx", "Udgiftsmodel_825_Laesoe.xlsx"]


def test_preselected_municipality_and_group(sent):
    out, _, _, _ = sent
    wb = openpyxl.load_workbook(out / "Noegletal_825_Laesoe.xlsx", data_only=True)
    assert wb["Forside"]["C6"].value == "Læsø" and wb["Forside"]["C13"].value == "Landkommuner"
    assert "Små tal" in " ".join(str(c.value) for row in wb["Om"].iter_rows() for c in row if c.value)


def _small(values) -> np.ndarray:
    v = pd.to_numeric(pd.Series(values), errors="coerce")
    return ((v >= 1) & (v <= 4)).to_numpy()


def test_no_count_1_to_4_is_visible_or_derivable_for_laesoe(sent):
    out, _, _, _ = sent
    data = data_sheet(out / "Noegletal_825_Laesoe.xlsx")
    t_cols = [c for c in data.columns if str(c).startswith("T")]
    counts = data[data["id"].str.contains(":") | data["id"].isin(COUNT_IDS)]
    assert not _small(counts[t_cols].to_numpy().ravel()).any()
    for sheet in ("Trappen børn og unge", "Trappen voksne"):
        ws = openpyxl.load_workbook(out / "Noegletal_825_Laesoe.xlsx", data_only=True)[sheet]
        head = next(r for r in range(1, 40) if ws.cell(r, 2).value == "Trin")
        shown = [ws.cell(head + t, 4).value for t in range(1, 9) if ws.cell(head + t, 2).value]
        # a step only own data fill says so in words; every number shown is 0 or 5 and more
        assert not _small([v for v in shown if v != noegletal_book.OWN_DATA]).any()
    # the staircase total and the shares come from the true total, and say '–' where it is hidden
    for sheet, key in (("Trappen børn og unge", "boern"), ("Trappen voksne", "voksne")):
        ws = openpyxl.load_workbook(out / "Noegletal_825_Laesoe.xlsx", data_only=True)[sheet]
        head = next(r for r in range(1, 40) if ws.cell(r, 2).value == "Trin")
        total_row = next(r for r in range(head, head + 12) if ws.cell(r, 3).value == "I alt på trappen")
        total = data[(data["id"] == f"{key}:i_alt") & (data["kommune_kode"] == 825)]["T2024"].iloc[0]
        shown_total = ws.cell(total_row, 4).value
        assert (shown_total == MISSING and pd.isna(total)) or shown_total == total
        shares = [ws.cell(r, 5).value for r in range(head + 1, total_row)]
        if pd.isna(total):
            assert all(v == MISSING for v in shares)
        else:
            counts_shown = [ws.cell(r, 4).value for r in range(head + 1, total_row)]
            for c, v in zip(counts_shown, shares, strict=True):
                assert (c in (MISSING, noegletal_book.OWN_DATA) and v == MISSING) or v == pytest.approx(c / total)


def test_unit_costs_in_the_udgiftsmodel_reveal_no_small_count(sent):
    out, _, _, _ = sent
    data = data_sheet(out / "Udgiftsmodel_825_Laesoe.xlsx")
    per_citizen = data[data["id"].str.startswith("enhedspris:")]
    n_cols = [c for c in data.columns if str(c).startswith("N")]
    assert len(per_citizen) > 0
    assert not _small(per_citizen[n_cols].to_numpy().ravel()).any()
    ws = openpyxl.load_workbook(out / "Udgiftsmodel_825_Laesoe.xlsx", data_only=True)["Scenarie"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Borgere i basisåret")
    assert not _small([ws.cell(row, c).value for c in range(3, 11)]).any()


def test_the_analysts_template_keeps_the_small_counts():
    full = data_sheet(ROOT / "templates" / "Noegletal.xlsm")
    laesoe = full[(full["kommune_kode"] == 825) & full["id"].str.contains(":")]
    assert _small(laesoe[[c for c in full.columns if str(c).startswith("T")]].to_numpy().ravel()).any()


def test_formula_truth_in_distributed_workbooks(soffice, sent, tmp_path):
    out, _, _, _ = sent
    files = [out / "Noegletal_825_Laesoe.xlsx", out / "Udgiftsmodel_825_Laesoe.xlsx"]
    fresh = recalculate(soffice, files, tmp_path / "lo", tmp_path / "p")
    for original, recalculated in zip(files, fresh, strict=True):
        assert mismatches(original, recalculated) == [], original.name


def test_spawned_processes_write_the_very_files_forked_ones_write(sent, tmp_path):
    # Windows has only `spawn`: the prepared inputs reach the helper and the workers as arguments, not through
    # inherited memory. The files must be the same to the byte as the forked run's (`sent`).
    out, result, _, _ = sent
    spawned = distribute.distribute(DataFolder(), tmp_path, [825, 147], workers=2, method="spawn")
    assert [p.name for p in spawned.files] == [p.name for p in result.files]
    for one, two in zip(spawned.files, result.files, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_rerun_replaces_files_atomically(sent):
    out, result, _, _ = sent
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in result.files}
    again = distribute.distribute(DataFolder(), out, [825], workers=1)  # one process, no pool
    for p in again.files:
        assert p.stat().st_mtime_ns > before[p][0]
        assert p.read_bytes() == before[p][1], p.name
    assert not list(out.glob(".*tmp*"))


def test_botilbud_sheet_shows_no_small_count_and_only_the_municipalitys_total_movements(sent):
    out, _, _, _ = sent
    for name in ("Noegletal_825_Laesoe.xlsx", "Noegletal_147_Frederiksberg.xlsx"):
        rows = read_entries(out / name).botilbud
        pairs = [(r[2 + 2 * i], r[3 + 2 * i]) for r in rows for i in range(5)]
        shown = [(t, n) for t, n in pairs if t is not None]
        assert shown and all(n is not None for t, n in shown)
        assert not _small([x for t, n in shown for x in (t, n, n - t)]).any(), name
    raw = DataFolder().table("botilbud").query("kommune_kode == 825")
    assert _small(pd.concat([raw["taeller"], raw["naevner"] - raw["taeller"]])).any()  # there was something to hide
    ws = openpyxl.load_workbook(out / "Noegletal_147_Frederiksberg.xlsx", data_only=True)["Botilbud"]
    head = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 2).value).startswith("Beboernes")) + 2
    rows = [r for r in range(head + 1, head + 9) if ws.cell(r, 2).value is not None]
    # one row a year from 2019: episodes begin in 2017, and a first year's end is no starting point
    assert {ws.cell(r, 2).value for r in rows} == {"Alle botilbud"} and len(rows) == 6
    counts = [ws.cell(r, c).value for r in rows for c in range(4, 10)]
    assert not _small(counts).any() and any(isinstance(v, int | float) for v in counts)


def test_gnumeric_gives_every_cached_value_of_distributed_workbooks(gnumeric_sent):
    for name, check in gnumeric_sent.items():
        differences = check.differences()
        assert differences == [], f"{name}: {len(differences)} celler, fx {differences[:5]}"


def test_distributed_workbooks_open_in_excel_without_repair(sent):
    for check in sent[3]:
        assert check.errors() == 0, f"{check.path.name}: {check.report()[-3000:]}"
    # written by the fast path: no function that needs a prefix it leaves out (see test_templates)
    for path in sent[1].files:
        if path.suffix in (".xlsx", ".xlsm"):
            assert formulas_stock_xlsxwriter_would_prefix(path) == [], path.name


def test_steps_a_hidden_key_would_split_show_a_dash_and_keep_the_money_in_the_total(tmp_path):
    """Læsø's children on step 2 in 2024 made 3 (hidden): the ungrouped 5.28.21 money, which the key would
    split over steps 2 and 3, is split on neither; both steps show '–' (expenses and refunds alike), and
    their money stands in 'På skjulte trin', so the row still sums to the area's total. Every formula
    agrees with its cached value."""
    data = demo_subset(tmp_path / "data", (101, 825))
    m = pd.read_csv(data / "modtagere.csv", dtype=str, keep_default_na=False)
    laesoe = (m["kommune_kode"] == "825") & (m["aar"] == "2024") & (m["trappe"] == "boern")
    for code, n in {"ISBU01:405": "2", "ISBU01:401": "1", "ISBU01:402": "0", "EGEN:FOREB-OEKONOMI": "0"}.items():
        m.loc[laesoe & (m["indsats"] == code), "antal"] = n
    m.to_csv(data / "modtagere.csv", index=False)
    distribute.distribute(DataFolder(data), tmp_path / "out", [825], workers=1)
    path = tmp_path / "out" / "Udgiftsmodel_825_Laesoe.xlsx"
    assert formula_check.mismatches(path) == []
    ws = openpyxl.load_workbook(path, data_only=True)["Udgifter pr. trin"]
    heads = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "År"]
    for head in heads[:2]:  # the expenses, then the refunds
        cols = {ws.cell(head, c).value: c for c in range(3, 16) if ws.cell(head, c).value}
        row = next(r for r in range(head + 1, head + 10) if ws.cell(r, 2).value == 2024)
        shown = {k: ws.cell(row, c).value for k, c in cols.items()}
        assert shown["Trin 2"] == shown["Trin 3"] == MISSING, shown
        assert all(isinstance(shown[f"Trin {t}"], float) for t in (1, 4, 5, 6)), shown
        parts = [v for k, v in shown.items() if k.startswith("Trin") and v != MISSING]
        kept = shown["På skjulte trin"]
        assert sum(parts) + shown["Ikke fordelt"] + kept == pytest.approx(shown["I alt"], abs=0.01)
    head = heads[0]
    kept_col = next(c for c in range(3, 16) if ws.cell(head, c).value == "På skjulte trin")
    assert ws.cell(next(r for r in range(head + 1, head + 10) if ws.cell(r, 2).value == 2024), kept_col).value > 0
    # the stacked charts (Udgifter pr. trin, Andele) draw that column too, so a bar holds all the money
    with zipfile.ZipFile(path) as z:
        stacked = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
        stacked = [x for x in stacked if 'grouping val="stacked"' in x or 'grouping val="percentStacked"' in x]
    assert len(stacked) == 2 and all("<c:v>På skjulte trin</c:v>" in x for x in stacked)


@pytest.mark.parametrize("kommune", [825, 147])
def test_a_hidden_value_says_dash_never_that_own_data_are_needed(sent, tmp_path, kommune):
    """#33.1: 'kræver egne data' only where there is no value at all; a value suppression hides is '–'. The
    unsuppressed workbook of the same municipality says 'kræver egne data' exactly where the data hold none, so
    every such cell of the distributed workbook must say it there too (the builders lay out both alike)."""
    from indsatstrappe.app import workbooks
    from indsatstrappe.excel.datasheet import OWN_DATA

    out = sent[0]
    shipped = openpyxl.load_workbook(next(out.glob(f"Noegletal_{kommune}_*.xlsx")), data_only=True)
    plain = openpyxl.load_workbook(workbooks.write_noegletal(DataFolder(), tmp_path / "plain.xlsx", kommune),
                                   data_only=True)
    said = wrong = 0
    for ws in shipped.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value == OWN_DATA:
                    said += 1
                    wrong += plain[ws.title][c.coordinate].value != OWN_DATA
    assert said > 0 and wrong == 0, (said, wrong)
    if kommune == 825:  # the example: children's step 1 in 2024, a true count of 2, hidden
        ws = shipped["Trappen børn og unge"]
        step1 = next(r for r in range(1, 40) if ws.cell(r, 2).value == 1 and ws.cell(r, 3).value)
        assert ws.cell(step1, 4).value == MISSING


def test_distributed_bars_start_at_zero_and_no_unit_price_is_0_kr(sent):
    """#33.2 and #33.5 on Læsø and Frederiksberg, where the issue found them: a step with citizens but no money
    has no price ('–'), and every bar or column chart starts at 0."""
    from helpers.presentation import bars_not_from_zero, findings, zero_unit_prices

    out = sent[0]
    for path in sorted(out.glob("*.xlsx")):
        assert bars_not_from_zero(path) == [], path.name
        assert zero_unit_prices(openpyxl.load_workbook(path, data_only=True)) == [], path.name
        assert findings(path) == [], path.name  # everything the templates are checked for, too


def test_a_scenario_that_cannot_be_computed_says_so(sent):
    """#33.3: Læsø's base-year counts are partly hidden: those cells show '–' (not an empty cell), every result
    cell shows '–', and the chart's title says why it is empty."""
    from indsatstrappe.excel.udgiftsmodel import scenario_sheet

    path = next(sent[0].glob("Udgiftsmodel_825_*.xlsx"))
    ws = openpyxl.load_workbook(path, data_only=True)["Scenarie"]
    rows = list(ws.iter_rows(values_only=True))
    counts = next(r for r in rows if r[1] == "Borgere i basisåret")
    steps = [v for v in counts[2:8]]  # the children's six steps
    assert MISSING in steps and "" not in steps and None not in steps, steps
    first_year = next(i for i, r in enumerate(rows) if r[1] == "År" and r[2] == "Udgift uden ændring (1.000 kr.)")
    assert rows[first_year + 1][2:6] == (MISSING,) * 4
    assert any(scenario_sheet.BLOCKED in str(v) for r in rows for v in r)
    with zipfile.ZipFile(path) as z:
        sheet_charts = [n for n in z.namelist() if n.startswith("xl/charts/")]
        titles = " ".join(z.read(n).decode() for n in sheet_charts)
    assert "Scenarie" in titles and "$AE$" in titles  # the title is the cell that says why (column AE)
    title = next(r[30] for r in rows if len(r) > 30 and r[30])
    assert title == scenario_sheet.CHART_BLOCKED


def test_the_manifest_and_the_folder_agree_after_an_older_run_and_after_an_interruption(tmp_path, monkeypatch):
    """#30: an older run's workbooks beside a manifest that listed only the new ones; after Ctrl-C the folder held
    workbooks no manifest listed. Now every workbook in the folder is in the manifest, marked for what it is."""
    folder = demo_subset(tmp_path / "data", (825, 147, 101))
    out = tmp_path / "u"
    distribute.distribute(DataFolder(folder), out, [147], workers=1)
    distribute.distribute(DataFolder(folder), out, [825], workers=1)
    with open(out / "manifest.csv", encoding="utf-8") as fh:
        rows = {r["fil"]: r["status"] for r in csv.DictReader(fh)}
    assert set(rows) == {p.name for p in out.glob("*.xlsx")}
    assert rows["Noegletal_825_Laesoe.xlsx"] == "ny"
    assert rows["Noegletal_147_Frederiksberg.xlsx"] == "fra en tidligere kørsel"
    calls = {"n": 0}
    real = distribute.build_from

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt
        return real(*args, **kwargs)
    monkeypatch.setattr(distribute, "build_from", interrupted)
    with pytest.raises(KeyboardInterrupt):
        distribute.distribute(DataFolder(folder), out, [101, 147, 825], workers=1)
    with open(out / "manifest.csv", encoding="utf-8") as fh:
        rows = {r["fil"]: r["status"] for r in csv.DictReader(fh)}
    assert set(rows) == {p.name for p in out.glob("*.xlsx")}
    assert "ny, kørslen blev afbrudt" in rows.values()


@pytest.mark.parametrize("kommune", [825, 147])
def test_a_report_as_distributed_shows_the_workbooks_figures(sent, kommune):
    """#33.4: `rapport --som-udsendt` takes the distributed workbooks' figures: every key figure of the latest year
    on Overblik (municipality, group, country), every step's count and share on the staircase sheets, and every
    unit price on Enhedspriser equal the report's, '–' where the workbook shows '–'. Læsø 2024 differed before
    (B09 group 38,4 % in the workbook against 52,5 % in the report)."""
    from indsatstrappe.app import report_figures

    figures = report_figures.as_distributed(DataFolder(), kommune, None)
    names = {825: "Laesoe", 147: "Frederiksberg"}
    book = openpyxl.load_workbook(sent[0] / f"Noegletal_{kommune}_{names[kommune]}.xlsx", data_only=True)

    def same(shown, value) -> bool:
        return shown == MISSING if value != value else isinstance(shown, float | int) and \
            abs(shown - value) <= 1e-6 * max(1.0, abs(value))

    compared, year = 0, None
    for row in book["Overblik"].iter_rows(values_only=True):
        fid = str(row[1] or "").split(" ")[0]
        year = int(row[3].split()[-1]) if str(row[3]).startswith("Kommunen ") else year
        if fid[:1] not in ("B", "V") or not fid[1:].isdigit():
            continue
        comp = figures.comparisons["boern" if fid[0] == "B" else "voksne"]
        r = comp[(comp["noegletal_id"] == fid) & (comp["aar"] == year)]
        r = r.iloc[0] if len(r) else pd.Series({"vaerdi": np.nan, "gruppe_vaerdi": np.nan, "land_vaerdi": np.nan})
        for shown, value in zip(row[3:6], (r.vaerdi, r.gruppe_vaerdi, r.land_vaerdi), strict=True):
            assert shown == "kræver egne data" and value != value or same(shown, value), (fid, shown, value)
            compared += 1
    for trappe, sheet in (("boern", "Trappen børn og unge"), ("voksne", "Trappen voksne")):
        ws, dist = book[sheet], figures.dists[trappe]
        now = dist[dist["aar"] == dist["aar"].max()].set_index("trin")
        for row in ws.iter_rows(min_row=8, max_row=20, values_only=True):
            if isinstance(row[1], int) and row[1] in now.index:
                assert same(row[3], now.loc[row[1], "antal"]) and same(row[4], now.loc[row[1], "andel"]), row
                compared += 2
    udgiftsmodel = sent[0] / f"Udgiftsmodel_{kommune}_{names[kommune]}.xlsx"
    ws = openpyxl.load_workbook(udgiftsmodel, data_only=True)["Enhedspriser"]
    table = figures.expenses["boern"].query("trin not in ('ikke_fordelt', 'skjult')")
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[1], int) and 2000 < row[1] < 2100 and row[1] in set(table["aar"]):
            prices = table[table["aar"] == row[1]].sort_values("trin", key=lambda s: s.astype(int))["enhedspris"]
            for shown, value in zip(row[2:], prices, strict=False):
                assert same(shown, value), (row[1], shown, value)
                compared += 1
    assert compared > 100


def test_printed_pages_break_where_we_placed_them_and_name_the_municipality(soffice, sent, tmp_path):
    """#33 print: LibreOffice (with Carlito, Calibri's widths) prints every visible sheet of Læsø's workbooks on
    exactly the pages our page model planned, so it needed no break of its own that could cut a chart or leave a
    heading at a page's foot; no planned break does either; and every page of a sheet with the municipality's
    figures names Læsø (the title band, repeated on every page). Before: Scenarie was planned as 1 page and
    printed on 2 with its chart cut (LibreOffice broke 13 sheets where we had not), and 13 of 58 pages did not
    name the municipality."""
    import shutil

    from helpers.libreoffice import to_pdf
    from helpers.presentation import page_break_findings, page_plan, page_title, pages_per_title, printed_pages

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils mangler; 'make test' installerer det")
    out = sent[0]
    for name in ("Noegletal_825_Laesoe.xlsx", "Udgiftsmodel_825_Laesoe.xlsx"):
        path = out / name
        assert page_break_findings(path) == [], name
        pages = printed_pages(to_pdf(soffice, path, tmp_path, tmp_path / "profile"))
        printed = pages_per_title(pages)
        plan = page_plan(path)
        assert {title: len(breaks) + 1 for _, title, breaks in plan} == printed, name
        shared = {"Definitioner", "Om projektmappen", "Fordelingsnøgle"}  # the same for every municipality
        unnamed = [page_title(p) for p in pages if "Læsø" not in p and page_title(p) not in shared]
        assert unnamed == [], (name, unnamed)

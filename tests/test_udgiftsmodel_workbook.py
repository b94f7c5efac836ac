"""The Udgiftsmodel workbook: structure, cached values equal to the core, and formula truth in
LibreOffice as built, after editing a rule and choosing another municipality and area, and after
pasting an account export."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from helpers import formula_check
from helpers.libreoffice import mismatches, recalculate
from indsatstrappe.app import queries, workbooks
from indsatstrappe.core import expenses
from indsatstrappe.core import scenario as scenario_model
from indsatstrappe.core.errors import InputError
from indsatstrappe.excel.formulas import MISSING
from indsatstrappe.excel.udgiftsmodel import scenario_sheet
from indsatstrappe.excel.udgiftsmodel.rule_cells import RULE_SHEET_COLUMNS
from indsatstrappe.io.datafolder import DataFolder

KOMMUNE = 101  # København has no count for children's step 1 (own data it does not send)
HEADER_ROW = 8  # 'Udgifter pr. trin': the years x steps table's header (1-based)


@pytest.fixture(scope="session")
def folder(subset_path):
    """Ten municipalities of the demo data: every check here holds for any data, and LibreOffice and openpyxl
    read a workbook of ten in seconds (the full data's formula truth is checked in test_distribute)."""
    return DataFolder(subset_path)


@pytest.fixture(scope="session")
def book(tmp_path_factory, folder):
    return workbooks.write_udgiftsmodel(folder, tmp_path_factory.mktemp("um") / "Udgiftsmodel_101.xlsx", KOMMUNE)


def _rule_row(ws, funktion: str, gruppering: str = "") -> int:
    return next(r for r in range(1, ws.max_row + 1)
                if ws.cell(r, 3).value == funktion and (ws.cell(r, 4).value or "") == gruppering)


@pytest.fixture(scope="session")
def recalculated(soffice, book, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("um_lo")
    wb = openpyxl.load_workbook(book)
    wb["Forside"]["C6"] = "Læsø"
    wb["Forside"]["C8"] = "Voksne (5.38)"
    wb["Fordelingsnøgle"].cell(_rule_row(wb["Fordelingsnøgle"], "5.38.50"), 7).value = "7"  # § 108 now on step 7
    split = _rule_row(wb["Fordelingsnøgle"], "5.38.52")  # § 107 split on steps 6 and 7, written with a comma
    wb["Fordelingsnøgle"].cell(split, 6).value = "noegle"
    wb["Fordelingsnøgle"].cell(split, 7).value = "6, 7"
    edited = tmp / "edited.xlsx"
    wb.save(edited)
    wb = openpyxl.load_workbook(book)
    ws = wb["Regnskab"]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Konto")
    ws.cell(head - 2, 4).value = 2024
    ws.cell(head + 1, 2).value = "528231001"
    ws.cell(head + 1, 3).value = 1_000_000
    ws.cell(head + 2, 2).value = "5.28.21.1.017"
    ws.cell(head + 2, 3).value = 250_000.5
    pasted = tmp / "pasted.xlsx"
    wb.save(pasted)
    wb = openpyxl.load_workbook(book)
    ws = wb["Scenarie"]
    first = _label_row(ws, "Bevægelse 1")
    for col, value in zip("CDEFGH", (4, 3, None, 10, 2, 1), strict=True):  # 10 children 4 -> 3 over 2 years
        ws[f"{col}{first}"] = value
    for col, value in zip("CDEFGH", (6, 5, 20, None, 1, 2), strict=True):  # 20 % of step 6 -> 5 from year 2
        ws[f"{col}{first + 1}"] = value
    for col, value in zip("CDEFGH", (6, 1, 10, None, 1, 1), strict=True):  # to step 1, which has no count
        ws[f"{col}{first + 2}"] = value
    ws[f"C{_label_row(ws, 'Årlig pris- og lønstigning (%)')}"] = 10
    scenario = tmp / "scenario.xlsx"
    wb.save(scenario)
    wb = openpyxl.load_workbook(book)
    wb["Forside"]["C9"] = "Faste priser"
    wb["Forside"]["C10"] = 2018
    fixed = tmp / "fixed.xlsx"
    wb.save(fixed)
    files = [book, edited, pasted, scenario, fixed]
    return dict(zip(("built", "edited", "pasted", "scenario", "fixed"),
                    zip(files, recalculate(soffice, files, tmp / "out", tmp / "p"), strict=True), strict=True))


def _label_row(ws, label: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == label)


def _scenario_numbers(path) -> dict:
    ws = openpyxl.load_workbook(path, data_only=True)["Scenarie"]
    counts, units = _label_row(ws, "Borgere i basisåret"), _label_row(ws, "Enhedspris i beregningen (kr.)")
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "Udgift uden ændring (1.000 kr.)")
    first = _label_row(ws, "Bevægelse 1")
    return {"count": {t: ws.cell(counts, 2 + t).value for t in range(1, 7)},
            "unit": {t: ws.cell(units, 2 + t).value for t in range(1, 7)},
            "notes": [ws.cell(r, 10).value for r in range(first, first + 8)],
            "warning": ws.cell(head + 6, 2).value,
            "years": {ws.cell(r, 2).value: (ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 5).value)
                      for r in range(head + 1, head + 6)}}


def test_scenario_sheet_cached_values_equal_the_core(book, folder):
    sheet = _scenario_numbers(book)
    core = queries.scenario(folder, "boern", KOMMUNE, [scenario_model.Movement(6, 5, andel=0.10, over_aar=3)])
    totals = core[core["trin"] == scenario_model.TOTAL].set_index("aar")
    assert sorted(sheet["years"]) == sorted(totals.index)
    for year, (without, with_, diff) in sheet["years"].items():
        assert without == pytest.approx(totals.loc[year, "udgift_uden"], rel=1e-6)
        assert with_ == pytest.approx(totals.loc[year, "udgift_med"], rel=1e-6)
        assert diff == pytest.approx(totals.loc[year, "forskel"], rel=1e-6)
    assert diff < 0  # step 6 costs more per child than step 5


def test_scenario_inputs_recompute_natively_as_computed_by_hand(recalculated):
    original, fresh = recalculated["scenario"]
    n = _scenario_numbers(fresh)
    u, c = n["unit"], n["count"]
    (y1, y2) = sorted(n["years"])[:2]
    # year 1: half of the 10 children have moved (phased over 2 years); the step-6 movement starts in year 2
    assert n["years"][y1][2] == pytest.approx(5 * (u[3] - u[4]) * 1.10, rel=1e-9)
    assert n["years"][y2][2] == pytest.approx((10 * (u[3] - u[4]) + 0.2 * c[6] * (u[5] - u[6])) * 1.10 ** 2,
                                              rel=1e-9)
    # a step without any unit cost (step 1: no accounts anywhere) says '–', and is left out, not priced at 0 kr.
    assert u[1] == MISSING
    assert n["years"][y1][0] == pytest.approx(sum(c[t] * u[t] for t in range(2, 7)) * 1.10, rel=1e-9)
    # København has no count for step 1: said in words, and the movement 6 -> 1 is left out (the sums above
    # hold without it), with a note beside it and a warning under the table
    assert c[1] == "kræver egne data"
    assert n["notes"][:3] == [None, None, "Regnes ikke: trin 1 har ikke tal i basisåret"]
    assert n["warning"] == scenario_sheet.UNKNOWN


def test_a_step_without_a_count_reads_so_and_splits_as_zero(book, folder):
    """Beregning says 'kræver egne data' for København's step 1 in every year; the split key counts it as 0,
    as the core does, and no money is held back as if a count were hidden."""
    ws = openpyxl.load_workbook(book, data_only=True)["Beregning"]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Borgere pr. trin (nøgle)")
    years = {ws.cell(r, 2).value: r for r in range(head + 1, head + 8) if isinstance(ws.cell(r, 2).value, int)}
    assert years and all(ws.cell(r, 3).value == "kræver egne data" for r in years.values())
    assert all(isinstance(ws.cell(r, 4).value, int | float) for r in years.values())
    held = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Fordelt efter nøgle med skjulte tal")
    assert all(ws.cell(held, 3 + i).value == 0 for i in range(len(years)))
    # and the command line refuses what the sheet leaves out, in Danish, naming the step
    with pytest.raises(InputError, match="ikke tal for trin 1"):
        queries.scenario(folder, "boern", KOMMUNE, [scenario_model.Movement(6, 1, andel=0.10)])


def expense_grid(path, data_only=True, refunds=False) -> pd.DataFrame:
    """The years x steps table of 'Udgifter pr. trin' (kroner, as the cells hold them), or its refund table."""
    ws = openpyxl.load_workbook(path, data_only=data_only)["Udgifter pr. trin"]
    head = HEADER_ROW
    if refunds:  # its title, a note, then the header
        head = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 2).value).startswith(REFUNDS_TITLE)) + 2
        assert ws.cell(head, 2).value == "År"
    rows = []
    r = head + 1
    while isinstance(ws.cell(r, 2).value, int):
        rows.append([ws.cell(r, c).value for c in range(2, 13)])
        r += 1
    cols = ["aar", *range(1, 9), "ikke_fordelt", "i_alt"]
    return pd.DataFrame(rows, columns=cols).set_index("aar")


REFUNDS_TITLE = "Heraf statsrefusion pr. trin"


def core_grid(table: pd.DataFrame, value: str = "beloeb") -> pd.DataFrame:
    wide = table.pivot(index="aar", columns="trin", values=value)
    wide.columns = [c if c == "ikke_fordelt" else int(c) for c in wide.columns]
    return wide


def assert_grid_matches(grid: pd.DataFrame, core: pd.DataFrame, n_steps: int) -> None:
    for year, row in core.iterrows():
        for step in [*range(1, n_steps + 1), "ikke_fordelt"]:
            assert grid.loc[year, step] == pytest.approx(row[step], abs=0.05), (year, step)  # øre rounding only
        assert grid.loc[year, "i_alt"] == pytest.approx(row.sum(), abs=0.01)
        for step in range(n_steps + 1, 9):
            assert grid.loc[year, step] in (None, "")


def test_structure(book):
    wb = openpyxl.load_workbook(book)
    for sheet in ("Forside", "Udgifter pr. trin", "Andele", "Merudgifter", "Enhedspriser", "Ikke fordelt",
                  "Fordelingsnøgle", "Beregning", "Regnskab", "Om", "Konti", "Data", "Lister"):
        assert sheet in wb.sheetnames, sheet
    for hidden in ("Konti", "Data", "Lister", "Beregning"):  # helpers: hidden, not very hidden
        assert wb[hidden].sheet_state == "hidden"
    export = wb["Regnskab"]  # the export area's empty rows show no rule number
    last = export.max_row
    assert export.cell(last, 8).value.startswith('=IF(B') and export.cell(last, 2).value is None
    for name in ("ValgtKommune", "ValgtOmraade", "Prisniveau", "Basisaar", "TrappeKode", "R_key", "A_noegle", "K_regel",
                 "EgetAar", "X_beloeb"):
        assert name in wb.defined_names, name
    rules = wb["Fordelingsnøgle"]
    row = _rule_row(rules, "5.28.22", "005")
    assert rules.cell(row, 7).value == "4" and rules.cell(row, 7).protection.locked is False
    assert all(ws.protection.sheet == (ws.title != "Data") for ws in wb.worksheets)  # Data: see datasheet.write
    sources = {dv.formula1 for dv in wb["Forside"].data_validations.dataValidation}
    assert {"L_navn", "L_grupper", "L_omraader", "L_priser", "L_aar"} <= sources


def test_cached_values_equal_the_core(book, folder):
    assert_grid_matches(expense_grid(book), core_grid(queries.expense_table(folder, "boern", KOMMUNE)), 6)


def test_formula_truth_as_built(book, recalculated):
    """In-process (every formula from the cached values it reads) and in LibreOffice (recalculated whole)."""
    assert formula_check.mismatches(book) == []
    original, fresh = recalculated["built"]
    assert mismatches(original, fresh) == []


def test_edited_rule_and_other_municipality_recompute_natively(recalculated, folder):
    _, fresh = recalculated["edited"]
    rules = expenses.default_rules(folder.staircases).copy()
    rules.loc[rules["funktion"] == "5.38.50", "trin"] = "7"
    rules.loc[rules["funktion"] == "5.38.52", ["fordeling", "trin"]] = ["noegle", "6;7"]
    staircase = folder.staircases["voksne"]
    counts = expenses.citizens(folder.table("modtagere"), staircase)
    alloc = expenses.allocate(folder.table("regnskab"), rules, staircase, counts)
    table = expenses.step_table(alloc[alloc["kommune_kode"] == 825], staircase, counts)
    core = core_grid(table)
    assert core[8].sum() == 0 and core[7].sum() > 0
    assert_grid_matches(expense_grid(fresh), core, 8)
    # the refunds follow the edited rules: § 107's split by the key over steps 6 and 7 as its money is
    refunds = core_grid(table, "refusion")
    assert (refunds[6] < 0).any() and (refunds[7] < 0).all()
    assert_grid_matches(expense_grid(fresh, refunds=True), refunds, 8)


def test_pasted_export_replaces_that_year(recalculated):
    _, fresh = recalculated["pasted"]
    grid = expense_grid(fresh)
    assert grid.loc[2024, 6] == pytest.approx(1_000_000)
    assert grid.loc[2024, 2] == pytest.approx(250_000.5)
    assert grid.loc[2024, "i_alt"] == pytest.approx(1_250_000.5)
    assert grid.loc[2023, "i_alt"] > 10_000_000  # other years still from the data sheet
    # the pasted rows name their area in words; the code the formulas match on is in a hidden column
    ws = openpyxl.load_workbook(fresh, data_only=True)["Regnskab"]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Konto")
    assert ws.cell(head, 7).value == "Trappe"
    assert [ws.cell(head + k, 7).value for k in (1, 2, 3)] == ["Børn og unge", "Børn og unge", None]
    code_col = next(c for c in range(8, ws.max_column + 1) if ws.cell(head + 1, c).value == "boern")
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(code_col)].hidden


def _table(ws, head_label: str, col: int = 2) -> tuple[int, dict]:
    """(header row, {header: column}) of the first table whose header row has `head_label` in column `col`."""
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == head_label)
    return head, {ws.cell(head, c).value: c for c in range(2, ws.max_column + 1) if ws.cell(head, c).value}


def test_fixed_prices_reach_every_amount_and_merudgifter_sum_to_the_total(recalculated, folder):
    """Faste priser with base year 2018: 'Kr. pr. indbygger' (2024) is the current-price figure times
    index(2018) / index(2024), as every other amount; Merudgifter has an 'I alt' that is 0 in the base year
    and the sum of its steps and 'Ikke fordelt' in every year."""
    _, built = recalculated["built"]
    _, fixed = recalculated["fixed"]
    index = folder.table("prisindeks").set_index("aar")["indeks"]
    factor = index[2018] / index[2024]
    assert factor != pytest.approx(1.0)
    now, then = (openpyxl.load_workbook(p, data_only=True)["Udgifter pr. trin"] for p in (built, fixed))
    head, cols = _table(now, "Trin")
    for r in range(head + 1, head + 7):
        for c in cols.values():
            if isinstance(now.cell(r, c).value, int | float) and c > 2:
                assert then.cell(r, c).value == pytest.approx(now.cell(r, c).value * factor, rel=1e-9)
    ws = openpyxl.load_workbook(fixed, data_only=True)["Merudgifter"]
    head, cols = _table(ws, "År")
    rows = {ws.cell(r, 2).value: r for r in range(head + 1, head + 8)}
    steps = [cols[f"Trin {t}"] for t in range(1, 7)] + [cols["Ikke fordelt"]]
    assert ws.cell(rows[2018], cols["I alt"]).value == pytest.approx(0, abs=1e-6)
    for r in rows.values():
        assert ws.cell(r, cols["I alt"]).value == pytest.approx(sum(ws.cell(r, c).value for c in steps), abs=0.01)
    assert ws.cell(rows[2024], cols["I alt"]).value != pytest.approx(0, abs=1.0)


def test_unplaced_rules_are_named_in_words_for_the_chosen_area_only(book):
    ws = openpyxl.load_workbook(book, data_only=True)["Ikke fordelt"]
    head, _ = _table(ws, "Regel")
    labels = [ws.cell(r, 2).value for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 2).value]
    assert "5.28.20 gruppering 003" in labels and "Konti uden regel" in labels
    assert not any("|" in str(v) or str(v).startswith("5.38") for v in labels)  # no keys, no adults' rules


def test_refunds_are_shown_on_their_own_line(book, folder):
    """#18.10: 'Heraf statsrefusion' is the area's dranst-2 money per year, as the core's refusion column sums
    it over the steps and 'ikke fordelt' (income: negative)."""
    ws = openpyxl.load_workbook(book, data_only=True)["Udgifter pr. trin"]
    head, cols = _table(ws, "År")
    core = queries.expense_table(folder, "boern", KOMMUNE).groupby("aar")["refusion"].sum()
    shown = {ws.cell(r, 2).value: ws.cell(r, cols["Heraf statsrefusion"]).value for r in range(head + 1, head + 8)}
    assert sorted(shown) == sorted(int(y) for y in core.index)
    for year, value in shown.items():
        assert value == pytest.approx(core[year], abs=0.01) and value < 0
    # and per step, as the core's refusion column has them; the table sums to the line above
    grid = expense_grid(book, refunds=True)
    assert_grid_matches(grid, core_grid(queries.expense_table(folder, "boern", KOMMUNE), "refusion"), 6)
    assert grid["i_alt"].to_dict() == pytest.approx(shown, abs=0.01)


def test_rules_read_in_words_or_codes_alike(folder):
    """The Fordelingsnøgle sheet shows 'Børn og unge' and 'Nøgle'; a rule typed with the words or with the
    rules file's codes (any case) is the same rule."""
    rows = pd.DataFrame([["Børn og unge", "5.28.21", "", "", "Nøgle", "2;3", ""],
                         ["voksne", "5.38.50", "", "", "ÉT TRIN", "8", ""],
                         ["boern", "5.28.20", "", "", "ikke fordelt", "", ""]],
                        columns=RULE_SHEET_COLUMNS)
    rules = expenses.check_rules(rows, "Fordelingsnøgle", folder.staircases)
    assert rules["trappe"].tolist() == ["boern", "voksne", "boern"]
    assert rules["fordeling"].tolist() == ["noegle", "trin", "ikke_fordelt"]
    with pytest.raises(InputError, match="Vælg Ét trin, Nøgle eller Ikke fordelt"):
        expenses.check_rules(rows.assign(fordeling="fordel"), "Fordelingsnøgle", folder.staircases)

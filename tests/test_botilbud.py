"""Botilbud: the five goals as own data per botilbud, the residents' movements from episodes, the table's
checks, the CLI, and the Botilbud sheet of the Nøgletal workbook read against the data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SMALL_BEFOLKNING, write_folder
from indsatstrappe.app import queries, workbooks
from indsatstrappe.core import botilbud, suppression
from indsatstrappe.core.staircase import default_staircases
from indsatstrappe.excel.formulas import MISSING
from indsatstrappe.excel.noegletal import botilbud_sheet
from indsatstrappe.excel.reader import read_entries
from indsatstrappe.io.datafolder import DataFolder

VOKSNE = default_staircases()["voksne"]


@pytest.fixture(scope="module")
def demo():
    return DataFolder()


def _goal_table(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=botilbud.TABLE_COLUMNS)


def test_goal_share_per_botilbud_and_the_weighted_total():
    table = _goal_table([(101, "A", 2023, "M1", 3, 10), (101, "B", 2023, "M1", 9, 20),
                         (101, "A", 2023, "M4", 1, 10), (147, "C", 2023, "M1", 1, 2)])
    got = botilbud.goal_values(table, 101).set_index(["botilbud", "maal"])
    assert got.loc[("A", "M1"), "andel"] == pytest.approx(0.3)
    assert got.loc[("B", "M1"), "andel"] == pytest.approx(0.45)
    assert got.loc[(botilbud.ALL, "M1"), "andel"] == pytest.approx(12 / 30)  # not the mean of 0.3 and 0.45
    assert got.loc[(botilbud.ALL, "M4"), ["taeller", "naevner"]].tolist() == [1, 10]
    assert list(got.index.get_level_values(0))[-1] == botilbud.ALL
    assert got.loc[("A", "M1"), "maal_navn"] == "Bedre trivsel, sundhed og mestring"


def _episodes(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["borger_id", "trappe", "indsats", "start", "slut", "kommune_kode", "tilbud"])
    return df.assign(start=pd.to_datetime(df["start"]), slut=pd.to_datetime(df["slut"]))


def test_resident_movements_by_hand():
    """Residents of §§ 107-108 botilbud (steps 7-8) on 31-12-2022 and where they stand on 31-12-2023 (codes:
    30181 trin 8, 30182 trin 7, 31201 trin 6 botilbudslignende, 31202 trin 4)."""
    eps = _episodes([
        ("a", "voksne", "HAND07:30181", "2020-01-01", "2023-05-31", 101, "Egely"),   # 8 -> 6: a lower step
        ("a", "voksne", "HAND07:31201", "2023-06-01", None, 101, ""),
        ("b", "voksne", "HAND07:30182", "2022-03-01", "2023-02-01", 101, "Egely"),   # 7 -> 4: own home
        ("b", "voksne", "HAND07:31202", "2023-02-02", None, 101, ""),
        ("c", "voksne", "HAND07:30182", "2021-01-01", None, 101, "Lyngbo"),          # 7 -> 7: same
        ("d", "voksne", "HAND07:30182", "2022-06-01", "2023-01-31", 101, "Lyngbo"),  # 7 -> out
        ("e", "voksne", "HAND07:31202", "2022-01-01", "2023-01-31", 101, ""),        # 4 -> 8: not a resident
        ("e", "voksne", "HAND07:30181", "2023-02-01", None, 101, "Egely"),
        ("f", "voksne", "HAND07:30182", "2022-01-01", "2023-02-28", 101, ""),        # 7 -> 8, no tilbud
        ("f", "voksne", "HAND07:30181", "2023-03-01", None, 101, ""),
        ("g", "voksne", "HAND07:31201", "2021-01-01", None, 101, "Lyngbo"),          # step 6 (§ 85): not one
    ])
    got = botilbud.resident_movements(eps, VOKSNE, [2023]).set_index("botilbud")
    counts = ["beboere", *botilbud.MOVEMENT_KINDS]  # eget_hjem, lavere, samme, hoejere, ude
    assert got.loc["Egely", counts].tolist() == [2, 1, 1, 0, 0, 0]
    assert got.loc["Lyngbo", counts].tolist() == [2, 0, 0, 1, 0, 1]
    every = got.loc[botilbud.ALL]
    assert every[counts].tolist() == [5, 1, 1, 1, 1, 1]
    assert every["andel_ned"] == pytest.approx(2 / 5)
    assert list(got.index) == ["Egely", "Lyngbo", botilbud.ALL]


@given(fra=st.lists(st.sampled_from(botilbud.RESIDENT_STEPS), min_size=1, max_size=40),
       til=st.lists(st.integers(0, 8), min_size=40, max_size=40))
def test_every_resident_lands_in_exactly_one_kind(fra, til):
    a, b = np.array(fra), np.array(til[:len(fra)])
    assert sum(botilbud.classify_residents(a, b).values()) == len(a)


def _v11(demo) -> pd.DataFrame:
    return queries.key_figures(demo, "voksne").query("noegletal_id == 'V11'")


def test_residents_are_v11s_botilbud_part(demo):
    """V11 counts steps 6-8; the botilbud residents are its steps 7-8: never more, and fewer where step 6
    (botilbudslignende tilbud) has residents."""
    years = list(range(2019, 2025))
    moves = botilbud.resident_movements(demo.table("forloeb"), VOKSNE, years)
    every = moves[moves["botilbud"] == botilbud.ALL].set_index(["kommune_kode", "aar"])
    joined = every.join(_v11(demo).set_index(["kommune_kode", "aar"])[["taeller", "naevner"]], how="inner")
    assert len(joined) >= 20
    assert (joined["eget_hjem"] + joined["ude"] <= joined["taeller"]).all()
    assert (joined["beboere"] <= joined["naevner"]).all() and (joined["beboere"] < joined["naevner"]).any()
    per_botilbud = moves[moves["botilbud"] != botilbud.ALL]
    assert len(per_botilbud) > 0 and set(per_botilbud["kommune_kode"]) <= set(every.index.get_level_values(0))


def test_distributed_movements_keep_only_totals_and_hide_any_row_with_a_small_count(demo):
    moves = botilbud.resident_movements(demo.table("forloeb"), VOKSNE, list(range(2019, 2025)))
    v11 = _v11(demo)
    shown = suppression.suppress_resident_movements(moves, botilbud.MOVEMENT_KINDS, v11)
    assert set(shown["botilbud"]) == {botilbud.ALL}
    kinds = shown[list(botilbud.MOVEMENT_KINDS)]
    assert not suppression.is_small(pd.Series(kinds.to_numpy().ravel())).any()
    partly = kinds.isna().any(axis=1) & kinds.notna().any(axis=1)
    assert not partly.any()  # a row's breakdown is shown whole or not at all
    assert shown["andel_ned"].isna().sum() >= kinds.isna().all(axis=1).sum()
    assert kinds.notna().all(axis=1).any()
    # V11 beside them gives away no step-6 count of 1-4: neither its residents nor those who moved home or out
    both = shown.merge(v11, on=["kommune_kode", "aar"])
    assert not suppression.is_small(both["naevner"] - both["beboere"]).any()
    assert not suppression.is_small(both["taeller"] - both["eget_hjem"] - both["ude"]).any()


def test_a_row_v11_would_complete_is_hidden():
    """Hand case: 20 residents on 7-8 and V11 over 6-8 with 23 (3 on step 6): beboere would give the 3 away."""
    row = pd.DataFrame([{"kommune_kode": 101, "botilbud": botilbud.ALL, "aar": 2023, "beboere": 20,
                         "eget_hjem": 5, "lavere": 5, "samme": 5, "hoejere": 0, "ude": 5, "andel_ned": 0.5}])
    v11 = pd.DataFrame([{"kommune_kode": 101, "aar": 2023, "taeller": 10, "naevner": 23}])
    got = suppression.suppress_resident_movements(row, botilbud.MOVEMENT_KINDS, v11).iloc[0]
    assert np.isnan(got["beboere"]) and np.isnan(got["eget_hjem"])
    # 30 on 6-8 and 12 who moved home or out: 2 of step 6's moved, derivable from eget hjem + ude
    v11 = pd.DataFrame([{"kommune_kode": 101, "aar": 2023, "taeller": 12, "naevner": 30}])
    got = suppression.suppress_resident_movements(row, botilbud.MOVEMENT_KINDS, v11).iloc[0]
    assert got["beboere"] == 20 and np.isnan(got["eget_hjem"]) and np.isnan(got["andel_ned"])
    v11 = pd.DataFrame([{"kommune_kode": 101, "aar": 2023, "taeller": 20, "naevner": 30}])
    got = suppression.suppress_resident_movements(row, botilbud.MOVEMENT_KINDS, v11).iloc[0]
    assert got["beboere"] == 20 and got["eget_hjem"] == 5


def test_distributed_goals_hide_small_numerators_denominators_and_remainders():
    table = _goal_table([(101, "A", 2023, "M1", 3, 10), (101, "A", 2023, "M2", 8, 10),
                         (101, "A", 2023, "M3", 5, 10), (101, "A", 2023, "M4", 0, 4)])
    got = suppression.suppress_botilbud_goals(table).set_index("maal")
    assert got.loc[["M1", "M2", "M4"], ["taeller", "naevner"]].isna().all(axis=None)
    assert got.loc["M3", ["taeller", "naevner"]].tolist() == [5, 10]


# -- the data folder's table ---------------------------------------------------------------------------

def test_bad_botilbud_rows_are_named_with_row_and_advice(tmp_path, run_cli):
    folder = write_folder(tmp_path / "data", {"befolkning": SMALL_BEFOLKNING, "botilbud": """
        kommune_kode,botilbud,aar,maal,taeller,naevner
        101,Egely,2023,M1,3,10
        101,Egely,2023,M9,3,10
        101,Egely,2023,M2,12,10
        101,Egely,2023,M1,4,10
    """})
    run = run_cli("valider", "--data", folder)
    assert run.code == 2
    assert "botilbud.csv, række 3, kolonne 'maal': ukendt mål 'M9'" in run.err
    assert "række 4, kolonne 'taeller': tælleren (12) er større end nævneren (10)" in run.err
    assert "rækkerne 2, 5 har samme nøgle" in run.err
    assert "Traceback" not in run.err


def test_episodes_without_the_tilbud_column_still_read(tmp_path):
    folder = write_folder(tmp_path / "data", {"befolkning": SMALL_BEFOLKNING, "forloeb": """
        borger_id,trappe,indsats,start,slut,kommune_kode
        x1,voksne,HAND07:30181,2020-01-01,,101
    """})
    forloeb = DataFolder(folder).table("forloeb")
    assert (forloeb["tilbud"] == "").all()
    got = botilbud.resident_movements(forloeb, VOKSNE, [2023])
    assert got["botilbud"].tolist() == [botilbud.ALL] and got["samme"].tolist() == [1]


# -- CLI -------------------------------------------------------------------------------------------------

def test_cli_goals_and_movements_as_csv(demo, run_cli, tmp_path):
    run = run_cli("botilbud", "--kommune", "Frederiksberg", "--ud", tmp_path / "m.csv")
    assert run.code == 0, run.err
    goals = pd.read_csv(tmp_path / "m.csv")
    assert list(goals.columns) == botilbud.GOAL_COLUMNS
    raw = demo.table("botilbud").query("kommune_kode == 147")
    total = goals.query("botilbud == 'Alle botilbud' and aar == 2024 and maal == 'M3'")
    mine = raw.query("aar == 2024 and maal == 'M3'")
    assert total["andel"].iloc[0] == pytest.approx(mine["taeller"].sum() / mine["naevner"].sum())
    run = run_cli("botilbud", "--kommune", "147", "--visning", "bevaegelser", "--ud", tmp_path / "b.csv")
    assert run.code == 0, run.err
    moves = pd.read_csv(tmp_path / "b.csv")
    assert list(moves.columns) == botilbud.MOVEMENT_COLUMNS
    assert (moves[list(botilbud.MOVEMENT_KINDS)].sum(axis=1) == moves["beboere"]).all()


def test_cli_errors_are_danish_with_exit_2(run_cli):
    run = run_cli("botilbud", "--kommune", "101", "--visning", "bevaegelser")
    assert run.code == 2 and "ingen forløb på voksentrappen for 101 København" in run.err
    run = run_cli("botilbud", "--kommune", "147", "--visning", "alt")
    assert run.code == 2 and "'alt' er ikke en af 'maal', 'bevaegelser'" in run.err
    run = run_cli("botilbud", "--kommune", "147", "--aar", "2019")
    assert run.code == 2 and "ingen botilbudstal for 2019" in run.err and "2021, 2022, 2023, 2024" in run.err


# -- the Botilbud sheet --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def book(tmp_path_factory, demo) -> Path:
    return workbooks.write_noegletal(demo, tmp_path_factory.mktemp("bo") / "Noegletal_147.xlsx", 147)


def _section(ws, title: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 2).value or "").startswith(title))


def test_sheet_input_rows_are_the_data(book, demo):
    rows = read_entries(book).botilbud
    back = botilbud_sheet.table_from_rows(rows, 147).sort_values(["botilbud", "aar", "maal"]).reset_index(drop=True)
    want = demo.table("botilbud").query("kommune_kode == 147").sort_values(["botilbud", "aar", "maal"])
    assert len(back) == len(want) == 40
    assert back[["botilbud", "aar", "maal"]].values.tolist() == want[["botilbud", "aar", "maal"]].values.tolist()
    assert back["taeller"].tolist() == want["taeller"].astype(float).tolist()
    assert back["naevner"].tolist() == want["naevner"].astype(float).tolist()


def test_sheet_totals_and_movements_equal_the_core(book, demo):
    ws = openpyxl.load_workbook(book, data_only=True)["Botilbud"]
    head = _section(ws, "Kommunens botilbud i alt") + 1
    core = botilbud.goal_values(demo.table("botilbud"), 147).query("botilbud == @botilbud.ALL")
    core = core.set_index(["aar", "maal"])["andel"]
    seen = 0
    for r in range(head + 1, head + 10):
        year = ws.cell(r, 2).value
        if not isinstance(year, int):
            break
        for i, goal in enumerate(botilbud.goals().index):
            cell = ws.cell(r, 4 + i).value
            if (year, goal) in core:
                assert cell == pytest.approx(core[(year, goal)], rel=1e-12)
                seen += 1
            else:
                assert cell == MISSING  # the spare year for next year's entries: '–' until typed
    assert seen == 20
    head = _section(ws, "Beboernes bevægelser") + 2
    moves = botilbud.resident_movements(demo.table("forloeb"), VOKSNE, list(range(2018, 2025)), 147)
    for k, row in enumerate(moves.itertuples()):
        cells = [ws.cell(head + 1 + k, c).value for c in range(2, 11)]
        assert cells[:8] == [row.botilbud, row.aar, row.beboere, row.eget_hjem, row.lavere, row.samme,
                             row.hoejere, row.ude]
        assert cells[8] == pytest.approx(row.andel_ned)


def test_sheet_without_episodes_says_so(tmp_path, demo):
    path = workbooks.write_noegletal(demo, tmp_path / "Noegletal_101.xlsx", 101)
    ws = openpyxl.load_workbook(path)["Botilbud"]
    head = _section(ws, "Beboernes bevægelser") + 2
    assert ws.cell(head + 1, 2).value.startswith("Ingen forløbsdata for kommunen")
    assert len(read_entries(path).botilbud) == 16  # København: 4 botilbud x 4 years in the demo


def _typed_copy(book: Path, target: Path, edits: dict[tuple[int, int], object]) -> Path:
    """A copy of the workbook with cells of the Botilbud input table typed; keys (row offset, column)."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Botilbud"]
    head = next(r for r in range(2, ws.max_row + 1)
                if ws.cell(r, 4).value == "Tæller" and ws.cell(r - 1, 2).value == "Botilbud")
    for (offset, col), value in edits.items():
        ws.cell(head + offset, col).value = value
    wb.save(target)
    return target


def test_cli_reads_the_typed_botilbud_rows_back(book, run_cli, tmp_path):
    typed = _typed_copy(book, tmp_path / "typed.xlsx", {(20, 2): "Nyt Bosted", (20, 3): 2024, (20, 4): 7,
                                                         (20, 5): 10})
    run = run_cli("botilbud", "--kommune", "147", "--egne-tal", typed, "--aar", "2024", "--ud", tmp_path / "m.csv")
    assert run.code == 0, run.err
    assert "Læste 41 tal for botilbud" in run.out
    got = pd.read_csv(tmp_path / "m.csv").set_index(["botilbud", "maal"])
    assert got.loc[("Nyt Bosted", "M1"), "andel"] == pytest.approx(0.7)
    assert ("Nyt Bosted", "M2") not in got.index  # only the typed goal


def test_cli_names_bad_typed_cells_with_sheet_row_and_column(book, run_cli, tmp_path):
    typed = _typed_copy(book, tmp_path / "bad.xlsx", {(1, 4): "mange", (2, 4): 40, (20, 4): 3})
    run = run_cli("botilbud", "--kommune", "147", "--egne-tal", typed)
    assert run.code == 2
    assert "bad.xlsx, ark 'Botilbud', række" in run.err
    assert "kolonne 'D': 'mange' er ikke et tal" in run.err
    assert "tælleren (40) skal ligge mellem 0 og nævneren" in run.err
    assert "rækken har tal men intet botilbud" in run.err and "Traceback" not in run.err


def test_input_cells_are_unlocked_and_validated(book):
    ws = openpyxl.load_workbook(book)["Botilbud"]
    head = next(r for r in range(2, ws.max_row + 1)
                if ws.cell(r, 4).value == "Tæller" and ws.cell(r - 1, 2).value == "Botilbud")
    assert all(ws.cell(head + 1, c).protection.locked is False for c in (2, 3, 4, 5))
    assert ws.cell(head + 1, 6).protection.locked and ws.cell(head + 1, 6).value.startswith("=IF(")
    rules = {str(dv.sqref).split(":")[0]: (dv.type, dv.operator or "between", dv.formula1)
             for dv in ws.data_validations.dataValidation}
    assert rules[f"C{head + 1}"] == ("whole", "between", "1990")
    assert rules[f"D{head + 1}"] == ("whole", "greaterThanOrEqual", "0")
    assert ws.protection.sheet


def test_the_first_year_of_episodes_is_no_starting_point():
    """Episodes from 2022 on: the stock on 31-12-2022 lacks everyone who came before, so 2023 has no row."""
    eps = _episodes([
        ("a", "voksne", "HAND07:30181", "2022-03-01", None, 101, "Egely"),
        ("b", "voksne", "HAND07:30182", "2022-05-01", "2024-02-01", 101, "Egely"),
    ])
    got = botilbud.resident_movements(eps, VOKSNE, [2023, 2024])
    every = got[got["botilbud"] == botilbud.ALL]
    assert every["aar"].tolist() == [2024]
    assert every[["beboere", "samme", "ude"]].iloc[0].tolist() == [2, 1, 1]  # a stays on 8, b leaves


def test_rows_from_table_per_municipality_sorted_by_botilbud_and_year():
    """The sheet's input rows of one municipality, from a table made once for all (udsend asks for each in turn);
    another table is read anew."""
    goals = list(botilbud.goals().index)
    table = pd.DataFrame({"kommune_kode": [101, 101, 147, 101], "botilbud": ["B", "A", "C", "A"],
                          "aar": [2022, 2023, 2022, 2022], "maal": [goals[0], goals[1], goals[0], goals[0]],
                          "taeller": [3, 1, 1, 5], "naevner": [10, 2, 1, 6]})
    empty = [None] * (2 * len(goals) - 2)
    assert botilbud_sheet.rows_from_table(table, 101) == [["A", 2022, 5.0, 6.0, *empty], ["A", 2023, None, None, 1.0,
                                                          2.0, *empty[2:]], ["B", 2022, 3.0, 10.0, *empty]]
    assert botilbud_sheet.rows_from_table(table, 999) == []
    rows = botilbud_sheet.rows_from_table(table, 147)
    rows[0][0] = "changed by a caller"
    assert botilbud_sheet.rows_from_table(table, 147)[0][0] == "C"
    other = table.assign(botilbud="D")
    assert [r[0] for r in botilbud_sheet.rows_from_table(other, 101)] == ["D", "D"]

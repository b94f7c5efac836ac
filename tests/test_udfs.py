"""The Excel functions called as plain Python with raw 2-D values, as xlwings passes them on Windows."""

import datetime as dt

import pytest

from indsatstrappe.app import queries
from indsatstrappe.io.datafolder import DataFolder
from indsatstrappe.xl import udfs


def test_step_of_a_code():
    assert udfs.INDSATS_TRIN("ANBAAR12:21") == 5
    assert udfs.INDSATS_TRIN("HAND07:30181", "voksne") == 8
    assert udfs.INDSATS_TRIN("HAND07:30013", "voksne") == "udenfor"
    assert udfs.INDSATS_TRIN("XX:1").startswith("#FEJL: ukendt indsatskode")
    assert udfs.INDSATS_TRIN("ANBAAR12:21", "katte").startswith("#FEJL: ukendt trappe")


def test_distribution_of_a_range_with_header_and_blank_rows():
    rows = [["indsats", "antal"], ["ANBAAR12:21", 3.0], ["ISBU01:405", 7.0], [None, None], ["ANBAAR12:99", 2.0]]
    out = udfs.INDSATS_FORDELING(rows)
    assert out[0] == ["trin", "navn", "antal", "andel"]
    by_step = {r[0]: r for r in out[1:]}
    assert by_step[5][2] == 3 and by_step[2][2] == 7 and by_step[6][2] == 0
    assert by_step[2][3] == pytest.approx(0.7)
    # step 1 only the municipality's own data fill (EGEN:ALMEN), and the range has none: '–', not 0 or empty
    assert by_step[1][2] == by_step[1][3] == "–"
    assert udfs.INDSATS_FORDELING([["ANBAAR12:21", "tre"]])[0][0].startswith("#FEJL")


def test_key_figure_single_value_and_series_equal_the_core():
    core = queries.key_figure_comparison(DataFolder(), "boern", 147, None).set_index(["noegletal_id", "aar"])
    assert udfs.INDSATS_NOEGLETAL("B01", 147, 2023) == pytest.approx(core.loc[("B01", 2023), "vaerdi"])
    series = udfs.INDSATS_NOEGLETAL_SERIE("B06", 147.0)
    assert series[0] == ["aar", "vaerdi"] and len(series) == 8
    assert series[-1][1] == pytest.approx(core.loc[("B06", 2024), "vaerdi"])
    assert udfs.INDSATS_NOEGLETAL("Z99", 147, 2023).startswith("#FEJL: ukendt nøgletal")
    assert udfs.INDSATS_NOEGLETAL("B01", 147, 1999).startswith("#FEJL: ingen værdi")
    # #30: a name where the code goes ('could not convert string to float' before)
    assert udfs.INDSATS_NOEGLETAL("B01", "Frederiksberg", 2023) == pytest.approx(core.loc[("B01", 2023), "vaerdi"])
    assert udfs.INDSATS_NOEGLETAL("B01", "Atlantis", 2023).startswith("#FEJL: 'Atlantis' er ikke en kendt kommune")


def test_expense_allocation_of_account_lines():
    rows = [["funktion", "gruppering", "dranst", "beloeb"], ["5.28.22", "5", 1, 100.0], ["5.28.23", None, 1, 50.0],
            ["5.28.23", "", 2, -5.0], ["5.28.99", "", 1, 7.0]]
    out = dict((r[0], r[1]) for r in udfs.INDSATS_UDGIFTER(rows)[1:])
    assert out[4] == 100 and out[6] == 45 and out["ikke_fordelt"] == 7
    assert sum(out.values()) == pytest.approx(152)


def test_transition_matrix_of_episodes_with_excel_dates():
    rows = [["borger_id", "indsats", "start", "slut"], ["a", "ANBAAR12:9", dt.datetime(2022, 1, 1), 45107.0],
            ["a", "EGEN:HJEM-FAMBEH", "2023-07-01", None], ["b", "ISBU01:405", "2023-06-01", ""]]
    out = udfs.INDSATS_BEVAEGELSER(rows, "boern", "2023-01-01", dt.datetime(2023, 12, 31))
    cells = {(r[0], r[1]): r[2] for r in out[1:] if r[2]}
    assert cells == {(6, 3): 1, (0, 2): 1}
    # #30.10: fra after til is refused, as the CLI and the Lite button do (it gave a matrix running backwards)
    backwards = udfs.INDSATS_BEVAEGELSER(rows, "boern", dt.datetime(2023, 12, 31), "2023-01-01")
    assert backwards[0][0].startswith("#FEJL: fra (31-12-2023) ligger efter til (01-01-2023)")


def test_resident_movements_per_botilbud_from_pasted_episodes():
    rows = [["borger_id", "indsats", "start", "slut", "tilbud"],
            ["a", "HAND07:30181", dt.datetime(2020, 1, 1), "2023-05-31", "Egely"],  # 8 -> 4: own home
            ["a", "HAND07:31202", "2023-06-01", None, None],
            ["b", "HAND07:30182", 44197.0, None, "Egely"],  # 7 -> 7 (44197 = 2021-01-01)
            ["d", "HAND07:31201", "2021-01-01", None, "Egely"],  # step 6 (§ 85): not a botilbud resident
            ["c", "HAND07:31202", "2022-01-01", None, ""]]  # step 4: not a resident
    out = udfs.INDSATS_BEBOERE(rows, 2023)
    assert out[0] == ["botilbud", "beboere", "eget_hjem", "lavere", "samme", "hoejere", "ude", "andel_ned"]
    assert out[1] == ["Egely", 2, 1, 0, 1, 0, 0, 0.5]
    assert out[2][:2] == ["Alle botilbud", 2]
    assert udfs.INDSATS_BEBOERE([["a", "HAND07:30181", "", None, ""]], 2023)[0][0].startswith("#FEJL")

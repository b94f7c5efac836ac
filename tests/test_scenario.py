"""The scenario model: a hand-computed scenario, unit costs with the group as fallback, bad movements."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_console_script
from indsatstrappe.core import scenario
from indsatstrappe.core.errors import InputError
from indsatstrappe.core.staircase import default_staircases

BOERN = default_staircases()["boern"]
COUNTS = {1: 0.0, 2: 10.0, 3: 20.0, 4: 5.0, 5: 8.0, 6: 10.0}
COSTS = {1: 0.0, 2: 20_000.0, 3: 100_000.0, 4: 300_000.0, 5: 400_000.0, 6: 1_000_000.0}


def totals(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["trin"] == scenario.TOTAL].set_index("aar")


def test_hand_computed_scenario():
    # 10 % of the 10 children on step 6 move to step 5, phased in over 2 years:
    # year 1: 0.5 child moves, saving 0.5 x (1,000,000 - 400,000) = 300,000; from year 2: 1 child, 600,000
    move = scenario.parse_movement("6>5:10%:2", BOERN)
    df = scenario.project(COUNTS, COSTS, [move], 2024, 3, BOERN)
    t = totals(df)
    assert t.loc[2025, "forskel"] == pytest.approx(-300_000)
    assert t.loc[2026, "forskel"] == pytest.approx(-600_000)
    assert t.loc[2027, "forskel"] == pytest.approx(-600_000)
    base_total = sum(COUNTS[s] * COSTS[s] for s in COUNTS)
    assert t.loc[2025, "udgift_uden"] == pytest.approx(base_total)
    assert (t["borgere_med"] == t["borgere_uden"]).all()  # a movement keeps the number of citizens
    step6 = df[(df["trin"] == 6) & (df["aar"] == 2026)].iloc[0]
    assert step6["borgere_med"] == pytest.approx(9.0)


def test_number_of_citizens_from_a_later_year_and_a_price_rise():
    # 2 citizens on step 3 instead of step 4 from projection year 2; prices rise 10 % a year
    move = scenario.parse_movement("4>3:2:1:2", BOERN)
    df = scenario.project(COUNTS, COSTS, [move], 2024, 3, BOERN, price_rise=0.10)
    t = totals(df)
    assert t.loc[2025, "forskel"] == 0
    assert t.loc[2026, "forskel"] == pytest.approx(2 * (100_000 - 300_000) * 1.1 ** 2)
    assert t.loc[2027, "udgift_uden"] == pytest.approx(sum(COUNTS[s] * COSTS[s] for s in COUNTS) * 1.1 ** 3)


def test_unit_costs_fall_back_to_the_group():
    table = pd.DataFrame({
        "kommune_kode": [1, 1, 2, 2, 3, 3], "aar": [2024] * 6, "trin": [5, 6] * 3,
        "enhedspris": [float("nan"), 900.0, 300.0, 1100.0, 500.0, 1300.0]})
    stairs = default_staircases()["boern"]
    costs = scenario.unit_costs(table, 1, 2024, [1, 2, 3], stairs).set_index("trin")
    assert costs.loc[5, "enhedspris"] == pytest.approx(400.0) and costs.loc[5, "kilde"] == "gruppen"
    assert costs.loc[6, "enhedspris"] == 900.0 and costs.loc[6, "kilde"] == "kommunen"
    assert costs.loc[1, "kilde"] == "ingen"


@pytest.mark.parametrize("text, fragment", [
    ("6-5:10%", "er ikke en bevægelse"), ("7>5:10%", "findes ikke"), ("5>5:10", "det samme"),
    ("6>5:150%", "højst 100 %"), ("6>5:0", "over 0")])
def test_bad_movements_are_named(text, fragment):
    with pytest.raises(InputError) as caught:
        scenario.parse_movement(text, BOERN)
    assert fragment in str(caught.value)


def test_moving_more_citizens_than_stand_on_a_step_is_refused():
    with pytest.raises(InputError, match="flere borgere flytter fra trin 4"):
        scenario.project(COUNTS, COSTS, [scenario.Movement(4, 3, antal=6)], 2024, 1, BOERN)


def test_cli_scenarie_csv_and_bad_input(tmp_path):
    target = tmp_path / "s.csv"
    run = run_console_script("scenarie", "--trappe", "boern", "--kommune", "751", "--flyt", "6>5:10%:3",
                             "--ud", target)
    assert run.code == 0, run.err
    df = pd.read_csv(target)
    assert list(df.columns) == scenario.OUTPUT_COLUMNS
    t = df[df["trin"] == scenario.TOTAL]
    assert (t["forskel"] < 0).all()  # step 6 costs more than step 5 in the demo data
    assert t["forskel"].iloc[2] == pytest.approx(3 * t["forskel"].iloc[0])
    bad = run_console_script("scenarie", "--trappe", "boern", "--kommune", "751", "--flyt", "6>9:10%")
    assert bad.code == 2 and "Traceback" not in bad.err and "til-trinnet 9" in bad.err


_count = st.one_of(st.integers(0, 500), st.floats(0, 5_000, allow_nan=False), st.just(float("nan")))
_cost = st.one_of(st.floats(0, 2e6, allow_nan=False), st.just(float("nan")))


@settings(max_examples=300, deadline=None)
@given(counts=st.dictionaries(st.integers(1, 6), _count), costs=st.dictionaries(st.integers(1, 6), _cost),
       moves=st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6), st.one_of(st.floats(0.01, 1), st.integers(1, 30)),
                                st.integers(1, 4), st.integers(1, 3)), max_size=3),
       rise=st.floats(0, 0.2), horizon=st.integers(1, 6))
def test_each_total_row_is_the_exact_sum_of_the_known_steps_rounded_once(counts, costs, moves, rise, horizon):
    """A year's 'i_alt': the sum of its steps' known values (NaN left out) computed exactly and rounded once, a whole
    number where the counts are whole."""
    movements = [scenario.Movement(f, t, andel=a if isinstance(a, float) else None,
                                   antal=a if isinstance(a, int) else None, over_aar=y, foerste=k)
                 for f, t, a, y, k in moves if f != t]
    rows = scenario.projection_rows(counts, costs, movements, 2024, horizon, BOERN, rise, check=False)
    assert [r[1] for r in rows] == ([*BOERN.step_numbers, scenario.TOTAL]) * horizon
    for year in range(horizon):
        steps, total = rows[year * 7:year * 7 + 6], rows[year * 7 + 6]
        for j, column in enumerate(scenario.SUMMED, start=4):
            known = [r[j] for r in steps if r[j] == r[j]]
            exact = sum((Fraction(v) for v in known), Fraction(0))
            assert total[j] == float(exact) and type(total[j]) is (int if all(type(v) is int for v in known)
                                                                   else float), column

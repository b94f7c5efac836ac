import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_folder
from indsatstrappe.core import movements as mv
from indsatstrappe.core.datafiles import packaged
from indsatstrappe.core.staircase import default_staircases
from indsatstrappe.io.datafolder import DataFolder

BOERN = default_staircases()["boern"]

FORLOEB = """
    borger_id,trappe,indsats,start,slut,kommune_kode
    A,boern,ANBAAR12:9,2022-01-01,2023-06-30,101
    A,boern,EGEN:HJEM-FAMBEH,2023-07-01,,101
    B,boern,ISBU01:405,2022-05-01,2024-05-01,101
    B,boern,ANBAAR12:21,2022-12-01,2023-12-31,101
    C,boern,EGEN:HJEM-PPS,2023-01-01,2023-03-01,101
    D,boern,ANBAAR12:1,2023-06-01,,101
    E,boern,ISBU01:401,2022-01-01,2023-02-01,101
    E,boern,ANBAAR12:27,2023-02-02,,101
    F,boern,EGEN:HJEM-FAMBEH,2022-01-01,,147
    G,boern,ANBAAR12:99,2022-01-01,,101
    H,boern,ANBAAR12:9,2020-01-01,2022-12-31,101
    I,boern,ISBU01:405,2022-01-01,2023-12-30,101
    J,voksne,HAND07:30181,2022-01-01,,101
"""


@pytest.fixture
def folder(tmp_path):
    return write_folder(tmp_path / "data", {"forloeb": FORLOEB})


def matrix_dict(matrix: pd.DataFrame) -> dict[tuple[int, int], int]:
    return {(int(f), int(t)): int(n) for f, t, n in matrix.itertuples(index=False) if n}


def test_hand_computed_matrix(folder):
    eps = mv.prepare(DataFolder(folder).table("forloeb"), BOERN)
    matrix = mv.transition_matrix(eps, BOERN, mv.day_number("2023-01-01"), mv.day_number("2023-12-31"))
    assert matrix_dict(matrix) == {
        (6, 3): 1,  # A: institution, then home-based (down)
        (5, 5): 1,  # B: overlapping episodes stand on the highest; ends exactly on `til` still counts
        (3, 0): 1,  # C: starts exactly on `fra`, then leaves
        (0, 4): 1,  # D: enters
        (2, 6): 1,  # E: moves up
        (3, 3): 1,  # F: in another municipality
        (2, 0): 1,  # I: ends the day before `til`
    }
    assert len(matrix) == 7 * 7 - 1  # every pair 0..6 except (0, 0)
    assert mv.summarise(matrix) == {"ned": 1, "samme": 2, "op": 1, "ind": 1, "ud": 2}


def test_filter_by_municipality_and_staircase(folder):
    table = DataFolder(folder).table("forloeb")
    eps = mv.prepare(table, BOERN)
    fra, til = mv.day_number("2023-01-01"), mv.day_number("2023-12-31")
    assert matrix_dict(mv.transition_matrix(eps, BOERN, fra, til, kommune=147)) == {(3, 3): 1}
    assert (3, 3) not in matrix_dict(mv.transition_matrix(eps, BOERN, fra, til, kommune=101))
    voksne = default_staircases()["voksne"]
    adult = mv.transition_matrix(mv.prepare(table, voksne), voksne, fra, til)
    assert matrix_dict(adult) == {(8, 8): 1}


def test_movement_key_figures_from_the_catalogue(folder):
    catalogue = pd.read_csv(packaged("noegletal.csv"), dtype=str)
    params = catalogue.set_index("id")["parametre"]
    eps = mv.prepare(DataFolder(folder).table("forloeb"), BOERN)
    matrix = mv.transition_matrix(eps, BOERN, mv.day_number("2023-01-01"), mv.day_number("2023-12-31"))

    def share(figure):
        fra, til = (part.split("=")[1] for part in params[figure].split(";"))
        return mv.movement_share(matrix, mv.parse_steps(fra), mv.parse_steps(til))

    assert share("B08") == (0, 2)  # of C and F on step 3, none went up
    assert share("B09") == (1, 2)  # C left the staircase
    counts = mv.movement_counts(eps, BOERN, {3}, {0, 1, 2}, [2023])
    assert counts.set_index("kommune_kode").loc[147, ["taeller", "naevner"]].tolist() == [0, 1]


def test_parse_steps():
    assert mv.parse_steps("0-2") == {0, 1, 2}
    assert mv.parse_steps("3") == {3}
    assert mv.parse_steps("1, 6-8") == {1, 6, 7, 8}


def test_cli_contract_and_table(folder, tmp_path, run_cli):
    target = tmp_path / "b.csv"
    result = run_cli("bevaegelser", "--trappe", "boern", "--fra", "2023-01-01", "--til", "31-12-2023",
                     "--kommune", "101", "--data", folder, "--ud", target)
    assert result.code == 0, result.err
    df = pd.read_csv(target)
    assert list(df.columns) == ["fra_trin", "til_trin", "antal"]
    assert df["antal"].sum() == 6
    shown = run_cli("bevaegelser", "--trappe", "boern", "--fra", "2023-01-01", "--til", "2023-12-31",
                    "--data", folder)
    assert "Flyttet ned: 1" in shown.out and "Gået ud: 2" in shown.out


# -- properties: row sums = citizens per step on `fra`, column sums = citizens per step on `til` --

@st.composite
def episode_tables(draw):
    n = draw(st.integers(1, 40))
    rows = []
    codes = list(BOERN.codes.index)
    for _ in range(n):
        start = draw(st.integers(0, 60))
        length = draw(st.one_of(st.none(), st.integers(0, 40)))
        rows.append((f"b{draw(st.integers(0, 12))}", "boern", draw(st.sampled_from(codes)),
                     pd.Timestamp("2023-01-01") + pd.Timedelta(days=start),
                     pd.NaT if length is None else pd.Timestamp("2023-01-01") + pd.Timedelta(days=start + length),
                     draw(st.sampled_from([101, 147]))))
    return pd.DataFrame(rows, columns=["borger_id", "trappe", "indsats", "start", "slut", "kommune_kode"])


def brute_force_steps(df: pd.DataFrame, day: pd.Timestamp) -> dict[str, int]:
    steps = {}
    for row in df.itertuples():
        active = row.start <= day and (pd.isna(row.slut) or day <= row.slut)
        step = BOERN.step_of(row.indsats) or 0
        steps[row.borger_id] = max(steps.get(row.borger_id, 0), step if active else 0)
    return steps


@settings(max_examples=80, deadline=None)
@given(episode_tables(), st.integers(0, 70), st.integers(0, 30))
def test_row_and_column_sums_match_citizens_per_step(df, fra_offset, gap):
    fra = pd.Timestamp("2023-01-01") + pd.Timedelta(days=fra_offset)
    til = fra + pd.Timedelta(days=gap)
    eps = mv.prepare(df, BOERN)
    matrix = mv.transition_matrix(eps, BOERN, mv.day_number(fra), mv.day_number(til))
    on_fra = pd.Series(brute_force_steps(df, fra)).value_counts()
    on_til = pd.Series(brute_force_steps(df, til)).value_counts()
    rows = matrix.groupby("fra_trin")["antal"].sum()
    cols = matrix.groupby("til_trin")["antal"].sum()
    for step in range(1, 7):
        assert rows.get(step, 0) == on_fra.get(step, 0)
        assert cols.get(step, 0) == on_til.get(step, 0)
    if gap == 0:  # the same day twice: nobody moves
        assert (matrix[matrix["fra_trin"] != matrix["til_trin"]]["antal"] == 0).all()


def test_steps_on_uses_inclusive_ends():
    df = pd.DataFrame({"borger_id": ["x"], "trappe": ["boern"], "indsats": ["ANBAAR12:9"],
                       "start": [pd.Timestamp("2023-03-01")], "slut": [pd.Timestamp("2023-03-31")],
                       "kommune_kode": [101]})
    eps = mv.prepare(df, BOERN)
    on = [int(mv.steps_on(eps, mv.day_number(d))[0]) for d in ("2023-02-28", "2023-03-01", "2023-03-31",
                                                                 "2023-04-01")]
    assert on == [0, 6, 6, 0]
    ongoing = mv.prepare(df.assign(slut=[pd.NaT]), BOERN)  # no end date: on the step on any later day
    assert [int(mv.steps_on(ongoing, mv.day_number(d))[0]) for d in ("2023-02-28", "2199-12-31")] == [0, 6]

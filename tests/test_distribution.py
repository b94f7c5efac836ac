import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indsatstrappe.core import distribution, municipalities
from indsatstrappe.core.staircase import default_staircases

BOERN = default_staircases()["boern"]
VOKSNE = default_staircases()["voksne"]


def frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


MODTAGERE = frame([
    (101, 2023, "boern", "ISBU01:405", 20), (101, 2023, "boern", "ISBU01:401", 10),
    (101, 2023, "boern", "EGEN:HJEM-FAMBEH", 15), (101, 2023, "boern", "ANBAAR12:1", 2),
    (101, 2023, "boern", "ANBAAR12:21", 3), (101, 2023, "boern", "ANBAAR12:9", 4),
    (101, 2023, "boern", "ANBAAR12:27", 6), (101, 2023, "boern", "ANBAAR12:99", 1),
    (147, 2023, "boern", "ISBU01:405", 5), (147, 2023, "boern", "ANBAAR12:24", 5),
    (101, 2023, "voksne", "HAND07:30181", 9), (101, 2023, "voksne", "HAND07:30013", 7),
], ["kommune_kode", "aar", "trappe", "indsats", "antal"])
BEFOLKNING = frame([(101, 2023, "0-17", 1000), (147, 2023, "0-17", 500), (101, 2023, "18-64", 3000)],
                   ["kommune_kode", "aar", "aldersgruppe", "antal"])


def test_hand_computed_distribution():
    dist = distribution.step_distribution(MODTAGERE, BEFOLKNING, BOERN)
    kbh = dist[dist["kommune_kode"] == 101].set_index("trin")
    assert list(kbh.index) == [1, 2, 3, 4, 5, 6]  # every step a row
    # step 1 is own data only (EGEN:ALMEN) and 101 sent none: missing, not 0; uoplyst (ANBAAR12:99) is on no step
    assert np.isnan(kbh.loc[1, "antal"])
    assert list(kbh["antal"])[1:] == [30, 15, 2, 3, 10]
    assert kbh.loc[2, "andel"] == pytest.approx(0.5)
    assert kbh.loc[6, "andel"] == pytest.approx(10 / 60)
    assert np.isnan(kbh.loc[1, "pr_1000"])
    assert list(kbh["pr_1000"])[1:] == pytest.approx([30, 15, 2, 3, 10])
    assert kbh.loc[6, "trin_navn"] == "Anbringelse på institution"
    assert list(dist.columns) == distribution.COLUMNS


def test_adults_use_the_18_64_population_and_leave_out_codes_off_the_staircase():
    dist = distribution.step_distribution(MODTAGERE, BEFOLKNING, VOKSNE).set_index("trin")
    assert dist["antal"].sum() == 9
    assert dist.loc[8, "pr_1000"] == pytest.approx(3.0)


def test_unplaced_counts_are_reported_separately():
    unplaced = distribution.unplaced_counts(MODTAGERE, BOERN)
    assert unplaced.to_dict("records") == [{"kommune_kode": 101, "aar": 2023, "uden_trin": "uoplyst", "antal": 1}]


def test_group_is_unweighted_mean_and_country_is_weighted():
    dist = distribution.step_distribution(MODTAGERE, BEFOLKNING, BOERN)
    group = municipalities.code_list([101, 147])
    g = distribution.group_distribution(dist, BEFOLKNING, BOERN, group).set_index("trin")
    assert g.loc[2, "antal"] == 35
    assert g.loc[2, "pr_1000"] == pytest.approx((30 + 10) / 2)
    assert g.loc[5, "andel"] == pytest.approx((3 / 60 + 5 / 10) / 2)
    land = distribution.group_distribution(dist, BEFOLKNING, BOERN, municipalities.country()).set_index("trin")
    assert land.loc[2, "pr_1000"] == pytest.approx(35 / 1500 * 1000)
    assert land.loc[5, "andel"] == pytest.approx(8 / 70)
    assert set(land["kommune_kode"]) == {"0"}


def test_missing_population_gives_empty_rate_not_a_wrong_one():
    dist = distribution.step_distribution(MODTAGERE, BEFOLKNING.iloc[:1], BOERN)
    assert dist[dist["kommune_kode"] == 147]["pr_1000"].isna().all()


codes = st.sampled_from(list(BOERN.codes.index) + list(VOKSNE.codes.index))


@st.composite
def recipients(draw):
    rows = draw(st.lists(st.tuples(st.sampled_from([101, 147, 825]), st.sampled_from([2022, 2023]),
                                   codes, st.integers(0, 500)), min_size=1, max_size=40,
                         unique_by=lambda r: r[:3]))
    df = pd.DataFrame(rows, columns=["kommune_kode", "aar", "indsats", "antal"])
    df["trappe"] = np.where(df["indsats"].isin(BOERN.codes.index), "boern", "voksne")
    return df


@settings(max_examples=60, deadline=None)
@given(recipients())
def test_properties_shares_sum_to_one_and_counts_to_the_staircase_total(df):
    for staircase in (BOERN, VOKSNE):
        dist = distribution.step_distribution(df, None, staircase)
        on = df[(df["trappe"] == staircase.key)]
        placed = on.assign(trin=on["indsats"].map(staircase.step_map())).dropna(subset=["trin"])
        # a step with a count counts every row placed on it (which steps have a count, the hand-computed tests
        # above say; this property does not rebuild that rule)
        sums = placed.groupby(["kommune_kode", "aar", placed["trin"].astype(int)])["antal"].sum()
        counted = dist[dist["antal"].notna()]
        for k, y, t, n in zip(counted["kommune_kode"], counted["aar"], counted["trin"], counted["antal"], strict=True):
            assert n == sums.get((k, y, int(t)), 0)
        assert (dist.groupby(["kommune_kode", "aar"]).size() == staircase.n_steps).all()
        shares = dist.groupby(["kommune_kode", "aar"])["andel"].sum(min_count=1)
        totals = dist.groupby(["kommune_kode", "aar"])["antal"].sum()
        assert np.allclose(shares[totals > 0], 1.0)
        assert shares[totals == 0].isna().all()

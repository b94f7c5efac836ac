"""#19: a number a municipality does not have is missing, never 0; groups and the country are taken over the
municipalities that have it; a code counts only in the years it exists. Every expected number is worked out
by hand in the comments."""

import numpy as np
import pandas as pd
import pytest

from indsatstrappe.core import coverage, distribution, expenses, keyfigures, municipalities, scenario
from indsatstrappe.core.staircase import default_staircases

ST = default_staircases()
BOERN, VOKSNE = ST["boern"], ST["voksne"]
COLS = ["kommune_kode", "aar", "trappe", "indsats", "antal"]


def frame(rows, cols=COLS):
    return pd.DataFrame(rows, columns=cols)


# Three municipalities; only 147 reports children's step 1 (own data EGEN:ALMEN), and 151 sends a 0 for it.
MOD = frame([
    (101, 2023, "boern", "ISBU01:405", 40), (101, 2023, "boern", "ANBAAR12:9", 10),
    (147, 2023, "boern", "ISBU01:405", 10), (147, 2023, "boern", "EGEN:ALMEN", 30),
    (151, 2023, "boern", "ISBU01:405", 20), (151, 2023, "boern", "EGEN:ALMEN", 0),
])
BEF = frame([(101, 2023, "0-17", 2000), (147, 2023, "0-17", 1000), (151, 2023, "0-17", 500)],
            ["kommune_kode", "aar", "aldersgruppe", "antal"])


def test_a_step_a_municipality_does_not_report_is_missing_and_a_sent_zero_is_zero():
    dist = distribution.step_distribution(MOD, BEF, BOERN).set_index(["kommune_kode", "trin"])
    assert np.isnan(dist.loc[(101, 1), "antal"]) and np.isnan(dist.loc[(101, 1), "pr_1000"])
    assert dist.loc[(147, 1), "antal"] == 30 and dist.loc[(147, 1), "pr_1000"] == pytest.approx(30.0)
    assert dist.loc[(151, 1), "antal"] == 0 and dist.loc[(151, 1), "pr_1000"] == 0
    # register steps are reported by every municipality the register has: a code without a row is 0
    assert dist.loc[(101, 4), "antal"] == 0  # 101 has ANBAAR12 rows, none for code 1
    assert np.isnan(dist.loc[(147, 6), "antal"])  # 147 has no ANBAAR12 row at all: not in that register
    # 101's shares are of the 50 citizens on the steps it reports: 40 / 50 and 10 / 50
    assert dist.loc[(101, 2), "andel"] == pytest.approx(0.8) and dist.loc[(101, 6), "andel"] == pytest.approx(0.2)


def test_group_mean_and_country_are_taken_over_the_municipalities_that_report_the_step():
    dist = distribution.step_distribution(MOD, BEF, BOERN)
    group = municipalities.code_list([101, 147, 151])
    g = distribution.group_distribution(dist, BEF, BOERN, group).set_index("trin")
    assert g.loc[1, "pr_1000"] == pytest.approx((30.0 + 0.0) / 2)  # 101 left out, not counted as 0
    assert g.loc[1, "antal"] == 30
    land = distribution.group_distribution(dist, BEF, BOERN, municipalities.country()).set_index("trin")
    assert land.loc[1, "pr_1000"] == pytest.approx(30 / 1500 * 1000)  # 147 and 151: 30 of 1,500 children
    assert land.loc[2, "pr_1000"] == pytest.approx(70 / 3500 * 1000)  # all three: 70 of 3,500
    # step 1's share of the citizens of 147 (40) and 151 (20) that report it: 30 / 60
    assert land.loc[1, "andel"] == pytest.approx(0.5)
    n = distribution.reporting_members(dist, group).set_index("trin")
    assert (n.loc[1, "med_tal"], n.loc[1, "kommuner"]) == (2, 3)
    assert n.loc[2, "med_tal"] == 3


def test_key_figures_over_own_data_steps_are_missing_where_not_reported():
    inputs = keyfigures.Inputs(befolkning=BEF, modtagere=MOD)
    v = keyfigures.compute(inputs, ST, "boern").set_index(["noegletal_id", "kommune_kode", "aar"])
    assert v.loc[("B06", 101, 2023), "vaerdi"] == pytest.approx(20.0)  # register step: 40 per 2,000
    members = keyfigures.members_with_value(v.reset_index(), municipalities.country())
    assert members.set_index(["noegletal_id", "aar"]).loc[("B06", 2023), "med_tal"] == 3


# Adults: § 82 a-b (step 3) exist in HAND07 from 2020K3, § 82 c from 2024K1.
ADULTS = frame([(k, y, "voksne", "HAND07:31202", 10) for k in (101, 147) for y in range(2018, 2025)]
               + [(k, y, "voksne", "HAND07:31181", 4) for k in (101, 147) for y in range(2020, 2025)]
               + [(k, 2024, "voksne", "HAND07:31183", 2) for k in (101, 147)]
               + [(147, y, "voksne", c, 5) for y in range(2018, 2025) for c in ("EGEN:CIVIL", "EGEN:UVISITERET")])
ADULT_BEF = frame([(k, y, "18-64", 1000) for k in (101, 147) for y in range(2018, 2025)],
                  ["kommune_kode", "aar", "aldersgruppe", "antal"])


@pytest.fixture(scope="module")
def adult_values():
    inputs = keyfigures.Inputs(befolkning=ADULT_BEF, modtagere=ADULTS)
    return keyfigures.compute(inputs, ST, "voksne").set_index(["noegletal_id", "kommune_kode", "aar"])


def test_a_code_counts_only_in_the_years_it_exists(adult_values):
    v = adult_values
    # V05 (§ 82 a, b, c per 1,000): no code exists before 2020, so no value (it used to be 0.0)
    assert ("V05", 101, 2019) not in v.index
    assert v.loc[("V05", 101, 2020), "vaerdi"] == pytest.approx(4.0)  # 4 of 1,000
    assert v.loc[("V05", 101, 2024), "vaerdi"] == pytest.approx(6.0)  # 4 + 2 (§ 82 c from 2024)
    cat = keyfigures.catalogue()
    assert keyfigures.series_breaks(cat.loc["V05"], VOKSNE, list(range(2018, 2025))) == [2024]
    assert coverage.exists_in("HAND07:31181", 2020) and not coverage.exists_in("HAND07:31181", 2019)


def test_development_is_missing_across_a_break_and_where_a_step_is_not_reported(adult_values):
    v = adult_values
    # V13: steps 1-3, this year minus last over last. 147 reports steps 1-2 (own data, 5 + 5) every year.
    # 2021 against 2020: 10 + 4 = 14 both years -> 0 %.
    assert v.loc[("V13", 147, 2021), "vaerdi"] == pytest.approx(0.0)
    assert ("V13", 147, 2020) not in v.index  # step 3 had no code in 2019
    assert ("V13", 147, 2024) not in v.index  # § 82 c appears in 2024: 16 against 14 is not a development
    assert not any(i[0] == "V13" and i[1] == 101 for i in v.index)  # 101 does not report steps 1-2
    # V04 (steps 1-3 per 1,000) for 147 in 2024: 5 + 5 + 4 + 2 = 16
    assert v.loc[("V04", 147, 2024), "vaerdi"] == pytest.approx(16.0)


def test_needs_own_data_says_which_figures_registers_cannot_give():
    cat = keyfigures.catalogue()
    assert keyfigures.needs_own_data(cat.loc["V04"], VOKSNE)  # steps 1-2 are own data only
    assert keyfigures.needs_own_data(cat.loc["B05"], BOERN)  # step 3 has no verified register code
    assert not keyfigures.needs_own_data(cat.loc["B01"], BOERN)
    assert not coverage.register_can_give(VOKSNE, 3, 2019) and coverage.register_can_give(VOKSNE, 3, 2020)


def test_a_step_with_citizens_and_no_accounts_has_no_unit_cost_and_the_scenario_says_so():
    mod = frame([(101, 2023, "boern", "ISBU01:405", 50), (101, 2023, "boern", "ANBAAR12:9", 4)])
    # only step 6 (5.28.23 døgninstitutioner) has accounts: 4 citizens, 2,000,000 kr.
    reg = frame([(101, 2023, "5.28.23", "", "1", 2_000_000)],
                ["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb"])
    rules = expenses.default_rules(ST)
    counts = expenses.citizens(mod, BOERN)
    table = expenses.step_table(expenses.allocate(reg, rules, BOERN, counts), BOERN, counts).set_index("trin")
    assert table.loc[6, "enhedspris"] == pytest.approx(500_000.0)
    assert table.loc[2, "beloeb"] == 0 and np.isnan(table.loc[2, "enhedspris"])  # 50 citizens, no accounts
    costs = scenario.unit_costs(table.reset_index().assign(kommune_kode=101, aar=2023), 101, 2023, [101], BOERN)
    base = {int(t): float(a) for t, a in zip(counts["trin"], counts["antal"], strict=True)}
    price = dict(zip(costs["trin"], costs["enhedspris"], strict=True))
    assert scenario.steps_without_price(base, price) == [2]
    out = scenario.project(base, price, [], 2023, 1, BOERN)
    row = out[(out["trin"] == 2)].iloc[0]
    assert np.isnan(row["udgift_uden"])  # unknown, not 0 kr.
    total = out[out["trin"] == scenario.TOTAL].iloc[0]
    assert total["udgift_uden"] == pytest.approx(2_000_000.0)  # step 6 only; step 2 is left out, not 0


@pytest.fixture(scope="module")
def register_only(tmp_path_factory):
    """The demo data with only what `hent` fetches from the registers: no EGEN codes."""
    from indsatstrappe.core.datafiles import DEMO_DIR

    folder = tmp_path_factory.mktemp("register_only")
    for name in ("befolkning", "regnskab"):
        (folder / f"{name}.csv").write_bytes((DEMO_DIR / f"{name}.csv").read_bytes())
    mod = pd.read_csv(DEMO_DIR / "modtagere.csv", dtype={"indsats": str})
    mod[~mod["indsats"].str.startswith("EGEN:")].to_csv(folder / "modtagere.csv", index=False)
    return folder


def test_register_only_data_say_what_needs_own_data(register_only, run_cli, tmp_path):
    run = run_cli("noegletal", "--trappe", "boern", "--kommune", "101", "--data", register_only)
    assert run.code == 0, run.err
    lines = {line.split("│")[2].strip(): line for line in run.out.splitlines() if line.count("│") > 5}
    assert "kræver egne data" in lines["Hjemmebaserede foranstaltninger"]  # B05: step 3, own data only
    assert "kræver egne data" not in lines["Institutionsanbringelser"]
    # the money on step 3 has no unit cost, and the command says why instead of dividing by 0 citizens
    run = run_cli("udgifter", "--trappe", "boern", "--kommune", "101", "--data", register_only)
    assert run.code == 0, run.err
    assert "Trin 3:" in run.out and "kræver egne data" in run.out
    target = tmp_path / "u.csv"
    assert run_cli("udgifter", "--trappe", "boern", "--kommune", "101", "--data", register_only,
                   "--ud", target).code == 0
    table = pd.read_csv(target)
    step3 = table[table["trin"].astype(str) == "3"]
    assert (step3["beloeb"] > 0).all() and step3["enhedspris"].isna().all()
    # children's step 3 is missing for every municipality, so no group and no country value either
    target = tmp_path / "f.csv"
    assert run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--gruppe", "kommunegruppe",
                   "--ud", target, "--data", register_only).code == 0
    dist = pd.read_csv(target, dtype={"kommune_kode": str})
    assert dist[dist["trin"] == 3]["antal"].isna().all()
    assert dist[dist["trin"] == 4]["antal"].notna().all()


def test_a_municipality_without_any_value_still_gets_its_table(register_only, run_cli, tmp_path):
    """101 left out of the data: its column is empty, the country is taken over the other 97 and says so."""
    folder = tmp_path / "uden_101"
    folder.mkdir()
    for name in ("befolkning", "modtagere", "regnskab"):
        table = pd.read_csv(register_only / f"{name}.csv", dtype=str)
        table[table["kommune_kode"] != "101"].to_csv(folder / f"{name}.csv", index=False)
    run = run_cli("noegletal", "--trappe", "boern", "--kommune", "101", "--data", folder)
    assert run.code == 0, run.err
    assert "Hele landet er taget over de 97 af 98 kommuner" in run.out

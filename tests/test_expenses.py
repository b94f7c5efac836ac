import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SMALL_BEFOLKNING, SMALL_MODTAGERE, folder_digest, write_folder
from indsatstrappe.core import expenses
from indsatstrappe.core.datafiles import DEMO_DIR
from indsatstrappe.core.errors import InputError
from indsatstrappe.core.kontoplan import parse_account
from indsatstrappe.core.staircase import default_staircases
from indsatstrappe.io.accounts import read_account_export

STAIRCASES = default_staircases()
BOERN, VOKSNE = STAIRCASES["boern"], STAIRCASES["voksne"]
RULES = expenses.default_rules(STAIRCASES)
COLS = ["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb"]


def accounts(*rows):
    return pd.DataFrame(rows, columns=COLS)


def counts(rows):
    return pd.DataFrame(rows, columns=["kommune_kode", "aar", "trin", "antal"])


KEY = counts([(101, 2023, 2, 30), (101, 2023, 3, 10), (101, 2023, 5, 4), (101, 2023, 6, 0)])


def placed(alloc: pd.DataFrame) -> dict[int, float]:
    return (alloc.groupby("trin")["oere"].sum() / 100).to_dict()


def test_specific_grouping_rules_and_function_defaults():
    alloc = expenses.allocate(accounts(
        (101, 2023, "5.28.22", "005", "1", 100_000),   # netværksplejefamilie: grouping rule -> 4
        (101, 2023, "5.28.22", "001", "1", 400_000),   # other grouping: function default -> 5
        (101, 2023, "5.28.21", "017", "1", 50_000),    # § 11 stk. 3 -> 2
        (101, 2023, "5.28.23", "", "1", 900_000),      # døgninstitution -> 6
    ), RULES, BOERN, KEY)
    assert placed(alloc) == {2: 50_000, 4: 100_000, 5: 400_000, 6: 900_000}


def test_split_key_by_citizens_conserves_every_oere():
    alloc = expenses.allocate(accounts((101, 2023, "5.28.21", "", "1", 1_000.01)), RULES, BOERN, KEY)
    parts = placed(alloc)
    assert parts == {2: pytest.approx(750.01, abs=0.011), 3: pytest.approx(250.0, abs=0.011)}
    assert round(sum(parts.values()), 2) == 1_000.01


def test_refusion_follows_its_account_and_is_shown_apart():
    lines = accounts((101, 2023, "5.38.50", "", "1", 800_000), (101, 2023, "5.38.50", "", "2", -40_000))
    alloc = expenses.allocate(lines, RULES, VOKSNE, None)
    table = expenses.step_table(alloc, VOKSNE, None).set_index("trin")
    assert table.loc[8, "beloeb"] == 760_000
    assert table.loc[8, "drift"] == 800_000 and table.loc[8, "refusion"] == -40_000


def test_unplaced_accounts_say_why():
    alloc = expenses.allocate(accounts(
        (101, 2023, "5.38.42", "", "1", 70_000),   # rule: ikke fordelt (§ 110)
        (101, 2023, "5.38.53", "003", "1", 5_000),  # ledsagelse: ikke fordelt
        (101, 2023, "5.38.47", "", "1", 1_000),    # no own rule: the 5.38 default says ikke fordelt
        (101, 2023, "5.22.07", "", "1", 9_999),    # outside the area: not part of it at all
    ), RULES, VOKSNE, None)
    assert set(alloc["trin"]) == {expenses.UNPLACED}
    assert alloc["oere"].sum() == 76_000 * 100
    assert alloc["grund"].str.contains("§ 110").any()


def test_split_with_nobody_on_the_key_steps_is_not_placed():
    alloc = expenses.allocate(accounts((101, 2023, "5.38.53", "", "1", 3_000)), RULES, VOKSNE,
                              counts([(101, 2023, 4, 0)]))
    assert placed(alloc) == {expenses.UNPLACED: 3_000}
    assert "fordelingsnøglen er 0" in alloc["grund"].iloc[0]


def test_most_specific_rule_wins():
    rules = expenses.check_rules(pd.DataFrame({
        "trappe": ["boern"] * 3, "funktion": ["5.28", "5.28.21", "5.28.21"], "gruppering": ["", "", "005"],
        "dranst": ["", "", ""], "fordeling": ["ikke_fordelt", "trin", "trin"], "trin": ["", "3", "5"]}), "egne.csv",
        STAIRCASES)
    alloc = expenses.allocate(accounts((1, 2023, "5.28.21", "005", "1", 10), (1, 2023, "5.28.21", "002", "1", 20),
                                       (1, 2023, "5.28.99", "", "1", 40)), rules, BOERN, None)
    assert placed(alloc) == {5: 10, 3: 20, expenses.UNPLACED: 40}


def test_unit_cost_uses_the_same_step_definitions():
    alloc = expenses.allocate(accounts((101, 2023, "5.28.22", "", "1", 480_000)), RULES, BOERN, KEY)
    table = expenses.step_table(alloc, BOERN, KEY).set_index("trin")
    assert table.loc[5, "enhedspris"] == 120_000  # 480.000 kr. / 4 children on step 5
    assert np.isnan(table.loc[4, "enhedspris"])  # nobody on step 4
    assert table["andel"].sum() == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([101, 147]), st.sampled_from([2022, 2023]),
                          st.sampled_from(["5.28.20", "5.28.21", "5.28.22", "5.28.23", "5.28.25", "5.38.53",
                                           "5.38.50"]),
                          st.sampled_from(["", "001", "003", "005", "017"]), st.sampled_from(["1", "2"]),
                          st.decimals(-5_000_000, 50_000_000, places=2)),
                min_size=1, max_size=30, unique_by=lambda r: r[:5]),
       st.lists(st.integers(0, 50), min_size=16, max_size=16))
def test_money_is_conserved_to_the_oere(rows, weights):
    regnskab = accounts(*[(*r[:5], float(r[5])) for r in rows])
    key = counts([(k, y, t, w) for (k, y, t), w in zip(
        [(k, y, t) for k in (101, 147) for y in (2022, 2023) for t in (2, 3, 4, 5)], weights, strict=True)])
    for staircase in (BOERN, VOKSNE):
        alloc = expenses.allocate(regnskab, RULES, staircase, key)
        area = regnskab[expenses.area_of(regnskab["funktion"]) == staircase.key]
        want = (area["beloeb"] * 100).round().astype("int64").groupby([area["kommune_kode"], area["aar"]]).sum()
        got = alloc.groupby(["kommune_kode", "aar"])["oere"].sum()
        assert got.reindex(want.index).tolist() == want.tolist()
        if not alloc.empty:
            table = expenses.step_table(alloc, staircase, key)
            assert (table.groupby(["kommune_kode", "aar"])["beloeb"].sum() * 100).round().astype("int64").reindex(
                want.index).tolist() == want.tolist()


@pytest.mark.parametrize(("text", "parsed"), [
    ("528211002", ("5.28.21", "1", "002")), ("5.28.21.1.002", ("5.28.21", "1", "002")),
    ("538502", ("5.38.50", "2", "")), ("5.38.50", ("5.38.50", "1", "")), ("5.28", None), ("52821100", None),
])
def test_account_strings(text, parsed):
    assert parse_account(text) == parsed


def test_account_export_with_danish_numbers(tmp_path):
    export = tmp_path / "udtraek.csv"
    export.write_text("Kontonummer;Tekst;Beløb\n528211002;PPS;1.234.567,89\n5.28.23.2;Refusion;(12.000,00)\n"
                      "538501;Botilbud;-1,5\n", encoding="utf-8")
    rows, warnings = read_account_export(export, 147, 2024)
    assert warnings == []
    assert rows[["funktion", "gruppering", "dranst"]].values.tolist() == [
        ["5.28.21", "002", "1"], ["5.28.23", "", "2"], ["5.38.50", "", "1"]]
    assert rows["beloeb"].tolist() == [1234567.89, -12000.0, -1.5]
    assert set(rows["kommune_kode"]) == {147} and set(rows["aar"]) == {2024}


def test_an_account_on_several_lines_is_summed_with_a_warning(tmp_path, run_cli):
    # the same account and amount twice used to lose one line silently (money lost)
    export = tmp_path / "udtraek.csv"
    export.write_text("konto;beløb\n528221001;1.000\n528231001;500\n528221001;1.000\n528221001;250\n",
                      encoding="utf-8")
    rows, warnings = read_account_export(export, 147, 2024)
    assert rows.set_index("funktion")["beloeb"].to_dict() == {"5.28.22": 2250.0, "5.28.23": 500.0}
    assert len(warnings) == 1 and "rækkerne 2, 4, 5" in warnings[0].tekst() and warnings[0].advarsel
    target = tmp_path / "u.csv"
    result = run_cli("udgifter", "--trappe", "boern", "--kommune", "147", "--regnskab", export, "--aar", "2024",
                     "--ud", target)
    assert result.code == 0 and "lagt sammen" in result.err
    assert pd.read_csv(target).query("aar == 2024")["beloeb"].sum() == 2750


def test_cli_uses_the_export_for_that_municipality_and_year(tmp_path, run_cli):
    export = tmp_path / "udtraek.csv"
    export.write_text("konto;beløb\n528221001;1.000.000\n528231001;2.000.000\n", encoding="utf-8")
    target = tmp_path / "u.csv"
    result = run_cli("udgifter", "--trappe", "boern", "--kommune", "147", "--regnskab", export, "--aar", "2024",
                     "--ud", target)
    assert result.code == 0, result.err
    df = pd.read_csv(target)
    y = df[df["aar"] == 2024].set_index("trin")
    assert y.loc["5", "beloeb"] == 1_000_000 and y.loc["6", "beloeb"] == 2_000_000
    assert y["beloeb"].sum() == 3_000_000
    assert df[df["aar"] == 2023]["beloeb"].sum() > 3_000_000  # other years keep the data folder's accounts


@pytest.mark.parametrize(("content", "expected"), [
    ("konto;beløb\n5.28;100\n", ["række 2", "'5.28' er ikke et kontonummer"]),
    ("konto;beløb\nABC;100\n", ["række 2", "'ABC' er ikke et kontonummer"]),
    ("konto;beløb\n528211002;mange\n", ["række 2", "'mange' er ikke et beløb"]),
    ("konto;beløb\n528213002;100\n", ["række 2", "ukendt dranst '3'"]),
    ("tekst;beløb\nx;100\n", ["ingen kolonne med kontonumre"]),
])
def test_bad_account_exports(content, expected, tmp_path, run_cli):
    export = tmp_path / "udtraek.csv"
    export.write_text(content, encoding="utf-8")
    folder = write_folder(tmp_path / "d", {"befolkning": SMALL_BEFOLKNING, "modtagere": SMALL_MODTAGERE})
    before = folder_digest(folder)
    target = tmp_path / "u.csv"
    result = run_cli("udgifter", "--trappe", "boern", "--kommune", "101", "--data", folder, "--regnskab", export,
                     "--aar", "2023", "--ud", target)
    assert result.code == 2
    assert "udtraek.csv" in result.err
    for part in expected:
        assert part in result.err, (part, result.err)
    assert not target.exists() and folder_digest(folder) == before


@pytest.mark.parametrize(("line", "expected"), [
    ("101,2023,5.28,,1,100", ["regnskab.csv, række 3, kolonne 'funktion'", "'5.28'"]),
    ("101,2023,5.28.21,002,3,100", ["række 3, kolonne 'dranst'", "ukendt dranst '3'"]),
    ("101,2023,5.28.21,002,1,mange", ["række 3, kolonne 'beloeb'", "'mange' er ikke et tal"]),
    ("101,2023,5.28.22,005,1,999", ["rækkerne 2, 3", "samme nøgle"]),
])
def test_bad_regnskab_table(line, expected, tmp_path, run_cli):
    folder = write_folder(tmp_path / "d", {
        "befolkning": SMALL_BEFOLKNING, "modtagere": SMALL_MODTAGERE,
        "regnskab": f"kommune_kode,aar,funktion,gruppering,dranst,beloeb\n101,2023,5.28.22,005,1,100\n{line}"})
    result = run_cli("udgifter", "--trappe", "boern", "--kommune", "101", "--data", folder)
    assert result.code == 2
    for part in expected:
        assert part in result.err, (part, result.err)


def test_bad_user_rules(tmp_path):
    bad = pd.DataFrame({"trappe": ["boern", "boern"], "funktion": ["5.38.50", "5.28.21"], "gruppering": ["", "5"],
                        "dranst": ["", "4"], "fordeling": ["trin", "noegle"], "trin": ["8", "3"]})
    with pytest.raises(InputError) as info:
        expenses.check_rules(bad, "min_noegle.csv", STAIRCASES)
    text = str(info.value)
    assert "'5.38.50' er ikke en funktion under 5.28" in text
    assert "ukendt dranst '4'" in text and "mindst to trin" in text


def test_cli_contract(tmp_path, run_cli):
    target = tmp_path / "u.csv"
    result = run_cli("udgifter", "--trappe", "voksne", "--kommune", "147", "--ud", target)
    assert result.code == 0, result.err
    df = pd.read_csv(target)
    assert list(df.columns)[:7] == ["kommune_kode", "aar", "trin", "trin_navn", "beloeb", "andel", "enhedspris"]
    assert set(df["trin"].astype(str)) == {*map(str, range(1, 9)), "ikke_fordelt"}
    assert df[df["trin"] == "ikke_fordelt"]["enhedspris"].isna().all()
    from indsatstrappe.io.datafolder import DataFolder

    reg = DataFolder().table("regnskab")
    area = reg[(reg["kommune_kode"] == 147) & reg["funktion"].str.startswith("5.38.")]
    assert df.groupby("aar")["beloeb"].sum().round(2).tolist() == area.groupby("aar")["beloeb"].sum().round(2).tolist()


def test_fixed_prices(tmp_path, run_cli):
    target = tmp_path / "u.csv"
    assert run_cli("udgifter", "--trappe", "boern", "--kommune", "147", "--faste-priser", "2024", "--ud",
                   target).code == 0
    current = tmp_path / "c.csv"
    assert run_cli("udgifter", "--trappe", "boern", "--kommune", "147", "--ud", current).code == 0
    fixed, now = pd.read_csv(target), pd.read_csv(current)
    index = pd.read_csv(DEMO_DIR / "prisindeks.csv").set_index("aar")["indeks"]
    ratio = fixed.groupby("aar")["beloeb"].sum() / now.groupby("aar")["beloeb"].sum()
    assert ratio.loc[2018] == pytest.approx(index[2024] / index[2018])
    assert ratio.loc[2024] == pytest.approx(1.0)

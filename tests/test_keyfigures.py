import pandas as pd
import pytest

from indsatstrappe.core import keyfigures, municipalities
from indsatstrappe.core.staircase import default_staircases

STAIRCASES = default_staircases()


def frame(rows, cols):
    return pd.DataFrame(rows, columns=cols)


BEF = frame([(101, y, "0-17", 1000) for y in (2022, 2023)] + [(147, y, "0-17", 500) for y in (2022, 2023)]
            + [(101, 2023, "18-64", 4000), (147, 2023, "18-64", 2000)],
            ["kommune_kode", "aar", "aldersgruppe", "antal"])
MOD = frame([
    (101, 2022, "boern", "ANBAAR12:9", 4), (101, 2022, "boern", "ISBU01:405", 20),
    (101, 2023, "boern", "ANBAAR12:9", 3), (101, 2023, "boern", "ANBAAR12:27", 3),
    (101, 2023, "boern", "ISBU01:405", 25), (101, 2023, "boern", "ISBU01:401", 5),
    (147, 2022, "boern", "ISBU01:405", 10), (147, 2023, "boern", "ISBU01:405", 5),
    (147, 2023, "boern", "ANBAAR12:1", 1),
    (101, 2023, "voksne", "HAND07:30181", 8), (101, 2023, "voksne", "HAND07:31202", 20),
    (101, 2023, "voksne", "HAND07:31181", 2), (147, 2023, "voksne", "HAND07:31202", 10),
], ["kommune_kode", "aar", "trappe", "indsats", "antal"])
REG = frame([(101, 2023, "5.28.21", "017", "1", 500_000), (101, 2023, "5.28.23", "", "1", 2_000_000),
             (101, 2023, "5.28.23", "", "2", -100_000), (101, 2023, "5.38.50", "", "1", 7_000_000),
             (101, 2023, "5.22.07", "", "1", 9_999)],
            ["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb"])
EGNE = frame([("B12", 101, 2023, 45, 50), ("V02", 101, 2023, 30, 60)],
             ["noegletal_id", "kommune_kode", "aar", "taeller", "naevner"])


@pytest.fixture(scope="module")
def values():
    inputs = keyfigures.Inputs(befolkning=BEF, modtagere=MOD, regnskab=REG, egne_tal=EGNE)
    return {t: keyfigures.compute(inputs, STAIRCASES, t).set_index(["noegletal_id", "kommune_kode", "aar"])
            for t in ("boern", "voksne")}


def test_catalogue_has_12_children_and_20_adult_figures_in_four_themes():
    cat = keyfigures.catalogue()
    assert (cat["trappe"] == "boern").sum() == 12 and (cat["trappe"] == "voksne").sum() == 20
    assert set(cat[cat["trappe"] == "voksne"]["tema"]) == {
        "Øget personlig recovery og trivsel", "Tidligere indsats", "Øget grad af uddannelse og beskæftigelse",
        "Forbedret sundhed"}
    assert (cat[cat["trappe"] == "voksne"]["beregning"] == "egne_tal").sum() == 5
    assert cat.loc["B08", "navn"] == "Bevægelser fra hjemmebaserede foranstaltninger og op ad indsatstrappen"
    for col in ("taeller", "naevner", "enhed", "kilde", "retning", "egen_definition"):
        assert (cat[col] != "").all(), col


def test_step_figures_per_1000(values):
    v = values["boern"]
    assert v.loc[("B01", 101, 2023), "vaerdi"] == pytest.approx(6.0)  # 3 + 3 on step 6 per 1,000 of 1,000
    assert v.loc[("B01", 101, 2022), "vaerdi"] == pytest.approx(4.0)
    assert v.loc[("B06", 147, 2023), "vaerdi"] == pytest.approx(10.0)  # 5 of 500
    assert v.loc[("B04", 147, 2023), ["taeller", "naevner"]].tolist() == [1, 500]


def test_development_figure_is_change_against_last_year(values):
    v = values["boern"]
    assert v.loc[("B10", 101, 2023), "vaerdi"] == pytest.approx(50.0)  # 20 -> 30
    assert v.loc[("B10", 147, 2023), "vaerdi"] == pytest.approx(-50.0)  # 10 -> 5
    assert ("B10", 101, 2022) not in v.index  # no year before


def test_expenses_per_inhabitant_net_of_refusion(values):
    assert values["boern"].loc[("B11", 101, 2023), "vaerdi"] == pytest.approx(2_400)  # (0.5+2-0.1) mio / 1000
    assert values["voksne"].loc[("V15", 101, 2023), "vaerdi"] == pytest.approx(1_750)  # 5.38 only, not 5.22


def test_codes_shares_and_own_figures(values):
    v = values["voksne"]
    assert v.loc[("V05", 101, 2023), "vaerdi"] == pytest.approx(0.5)  # § 82 a: 2 of 4,000
    assert v.loc[("V05", 147, 2023), "vaerdi"] == pytest.approx(0.0)  # present year, no such recipients
    # V03 needs steps 1-2, which only own data fill, and 101 sent none: missing, not 22 of 30
    assert ("V03", 101, 2023) not in v.index
    assert v.loc[("V02", 101, 2023), "vaerdi"] == pytest.approx(50.0)
    assert values["boern"].loc[("B12", 101, 2023), "vaerdi"] == pytest.approx(90.0)


def test_comparison_group_mean_and_weighted_country(values):
    v = values["boern"].reset_index()
    group = municipalities.code_list([101, 147])
    raw = keyfigures.comparison(v, 101, group)
    assert list(raw.columns) == keyfigures.COMPARISON_COLUMNS
    out = raw.set_index(["noegletal_id", "aar"])
    assert out.loc[("B06", 2023), "vaerdi"] == pytest.approx(30.0)
    assert out.loc[("B06", 2023), "gruppe_vaerdi"] == pytest.approx((30 + 10) / 2)
    assert out.loc[("B06", 2023), "land_vaerdi"] == pytest.approx(35 / 1500 * 1000)


def test_missing_tables_leave_figures_out_instead_of_failing():
    inputs = keyfigures.Inputs(befolkning=BEF, modtagere=MOD)
    v = keyfigures.compute(inputs, STAIRCASES, "boern")
    assert {"B01", "B06", "B10"} <= set(v["noegletal_id"])
    assert not {"B02", "B08", "B11", "B12"} & set(v["noegletal_id"])


def test_cli_contract(tmp_path, run_cli):
    target = tmp_path / "n.csv"
    result = run_cli("noegletal", "--trappe", "boern", "--kommune", "147", "--ud", target)
    assert result.code == 0, result.err
    df = pd.read_csv(target)
    assert list(df.columns) == keyfigures.COMPARISON_COLUMNS
    assert set(df["noegletal_id"]) == {f"B{n:02d}" for n in range(1, 13)}
    assert set(df["kommune_kode"]) == {147}
    shown = run_cli("noegletal", "--trappe", "voksne", "--kommune", "147", "--gruppe", "region")
    assert "Region Hovedstaden" in shown.out and "Længerevarende botilbud" in shown.out


def test_a_value_and_its_copy_with_one_digit_fewer_are_the_same():
    """#32: a group of one holds the member's value as stored (16 digits) while the member's own is computed (17):
    the words say "Som gruppen" and "uændret", as LibreOffice's = and Gnumeric's exact = with the tolerance do."""
    own = 13 / 7
    stored = float(f"{own:.16G}")
    assert stored != own
    assert keyfigures.compare(own, stored, "op") == "Som gruppen"
    assert keyfigures.trend(own, stored) == "→ uændret"
    assert keyfigures.compare(own, own * (1 + 1e-6), "op") == "Dårligere end gruppen"  # a real difference stays one
    assert keyfigures.trend(2.0, 1.0) == "↑ stigende" and keyfigures.trend(1.0, 2.0) == "↓ faldende"

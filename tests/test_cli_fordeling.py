import numpy as np
import pandas as pd
import pytest

CONTRACT = ["kommune_kode", "aar", "trappe", "trin", "trin_navn", "antal", "andel", "pr_1000"]


def test_contract_csv_for_one_municipality_and_year(tmp_path, run_cli):
    target = tmp_path / "fordeling.csv"
    result = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--aar", "2023", "--ud", target)
    assert result.code == 0, result.err
    assert "DEMODATA" in result.err
    df = pd.read_csv(target)
    assert list(df.columns) == CONTRACT
    assert df["trin"].tolist() == [1, 2, 3, 4, 5, 6]
    assert set(df["kommune_kode"]) == {101} and set(df["aar"]) == {2023}
    assert df["andel"].sum() == pytest.approx(1.0)


def test_group_and_country_rows_on_request(tmp_path, run_cli):
    target = tmp_path / "f.csv"
    result = run_cli("fordeling", "--trappe", "voksne", "--kommune", "825", "--gruppe", "region", "--ud", target)
    assert result.code == 0, result.err
    df = pd.read_csv(target, dtype={"kommune_kode": str})
    assert set(df["kommune_kode"]) == {"825", "R81", "0"}
    for (kode, aar), rows in df.groupby(["kommune_kode", "aar"]):
        assert len(rows) == 8
        if kode == "825":  # the municipality's shares are of the citizens on the steps it reports
            assert rows["andel"].sum() == pytest.approx(1.0)
        assert rows["andel"].dropna().between(0, 1).all()
        # step 3 (§ 82 a-b) has no register code before 2020: nobody has a number, not 0
        assert np.isnan(rows.set_index("trin").loc[3, "antal"]) == (aar < 2020)


def test_excel_format_is_semicolon_decimal_comma_with_bom(tmp_path, run_cli):
    target = tmp_path / "f.csv"
    assert run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--aar", "2023", "--ud", target,
                   "--format", "excel").code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(CONTRACT)
    assert "0," in text.splitlines()[2]


def test_table_for_people(run_cli):
    result = run_cli("fordeling", "--trappe", "boern", "--kommune", "Læsø", "--aar", "2022")
    assert result.code == 0
    assert "Læsø (825), 2022" in result.out
    assert "Anbringelse på institution" in result.out and "I alt" in result.out


def test_demo_writes_both_staircases_for_all_municipalities(tmp_path, run_cli):
    result = run_cli("demo", "--ud", tmp_path)
    assert result.code == 0, result.err
    for trappe, steps in (("boern", 6), ("voksne", 8)):
        df = pd.read_csv(tmp_path / f"fordeling_{trappe}.csv")
        assert df["kommune_kode"].nunique() == 98
        assert len(df) == 98 * 7 * steps
    assert "DEMODATA" in (tmp_path / "DEMODATA_LAES_MIG.txt").read_text(encoding="utf-8")
    yearly = pd.read_csv(tmp_path / "bevaegelser_aarlig_boern.csv")
    assert list(yearly.columns) == ["kommune_kode", "aar", "ned", "samme", "op", "ind", "ud"]
    assert yearly["kommune_kode"].nunique() == 5
    matrix = pd.read_csv(next(tmp_path.glob("bevaegelser_voksne_*_*.csv")))
    assert len(matrix) == 9 * 9 - 1
    assert "København (101)" in result.out and "Læsø (825)" in result.out
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "Noegletal_825_Laesoe.xlsx", data_only=True)
    assert book["Forside"]["C6"].value == "Læsø"
    assert book["Forside"]["C10"].value == 825  # the cached code of the chosen municipality
    assert (tmp_path / "skabeloner" / "Noegletal.xlsm").stat().st_size > 100_000
    template = openpyxl.load_workbook(tmp_path / "skabeloner" / "Udgiftsmodel.xlsx", data_only=True)
    assert template["Forside"]["C6"].value == "København"


def test_help_is_danish(run_cli):
    result = run_cli("fordeling", "--help")
    assert result.code == 0
    assert "Brug:" in result.out and "Tilvalg" in result.out and "Usage" not in result.out

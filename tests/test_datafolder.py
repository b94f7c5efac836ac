import pandas as pd
import pytest

from conftest import SMALL_BEFOLKNING, SMALL_MODTAGERE, write_folder
from indsatstrappe.core.errors import InputError
from indsatstrappe.io.contracts import parse_numbers
from indsatstrappe.io.datafolder import DataFolder


@pytest.mark.parametrize(("text", "danish", "value"), [
    ("1234", False, 1234), ("12.5", False, 12.5), ("1.234.567,89", True, 1234567.89), ("12,5", True, 12.5),
    ("1.500", True, 1500), ("(1.234,00)", True, -1234), ("-7", True, -7), ("1 234", True, 1234),
])
def test_number_formats(text, danish, value):
    assert parse_numbers(pd.Series([text]), danish).iloc[0] == pytest.approx(value)


def test_a_column_of_mixed_number_styles_is_read_value_by_value():
    danish = parse_numbers(pd.Series(["1234", "1.500", "12,5", ""]), True)
    assert danish.iloc[:3].tolist() == [1234, 1500, 12.5] and pd.isna(danish.iloc[3])
    plain = parse_numbers(pd.Series(["12", "(3)", "1 234", "x"]), False)
    assert plain.iloc[:3].tolist() == [12, -3, 1234] and pd.isna(plain.iloc[3])


def test_spaces_around_csv_fields_are_stripped(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "befolkning.csv").write_text('kommune_kode , aar,aldersgruppe,antal\n 101,2022, 0-17 ,5\n'
                                           '101,2023,"18-64 ",\t7\n', encoding="utf-8")
    df = DataFolder(folder).table("befolkning")
    assert df["aldersgruppe"].tolist() == ["0-17", "18-64"]
    assert df["antal"].tolist() == [5, 7]


def test_semicolon_decimal_comma_and_bom(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "prisindeks.csv").write_bytes("aar;indeks\n2022;104,5\n2023;1.010,0\n".encode("utf-8-sig"))
    df = DataFolder(folder).table("prisindeks")
    assert df["indeks"].tolist() == [104.5, 1010.0]
    assert df["aar"].tolist() == [2022, 2023]


def test_xlsx_with_a_sheet_per_table_reads_like_csv(tmp_path, small_folder):
    book = tmp_path / "data.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as xw:
        for name in ("befolkning", "modtagere"):
            pd.read_csv(small_folder / f"{name}.csv").to_excel(xw, sheet_name=name, index=False)
    from_xlsx, from_csv = DataFolder(book), DataFolder(small_folder)
    for name in ("befolkning", "modtagere"):
        pd.testing.assert_frame_equal(from_xlsx.table(name), from_csv.table(name))
    # a folder holding just the workbook works too
    assert DataFolder(tmp_path).available() == ["befolkning", "modtagere"]


def test_xlsx_problem_names_sheet_and_row(tmp_path):
    book = tmp_path / "data.xlsx"
    df = pd.DataFrame({"kommune_kode": [101, 147], "aar": [2023, 2023], "aldersgruppe": ["0-17", "0-17"],
                       "antal": [1000, "ukendt"]})
    df.to_excel(book, sheet_name="befolkning", index=False)
    with pytest.raises(InputError) as info:
        DataFolder(book).table("befolkning")
    assert "data.xlsx, ark 'befolkning', række 3, kolonne 'antal'" in str(info.value)


def test_exact_duplicate_rows_count_once_with_a_warning(tmp_path):
    folder = write_folder(tmp_path / "d", {"befolkning": SMALL_BEFOLKNING + "\n101,2023,0-17,1000"})
    data = DataFolder(folder)
    assert len(data.table("befolkning")) == 4
    # the file has a blank line before the repeat: line 7 of the file, as an editor numbers it
    assert any("gentagelse" in w.tekst() and "række 7" in w.tekst() for w in data.warnings)


def test_demo_folder_is_marked_synthetic():
    data = DataFolder()
    assert data.is_demo and "DEMODATA" in data.meta.label


def test_validate_reports_every_problem_in_every_table(tmp_path, run_cli):
    folder = write_folder(tmp_path / "d", {
        "befolkning": SMALL_BEFOLKNING + "\n825,20x3,0-17,4",
        "modtagere": SMALL_MODTAGERE + "\n825,2023,boern,ISBU01:405,-1\n825,2023,boern,NOPE:1,1",
        "regnskab": "kommune_kode,aar,funktion,gruppering,dranst,beloeb\n"
                    "101,2023,5.28,,1,100\n101,2023,5.28.21,002,3,x",
        "forloeb": "borger_id,trappe,indsats,start,slut,kommune_kode\nA,boern,ANBAAR12:1,2023-02-30,,101",
        "egne_tal": "noegletal_id,kommune_kode,aar,taeller,naevner\nB02,101,2023,5,0",
    })
    result = run_cli("valider", "--data", folder)
    assert result.code == 2
    expected = [  # the lines as an editor numbers them (a blank line stands before the bad rows)
        "befolkning.csv, række 7, kolonne 'aar'", "modtagere.csv, række 16, kolonne 'antal'",
        "modtagere.csv, række 17, kolonne 'indsats'", "regnskab.csv, række 2, kolonne 'funktion'",
        "regnskab.csv, række 3, kolonne 'dranst'", "regnskab.csv, række 3, kolonne 'beloeb'",
        "forloeb.csv, række 2, kolonne 'start'", "egne_tal.csv, række 2, kolonne 'naevner'",
    ]
    for part in expected:
        assert part in result.err, part
    assert "Fandt 8 fejl" in result.err


def test_validate_accepts_the_demo_data(run_cli):
    result = run_cli("valider")
    assert result.code == 0, result.err
    assert "Ingen fejl" in result.out


def test_a_population_of_0_is_warned_about_and_no_rate_is_shown(tmp_path, run_cli):
    """#33.6: valider accepts a population of 0 but says so; fordeling shows '–' for I alt's rate too (it
    showed 0,0 beside steps of '–')."""
    from conftest import SMALL_BEFOLKNING, SMALL_MODTAGERE, write_folder

    folder = write_folder(tmp_path / "d", {"befolkning": SMALL_BEFOLKNING.replace("147,2023,0-17,500",
                                                                                  "147,2023,0-17,0"),
                                           "modtagere": SMALL_MODTAGERE})
    checked = run_cli("valider", "--data", folder)
    assert checked.code == 0 and "befolkningen er 0" in checked.out + checked.err
    shown = run_cli("fordeling", "--trappe", "boern", "--kommune", "147", "--data", folder)
    total = next(line for line in shown.out.splitlines() if "I alt" in line)
    assert total.split("│")[5].strip() == "–", total


def test_output_into_a_one_workbook_data_folder_is_refused_and_a_stray_csv_hides_nothing(tmp_path, run_cli):
    """#30.8: `fordeling --ud MAPPE/fordeling.csv` into a data folder that is one data.xlsx made every later
    command say the folder had no tables. Output into the data folder is refused; a CSV that is no table of
    the contract (notes.csv) does not hide the workbook."""
    import io

    from conftest import SMALL_BEFOLKNING, SMALL_MODTAGERE

    folder = tmp_path / "mappe"
    folder.mkdir()
    with pd.ExcelWriter(folder / "data.xlsx") as xl:
        for name, text in (("befolkning", SMALL_BEFOLKNING), ("modtagere", SMALL_MODTAGERE)):
            pd.read_csv(io.StringIO("\n".join(line.strip() for line in text.strip().splitlines()))).to_excel(
                xl, sheet_name=name, index=False)
    refused = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder, "--ud",
                      folder / "fordeling.csv")
    assert refused.code == 2 and "ligger i datamappen" in refused.err and not (folder / "fordeling.csv").exists()
    (folder / "noter.csv").write_text("min,note\n1,2\n", encoding="utf-8")
    assert run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder).code == 0


def test_a_year_missing_in_the_middle_is_warned_about(tmp_path, run_cli):
    from conftest import SMALL_BEFOLKNING, SMALL_MODTAGERE

    gap = SMALL_MODTAGERE.rstrip() + "\n    101,2021,boern,ISBU01:405,20"
    folder = write_folder(tmp_path / "d", {"befolkning": SMALL_BEFOLKNING, "modtagere": gap.replace(
        "101,2023,voksne,HAND07:30013,7", "101,2023,voksne,HAND07:30013,7")})
    checked = run_cli("valider", "--data", folder)
    assert "årene 2022 mangler midt i 2021-2023" in checked.out + checked.err

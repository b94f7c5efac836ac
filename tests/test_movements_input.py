"""Bad episode data and privacy: exit 2 with file/row, nothing written, no CPR number anywhere."""

import pandas as pd
import pytest

from conftest import folder_digest, run_console_script, write_folder
from indsatstrappe.io.datafolder import DataFolder

HEADER = "borger_id,trappe,indsats,start,slut,kommune_kode"
GOOD_ROW = "A,boern,ANBAAR12:9,2022-01-01,2023-06-30,101"


@pytest.mark.parametrize(("row", "expected"), [
    ("B,boern,ANBAAR12:9,2023-05-01,2023-04-30,101", ["række 3", "kolonne 'slut'", "ligger før start"]),
    ("B,boern,ANBAAR12:9,2023-02-30,,101", ["række 3", "kolonne 'start'", "'2023-02-30' er ikke en gyldig dato"]),
    ("B,boern,ANBAAR12:9,2023-01-01,13-13-2023,101", ["række 3", "kolonne 'slut'", "ikke en gyldig dato"]),
    ("B,hest,ANBAAR12:9,2023-01-01,,101", ["række 3", "ukendt trappe 'hest'"]),
    ("B,boern,HAND07:30181,2023-01-01,,101", ["række 3", "ukendt indsatskode 'HAND07:30181'", "indsatser.csv"]),
    (",boern,ANBAAR12:9,2023-01-01,,101", ["række 3", "kolonne 'borger_id'", "tom"]),
])
def test_bad_episode_rows(row, expected, tmp_path, run_cli):
    folder = write_folder(tmp_path / "d", {"forloeb": f"{HEADER}\n{GOOD_ROW}\n{row}"})
    before = folder_digest(folder)
    target = tmp_path / "ud.csv"
    result = run_cli("bevaegelser", "--trappe", "boern", "--fra", "2023-01-01", "--til", "2023-12-31",
                     "--data", folder, "--ud", target)
    assert result.code == 2
    assert "forloeb.csv" in result.err
    for part in expected:
        assert part in result.err, (part, result.err)
    assert not target.exists()
    assert folder_digest(folder) == before


@pytest.mark.parametrize(("content", "expected"), [
    ("borger_id,trappe,indsats,start,kommune_kode\nA,boern,ANBAAR12:9,2022-01-01,101", "'slut'"),
    ("", "filen er tom"),
])
def test_missing_column_and_empty_file(content, expected, tmp_path, run_cli):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "forloeb.csv").write_text(content, encoding="utf-8")
    result = run_cli("bevaegelser", "--trappe", "boern", "--fra", "2023-01-01", "--til", "2023-12-31",
                     "--data", folder)
    assert result.code == 2 and "forloeb.csv" in result.err and expected in result.err


@pytest.mark.parametrize(("args", "expected"), [
    (["--fra", "2024-01-01", "--til", "2023-01-01"], "ligger efter til-datoen"),
    (["--fra", "2023-02-29", "--til", "2024-01-01"], "'2023-02-29' er ikke en gyldig dato"),
    (["--fra", "2023-01-01", "--til", "2024-01-01", "--kommune", "147"], "ingen forløb"),
])
def test_bad_dates_and_filters(args, expected, tmp_path, run_cli):
    folder = write_folder(tmp_path / "d", {"forloeb": f"{HEADER}\n{GOOD_ROW}"})
    result = run_cli("bevaegelser", "--trappe", "boern", *args, "--data", folder)
    assert result.code == 2 and expected in result.err, result.err


CPR_ROWS = """
    borger_id,trappe,indsats,start,slut,kommune_kode
    010190-1234,boern,ANBAAR12:9,2022-01-01,2023-06-30,101
    010190-1234,boern,EGEN:HJEM-FAMBEH,2023-07-01,,101
    2412851234,boern,ANBAAR12:21,2022-01-01,,101
    X-77,boern,ISBU01:405,2022-01-01,,101
"""


def test_cpr_numbers_are_pseudonymised_on_input(tmp_path):
    folder = write_folder(tmp_path / "d", {"forloeb": CPR_ROWS})
    table = DataFolder(folder).table("forloeb")
    ids = set(table["borger_id"])
    assert "010190-1234" not in ids and "2412851234" not in ids and "X-77" in ids
    assert len(ids) == 3  # the same CPR gives the same pseudonym within a run
    other_run = set(DataFolder(folder).table("forloeb")["borger_id"])
    assert ids != other_run  # a fresh key each run: pseudonyms cannot be matched across outputs


def test_no_cpr_number_reaches_outputs_or_messages(tmp_path):
    folder = write_folder(tmp_path / "d", {"forloeb": CPR_ROWS + "\n    0101901234,boern,0203041234,2022-01-01,,101"})
    result = run_console_script("bevaegelser", "--trappe", "boern", "--fra", "2023-01-01", "--til",
                                "2023-12-31", "--data", folder)
    assert result.code == 2
    assert "CPR-nummer skjult" in result.err
    for cpr in ("0101901234", "0203041234", "010190-1234"):
        assert cpr not in result.err + result.out
    good = write_folder(tmp_path / "ok", {"forloeb": CPR_ROWS})
    target = tmp_path / "m.csv"
    result = run_console_script("bevaegelser", "--trappe", "boern", "--fra", "2023-01-01", "--til",
                                "2023-12-31", "--data", good, "--ud", target)
    assert result.code == 0, result.err
    text = target.read_text()
    assert "1234" not in text and "borger" not in text
    assert pd.read_csv(target)["antal"].sum() == 3


def test_days_after_the_data_are_refused_and_days_before_are_warned_about(run_cli):
    """#30.9: `bevaegelser --fra 2030-01-01 --til 2031-01-01` reported 'Samme trin: 424' though the data end
    on 2024-12-31."""
    late = run_cli("bevaegelser", "--trappe", "voksne", "--fra", "2030-01-01", "--til", "2031-01-01")
    assert late.code == 2 and "ligger efter forløbsdataene, som slutter i 2024" in late.err
    assert "Traceback" not in late.err
    early = run_cli("bevaegelser", "--trappe", "voksne", "--fra", "1990-01-01", "--til", "2020-12-31")
    assert early.code == 0 and "ligger før det første forløb" in early.err

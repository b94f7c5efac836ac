"""Every bad input: exit 2, a Danish message naming file/row/column, no traceback, nothing written,
inputs untouched."""

import shutil
from pathlib import Path

import pytest

from conftest import SMALL_BEFOLKNING, SMALL_MODTAGERE, folder_digest, run_console_script, write_folder

GOOD = {"befolkning": SMALL_BEFOLKNING, "modtagere": SMALL_MODTAGERE}


def modtagere_with(line: str) -> str:
    return SMALL_MODTAGERE.rstrip() + "\n" + line


BAD_CASES = {
    "text_in_antal": ({"modtagere": modtagere_with("147,2023,boern,ISBU01:401,mange")},
                      ["modtagere.csv", "række 15", "kolonne 'antal'", "'mange' er ikke et tal"]),
    "negative_antal": ({"modtagere": modtagere_with("147,2023,boern,ISBU01:401,-3")},
                       ["modtagere.csv", "række 15", "'antal'", "negativ"]),
    # #30.1: a count beyond any count was an internal error ("cannot safely cast")
    "huge_antal": ({"modtagere": modtagere_with("147,2023,boern,ISBU01:401,99999999999999999999")},
                   ["modtagere.csv", "række 15", "'antal'", "for stort"]),
    "huge_population": ({"befolkning": SMALL_BEFOLKNING.rstrip() + "\n825,2023,0-17,1e20"},
                        ["befolkning.csv", "række 6", "'antal'", "'1e20' er for stort"]),
    "year_not_a_year": ({"befolkning": SMALL_BEFOLKNING.rstrip() + "\n825,tyve,0-17,40"},
                        ["befolkning.csv", "række 6", "kolonne 'aar'", "'tyve' er ikke et årstal"]),
    "year_out_of_range": ({"befolkning": SMALL_BEFOLKNING.rstrip() + "\n825,23,0-17,40"},
                          ["befolkning.csv", "række 6", "'aar'", "ikke et årstal"]),
    "unknown_municipality": ({"modtagere": modtagere_with("411,2023,boern,ISBU01:401,3")},
                             ["modtagere.csv", "række 15", "kolonne 'kommune_kode'", "ukendt kommunekode '411'"]),
    "missing_column": ({"befolkning": "kommune_kode,aar,antal\n101,2023,1000"},
                       ["befolkning.csv", "'aldersgruppe'", "mangler"]),
    "duplicate_key_different_values": (
        {"befolkning": SMALL_BEFOLKNING.rstrip() + "\n101,2023,0-17,1200"},
        ["befolkning.csv", "rækkerne 2, 6", "samme nøgle", "forskellige værdier"]),
    "unknown_intervention_code": ({"modtagere": modtagere_with("147,2023,boern,ANBAAR12:777,3")},
                                  ["modtagere.csv", "række 15", "ukendt indsatskode 'ANBAAR12:777'",
                                   "indsatser.csv"]),
    "code_on_the_other_staircase": ({"modtagere": modtagere_with("147,2023,voksne,ANBAAR12:21,3")},
                                    ["modtagere.csv", "række 15", "ukendt indsatskode 'ANBAAR12:21'"]),
    "unknown_staircase": ({"modtagere": modtagere_with("147,2023,born,ANBAAR12:21,3")},
                          ["modtagere.csv", "række 15", "ukendt trappe 'born'"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_table_content(case, tmp_path, run_cli):
    tables, expected = BAD_CASES[case]
    folder = write_folder(tmp_path / "data", {**GOOD, **tables})
    before = folder_digest(folder)
    target = tmp_path / "ud" / "fordeling.csv"
    result = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder, "--ud", target)
    assert result.code == 2
    for part in expected:
        assert part in result.err, (part, result.err)
    assert "Traceback" not in result.err + result.out
    assert not (tmp_path / "ud").exists() or not any((tmp_path / "ud").iterdir())
    assert folder_digest(folder) == before


def _write_raw(tmp_path, name: str, content: bytes):
    folder = write_folder(tmp_path / "data", GOOD)
    (folder / f"{name}.csv").write_bytes(content)
    return folder


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "filen er tom"),
    (b"   \n\n", "filen er tom"),
    (b"kommune_kode,aar,trappe,indsats,antal\n", "ingen datarækker"),
    (b"PK\x03\x04\x00\x00binary", "ikke en tekstfil"),
    ("kommune_kode,aar,trappe,indsats,antal\n101,2023,boern,ISBU01:405,20\n101,2023,boern,EGEN:HJEM-FAMBEH,"
     "15\n# Næstved\n".encode("cp1252"), "ikke UTF-8"),
])
def test_unreadable_files(content, expected, tmp_path, run_cli):
    folder = _write_raw(tmp_path, "modtagere", content)
    result = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder)
    assert result.code == 2
    assert "modtagere.csv" in result.err and expected in result.err
    assert "Traceback" not in result.err


def test_wrong_encoding_names_the_row(tmp_path, run_cli):
    text = SMALL_BEFOLKNING.strip().replace("        ", "") + "\n825,2023,0-17,40 # Læsø\n"
    folder = _write_raw(tmp_path, "befolkning", "\n".join(x.strip() for x in text.splitlines()).encode("cp1252"))
    result = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder)
    assert result.code == 2 and "befolkning.csv, række 6" in result.err and "CSV UTF-8" in result.err


def test_missing_table_says_which_file_to_add(tmp_path, run_cli):
    folder = write_folder(tmp_path / "data", {"befolkning": SMALL_BEFOLKNING})
    result = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder)
    assert result.code == 2 and "tabellen 'modtagere' mangler" in result.err and "modtagere.csv" in result.err


def test_a_command_needs_only_its_tables(tmp_path, run_cli):
    folder = write_folder(tmp_path / "data", {"modtagere": SMALL_MODTAGERE})  # no befolkning
    target = tmp_path / "f.csv"
    result = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder, "--ud", target)
    assert result.code == 0, result.err
    assert target.read_text().count("\n") == 7


@pytest.mark.parametrize(("args", "expected"), [
    (["--trappe", "katte", "--kommune", "101"], "ukendt trappe 'katte'"),
    (["--trappe", "boern", "--kommune", "Gotham"], "'Gotham' er ikke en kendt kommune"),
    (["--trappe", "boern", "--kommune", "101", "--aar", "1999"], "året 1999 findes ikke"),
    (["--trappe", "boern", "--kommune", "101", "--aar", "sidste"], "'sidste' er ikke et årstal"),
    (["--trappe", "boern", "--kommune", "101", "--gruppe", "Jylland"], "ikke en sammenligningsgruppe"),
    (["--trappe", "boern", "--kommune", "101", "--format", "xls"], "ukendt format 'xls'"),
    (["--kommune", "101"], "Tilvalg mangler '--trappe'"),
    (["--trappe", "boern", "--kommune", "101", "--data", "findes/ikke"], "findes ikke"),
])
def test_bad_options(args, expected, small_folder, run_cli):
    if "--data" not in args:
        args = [*args, "--data", str(small_folder)]
    result = run_cli("fordeling", *args)
    assert result.code == 2
    assert expected in result.err, result.err


def test_console_script_exit_code_and_no_traceback(tmp_path):
    folder = write_folder(tmp_path / "data", {**GOOD, "modtagere": modtagere_with("147,2023,boern,X:1,-1")})
    result = run_console_script("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder)
    assert result.code == 2
    assert "modtagere.csv, række 15" in result.err
    assert "Traceback" not in result.err


def test_output_path_that_cannot_be_written(tmp_path, run_cli):
    blocker = tmp_path / "fil.txt"
    blocker.write_text("x", encoding="utf-8")
    result = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--ud", blocker / "ud.csv")
    assert result.code == 2 and "kan ikke skrive" in result.err and "Traceback" not in result.err
    result = run_cli("udsend", "--ud", blocker, "--kommuner", "825")
    assert result.code == 2 and "fil.txt" in result.err
    assert blocker.read_text(encoding="utf-8") == "x"


def test_udsend_names_a_bad_row_found_while_preparing_in_a_second_process(tmp_path):
    # prisindeks is read only for the Udgiftsmodel, which udsend prepares in a forked process
    demo = Path(__file__).parents[1] / "python" / "indsatstrappe" / "data" / "demo"
    folder = tmp_path / "data"
    shutil.copytree(demo, folder)
    with open(folder / "prisindeks.csv", "a", encoding="utf-8") as fh:
        fh.write("2025,meget\n")
    before = folder_digest(folder)
    out = tmp_path / "ud"
    result = run_console_script("udsend", "--ud", out, "--kommuner", "825,147", "--data", folder)
    assert result.code == 2, result.err
    assert "prisindeks.csv" in result.err and "'meget' er ikke et tal" in result.err
    assert "Traceback" not in result.err + result.out
    assert not out.exists() or not list(out.glob("*.xlsx"))
    assert folder_digest(folder) == before


def test_distribute_names_an_unknown_municipality_before_any_work(tmp_path):
    """A caller of the library (the ribbon's button, a script) gets the Danish message the CLI gives, not a
    KeyError from a worker, and nothing is written."""
    from indsatstrappe.app import distribute
    from indsatstrappe.core.errors import InputError
    from indsatstrappe.io.datafolder import DataFolder

    out = tmp_path / "ud"
    with pytest.raises(InputError, match="ukendt kommunekode 325, 411"):
        distribute.distribute(DataFolder(), out, [101, 325, 411], workers=1)
    assert not out.exists()


def test_click_and_the_file_system_answer_in_danish(tmp_path):
    """#30: English reached users ("is not a valid integer", "File exists"); --kommuner errors named --kommune."""
    run = run_console_script("udsend", "--ud", tmp_path / "u", "--processer", "to")
    assert run.code == 2 and "'to' er ikke et gyldigt tal" in run.err and "valid" not in run.err
    afile = tmp_path / "fil"
    afile.write_text("x", encoding="utf-8")
    run = run_console_script("udsend", "--ud", afile, "--kommuner", "101")
    assert run.code == 2 and "der findes allerede en fil med det navn" in run.err and "File exists" not in run.err
    run = run_console_script("udsend", "--ud", tmp_path / "u", "--kommuner", "Frederiks")
    assert run.code == 2 and "--kommuner: 'Frederiks' passer på flere kommuner" in run.err

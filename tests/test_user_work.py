"""`opdater` keeps the user's work, whatever the user did to the workbook in Excel: each case here was an
internal error or a silent loss before (issue 16), and is reproduced first."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from indsatstrappe.excel.reader import _named_cell, read_entries

ROOT = Path(__file__).resolve().parents[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(ROOT / "templates" / name, target)
    return target


def _rename_like_excel(wb, old: str, new: str) -> None:
    """Excel renames a sheet and every defined name that points at it (openpyxl renames only the sheet)."""
    wb[old].title = new
    for name in wb.defined_names.values():
        name.attr_text = name.attr_text.replace(f"'{old}'!", f"'{new}'!").replace(f"{old}!", f"'{new}'!")


def _delete_like_excel(wb, sheet: str) -> None:
    """Excel deletes a sheet and turns the names that pointed at it into #REF!."""
    del wb[sheet]
    for name in wb.defined_names.values():
        if f"'{sheet}'!" in name.attr_text or f"{sheet}!" in name.attr_text:
            name.attr_text = "#REF!"


def _save(wb, path: Path) -> Path:
    wb.save(path)
    return path


def test_text_in_an_own_figure_cell_is_named_with_its_cell_and_nothing_is_written(run_cli, tmp_path):
    path = _copy("Noegletal.xlsm", tmp_path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    t_cell = wb.defined_names["E_t"].destinations
    sheet, ref = next(iter(t_cell))
    first = wb[sheet][ref.replace("$", "").split(":")[0]]
    first.value = "ca. 500"
    wb[sheet].cell(first.row + 1, first.column + 1).value = "mange"
    _save(wb, path)
    before = _digest(path)
    run = run_cli("opdater", path)
    assert run.code == 2, run.err
    assert f"ark 'Egne tal', celle {first.coordinate}" in run.err and "'ca. 500' er ikke et tal" in run.err
    assert "'mange' er ikke et tal" in run.err  # all at once
    assert "Intern fejl" not in run.err and _digest(path) == before
    assert not list(tmp_path.glob("*.backup-*"))


def test_a_deleted_sheet_stops_with_a_danish_message_and_the_file_untouched(run_cli, tmp_path):
    path = _copy("Udgiftsmodel.xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    _delete_like_excel(wb, "Regnskab")
    _save(wb, path)
    before = _digest(path)
    run = run_cli("opdater", path)
    assert run.code == 2, run.err
    assert "arket 'Regnskab' er slettet" in run.err and "backup" in run.err
    assert "Intern fejl" not in run.err and _digest(path) == before


def test_renamed_sheets_and_changed_labels_keep_the_udgiftsmodel_entries(run_cli, tmp_path):
    path = _copy("Udgiftsmodel.xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    scen = wb["Scenarie"]
    label = next(c for row in scen.iter_rows() for c in row if c.value == "Bevægelse 1")
    label.value = "Flyt fra 6 til 5"  # the label a refresh used to look for
    first = _first_cell(wb, "ScenFlyt")
    values = [6, 5, 25, None, 2, 1]
    for k, v in enumerate(values):
        scen.cell(first.row, first.column + k).value = v
    rules = wb["Fordelingsnøgle"]
    header = next(r for r in range(1, rules.max_row + 1) if rules.cell(r, 2).value == "Trappe")
    rules.cell(header, 2).value = "Trappe (ret her)"
    amount = _first_cell(wb, "X_beloeb")
    amount.parent.cell(amount.row, amount.column - 1).value = "528211002"
    amount.value = 12345.5
    _named_cell(wb, "EgetAar").value = 2024
    for sheet in ("Scenarie", "Fordelingsnøgle", "Regnskab"):
        _rename_like_excel(wb, sheet, sheet + " 2024")
    _save(wb, path)
    before = read_entries(path)
    run = run_cli("opdater", path)
    assert run.code == 0, run.err
    after = read_entries(path)
    assert after.scenarie[0] == values and after.rules == before.rules and len(after.rules) > 20
    assert after.export[0] == ("528211002", 12345.5) and after.eget_aar == 2024


def test_renamed_botilbud_sheet_and_changed_header_keep_the_noegletal_entries(run_cli, tmp_path):
    path = _copy("Noegletal.xlsm", tmp_path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    egne = wb["Egne tal"]
    header = next(c for row in egne.iter_rows() for c in row if c.value == "id")
    header.value = "Nøgletal-id"
    sheet, ref = next(iter(wb.defined_names["E_n"].destinations))
    n_cell = wb[sheet][ref.replace("$", "").split(":")[0]]
    n_cell.value, wb[sheet].cell(n_cell.row, n_cell.column - 1).value = 40, 12
    bo_sheet, bo_ref = next(iter(wb.defined_names["Bo_navn"].destinations))
    name_cell = wb[bo_sheet][bo_ref.replace("$", "").split(":")[0]]
    typed = ["Egely", 2024, 3, 10, None, None, 5, 9, None, None, 1, 2]
    columns = [2, 3] + [c for i in range(5) for c in (4 + 3 * i, 5 + 3 * i)]
    for c in range(2, 20):
        wb[bo_sheet].cell(name_cell.row, c).value = None
    for c, v in zip(columns, typed, strict=True):
        wb[bo_sheet].cell(name_cell.row, c).value = v
    _rename_like_excel(wb, "Botilbud", "Botilbud 2024")
    _save(wb, path)
    before = read_entries(path)
    assert typed in before.botilbud
    run = run_cli("opdater", path)
    assert run.code == 0, run.err
    after = read_entries(path)
    assert after.botilbud == before.botilbud and after.egne == before.egne and after.egne


def test_a_rule_error_names_the_row_the_sheet_shows(run_cli, tmp_path):
    path = _copy("Udgiftsmodel.xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    rules = wb["Fordelingsnøgle"]
    header = next(r for r in range(1, rules.max_row + 1) if rules.cell(r, 2).value == "Trappe")
    spare = [r for r in range(header + 1, rules.max_row + 1) if not rules.cell(r, 2).value]
    bad = spare[3]  # with empty rows above it: the sheet's row, not the n-th rule
    for c, v in enumerate(["voksne", "5.38.45", "", "", "trin", "12", ""], start=2):
        rules.cell(bad, c).value = v
    _save(wb, path)
    run = run_cli("opdater", path)
    assert run.code == 2
    assert f"række {bad}" in run.err and "trin '12'" in run.err


FIXTURES = Path(__file__).parent / "fixtures"  # workbooks as the project wrote them at commit b070a89


def _first_cell(wb, name: str):
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "").split(":")[0]]


def test_a_noegletal_workbook_from_an_earlier_version_keeps_every_entry(run_cli, tmp_path):
    path = tmp_path / "Noegletal_egen.xlsm"
    shutil.copy(FIXTURES / "Noegletal_b070a89.xlsm", path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    _named_cell(wb, "ValgtKommune").value = "Aarhus"
    _named_cell(wb, "EgneKommune").value = "Aarhus"
    t = _first_cell(wb, "E_t")
    for k in range(4):
        t.parent.cell(t.row + k, t.column).value = 10 + k
        t.parent.cell(t.row + k, t.column + 1).value = 40 + k
    name = _first_cell(wb, "Bo_navn")
    for c in range(2, 20):
        name.parent.cell(name.row, c).value = None
    for c, v in zip([2, 3, 4, 5], ["Bostedet", 2023, 7, 20], strict=True):
        name.parent.cell(name.row, c).value = v
    _save(wb, path)
    before = read_entries(path)
    typed = {k: v for k, v in before.egne.items() if v in {(10.0 + k, 40.0 + k) for k in range(4)}}
    assert len(typed) == 4 and before.botilbud[0][:4] == ["Bostedet", 2023, 7, 20]
    run = run_cli("opdater", path)
    assert run.code == 0, run.err
    after = read_entries(path)
    assert after == before
    assert "R_trappe" not in openpyxl.load_workbook(FIXTURES / "Noegletal_b070a89.xlsm").defined_names


def test_an_udgiftsmodel_workbook_from_an_earlier_version_keeps_every_entry(run_cli, tmp_path):
    path = tmp_path / "Udgiftsmodel_egen.xlsx"
    shutil.copy(FIXTURES / "Udgiftsmodel_b070a89.xlsx", path)
    wb = openpyxl.load_workbook(path)
    assert "X_konto" not in wb.defined_names and "ScenFlyt" not in wb.defined_names  # the old layout
    _named_cell(wb, "ValgtKommune").value = "Odense"
    _named_cell(wb, "Basisaar").value = 2022
    rules = wb["Fordelingsnøgle"]
    fordeling = _first_cell(wb, "R_fordeling")
    spare = next(r for r in range(fordeling.row, rules.max_row + 1) if not rules.cell(r, 2).value)
    for c, v in enumerate(["voksne", "5.38.45", "", "", "trin", "4", "Egen regel"], start=2):
        rules.cell(spare, c).value = v
    amount = _first_cell(wb, "X_beloeb")
    amount.parent.cell(amount.row, amount.column - 1).value = "538501001"
    amount.value = -2500
    _named_cell(wb, "EgetAar").value = 2024
    scen = wb["Scenarie"]
    label = next(c for row in scen.iter_rows() for c in row if c.value == "Bevægelse 2")
    for k, v in enumerate([8, 6, None, 3, 1, 2]):
        scen.cell(label.row, 3 + k).value = v
    _save(wb, path)
    before = read_entries(path)
    assert ("voksne", "5.38.45", "", "", "trin", "4", "Egen regel") in before.rules
    assert ("538501001", -2500) in before.export and before.scenarie[1] == [8, 6, None, 3, 1, 2]
    run = run_cli("opdater", path)
    assert run.code == 0, run.err
    after = read_entries(path)
    assert (after.rules, after.export, after.scenarie, after.eget_aar, after.basisaar, after.kommune) == \
        (before.rules, before.export, before.scenarie, before.eget_aar, before.basisaar, before.kommune)


def test_an_output_over_an_input_file_is_refused_and_the_input_kept(run_cli, tmp_path):
    from conftest import SMALL_BEFOLKNING, SMALL_MODTAGERE, folder_digest, write_folder

    folder = write_folder(tmp_path / "data", {"befolkning": SMALL_BEFOLKNING, "modtagere": SMALL_MODTAGERE,
                                              "regnskab": "kommune_kode,aar,funktion,gruppering,dranst,beloeb\n"
                                                          "101,2023,5.28.21,002,1,1000"})
    before = folder_digest(folder)
    for target in ("befolkning.csv", "regnskab.csv"):  # read by the command, and not read by it
        run = run_cli("fordeling", "--trappe", "boern", "--kommune", "101", "--data", folder, "--ud", folder / target)
        assert run.code == 2 and "inputfiler" in run.err and "Traceback" not in run.err
    assert folder_digest(folder) == before


def test_csv_for_excel_writes_no_live_formula(run_cli, tmp_path):
    from conftest import SMALL_BEFOLKNING, write_folder

    folder = write_folder(tmp_path / "data", {"befolkning": SMALL_BEFOLKNING, "botilbud": """
        kommune_kode,botilbud,aar,maal,taeller,naevner
        101,"=HYPERLINK(""http://x"",""klik"")",2023,M1,10,20
        101,@Egely,2023,M1,5,9
    """})
    target = tmp_path / "b.csv"
    run = run_cli("botilbud", "--kommune", "101", "--data", folder, "--ud", target, "--format", "excel")
    assert run.code == 0, run.err
    text = target.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@Egely" in text
    assert not any(field.startswith(("=", "@", "+")) for line in text.splitlines() for field in line.split(";"))


def _table_file(tmp_path: Path, name: str, content: bytes) -> Path:
    from conftest import SMALL_BEFOLKNING, write_folder

    folder = write_folder(tmp_path / "data", {"befolkning": SMALL_BEFOLKNING})
    (folder / name).write_bytes(content)
    return folder


@pytest.mark.parametrize(("content", "line"), [
    # a blank line in the middle: the bad row is line 5 of the file
    (b"kommune_kode,aar,trappe,indsats,antal\n101,2023,boern,ISBU01:405,20\n\n101,2023,boern,ISBU01:401,x\n", 4),
    # Excel's "sep=;" first line, then the header
    (b"sep=;\nkommune_kode;aar;trappe;indsats;antal\n101;2023;boern;ISBU01:405;x\n", 3),
    # Excel's "Unicode-tekst": UTF-16 with a BOM, tab-separated
    ("kommune_kode\taar\ttrappe\tindsats\tantal\r\n101\t2023\tboern\tISBU01:405\tx\r\n".encode("utf-16"), 2),
])
def test_table_files_as_excel_saves_them_name_the_files_line(run_cli, tmp_path, content, line):
    folder = _table_file(tmp_path, "modtagere.csv", content)
    run = run_cli("valider", "--data", folder)
    assert run.code == 2
    assert f"modtagere.csv, række {line}, kolonne 'antal'" in run.err and "'x'" in run.err, run.err


def test_a_column_named_twice_is_refused(run_cli, tmp_path):
    folder = _table_file(tmp_path, "modtagere.csv",
                         b"kommune_kode,aar,trappe,indsats,antal,antal\n101,2023,boern,ISBU01:405,20,3\n")
    run = run_cli("valider", "--data", folder)
    assert run.code == 2 and "'antal' står flere gange" in run.err


def test_a_stray_cell_far_right_in_an_xlsx_sheet_is_ignored(tmp_path):
    from indsatstrappe.io.datafolder import DataFolder

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "befolkning"
    ws.append(["kommune_kode", "aar", "aldersgruppe", "antal"])
    for k in range(25):
        ws.append([101, 2000 + k, "0-17", 1000 + k])
    ws.cell(3, 16384).value = "x"  # column XFD: the sheet is 16,384 columns wide
    path = tmp_path / "data.xlsx"
    wb.save(path)
    table = DataFolder(path).table("befolkning")
    assert list(table.columns) == ["kommune_kode", "aar", "aldersgruppe", "antal"] and len(table) > 0


def test_a_cpr_number_written_with_a_space_never_reaches_a_message(run_cli, tmp_path):
    folder = _table_file(tmp_path, "forloeb.csv",
                         b"borger_id,trappe,indsats,start,slut,kommune_kode\n"
                         b"030912 5991,boern,ANBAAR12:1,2023-02-30,,101\n"
                         b"A1,boern,ANBAAR12:1,2023-03-01,,030912 5991\n")  # in the wrong column
    run = run_cli("valider", "--data", folder)
    assert run.code == 2 and "række 2" in run.err and "række 3" in run.err
    assert "030912" not in run.err + run.out and "5991" not in run.err + run.out


def test_own_figures_for_a_year_the_new_data_lack_stop_the_refresh(run_cli, tmp_path):
    import pandas as pd

    data = tmp_path / "data"
    data.mkdir()
    demo = ROOT / "python" / "indsatstrappe" / "data" / "demo"
    for f in demo.iterdir():
        if f.suffix == ".csv":
            table = pd.read_csv(f, dtype=str, keep_default_na=False)
            (table[table["aar"] != "2018"] if "aar" in table else table).to_csv(data / f.name, index=False)
    path = _copy("Noegletal.xlsm", tmp_path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ids, years, ts = (wb.defined_names[n].destinations for n in ("E_id", "E_aar", "E_t"))
    sheet, ref = next(iter(years))
    row = next(c.row for (c,) in wb[sheet][ref.replace("$", "")] if c.value == 2018)
    wb[sheet].cell(row, 6).value, wb[sheet].cell(row, 7).value = 3, 9
    _save(wb, path)
    before = _digest(path)
    run = run_cli("opdater", path, "--data", data)
    assert run.code == 2, run.err
    assert "2018" in run.err and "kan ikke placeres" in run.err and _digest(path) == before


def test_a_read_only_workbook_stays_read_only_and_a_locked_folder_is_named(run_cli, tmp_path, monkeypatch):
    import stat
    import tempfile

    path = _copy("Noegletal.xlsm", tmp_path)
    path.chmod(0o444)
    run = run_cli("opdater", path)
    assert run.code == 0, run.err
    assert stat.S_IMODE(path.stat().st_mode) == 0o444

    def locked(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / ".x.tmp"))
    monkeypatch.setattr(tempfile, "mkstemp", locked)  # root may write anywhere: the folder's refusal, simulated
    run = run_cli("opdater", path)
    assert run.code == 2 and "skrivebeskyttet" in run.err and ".tmp" not in run.err and "--ud" not in run.err


@pytest.mark.parametrize("name", ["Noegletal.xlsm", "Udgiftsmodel.xlsx"])
def test_every_yellow_cell_has_excel_data_validation(name):
    wb = openpyxl.load_workbook(ROOT / "templates" / name, keep_vba=name.endswith(".xlsm"))
    unchecked, yellow = [], 0
    for ws in wb.worksheets:
        covered = [dv.sqref for dv in ws.data_validations.dataValidation]
        for row in ws.iter_rows():
            for c in row:
                if c.fill is not None and str(c.fill.fgColor.rgb).upper().endswith("FFF2CC"):
                    yellow += 1
                    if not any(c.coordinate in ref for ref in covered):
                        unchecked.append(f"{ws.title}!{c.coordinate}")
    assert yellow > 100 and unchecked == [], unchecked[:20]


def test_a_header_below_a_title_is_pointed_out(run_cli, tmp_path):
    folder = _table_file(tmp_path, "modtagere.csv",
                         "Modtagere 2023 (udtræk fra fagsystemet),,,,\n,,,,\n"
                         "kommune_kode,aar,trappe,indsats,antal\n101,2023,boern,ISBU01:405,20\n".encode())
    run = run_cli("valider", "--data", folder)
    assert run.code == 2 and "står i række 3" in run.err and "Slet rækkerne over" in run.err


def test_text_in_a_scenario_or_export_cell_is_named_with_its_cell(tmp_path):
    from indsatstrappe.core.errors import InputError

    path = _copy("Udgiftsmodel.xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    first = _first_cell(wb, "ScenFlyt")
    first.parent.cell(first.row, first.column + 2).value = "ti procent"
    amount = _first_cell(wb, "X_beloeb")
    amount.value = "1.000 kr"
    _save(wb, path)
    with pytest.raises(InputError) as caught:
        read_entries(path)
    text = str(caught.value)
    assert f"celle {first.parent.cell(first.row, first.column + 2).coordinate}" in text and "'ti procent'" in text
    assert f"celle {amount.coordinate}" in text and "'1.000 kr' er ikke et beløb" in text


def test_an_input_cell_keeps_the_entry_as_typed(tmp_path):
    """One writer for every yellow cell: a number, a truth value and a text come back as they were typed
    (text where a number belongs too: the check that reads it names the cell); nothing and NaN stay empty."""
    import math
    from datetime import date

    import numpy as np

    from indsatstrappe.excel.scaffold import Book, BookInfo

    entries = [12.5, np.int64(3), True, "12,5 kr.", "", None, math.nan]
    book = Book(tmp_path / "ark.xlsx", BookInfo("Prøve", "", "", False, "", date(2026, 12, 1)))
    ws = book.sheet("Ark", "Prøve")
    for r, value in enumerate(entries):
        book.input_cell(ws, 10 + r, 2, value, book.styles.input("text"))
    book.close()
    got = [openpyxl.load_workbook(tmp_path / "ark.xlsx")["Ark"].cell(11 + r, 3).value for r in range(len(entries))]
    assert got == [12.5, 3, True, "12,5 kr.", None, None, None]
    assert isinstance(got[2], bool)


def _set_named(wb, name: str, value) -> None:
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    wb[sheet][ref.replace("$", "")].value = value


def test_choices_are_read_as_excel_accepts_them_and_an_unreadable_one_is_reported(run_cli, tmp_path):
    """#30.7: 'voksne (5.38)' in lower case (Excel's list validation accepts it) was switched to Børn og unge, a
    group typed 'region hovedstaden' reset to the municipality's group, a year of 2030 reset to 2024."""
    path = _copy("Udgiftsmodel.xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    _set_named(wb, "ValgtOmraade", "voksne (5.38)")
    _set_named(wb, "ValgtGruppe", "region hovedstaden")
    _save(wb, path)
    run = run_cli("opdater", path)
    assert run.code == 0, run.err
    entries = read_entries(path)
    assert entries.omraade == "Voksne (5.38)" and entries.gruppe == "Region Hovedstaden"
    path = _copy("Noegletal.xlsm", tmp_path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    _set_named(wb, "ValgtAar", 2030)
    _save(wb, path)
    before = _digest(path)
    run = run_cli("opdater", path)
    assert run.code == 2 and "'År på trappe-arkene' har '2030'" in run.err and "Traceback" not in run.err
    assert _digest(path) == before


def test_a_mistyped_id_and_a_row_typed_twice_on_egne_tal_are_reported_not_dropped(run_cli, tmp_path):
    """#30.3 and #30.5: an Egne tal row with 'B2' for B02 was dropped by opdater; a row inserted as Excel does
    (the named range grows) with the same id and year typed again lost one of the two."""
    path = _copy("Noegletal.xlsm", tmp_path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    columns = {n: next(iter(wb.defined_names[n].destinations)) for n in ("E_id", "E_aar", "E_t", "E_n")}
    sheet = wb[columns["E_id"][0]]
    cells = {n: sheet[ref.replace("$", "")] for n, (_, ref) in columns.items()}
    first = {n: c[0][0] for n, c in cells.items()}
    second = {n: c[1][0] for n, c in cells.items()}
    first["E_id"].value, first["E_t"].value, first["E_n"].value = "B2", 5, 10
    for n in ("E_id", "E_aar"):
        second[n].value = cells[n][2][0].value
    third = {n: c[2][0] for n, c in cells.items()}
    second["E_t"].value, second["E_n"].value = 7, 20
    third["E_t"].value, third["E_n"].value = 8, 20
    _save(wb, path)
    before = _digest(path)
    run = run_cli("opdater", path)
    assert run.code == 2, run.err
    assert f"celle {first['E_id'].coordinate}" in run.err and "'B2' er ikke et nøgletal" in run.err
    assert "mente du B02?" in run.err
    assert "står to gange" in run.err and third["E_id"].coordinate in run.err
    assert _digest(path) == before


def test_a_sheet_the_user_added_stops_opdater_before_anything_is_written(run_cli, tmp_path):
    """#30.4: a sheet 'Mine noter' was gone after opdater (only the backup had it)."""
    path = _copy("Udgiftsmodel.xlsx", tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Mine noter")["A1"] = "husk at tjekke 5.28.21"
    _save(wb, path)
    before = _digest(path)
    run = run_cli("opdater", path)
    assert run.code == 2 and "'Mine noter'" in run.err and "Projektmappen er ikke ændret" in run.err
    assert _digest(path) == before and not list(tmp_path.glob("*.backup-*"))


def test_opdater_takes_the_folders_new_own_figures_and_keeps_what_was_typed(run_cli, tmp_path):
    """#30.6: after 2024 was added to egne_tal in the data folder, the workbook's 2024 rows stayed empty. Now
    the folder fills what the workbook lacks; where both have a figure and they differ, the typed one wins, and
    opdater says so."""
    import pandas as pd

    from indsatstrappe.app import workbooks
    from indsatstrappe.io.datafolder import DataFolder

    demo = ROOT / "python" / "indsatstrappe" / "data" / "demo"
    old = tmp_path / "gammel"
    shutil.copytree(demo, old)
    egne = pd.read_csv(old / "egne_tal.csv")
    egne[egne["aar"] != 2024].to_csv(old / "egne_tal.csv", index=False)
    path = workbooks.write_noegletal(DataFolder(old), tmp_path / "n.xlsx", 147)
    assert not [k for k in read_entries(path).egne if k[1] == 2024]
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names["E_t"].destinations))
    typed = wb[sheet][ref.replace("$", "").split(":")[0]]
    ids = wb[sheet][next(iter(wb.defined_names["E_id"].destinations))[1].replace("$", "").split(":")[0]]
    typed.value = 999
    _save(wb, path)
    new = tmp_path / "ny"
    shutil.copytree(demo, new)
    run = run_cli("opdater", path, "--data", new)
    assert run.code == 0, run.err
    after = read_entries(path).egne
    assert [k for k in after if k[1] == 2024], "the folder's 2024 figures are in the workbook"
    assert any(v[0] == 999 for v in after.values()), "the typed figure is kept"
    assert f"{ids.value}" in run.err and "projektmappens tal er beholdt" in run.err


def test_a_workbook_open_in_excel_is_not_refreshed(run_cli, tmp_path):
    """#30: Excel's lock file (~$...) beside the workbook went unnoticed; Excel would then save over the refresh."""
    path = _copy("Udgiftsmodel.xlsx", tmp_path)
    (tmp_path / ("~$" + path.name)).write_bytes(b"\x00lock")
    before = _digest(path)
    run = run_cli("opdater", path)
    assert run.code == 2 and "åben i Excel" in run.err and _digest(path) == before

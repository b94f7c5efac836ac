"""xlwings Lite without Excel, through xlwings' own seam: custom functions via `custom_functions_call` and their
metadata via `custom_functions_meta`; scripts on `xw.Book(json=...)` via `custom_scripts_call`, asserting on the
actions the book sends back to Excel (as xlwings' own tests do)."""

from __future__ import annotations

import asyncio
import importlib.util
import math
import os
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # also in conftest.py, before xlwings is imported

import xlwings as xw  # noqa: E402
from xlwings import server  # noqa: E402

from indsatstrappe.app import sheet_reports, sheetfunctions, workbooks  # noqa: E402
from indsatstrappe.core.datafiles import DEMO_DIR  # noqa: E402
from indsatstrappe.core.errors import InputError  # noqa: E402
from indsatstrappe.excel.formulas import MISSING  # noqa: E402
from indsatstrappe.io.datafolder import DataFolder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def main():
    """lite/main.py as the Lite editor loads it."""
    spec = importlib.util.spec_from_file_location("lite_main", ROOT / "lite" / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(main, name: str, *args):
    data = {"func_name": name, "args": [a if isinstance(a, list) else [[a]] for a in args],
            "version": xw.__version__, "client": "Office.js", "caller_address": "Ark1!A1", "runtime": "1.4",
            "culture_info_name": "da-DK", "date_format": "dd-mm-yyyy"}
    return asyncio.run(server.custom_functions_call(data, main))


def book_json(sheets: dict[str, list[list]]) -> dict:
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": "Noegletal.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
            "sheets": [{"name": n, "values": v, "pictures": [], "tables": []} for n, v in sheets.items()]}


def run(main, name: str, sheets: dict[str, list[list]]) -> list[dict]:
    book = xw.Book(json=book_json(sheets))
    result = asyncio.run(server.custom_scripts_call(main, name, typehint_to_value={xw.Book: book}))
    return result.json()["actions"]


def settings(**chosen) -> list[list]:
    """The 'Indstillinger' sheet as a user filled it in (labels in B, values in C from row 4)."""
    rows = [[None, None, None, None] for _ in range(sheet_reports.FIRST_SETTING_ROW - 1)]
    for label, default, _ in sheet_reports.SETTINGS:
        rows.append([None, label, chosen.get(label, default), None])
    return rows


def written(actions: list[dict], sheet: str) -> list[list]:
    """The values a script wrote at A4 of the sheet it added (the report's table)."""
    added = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert sheet in added, added
    position = [a for a in actions if a["func"] == "addSheet"][added.index(sheet)]["args"][0]
    tables = [a["values"] for a in actions if a["func"] == "setValues" and a["sheet_position"] == position
              and a["start_row"] == 3 and a["start_column"] == 0]
    return tables[-1]


def alerts(actions: list[dict]) -> list[str]:
    return [a["args"][0] for a in actions if a["func"] == "alert"]


def test_the_functions_are_the_classic_add_ins_and_answer_the_same(main):
    from indsatstrappe.xl import udfs

    meta = server.custom_functions_meta(main)
    lite_names = {f["name"] for f in meta["functions"]}
    assert lite_names == {n for n in dir(udfs) if n.startswith("INDSATS_")}
    assert call(main, "INDSATS_TRIN", "ANBAAR12:21", "boern") == [[sheetfunctions.step_of("ANBAAR12:21", "boern")]]
    area = [["indsats", "antal"], ["ANBAAR12:21", 3], ["ANBAAR12:21", 2], ["ANBAAR52:3:1", 5]]
    assert call(main, "INDSATS_FORDELING", area, "boern") == sheetfunctions.distribution_of(area, "boern")


def test_settings_sheet_is_created_and_keeps_what_the_user_typed(main):
    n = len(sheet_reports.SETTINGS)
    actions = run(main, "indstillinger", {"Ark1": [[None]]})
    table = [a["values"] for a in actions if a["func"] == "setValues" and len(a["values"]) == n]
    assert [r[:2] for r in table[0]] == [[label, default] for label, default, _ in sheet_reports.SETTINGS]
    again = run(main, "indstillinger", {"Ark1": [[None]], "Indstillinger": settings(Kommune="Læsø")})
    table = [a["values"] for a in again if a["func"] == "setValues" and len(a["values"]) == n]
    assert dict(r[:2] for r in table[0])["Kommune"] == "Læsø"


def test_distribution_button_writes_the_municipalitys_counts(main):
    actions = run(main, "fordeling", {"Indstillinger": settings(Kommune="Frederiksberg", År=2024)})
    rows = written(actions, "Fordeling")
    header, body = rows[0], pd.DataFrame(rows[1:], columns=rows[0])
    assert {"Trin", "Antal borgere", "Andel"} <= set(header)
    own = body[(body["Kommunekode"] == 147) & (body["År"] == 2024)]
    # against the demo file itself: every child citizen of Frederiksberg in 2024 stands on one step
    modtagere = pd.read_csv(DEMO_DIR / "modtagere.csv")
    staircase = DataFolder().staircases["boern"]
    on_steps = modtagere[(modtagere["kommune_kode"] == 147) & (modtagere["aar"] == 2024)
                         & modtagere["indsats"].isin(staircase.codes.index[staircase.codes["trin"].notna()])]
    assert own["Antal borgere"].sum() == on_steps["antal"].sum() > 0
    assert alerts(actions) == []


@pytest.mark.parametrize("script", ["noegletal", "udgifter", "valider"])
def test_the_other_report_buttons_write_a_table(main, script):
    actions = run(main, script, {"Indstillinger": settings(Kommune="Læsø", Trappe="voksne")})
    sheet = {"noegletal": "Nøgletal", "udgifter": "Udgifter", "valider": "Validering"}[script]
    rows = written(actions, sheet)
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)
    if script != "valider":  # a missing number says '–': an empty cell would be 0 in the user's own formulas
        assert not any(v is None or v == "" for r in rows[1:] for v in r)
    if script == "noegletal":  # Læsø's adults lack the figures only own data give
        assert any(v == MISSING for r in rows[1:] for v in r)


def test_bad_settings_are_named_by_cell_and_nothing_is_written(main):
    actions = run(main, "fordeling", {"Indstillinger": settings(Kommune="Atlantis", Trappe="unge")})
    [message] = alerts(actions)
    assert "Indstillinger!C5" in message and "Atlantis" in message and "Indstillinger!C6" in message
    assert not [a for a in actions if a["func"] in ("addSheet", "setValues")]
    [missing] = alerts(run(main, "noegletal", {"Ark1": [[None]]}))
    assert "Indstillinger" in missing and "indstillinger" in missing


def test_movements_need_episode_data_and_say_so(main, tmp_path):
    folder = tmp_path / "uden_forloeb"
    shutil.copytree(DEMO_DIR, folder)
    (folder / "forloeb.csv").unlink()
    [message] = alerts(run(main, "bevaegelser", {"Indstillinger": settings(Datamappe=str(folder))}))
    assert "forloeb" in message


@pytest.fixture(scope="module")
def template_data() -> list[list]:
    """The Data sheet of the committed Nøgletal template as Excel would hand it to a script (cached values)."""
    ws = openpyxl.load_workbook(ROOT / "templates" / "Noegletal.xlsm", data_only=True, read_only=True)["Data"]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_data_sheet_rows_are_the_built_sheet(template_data):
    # the in-place refresh writes what a fresh build writes: same header, keys, counts and values (V as the
    # build wrote it: XlsxWriter keeps 16 significant digits, the refresh the whole double)
    ws = openpyxl.load_workbook(ROOT / "templates" / "Noegletal.xlsm", read_only=True)["Data"]
    built = [list(r) for r in ws.iter_rows(values_only=True)]
    rows = workbooks.noegletal_data(DataFolder()).table.sheet_rows()
    assert len(rows) == len(built)
    assert not any(isinstance(v, str) and v.startswith("=") for row in built for v in row)  # values, no formulas
    for mine, theirs in zip(rows, built, strict=True):
        theirs = [None if v == "" else v for v in theirs]
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs, strict=True):
            assert a == b or (isinstance(a, float) and math.isclose(a, b, rel_tol=1e-15)), (mine[:2], a, b)


def test_refresh_keeps_the_row_order_of_an_older_workbook(template_data):
    """Workbooks before #32 list Data's rows by id; newer ones by municipality. The refresh writes the new
    numbers in the open sheet's order, so an older workbook takes them too (and an edited key is still refused)."""
    fresh = workbooks.noegletal_data(DataFolder()).table.sheet_rows()
    by_id = [fresh[0], *sorted(fresh[1:], key=lambda r: (r[0], r[1]))]
    assert by_id != fresh
    aligned = sheet_reports.in_order_of(by_id, fresh)
    assert aligned == by_id
    sheet_reports.check_same_layout(by_id, aligned, "arket 'Data'")  # no error
    edited = [row[:] for row in by_id]
    edited[5][0] = "X99"
    with pytest.raises(InputError, match="celle A6"):  # the edited cell, in either order
        sheet_reports.check_same_layout(edited, sheet_reports.in_order_of(edited, fresh), "arket 'Data'")
    edited_new = [row[:] for row in fresh]
    edited_new[5][0] = "X99"
    with pytest.raises(InputError, match="celle A6"):
        sheet_reports.check_same_layout(edited_new, sheet_reports.in_order_of(edited_new, fresh), "arket 'Data'")


def test_refresh_writes_new_counts_into_data_and_nothing_else(main, template_data, tmp_path):
    folder = tmp_path / "nye_data"
    shutil.copytree(DEMO_DIR, folder)
    modtagere = pd.read_csv(folder / "modtagere.csv")
    row = modtagere[(modtagere["kommune_kode"] == 147) & (modtagere["aar"] == 2024)].index[0]
    modtagere.loc[row, "antal"] += 7
    modtagere.to_csv(folder / "modtagere.csv", index=False)
    sheets = {"Forside": [[None]], "Egne tal": [[None]], "Data": template_data,
              "Indstillinger": settings(Datamappe=str(folder))}
    actions = run(main, "opdater_data", sheets)
    data_position = list(sheets).index("Data")
    writes = sorted((a for a in actions if a["func"] == "setValues"), key=lambda a: a["start_row"])
    assert {(a["sheet_position"], a["start_column"]) for a in writes} == {(data_position, 0)}  # Data only
    new = [row for a in writes for row in a["values"]]  # xlwings sends big ranges in chunks of rows
    assert [a["start_row"] for a in writes] == [sum(len(w["values"]) for w in writes[:i]) for i in range(len(writes))]
    changed = [(r[0], r[1], h) for old, r in zip(template_data[1:], new[1:], strict=True)
               for h, a, b in zip(new[0][4:], old[4:], r[4:], strict=True)
               if h.startswith(("T", "N")) and (a or 0) != (b or 0)]
    assert changed and all(k == 147 and h == "T2024" for _, k, h in changed)  # 147's 2024 counts, nothing else
    [message] = alerts(actions)
    assert message.startswith(f"Opdateret: {len(changed)} tal")


def test_refresh_with_other_years_changes_nothing_and_says_why(main, template_data, tmp_path):
    folder = tmp_path / "kortere"
    shutil.copytree(DEMO_DIR, folder)
    for name in ("modtagere", "befolkning"):
        table = pd.read_csv(folder / f"{name}.csv")
        table[table["aar"] < 2024].to_csv(folder / f"{name}.csv", index=False)
    sheets = {"Egne tal": [[None]], "Data": template_data, "Indstillinger": settings(Datamappe=str(folder))}
    actions = run(main, "opdater_data", sheets)
    assert not [a for a in actions if a["func"] == "setValues"]
    [message] = alerts(actions)
    assert "ikke ændret" in message and "2024" in message


def test_the_lite_package_installs_in_pyodide():
    """Every dependency, as Pyodide (sys_platform emscripten) reads the requirements, is one Pyodide ships or a
    pure-Python wheel on PyPI (checked against Pyodide 314.0.8's pyodide-lock.json and PyPI, 2026-12-01): a new
    compiled dependency would break xlwings Lite, and xlwings is not pinned there (Lite brings its own)."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    pyodide_ships = {"numpy", "pandas", "matplotlib", "highspy", "threadpoolctl", "click", "rich"}
    pure_python = {"openpyxl", "xlsxwriter", "ms-ovba", "ms-ovba-compression", "xlwings"}  # py3-none-any wheels
    emscripten = {"sys_platform": "emscripten", "platform_system": "Emscripten", "extra": ""}
    wanted = [Requirement(r) for r in requires("indsatstrappe")]
    lite = [r for r in wanted if r.marker is None or r.marker.evaluate(emscripten)]
    assert {r.name.lower() for r in lite} <= pyodide_ships | pure_python
    assert not any(str(s).startswith("==") for r in lite if r.name == "xlwings" for s in r.specifier)


@pytest.mark.parametrize("edit, says", [
    (lambda d: d[5].__setitem__(0, None), "celle A6"),  # a key cell cleared
    (lambda d: d[5].__setitem__(1, "to tusind"), "celle B6"),  # a key cell set to text
    (lambda d: d.extend([[None] * len(d[0]), ["min note", *[None] * (len(d[0]) - 1)]]), "står noget under"),
])
def test_an_edited_data_sheet_is_named_and_nothing_is_written(main, template_data, edit, says):
    """#30.2: opdater_data raised an uncaught exception where the hidden Data sheet was edited."""
    data = [list(r) for r in template_data]
    edit(data)
    sheets = {"Egne tal": [[None]], "Data": data, "Indstillinger": settings(Datamappe=str(DEMO_DIR))}
    actions = run(main, "opdater_data", sheets)
    assert not [a for a in actions if a["func"] == "setValues"]
    [message] = alerts(actions)
    assert "ikke ændret" in message and says in message


def test_text_in_a_count_cell_is_replaced_by_the_count_and_said(main, template_data):
    data = [list(r) for r in template_data]
    data[5][4] = "mange"
    sheets = {"Egne tal": [[None]], "Data": data, "Indstillinger": settings(Datamappe=str(DEMO_DIR))}
    actions = run(main, "opdater_data", sheets)
    [message] = alerts(actions)
    assert message.startswith("Opdateret: 1 tal")  # the typed-over count is put back, and counted

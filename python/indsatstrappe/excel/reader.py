"""Read what a user typed into one of our workbooks back out (openpyxl; reading only)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from .. import municipalities
from ..entries import NoegletalEntries, UdgiftsmodelEntries
from ..errors import InputError, Problem
from . import botilbud_sheet
from .noegletal_book import EGNE_SHEET
from .udgiftsmodel_book import RULES_SHEET


def _named_cell(book, name: str):
    defined = book.defined_names.get(name)
    if defined is None:
        return None
    sheet, ref = next(iter(defined.destinations))
    return book[sheet][ref.replace("$", "")]


def _open(path: Path, data_only: bool, kind: str = "en Nøgletal-projektmappe (.xlsx eller .xlsm)"):
    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except Exception:  # noqa: BLE001 - any failure means the file is not a workbook we can read
        raise InputError.single(Path(path).name, "kan ikke åbnes som Excel-projektmappe.", f"Angiv {kind}.") from None


def read_own_figures(path: Path) -> pd.DataFrame:
    """egne_tal rows (noegletal_id, kommune_kode, aar, taeller, naevner) from a Nøgletal workbook's
    'Egne tal' sheet; rows without a denominator are skipped."""
    fil = Path(path).name
    book = _open(path, data_only=True)
    if EGNE_SHEET not in book.sheetnames:
        raise InputError.single(fil, f"har intet ark '{EGNE_SHEET}'.", "Angiv en Nøgletal-projektmappe.")
    kommune_cell = _named_cell(book, "EgneKommune")
    kommune = municipalities.parse_kommune(str(kommune_cell.value or ""), f"{fil}, ark '{EGNE_SHEET}'")
    ws = book[EGNE_SHEET]
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "id")
    rows, problems = [], []
    for r in range(header_row + 1, ws.max_row + 1):
        fid = ws.cell(r, 2).value
        if not fid:
            continue
        year, t, n = ws.cell(r, 5).value, ws.cell(r, 6).value, ws.cell(r, 7).value
        if n in (None, ""):
            continue
        bad = [(col, v) for col, v in (("Tæller", t), ("Nævner", n)) if not isinstance(v, int | float)]
        for col, v in bad:
            problems.append(Problem(f"{fil}, ark '{EGNE_SHEET}'", f"'{v}' er ikke et tal.",
                                    "Skriv et tal eller lad cellen stå tom.", r, col))
        if not bad and n <= 0:
            problems.append(Problem(f"{fil}, ark '{EGNE_SHEET}'", "nævneren skal være større end 0.", "", r,
                                    "Nævner"))
        if not bad and n > 0:
            rows.append((str(fid), kommune, int(year), float(t), float(n)))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=["noegletal_id", "kommune_kode", "aar", "taeller", "naevner"])


def read_botilbud(path: Path) -> pd.DataFrame:
    """The Botilbud sheet's typed rows as the contract's botilbud table (municipality from 'Egne tal');
    a goal's pair counts when both cells hold numbers, and a bad cell is named with its row."""
    fil = Path(path).name
    book = _open(path, data_only=True)
    numbered = _botilbud_numbered(book)
    if numbered is None:
        raise InputError.single(fil, f"har intet ark '{botilbud_sheet.SHEET}'.",
                                "Angiv en Nøgletal-projektmappe bygget af indsatstrappe (med arket Botilbud), "
                                "eller kør 'indsatstrappe opdater' på den først.")
    where = f"{fil}, ark '{botilbud_sheet.SHEET}'"
    kommune = municipalities.parse_kommune(str(_value(book, "EgneKommune") or ""), f"{fil}, ark '{EGNE_SHEET}'")
    problems = botilbud_sheet.check_rows(numbered, where)
    if problems:
        raise InputError(problems)
    return botilbud_sheet.table_from_rows([cells for _, cells in numbered], kommune)


def merge_own_figures(existing: pd.DataFrame | None, entered: pd.DataFrame) -> pd.DataFrame:
    """The data folder's egne_tal with the workbook's entries replacing rows with the same key."""
    if existing is None or existing.empty:
        return entered.reset_index(drop=True)
    key = ["noegletal_id", "kommune_kode", "aar"]
    kept = existing.merge(entered[key], on=key, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([kept, entered], ignore_index=True)


def _value(book, name: str):
    cell = _named_cell(book, name)
    return None if cell is None else cell.value


def _int_or_none(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _scenario_entries(book) -> dict:
    """The Scenarie sheet's movements (six cells a row, as typed) and price rise; nothing if the workbook
    predates the sheet."""
    if "Scenarie" not in book.sheetnames:
        return {}
    ws = book["Scenarie"]
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Bevægelse 1")
    rows = [[ws.cell(r, c).value for c in range(3, 9)] for r in range(first, first + 8)]
    rise = _value(book, "ScenPris")
    return {"scenarie": rows, "prisstigning": float(rise) if isinstance(rise, int | float) else 0.0}


def _botilbud_entries(book) -> list[list] | None:
    """The Botilbud sheet's input rows (twelve cells each, as typed; empty rows left out); None if the
    workbook predates the sheet."""
    numbered = _botilbud_numbered(book)
    return None if numbered is None else [cells for _, cells in numbered]


def _botilbud_numbered(book) -> list[tuple[int, list]] | None:
    if botilbud_sheet.SHEET not in book.sheetnames:
        return None
    ws = book[botilbud_sheet.SHEET]
    head = next(r for r in range(2, ws.max_row + 1)
                if ws.cell(r, 4).value == "Tæller" and ws.cell(r - 1, 2).value == "Botilbud")
    columns = [2, 3] + [c for i in range(5) for c in (4 + 3 * i, 5 + 3 * i)]
    rows = []
    for r in range(head + 1, ws.max_row + 1):
        cells = [ws.cell(r, c).value for c in columns]
        if any(v not in (None, "") for v in cells):
            rows.append((r, cells))
    return rows


def read_entries(path: Path) -> NoegletalEntries | UdgiftsmodelEntries:
    """Every user entry of a Nøgletal or Udgiftsmodel workbook (choices, own figures, rules, pasted accounts)."""
    fil = Path(path).name
    book = _open(path, data_only=False, kind="en Nøgletal- eller Udgiftsmodel-projektmappe")
    if EGNE_SHEET in book.sheetnames:
        ws = book[EGNE_SHEET]
        header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "id")
        egne = {}
        for r in range(header + 1, ws.max_row + 1):
            fid, year = ws.cell(r, 2).value, ws.cell(r, 5).value
            t, n = ws.cell(r, 6).value, ws.cell(r, 7).value
            if fid and (t is not None or n is not None):
                egne[(str(fid), int(year))] = (t, n)
        return NoegletalEntries(kommune=str(_value(book, "ValgtKommune")), gruppe=str(_value(book, "ValgtGruppe")),
                                aar=_int_or_none(_value(book, "ValgtAar")),
                                egne_kommune=str(_value(book, "EgneKommune")), egne=egne,
                                botilbud=_botilbud_entries(book))
    if RULES_SHEET in book.sheetnames:
        ws = book[RULES_SHEET]
        header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Trappe")
        rules = []
        for r in range(header + 1, ws.max_row + 1):
            row = tuple("" if ws.cell(r, c).value is None else str(ws.cell(r, c).value) for c in range(2, 9))
            if any(row):
                rules.append(row)
        acc = book["Regnskab"]
        head = next(r for r in range(1, acc.max_row + 1) if acc.cell(r, 2).value == "Konto")
        export = [(acc.cell(r, 2).value, acc.cell(r, 3).value) for r in range(head + 1, acc.max_row + 1)
                  if acc.cell(r, 2).value not in (None, "") or acc.cell(r, 3).value not in (None, "")]
        return UdgiftsmodelEntries(
            kommune=str(_value(book, "ValgtKommune")), gruppe=str(_value(book, "ValgtGruppe")),
            omraade=str(_value(book, "ValgtOmraade")), prisniveau=str(_value(book, "Prisniveau")),
            basisaar=_int_or_none(_value(book, "Basisaar")), rules=rules,
            eget_aar=_int_or_none(_value(book, "EgetAar")), export=export, **_scenario_entries(book))
    raise InputError.single(fil, "er hverken en Nøgletal- eller en Udgiftsmodel-projektmappe.",
                            "Angiv en projektmappe bygget af indsatstrappe.")

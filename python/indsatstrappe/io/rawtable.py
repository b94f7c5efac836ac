"""Read a table as the user wrote it (CSV or one sheet of an .xlsx) into text columns.

Typing and checking happen in `contracts`; here we only get the cells out safely and say clearly
when a file cannot be read at all.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError


@dataclass
class RawTable:
    """Cells as text (empty string for empty), with what is needed to point the user at a row."""

    data: pd.DataFrame
    fil: str  # how the source is named in messages: "befolkning.csv" or "data.xlsx, ark 'befolkning'"
    danish_numbers: bool  # ';'-separated CSV or xlsx: decimal comma and '.' thousands are allowed
    first_row: int = 2  # the sheet/file row of the first data row


SAVE_AS_UTF8 = "Gem filen som 'CSV UTF-8 (kommasepareret)' i Excel, eller som UTF-8 i en teksteditor."


def read_csv_table(path: Path, display: str | None = None) -> RawTable:
    fil = display or path.name
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError.single(fil, "filen er tom.", "Tabellen skal have en overskriftsrække og data.")
    if b"\x00" in raw[:4096] or raw[:2] == b"PK":
        raise InputError.single(
            fil, "filen er ikke en tekstfil (CSV).",
            "Gem tabellen som CSV, eller læg den som et ark i en .xlsx-fil med arkets navn som tabelnavn.",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(
            fil, "filen er ikke UTF-8 (den er måske gemt som Windows-1252/ANSI).", SAVE_AS_UTF8, raekke=line
        ) from None
    header = text.lstrip().splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        df = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        raise InputError.single(
            fil, f"filen kan ikke læses som CSV ({_parser_detail(exc)}).",
            "Tjek at alle rækker har lige mange felter og at anførselstegn er lukket.",
        ) from None
    return RawTable(_tidy(df, strip=_PADDED.search(text) is not None), fil, danish_numbers=(sep == ";"))


def _parser_detail(exc: Exception) -> str:
    msg = str(exc)
    # pandas says e.g. "Expected 4 fields in line 7, saw 5"
    if "Expected" in msg and "line" in msg:
        part = msg[msg.index("Expected"):].strip().rstrip(".")
        return part.replace("Expected", "forventede").replace("fields in line", "felter i linje").replace(
            "saw", "fandt")
    return "ugyldigt format"


def xlsx_sheets(path: Path) -> list[str]:
    try:
        return list(pd.ExcelFile(path, engine="openpyxl").sheet_names)
    except Exception:  # noqa: BLE001 - any failure here means the user's file is not a readable workbook
        raise InputError.single(
            path.name, "filen kan ikke åbnes som Excel-projektmappe (.xlsx).",
            "Gem den i Excel som 'Excel-projektmappe (*.xlsx)'.",
        ) from None


def read_xlsx_table(path: Path, sheet: str) -> RawTable:
    fil = f"{path.name}, ark '{sheet}'"
    df = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
    if df.empty and len(df.columns) == 0:
        raise InputError.single(fil, "arket er tomt.", "Arket skal have en overskriftsrække og data.")
    df = df.map(_cell_text)
    return RawTable(_tidy(df), fil, danish_numbers=True)


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return repr(value).replace(".", ",")  # so the Danish parser reads it back exactly
    return str(value)


# Whitespace at the start or end of a field (or of a quoted field's content, or a separator inside quotes:
# those are only stripped needlessly). Without any, a file's fields need no stripping.
_PADDED = re.compile(r"(?:^|[,;\n])[\"]?[^\S\r\n]|[^\S\r\n][\"]?(?:$|[,;\r\n])", re.M)


def _tidy(df: pd.DataFrame, strip: bool = True) -> pd.DataFrame:
    df.columns = [str(c).strip().lower().lstrip("\ufeff") for c in df.columns]
    df = df.astype(str)
    if strip:
        df = df.apply(lambda s: s.str.strip())
    # rows that are entirely empty (e.g. trailing rows in Excel) are not data
    blank = (df == "").all(axis=1)
    return df[~blank]

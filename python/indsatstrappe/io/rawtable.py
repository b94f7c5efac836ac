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

from ..core.errors import InputError


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
    text = _decoded(raw, fil)
    lines = text.split("\n")
    skipped = 0
    while skipped < len(lines) and not lines[skipped].strip():
        skipped += 1  # blank lines before the header
    sep = None
    declared = re.fullmatch(r'"?sep=(.)"?\s*', lines[skipped] if skipped < len(lines) else "")
    if declared:  # Excel's "sep=;" first line says which separator the file uses
        sep = declared.group(1)
        skipped += 1
    header = lines[skipped] if skipped < len(lines) else ""
    if sep is None:
        counts = {c: header.count(c) for c in (";", ",", "\t")}
        sep = max(counts, key=lambda c: (counts[c], c == ","))
    body = "\n".join(lines[skipped:])
    try:
        df = pd.read_csv(io.StringIO(body), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False,
                         quoting=csv.QUOTE_MINIMAL)
    except pd.errors.ParserError as exc:
        raise InputError.single(
            fil, f"filen kan ikke læses som CSV ({_parser_detail(exc, skipped)}).",
            "Tjek at alle rækker har lige mange felter og at anførselstegn er lukket.",
        ) from None
    _check_header(_header_cells(header, sep), fil)
    # with blank lines kept, a row's index + 2 + the skipped lines is its line in the file
    return RawTable(_tidy(df, strip=_PADDED.search(text) is not None), fil, danish_numbers=(sep != ","),
                    first_row=2 + skipped)


def _decoded(raw: bytes, fil: str) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM (Excel's "Unicode-tekst")."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16").replace("\r\n", "\n")
        except UnicodeDecodeError:
            raise InputError.single(fil, "filen ser ud til at være UTF-16, men kan ikke læses.", SAVE_AS_UTF8) from None
    if b"\x00" in raw[:4096] or raw[:2] == b"PK":
        raise InputError.single(
            fil, "filen er ikke en tekstfil (CSV).",
            "Gem tabellen som CSV, eller læg den som et ark i en .xlsx-fil med arkets navn som tabelnavn.",
        )
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(
            fil, "filen er ikke UTF-8 (den er måske gemt som Windows-1252/ANSI).", SAVE_AS_UTF8, raekke=line
        ) from None


def _header_cells(header: str, sep: str) -> list[str]:
    return [c.strip().strip('"').strip().lower().lstrip("\ufeff") for c in next(csv.reader([header], delimiter=sep))]


def _check_header(names: list[str], fil: str) -> None:
    """A column named twice would be used once, silently: say so."""
    seen = [n for n in names if n]
    twice = sorted({n for n in seen if seen.count(n) > 1})
    if twice:
        raise InputError.single(fil, f"kolonnen/kolonnerne {', '.join(repr(n) for n in twice)} står flere gange i "
                                     "overskriftsrækken.", "Slet eller omdøb de ekstra kolonner.", raekke=1)


def _parser_detail(exc: Exception, skipped: int = 0) -> str:
    msg = str(exc)
    # pandas says e.g. "Expected 4 fields in line 7, saw 5" (lines of what it was given)
    found = re.search(r"line (\d+)", msg)
    if found and skipped:
        msg = msg.replace(found.group(0), f"line {int(found.group(1)) + skipped}")
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


MAX_XLSX_CELLS = 50_000_000  # rows x header columns: far above any data folder, far below a runaway sheet


def read_xlsx_table(path: Path, sheet: str) -> RawTable:
    """A sheet's cells up to the header's last column: a stray cell far to the right (column XFD) would
    otherwise make every row 16,384 cells wide."""
    fil = f"{path.name}, ark '{sheet}'"
    import openpyxl  # only when a workbook is read: every command would pay 0.1 s to import it
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        names = list(header or ())
        while names and names[-1] in (None, ""):
            names.pop()
        if not names:
            raise InputError.single(fil, "arket er tomt.", "Arket skal have en overskriftsrække og data.")
        width = len(names)
        if (ws.max_row or 0) * width > MAX_XLSX_CELLS:
            raise InputError.single(fil, f"arket er for stort ({ws.max_row:,} rækker).".replace(",", "."),
                                    f"En tabel kan højst have {MAX_XLSX_CELLS // width:,} rækker; del den op eller "
                                    "gem den som CSV.".replace(",", "."))
        data = [list(r[:width]) + [None] * (width - len(r)) for r in ws.iter_rows(min_row=2, max_col=width,
                                                                                   values_only=True)]
    finally:
        wb.close()
    df = pd.DataFrame(data, columns=[_cell_text(n) for n in names], dtype=object).map(_cell_text)
    _check_header(list(df.columns.str.strip().str.lower()), fil)
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

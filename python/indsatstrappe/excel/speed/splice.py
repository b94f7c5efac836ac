"""Sheets that are the same in every distributed workbook (the hidden *Data* and *Konti* sheets, nine
tenths of the cells, and the sheets no choice changes: *Definitioner*, *Fordelingsnøgle*, *Om*, *Lister*)
are written once, by the first municipality's build, and copied into every other municipality's workbook:
as compressed bytes, or, for a sheet whose print header names the municipality, as XML given the
receiving workbook's own header. Rows of other sheets that no municipality changes (Book.fill_rows: the
export area on *Regnskab*, Beregning's spare rule rows) are copied too, as each cell's XML.

Copied sheet XML refers to shared strings and cell formats by number, so a workbook that receives it
must number them as the first one did: `prime` registers the first workbook's strings and formats, in its
order, before anything else is written. tests/test_splice.py proves a spliced workbook is part for part
the workbook a full build writes.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import xlsxwriter.workbook
from xlsxwriter.utility import xl_cell_to_rowcol
from xlsxwriter.workbook import Workbook

from ..held import for_object
from ..styles import Styles
from . import sharedstrings
from .chartstamp import ChartTemplate, Recorder, template_of
from .fastsheet import ROW_BLOCK, CellPutTuple

_LOCAL = struct.Struct("<4s5H3L2H")  # local file header, 30 bytes
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory entry, 46 bytes
_END = struct.Struct("<4s4H2LH")  # end of central directory, 22 bytes


@dataclass(frozen=True)
class Member:
    """One zip member as stored: compressed bytes and what the directory says about them."""

    name: str
    crc: int
    size: int
    method: int
    date_time: tuple[int, int, int, int, int, int]
    external_attr: int
    data: bytes


@dataclass(frozen=True)
class SharedSheets:
    """What a workbook needs to take over the first workbook's copy of `sheets`."""

    sheets: frozenset[str]
    strings: list[str]  # the first workbook's shared strings, in its order
    format_keys: list[tuple]  # Styles keys of its cell formats, in XF-index order
    string_refs: int  # string cells in the shared sheets (the string table's reference count)
    members: dict[str, Member]  # zip member name -> stored member, copied as it is (print headers are neutral)
    charts: list[ChartTemplate] = field(default_factory=list)  # the first workbook's charts, in the order made
    # (sheet, first row, last row) -> the block's cells as the first workbook wrote them: (row, col, XML, kind)
    rows: dict[tuple[str, int, int], list[tuple[int, int, str, str]]] = field(default_factory=dict)


def sheet_members(wb: Workbook, names: Iterable[str]) -> dict[str, str]:
    """Zip member of each named worksheet (XlsxWriter numbers sheetN.xml by position)."""
    position = {ws.name: i + 1 for i, ws in enumerate(wb.worksheets())}
    return {name: f"xl/worksheets/sheet{position[name]}.xml" for name in names}


def capture(wb: Workbook, styles: Styles, written: list[Member], plain: dict[str, bytes], names: Iterable[str],
            charts: list[Recorder] = (), row_blocks: Iterable[tuple[str, int, int]] = ()) -> SharedSheets:
    """After the first workbook is closed: its copy of the sheets `names` (its `written` members), its numbering,
    its `charts` (their recorded calls) as templates from its `plain` (undeflated) parts, and the cells of its
    `row_blocks` (Book.fill_rows)."""
    names = frozenset(names)
    parts = sheet_members(wb, names)
    stored = {m.name: m for m in written}
    members = {}
    for part in parts.values():
        members[part] = stored[part]
        rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if rels in stored:
            members[rels] = stored[rels]
    strings = list(wb.str_table.string_array)  # sorted by index when the workbook was closed
    indexed = sorted(((f.xf_index, key) for key, f in styles.cached() if f.xf_index is not None))
    if [i for i, _ in indexed] != list(range(1, len(indexed) + 1)):
        raise RuntimeError("cell formats outside Styles got an XF index; the shared sheets cannot be copied")
    refs = sum(_is_string(cell) for ws in wb.worksheets() if ws.name in names
               for row in ws.table.values() for cell in row.values())
    # XlsxWriter numbers chart parts in the order the charts were made
    if charts and [rec.chart for rec in charts] != wb.charts:
        raise RuntimeError("a chart was made outside Book.add_chart; the charts cannot be templates")
    templates = [template_of(plain[f"xl/charts/chart{k}.xml"].decode("utf-8"), rec.calls)
                 for k, rec in enumerate(charts, start=1)]
    rows = {}
    for block in row_blocks:
        sheet, first, last = block
        part = sheet_members(wb, [sheet])[sheet]
        rows[block] = _cells_of_rows(plain[part].decode("utf-8"), first, last)
    return SharedSheets(names, strings, [key for _, key in indexed], refs, members, templates, rows)


_ROW = re.compile(r'<row r="(\d+)"[^>]*?(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(r'<c r="([A-Z]+)\d+"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)


def _cells_of_rows(xml: str, first: int, last: int) -> list[tuple[int, int, str, str]]:
    """The cells of rows first..last (0-based) in a sheet's XML: (row, col, the cell's XML, XlsxWriter's kind
    of cell, "String" for a shared string)."""
    cells = []
    for match in _ROW.finditer(xml):
        row = int(match.group(1)) - 1
        if first <= row <= last and match.group(2):
            for cell in _CELL.finditer(match.group(2)):
                xml_cell = cell.group(0)
                kind = "String" if ' t="s"' in xml_cell.split(">", 1)[0] else "Cell"
                cells.append((row, xl_cell_to_rowcol(cell.group(1) + "1")[1], xml_cell, kind))
    return cells


def put_rows(ws, wb: Workbook, cells: list[tuple[int, int, str, str]]) -> int:
    """Put a row block's cells as the first workbook wrote them, each row's cells as one piece of XML (a row of
    a block holds nothing else: FastSheet refuses a cell beside it); its string cells count in the string
    table's total as if written. Returns how many cells were put."""
    if not cells:
        return 0
    rows, cols = [c[0] for c in cells], [c[1] for c in cells]
    for row, col in ((min(rows), min(cols)), (max(rows), max(cols))):  # the sheet's extent, as each cell would
        ws._check_dimensions(row, col)
    table = ws.table
    for row, first, last, xml in _row_pieces(cells):
        table[row][first] = CellPutTuple(xml, ROW_BLOCK, None)
        if last != first:  # the row's last column, for its spans: nothing more to write
            table[row][last] = CellPutTuple("", ROW_BLOCK, None)
    wb.str_table.count += sum(kind == "String" for _, _, _, kind in cells)
    return len(cells)


_PIECES: dict = {}


def _row_pieces(cells: list[tuple[int, int, str, str]]) -> list[tuple[int, int, int, str]]:
    """(row, first column, last column, the row's cells' XML in column order), made once per process."""
    return for_object(_PIECES, cells, lambda: _pieces_of(cells))


def _pieces_of(cells: list[tuple[int, int, str, str]]) -> list[tuple[int, int, int, str]]:
    by_row: dict[int, list[tuple[int, str]]] = {}
    for row, col, xml, _ in cells:
        by_row.setdefault(row, []).append((col, xml))
    pieces = []
    for row, row_cells in sorted(by_row.items()):
        row_cells.sort()
        pieces.append((row, row_cells[0][0], row_cells[-1][0], "".join(xml for _, xml in row_cells)))
    return pieces


def _is_string(cell) -> bool:
    """A shared-string cell, as XlsxWriter stored it or as put by fastsheet."""
    return type(cell).__name__ == "String" or (type(cell) is CellPutTuple and cell.kind == "String")


def prime(wb: Workbook, styles: Styles, shared: SharedSheets) -> None:
    """Number strings and formats as the first workbook did, before anything else is written."""
    for text in shared.strings:
        wb.str_table._get_shared_string_index(text)
    wb.str_table.count -= len(shared.strings)  # registered, not yet used by a cell
    wb._get_packager = sharedstrings.packager_for(shared.strings)  # their XML made once per process
    for key in shared.format_keys:
        styles.fmt(**dict(key))._get_xf_index()


def account_for_copied_strings(wb: Workbook, shared: SharedSheets) -> None:
    """The copied sheets' string cells count in the string table's total, as if they had been written."""
    wb.str_table.count += shared.string_refs


# libdeflate's levels (the `deflate` package): the sheets every workbook copies are deflated once, at a level
# that keeps the largest Nøgletal under 0.8 MB (3 MB of Data XML: 520 KB in 50 ms, where zlib's best gives 530 KB
# in 260 ms); a workbook's own parts at the quickest (1.3 MB of XML: 3 ms, where zlib's level 1 takes 5 ms)
SHARED_LEVEL, OWN_LEVEL = 7, 1


class PartsBuffer(io.BytesIO):
    """The file a FastBook's workbook is written to: while `collected_parts` is on, XlsxWriter's parts are kept
    here as stored members instead of being zipped (no zip to write and read back)."""

    def __init__(self):
        super().__init__()
        self.members: list[Member] = []


class _PartCollector:
    """Stands in for zipfile.ZipFile in Workbook._store_workbook: each part (a ZipInfo and its data, as XlsxWriter
    hands it to writestr) becomes a stored member of the PartsBuffer, as zipfile would store it."""

    def __init__(self, file, mode: str = "w", compression: int = zipfile.ZIP_STORED, allowZip64: bool = True):
        if not isinstance(file, PartsBuffer):
            raise TypeError("collected_parts writes only to a PartsBuffer")
        self.members = file.members
        self.compression = zipfile.ZIP_STORED  # what XlsxWriter copies into each part's ZipInfo

    def writestr(self, info: zipfile.ZipInfo, data: bytes | str) -> None:
        data = data.encode("utf-8") if isinstance(data, str) else data
        # zipfile gives a member without permissions ?rw------- (_open_to_write)
        self.members.append(Member(info.filename, zlib.crc32(data), len(data), zipfile.ZIP_STORED, info.date_time,
                                   info.external_attr or 0o600 << 16, data))

    def close(self) -> None:
        pass


@contextmanager
def collected_parts() -> Iterator[None]:
    """While XlsxWriter closes a workbook (to a PartsBuffer): its parts kept as they are, not zipped (`deflated`
    deflates them after, at the level each part deserves, and faster than zlib)."""
    original = xlsxwriter.workbook.ZipFile
    xlsxwriter.workbook.ZipFile = _PartCollector  # read by Workbook._store_workbook when it makes the zip
    try:
        yield
    finally:
        xlsxwriter.workbook.ZipFile = original


def inflated(member: Member) -> bytes:
    """A member's bytes as they are in the workbook."""
    return member.data if member.method == zipfile.ZIP_STORED else zlib.decompress(member.data, -15)


def deflated(member: Member, level: int) -> Member:
    """A stored member deflated at libdeflate's `level` (the same raw deflate stream zip readers expect)."""
    import deflate  # not in xlwings Lite, which never writes a distributed workbook

    if member.method != zipfile.ZIP_STORED:
        return member
    return replace(member, method=zipfile.ZIP_DEFLATED, data=deflate.deflate_compress(member.data, level))


def read_members(zipped: bytes) -> list[Member]:
    """Every member of a zip as stored, without decompressing."""
    members = []
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        for info in z.infolist():
            name_len, extra_len = struct.unpack_from("<2H", zipped, info.header_offset + 26)
            start = info.header_offset + _LOCAL.size + name_len + extra_len
            members.append(Member(info.filename, info.CRC, info.file_size, info.compress_type, info.date_time,
                                  info.external_attr, zipped[start:start + info.compress_size]))
    return members


def write_first(own: list[Member], shared_parts: Iterable[str], target: Path) -> tuple[list[Member], tuple[int, str]]:
    """Write the first workbook of a kind (its parts stored) to `target`: the parts every other workbook copies
    deflated at SHARED_LEVEL, its own at OWN_LEVEL. Returns the members as written, and the file's size and
    SHA-256."""
    shared_parts = set(shared_parts)
    members = [deflated(m, SHARED_LEVEL if m.name in shared_parts else OWN_LEVEL) for m in own]
    return members, write_zip(members, target)


def write_spliced(own: list[Member], shared: SharedSheets, target: Path) -> tuple[int, str]:
    """Write `own` (a workbook's members, stored) to `target` with the shared sheets' members taken from `shared`.
    Returns the file's size and SHA-256."""
    members = [shared.members.get(m.name) or deflated(m, OWN_LEVEL) for m in own]
    missing = set(shared.members) - {m.name for m in members}
    if missing:
        raise RuntimeError(f"the workbook lacks the shared parts {sorted(missing)}")
    return write_zip(members, target)


def write_zip(members: list[Member], target: Path) -> tuple[int, str]:
    """A plain zip (no zip64, no data descriptors) of already compressed members. Returns its size and SHA-256
    (what the manifest lists), taken as it is written instead of reading the file back."""
    digest, size = hashlib.sha256(), 0
    central = []
    with open(target, "wb") as fh:
        def write(data: bytes) -> None:
            nonlocal size
            fh.write(data)
            digest.update(data)
            size += len(data)
        for m in members:
            offset = size
            name = m.name.encode("utf-8")
            flags = 0 if m.name.isascii() else 0x800  # bit 11: the name is UTF-8
            time, day = _dos_time(m.date_time)
            write(_LOCAL.pack(b"PK\x03\x04", 20, flags, m.method, time, day, m.crc, len(m.data), m.size,
                              len(name), 0) + name)
            write(m.data)
            central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, m.method, time, day, m.crc, len(m.data), m.size,
                                         len(name), 0, 0, 0, 0, m.external_attr, offset) + name)
        start = size
        directory = b"".join(central)
        write(directory + _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0))
    return size, digest.hexdigest()


def _dos_time(dt: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = dt
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day

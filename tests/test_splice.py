"""A distributed workbook whose shared sheets are copied from the first municipality's build is, part for
part, the workbook a full build with the same numbering writes; and the zip it is written to is sound."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest
import xlsxwriter.workbook

from indsatstrappe.app import distribute
from indsatstrappe.excel.speed import sharedstrings, splice

FIRST, OTHER = 825, 147  # Læsø (the smallest) holds the shared copy; Frederiksberg receives it


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every member's CRC checks
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("kind", distribute.KINDS)
def test_spliced_workbook_equals_a_full_build(prepared, kind, tmp_path):
    first, shared = distribute.build_first(kind, FIRST, tmp_path / "first")  # noqa: F841 (first is on disk)
    spliced, book = distribute.build_one(kind, OTHER, tmp_path / "spliced", shared)
    assert book.stamped_charts == len(book.charts) == len(shared.charts) > 0  # every chart from its template
    # the row blocks no municipality changes (the export area, the spare rule rows) copied, not written
    assert book.stamped_cells == sum(map(len, shared.rows.values())) and (kind == "noegletal" or book.stamped_cells
                                                                          > 4_000)
    # the same numbering, every sheet written: what splicing must reproduce
    numbering_only = replace(shared, sheets=frozenset(), members={}, charts=[], string_refs=0, rows={})
    full, _ = distribute.build_one(kind, OTHER, tmp_path / "full", numbering_only)
    a, b = _parts(spliced), _parts(full)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    copied = [name for name in shared.members if name.endswith(".xml")]
    assert len(copied) == len(book.shared_sheets) == len(shared.sheets) >= 4
    assert all(a[name].count(b"<c r=") > 20 for name in copied)  # the sheets' cells, not empty placeholders
    assert max(len(a[name]) for name in copied) > 1_000_000  # the big Data / Konti sheet among them
    # print headers are neutral, so a copied sheet names neither the first municipality nor the receiving one
    for name in copied:
        assert b"Frederiksberg</oddHeader>" not in a[name] and b"L\xc3\xa6s\xc3\xb8</oddHeader>" not in a[name]


def test_spliced_workbook_differs_from_the_first_where_the_municipality_shows(prepared, tmp_path):
    first, shared = distribute.build_first("noegletal", FIRST, tmp_path / "a")
    other, _ = distribute.build_one("noegletal", OTHER, tmp_path / "b", shared)
    a, b = _parts(first), _parts(other)
    data = next(iter(shared.members))
    assert a[data] == b[data]
    assert a["xl/worksheets/sheet1.xml"] != b["xl/worksheets/sheet1.xml"]  # Forside: the chosen municipality


def test_write_zip_round_trips_stored_members(tmp_path):
    source = tmp_path / "source.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", "<a>" + "x" * 5000 + "</a>")
        z.writestr("æ/b.txt", "bøger")
    members = splice.read_members(source.read_bytes())
    copy = tmp_path / "copy.zip"
    splice.write_zip(list(reversed(members)), copy)
    with zipfile.ZipFile(copy) as z:
        assert z.testzip() is None
        assert z.namelist() == ["æ/b.txt", "a.xml"]
        assert z.read("æ/b.txt").decode() == "bøger"
        assert z.read("a.xml").startswith(b"<a>xxx")


@pytest.mark.parametrize("primed", [["a", " lead", "x & y <z>"], ["not the first string"]])
def test_the_string_table_with_primed_strings_is_the_one_xlsxwriter_writes(primed, tmp_path):
    """The primed strings' XML, made once per process, and the workbook's own strings after it: the string table
    XlsxWriter itself writes; a table that does not begin with the primed strings is written as XlsxWriter does."""
    from xlsxwriter.workbook import Workbook

    texts = ["a", " lead", "x & y <z>", "ctl\x01", "trail ", "a"]

    def string_table(path: Path, primed: list[str] | None) -> bytes:
        wb = Workbook(str(path), {"in_memory": True})
        if primed is not None:
            wb._get_packager = sharedstrings.packager_for(primed)
        ws = wb.add_worksheet()
        for row, text in enumerate(texts):
            ws.write_string(row, 0, text)
        wb.close()
        return _parts(path)["xl/sharedStrings.xml"]

    for _ in range(2):  # made, then taken from the process's store
        assert string_table(tmp_path / "primed.xlsx", primed) == string_table(tmp_path / "plain.xlsx", None)
    assert b"_x0001_" in string_table(tmp_path / "plain.xlsx", None)  # the escapes were exercised


def test_collected_parts_are_the_members_zipfile_would_store(tmp_path):
    """XlsxWriter's parts taken as they are handed to the zip file: name, checksum, size, time, permissions and
    bytes as zipfile stores them (read back from a stored zip of the same workbook)."""
    from xlsxwriter.workbook import Workbook

    def build(target) -> None:
        wb = Workbook(target, {"in_memory": True})
        wb.add_worksheet("Ark æ").write_string(0, 0, "bøger")
        wb.close()

    collected = splice.PartsBuffer()
    with splice.collected_parts():
        build(collected)
    stored = io.BytesIO()
    with mock.patch.object(xlsxwriter.workbook, "ZIP_DEFLATED", zipfile.ZIP_STORED):
        build(stored)
    assert collected.getvalue() == b"" and len(collected.members) > 5
    assert collected.members == splice.read_members(stored.getvalue())


def test_a_workbook_xlsxwriter_zips_itself_is_taken_over_alike(prepared, tmp_path):
    """Without the collector (`make bench`'s "uden libdeflate": XlsxWriter zips at zlib's level 6), its zip is read
    back: the first workbook's templates and the other workbooks' parts are the same."""
    import contextlib

    def pair(where: Path) -> dict[str, bytes]:
        _, shared = distribute.build_first("noegletal", FIRST, where)
        other, _ = distribute.build_one("noegletal", OTHER, where, shared)
        return {k: v for k, v in _parts(other).items() if k != "docProps/core.xml"}

    with mock.patch.object(splice, "collected_parts", contextlib.nullcontext):
        zipped = pair(tmp_path / "zlib")
    assert zipped == pair(tmp_path / "ours")


def test_a_cell_written_beside_a_copied_row_is_refused(prepared, tmp_path):
    """A copied row is written as one piece: a cell another builder put into it would land out of order, so the
    workbook is refused instead of written wrong."""
    from indsatstrappe.excel.speed import FastBook

    _, shared = distribute.build_first("udgiftsmodel", FIRST, tmp_path / "first")
    (sheet, first, _), _ = next(iter(shared.rows.items()))
    fill_rows = FastBook.fill_rows

    def and_one_more_cell(self, ws, first_row, last_row, cells):
        fill_rows(self, ws, first_row, last_row, cells)
        if ws.name == sheet:
            ws.write_string(first, 0, "ekstra")

    with mock.patch.object(FastBook, "fill_rows", and_one_more_cell), pytest.raises(RuntimeError, match="copied whole"):
        distribute.build_one("udgiftsmodel", OTHER, tmp_path / "other", shared)

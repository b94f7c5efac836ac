"""`FastBook`: a Book written by the speed layer (see __init__)."""

from __future__ import annotations

from pathlib import Path

from ..scaffold import Book, BookInfo
from . import chartstamp, splice
from .fastsheet import FastSheet
from .splice import SharedSheets


class FastBook(Book):
    """With `shared` (what `capture` took from the first workbook of the kind): strings and formats are
    numbered as there, the shared sheets' cells are not written but copied in when closing, and charts
    are stamped from the first workbook's chart XML."""

    worksheet_class = FastSheet

    def __init__(self, path: Path, info: BookInfo, shared: SharedSheets | None = None):
        self.shared = shared
        self._buffer = splice.PartsBuffer()
        self.written: list[splice.Member] = []  # a first workbook's members as written (for `capture`)
        self.plain: dict[str, bytes] = {}  # and its parts undeflated
        self.digest: tuple[int, str] | None = None  # the file's size and SHA-256, once written
        super().__init__(path, info)
        if shared is not None:
            splice.prime(self.wb, self.styles, shared)
        self.stamped_charts = 0
        self.stamped_cells = 0  # cells copied from the first workbook's rows (fill_rows)
        self.row_blocks: list[tuple[str, int, int]] = []  # the row blocks this (first) workbook wrote

    def _destination(self) -> splice.PartsBuffer:
        return self._buffer

    def _new_chart(self, options: dict):
        recorder = chartstamp.new_chart(self.wb, options, defer=self.shared is not None and bool(self.shared.charts))
        self.charts.append(recorder)
        return recorder.chart

    def fill(self, ws, cells) -> None:
        if self.shared is None or ws.name not in self.shared.sheets:
            cells(ws)

    def fill_rows(self, ws, first_row: int, last_row: int, cells) -> None:
        key = (ws.name, first_row, last_row)
        if self.shared is not None and key in self.shared.rows:
            self.stamped_cells += splice.put_rows(ws, self.wb, self.shared.rows[key])
            return
        heights, headings = set(ws.row_info), set(ws.printed.headings)
        cells(ws)
        inside = range(first_row, last_row + 1)
        if any(r in inside for r in (set(ws.row_info) - heights) | (set(ws.printed.headings) - headings)):
            raise RuntimeError(f"{key}: rows copied between workbooks set no height and hold no heading")
        self.row_blocks.append(key)

    def close(self) -> None:
        self.place_page_breaks()
        if self.shared is not None:
            splice.account_for_copied_strings(self.wb, self.shared)
            self.stamped_charts = chartstamp.apply(self.wb, self.charts, self.shared.charts)
        with splice.collected_parts():
            self.wb.close()
        own = self._buffer.members or splice.read_members(self._buffer.getvalue())  # or zipped after all
        self._buffer = None
        if self.shared is not None:
            self.digest = splice.write_spliced(own, self.shared, self.path)
        else:
            shared_parts = splice.sheet_members(self.wb, self.shared_sheets).values()
            self.written, self.digest = splice.write_first(own, shared_parts, self.path)
            self.plain = {m.name: splice.inflated(m) for m in own}
        self._release_cycles()

    def _release_cycles(self) -> None:
        """A closed workbook is freed when its last reference goes, not at the collector's next full
        collection (each sheet points back to its workbook; each chart to its recorder): in udsend those
        collections took a fifth of a workbook's time."""
        for ws in self.wb.worksheets():
            ws.workbook_add_format = None
        for rec in self.charts:
            vars(rec.chart).pop("_recorder", None)
            vars(rec.chart).pop("_assemble_xml_file", None)


def capture(book: FastBook) -> SharedSheets:
    """After the first workbook of a kind is closed: what the others need to copy its shared sheets."""
    return splice.capture(book.wb, book.styles, book.written, book.plain, book.shared_sheets, book.charts,
                          book.row_blocks)

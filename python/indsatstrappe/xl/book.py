"""The book port for the workbook open in Excel (xlwings)."""

from __future__ import annotations

from pathlib import Path

import xlwings as xw


class XlwingsBook:
    def __init__(self, book):
        self.book = book
        self._path = Path(book.fullname)

    @classmethod
    def active(cls) -> XlwingsBook:
        """The workbook the user works in (the ribbon lives in the add-in, so not the caller)."""
        return cls(xw.books.active)

    @property
    def path(self) -> Path:
        return self._path

    def read_named(self, name: str) -> object:
        return self.book.names[name].refers_to_range.value

    def write_table(self, sheet: str, top_left: str, rows: list[list]) -> None:
        names = [s.name for s in self.book.sheets]
        target = self.book.sheets[sheet] if sheet in names else self.book.sheets.add(sheet, after=names[-1])
        target.range(top_left).value = rows

    def message(self, text: str) -> None:
        self.book.app.alert(text, title="Indsatstrappe")

    def save(self) -> None:
        self.book.save()

    def close(self) -> None:
        self._app = self.book.app
        self.book.close()

    def reopen(self) -> None:
        app = getattr(self, "_app", None) or self.book.app
        self.book = app.books.open(str(self._path))

"""The book port: what a ribbon handler needs from a workbook, behind one small interface, so the same
handler runs on the open workbook in Excel (xl.book.XlwingsBook) and on a file (FileBook)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import openpyxl


class BookPort(Protocol):
    @property
    def path(self) -> Path: ...

    def read_named(self, name: str) -> object: ...

    def write_table(self, sheet: str, top_left: str, rows: list[list]) -> None: ...

    def message(self, text: str) -> None: ...

    def save(self) -> None: ...

    def close(self) -> None: ...

    def reopen(self) -> None: ...


class FileBook:
    """A workbook file. It never rewrites our workbooks with openpyxl (that drops charts and the ribbon):
    tables are kept in `written` and messages in `messages`, for the CLI to print and tests to read."""

    def __init__(self, path: Path | str):
        self._path = Path(path)
        self.written: dict[tuple[str, str], list[list]] = {}
        self.messages: list[str] = []

    @property
    def path(self) -> Path:
        return self._path

    def read_named(self, name: str) -> object:
        book = openpyxl.load_workbook(self._path, data_only=True)
        defined = book.defined_names.get(name)
        if defined is None:
            return None
        sheet, ref = next(iter(defined.destinations))
        return book[sheet][ref.replace("$", "")].value

    def write_table(self, sheet: str, top_left: str, rows: list[list]) -> None:
        self.written[(sheet, top_left)] = rows

    def message(self, text: str) -> None:
        self.messages.append(text)

    def save(self) -> None:
        pass  # a file is saved already

    def close(self) -> None:
        pass

    def reopen(self) -> None:
        pass

"""The string table of a workbook whose strings are numbered as the first one's (splice.prime): its first
strings are the first workbook's, in its order, so their XML is the same in every workbook of the kind and is
made once per process; only the workbook's own strings after them are written one by one."""

from __future__ import annotations

import io

from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings

from ..held import for_object

_XML: dict = {}  # a primed list of strings -> its <si> elements


def packager_for(primed: list[str]):
    """A `Workbook._get_packager` whose string table writes `primed`'s elements at once (a closure, not a
    method of the book: the workbook holds it and must not point back)."""
    return lambda: _Packager(primed)


def si_elements(strings: list[str]) -> str:
    """The <si> elements XlsxWriter writes for `strings`."""
    writer = SharedStrings()
    writer._set_filehandle(io.StringIO())
    for text in strings:
        writer._write_si(text)
    return writer.fh.getvalue()


def _elements_of(primed: list[str]) -> str:
    return for_object(_XML, primed, lambda: si_elements(primed), limit=8)


class _Strings(SharedStrings):
    def __init__(self, primed: list[str]):
        super().__init__()
        self.primed = primed

    def _write_sst_strings(self) -> None:
        strings, n = self.string_table.string_array, len(self.primed)
        if strings[:n] != self.primed:  # cannot be after splice.prime; then simply as XlsxWriter does
            super()._write_sst_strings()
            return
        self.fh.write(_elements_of(self.primed))
        for text in strings[n:]:
            self._write_si(text)


class _Packager(Packager):
    def __init__(self, primed: list[str]):
        super().__init__()
        self.primed = primed

    def _write_shared_strings_file(self) -> None:
        # Packager._write_shared_strings_file with our string table writer
        if not self.workbook.str_table.count:
            return
        sst = _Strings(self.primed)
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()

"""The Excel add-in Indsatstrappe.xlam: the ribbon tab, its VBA callbacks and the xlwings settings."""

from __future__ import annotations

from pathlib import Path

from ..scaffold import TITLE_ROWS, Book, BookInfo, embed_vba

TITLE = "Indsatstrappen – tilføjelsesprogram"
XLWINGS_CONF = {
    "UDF Modules": "indsatstrappe.xl.udfs",
    "Interpreter_Win": "",  # empty: xlwings uses the interpreter from the xlwings add-in's own settings
    "PYTHONPATH": "",
    "Show Console": "False",
}


def build(path: Path, info: BookInfo, vba_modules: dict[str, str]) -> None:
    book = Book(path, info, macros=True)
    s = book.styles
    ws = book.sheet("Om", TITLE, "")
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 90)
    lines = [
        ("Hvad", "Fanen 'Indsatstrappen' i Excel: opdater, hent, valider, fordel udgifter, udsend, om."),
        ("Kræver", "Python med pakken indsatstrappe og xlwings-tilføjelsesprogrammet (xlwings addin install)."),
        ("Funktioner", "INDSATS_TRIN, INDSATS_FORDELING, INDSATS_NOEGLETAL, INDSATS_NOEGLETAL_SERIE, "
                       "INDSATS_UDGIFTER, INDSATS_BEVAEGELSER, INDSATS_BEBOERE "
                       "(importér dem med xlwings' 'Import Functions')."),
    ]
    for i, (k, v) in enumerate(lines):
        ws.write_string(TITLE_ROWS + 1 + i, 1, k, s.bold)
        ws.write_string(TITLE_ROWS + 1 + i, 2, v, s.wrap)
    conf = book.wb.add_worksheet("xlwings.conf")
    for r, (key, value) in enumerate(XLWINGS_CONF.items()):
        conf.write_string(r, 0, key)
        conf.write_string(r, 1, value)
    conf.set_column(0, 1, 28)
    embed_vba(book, vba_modules)
    book.close()

"""The speed layer: what makes `udsend`'s 196 workbooks fast, and the only code that relies on
XlsxWriter's private methods and attributes. Nothing but `distribute` uses it.

- fastsheet: cells written as XML when they are put, and rows visited as they exist.
- splice: the shared sheets written once, by the first municipality's build, and copied into the others; so are
  the row blocks no municipality changes (Book.fill_rows), cell by cell.
- chartstamp: charts written from the first workbook's chart XML with this workbook's caches.
- sharedstrings: the string table's first part (the first workbook's strings, numbered as there) written once per
  process.

`FastBook` is the entry point: a `scaffold.Book` with these parts. tests/test_speed.py builds both
workbooks with it and with the plain `Book` and compares every part.
"""

from .fastbook import FastBook, capture
from .splice import SharedSheets

__all__ = ["FastBook", "SharedSheets", "capture"]

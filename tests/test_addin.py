"""The Excel add-in and the ribbon: structure of the built files, VBA read back with oletools, and the
ribbon handlers run as plain Python on real files through the book port (and a fake of xlwings)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from oletools.olevba import VBA_Parser

from indsatstrappe.app import handlers, queries, workbooks
from indsatstrappe.app.bookport import FileBook
from indsatstrappe.core.datafiles import ADDIN_VBA, RIBBON_XML
from indsatstrappe.excel import package
from indsatstrappe.io.datafolder import DataFolder
from indsatstrappe.xl.book import XlwingsBook
from test_templates import _build_date, _parts

ROOT = Path(__file__).resolve().parents[1]
ADDIN = ROOT / "addin" / "Indsatstrappe.xlam"
RIBBON = RIBBON_XML.read_text(encoding="utf-8")


def _vba(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    found = {Path(name).stem: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    parser.close()
    return found


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("Attribute ")).strip()


@pytest.mark.parametrize("path", [ADDIN, ROOT / "templates" / "Noegletal.xlsm"])
def test_ribbon_part_relationship_and_callbacks(path):
    with zipfile.ZipFile(path) as z:
        assert z.read(package.RIBBON_PART).decode() == RIBBON
        assert package.RIBBON_REL.encode() in z.read("_rels/.rels")
        assert b"macroEnabled" in z.read("[Content_Types].xml")
    modules = _vba(path)
    code = "\n".join(modules.values())
    for action in package.ribbon_actions(RIBBON):
        assert re.search(rf"Public Sub {action}\(control As IRibbonControl\)", code), action
    assert _body(modules["Ribbon"]) == _body((ADDIN_VBA / "Ribbon.bas").read_text(encoding="utf-8"))


def test_addin_is_an_addin_with_xlwings_settings(tmp_path):
    with zipfile.ZipFile(ADDIN) as z:
        assert package.ADDIN_WORKBOOK.encode() in z.read("[Content_Types].xml")
    copy = tmp_path / "addin.xlsm"  # openpyxl reads no add-ins: read a copy typed as a macro workbook
    with zipfile.ZipFile(ADDIN) as src, zipfile.ZipFile(copy, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(package.ADDIN_WORKBOOK.encode(), package.MACRO_WORKBOOK.encode())
            dst.writestr(item, data)
    wb = openpyxl.load_workbook(copy)
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(values_only=True)}
    assert conf["UDF Modules"] == "indsatstrappe.xl.udfs"
    ribbon_py = (ROOT / "python" / "indsatstrappe" / "xl" / "ribbon.py").read_text(encoding="utf-8")
    for function in re.findall(r'KaldPython "([a-z_]+)"', (ADDIN_VBA / "Ribbon.bas").read_text(encoding="utf-8")):
        assert f"def {function}():" in ribbon_py, function


def test_committed_addin_equals_a_rebuild(tmp_path):
    fresh = workbooks.write_addin(tmp_path / "Indsatstrappe.xlam", _build_date(ADDIN))
    old, new = _parts(ADDIN), _parts(fresh)
    assert sorted(old) == sorted(new) and [n for n in old if old[n] != new[n]] == [], "kør 'make addin'"


# -- handlers on files ----------------------------------------------------------------------------

@pytest.fixture
def udgiftsmodel(tmp_path):
    path = tmp_path / "Udgiftsmodel.xlsx"
    shutil.copy(ROOT / "templates" / "Udgiftsmodel.xlsx", path)
    return path


def test_om_and_valider(udgiftsmodel):
    port = FileBook(udgiftsmodel)
    handlers.om(port)
    handlers.valider(port)
    assert "Udgiftsmodel.xlsx" in port.messages[0]
    assert port.messages[1].startswith("Ingen fejl")


def test_opdater_data_keeps_a_backup(udgiftsmodel):
    port = FileBook(udgiftsmodel)
    handlers.opdater_data(port)
    assert "forrige udgave" in port.messages[-1]
    assert len(list(udgiftsmodel.parent.glob("Udgiftsmodel.backup-*.xlsx"))) == 1


def test_opdater_data_reports_bad_data_without_touching_the_file(udgiftsmodel, tmp_path):
    before = udgiftsmodel.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "befolkning.csv").write_text("kommune_kode,aar\n101,2023\n", encoding="utf-8")
    port = FileBook(udgiftsmodel)
    handlers.opdater_data(port, bad)
    assert "blev ikke opdateret" in port.messages[-1] and "mangler" in port.messages[-1]
    assert udgiftsmodel.read_bytes() == before


def test_fordel_udgifter_writes_the_python_allocation(udgiftsmodel):
    port = FileBook(udgiftsmodel)
    handlers.fordel_udgifter(port)
    rows = port.written[("Kontrol", "B2")]
    table = pd.DataFrame(rows[1:], columns=rows[0])
    core = queries.expense_table(DataFolder(), "boern", workbooks.TEMPLATE_KOMMUNE)
    assert table.groupby("År")["Beløb (kr.)"].sum().round(2).tolist() == \
        core.groupby("aar")["beloeb"].sum().round(2).tolist()
    other = FileBook(ROOT / "templates" / "Noegletal.xlsm")
    handlers.fordel_udgifter(other)
    assert "virker i en Udgiftsmodel" in other.messages[-1]


def test_udsend_button(udgiftsmodel):
    port = FileBook(udgiftsmodel)
    handlers.udsend(port, kommuner=[825])
    assert "2 projektmapper" in port.messages[-1]
    assert (udgiftsmodel.parent / "udsendelse" / "manifest.csv").exists()


# -- the xlwings port, against a fake of the objects xlwings gives ----------------------------------

class _Range:
    def __init__(self, store, key):
        self.store, self.key = store, key

    @property
    def value(self):
        return self.store.get(self.key)

    @value.setter
    def value(self, v):
        self.store[self.key] = v


class _Sheet:
    def __init__(self, name, store):
        self.name, self.store = name, store

    def range(self, ref):
        return _Range(self.store, (self.name, ref))


class _Sheets(list):
    def __init__(self, store, names):
        super().__init__(_Sheet(n, store) for n in names)
        self.store = store

    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else super().__getitem__(key)

    def add(self, name, after=None):
        sheet = _Sheet(name, self.store)
        self.append(sheet)
        return sheet


class _Name:
    def __init__(self, value):
        self.refers_to_range = type("R", (), {"value": value})()


class _App:
    def __init__(self):
        self.alerts, self.opened = [], []
        self.books = self

    def alert(self, text, title=None):
        self.alerts.append((title, text))

    def open(self, path):
        self.opened.append(path)
        return _Book(path, self)


class _Book:
    def __init__(self, path, app=None):
        self.fullname = str(path)
        self.app = app or _App()
        self.store = {}
        self.sheets = _Sheets(self.store, ["Forside"])
        self.names = {"ValgtKommune": _Name("Læsø")}
        self.saved = self.closed = 0

    def save(self):
        self.saved += 1

    def close(self):
        self.closed += 1


def test_xlwings_port_reads_writes_and_reopens(tmp_path):
    book = _Book(tmp_path / "x.xlsx")
    port = XlwingsBook(book)
    assert port.read_named("ValgtKommune") == "Læsø"
    port.write_table("Kontrol", "B2", [["a"], [1]])
    assert book.store[("Kontrol", "B2")] == [["a"], [1]]
    port.message("hej")
    port.save()
    port.close()
    port.reopen()
    assert book.app.alerts == [("Indsatstrappe", "hej")] and book.saved == 1 and book.closed == 1
    assert book.app.opened == [str(tmp_path / "x.xlsx")]

"""#31.7: the library runs inside the user's Excel process (UDFs, ribbon), so what it changes for the whole process
while it works (the VBA builder: the global random, the working folder, ms-ovba's compressor; the speed layer:
XlsxWriter's zip file) is put back afterwards, also when the work fails half-way."""

from __future__ import annotations

import os
import random
import zipfile

import pytest
import xlsxwriter.workbook
from ms_ovba_compression.ms_ovba import MsOvba

from indsatstrappe.excel import vba
from indsatstrappe.excel.speed import splice


def _state() -> tuple:
    return random.getstate(), os.getcwd(), MsOvba.compress, xlsxwriter.workbook.ZipFile


def test_building_a_vba_project_leaves_the_process_as_it_was():
    random.seed(7)
    before = _state()
    project = vba.build_project({"Modul": 'Attribute VB_Name = "Modul"\nSub A()\nEnd Sub\n'}, 2)
    assert project[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE file
    assert _state() == before
    assert random.random() == random.Random(7).random()  # the caller's sequence goes on undisturbed


def test_a_failing_vba_build_leaves_the_process_as_it_was():
    before = _state()
    with pytest.raises(UnicodeEncodeError):  # 'ł' has no place in the project's code page (cp1252)
        vba.build_project({"Modul": 'Attribute VB_Name = "Modul"\n\' Łódź\n'}, 1)
    assert _state() == before


def test_collected_parts_puts_xlsxwriters_zip_file_back_also_after_a_failure():
    before = _state()
    with pytest.raises(RuntimeError), splice.collected_parts():
        assert xlsxwriter.workbook.ZipFile is not zipfile.ZipFile
        raise RuntimeError("a workbook that could not be closed")
    assert _state() == before

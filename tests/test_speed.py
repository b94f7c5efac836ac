"""The speed layer (excel/speed) writes the workbooks the plain Book writes: every part of both
distributed workbooks, built with the speed layer (the shared sheets copied from another municipality's
build, the charts stamped) and without it, shows the same; only the numbering of strings and formats may
differ. Run on every XlsxWriter version the pin in pyproject.toml allows (test_every_allowed_version)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter

from helpers.ooxml import parts_without_numbering
from indsatstrappe.app import distribute

ROOT = Path(__file__).resolve().parents[1]
FIRST, OTHER = 825, 147  # Læsø holds the shared copy; Frederiksberg is compared
OTHER_VERSION = "INDSATSTRAPPE_XLSXWRITER"  # set when this file runs under another XlsxWriter (below)


@pytest.mark.parametrize("kind", distribute.KINDS)
def test_the_speed_layer_writes_what_the_plain_book_writes(prepared, kind, tmp_path):
    _, shared = distribute.build_first(kind, FIRST, tmp_path / "first")
    fast, book = distribute.build_one(kind, OTHER, tmp_path / "fast", shared)
    assert book.stamped_charts == len(book.charts) > 0 and shared.sheets  # the speed layer did its work
    plain, _ = distribute.build_one(kind, OTHER, tmp_path / "plain", None, fast=False)
    a, b = parts_without_numbering(fast), parts_without_numbering(plain)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name] and name != "xl/sharedStrings.xml"] == []
    # the string table: the same count of string cells; numbered as in the first workbook, it may also hold
    # strings only that workbook uses (no cell here refers to them)
    (count_a, *strings_a), (count_b, *strings_b) = (p["xl/sharedStrings.xml"].split("\n") for p in (a, b))
    assert count_a.split()[0] == count_b.split()[0]
    assert set(strings_b) <= set(strings_a) and set(strings_a) - set(strings_b) <= set(shared.strings)
    assert fast.read_bytes() != plain.read_bytes()  # the numbering did differ: the comparison had work to do


def test_the_comparison_sees_a_changed_cell(prepared, tmp_path):
    """The normalising comparison is not blind: one string cell of the plain build changed is found."""
    import zipfile

    plain, _ = distribute.build_one("noegletal", OTHER, tmp_path / "plain", None, fast=False)
    changed = tmp_path / "changed.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(t="s"><v>)(\d+)(</v>)', lambda m: m.group(1) + str(int(m.group(2)) + 1).encode()
                              + m.group(3), data, count=1)
            dst.writestr(item, data)
    a, b = parts_without_numbering(plain), parts_without_numbering(changed)
    assert [name for name in a if a[name] != b[name]] == ["xl/worksheets/sheet1.xml"]


def _allowed_versions() -> list[str]:
    """XlsxWriter versions on the package index that pyproject.toml's pin allows (the installed one when
    the index cannot be asked)."""
    from packaging.specifiers import SpecifierSet

    pin = re.search(r'"XlsxWriter([^"]*)"', (ROOT / "pyproject.toml").read_text()).group(1)
    found = subprocess.run([sys.executable, "-m", "pip", "index", "versions", "xlsxwriter"], capture_output=True,
                           text=True, timeout=120)
    listed = re.search(r"Available versions: (.*)", found.stdout)
    if listed is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"pip index versions xlsxwriter: {found.stderr[-500:]}")
        return [xlsxwriter.__version__]
    return sorted(SpecifierSet(pin).filter(v.strip() for v in listed.group(1).split(",")))


@pytest.mark.skipif(bool(os.environ.get(OTHER_VERSION)), reason="already running under another version")
def test_every_allowed_version(tmp_path):
    """This file's comparison, and the splice and chart-stamp tests, under each other allowed version."""
    versions = _allowed_versions()
    assert xlsxwriter.__version__ in versions
    others = [v for v in versions if v != xlsxwriter.__version__]  # the rest of this file ran under the installed
    if not others:  # said as a skip, not passed as if something had been compared
        pytest.skip(f"ingen anden XlsxWriter-version end {xlsxwriter.__version__} er tilladt eller kan findes")
    for version in others:
        target = tmp_path / version
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                        f"xlsxwriter=={version}"], check=True, timeout=300)
        env = {**os.environ, OTHER_VERSION: version,
               "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")])}
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
                              "tests/test_speed.py", "tests/test_splice.py", "tests/test_chartstamp.py"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, f"XlsxWriter {version}:\n{run.stdout[-3000:]}"


@pytest.mark.skipif(not os.environ.get(OTHER_VERSION), reason="kun når test_every_allowed_version kører filen")
def test_running_under_the_version_asked_for():
    assert xlsxwriter.__version__ == os.environ[OTHER_VERSION]

"""LibreOffice as the formula-truth oracle: recalculate copies of workbooks and compare every formula
cell's recalculated value with the cached value our builder wrote."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def make_profile(profile: Path) -> Path:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(PROFILE_XCU, encoding="utf-8")
    return profile


def to_pdf(soffice: str, file: Path, outdir: Path, profile: Path) -> Path:
    """Print a workbook to PDF as LibreOffice lays it out (recalculating first)."""
    make_profile(profile)
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(file)], check=True, capture_output=True,
                   timeout=300)
    return outdir / (file.stem + ".pdf")


def recalculate(soffice: str, files: list[Path], outdir: Path, profile: Path) -> list[Path]:
    """Open each file in LibreOffice with 'always recalculate' and save a copy as .xlsx in outdir."""
    make_profile(profile)
    outdir.mkdir(parents=True, exist_ok=True)
    copies = []
    for f in files:  # LibreOffice writes <stem>.xlsx; keep inputs apart so names do not clash
        copy = outdir / "in" / f.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(f, copy)
        copies.append(copy)
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), *map(str, copies)],
        check=True, capture_output=True, timeout=300)
    return [outdir / (f.stem + ".xlsx") for f in files]


def cells(path: Path, data_only: bool):
    """(sheet, coordinate, value) of every non-empty cell; openpyxl's streaming reader, twice as fast as the
    full one on a workbook of 300,000 cells."""
    book = openpyxl.load_workbook(path, data_only=data_only, read_only=True)
    try:
        for ws in book.worksheets:
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        yield ws.title, f"{get_column_letter(c)}{r}", value
    finally:
        book.close()


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    return {(sheet, ref): value for sheet, ref, value in cells(path, data_only=False)
            if isinstance(value, str) and value.startswith("=")}


def values(path: Path) -> dict[tuple[str, str], object]:
    return {(sheet, ref): value for sheet, ref, value in cells(path, data_only=True)}


def same(a: object, b: object) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


ERRORS = ("#DIV/0!", "#NAME?", "#VALUE!", "#REF!", "#N/A", "#NUM!", "Err:")


def mismatches(original: Path, recalculated: Path) -> list[str]:
    """Formula cells whose recalculated value differs from the cached one, or that show an error."""
    formulas = formula_cells(original)
    cached, fresh = values(original), values(recalculated)
    bad = []
    for key, formula in formulas.items():
        got = fresh.get(key)
        if got == "#N/A" and cached.get(key) == "#N/A":
            continue  # an intended gap: a chart's source cell or an amount that is not shown
        if isinstance(got, str) and got.startswith(ERRORS):
            bad.append(f"{key}: {formula} -> {got}")
        elif not same(cached.get(key), got):
            bad.append(f"{key}: {formula} cached {cached.get(key)!r}, LibreOffice {got!r}")
    return bad

"""LibreOffice as the formula-truth oracle: recalculate copies of workbooks and compare every formula
cell's recalculated value with the cached value our builder wrote."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import openpyxl

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


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    book = openpyxl.load_workbook(path, data_only=False)
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    found[(ws.title, c.coordinate)] = c.value
    return found


def values(path: Path) -> dict[tuple[str, str], object]:
    book = openpyxl.load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}


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

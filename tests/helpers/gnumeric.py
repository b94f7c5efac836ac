"""Gnumeric as a second spreadsheet program: `ssconvert --recalc` opens a workbook, recalculates every
formula and saves a copy, whose values are compared with the cached values our builder wrote (as
helpers/libreoffice.py does with LibreOffice). Excel, LibreOffice and Gnumeric read some forms differently
(a function over an array inside SUMPRODUCT, INDEX with one index into a row); a formula all three read
alike gives the same value in each. Recalculating the Udgiftsmodel takes Gnumeric about 25 s, so the
checks start in the background as soon as a file exists and are collected later."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

from helpers.libreoffice import mismatches


def ssconvert() -> str | None:
    return shutil.which("ssconvert")


def required_ssconvert() -> str:
    """ssconvert, or the test is skipped with a reason outside CI and fails under CI=true ('make test' installs
    Gnumeric, as it does LibreOffice)."""
    import os

    import pytest

    exe = ssconvert()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Gnumeric (ssconvert) mangler under CI; 'make test' skal installere den.")
        pytest.skip("Gnumeric (ssconvert) er ikke installeret; 'make test' installerer den.")
    return exe


class Recalculation:
    """`ssconvert --recalc` running on a copy of `path` (read only as .xlsx; an .xlsm is copied under that
    name, its macros play no part in a formula)."""

    def __init__(self, exe: str, path: Path, scratch: Path):
        scratch.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.copy = scratch / (path.stem + ".xlsx")
        self.out = scratch / (path.stem + ".gnumeric.xlsx")
        shutil.copy(path, self.copy)
        self.proc = subprocess.Popen([exe, "--recalc", str(self.copy), str(self.out)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)

    def differences(self) -> list[str]:
        """Formula cells whose value after Gnumeric's recalculation differs from the cached one."""
        out, _ = self.proc.communicate(timeout=900)
        if self.proc.returncode != 0 or not self.out.exists():
            raise RuntimeError(f"ssconvert failed on {self.path.name}: {out[-2000:]}")
        with warnings.catch_warnings():  # Gnumeric's file has no default cell style; openpyxl says so
            warnings.simplefilter("ignore", UserWarning)
            return mismatches(self.copy, self.out)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()

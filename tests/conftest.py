"""Shared helpers: small data folders written from readable text, and the CLI run in-process."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# xlwings registers its Office.js engine (xw.Book(json=...), used by tests/test_lite.py) only when the PRO
# licence is valid at its first import, so the key is set before any test module imports xlwings. The
# project is open source and its users are public authorities: the noncommercial licence applies.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from helpers.ooxml import Validation  # noqa: E402
from indsatstrappe.cli.commands import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys):
    """Run `indsatstrappe ARGS` in this process; returns exit code, stdout and stderr."""
    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)
    return run


def run_console_script(*args: str, cwd: Path | None = None) -> Run:
    """The installed console script in a subprocess, exactly as a user runs it."""
    exe = Path(sys.executable).with_name("indsatstrappe")
    env = {k: v for k, v in os.environ.items() if k != "INDSATSTRAPPE_DEBUG"}
    proc = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def write_folder(path: Path, tables: dict[str, str]) -> Path:
    """A data folder from {table: csv text}; text is dedented line by line."""
    path.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        lines = [line.strip() for line in text.strip().splitlines()]
        (path / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def folder_digest(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir()) if p.is_file()}


# Ten municipalities of the demo data: two groups with several members each (four Hovedstadskommuner, five
# Landkommuner), six of Region Nordjylland's and the municipalities the workbook tests open. A workbook built
# from them is a sixth of the full size, so LibreOffice and openpyxl read it in seconds.
DEMO_SUBSET = (101, 147, 151, 167, 773, 810, 825, 849, 851, 860)


def demo_subset(path: Path, kommuner: tuple[int, ...] = DEMO_SUBSET) -> Path:
    """The bundled demo data restricted to `kommuner`: every table's rows of those municipalities, the
    price index and the data package's description as they are."""
    import pandas as pd

    from indsatstrappe.core.datafiles import DEMO_DIR

    path.mkdir(parents=True, exist_ok=True)
    for src in DEMO_DIR.iterdir():
        if src.suffix != ".csv":
            shutil.copy(src, path / src.name)
            continue
        table = pd.read_csv(src, dtype=str, keep_default_na=False)
        if "kommune_kode" in table:
            table = table[table["kommune_kode"].astype(int).isin(kommuner)]
        table.to_csv(path / src.name, index=False)
    return path


@pytest.fixture(scope="session")
def subset_path(tmp_path_factory) -> Path:
    return demo_subset(tmp_path_factory.mktemp("demo_subset"))


SMALL_BEFOLKNING = """
    kommune_kode,aar,aldersgruppe,antal
    101,2023,0-17,1000
    101,2023,18-64,3000
    147,2023,0-17,500
    147,2023,18-64,2000
"""

SMALL_MODTAGERE = """
    kommune_kode,aar,trappe,indsats,antal
    101,2023,boern,ISBU01:405,20
    101,2023,boern,ISBU01:401,10
    101,2023,boern,EGEN:HJEM-FAMBEH,15
    101,2023,boern,ANBAAR12:1,2
    101,2023,boern,ANBAAR12:21,3
    101,2023,boern,ANBAAR12:9,4
    101,2023,boern,ANBAAR12:27,6
    101,2023,boern,ANBAAR12:99,1
    147,2023,boern,ISBU01:405,5
    147,2023,boern,ANBAAR12:24,5
    101,2023,voksne,HAND07:30181,9
    101,2023,voksne,HAND07:31202,30
    101,2023,voksne,HAND07:30013,7
"""


@pytest.fixture
def small_folder(tmp_path) -> Path:
    return write_folder(tmp_path / "data", {"befolkning": SMALL_BEFOLKNING, "modtagere": SMALL_MODTAGERE})


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice for formula truth: skipped with a reason outside CI, a failure under CI=true."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) mangler under CI; 'make test' skal installere den.")
        pytest.skip("LibreOffice (soffice) er ikke installeret; 'make test' installerer den.")
    return exe


@pytest.fixture(scope="session")
def ooxml_templates(tmp_path_factory):
    """openxml-audit on the committed templates (23 s of work for the Udgiftsmodel), started when
    test_templates starts (one worker's, not every worker's) and collected by its last tests."""
    scratch = tmp_path_factory.mktemp("ooxml")
    checks = {p.name: Validation(p, scratch) for p in sorted((ROOT / "templates").glob("*.xls*"))}
    yield checks
    for check in checks.values():
        check.stop()


@pytest.fixture(scope="session")
def gnumeric_templates(tmp_path_factory):
    """Gnumeric's recalculation of the committed templates (about 30 s for the Udgiftsmodel), started with
    test_templates as the audit is and collected by its last tests; skipped outside CI without Gnumeric,
    a failure under CI=true ('make test' installs it)."""
    from helpers.gnumeric import Recalculation, required_ssconvert

    exe = required_ssconvert()
    scratch = tmp_path_factory.mktemp("gnumeric")
    checks = {p.name: Recalculation(exe, p, scratch / p.stem) for p in sorted((ROOT / "templates").glob("*.xls*"))}
    yield checks
    for check in checks.values():
        check.stop()


@pytest.fixture(scope="module")
def prepared():
    """udsend's prepared inputs for the demo data, as this process's worker state (distribute.build_one)."""
    from indsatstrappe.app import distribute
    from indsatstrappe.io.datafolder import DataFolder

    prepared = distribute.prepare(DataFolder())
    distribute._start_worker(prepared)
    yield prepared
    distribute._start_worker(None)

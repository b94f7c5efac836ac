"""Where the files the package reads at run time live: definitions and demo data (data/), the add-in's VBA
and ribbon sources (addin/). All are package data, found with importlib.resources, so an installed wheel
(pip, or xlwings Lite's Pyodide) has them as well as a checkout does."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_dir() -> Path:
    root = resources.files("indsatstrappe")
    if not isinstance(root, Path):  # a zipped install: the readers below need real files
        raise RuntimeError(f"Pakken indsatstrappe skal være installeret som filer (ikke i en zip): {root}")
    return root


PACKAGE_DIR = _package_dir()
DATA_DIR = PACKAGE_DIR / "data"
DEMO_DIR = DATA_DIR / "demo"
ADDIN_VBA = PACKAGE_DIR / "addin" / "vba"
RIBBON_XML = PACKAGE_DIR / "addin" / "ribbon" / "customUI14.xml"


def packaged(name: str) -> Path:
    return DATA_DIR / name

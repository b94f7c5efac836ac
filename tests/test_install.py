"""The package as a user installs it: a wheel built from the sources, installed (not editable) into a fresh
venv outside the checkout, runs `demo` (which writes the templates as `skabeloner` does: VBA and ribbon from
package data), `byg-addin` and `opdater` of an .xlsm from there."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv with only the wheel installed; the dependencies come from this
    environment's site-packages, put on the path after the venv's own (no download in a test)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(ROOT / "python", source / "python",
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "-w", tmp / "dist", source], tmp)
    wheel = next((tmp / "dist").glob("indsatstrappe-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel], tmp)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp).stdout.strip())
    (site / "deps_from_test_env.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return venv / "bin"


def test_the_wheel_holds_the_files_the_package_reads(installed):
    wheel = next(installed.parent.parent.glob("dist/indsatstrappe-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("indsatstrappe/addin/vba/Ribbon.bas", "indsatstrappe/addin/vba/Indsatstrappe.bas",
                   "indsatstrappe/addin/ribbon/customUI14.xml", "indsatstrappe/data/indsatser.csv",
                   "indsatstrappe/data/demo/modtagere.csv", "indsatstrappe/data/demo/datapakke.toml"):
        assert needed in names, needed


def test_installed_package_runs_demo_templates_addin_and_refresh(installed, tmp_path):
    python = installed / "python"
    where = _run([python, "-c", "import indsatstrappe; print(indsatstrappe.__file__)"], tmp_path).stdout
    assert str(installed.parent) in where  # the wheel's copy, not the checkout's
    cli = installed / "indsatstrappe"
    _run([cli, "demo", "--ud", "ud"], tmp_path)  # writes the templates too, as `skabeloner` does
    assert (tmp_path / "ud" / "Noegletal_147_Frederiksberg.xlsx").stat().st_size > 100_000
    assert "skabeloner" in _run([cli, "--help"], tmp_path).stdout
    template = tmp_path / "ud" / "skabeloner" / "Noegletal.xlsm"
    with zipfile.ZipFile(template) as z:
        assert "xl/vbaProject.bin" in z.namelist() and "customUI/customUI14.xml" in z.namelist()
    _run([cli, "byg-addin", "--ud", "Indsatstrappe.xlam"], tmp_path)
    with zipfile.ZipFile(tmp_path / "Indsatstrappe.xlam") as z:
        assert "xl/vbaProject.bin" in z.namelist()
    done = _run([cli, "opdater", template], tmp_path)
    assert done.stdout.startswith("Opdaterede")
    assert len(list(template.parent.glob("Noegletal.backup-*.xlsm"))) == 1
    with zipfile.ZipFile(template) as z:
        assert "xl/vbaProject.bin" in z.namelist()

"""The whole-process figures of #32, measured back to back against an older commit of this repository
(b070a89, the last one before the workbooks grew): `udsend` for all 98 municipalities in 2 processes (wall
time and peak memory of the process tree), the size of a distributed pair, and LibreOffice's time to open,
recalculate and save one distributed pair. Runs alternate old, new, old, new, ... so a slow moment of the
machine hits both alike; the best run of each is reported."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLD = "b070a89"
PAIR = ("Noegletal_101_Koebenhavn.xlsx", "Udgiftsmodel_101_Koebenhavn.xlsx")

# Runs one command and prints its wall time and the peak resident memory of its process tree (the largest
# process: getrusage's RUSAGE_CHILDREN in a fresh parent holds only this command's processes).
_TIMED = ("import resource, subprocess, sys, time\n"
          "start = time.perf_counter()\n"
          "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
          "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n")


@dataclass
class Run:
    seconds: float
    peak_mb: float


def old_commit_available(commit: str = OLD) -> bool:
    """False in a shallow clone without the commit (then the comparison is left out of `make bench`)."""
    return subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
                          capture_output=True).returncode == 0


@contextlib.contextmanager
def old_checkout(commit: str = OLD) -> Iterator[Path]:
    """The package's source at `commit`, in a temporary git worktree (removed afterwards)."""
    where = Path(tempfile.mkdtemp(prefix="indsatstrappe-old-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(where), commit], check=True,
                   capture_output=True)
    try:
        yield where / "python"
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)], capture_output=True)
        shutil.rmtree(where, ignore_errors=True)


def udsend(source: Path, out: Path) -> Run:
    """`indsatstrappe udsend` of the package at `source` for all municipalities, 2 processes, in a fresh process."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(source)}
    cmd = [sys.executable, "-c", _TIMED, sys.executable, "-c", "from indsatstrappe.cli import main; main()", "udsend",
           "--ud", str(out), "--processer", "2"]
    seconds, peak = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.split()
    return Run(float(seconds), float(peak))


def libreoffice_recalc(soffice: str, files: list[Path], scratch: Path) -> float:
    """LibreOffice opens the files, recalculates every formula and saves them (a fresh profile each time)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers.libreoffice import recalculate

    shutil.rmtree(scratch, ignore_errors=True)
    start = time.perf_counter()
    recalculate(soffice, files, scratch / "out", scratch / "profile")
    return time.perf_counter() - start


def compare(rounds: int = 3) -> dict[str, dict[str, float]]:
    """Old and new, `rounds` times each, alternating: udsend's best time and peak memory, the pair's sizes and
    LibreOffice's best time on the pair."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    figures: dict[str, dict[str, float]] = {}
    with old_checkout() as old_source, tempfile.TemporaryDirectory() as tmp:
        sources = {"gammel": old_source, "ny": ROOT / "python"}
        runs: dict[str, list[Run]] = {label: [] for label in sources}
        for _ in range(rounds):
            for label, source in sources.items():
                runs[label].append(udsend(source, Path(tmp) / label))
        for label in sources:
            files = [Path(tmp) / label / name for name in PAIR]
            figures[label] = {
                "udsend_s": min(r.seconds for r in runs[label]),
                "udsend_mb": max(r.peak_mb for r in runs[label]),
                "noegletal_mb": files[0].stat().st_size / 1e6,
                "udgiftsmodel_mb": files[1].stat().st_size / 1e6,
                "alle_mb": sum(f.stat().st_size for f in (Path(tmp) / label).glob("*.xlsx")) / 1e6,
            }
        if soffice:
            times: dict[str, list[float]] = {label: [] for label in sources}
            for _ in range(rounds):
                for label in sources:
                    files = [Path(tmp) / label / name for name in PAIR]
                    times[label].append(libreoffice_recalc(soffice, files, Path(tmp) / f"lo-{label}"))
            for label in sources:
                figures[label]["libreoffice_s"] = min(times[label])
    return figures

"""What one distributed workbook costs, counted in instructions: valgrind's cachegrind counts every instruction
a process runs, so two runs of the same code agree within 3 % on a busy machine or an idle one, where seconds on
this 2-core machine swing by a fifth. Counted for the code of this checkout and of an older
commit (b070a89, #32's reference) alike: a worker's build of n workbooks of a kind after the first one's,
minus a build of one, over n - 1."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Run with PYTHONPATH at a checkout's python folder; both layouts of distribute (before and after the move to
# app/) and both ways of handing a worker its inputs are covered.
_DRIVER = r"""
import gc, pickle, sys
from pathlib import Path
try:
    from indsatstrappe.app import distribute
    from indsatstrappe.core import municipalities
except ImportError:
    from indsatstrappe import distribute, municipalities
from indsatstrappe.io.datafolder import DataFolder

mode, where = sys.argv[1], Path(sys.argv[2])
if mode == "prepare":
    prepared = distribute.prepare(DataFolder())
    distribute._PREPARED = prepared
    stored = {kind: distribute.build_first_to(kind, municipalities.codes()[0], where, where)[1]
              for kind in distribute.KINDS}
    prepared.shared = {}
    (where / "prepared.pickle").write_bytes(pickle.dumps((prepared, stored)))
else:
    n, kind = int(sys.argv[3]), sys.argv[4]
    prepared, stored = pickle.loads((where / "prepared.pickle").read_bytes())
    gc.collect()
    gc.freeze()
    start = getattr(distribute, "_start_pool_worker", None)
    if start is not None:
        start(prepared)
    else:
        distribute._PREPARED = prepared
    out = where / "out"
    out.mkdir(exist_ok=True)
    for kommune in municipalities.codes()[1:1 + n]:
        distribute.build_from(kind, kommune, out, stored[kind])
"""
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def available() -> bool:
    return shutil.which("valgrind") is not None


def _instructions(source: Path, where: Path, n: int, kind: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(source), "PYTHONHASHSEED": "0"}
    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                           sys.executable, "-c", _DRIVER, "build", str(where), str(n), kind],
                          env=env, capture_output=True, text=True, check=True)
    return int(_REFS.search(done.stderr).group(1).replace(",", ""))


def per_workbook(source: Path, n: int = 6) -> dict[str, float]:
    """Millions of instructions one workbook of each kind takes in a worker (the code at `source`)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(source)}
        subprocess.run([sys.executable, "-c", _DRIVER, "prepare", tmp], env=env, check=True, capture_output=True)
        out = {}
        for kind in ("noegletal", "udgiftsmodel"):
            one, more = (_instructions(source, Path(tmp), k, kind) for k in (1, n))
            out[kind] = (more - one) / (n - 1) / 1e6
        return out

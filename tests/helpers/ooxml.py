"""OOXML validation with openxml-audit (Excel's own schema rules, no .NET): a file that passes opens in
Excel without a repair message. Validating a workbook with tens of thousands of cells takes a minute, so
the checks start in the background as soon as a file exists and are collected later in the session."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

FORMAT = "office2016"


def _command() -> str:
    exe = Path(sys.executable).with_name("openxml-audit")
    return str(exe) if exe.exists() else (shutil.which("openxml-audit") or "openxml-audit")


class Validation:
    """openxml-audit running on a copy of `path` (the original may be replaced while it runs)."""

    def __init__(self, path: Path, scratch: Path):
        scratch.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.copy = scratch / path.name
        shutil.copy(path, self.copy)
        self.proc = subprocess.Popen([_command(), "-f", FORMAT, str(self.copy)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)

    def report(self) -> str:
        out, _ = self.proc.communicate(timeout=900)
        return out

    def errors(self) -> int:
        found = re.findall(r"Errors:\s*(\d+)", self.report())
        return int(found[-1]) if found else -1

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()

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


def formulas_stock_xlsxwriter_would_prefix(path: Path) -> list[str]:
    """Every cell formula and defined name in the workbook that stock XlsxWriter would write differently
    (a function Excel knows only with its `_xlfn.` prefix, e.g. FILTER or XLOOKUP: without it Excel shows
    #NAME?). The fast path writes formulas itself, so this is the check that it lost nothing."""
    import html
    import zipfile

    from xlsxwriter.worksheet import Worksheet

    prepare = Worksheet()._prepare_formula  # XlsxWriter's own expansion, as its public write_formula applies it
    formulas = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet") or name == "xl/workbook.xml":
                xml = z.read(name).decode("utf-8")
                texts = (re.findall(r"<f(?:\s[^>]*)?>([^<]*)</f>", xml)
                         + re.findall(r"<definedName[^>]*>([^<]*)</definedName>", xml))
                formulas += [(name, html.unescape(f)) for f in set(texts)]
    # XlsxWriter rewrites by function name: asking once per distinct name is asking for every formula
    functions = {m for _, f in formulas for m in re.findall(r"(?<![\w.])([A-Za-z][\w.]*)\(", f)}
    prefixed = {fn for fn in functions if prepare(f"{fn}(1)", True) != f"{fn}(1)"}
    return [f"{name}: {f}" for name, f in formulas
            if prefixed & set(re.findall(r"(?<![\w.])([A-Za-z][\w.]*)\(", f))]

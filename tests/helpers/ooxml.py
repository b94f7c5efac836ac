"""OOXML validation with openxml-audit (Excel's own schema rules, no .NET): a file that passes opens in
Excel without a repair message. Validating a workbook with tens of thousands of cells takes half a minute
(audit_linear.py), so the checks start in the background as soon as a file exists and are collected later."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

FORMAT = "office2016"


def stock_command() -> list[str]:
    """openxml-audit's own console script."""
    exe = Path(sys.executable).with_name("openxml-audit")
    return [str(exe) if exe.exists() else (shutil.which("openxml-audit") or "openxml-audit")]


def command() -> list[str]:
    """openxml-audit with its sibling lookup made linear (audit_linear.py): the same report, minutes faster
    on the big sheets."""
    return [sys.executable, str(Path(__file__).with_name("audit_linear.py"))]


class Validation:
    """openxml-audit running on a copy of `path` (the original may be replaced while it runs)."""

    def __init__(self, path: Path, scratch: Path):
        scratch.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.copy = scratch / path.name
        shutil.copy(path, self.copy)
        self.proc = subprocess.Popen([*command(), "-f", FORMAT, str(self.copy)], stdout=subprocess.PIPE,
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


def parts_without_numbering(path: Path) -> dict[str, str]:
    """Every part of a workbook as text, with shared-string and cell-format numbers replaced by what they
    stand for: two workbooks that number their strings and formats in another order compare equal exactly
    when they show the same. sharedStrings.xml becomes its strings sorted and its counts; styles.xml its
    formats sorted (each with its font, fill, border and number format)."""
    import hashlib
    import html
    import xml.etree.ElementTree as ET
    import zipfile

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    strings: list[str] = []
    if "xl/sharedStrings.xml" in parts:
        root = ET.fromstring(parts["xl/sharedStrings.xml"])
        strings = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in root.findall("m:si", ns)]
        counts = f'count={root.get("count")} unique={root.get("uniqueCount")}'
        parts["xl/sharedStrings.xml"] = (counts + "\n" + "\n".join(sorted(strings))).encode()
    styles = ET.fromstring(parts["xl/styles.xml"])

    def listed(tag: str) -> list[str]:
        found = styles.find(f"m:{tag}", ns)
        return [ET.tostring(e, encoding="unicode") for e in (found if found is not None else [])]

    num_formats = {e.get("numFmtId"): e.get("formatCode") for e in styles.iterfind("m:numFmts/m:numFmt", ns)}
    fonts, fills, borders = listed("fonts"), listed("fills"), listed("borders")
    keys = []
    for xf in styles.iterfind("m:cellXfs/m:xf", ns):
        a = dict(xf.attrib)
        described = (num_formats.get(a.get("numFmtId"), a.pop("numFmtId", "")), fonts[int(a.pop("fontId", 0))],
                     fills[int(a.pop("fillId", 0))], borders[int(a.pop("borderId", 0))], sorted(a.items()),
                     [ET.tostring(child, encoding="unicode") for child in xf])
        keys.append(hashlib.sha1(repr(described).encode()).hexdigest()[:12])
    rest = ET.tostring(styles, encoding="unicode")
    rest = re.sub(r"<(ns0:)?(numFmts|fonts|fills|borders|cellXfs)\b.*?</(ns0:)?\2>", "", rest, flags=re.S)
    parts["xl/styles.xml"] = (rest + "\n" + "\n".join(sorted(keys))).encode()

    def text_of(match: re.Match) -> str:
        return f't="s"><v>{html.escape(strings[int(match.group(1))])}</v>'

    out = {}
    for name, data in parts.items():
        text = data.decode("utf-8", errors="replace")
        if name.startswith("xl/worksheets/sheet"):
            text = re.sub(r't="s"><v>(\d+)</v>', text_of, text)
            text = re.sub(r'\b(s|style)="(\d+)"', lambda m: f'{m.group(1)}="{keys[int(m.group(2))]}"', text)
        out[name] = text
    return out

"""Parts XlsxWriter cannot write, added by rewriting the finished zip: the ribbon (customUI) and the
add-in content type. openpyxl would drop them on save, so this runs last, on our own files only."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ADDIN_WORKBOOK = "application/vnd.ms-excel.addin.macroEnabled.main+xml"


def _rewrite(path: Path, change) -> None:
    """Copy the zip entry by entry (same order and dates), letting `change` edit or add parts."""
    src = zipfile.ZipFile(path)
    parts = {info.filename: (info, src.read(info.filename)) for info in src.infolist()}
    src.close()
    extra = change(parts)
    tmp = path.with_suffix(path.suffix + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts.values():
            out.writestr(info, data)
        for name, data in extra.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    tmp.replace(path)


def add_ribbon(path: Path, xml: bytes) -> None:
    """Add customUI/customUI14.xml and its relationship from the package root."""
    def change(parts):
        info, rels = parts["_rels/.rels"]
        if RIBBON_REL.encode() not in rels:
            rel = f'<Relationship Id="rIdRibbon" Type="{RIBBON_REL}" Target="{RIBBON_PART}"/>'.encode()
            parts["_rels/.rels"] = (info, rels.replace(b"</Relationships>", rel + b"</Relationships>"))
        return {RIBBON_PART: xml}
    _rewrite(path, change)


def make_addin(path: Path) -> None:
    """Turn a macro-enabled workbook into an add-in (.xlam): the workbook part's content type."""
    def change(parts):
        info, types = parts["[Content_Types].xml"]
        parts["[Content_Types].xml"] = (info, types.replace(MACRO_WORKBOOK.encode(), ADDIN_WORKBOOK.encode()))
        return {}
    _rewrite(path, change)


def ribbon_actions(xml: str) -> list[str]:
    return re.findall(r'onAction="([^"]+)"', xml)

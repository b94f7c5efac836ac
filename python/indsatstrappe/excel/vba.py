"""Build a source-only VBA project (vbaProject.bin) from the text sources in the package's addin/vba.

ms-ovba writes the OLE container; we write the module text ourselves, because the library's own
normalisation appends to files and writes UTF-8 while declaring code page 1252 (æøå would break).
Excel compiles the source on first open. That generated projects run in real Excel is not something
we can see on Linux: the README's manual checklist ("Hvad er set, og hvad er ikke set") says so.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import uuid
from pathlib import Path

from . import ovba_compression

WORKBOOK_GUID = "00020819-0000-0000-C000-000000000046"
SHEET_GUID = "00020820-0000-0000-C000-000000000046"
PROJECT_ID = "{7B1E5C2A-3D4F-4B6A-9C8D-2E1F0A9B8C7D}"


_ONE_AT_A_TIME = threading.Lock()


def _crlf(text: str) -> str:
    return "\r\n".join(text.replace("\r\n", "\n").split("\n")).rstrip("\r\n") + "\r\n"


def document_source(name: str, guid: str, code: str = "") -> str:
    head = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "0{{{guid}}}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return _crlf("\n".join(head) + ("\n" + code if code else ""))


def build_project(std_modules: dict[str, str], n_sheets: int) -> bytes:
    """vbaProject.bin with ThisWorkbook, Sheet1..SheetN and the given standard modules (name -> source
    text including its 'Attribute VB_Name' line)."""
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    # the process-wide changes below are undone in `finally`; the lock keeps two threads of one process (an
    # Excel session's UDF calls) from building at once
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory() as tmp, _cwd(tmp), _our_compression(), _fixed_random():
        project = VbaProject()
        project.project_id = PROJECT_ID
        documents = [("ThisWorkbook", WORKBOOK_GUID)] + [(f"Sheet{i}", SHEET_GUID) for i in range(1, n_sheets + 1)]
        for name, guid in documents:
            module = DocModule(name)
            module.add_guid(uuid.UUID(guid))
            _attach(module, Path(tmp) / f"{name}.cls", document_source(name, guid))
            project.add_module(module)
        for name, source in std_modules.items():
            module = StdModule(name)
            _attach(module, Path(tmp) / f"{name}.bas", _crlf(source))
            project.add_module(module)
        for guid, version, path, label, ref_name in (
            ("00020430-0000-0000-C000-000000000046", "2.0", r"C:\Windows\System32\stdole2.tlb", "OLE Automation",
             "stdole"),
            ("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52", "2.0",
             r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL", "Microsoft Office 16.0 Object Library",
             "Office"),
        ):
            libid = LibidReference(uuid.UUID(guid), version, "0", path, label)
            project.add_reference(Reference(ReferenceRegistered(libid), ref_name))
        ProjectOleFile.write_file(project)
        return (Path(tmp) / "vbaProject.bin").read_bytes()


def _attach(module, path: Path, text: str) -> None:
    """ms-ovba compresses `<file>.new`; we write it ourselves in the project's code page."""
    path.write_bytes(text.encode("cp1252"))
    Path(str(path) + ".new").write_bytes(text.encode("cp1252"))
    module.add_file(str(path))


@contextlib.contextmanager
def _our_compression():
    """Use our MS-OVBA compressor inside ms-ovba while the project is written (see ovba_compression)."""
    from ms_ovba_compression.ms_ovba import MsOvba

    original = MsOvba.compress
    MsOvba.compress = lambda self, data: ovba_compression.compress(bytes(data))
    try:
        yield
    finally:
        MsOvba.compress = original


@contextlib.contextmanager
def _fixed_random():
    """ms-ovba-crypto draws the obfuscation bytes of CMG/DPB/GC from the global `random`; a fixed seed makes
    the same sources give the same vbaProject.bin (templates rebuild without churn). The caller's random
    state is restored afterwards."""
    import random

    state = random.getstate()
    random.seed(20261124)
    try:
        yield
    finally:
        random.setstate(state)


@contextlib.contextmanager
def _cwd(path: str):
    old = os.getcwd()
    os.chdir(path)  # ms-ovba writes vbaProject.bin into the current directory
    try:
        yield
    finally:
        os.chdir(old)


def sources(folder: Path) -> dict[str, str]:
    """Standard modules from .bas files, keyed by their VB_Name."""
    found = {}
    for path in sorted(folder.glob("*.bas")):
        text = path.read_text(encoding="utf-8")
        name = text.split('Attribute VB_Name = "', 1)[1].split('"', 1)[0]
        found[name] = text
    return found

"""`udsend`: one Nøgletal and one Udgiftsmodel workbook per municipality, small counts suppressed.

The core results are computed once in the parent process; worker processes (fork) inherit them and
only write workbooks. File names are ASCII (Noegletal_825_Laesoe.xlsx): Danish letters in file names
break in zip tools, e-mail attachments and some intranets, and the code leads so files sort by number.
"""

from __future__ import annotations

import csv
import hashlib
import multiprocessing
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from . import municipalities, suppression, workbooks
from .excel import noegletal_book, udgiftsmodel_book
from .excel.scaffold import BookInfo
from .io.datafolder import DataFolder
from .io.output import atomic_path

SUPPRESSION_NOTE = ("Små tal er skjult som hos Danmarks Statistik: antal på 1-4 borgere vises ikke, heller ikke "
                    "andele, rater eller udviklinger beregnet af dem, og hvor et trin er skjult, skjules også tal "
                    "der er summer over trinene for samme kommune og år. Grupper og hele landet beregnes af de "
                    "viste tal. Det skjulte data-ark er skjult på samme måde.")


@dataclass
class Prepared:
    noegletal: noegletal_book.NoegletalInput
    udgiftsmodel: udgiftsmodel_book.UdgiftsmodelInput
    info_n: BookInfo
    info_u: BookInfo


_PREPARED: Prepared | None = None  # set in the parent before the workers fork


def prepare(folder: DataFolder, build_date: date | None = None) -> Prepared:
    """Everything every workbook shows, suppressed, computed once."""
    first = municipalities.codes()[0]
    n = workbooks.noegletal_input(folder, first)
    raw_counts = n.counts
    n.counts = suppression.suppress_counts(raw_counts)
    n.values = suppression.suppress_values(n.values, raw_counts)
    u = workbooks.udgiftsmodel_input(folder, first)
    u.counts = suppression.suppress_counts(u.counts)
    n.data_table()  # built once here, inherited by the worker processes
    u.data_table()
    u.matched_lines("boern")
    info_n = workbooks.book_info(folder, noegletal_book.TITLE, first, n.years, build_date)
    info_u = workbooks.book_info(folder, udgiftsmodel_book.TITLE, first, u.years, build_date)
    return Prepared(n, u, info_n, info_u)


def _about(info: BookInfo, kommune: int) -> BookInfo:
    return replace(info, kommune_navn=municipalities.name_of(kommune),
                   sources=[*info.sources, "Små tal: " + SUPPRESSION_NOTE])


def build_for(kommune: int, out: Path) -> list[Path]:
    """Both workbooks for one municipality, each written to a temporary name and renamed into place."""
    p = _PREPARED
    targets = [out / workbooks.noegletal_filename(kommune), out / workbooks.udgiftsmodel_filename(kommune)]
    with atomic_path(targets[0]) as tmp:
        noegletal_book.build(tmp, replace(p.noegletal, kommune=kommune), _about(p.info_n, kommune))
    with atomic_path(targets[1]) as tmp:
        udgiftsmodel_book.build(tmp, replace(p.udgiftsmodel, kommune=kommune), _about(p.info_u, kommune))
    return targets


@dataclass
class Result:
    files: list[Path]
    manifest: Path


def distribute(folder: DataFolder, out: Path, kommuner: list[int] | None = None, workers: int = 2,
               zip_regions: bool = False, progress: Callable[[int, int], None] | None = None) -> Result:
    global _PREPARED
    kommuner = kommuner or municipalities.codes()
    out.mkdir(parents=True, exist_ok=True)  # foreign files in the folder are left alone
    _PREPARED = prepare(folder)
    files: list[Path] = []
    if workers > 1 and len(kommuner) > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            jobs = [pool.submit(build_for, k, out) for k in kommuner]
            for done, job in enumerate(as_completed(jobs), start=1):
                files += job.result()
                if progress:
                    progress(done, len(kommuner))
    else:
        for done, k in enumerate(kommuner, start=1):
            files += build_for(k, out)
            if progress:
                progress(done, len(kommuner))
    files.sort()
    manifest = _write_manifest(out, files, _PREPARED.info_n.period)
    if zip_regions:
        _zip_regions(out, files)
    return Result(files, manifest)


def _code_of(path: Path) -> int:
    return int(path.stem.split("_")[1])


def _write_manifest(out: Path, files: list[Path], period: str) -> Path:
    target = out / "manifest.csv"
    with atomic_path(target) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["kommune_kode", "kommune", "fil", "bytes", "sha256", "periode"])
        for f in files:
            k = _code_of(f)
            writer.writerow([k, municipalities.name_of(k), f.name, f.stat().st_size,
                             hashlib.sha256(f.read_bytes()).hexdigest(), period])
    return target


def _zip_regions(out: Path, files: list[Path]) -> None:
    info = municipalities.municipalities()
    for region, members in info.groupby("region"):
        codes = set(members["kode"].astype(int))
        chosen = [f for f in files if _code_of(f) in codes]
        if not chosen:
            continue
        target = out / f"{workbooks.file_slug(region)}.zip"
        with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for f in chosen:
                z.write(f, f.name)

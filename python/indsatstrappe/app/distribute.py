"""`udsend`: one Nøgletal and one Udgiftsmodel workbook per municipality, small counts suppressed.

The core results are computed once in the parent process (the Udgiftsmodel part in a helper process
while the parent does the Nøgletal part) and handed to each worker process when it starts (its
initializer's argument: inherited under `fork`, pickled once per worker under `spawn`, the only start
method on Windows); workers only write workbooks. The first municipality's two workbooks are built
first, side by side; as soon as one is done, its kind's shared sheets (see excel/speed) go to a
scratch file and every other municipality's workbook of that kind is queued, so no worker waits for the
slower first build.

File names are ASCII (Noegletal_825_Laesoe.xlsx): Danish letters in file names break in zip tools,
e-mail attachments and some intranets, and the code leads so files sort by number.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import multiprocessing
import pickle
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from ..core import botilbud, knowledge, municipalities, suppression
from ..core.errors import InputError
from ..excel import speed
from ..excel.datasheet import hidden_markers
from ..excel.noegletal import noegletal_book
from ..excel.scaffold import Book, BookInfo
from ..excel.speed import FastBook, SharedSheets
from ..excel.udgiftsmodel import udgiftsmodel_book
from ..io.datafolder import DataFolder
from ..io.output import atomic_path
from . import workbooks

SUPPRESSION_NOTE = (
    "Små tal er skjult som hos Danmarks Statistik: et antal på 1-4 borgere vises ikke, og heller ikke rater, "
    "andele eller udviklinger beregnet af det. Derudover er netop så mange andre tal skjult, at intet skjult tal kan "
    "regnes ud af de viste: et trin er summen af sine indsatskoder, nøgletal for enkelte koder (fx V16 og V17) er "
    "dele af et trin, 'I alt på trappen' er summen af trinene, og andele og udviklinger er summer og forskelle af "
    "trinene. Ingen af disse sammenhænge må kunne indkredse et skjult tal til et interval smallere end 1 (det er "
    "kontrolleret for hver kommune og trappe med lineær programmering, som en revisor ville angribe "
    "projektmappen). " + knowledge.MODEL + " "
    "Nøgletal fra egne data og forløbsdata skjules, hvor tæller, nævner eller – for andele af borgere – forskellen "
    "mellem dem er 1-4. Udgifter, som fordelingsnøglen fordeler efter antal borgere, fordeles ikke, hvor "
    "nøglen bruger et skjult antal; nøglens trin står som '–', og deres beløb står i kolonnen 'På skjulte trin', "
    "så rækken summer til I alt. Enhedsprisen skjules, hvor antallet er skjult. Kontiene selv er offentlige "
    "regnskabstal og vises. Scenariet regnes ikke, hvor et antal i basisåret er skjult. Et skjult tal står "
    "som '–' og er et hul i graferne, aldrig 0. Grupper (kommunegruppe og "
    "region) er gennemsnittet af de viste tal for gruppens kommuner, og hele landet er summen af de viste tællere "
    "over summen af de viste nævnere, så hverken gruppe eller land afslører et skjult tal. Det skjulte data-ark er "
    "skjult på samme måde. Botilbuddenes tal for et mål skjules, hvor tæller, nævner eller forskellen mellem dem er "
    "1-4; beboernes bevægelser vises kun samlet for kommunen og skjules for et år, hvor blot ét af tallene er 1-4.")
MOVEMENTS_NOTE = "I udsendte projektmapper vises kun kommunens samlede tal, og små tal er skjult."


@dataclass
class Prepared:
    noegletal: noegletal_book.NoegletalData
    udgiftsmodel: udgiftsmodel_book.UdgiftsmodelData
    info_n: BookInfo
    info_u: BookInfo
    shared: dict[Path, SharedSheets] = field(default_factory=dict)  # scratch file -> shared sheets it holds


_PREPARED: Prepared | None = None  # this process's prepared inputs: set by `_start_worker`, never inherited
_HELPER_FOLDER: DataFolder | None = None  # the folder, tables read, that a forked helper of `prepare` inherits
KINDS = ("noegletal", "udgiftsmodel")


def start_method() -> str:
    """`fork` where the platform has it (workers share the parent's memory: fastest), else `spawn`."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def prepare(folder: DataFolder, build_date: date | None = None, in_parallel: bool = False,
            method: str | None = None) -> Prepared:
    """Everything every workbook shows, suppressed, computed once. `in_parallel`: a helper process does the
    children's secondary suppression (the larger) and then gathers the Udgiftsmodel's inputs, while this one
    gathers the Nøgletal's inputs and does the adults'; then each suppresses its workbook's inputs with both
    decisions, the helper the Udgiftsmodel's and this one the Nøgletal's, so the two take about as long. A
    forked helper inherits the register tables read here (the accounts it reads itself); a spawned one (Windows)
    reads them again. The Udgiftsmodel's inputs come back pickled (some MB, tens of ms)."""
    global _HELPER_FOLDER
    first = municipalities.codes()[0]
    staircases = list(folder.staircases)
    if in_parallel:
        there = [t for t in staircases if t == "boern"] or staircases[:1]  # the helper's suppression
        here = [t for t in staircases if t not in there]
        method = method or start_method()
        sent = folder.for_another_process()
        if method == "fork":
            for name in ("modtagere", "befolkning"):  # what both processes read first
                if folder.has(name):
                    folder.table(name)
            _HELPER_FOLDER, sent = folder, None
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            job = pool.submit(_helper_hidden, sent, tuple(there))
            sources_job = pool.submit(_helper_sources)  # run by the helper once the above is returned, kept there
            raw = workbooks.noegletal_sources(folder)
            hidden_here = hidden_units(folder, raw["years"], tuple(here))
            u_job = pool.submit(_helper_udgiftsmodel, hidden_here)  # the helper's next job, once it has its part
            hidden = pd.concat([job.result(), hidden_here], ignore_index=True)
            n = _noegletal_part(raw, hidden)
            sources_job.result()  # a bad row in the Udgiftsmodel's tables is said here, as the user's error
            u = u_job.result()
        _HELPER_FOLDER = None
    else:
        raw = workbooks.noegletal_sources(folder)
        sources = _udgiftsmodel_sources(folder)
        hidden = hidden_units(folder, raw["years"], tuple(staircases))
        n = _noegletal_part(raw, hidden)
        u = _suppressed_udgiftsmodel(sources, hidden)
    info_n = workbooks.book_info(folder, noegletal_book.TITLE, first, n.years, build_date)
    info_u = workbooks.book_info(folder, udgiftsmodel_book.TITLE, first, u.years, build_date)
    return Prepared(n, u, info_n, info_u)


def hidden_units(folder: DataFolder, years: list[int], trapper: tuple[str, ...]) -> pd.DataFrame:
    """The register units (id, kommune_kode, aar) both workbooks hide, for the given staircases: one
    decision for both workbooks, since a recipient holds both."""
    chosen = {k: v for k, v in folder.staircases.items() if k in trapper}
    return suppression.hidden_register_units(folder.table("modtagere"), chosen, years)


def _noegletal_part(raw: dict, hidden: pd.DataFrame) -> noegletal_book.NoegletalData:
    """The Nøgletal's shared data from `workbooks.noegletal_sources`, suppressed."""
    values, counts, bo, beboere = raw["values"], raw["counts"], raw["botilbud"], raw["beboere"]
    if beboere is not None:
        beboere = suppression.suppress_resident_movements(beboere, botilbud.MOVEMENT_KINDS,
                                                          values[values["noegletal_id"] == "V11"])
    shown_values = suppression.suppress_values(values, hidden)
    shown_counts = suppression.suppress_counts(counts, hidden)
    totals = suppression.step_totals(counts, hidden)
    markers = hidden_markers(noegletal_book.data_rows(values, counts),
                             noegletal_book.data_rows(shown_values, shown_counts, totals))
    return noegletal_book.noegletal_data(
        shown_values, shown_counts, raw["staircases"], raw["years"],
        botilbud=None if bo is None else suppression.suppress_botilbud_goals(bo), beboere=beboere,
        beboere_note=MOVEMENTS_NOTE if beboere is not None else "", totals=totals, hidden=markers)


def _udgiftsmodel_sources(folder: DataFolder) -> dict:
    """The Udgiftsmodel's sources (unsuppressed) with their account lines."""
    sources = workbooks.udgiftsmodel_sources(folder)
    sources["lines"] = udgiftsmodel_book.account_lines(sources["accounts"], sources["rules"])
    return sources


_HELPER: dict = {}  # in `prepare`'s helper process, between its jobs: the folder, the units it hid, the sources


def _helper_hidden(folder: DataFolder | None, trapper: tuple[str, ...]) -> pd.DataFrame:
    """The helper's first job: the register units hidden on `trapper` (returned at once, for the Nøgletal, and kept
    here). `folder` None: the folder a forked helper inherited."""
    folder = _HELPER["folder"] = folder or _HELPER_FOLDER
    _HELPER["hidden"] = hidden_units(folder, workbooks.data_years(folder), trapper)
    return _HELPER["hidden"]


def _helper_sources() -> None:
    """The helper's second job (its one process runs jobs in the order given): the Udgiftsmodel's sources."""
    _HELPER["sources"] = _udgiftsmodel_sources(_HELPER.pop("folder"))


def _helper_udgiftsmodel(hidden_elsewhere: pd.DataFrame) -> udgiftsmodel_book.UdgiftsmodelData:
    """The helper's third job: its sources suppressed with its own decisions and the other process's."""
    sources, hidden = _HELPER.pop("sources"), _HELPER.pop("hidden")
    return _suppressed_udgiftsmodel(sources, pd.concat([hidden, hidden_elsewhere], ignore_index=True))


def _suppressed_udgiftsmodel(sources: dict, hidden: pd.DataFrame) -> udgiftsmodel_book.UdgiftsmodelData:
    counts = suppression.suppress_counts(sources["counts"], hidden)
    expense_rows = suppression.suppress_expenses(sources["expense_rows"], counts, sources["rules"],
                                                 sources["lines"].matched)
    return udgiftsmodel_book.udgiftsmodel_data(**{**sources, "counts": counts, "expense_rows": expense_rows})


def _about(info: BookInfo, kommune: int) -> BookInfo:
    return replace(info, kommune_navn=municipalities.name_of(kommune),
                   sources=[*info.sources, "Små tal: " + SUPPRESSION_NOTE])


def target_of(kind: str, kommune: int, out: Path) -> Path:
    name = workbooks.noegletal_filename if kind == "noegletal" else workbooks.udgiftsmodel_filename
    return out / name(kommune)


def build_one(kind: str, kommune: int, out: Path, shared: SharedSheets | None,
              fast: bool = True) -> tuple[Path, Book]:
    """One workbook, written to a temporary name and renamed into place; by the speed layer, or with
    `fast=False` by the plain Book (then without `shared`: every sheet written)."""
    p = _PREPARED
    target = target_of(kind, kommune, out)
    info = _about(p.info_n if kind == "noegletal" else p.info_u, kommune)
    with atomic_path(target) as tmp:
        book = FastBook(tmp, info, shared) if fast else Book(tmp, info)
        if kind == "noegletal":
            noegletal_book.write(book, noegletal_book.noegletal_input(
                p.noegletal, noegletal_book.NoegletalChoices(kommune)))
        else:
            udgiftsmodel_book.write(book, udgiftsmodel_book.UdgiftsmodelInput(
                p.udgiftsmodel, udgiftsmodel_book.UdgiftsmodelChoices(kommune)))
    return target, book


def build_first(kind: str, kommune: int, out: Path) -> tuple[Path, SharedSheets]:
    """The first municipality's workbook in full; its shared sheets are copied into all the others."""
    target, book = build_one(kind, kommune, out, None)
    return target, speed.capture(book)


@dataclass(frozen=True, order=True)
class Written:
    """A workbook as the manifest lists it (hashed in the worker that wrote it, not one by one after)."""

    path: Path
    size: int
    sha256: str


def _written(path: Path) -> Written:
    data = path.read_bytes()
    return Written(path, len(data), hashlib.sha256(data).hexdigest())


def build_first_to(kind: str, kommune: int, out: Path, scratch: Path) -> tuple[Written, Path]:
    """`build_first`, its shared sheets pickled to a scratch file for the workers (a few MB: read once
    per worker instead of sent with every task)."""
    target, shared = build_first(kind, kommune, out)
    stored = scratch / f"{kind}.pickle"
    stored.write_bytes(pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL))
    _PREPARED.shared[stored] = shared
    return _written(target), stored


def build_from(kind: str, kommune: int, out: Path, stored: Path) -> Written:
    """One workbook with the shared sheets copied from the first municipality's (read once per worker)."""
    if stored not in _PREPARED.shared:
        _PREPARED.shared[stored] = pickle.loads(stored.read_bytes())
    target, book = build_one(kind, kommune, out, _PREPARED.shared[stored])
    return Written(target, *book.digest)  # hashed as it was written


@dataclass
class Result:
    files: list[Path]
    manifest: Path


def distribute(folder: DataFolder, out: Path, kommuner: list[int] | None = None, workers: int = 2,
               zip_regions: bool = False, progress: Callable[[int, int], None] | None = None,
               method: str | None = None) -> Result:
    """`method`: the processes' start method (`fork` or `spawn`; default `start_method()`)."""
    kommuner = kommuner or municipalities.codes()
    unknown = [str(k) for k in kommuner if not municipalities.is_known(int(k))]
    if unknown:  # before any work: a worker would otherwise stop on the first with a KeyError
        raise InputError.single("kommuner", f"ukendt kommunekode {', '.join(unknown)}.",
                                "Brug DST's kommunekoder (101 København ... 860 Hjørring); Christiansø (411) er "
                                "ikke med.")
    method = method or start_method()
    out.mkdir(parents=True, exist_ok=True)  # foreign files in the folder are left alone
    prepared = prepare(folder, in_parallel=workers > 1, method=method)
    # The prepared results live until the end: out of the collector's way, its full collections in
    # forked workers scan only what a workbook makes.
    gc.collect()
    gc.freeze()
    written: list[Written] = []
    started = time.time()
    try:
        _build_all(prepared, kommuner, out, workers, progress, method, written)
    except BaseException:  # Ctrl-C or a failure: the folder and the manifest still agree, and it says partial
        _write_manifest(out, sorted(written), prepared.info_n.period, complete=False, since=started)
        raise
    finally:
        gc.unfreeze()
        _start_worker(None)
    written.sort()
    manifest = _write_manifest(out, written, prepared.info_n.period)
    files = [w.path for w in written]
    if zip_regions:
        _zip_regions(out, files)
    return Result(files, manifest)


def _build_all(prepared: Prepared, kommuner: list[int], out: Path, workers: int,
               progress: Callable[[int, int], None] | None, method: str, written: list[Written]) -> None:
    """Every municipality's two workbooks, appended to `written` as they are done: the first municipality's
    first, then each kind's others as soon as its shared sheets are there."""
    first, rest = kommuner[0], kommuner[1:]
    total = len(KINDS) * len(kommuner)
    pool = _pool(prepared, workers if rest else 1, method)
    with tempfile.TemporaryDirectory(prefix="udsend-") as scratch, pool:
        jobs = {pool.submit(build_first_to, kind, first, out, Path(scratch)): (kind, first) for kind in KINDS}
        try:
            while jobs:
                done, _ = wait(jobs, return_when=FIRST_COMPLETED)
                for job in done:
                    kind, kommune = jobs.pop(job)
                    result = job.result()
                    if kommune == first:
                        result, stored = result
                        written.append(result)
                        jobs |= {pool.submit(build_from, kind, k, out, stored): (kind, k) for k in rest}
                    else:
                        written.append(result)
                    if progress:
                        progress(len(written), total)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # a failure or Ctrl-C: the queued workbooks are not begun
            raise


def _start_worker(prepared: Prepared | None) -> None:
    """A worker's initializer: the prepared inputs it builds from, given explicitly (spawn-safe)."""
    global _PREPARED
    _PREPARED = prepared


def _pool(prepared: Prepared, workers: int, method: str) -> Executor:
    if workers <= 1:
        _start_worker(prepared)
        return _InProcess()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_start_pool_worker, initargs=(prepared,))


def _start_pool_worker(prepared: Prepared) -> None:
    """A pool process's initializer: `_start_worker`, and the collector's young generation let grow 100 times
    before it runs (a closed workbook frees itself, see FastBook._release_cycles, so the collections found
    little and took a tenth of a workbook's time). Only in the pool's own processes, which end with udsend."""
    _start_worker(prepared)
    gc.set_threshold(70_000, 10, 10)


def _code_of(path: Path) -> int:
    return int(path.stem.split("_")[1])


WORKBOOK_NAMES = ("Noegletal_*.xlsx", "Udgiftsmodel_*.xlsx")


def _write_manifest(out: Path, written: list[Written], period: str, complete: bool = True,
                    since: float | None = None) -> Path:
    """Every workbook in the folder, so the manifest and the folder agree: this run's ('ny', or 'ny, kørslen
    blev afbrudt'), and any an earlier run left ('fra en tidligere kørsel', with the hash it has now)."""
    target = out / "manifest.csv"
    mine = {w.path.name for w in written}
    older = sorted(p for pattern in WORKBOOK_NAMES for p in out.glob(pattern) if p.name not in mine
                   and p.stem.split("_")[1:2] and p.stem.split("_")[1].isdigit())
    status = "ny" if complete else "ny, kørslen blev afbrudt"
    if since is not None:  # written by this run's workers before the interruption reached them
        mine |= {p.name for p in older if p.stat().st_mtime >= since}
        written = sorted([*written, *(_written(p) for p in older if p.name in mine and p.name not in
                                      {w.path.name for w in written})])
        older = [p for p in older if p.name not in mine]
    with atomic_path(target) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["kommune_kode", "kommune", "fil", "bytes", "sha256", "periode", "status"])
        for w, state in [*((w, status) for w in written), *((_written(p), "fra en tidligere kørsel") for p in older)]:
            k = _code_of(w.path)
            writer.writerow([k, municipalities.name_of(k), w.path.name, w.size, w.sha256,
                             period if state != "fra en tidligere kørsel" else "", state])
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


class _InProcess(Executor):
    """The pool's interface run in this process (one worker: no forking, easier to debug)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future

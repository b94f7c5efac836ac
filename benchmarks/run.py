"""`make bench`: every performance figure of the project in one run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from harness import Figure, measure, report  # noqa: E402
from indsatstrappe.app import queries  # noqa: E402
from indsatstrappe.core import distribution, keyfigures, movements  # noqa: E402
from indsatstrappe.io.datafolder import DataFolder  # noqa: E402

RESULTS = Path(__file__).parent / "results.json"


def distribution_figures() -> list[Figure]:
    folder = DataFolder()
    modtagere, befolkning = folder.table("modtagere"), folder.table("befolkning")
    staircases = folder.staircases

    def all_distributions():
        for staircase in staircases.values():
            distribution.step_distribution(modtagere, befolkning, staircase)

    def read_and_check():
        fresh = DataFolder()
        fresh.table("modtagere")
        fresh.table("befolkning")

    n = len(modtagere)
    return [
        measure("fordeling: alle kommuner, alle år, begge trapper", all_distributions,
                note=f"{n:,} rækker modtagere".replace(",", ".")),
        measure("indlæsning og tjek: modtagere + befolkning (demo)", read_and_check),
    ]


def synthetic_episodes(n_rows: int, seed: int = 1) -> pd.DataFrame:
    """A typed `forloeb` table of n_rows episodes over about n_rows / 3 citizens."""
    rng = np.random.default_rng(seed)
    staircase = DataFolder().staircases["boern"]
    codes = staircase.codes.index.to_numpy()
    start = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, n_rows), unit="D")
    length = pd.to_timedelta(rng.exponential(400, n_rows).astype(int), unit="D")
    slut = pd.Series(start + length).where(rng.random(n_rows) > 0.1)
    return pd.DataFrame({
        "borger_id": pd.Series(rng.integers(0, n_rows // 3, n_rows)).map("B{:07d}".format),
        "trappe": "boern", "indsats": rng.choice(codes, n_rows), "start": start, "slut": slut,
        "kommune_kode": rng.choice([101, 147, 751, 825], n_rows),
    })


def movement_figures() -> list[Figure]:
    staircase = DataFolder().staircases["boern"]
    table = synthetic_episodes(1_000_000)
    fra, til = movements.day_number("2022-12-31"), movements.day_number("2023-12-31")

    def rows_to_matrix():
        eps = movements.prepare(table, staircase)
        movements.transition_matrix(eps, staircase, fra, til)

    eps = movements.prepare(table, staircase)
    return [
        measure("bevægelser: 1.000.000 forløbsrækker -> matrix", rows_to_matrix, goal_seconds=1.0,
                note="prepare + matrix, ~333.000 borgere"),
        measure("bevægelser: matrix alene (forberedte forløb)",
                lambda: movements.transition_matrix(eps, staircase, fra, til), goal_seconds=1.0),
    ]


def keyfigure_figures() -> list[Figure]:
    folder = DataFolder()
    inputs = queries.key_figure_inputs(folder)
    staircases = folder.staircases

    def all_key_figures():
        for trappe in staircases:
            keyfigures.compute(inputs, staircases, trappe)

    return [measure("nøgletal: alle nøgletal, alle kommuner, alle år", all_key_figures, goal_seconds=0.2,
                    note="32 nøgletal x 98 kommuner x 7 år")]


def udf_figures() -> list[Figure]:
    from indsatstrappe.xl import udfs

    def calls(n: int, fn):
        def run():
            for _ in range(n):
                fn()
        return run
    n = 1000
    return [
        measure("UDF INDSATS_NOEGLETAL: 1.000 kald (mål pr. kald 1 ms)",
                calls(n, lambda: udfs.INDSATS_NOEGLETAL("B01", 147, 2023)), goal_seconds=n * 0.001),
        measure("UDF INDSATS_TRIN: 1.000 kald", calls(n, lambda: udfs.INDSATS_TRIN("ANBAAR12:21")),
                goal_seconds=n * 0.001),
    ]


def distribution_run_figures(n_kommuner: int = 98) -> list[Figure]:
    """udsend for n municipalities (all 98: the goal's case) in 2 processes, peak memory, and throughput
    against raw XlsxWriter writing the same number of cells (values and formulas, no styles)."""
    import resource
    import tempfile
    import time

    import openpyxl
    import xlsxwriter

    from indsatstrappe.app import distribute
    from indsatstrappe.core import municipalities

    folder = DataFolder()
    codes = municipalities.codes()[:n_kommuner]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = distribute.distribute(folder, Path(tmp), codes, workers=2)
        seconds = time.perf_counter() - start
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cells = formulas = 0
        for f in result.files[:2]:  # one Nøgletal and one Udgiftsmodel
            for ws in openpyxl.load_workbook(f).worksheets:
                for row in ws.iter_rows():
                    for c in row:
                        if c.value is not None:
                            cells += 1
                            formulas += isinstance(c.value, str) and c.value.startswith("=")
        start = time.perf_counter()
        book = xlsxwriter.Workbook(str(Path(tmp) / "raw.xlsx"))
        ws = book.add_worksheet()
        for i in range(cells - formulas):
            ws.write_number(i // 20, i % 20, i)
        for i in range(formulas):
            ws.write_formula(i // 20, 30 + i % 20, "=A1+B1", None, 1)
        book.close()
        raw_pair = time.perf_counter() - start
    ours_pair = seconds / n_kommuner * 2  # two processes: wall time per pair on one core
    ratio = raw_pair / ours_pair
    return [
        Figure(f"udsend: {n_kommuner} kommuner = {2 * n_kommuner} projektmapper, 2 processer", seconds, peak_children,
               f"top-RSS i en arbejdsproces (forælder {peak_self:.0f} MB); {ours_pair:.2f} s pr. par på én kerne",
               goal_seconds=10 * n_kommuner / 98),
        Figure("udsend: rå XlsxWriter, samme celler som ét par projektmapper", raw_pair, 0.0,
               f"{cells:,} celler heraf {formulas:,} formler; forhold rå/vores pr. par = {ratio:.2f} (mål >= 0,5)"
               .replace(",", ".")),
    ]


def spawn_run_figure(n_kommuner: int = 98) -> list[Figure]:
    """udsend as on Windows: processes started with `spawn` (each imports the package and unpickles the
    prepared inputs) instead of Linux's `fork`."""
    import tempfile
    import time

    from indsatstrappe.app import distribute
    from indsatstrappe.core import municipalities

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        distribute.distribute(DataFolder(), Path(tmp), municipalities.codes()[:n_kommuner], workers=2,
                              method="spawn")
        seconds = time.perf_counter() - start
    return [Figure(f"udsend med spawn (Windows' startmetode): {2 * n_kommuner} projektmapper, 2 processer",
                   seconds, 0.0, "samme filer som med fork (testet); forskellen er opstart af processerne")]


def pair_breakdown_figures(n_kommuner: int = 12) -> list[Figure]:
    """Where one pair's time goes (serial, one core, shared sheets already captured): each sheet writer and
    XlsxWriter's close, so work on udsend's speed knows its target."""
    import collections
    import functools
    import tempfile
    import time

    from indsatstrappe.app import distribute
    from indsatstrappe.core import municipalities
    from indsatstrappe.excel.noegletal import botilbud_sheet, noegletal_book, principles_sheet
    from indsatstrappe.excel.speed import FastBook
    from indsatstrappe.excel.udgiftsmodel import scenario_sheet, udgiftsmodel_book

    spent: collections.Counter = collections.Counter()
    originals = []

    def timed(owner, name: str, label: str) -> None:
        fn = getattr(owner, name)
        originals.append((owner, name, fn))

        @functools.wraps(fn)
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - start
        setattr(owner, name, run)

    for module, prefix in ((noegletal_book, "N"), (udgiftsmodel_book, "U")):
        for name in [n for n in dir(module) if n.startswith("_") and n.endswith("_sheet")]:
            timed(module, name, f"{prefix}{name[:-6]}")
    for module, label in ((principles_sheet, "N_principper"), (scenario_sheet, "U_scenarie"),
                          (botilbud_sheet, "N_botilbud")):
        timed(module, "write", label)
    timed(FastBook, "close", "XlsxWriter close")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            distribute._start_worker(distribute.prepare(DataFolder()))
            stored = {kind: distribute.build_first_to(kind, municipalities.codes()[0], out, out)[1]
                      for kind in distribute.KINDS}
            spent.clear()
            codes = municipalities.codes()[1:1 + n_kommuner]
            start = time.perf_counter()
            for k in codes:
                for kind in distribute.KINDS:
                    distribute.build_from(kind, k, out, stored[kind])
            per_pair = (time.perf_counter() - start) / len(codes)
    finally:
        for owner, name, fn in originals:
            setattr(owner, name, fn)
        distribute._start_worker(None)
    parts = ", ".join(f"{label} {ms / len(codes) * 1000:.0f}" for label, ms in spent.most_common(30))
    return [Figure(f"udsend: ét par på én kerne ({n_kommuner} kommuner serielt)", per_pair, 0.0, f"ms: {parts}")]


def speed_part_figures(n_kommuner: int = 12) -> list[Figure]:
    """What the big parts of the speed layer (excel/speed) save: one pair's time (serial, one core, the
    first municipality's pair already built) with all parts, with the plain Book, and with one part off."""
    import contextlib
    import tempfile
    import time
    from dataclasses import replace
    from unittest import mock

    from indsatstrappe.app import distribute
    from indsatstrappe.core import municipalities
    from indsatstrappe.excel import scaffold
    from indsatstrappe.excel.speed import FastBook

    def per_pair(out: Path, stored: dict, fast: bool = True, shared=lambda s: s) -> float:
        codes = municipalities.codes()[1:1 + n_kommuner]
        start = time.perf_counter()
        for k in codes:
            for kind in distribute.KINDS:
                distribute.build_one(kind, k, out, shared(stored[kind]) if fast else None, fast=fast)
        return (time.perf_counter() - start) / len(codes)

    variants = {
        "alle dele": (contextlib.nullcontext, {}),
        "uden fastsheet (XlsxWriters eget ark)": (lambda: mock.patch.object(FastBook, "worksheet_class",
                                                                            scaffold.Sheet), {}),
        "uden splice (fælles ark skrives i hver mappe)": (contextlib.nullcontext,
                                                          {"shared": lambda s: replace(s, sheets=frozenset(),
                                                                                        members={}, charts=[])}),
        "intet fartlag (den almindelige Book)": (contextlib.nullcontext, {"fast": False}),
    }
    seconds: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            distribute._start_worker(distribute.prepare(DataFolder()))
            stored = {kind: distribute.build_first(kind, municipalities.codes()[0], out)[1]
                      for kind in distribute.KINDS}
            per_pair(out, stored)  # warm up
            for _ in range(2):  # rounds over all variants: a slow moment of the machine hits them alike
                for label, (patch, options) in variants.items():
                    with patch():
                        s = per_pair(out, stored, **options)
                    seconds[label] = min(s, seconds.get(label, s))
    finally:
        distribute._start_worker(None)
    return _against_all(seconds, "fartlag, ét par", "pr. par")


def speed_small_part_figures() -> list[Figure]:
    """The small parts of the speed layer pay only in udsend's worker processes (memory and the collector,
    zip time beside the other process), so they are measured there: udsend for all 98 municipalities with
    all parts, and with one part off."""
    import contextlib
    import tempfile
    import time
    from dataclasses import replace
    from unittest import mock

    from indsatstrappe.app import distribute
    from indsatstrappe.excel.speed import FastBook, fastbook

    first = distribute.build_first

    def without_charts(kind, kommune, out):
        target, shared = first(kind, kommune, out)
        return target, replace(shared, charts=[])

    variants = {
        "alle dele": contextlib.nullcontext,
        "uden chartstamp (XlsxWriter skriver graferne)": lambda: mock.patch.object(distribute, "build_first",
                                                                                   without_charts),
        "uden libdeflate (XlsxWriters zlib 6)": lambda: mock.patch.object(fastbook.splice, "collected_parts",
                                                                          contextlib.nullcontext),
        "uden frigivelse af kredsløb": lambda: mock.patch.object(FastBook, "_release_cycles", lambda self: None),
    }
    seconds: dict[str, float] = {}
    for _ in range(2):
        for label, patch in variants.items():
            with tempfile.TemporaryDirectory() as tmp, patch():
                start = time.perf_counter()
                distribute.distribute(DataFolder(), Path(tmp), workers=2)
                s = time.perf_counter() - start
            seconds[label] = min(s, seconds.get(label, s))
    return _against_all(seconds, "fartlag, udsend 98 kommuner", "i alt")


def _against_all(seconds: dict[str, float], prefix: str, per: str) -> list[Figure]:
    base = seconds["alle dele"]
    return [Figure(f"{prefix}: {label}", s, 0.0, "" if label == "alle dele" else
                   f"{(s - base) * 1000:+.0f} ms {per} mod alle dele") for label, s in seconds.items()]


def against_old_figures() -> list[Figure]:
    """#32's goals, measured as whole processes back to back against b070a89 (benchmarks/against_old.py)."""
    import against_old

    if not against_old.old_commit_available():
        print(f"(sammenligningen med {against_old.OLD} er udeladt: committen findes ikke i denne klon)")
        return []
    f = against_old.compare()
    old, new, commit = f["gammel"], f["ny"], against_old.OLD

    def change(key: str) -> str:
        return f"{(new[key] / old[key] - 1) * 100:+.0f} % mod {commit}"

    memory = "" if new["udsend_mb"] <= 250 else " OVER 250 MB"
    figures = [
        Figure(f"hele udsend, 98 kommuner, 2 processer: {commit}", old["udsend_s"], old["udsend_mb"],
               "bedste af 3, skiftevis med nu; top-RSS for den største proces"),
        Figure("hele udsend, 98 kommuner, 2 processer: nu", new["udsend_s"], new["udsend_mb"],
               f"{change('udsend_s')}; mål: hurtigere end {commit}, højst 250 MB{memory}",
               goal_seconds=old["udsend_s"]),
        Figure(f"udsendt par (101): {commit}", 0.0, 0.0,
               f"Nøgletal {old['noegletal_mb']:.2f} MB, Udgiftsmodel {old['udgiftsmodel_mb']:.2f} MB, "
               f"alle 196 {old['alle_mb']:.0f} MB"),
        Figure("udsendt par (101): nu", 0.0, 0.0,
               f"Nøgletal {new['noegletal_mb']:.2f} MB (mål 0,8), Udgiftsmodel {new['udgiftsmodel_mb']:.2f} MB "
               f"(mål 1,5), alle 196 {new['alle_mb']:.0f} MB"
               + (" OVER MÅL" if new["noegletal_mb"] > 0.8 or new["udgiftsmodel_mb"] > 1.5 else "")),
    ]
    if "libreoffice_s" in new:
        figures += [
            Figure(f"LibreOffice åbner, genberegner og gemmer parret: {commit}", old["libreoffice_s"], 0.0,
                   "bedste af 3, skiftevis med nu"),
            Figure("LibreOffice åbner, genberegner og gemmer parret: nu", new["libreoffice_s"], 0.0,
                   change("libreoffice_s"), goal_seconds=old["libreoffice_s"]),
        ]
    return figures


def instruction_figures() -> list[Figure]:
    """One distributed workbook's cost in instructions (benchmarks/instructions.py), now and at b070a89: a
    figure that does not swing with the machine's speed."""
    import against_old
    import instructions

    if not instructions.available():
        print("(instruktioner pr. projektmappe er udeladt: valgrind findes ikke på maskinen)")
        return []
    counts = {}
    if against_old.old_commit_available():
        with against_old.old_checkout() as old:
            counts[against_old.OLD] = instructions.per_workbook(old)
    counts["nu"] = instructions.per_workbook(against_old.ROOT / "python")
    figures = []
    for label, c in counts.items():
        change = ""
        if label == "nu" and against_old.OLD in counts:
            old = counts[against_old.OLD]
            change = "; " + ", ".join(f"{kind} {(c[kind] / old[kind] - 1) * 100:+.0f} %" for kind in c) + \
                f" mod {against_old.OLD}"
        figures.append(Figure(f"instruktioner pr. udsendt projektmappe (cachegrind): {label}", 0.0, 0.0,
                              f"Nøgletal {c['noegletal']:.0f} mio., Udgiftsmodel {c['udgiftsmodel']:.0f} mio.{change}"))
    return figures


def main() -> None:
    figures = (distribution_figures() + movement_figures() + keyfigure_figures() + udf_figures()
               + pair_breakdown_figures() + speed_part_figures() + speed_small_part_figures()
               + distribution_run_figures() + spawn_run_figure() + against_old_figures() + instruction_figures())
    report(figures, RESULTS)


if __name__ == "__main__":
    main()

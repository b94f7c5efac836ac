"""A plain benchmark harness: named figures (seconds, MB) printed as a table and saved as JSON."""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Figure:
    name: str
    seconds: float  # best of the repeats
    peak_mb: float  # peak traced Python/numpy allocation during one run
    note: str = ""
    goal_seconds: float | None = None


def measure(name: str, fn: Callable[[], object], repeat: int = 3, note: str = "",
            goal_seconds: float | None = None) -> Figure:
    fn()  # warm up caches and imports so the figure is the steady state
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Figure(name, min(times), peak / 1e6, note, goal_seconds)


def report(figures: list[Figure], path: Path) -> None:
    width = max(len(f.name) for f in figures)
    print(f"{'figur'.ljust(width)}  {'sekunder':>9}  {'mål':>6}  {'top MB':>8}  note")
    for f in figures:
        goal = f"{f.goal_seconds:g}" if f.goal_seconds is not None else "-"
        flag = " OVER MÅL" if f.goal_seconds is not None and f.seconds > f.goal_seconds else ""
        print(f"{f.name.ljust(width)}  {f.seconds:9.3f}  {goal:>6}  {f.peak_mb:8.1f}  {f.note}{flag}")
    path.write_text(json.dumps([asdict(f) for f in figures], indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nGemt i {path}")

"""`make bench`: every performance figure of the project in one run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from harness import Figure, measure, report  # noqa: E402
from indsatstrappe import distribution, keyfigures, movements, queries  # noqa: E402
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


def main() -> None:
    figures = distribution_figures() + movement_figures() + keyfigure_figures() + udf_figures()
    report(figures, RESULTS)


if __name__ == "__main__":
    main()

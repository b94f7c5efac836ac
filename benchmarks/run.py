"""`make bench`: every performance figure of the project in one run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from harness import Figure, measure, report  # noqa: E402
from indsatstrappe import distribution  # noqa: E402
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


def main() -> None:
    figures = distribution_figures()
    report(figures, RESULTS)


if __name__ == "__main__":
    main()

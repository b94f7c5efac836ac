"""Movements between steps from citizen-level episodes (forløb).

An episode is active on day d when start <= d and (slut is empty or d <= slut), both ends inclusive.
A citizen stands on the highest step among their active episodes on a day, or on step 0 ("ingen
indsats"). Everything here is vectorised: one pass of numpy over all episodes, no loop per citizen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .staircase import Staircase

NO_STEP = 0
MATRIX_COLUMNS = ["fra_trin", "til_trin", "antal"]
SUMMARY_KINDS = ("ned", "samme", "op", "ind", "ud")
SUMMARY_NAMES = {"ned": "Flyttet ned", "samme": "Samme trin", "op": "Flyttet op", "ind": "Kommet ind",
                 "ud": "Gået ud"}


@dataclass(frozen=True)
class Episodes:
    """Episodes reduced to what the core needs: integer citizen, step, start and end as day numbers."""

    borger: np.ndarray  # int64 codes 0..n_citizens-1 (no identifiers)
    trin: np.ndarray  # int8; 0 for codes that stand on no step
    start: np.ndarray  # int64 days since 1970-01-01
    slut: np.ndarray  # int64 days; a far future day for ongoing episodes
    kommune: np.ndarray  # int64
    n_citizens: int

    def subset(self, mask: np.ndarray) -> Episodes:
        return Episodes(self.borger[mask], self.trin[mask], self.start[mask], self.slut[mask],
                        self.kommune[mask], self.n_citizens)


OPEN_END = np.iinfo(np.int64).max // 2


def _days(dates: pd.Series) -> np.ndarray:
    values = dates.to_numpy(dtype="datetime64[D]")
    days = values.astype("int64")
    days[np.isnat(values)] = OPEN_END
    return days


def day_number(day: pd.Timestamp | str) -> int:
    return int(np.datetime64(pd.Timestamp(day).date(), "D").astype("int64"))


def prepare(forloeb: pd.DataFrame, staircase: Staircase) -> Episodes:
    """The staircase's episodes from a typed `forloeb` table (other staircases' rows are dropped)."""
    rows = forloeb[forloeb["trappe"] == staircase.key]
    steps = rows["indsats"].map(staircase.step_map()).fillna(NO_STEP).to_numpy(dtype="int64")
    codes, uniques = pd.factorize(rows["borger_id"], sort=False)
    return Episodes(
        borger=codes.astype("int64"), trin=steps.astype("int8"), start=_days(rows["start"]),
        slut=_days(rows["slut"]), kommune=rows["kommune_kode"].to_numpy(dtype="int64"),
        n_citizens=len(uniques),
    )


def steps_on(episodes: Episodes, day: int) -> np.ndarray:
    """Each citizen's step on a day (0 where no episode is active); indexed by citizen code."""
    active = (episodes.start <= day) & (day <= episodes.slut)
    steps = np.zeros(episodes.n_citizens, dtype=np.int8)
    np.maximum.at(steps, episodes.borger[active], episodes.trin[active])
    return steps


def transition_matrix(episodes: Episodes, staircase: Staircase, fra: int, til: int,
                      kommune: int | None = None) -> pd.DataFrame:
    """Counts per (fra_trin, til_trin) for every pair of steps 0..N, zeros included; the pair (0, 0)
    (citizens on no step on either day) is left out because it counts nobody on the staircase."""
    if kommune is not None:
        episodes = episodes.subset(episodes.kommune == kommune)
    return _matrix(steps_on(episodes, fra), steps_on(episodes, til), staircase.n_steps + 1)


def _counts(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Citizens by (step on the first day, step on the second) as a size x size array, with (0, 0) (on no step
    either day: nobody on the staircase) set to 0."""
    counts = np.bincount(a.astype(np.int64) * size + b.astype(np.int64), minlength=size * size)
    counts[0] = 0
    return counts.reshape(size, size)


def _matrix(a: np.ndarray, b: np.ndarray, size: int) -> pd.DataFrame:
    counts = _counts(a, b, size).ravel()
    fra_trin, til_trin = np.divmod(np.arange(size * size), size)
    out = pd.DataFrame({"fra_trin": fra_trin, "til_trin": til_trin, "antal": counts})
    return out[(out["fra_trin"] != 0) | (out["til_trin"] != 0)].reset_index(drop=True)


def classify(fra_trin: pd.Series, til_trin: pd.Series) -> pd.Series:
    """ned, samme, op, ind or ud for each (fra, til) pair; empty for (0, 0)."""
    kind = np.select(
        [(fra_trin == 0) & (til_trin > 0), (fra_trin > 0) & (til_trin == 0), (fra_trin > 0) & (til_trin < fra_trin),
         (fra_trin > 0) & (til_trin == fra_trin), (fra_trin > 0) & (til_trin > fra_trin)],
        ["ind", "ud", "ned", "samme", "op"], default="")
    return pd.Series(kind, index=fra_trin.index)


def summarise(matrix: pd.DataFrame) -> dict[str, int]:
    """Citizens who moved down, stayed, moved up, entered and left."""
    kinds = classify(matrix["fra_trin"], matrix["til_trin"])
    totals = matrix.groupby(kinds)["antal"].sum()
    return {k: int(totals.get(k, 0)) for k in SUMMARY_KINDS}


def movement_share(matrix: pd.DataFrame, fra_steps: set[int], til_steps: set[int]) -> tuple[int, int]:
    """(numerator, denominator) of a movement key figure: of the citizens on `fra_steps` on the first
    day, how many stand on `til_steps` on the second."""
    counts = matrix["antal"].to_numpy()
    start = np.isin(matrix["fra_trin"].to_numpy(), list(fra_steps))
    arrived = start & np.isin(matrix["til_trin"].to_numpy(), list(til_steps))
    return int(counts[arrived].sum()), int(counts[start].sum())


def yearly_matrices(episodes: Episodes, staircase: Staircase, years: list[int]):
    """(kommune, year, matrix) from 31 December of the year before to 31 December of the year, for
    every municipality in the episodes."""
    size = staircase.n_steps + 1
    for kommune, year, before, after in _yearly_steps(episodes, years):
        yield kommune, year, _matrix(before, after, size)


def yearly_counts(episodes: Episodes, staircase: Staircase, years: list[int]):
    """yearly_matrices as (kommune, year, counts): the matrix as a size x size array of citizens by (fra, til),
    for the key figures, which read hundreds of them."""
    size = staircase.n_steps + 1
    for kommune, year, before, after in _yearly_steps(episodes, years):
        yield kommune, year, _counts(before, after, size)


def _yearly_steps(episodes: Episodes, years: list[int]):
    """(kommune, year, each citizen's step on 31 December before, and on 31 December of the year)."""
    for kommune in np.unique(episodes.kommune):
        local = episodes.subset(episodes.kommune == kommune)
        # each year's end is the next year's start: one pass over the episodes per day
        steps = {y: steps_on(local, day_number(f"{y}-12-31")) for y in [years[0] - 1, *years]} if years else {}
        for year in years:
            yield int(kommune), year, steps[year - 1], steps[year]


def yearly_summaries(episodes: Episodes, staircase: Staircase, years: list[int]) -> pd.DataFrame:
    """kommune_kode, aar, ned, samme, op, ind, ud for every municipality and year."""
    rows = [{"kommune_kode": k, "aar": y, **summarise(m)} for k, y, m in yearly_matrices(episodes, staircase, years)]
    return pd.DataFrame(rows, columns=["kommune_kode", "aar", *SUMMARY_KINDS])


def movement_counts(episodes: Episodes, staircase: Staircase, fra_steps: set[int], til_steps: set[int],
                    years: list[int]) -> pd.DataFrame:
    """kommune_kode, aar, taeller, naevner of a movement key figure for every municipality and year."""
    rows = [(k, y, *movement_share(m, fra_steps, til_steps))
            for k, y, m in yearly_matrices(episodes, staircase, years)]
    return pd.DataFrame(rows, columns=["kommune_kode", "aar", "taeller", "naevner"])


def parse_steps(text: str) -> set[int]:
    """'3', '4-6', '0,1-2' -> a set of steps (definitions in the key-figure catalogue use this)."""
    steps: set[int] = set()
    for part in str(text).split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-")
            steps.update(range(int(lo), int(hi) + 1))
        elif part:
            steps.add(int(part))
    return steps


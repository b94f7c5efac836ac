"""Which numbers a municipality has at all: a step or a figure it does not report is missing, never 0.

Two facts decide it, both data:
- A code's period (data/kodeperioder.csv): a register code counts only in the years it exists in the
  register (HAND07's § 82 a-b codes from 2020K3, § 82 c and § 85 a from 2024K1). Outside it, nobody can
  have a number for it.
- Who reports it: a register (ANBAAR12, ISBU01, HAND07 ...) covers every municipality it has rows for in a
  year, so a code without a row there is 0. Own data (codes EGEN:...) cover only the municipalities that
  sent a row for that code and year (a 0 they send is a 0; no row is no number).

A step is reported where at least one of its codes is; a figure over several steps needs every one of
them; a development (this year against the year before) needs the same codes reported in both years.

A third fact: a value the source withheld ('..' in modtagere, DST's discretion) is unknown. A step with a
withheld code has no count (its sum is unknown), and neither has anything built on it; it is never 0.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from .datafiles import packaged
from .staircase import Staircase

OWN_SOURCE = "EGEN"
PERIODS_FILE = "kodeperioder.csv"


def source_of(kode: str) -> str:
    return str(kode).split(":", 1)[0]


def is_own_data(kode: str) -> bool:
    return source_of(kode) == OWN_SOURCE


@cache
def code_periods() -> dict[str, tuple[int | None, int | None]]:
    """kode -> (first year, last year) it exists in its register; a code not listed exists in every year.

    A year counts from the year of its first quarter: DST's quarters become a year as the mean of the
    quarters published (see io/dst.yearly_from_quarters)."""
    df = pd.read_csv(packaged(PERIODS_FILE), dtype=str, keep_default_na=False)
    return {row.kode: (_year(row.fra), _year(row.til)) for row in df.itertuples()}


def period_notes() -> dict[str, str]:
    df = pd.read_csv(packaged(PERIODS_FILE), dtype=str, keep_default_na=False)
    return dict(zip(df["kode"], df["bemaerkning"], strict=True))


def _year(text: str) -> int | None:
    return int(text[:4]) if text.strip() else None


NO_YEAR = 0  # counts without a year (a range typed into a sheet): every code is taken to exist


def exists_in(kode: str, year: int) -> bool:
    if year == NO_YEAR:
        return True
    first, last = code_periods().get(kode, (None, None))
    return (first is None or year >= first) and (last is None or year <= last)


WITHHELD_REASON = "skjult hos Danmarks Statistik"


def is_withheld(modtagere: pd.DataFrame) -> pd.Series:
    """True on the rows whose count the source withheld (read as '..': antal missing)."""
    return modtagere["antal"].isna()


def withheld_steps(modtagere: pd.DataFrame, staircase: Staircase) -> pd.DataFrame:
    """kommune_kode, aar, trin: the steps whose count is unknown because one of their codes is withheld."""
    rows = modtagere[(modtagere["trappe"] == staircase.key) & is_withheld(modtagere)]
    trin = rows["indsats"].map(staircase.step_map())
    on_step = rows[trin.notna()].assign(trin=trin[trin.notna()].astype(int))
    return on_step[["kommune_kode", "aar", "trin"]].drop_duplicates().reset_index(drop=True)


def reported_codes(modtagere: pd.DataFrame, staircase: Staircase) -> pd.DataFrame:
    """kommune_kode, aar, kode: every code of the staircase's mapping a municipality has a number for."""
    rows = modtagere[modtagere["trappe"] == staircase.key]
    cells = rows[["kommune_kode", "aar"]].drop_duplicates()
    codes = pd.DataFrame({"kode": [str(k) for k in staircase.codes.index]})
    codes["kilde"] = codes["kode"].map(source_of)
    periods = code_periods()  # each code's bounds once, not once per municipality and year
    codes["_first"] = [periods.get(k, (None, None))[0] for k in codes["kode"]]
    codes["_last"] = [periods.get(k, (None, None))[1] for k in codes["kode"]]
    grid = cells.merge(codes, how="cross")
    first, last = grid["_first"].astype(float), grid["_last"].astype(float)  # NaN: no bound
    year = grid["aar"].astype(float)
    exists = (year == NO_YEAR) | ((first.isna() | (year >= first)) & (last.isna() | (year <= last)))
    grid = grid.loc[exists.to_numpy(bool)].drop(columns=["_first", "_last"])
    sent = rows[["kommune_kode", "aar", "indsats"]].drop_duplicates().rename(columns={"indsats": "kode"})
    own = grid[grid["kilde"] == OWN_SOURCE].merge(sent, on=["kommune_kode", "aar", "kode"])
    sources = {k: source_of(k) for k in sent["kode"].unique()}  # per code, not per row
    covered = sent.assign(kilde=sent["kode"].map(sources))[["kommune_kode", "aar", "kilde"]].drop_duplicates()
    register = grid[grid["kilde"] != OWN_SOURCE].merge(covered, on=["kommune_kode", "aar", "kilde"])
    out = pd.concat([own, register], ignore_index=True)[["kommune_kode", "aar", "kode"]]
    return out.sort_values(["kommune_kode", "aar", "kode"]).reset_index(drop=True)


def reported_steps(modtagere: pd.DataFrame, staircase: Staircase, codes: pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """kommune_kode, aar, trin: the steps a municipality reports (at least one of the step's codes).
    `codes`: reported_codes(modtagere, staircase) when the caller has it already."""
    codes = reported_codes(modtagere, staircase) if codes is None else codes
    trin = codes["kode"].map(staircase.step_map())
    on_step = codes[trin.notna()].assign(trin=trin[trin.notna()].astype(int))
    return on_step[["kommune_kode", "aar", "trin"]].drop_duplicates().reset_index(drop=True)


def codes_on_steps(staircase: Staircase, steps: set[int]) -> list[str]:
    key = ("codes_on_steps", frozenset(steps))  # asked for every figure of every workbook
    if key not in staircase.memo:
        step = staircase.step_map()
        staircase.memo[key] = tuple(str(k) for k, t in step.items() if not pd.isna(t) and int(t) in steps)
    return list(staircase.memo[key])


def register_can_give(staircase: Staircase, step: int, year: int | None = None) -> bool:
    """Whether registers have any code for a step (in a year): if not, only the municipality's own data can."""
    key = ("register_can_give", step, year)
    if key not in staircase.memo:
        staircase.memo[key] = any(not is_own_data(k) and (year is None or exists_in(k, year))
                                  for k in codes_on_steps(staircase, {step}))
    return staircase.memo[key]


def series_breaks(codes: list[str], years: list[int]) -> list[int]:
    """Years in which the codes that exist differ from the year before (a code appears or ends): a series
    over those codes is not comparable across the break."""
    existing = [frozenset(k for k in codes if exists_in(k, y)) for y in years]
    return [y for i, y in enumerate(years) if i and existing[i] != existing[i - 1] and existing[i - 1]]

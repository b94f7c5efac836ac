"""Quality in socialpsykiatriske botilbud: the five goals of the catalogue for quality in
socialpsykiatriske botilbud as own-data figures per botilbud and year, and the register-based movement
of the residents (the catalogue's botilbud: SEL § 107 and § 108, the adult staircase's steps 7-8) from
citizen-level episodes (forløb). Step 6, botilbudslignende tilbud, is § 85 support in the citizen's own
(almen) dwelling: not a botilbud of the catalogue, and a step down from one.

A goal's share is numerator / denominator; the municipality's figure over all its botilbud is the sum
of numerators over the sum of denominators (a weighted share, as the whole country's key figures).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from . import movements
from .datafiles import packaged
from .staircase import Staircase, default_staircases

ALL = "Alle botilbud"


def _span(steps: tuple[int, ...]) -> str:
    return f"{steps[0]}-{steps[-1]}" if len(steps) > 1 else str(steps[0])


# where the adults' citizens live on each step is data (trin.csv, column bolig)
_ADULTS = default_staircases()["voksne"]
RESIDENT_STEPS = _ADULTS.steps_where("botilbud")  # midlertidigt (§ 107) and længerevarende (§ 108) botilbud
OWN_HOME_STEPS = _ADULTS.steps_where("eget hjem")  # support in the citizen's own home
OWN_HOME_TOP = max(OWN_HOME_STEPS)
RESIDENTS = f"trin {_span(RESIDENT_STEPS)}"
MOVED_DOWN = (f"Flyttet ned: eget hjem (trin {_span(OWN_HOME_STEPS)}), botilbudslignende tilbud "
              f"(trin {_span(_ADULTS.steps_where('botilbudslignende'))}) eller midlertidigt botilbud.")
TABLE_COLUMNS = ["kommune_kode", "botilbud", "aar", "maal", "taeller", "naevner"]
GOAL_COLUMNS = ["kommune_kode", "botilbud", "aar", "maal", "maal_navn", "taeller", "naevner", "andel"]
MOVEMENT_KINDS = ("eget_hjem", "lavere", "samme", "hoejere", "ude")
MOVEMENT_NAMES = {"eget_hjem": f"Til eget hjem (trin {_span(OWN_HOME_STEPS)})",
                  "lavere": f"Lavere trin ({_span(tuple(range(OWN_HOME_TOP + 1, RESIDENT_STEPS[-1])))})",
                  "samme": "Samme trin", "hoejere": "Højere trin", "ude": "Ude af trappen"}
GOALS_NOTE = ("Målene er katalogets for kvalitet i socialpsykiatriske botilbud; hvad der tælles, er værktøjets forslag "
              "(data/botilbudsmaal.csv).")
MOVEMENT_COLUMNS = ["kommune_kode", "botilbud", "aar", "beboere", *MOVEMENT_KINDS, "andel_ned"]


@cache
def goals() -> pd.DataFrame:
    """The five goals (data/botilbudsmaal.csv), indexed by id M1-M5."""
    return pd.read_csv(packaged("botilbudsmaal.csv"), dtype=str, keep_default_na=False).set_index("id", drop=False)


@cache
def goal_rows() -> tuple:
    """`goals()` as named tuples (id, navn, ...), made once per process: every Nøgletal lists them."""
    return tuple(goals().itertuples(index=False))


def goal_values(rows: pd.DataFrame, kommune: int | None = None) -> pd.DataFrame:
    """GOAL_COLUMNS for each botilbud, year and goal, and an 'Alle botilbud' row per municipality, year
    and goal (sum of numerators over sum of denominators); rows without a denominator are left out."""
    if kommune is not None:
        rows = rows[rows["kommune_kode"] == kommune]
    rows = rows[rows["naevner"].notna() & rows["taeller"].notna()]
    key = ["kommune_kode", "aar", "maal"]
    total = rows.groupby(key, as_index=False)[["taeller", "naevner"]].sum().assign(botilbud=ALL)
    out = pd.concat([rows[TABLE_COLUMNS], total[TABLE_COLUMNS]], ignore_index=True)
    out["kommune_kode"] = out["kommune_kode"].astype(int)
    out["aar"] = out["aar"].astype(int)
    out["taeller"] = out["taeller"].astype(float)
    out["naevner"] = out["naevner"].astype(float)
    out["andel"] = out["taeller"] / out["naevner"]
    out["maal_navn"] = out["maal"].map(goals()["navn"])
    out["_alle"] = out["botilbud"] == ALL  # each municipality's botilbud first, then their total
    out = out.sort_values(["kommune_kode", "_alle", "botilbud", "aar", "maal"]).drop(columns="_alle")
    return out[GOAL_COLUMNS].reset_index(drop=True)


def classify_residents(fra: np.ndarray, til: np.ndarray) -> dict[str, int]:
    """Residents on step `fra` (7-8) at the start and on `til` at the end: where did they go?"""
    kinds = {
        "eget_hjem": (til >= 1) & (til <= OWN_HOME_TOP),
        "lavere": (til > OWN_HOME_TOP) & (til < fra),
        "samme": til == fra,
        "hoejere": til > fra,
        "ude": til == movements.NO_STEP,
    }
    return {k: int(mask.sum()) for k, mask in kinds.items()}


def _movement_row(kommune: int, botilbud: str, year: int, fra: np.ndarray, til: np.ndarray) -> dict:
    counts = classify_residents(fra, til)
    beboere = len(fra)
    down = counts["eget_hjem"] + counts["lavere"]
    return {"kommune_kode": kommune, "botilbud": botilbud, "aar": year, "beboere": beboere, **counts,
            "andel_ned": down / beboere if beboere else np.nan}


def resident_movements(forloeb: pd.DataFrame, staircase: Staircase, years: list[int],
                       kommune: int | None = None) -> pd.DataFrame:
    """MOVEMENT_COLUMNS: of the residents on steps 7-8 on 31 December of the year before, how many stand
    on 31 December of the year in their own home (steps 1-5), on a lower step (6-7), on the same or a
    higher step, or outside the staircase. One 'Alle botilbud' row per municipality and year (every
    resident in the register), and one per botilbud where `forloeb` names it in the optional column
    `tilbud` (a resident counts for the botilbud of an episode on steps 7-8 active on the first day).
    A municipality's first year of episodes is no starting point (see keyfigures: its stock lacks the
    episodes that began before the data do), so its movements begin the year after next."""
    rows = forloeb[forloeb["trappe"] == staircase.key]
    if kommune is not None:
        rows = rows[rows["kommune_kode"] == kommune]
    out = []
    for k in sorted(int(x) for x in rows["kommune_kode"].unique()):
        local = rows[rows["kommune_kode"] == k]
        episodes = movements.prepare(local, staircase)
        tilbud = (local["tilbud"].fillna("").astype(str).str.strip().to_numpy() if "tilbud" in local
                  else np.full(len(local), ""))
        first = int(local["start"].min().year)
        for year in years:
            if year < first + 2:  # the stock at the end of the data's first year lacks earlier episodes (as V11)
                continue
            start = movements.day_number(f"{year - 1}-12-31")
            fra = movements.steps_on(episodes, start)
            til = movements.steps_on(episodes, movements.day_number(f"{year}-12-31"))
            residents = np.isin(fra, RESIDENT_STEPS)
            if not residents.any():
                continue
            out.append(_movement_row(k, ALL, year, fra[residents], til[residents]))
            active = ((episodes.start <= start) & (start <= episodes.slut) & np.isin(episodes.trin, RESIDENT_STEPS)
                      & (tilbud != ""))
            pairs = pd.DataFrame({"borger": episodes.borger[active], "tilbud": tilbud[active]}).drop_duplicates()
            for name, group in pairs.groupby("tilbud", sort=True):
                citizens = group["borger"].to_numpy()
                out.append(_movement_row(k, str(name), year, fra[citizens], til[citizens]))
    df = pd.DataFrame(out, columns=MOVEMENT_COLUMNS)
    if df.empty:
        return df
    df["_alle"] = df["botilbud"] == ALL
    return df.sort_values(["kommune_kode", "_alle", "botilbud", "aar"]).drop(columns="_alle").reset_index(drop=True)

"""Scenarios: what moving citizens between steps is worth.

A movement moves citizens from one step to another, phased in evenly: it starts in projection year
`foerste` (1 = the year after the base year), reaches its full size after `over_aar` years and stays
there. Its size is a share of the base year's citizens on the from-step, or a number of citizens.

"Uden ændring" keeps every step at its base-year citizens. Expenses are citizens times the step's unit
cost in the base year: the municipality's own, or its group's where the municipality has no unit cost
on the step. Unit costs stay constant in base-year prices; an annual price rise (per cent) turns them
into current prices. No start-up costs are counted unless entered as a movement of their own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError
from .staircase import Staircase

OUTPUT_COLUMNS = ["aar", "trin", "trin_navn", "enhedspris", "borgere_uden", "borgere_med", "udgift_uden",
                  "udgift_med", "forskel"]
TOTAL = "i_alt"
ASSUMPTIONS = [
    "Uden ændring står lige så mange borgere på hvert trin som i basisåret.",
    "Enhedspriserne er basisårets og holdes konstante (faste priser); en årlig prisstigning gør dem til "
    "løbende priser.",
    "Hvor kommunen ikke har en enhedspris på et trin (ingen borgere eller ingen udgift), bruges gennemsnittet "
    "for kommunegruppen. Et trin uden enhedspris hos både kommunen og gruppen har ingen udgift i tabellen "
    "og er ikke med i I alt.",
    "En bevægelse indfases jævnt over de angivne år og holder derefter sin fulde størrelse.",
    "Opstartsudgifter og udgifter uden for trinene er ikke med, medmindre de lægges ind som en bevægelse.",
]


@dataclass(frozen=True)
class Movement:
    fra: int
    til: int
    andel: float | None = None  # 0.10 = 10 % of the base year's citizens on `fra`
    antal: float | None = None  # or a number of citizens
    over_aar: int = 1
    foerste: int = 1  # the first projection year it applies to (1 = the year after the base year)

    def size(self, base_count: float) -> float:
        return self.andel * base_count if self.andel is not None else float(self.antal or 0)

    def phase(self, k: int) -> float:
        """The part of the full size reached in projection year k."""
        return min(1.0, max(0.0, (k - self.foerste + 1) / self.over_aar))


_MOVE = re.compile(r"^\s*(\d+)\s*>\s*(\d+)\s*:\s*([0-9]+(?:[.,][0-9]+)?)\s*(%?)\s*(?::\s*(\d+))?\s*(?::\s*(\d+))?\s*$")


def parse_movement(text: str, staircase: Staircase, where: str = "--flyt") -> Movement:
    """'6>5:10%:3' (10 % of step 6 to step 5 over 3 years), '4>3:20' (20 citizens), ':3:2' from year 2."""
    m = _MOVE.match(text)
    advice = ("Skriv FRA>TIL:MÆNGDE[:ÅR[:FØRSTE]], fx '6>5:10%:3' (10 % af trin 6 til trin 5 over 3 år) "
              "eller '4>3:20' (20 borgere).")
    if not m:
        raise InputError.single(where, f"'{text}' er ikke en bevægelse.", advice)
    fra, til, amount, pct, years, first = m.groups()
    value = float(amount.replace(",", "."))
    move = Movement(int(fra), int(til), andel=value / 100 if pct else None, antal=None if pct else value,
                    over_aar=int(years or 1), foerste=int(first or 1))
    check_movement(move, staircase, f"{where} '{text}'")
    return move


def check_movement(move: Movement, staircase: Staircase, where: str) -> None:
    steps = staircase.step_numbers
    for label, step in (("fra-trinnet", move.fra), ("til-trinnet", move.til)):
        if step not in steps:
            raise InputError.single(where, f"{label} {step} findes ikke på {staircase.navn} (trin 1-{len(steps)}).",
                                    "Ret trinnet.")
    if move.fra == move.til:
        raise InputError.single(where, "fra- og til-trin er det samme.", "Vælg to forskellige trin.")
    if move.andel is not None and not 0 < move.andel <= 1:
        raise InputError.single(where, "andelen skal være over 0 og højst 100 %.", "Ret andelen.")
    if move.andel is None and not (move.antal or 0) > 0:
        raise InputError.single(where, "antallet af borgere skal være over 0.", "Ret antallet.")
    if move.over_aar < 1 or move.foerste < 1:
        raise InputError.single(where, "år og første år skal være 1 eller mere.", "Ret tallene.")


def unit_costs(table_all: pd.DataFrame, kommune: int, aar: int, members: list[int],
               staircase: Staircase) -> pd.DataFrame:
    """Per step: the municipality's unit cost in `aar`, its group's (unweighted mean of the members that
    have one), and the one used. `table_all` is expenses.step_table for every municipality."""
    t = table_all[(table_all["aar"] == aar) & (table_all["trin"] != "ikke_fordelt")]
    t = t.assign(trin=t["trin"].astype(int))
    own = t[t["kommune_kode"] == kommune].set_index("trin")["enhedspris"]
    group = t[t["kommune_kode"].isin(members)].groupby("trin")["enhedspris"].mean()
    out = pd.DataFrame({"trin": staircase.step_numbers})
    out["kommune"] = out["trin"].map(own)
    out["gruppe"] = out["trin"].map(group)
    use_own = out["kommune"].notna() & (out["kommune"] != 0)
    out["enhedspris"] = np.where(use_own, out["kommune"], out["gruppe"])
    out["kilde"] = np.where(use_own, "kommunen", np.where(out["gruppe"].notna(), "gruppen", "ingen"))
    return out


def steps_without_price(base_counts: dict[int, float], costs: dict[int, float]) -> list[int]:
    """Steps with citizens in the base year and no unit cost: their expenses are unknown, not 0."""
    return sorted(t for t, n in base_counts.items() if not pd.isna(n) and n > 0 and pd.isna(costs.get(t, np.nan)))


def project(base_counts: dict[int, float], costs: dict[int, float], movements: list[Movement], base: int,
            horizon: int, staircase: Staircase, price_rise: float = 0.0, check: bool = True) -> pd.DataFrame:
    """Citizens and expenses per step and year, without and with the movements (OUTPUT_COLUMNS), plus one
    'i_alt' row per year. A step without a unit cost (NaN or absent) or without a count has no expense
    (NaN, left out of the totals), never 0 kr. With `check`, a movement that takes more citizens from a step
    than stand there is refused (the workbook shows a warning instead)."""
    rows = projection_rows(base_counts, costs, movements, base, horizon, staircase, price_rise, check)
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


SUMMED = OUTPUT_COLUMNS[4:]  # what a year's 'i_alt' row adds up


def projection_rows(base_counts: dict[int, float], costs: dict[int, float], movements: list[Movement], base: int,
                    horizon: int, staircase: Staircase, price_rise: float = 0.0, check: bool = True) -> list[tuple]:
    """`project`'s rows as tuples in OUTPUT_COLUMNS' order: each year's steps, then its 'i_alt' row (the workbook's
    twin reads them without a frame, once per municipality)."""
    steps = staircase.step_numbers
    names = staircase.step_names()
    rows = []
    for k in range(1, horizon + 1):
        moved = {s: 0.0 for s in steps}
        for mv in movements:
            amount = mv.phase(k) * mv.size(base_counts.get(mv.fra, 0.0))
            moved[mv.fra] -= amount
            moved[mv.til] += amount
        factor = (1 + price_rise) ** k
        year = []
        for s in steps:
            before = base_counts.get(s, 0.0)
            after = before + moved[s]
            if check and after < -1e-9:
                raise InputError.single("bevægelser", f"flere borgere flytter fra trin {s} end der står der "
                                        f"({before:g} i basisåret).", "Gør andelene eller antallene mindre.")
            price = float(costs.get(s, np.nan)) * factor
            cost_before = before * price if before != 0 else 0.0
            cost_after = after * price if after != 0 else 0.0
            year.append((base + k, s, names[s], price, before, after, cost_before, cost_after,
                         cost_after - cost_before))
        totals = [_total(row[j] for row in year) for j in range(4, len(OUTPUT_COLUMNS))]
        rows += [*year, (base + k, TOTAL, "I alt", np.nan, *totals)]
    return rows


def _total(values) -> float | int:
    """The sum of the known values (NaN left out): whole counts exactly, other numbers correctly rounded
    (math.fsum), so a year's 'i_alt' row does not depend on the order of its steps or on a library's summation."""
    known = [v for v in values if v == v]
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in known):
        return sum(int(v) for v in known)
    return math.fsum(known)

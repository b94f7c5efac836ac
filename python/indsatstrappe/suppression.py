"""Small-count suppression for workbooks handed to municipalities, the way DST does it.

Primary: a count of 1-4 citizens is not shown. Numbers computed from such a count (a rate, a share, a
development) are not shown either: a key figure is hidden when its numerator or denominator is a count
of 1-4. Secondary: where a step count is hidden, every figure built from a sum of steps for that
municipality and year (several steps, shares of the staircase, development) is hidden too, so the
hidden count cannot be recovered as a total minus the other steps. The workbooks compute totals,
group means and the country's figure from the shown numbers only, so no difference reveals a hidden
count. Expenses are money, not counts, and are shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import keyfigures
from .botilbud import ALL

SMALL = (1, 4)
COUNT_KINDS = ("trin", "koder", "andel_trin", "udvikling", "bevaegelse")


def is_small(values: pd.Series) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce")
    return (v >= SMALL[0]) & (v <= SMALL[1])


def suppress_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Step counts (kommune_kode, aar, trappe, trin, antal, ...) with 1-4 replaced by NaN."""
    return counts.assign(antal=counts["antal"].where(~is_small(counts["antal"])).astype(float))


def suppress_values(values: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Key-figure rows (keyfigures.VALUE_COLUMNS) with suppressed ones blanked (taeller, naevner, vaerdi)."""
    cat = keyfigures.catalogue()
    kind = values["noegletal_id"].map(cat["beregning"])
    unit = values["noegletal_id"].map(cat["enhed"])
    trappe = values["noegletal_id"].map(cat["trappe"])
    hide = pd.Series(False, index=values.index)
    counted = kind.isin(COUNT_KINDS)
    hide |= counted & (is_small(values["taeller"]) | is_small(values["naevner"]))
    # development: the year before is the denominator, this year's count is taeller + naevner
    hide |= (kind == "udvikling") & is_small(values["taeller"] + values["naevner"])
    own = kind == "egne_tal"
    hide |= own & (is_small(values["naevner"]) | ((unit == "%") & is_small(values["taeller"])))
    # secondary: sums over steps where a step is hidden
    hidden_steps = counts[is_small(counts["antal"])][["kommune_kode", "aar", "trappe"]].drop_duplicates()
    hidden_steps = hidden_steps.assign(_hidden=True)
    keyed = values[["kommune_kode", "aar"]].assign(trappe=trappe.to_numpy())
    touched = keyed.merge(hidden_steps, on=["kommune_kode", "aar", "trappe"], how="left")["_hidden"].fillna(False)
    sums = kind.isin(["andel_trin", "udvikling"]) | ((kind == "trin") & values["noegletal_id"].map(
        cat["parametre"]).str.contains("-"))
    hide |= sums & touched.to_numpy().astype(bool)
    if "udvikling" in set(kind):  # the year before's hidden steps matter for a development too
        before = hidden_steps.assign(aar=hidden_steps["aar"] + 1)
        touched_before = keyed.merge(before, on=["kommune_kode", "aar", "trappe"], how="left")["_hidden"]
        hide |= (kind == "udvikling") & touched_before.fillna(False).to_numpy().astype(bool)
    out = values.copy()
    for col in ("taeller", "naevner", "vaerdi"):
        out[col] = out[col].where(~hide, np.nan)
    return out


def suppress_per_citizen(rows: pd.DataFrame) -> pd.DataFrame:
    """Data rows whose denominator is citizens (unit costs, id 'enhedspris:...'): a denominator of 1-4
    would be visible as taeller / vaerdi, so both are hidden."""
    hide = rows["id"].str.startswith("enhedspris:") & is_small(rows["naevner"])
    return rows.assign(taeller=rows["taeller"].mask(hide), naevner=rows["naevner"].mask(hide))


def suppress_botilbud_goals(rows: pd.DataFrame) -> pd.DataFrame:
    """Botilbud goal rows (kommune_kode, botilbud, aar, maal, taeller, naevner): a row is blanked when its
    numerator, its denominator or the residents who did not reach the goal (naevner - taeller) are 1-4.
    The workbook's totals sum the shown rows only, so a blanked row cannot be recovered from them."""
    hide = is_small(rows["taeller"]) | is_small(rows["naevner"]) | is_small(rows["naevner"] - rows["taeller"])
    return rows.assign(taeller=rows["taeller"].astype(float).mask(hide),
                       naevner=rows["naevner"].astype(float).mask(hide))


def suppress_resident_movements(rows: pd.DataFrame, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Movement rows of botilbud residents (beboere = the sum of `kinds`) for a distributed workbook.

    Only the municipality's total rows are kept: a botilbud's counts could otherwise be recovered as the
    total minus the other botilbud. Where any count in a row is 1-4, the whole breakdown of that row is
    hidden: with beboere and the key figure V11 (eget hjem + ude af trappen) shown elsewhere, hiding one
    or two counts would leave them derivable. A row of 1-4 residents is hidden whole."""
    out = rows[rows["botilbud"] == ALL].copy()
    counts = out[list(kinds)].astype(float)
    hide = ((counts >= SMALL[0]) & (counts <= SMALL[1])).any(axis=1) | is_small(out["beboere"])
    out[list(kinds)] = counts.mask(hide, axis=0)
    out["andel_ned"] = out["andel_ned"].mask(hide)
    out["beboere"] = out["beboere"].astype(float).mask(is_small(out["beboere"]))
    return out.reset_index(drop=True)

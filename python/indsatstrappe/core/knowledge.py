"""What a reader of the distributed workbooks knows besides the workbooks: the threat model (DOMAIN.md).

The reader holds every distributed workbook, every rule we state, and everything Danmarks Statistik
publishes. In the linear programs of `disclosure` that knowledge is bounds on the atoms (citizens per step
and code signature, see `suppression.RegisterLayout`), per municipality:
- A register count DST publishes is a known constant. Here: a register code's count that is known and not
  1-4 (DST withholds 1-4; in data fetched from DST a withheld count is '..', unknown to us too).
- A register count DST withholds (1-4) is secret, but the reader knows it is 1-4, and DST's region and
  national totals per code and year bound it further: the total minus the published counts of the other
  municipalities, less 1-4 for each other withheld one.
- Own data (EGEN codes) are secret and only >= 0; a value we never knew ('..') likewise.
- Our rule "a 0 is never hidden": a hidden count is at least 1 (`disclosure.Table.floor`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import coverage, municipalities

SMALL = (1, 4)
PUBLIC, SECRET, OWN, UNKNOWN = "offentlig", "skjult hos DST", "egne data", "ukendt"

MODEL = ("Læseren antages at kende alle udsendte projektmapper, alle regler, vi oplyser (fx at et 0 aldrig "
         "skjules, så et skjult antal er mindst 1), og alt, Danmarks Statistik offentliggør: kommunernes "
         "registertal, som Danmarks Statistik viser (her: et registertal, der ikke er 1-4), og regionernes og "
         "landets totaler pr. kode og år. Hemmeligt er kommunens egne data (EGEN-koder, egne tal, forløb og "
         "botilbud) og registertal, som Danmarks Statistik skjuler (1-4). Intet hemmeligt tal må kunne "
         "indsnævres til et interval på 1 eller mindre; det prøves for hver kommune og trappe med lineær "
         "programmering over de viste tal og den viden.")


def code_status(modtagere: pd.DataFrame) -> pd.Series:
    """Per row of modtagere: PUBLIC, SECRET (a register count of 1-4), OWN (an EGEN code) or UNKNOWN ('..')."""
    own = modtagere["indsats"].map(coverage.is_own_data).astype(bool)
    antal = modtagere["antal"].astype(float)
    small = (antal >= SMALL[0]) & (antal <= SMALL[1])
    status = np.select([own, antal.isna(), small], [OWN, UNKNOWN, SECRET], PUBLIC)
    return pd.Series(status, index=modtagere.index)


def secret_bounds(modtagere: pd.DataFrame) -> pd.DataFrame:
    """The withheld register counts with the interval [lo, hi] the reader can give each from DST's tables:
    1-4, narrowed by the region's and the country's totals for the code and year."""
    m = modtagere.assign(status=code_status(modtagere), antal=modtagere["antal"].astype(float))
    m = m[m["status"] != OWN]
    m["region"] = m["kommune_kode"].map(municipalities.municipalities()["region"])
    m["public"] = m["antal"].where(m["status"] == PUBLIC, 0.0)
    m["secret"] = (m["status"] == SECRET).astype(int)
    m["unknown"] = (m["status"] == UNKNOWN).astype(int)
    lo = pd.Series(float(SMALL[0]), index=m.index)
    hi = pd.Series(float(SMALL[1]), index=m.index)
    for by in (["aar", "trappe", "indsats", "region"], ["aar", "trappe", "indsats"]):
        group = m.groupby(by)
        total, public = group["antal"].transform("sum"), group["public"].transform("sum")
        others = group["secret"].transform("sum") - m["secret"]
        known = group["unknown"].transform("sum") == 0  # a total with a '..' in it is not known to anyone
        rest = total - public  # this municipality's count plus the other withheld ones
        lo = lo.where(~known, np.maximum(lo, rest - SMALL[1] * others))
        hi = hi.where(~known, np.minimum(hi, rest - SMALL[0] * others))
    out = m.assign(lo=lo, hi=hi)
    return out[out["status"] == SECRET][["kommune_kode", "aar", "trappe", "indsats", "lo", "hi"]]


def atom_bounds(modtagere: pd.DataFrame, trappe: str, atoms: tuple,
                code_atoms: dict[str, tuple[int, frozenset[str]]]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per municipality: lower and upper bounds on every atom (`atoms`: (year, step, signature) tuples) from
    what the reader knows. An atom without rows is 0 for all to see when all its codes are register codes
    (a register's code without a row is 0), else unknown (>= 0)."""
    rows = modtagere[(modtagere["trappe"] == trappe) & modtagere["indsats"].isin(code_atoms.keys())]
    rows = rows.assign(status=code_status(rows), antal=rows["antal"].astype(float))
    keys = ["kommune_kode", "aar", "indsats"]
    rows = rows.merge(secret_bounds(modtagere[modtagere["trappe"] == trappe])[[*keys, "lo", "hi"]], on=keys,
                      how="left")
    public, secret = (rows["status"] == PUBLIC).to_numpy(), (rows["status"] == SECRET).to_numpy()
    antal = rows["antal"].to_numpy()
    low = np.select([public, secret], [antal, rows["lo"].to_numpy()], 0.0)
    high = np.select([public, secret], [antal, rows["hi"].to_numpy()], np.inf)  # own data, '..': no bound
    index = {a: i for i, a in enumerate(atoms)}
    pos = np.array([index.get((int(y), *code_atoms[c]), -1) for y, c in zip(rows["aar"], rows["indsats"],
                                                                            strict=True)], dtype=int)
    own_atoms = np.array([any(coverage.is_own_data(c) for c, kind in code_atoms.items() if kind == (t, sig))
                          for _, t, sig in atoms])
    out = {}
    kommune = rows["kommune_kode"].to_numpy()
    for k in np.unique(kommune):
        mine = (kommune == k) & (pos >= 0)
        lower, upper = np.zeros(len(atoms)), np.where(own_atoms, np.inf, 0.0)
        np.add.at(lower, pos[mine], low[mine])
        np.add.at(upper, pos[mine], high[mine])
        out[int(k)] = (lower, upper)
    return out

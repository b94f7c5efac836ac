"""Small-count suppression for workbooks handed to municipalities, the way DST does it, and checked
the way an auditor would attack it.

Primary: a count of 1-4 citizens is not shown, nor anything computed from it. Secondary: the register
counts (citizens per step, per intervention-code figure, the staircase total, and the key figures that
are sums, shares or developments of them) are linear relations over the counts of the intervention
codes; further cells are hidden until no hidden value and no count of 1-4 can be pinned down from the
shown cells (`disclosure`, linear programming over non-negative counts). Key figures from other sources
(own data, episodes) stand alone: they are hidden where the numerator, the denominator or, for figures
about persons, the difference between them is 1-4. Expenses split over steps by a key of citizens are
hidden where the key uses a hidden count, and so are unit costs of such steps. Group and country figures
in the workbooks are computed from the shown cells only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import coverage, disclosure, expenses, keyfigures, knowledge, movements
from .botilbud import ALL
from .staircase import Staircase

SMALL = disclosure.SMALL
REGISTER_KINDS = ("trin", "koder", "andel_trin", "udvikling")
PERSON_UNITS = ("%",)  # key figures whose numerator and denominator are persons: the complement counts too
TOTAL = "i_alt"  # the staircase total's id suffix on the Data sheet (boern:i_alt)


def is_small(values: pd.Series) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce")
    return (v >= SMALL[0]) & (v <= SMALL[1])


# -- the register counts as a table of linear forms --------------------------------------------------

@dataclass(frozen=True)
class RegisterLayout:
    """One municipality's register counts on one staircase over the years, as `disclosure` sees them.

    Atoms: citizens per (year, step, code figures holding the codes); step 0 holds codes on no step that a
    code figure counts. Units: (id, year) rows of the Data sheet, each with its numerator form and, for
    shares and developments, its denominator form."""

    trappe: str
    years: tuple[int, ...]
    atoms: tuple[tuple[int, int, frozenset[str]], ...]
    units: tuple[tuple[str, int], ...]
    forms: np.ndarray
    form_unit: np.ndarray
    form_part: tuple[str, ...]  # "taeller" | "naevner"
    sensitive: np.ndarray  # forms that count persons (a development's numerator is a difference)

    @property
    def floor(self) -> np.ndarray:
        """Forms a reader knows are >= 1 when hidden: the count of a unit that is one count (a 0 is never
        hidden, and a count of 1-4 is)."""
        single = np.bincount(self.form_unit, minlength=len(self.units))[self.form_unit] == 1
        return self.sensitive & single

    def atom_of(self) -> dict[tuple[int, int, frozenset[str]], int]:
        return {a: i for i, a in enumerate(self.atoms)}

    def denominators(self) -> np.ndarray:
        """Per form: the denominator form of its unit (-1 for units without one)."""
        den = {int(u): f for f, (u, part) in enumerate(zip(self.form_unit, self.form_part, strict=True))
               if part == "naevner"}
        return np.array([den.get(int(u), -1) for u in self.form_unit])


def code_atoms(staircase: Staircase, trappe: str) -> dict[str, tuple[int, frozenset[str]]]:
    """code -> (step or 0, the code figures that count it), for codes on a step or in a code figure."""
    cat = keyfigures.for_staircase(trappe)
    figures = {row.id: set(row.parametre.split(";")) for row in cat.itertuples() if row.beregning == "koder"}
    out = {}
    for code, trin in staircase.step_map().items():
        holders = frozenset(f for f, codes in figures.items() if code in codes)
        if not pd.isna(trin) or holders:
            out[str(code)] = (0 if pd.isna(trin) else int(trin), holders)
    return out


def register_layout(staircase: Staircase, trappe: str, years: tuple[int, ...]) -> RegisterLayout:
    return _layout(trappe, years, tuple(sorted(set(code_atoms(staircase, trappe).values()),
                                               key=lambda a: (a[0], sorted(a[1])))),
                   tuple(staircase.step_numbers))


@cache
def _layout(trappe: str, years: tuple[int, ...], kinds: tuple[tuple[int, frozenset[str]], ...],
            steps: tuple[int, ...]) -> RegisterLayout:
    atoms = tuple((y, t, sig) for y in years for t, sig in kinds)
    index = {a: i for i, a in enumerate(atoms)}
    cat = keyfigures.for_staircase(trappe)
    figures = [r for r in cat.itertuples() if r.beregning in REGISTER_KINDS]
    units, rows, unit_of, parts, sensitive = [], [], [], [], []

    def vec(y: int, on_steps: set[int] | None = None, figure: str | None = None) -> np.ndarray:
        v = np.zeros(len(atoms))
        for t, sig in kinds:
            if (on_steps is not None and t in on_steps) or (figure is not None and figure in sig):
                v[index[(y, t, sig)]] = 1.0
        return v

    def add(uid: tuple[str, int], forms: list[tuple[str, np.ndarray, bool]]) -> None:
        for part, v, person in forms:
            rows.append(v)
            unit_of.append(len(units))
            parts.append(part)
            sensitive.append(person)
        units.append(uid)

    for y in years:
        for t in steps:
            add((f"{trappe}:{t}", y), [("taeller", vec(y, {t}), True)])
        add((f"{trappe}:{TOTAL}", y), [("taeller", vec(y, set(steps)), True)])
        for f in figures:
            if f.beregning == "koder":
                add((f.id, y), [("taeller", vec(y, figure=f.id), True)])
                continue
            chosen = movements.parse_steps(f.parametre)
            if f.beregning == "trin":
                add((f.id, y), [("taeller", vec(y, chosen), True)])
            elif f.beregning == "andel_trin":
                add((f.id, y), [("taeller", vec(y, chosen), True), ("naevner", vec(y, set(steps)), True)])
            elif y - 1 in years:  # udvikling: this year minus the year before, over the year before
                add((f.id, y), [("taeller", vec(y, chosen) - vec(y - 1, chosen), False),
                                ("naevner", vec(y - 1, chosen), True)])
    return RegisterLayout(trappe, years, atoms, tuple(units), np.array(rows), np.array(unit_of), tuple(parts),
                          np.array(sensitive))


def atom_counts(modtagere: pd.DataFrame, staircase: Staircase, trappe: str) -> pd.DataFrame:
    """kommune_kode, aar, trin, sig, antal: citizens per atom (see RegisterLayout)."""
    kinds = code_atoms(staircase, trappe)
    rows = modtagere[(modtagere["trappe"] == trappe) & modtagere["indsats"].isin(kinds.keys())]
    kind = rows["indsats"].map(kinds)
    rows = rows.assign(trin=kind.map(lambda k: k[0]), sig=kind.map(lambda k: k[1]))
    return rows.groupby(["kommune_kode", "aar", "trin", "sig"], as_index=False)["antal"].sum()


def unused_atoms(modtagere: pd.DataFrame, staircase: Staircase, trappe: str,
                 years: list[int]) -> set[tuple[int, int, frozenset[str]]]:
    """Atoms nobody in the country has in a year (codes not yet or no longer in use): an outsider knows
    they are 0 everywhere, so they protect nothing."""
    counts = atom_counts(modtagere, staircase, trappe)
    used = {(int(y), int(t), s) for y, t, s, a in zip(counts["aar"], counts["trin"], counts["sig"], counts["antal"],
                                                        strict=True) if a > 0}
    return set(register_layout(staircase, trappe, tuple(years)).atoms) - used


def known_zero(modtagere: pd.DataFrame, staircases: dict[str, Staircase], years: list[int]) -> dict[str, set]:
    """Per staircase, the atoms an outsider knows to be 0 (see unused_atoms)."""
    return {t: unused_atoms(modtagere, st, t, years) for t, st in staircases.items()}


def not_reported(modtagere: pd.DataFrame, staircases: dict[str, Staircase],
                 years: list[int]) -> set[tuple[str, int, str, int]]:
    """(trappe, kommune_kode, id, aar) of the register units that have no value because the municipality does
    not report them (see coverage): blank in every workbook, and said so there, so they hide nothing."""
    out: set[tuple[str, int, str, int]] = set()
    empty = pd.DataFrame(columns=["kommune_kode", "aar", "aldersgruppe", "antal"])
    for trappe, staircase in staircases.items():
        lay = register_layout(staircase, trappe, tuple(years))
        cells = modtagere.loc[modtagere["trappe"] == trappe, ["kommune_kode", "aar"]].drop_duplicates()
        steps = coverage.reported_steps(modtagere, staircase)
        have = {(int(k), f"{trappe}:{int(t)}", int(y)) for k, y, t in
                zip(steps["kommune_kode"], steps["aar"], steps["trin"], strict=True)}
        have |= {(int(k), f"{trappe}:{TOTAL}", int(y)) for k, y in zip(steps["kommune_kode"], steps["aar"],
                                                                       strict=True)}
        figures = keyfigures.compute(keyfigures.Inputs(befolkning=empty, modtagere=modtagere), staircases, trappe)
        have |= {(int(k), str(i), int(y)) for i, k, y in zip(figures["noegletal_id"], figures["kommune_kode"],
                                                             figures["aar"], strict=True)}
        for k, y in zip(cells["kommune_kode"], cells["aar"], strict=True):
            out |= {(trappe, int(k), fid, int(y)) for fid, uy in lay.units
                    if uy == int(y) and (int(k), fid, int(y)) not in have}
    return out


def hidden_register_units(modtagere: pd.DataFrame, staircases: dict[str, Staircase],
                          years: list[int]) -> pd.DataFrame:
    """id, kommune_kode, aar of every register unit a distributed workbook hides (primary and secondary)."""
    # thousands of tiny matrices: BLAS threads only fight the process that prepares beside this one
    with threadpool_limits(limits=1, user_api="blas"):
        return _hidden_register_units(modtagere, staircases, years)


def _hidden_register_units(modtagere: pd.DataFrame, staircases: dict[str, Staircase],
                           years: list[int]) -> pd.DataFrame:
    out = []
    for trappe, staircase in staircases.items():
        lay = register_layout(staircase, trappe, tuple(years))
        counts = atom_counts(modtagere, staircase, trappe)
        index = lay.atom_of()
        counts = counts[counts["aar"].isin(years)]
        position = [index[(int(y), int(t), s)] for y, t, s in zip(counts["aar"], counts["trin"], counts["sig"],
                                                                   strict=True)]
        counts = counts.assign(pos=position)
        unused = unused_atoms(modtagere, staircase, trappe, years)
        table = disclosure.make_table(lay.forms, lay.form_unit, len(lay.units),
                                      np.array([a in unused for a in lay.atoms]), lay.denominators(), lay.floor)
        bounds = knowledge.atom_bounds(modtagere, trappe, lay.atoms, code_atoms(staircase, trappe))
        # the steps and totals are what the workbook is about: hide a key figure before them
        weights_step = np.array([2.0 if uid[0].startswith(trappe + ":") else 1.0 for uid in lay.units])
        for kommune, own in counts.groupby("kommune_kode"):
            truth = np.zeros(len(lay.atoms))
            np.add.at(truth, own["pos"].to_numpy(), own["antal"].to_numpy(dtype=float))
            values = lay.forms @ truth
            if not (disclosure.is_small(truth).any() or disclosure.is_small(values[lay.sensitive]).any()):
                continue  # nothing small: everything may be shown
            weights = np.bincount(lay.form_unit, np.abs(values), len(lay.units)) * weights_step
            # a hidden 0 protects nothing when an outsider knows the 0 (a step the municipality does not report)
            weights[weights == 0] = np.inf
            lower, upper = bounds.get(int(kommune), (np.zeros(len(lay.atoms)), np.full(len(lay.atoms), np.inf)))
            shown = disclosure.protect(disclosure.with_bounds(table, lower, upper), truth, lay.sensitive, weights)
            out += [(fid, int(kommune), y) for (fid, y), ok in zip(lay.units, shown, strict=True) if not ok]
    return pd.DataFrame(out, columns=["id", "kommune_kode", "aar"])


def _hidden_mask(frame: pd.DataFrame, ids: pd.Series, hidden: pd.DataFrame) -> np.ndarray:
    keys = set(zip(hidden["id"], hidden["kommune_kode"].astype(int), hidden["aar"].astype(int), strict=True))
    # plain lists: iterating pandas' string arrays element by element is slow
    return np.array([(i, int(k), int(y)) in keys for i, k, y in zip(ids.tolist(), frame["kommune_kode"].tolist(),
                                                                     frame["aar"].tolist(), strict=True)], dtype=bool)


def suppress_counts(counts: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Step counts (kommune_kode, aar, trappe, trin, antal, ...) with the hidden ones NaN."""
    ids = counts["trappe"] + ":" + counts["trin"].astype(str)
    return counts.assign(antal=counts["antal"].astype(float).mask(_hidden_mask(counts, ids, hidden)))


def step_totals(counts: pd.DataFrame, hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """kommune_kode, aar, trappe, antal, befolkning: citizens on the whole staircase (NaN where hidden)."""
    keys = ["kommune_kode", "aar", "trappe"]
    totals = counts.groupby(keys, as_index=False).agg(antal=("antal", "sum"), befolkning=("befolkning", "first"))
    if "skjult" in counts:  # a staircase with a withheld step has no known total
        unknown = counts.groupby(keys, as_index=False)["skjult"].any()["skjult"].to_numpy(bool)
        totals["antal"] = totals["antal"].astype(float).mask(unknown)
    if hidden is None:
        return totals
    ids = totals["trappe"] + ":" + TOTAL
    return totals.assign(antal=totals["antal"].astype(float).mask(_hidden_mask(totals, ids, hidden)))


def suppress_values(values: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Key-figure rows (keyfigures.VALUE_COLUMNS) with suppressed ones blanked (taeller, naevner, vaerdi):
    register figures as `hidden` says; the others where a count of persons among numerator, denominator
    and, for shares of persons, their difference is 1-4."""
    cat = keyfigures.catalogue()
    kind = values["noegletal_id"].map(cat["beregning"])
    unit = values["noegletal_id"].map(cat["enhed"])
    hide = pd.Series(_hidden_mask(values, values["noegletal_id"], hidden), index=values.index)
    alone = kind.isin(["egne_tal", "bevaegelse"])
    persons = unit.isin(PERSON_UNITS)
    hide |= alone & is_small(values["naevner"])
    hide |= alone & persons & (is_small(values["taeller"]) | is_small(values["naevner"] - values["taeller"]))
    out = values.copy()
    for col in ("taeller", "naevner", "vaerdi"):
        out[col] = out[col].where(~hide, np.nan)
    return out


def key_hidden_steps(counts: pd.DataFrame, rules: pd.DataFrame, matched: dict[str, pd.DataFrame]) -> set[tuple]:
    """(trappe, kommune_kode, aar, trin) whose money depends on a hidden count: every step of a rule that
    splits money by citizens (fordeling 'noegle') over a key with a hidden step, where the rule has money
    that year. The split is a ratio of counts, so one such step's amount next to another's gives it away."""
    hidden = counts[counts["antal"].isna()]
    hidden_at: dict[tuple, set[int]] = {}
    for trappe, k, y, t in zip(hidden["trappe"], hidden["kommune_kode"], hidden["aar"], hidden["trin"], strict=True):
        hidden_at.setdefault((trappe, int(k), int(y)), set()).add(int(t))
    keyed = rules[rules["fordeling"] == "noegle"]
    keys = {int(r): expenses._steps(t) for r, t in zip(keyed["regel"], keyed["trin"], strict=True)}
    out: set[tuple] = set()
    for trappe, lines in matched.items():
        lines = lines[lines["regel"].isin(keys.keys())]
        amounts = lines.groupby(["kommune_kode", "aar", "regel"])["beloeb"].sum()
        for (k, y, regel), amount in amounts.items():
            steps = hidden_at.get((trappe, int(k), int(y)))
            if amount != 0 and steps and keys[int(regel)] & steps:
                out |= {(trappe, int(k), int(y), t) for t in keys[int(regel)]}
    return out


def suppress_expenses(rows: pd.DataFrame, counts: pd.DataFrame, rules: pd.DataFrame,
                      matched: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Expense rows of the Data sheet (ids udgift:<trappe>:<trin>, enhedspris:<trappe>:<trin>) for a
    distributed workbook, `counts` already suppressed: a step's money is hidden where it was split by a key
    with a hidden count (key_hidden_steps), and its unit cost also where its own count is hidden."""
    parts = rows["id"].str.split(":", expand=True)
    keys = list(zip(parts[1].tolist(), rows["kommune_kode"].astype(int).tolist(), rows["aar"].astype(int).tolist(),
                    parts[2].astype(int).tolist(), strict=True))
    by_key = key_hidden_steps(counts, rules, matched)
    gone = counts[counts["antal"].isna()]
    hidden_counts = set(zip(gone["trappe"].tolist(), gone["kommune_kode"].astype(int).tolist(),
                            gone["aar"].astype(int).tolist(), gone["trin"].astype(int).tolist(), strict=True))
    money = np.array([key in by_key for key in keys])
    unit = (parts[0] == "enhedspris").to_numpy() & np.array([key in hidden_counts for key in keys])
    small = is_small(rows["naevner"]).fillna(False).to_numpy(dtype=bool)
    hide = np.asarray(money, dtype=bool) | unit | ((parts[0] == "enhedspris").to_numpy() & small)
    return rows.assign(taeller=rows["taeller"].mask(hide), naevner=rows["naevner"].mask(hide))


def suppress_botilbud_goals(rows: pd.DataFrame) -> pd.DataFrame:
    """Botilbud goal rows (kommune_kode, botilbud, aar, maal, taeller, naevner): a row is blanked when its
    numerator, its denominator or the residents who did not reach the goal (naevner - taeller) are 1-4.
    The workbook's totals sum the shown rows only, so a blanked row cannot be recovered from them."""
    hide = is_small(rows["taeller"]) | is_small(rows["naevner"]) | is_small(rows["naevner"] - rows["taeller"])
    return rows.assign(taeller=rows["taeller"].astype(float).mask(hide),
                       naevner=rows["naevner"].astype(float).mask(hide))


def suppress_resident_movements(rows: pd.DataFrame, kinds: tuple[str, ...],
                                v11: pd.DataFrame | None = None) -> pd.DataFrame:
    """Movement rows of botilbud residents (beboere = the sum of `kinds`) for a distributed workbook.

    Only the municipality's total rows are kept: a botilbud's counts could otherwise be recovered as the
    total minus the other botilbud. Where any count in a row is 1-4, the whole breakdown of that row is
    hidden: with beboere shown, hiding one or two counts would leave them derivable. A row of 1-4 residents
    is hidden whole.

    `v11` (kommune_kode, aar, taeller, naevner: the key figure V11 as computed, over steps 6-8) is shown in
    the same workbook. Its denominator minus beboere is the residents of step 6, and its numerator minus
    eget hjem and ude is the step-6 residents who moved home or out: where either difference is 1-4, the
    row's breakdown is hidden, and where the first is, beboere too."""
    out = rows[rows["botilbud"] == ALL].copy()
    counts = out[list(kinds)].astype(float)
    small_beboere = is_small(out["beboere"])
    hide = ((counts >= SMALL[0]) & (counts <= SMALL[1])).any(axis=1) | small_beboere
    if v11 is not None and not out.empty:
        v = out[["kommune_kode", "aar"]].merge(v11[["kommune_kode", "aar", "taeller", "naevner"]],
                                               on=["kommune_kode", "aar"], how="left")
        on_six = is_small(pd.Series(v["naevner"].to_numpy() - out["beboere"].to_numpy(float), index=out.index))
        six_moved = is_small(pd.Series(v["taeller"].to_numpy() - (counts["eget_hjem"] + counts["ude"]).to_numpy(),
                                       index=out.index))
        small_beboere = small_beboere | on_six
        hide = hide | on_six | six_moved
    out[list(kinds)] = counts.mask(hide, axis=0)
    out["andel_ned"] = out["andel_ned"].mask(hide)
    out["beboere"] = out["beboere"].astype(float).mask(small_beboere)
    return out.reset_index(drop=True)

"""Can a hidden count be recovered from what is shown? Linear algebra and linear programming over a
table of non-negative counts, as an auditor would attack it, and the secondary suppression that
follows from it.

A *table* is a set of atoms (unknown counts between a lower and an upper bound: 0 and infinity where
nothing else is known, one value where the reader knows it, see `knowledge`) and *units*: groups of
linear forms over the atoms that a workbook shows or hides together (a row of the Data sheet: its
numerator and, where that is a count too, its denominator). Some forms are *floored*: when their unit is
hidden, the reader knows the form is at least 1 (our rule: a 0 is never hidden). A hidden value is
*recovered* when everything that is shown, with those bounds, confines it to an interval no wider than 1
(so its midpoint is within 0.5 of the truth).

This module knows nothing of staircases; `suppression` says what the atoms and forms are.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import numpy as np

SMALL = (1, 4)
PINNED = 1.0 + 1e-6  # an interval this narrow gives the value to within 0.5
# every target is a whole number of citizens (a sum or difference of counts): only the whole numbers in its
# interval are possible, so [0.4, 1.9] pins 1


def whole(low: float, high: float) -> tuple[float, float]:
    """The interval of the whole numbers in [low, high] (a count: no other values are possible)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return low, high
    lo, hi = float(np.ceil(low - 1e-6)), float(np.floor(high + 1e-6))
    return (lo, hi) if lo <= hi else (low, high)
EXACT = 1e-6
TRIALS = 4  # units tried one at a time before the lightest is simply hidden


@dataclass(frozen=True)
class Table:
    """forms: one row per linear form, one column per atom; form_unit: the unit each form belongs to;
    form_class: the same number for forms with the same coefficients (a total shown in one unit is
    not hidden because another unit that repeats it is)."""

    forms: np.ndarray
    form_unit: np.ndarray
    n_units: int
    lower: np.ndarray  # per atom: the least it can be for all the reader knows
    upper: np.ndarray  # per atom: the most (inf: no bound)
    form_class: np.ndarray
    denominator: np.ndarray  # per form: the form of its unit's denominator, -1 where the unit has none
    floor: np.ndarray  # per form: the reader knows it is >= 1 when its unit is hidden

    @property
    def fixed(self) -> np.ndarray:
        """Atoms the reader knows exactly (a published count; a code nobody had that year)."""
        return self.lower == self.upper

    def known(self, forms: np.ndarray) -> np.ndarray:
        """Per form (rows): whether the reader's bounds alone confine it to an interval no wider than 1 (a
        published count; a withheld one the region's total gives away): nothing a workbook hides protects it."""
        coef = np.abs(forms[:, ~self.fixed])
        with np.errstate(invalid="ignore"):  # 0 x inf: an atom the form does not touch
            width = np.where(coef > 0, coef * (self.upper - self.lower)[~self.fixed], 0.0).sum(axis=1)
        return width <= PINNED


def make_table(forms: np.ndarray, form_unit: np.ndarray, n_units: int, known_zero: np.ndarray,
               denominator: np.ndarray | None = None, floor: np.ndarray | None = None) -> Table:
    """`known_zero`: atoms an outsider knows to be 0 (codes not in use anywhere that year); other bounds are
    set per municipality with `with_bounds`."""
    _, form_class = np.unique(forms, axis=0, return_inverse=True)
    if denominator is None:
        denominator = np.full(len(forms), -1)
    if floor is None:
        floor = np.zeros(len(forms), dtype=bool)
    upper = np.where(known_zero, 0.0, np.inf)
    return Table(forms, form_unit, n_units, np.zeros(forms.shape[1]), upper, form_class.ravel(), denominator, floor)


def with_bounds(table: Table, lower: np.ndarray, upper: np.ndarray) -> Table:
    """The table for one municipality: the reader's bounds on its atoms (a known 0 stays 0)."""
    from dataclasses import replace

    return replace(table, lower=np.asarray(lower, dtype=float),
                   upper=np.where(table.upper == 0, 0.0, np.asarray(upper, dtype=float)))


def hidden_forms(table: Table, shown: np.ndarray) -> np.ndarray:
    """One form of each distinct linear form that no shown unit shows and the reader does not know anyway."""
    shown_classes = set(table.form_class[shown[table.form_unit]].tolist())
    known = table.known(table.forms)
    seen: set[int] = set()
    out = []
    for f in np.flatnonzero(~shown[table.form_unit]):
        k = int(table.form_class[f])
        if k not in shown_classes and k not in seen and not known[f]:
            seen.add(k)
            out.append(f)
    return np.array(out, dtype=int)


def ranges(table: Table, shown: np.ndarray, shown_values: np.ndarray, targets: np.ndarray,
           truth: np.ndarray | None = None) -> np.ndarray:
    """Width of the interval each target form (rows of `targets`) can take, given the forms of the shown
    units and their values, the atoms' bounds and the floors of the hidden units; 0 where a target is
    determined, inf where it is unbounded.

    With `truth` (the real atom values: the suppressing side knows them) a target whose feasible segment
    through the truth is already wider than 1 needs no linear program."""
    problem = _problem(table, shown, shown_values)
    t = targets[:, problem.free]
    null = _null_space(problem.a)
    out = np.empty(len(t))
    x = truth[problem.free] if truth is not None else None
    for i, c in enumerate(t):
        if not c.any():
            out[i] = 0.0
            continue
        direction = null @ (null.T @ c)
        gain = float(c @ direction)
        if gain < 1e-9:  # c lies in the span of the shown forms: determined exactly
            out[i] = 0.0
            continue
        if x is not None:
            forward, backward = problem.segment(x, direction)
            at = float(c @ x)
            low, high = whole(at - gain * backward, at + gain * forward)
            if high - low > PINNED:
                out[i] = np.inf  # whole numbers more than 1 apart lie on the segment: that is all we need to know
                continue
        low, high = whole(*problem.interval(c))
        out[i] = high - low
    return out


@dataclass(frozen=True)
class _Problem:
    """The reader's linear program over the atoms not known exactly: a.x = b (the shown forms), g.x >= h
    (the hidden floored forms), lower <= x <= upper."""

    free: np.ndarray
    a: np.ndarray
    b: np.ndarray
    g: np.ndarray
    h: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def segment(self, x: np.ndarray, d: np.ndarray) -> tuple[float, float]:
        """How far x may move along d and along -d while staying within the bounds and the floors."""
        # the constraints' rows are I, -I and g: their speeds along d are d, -d and g.d
        slack = np.concatenate([x - self.lower, self.upper - x, self.g @ x - self.h]) if len(self.g) else \
            np.concatenate([x - self.lower, self.upper - x])
        speed = np.concatenate([d, -d, self.g @ d]) if len(self.g) else np.concatenate([d, -d])
        forward = backward = np.inf
        down, up = speed < -1e-12, speed > 1e-12
        finite = np.isfinite(slack)
        if (down & finite).any():
            forward = float(np.min(slack[down & finite] / -speed[down & finite]))
        if (up & finite).any():
            backward = float(np.min(slack[up & finite] / speed[up & finite]))
        return forward, backward

    def interval(self, c: np.ndarray) -> tuple[float, float]:
        return lp_interval(c, self.a, self.b, self.lower, self.upper, self.g, self.h)


def _problem(table: Table, shown: np.ndarray, shown_values: np.ndarray) -> _Problem:
    fixed = table.fixed
    free = ~fixed
    rows = shown[table.form_unit]
    constant = table.forms[:, fixed] @ table.lower[fixed]  # what the known atoms add to every form
    floored = table.floor & ~shown[table.form_unit]
    g = table.forms[floored][:, free]
    return _Problem(free, table.forms[rows][:, free], shown_values - constant[rows], g, 1.0 - constant[floored],
                    table.lower[free], table.upper[free])


def _null_space(a: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the directions the shown forms do not see (eigenvectors of a'a with
    eigenvalue 0: the forms are small integer vectors, so the Gram matrix is exact enough)."""
    n = a.shape[1]
    if a.size == 0:
        return np.eye(n)
    w, v = np.linalg.eigh(a.T @ a)
    return v[:, w < 1e-8 * max(1.0, float(w[-1]))]


def lp_interval(c: np.ndarray, a: np.ndarray, b: np.ndarray, lower: np.ndarray | None = None,
                upper: np.ndarray | None = None, g: np.ndarray | None = None,
                h: np.ndarray | None = None) -> tuple[float, float]:
    """The least and the greatest c.x over lower <= x <= upper (default x >= 0) with a.x = b and g.x >= h
    ((-inf, inf) where nothing follows)."""
    import highspy

    n = len(c)
    lower = np.zeros(n) if lower is None else np.asarray(lower, dtype=float)
    upper = np.full(n, np.inf) if upper is None else np.asarray(upper, dtype=float)
    g = np.zeros((0, n)) if g is None else g
    h = np.zeros(0) if h is None else np.asarray(h, dtype=float)
    rows = np.vstack([a, g]) if len(g) else a
    solver = _solver()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, rows.shape[0]
    lp.col_cost_ = np.asarray(c, dtype=float)
    lp.col_lower_ = lower
    lp.col_upper_ = np.where(np.isfinite(upper), upper, highspy.kHighsInf)
    lp.row_lower_ = np.concatenate([np.asarray(b, dtype=float), h])
    lp.row_upper_ = np.concatenate([np.asarray(b, dtype=float), np.full(len(h), highspy.kHighsInf)])
    r, k = np.nonzero(rows.T)  # column-wise: for each column, its rows
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(r, np.arange(n + 1)).astype(np.int32)
    lp.a_matrix_.index_ = k.astype(np.int32)
    lp.a_matrix_.value_ = rows.T[r, k].astype(float)
    solver.passModel(lp)
    ends = []
    for sign in (1.0, -1.0):
        solver.changeColsCost(n, np.arange(n, dtype=np.int32), sign * np.asarray(c, dtype=float))
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # unbounded, or values that contradict
            return -np.inf, np.inf
        ends.append(sign * solver.getInfo().objective_function_value)
    return ends[0], ends[1]


_SOLVER = None


def _solver():
    """One HiGHS instance per process, made when first needed (most runs never need it). HiGHS prints a
    banner on standard output when it is made: that is kept off our output."""
    global _SOLVER
    if _SOLVER is None:
        import highspy

        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                _SOLVER = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _SOLVER.setOptionValue("output_flag", False)
        _SOLVER.setOptionValue("threads", 1)  # tiny programs: a thread pool only fights the other process
        _SOLVER.setOptionValue("parallel", "off")
    return _SOLVER


def intervals(forms: np.ndarray, values: np.ndarray, targets: np.ndarray, known_zero: np.ndarray,
              lower: np.ndarray | None = None, upper: np.ndarray | None = None, floors: np.ndarray | None = None
              ) -> list[tuple[float, float]]:
    """For an auditor who knows what is shown and what `knowledge` says: the interval of each target form.
    `lower`/`upper`: the atoms' bounds (default 0 and no bound; `known_zero` atoms 0); `floors`: forms the
    auditor knows are >= 1 (hidden counts). Targets the shown forms determine are solved exactly; the rest by
    LP."""
    n = forms.shape[1] if forms.size else targets.shape[1]
    lower = np.zeros(n) if lower is None else np.asarray(lower, dtype=float)
    upper = np.where(known_zero, 0.0, np.inf if upper is None else np.asarray(upper, dtype=float))
    fixed = lower == upper
    free = ~fixed
    forms = forms.reshape(-1, n)
    floors = np.zeros((0, n)) if floors is None else floors.reshape(-1, n)
    a, b = forms[:, free], values - forms[:, fixed] @ lower[fixed]
    g, h = floors[:, free], 1.0 - floors[:, fixed] @ lower[fixed]
    null = _null_space(a)
    touched = (np.abs(a).sum(axis=0) > 0) | (np.abs(g).sum(axis=0) > 0)
    lo_free, up_free = lower[free], upper[free]
    out = []
    for target in targets:
        c, offset = target[free], float(target[fixed] @ lower[fixed])
        if not c.any():
            out.append((offset, offset))
        elif not touched[c != 0].any() and (c >= 0).all():  # atoms no shown form mentions: their bounds
            on = c != 0
            out.append((offset + float(c[on] @ lo_free[on]), offset + float(c[on] @ up_free[on])))
        elif float(c @ (null @ (null.T @ c))) < 1e-9:
            coef, *_ = np.linalg.lstsq(a.T, c, rcond=None)
            value = offset + float(coef @ b)
            out.append((value, value))
        else:
            low, high = lp_interval(c, a, b, lo_free, up_free, g, h)
            out.append(whole(offset + low, offset + high))
    return out


@dataclass(frozen=True)
class Finding:
    """A hidden value an outsider can recover: a form of a hidden unit, or an atom of 1-4."""

    kind: str  # "form" | "atom"
    index: int
    width: float


def audit(table: Table, shown: np.ndarray, form_values: np.ndarray, sensitive_atoms: np.ndarray,
          truth: np.ndarray | None = None) -> list[Finding]:
    """Every hidden form (shown by no unit), and every atom in `sensitive_atoms`, that the shown forms pin down."""
    forms = hidden_forms(table, shown)
    atoms = np.flatnonzero(sensitive_atoms & (table.upper - table.lower > PINNED))  # not given away already
    targets = np.vstack([table.forms[forms], np.eye(table.forms.shape[1])[atoms]])
    if not len(targets):
        return []
    widths = ranges(table, shown, form_values[shown[table.form_unit]], targets, truth)
    found = [Finding("form", int(f), float(w)) for f, w in zip(forms, widths[:len(forms)], strict=True)
             if w <= PINNED]
    if truth is not None:
        found = _defined(table, shown, form_values, truth, found)
    found += [Finding("atom", int(a), float(w)) for a, w in zip(atoms, widths[len(forms):], strict=True)
              if w <= PINNED]
    return found


def _defined(table: Table, shown: np.ndarray, form_values: np.ndarray, truth: np.ndarray,
             found: list[Finding]) -> list[Finding]:
    """Leave out the forms of a figure whose denominator is 0 for all to see: it has no value to hide."""
    dens = sorted({int(table.denominator[f.index]) for f in found if table.denominator[f.index] >= 0})
    dens = [d for d in dens if table.forms[d] @ truth == 0]
    if not dens:
        return found
    widths = ranges(table, shown, form_values[shown[table.form_unit]], table.forms[dens], truth)
    void = {d for d, w in zip(dens, widths, strict=True) if w <= EXACT}
    return [f for f in found if int(table.denominator[f.index]) not in void]


def is_small(values: np.ndarray) -> np.ndarray:
    return (values >= SMALL[0]) & (values <= SMALL[1])


def protect(table: Table, truth: np.ndarray, sensitive_forms: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Which units may be shown: units with a small count (1-4) among their person-count forms are hidden,
    and further units are hidden until no hidden value and no small atom can be recovered.

    A secondarily hidden unit that the rest determines exactly is shown again (it tells nothing new).
    `weights` orders the candidates for secondary suppression: the lightest unit that breaks a recovery
    is hidden first."""
    values = table.forms @ truth
    small_form = sensitive_forms & is_small(values)
    shown = np.ones(table.n_units, dtype=bool)
    shown[table.form_unit[small_form]] = False
    has_den = table.denominator >= 0
    shown[table.form_unit[has_den][values[table.denominator[has_den]] == 0]] = False  # no figure: never shown
    primary = ~shown
    small_atoms = is_small(truth) & ~table.fixed
    reshown: set[int] = set()
    for _ in range(4 * table.n_units + 4):
        findings = audit(table, shown, values, small_atoms, truth)
        if not findings:
            return shown
        again = _reshowable(table, shown, findings, small_form, primary, reshown)
        if again:
            shown[again] = True
            reshown.update(again)
            continue
        problem = findings[0]
        target = table.forms[problem.index] if problem.kind == "form" else np.eye(table.forms.shape[1])[problem.index]
        shown[_breaker(table, shown, values, target, truth, weights, problem.width <= EXACT)] = False
    raise RuntimeError("secondary suppression did not settle")  # cannot happen: each round hides a unit


def _reshowable(table: Table, shown: np.ndarray, findings: list[Finding], small_form: np.ndarray,
                primary: np.ndarray, reshown: set[int]) -> list[int]:
    """Hidden units that are not small, were hidden only to protect others, and whose every form is shown
    elsewhere or determined exactly by what is shown: showing them tells nothing new."""
    known = set(table.form_class[shown[table.form_unit]].tolist())
    exact = {int(table.form_class[f.index]) for f in findings if f.kind == "form" and f.width <= EXACT}
    known |= exact
    out = []
    touched = np.isin(table.form_class, list(exact)) & ~shown[table.form_unit]
    for unit in set(table.form_unit[touched].tolist()):
        forms = np.flatnonzero(table.form_unit == unit)
        if primary[unit] or unit in reshown or small_form[forms].any():
            continue
        if all(int(table.form_class[f]) in known for f in forms):
            out.append(unit)
    return sorted(out)


def _spanning_forms(table: Table, shown: np.ndarray, target: np.ndarray) -> list[int]:
    """The shown forms the target is written with (least squares over the shown forms)."""
    free = ~table.fixed
    rows = np.flatnonzero(shown[table.form_unit])
    a = table.forms[rows][:, free]
    coef, *_ = np.linalg.lstsq(a.T, target[free], rcond=None)
    return [int(r) for r, w in zip(rows, coef, strict=True) if abs(w) > 1e-9]


def _breaker(table: Table, shown: np.ndarray, values: np.ndarray, target: np.ndarray, truth: np.ndarray,
             weights: np.ndarray, determined: bool) -> list[int]:
    """The units to hide next: every shown unit that shows one linear form near the target (hiding a
    number in one place while another unit repeats it protects nothing). Tried first: the forms a
    determined target is written with, the lightest first; the first whose hiding frees the target wins,
    failing that the lightest form that touches the target's atoms."""
    near = np.abs(table.forms[:, target != 0]).sum(axis=1) > 0
    # and the forms one relation further away (hiding a sibling of the target often suffices)
    atoms = np.abs(table.forms[near & shown[table.form_unit]]).sum(axis=0) > 0
    touching = (np.abs(table.forms[:, atoms]).sum(axis=1) > 0) & shown[table.form_unit]
    first = {int(table.form_class[f]) for f in _spanning_forms(table, shown, target)} if determined else set()
    units_of: dict[int, list[int]] = {}
    for f in np.flatnonzero(shown[table.form_unit]):
        units_of.setdefault(int(table.form_class[f]), []).append(int(table.form_unit[f]))
    classes = {int(table.form_class[f]) for f in np.flatnonzero(touching)}
    # a 0 is never hidden (the reader reads a hidden count as >= 1): such units are no candidates
    zeros = set(table.form_unit[table.floor & (np.abs(values) < 0.5)].tolist())
    allowed = {k for k, units in units_of.items() if not zeros & set(units)}
    if classes & allowed:
        classes &= allowed
    first &= allowed

    def weight(k: int) -> float:
        return max(weights[u] for u in units_of[k])
    order = sorted(classes | first, key=lambda k: (k not in first, weight(k), k))
    for k in order[:TRIALS]:
        trial = shown.copy()
        trial[units_of[k]] = False
        width = ranges(table, trial, values[trial[table.form_unit]], target[None, :], truth)[0]
        if width > PINNED:
            return units_of[k]
    direct = {int(table.form_class[f]) for f in np.flatnonzero(near & shown[table.form_unit])}
    direct = (direct & allowed) or direct
    return units_of[min(direct or order, key=lambda k: (weight(k), k))]

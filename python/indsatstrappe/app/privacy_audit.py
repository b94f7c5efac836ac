"""An outsider's attempt on a distributed workbook: read back what the file shows and try to recover
every hidden count through the relations the workbook's numbers obey.

What is read is only what a recipient has: the hidden *Data* sheet (every municipality's register
counts, key figures, expenses and unit costs), and in the Udgiftsmodel the *Konti* lines and the rules on
*Fordelingsnøgle*. The visible sheets are formulas over these (the formula-truth tests prove their cached
values are what the formulas give), so they add nothing an outsider could not compute. The relations
tried: a step is the sum of its codes, code figures are parts of steps, the staircase total is the sum
of the steps, shares and developments are sums and differences of steps, a unit cost's denominator is
the step's count, and money split by a key of citizens is split in proportion to the counts. A hidden
value is recovered when the shown cells confine it to an interval no wider than 1.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from threadpoolctl import threadpool_limits

from ..core import disclosure, expenses, knowledge, suppression
from ..core.errors import InputError
from ..core.staircase import Staircase

DATA = "Data"
ACCOUNTS = "Konti"


@dataclass(frozen=True)
class Recovery:
    """A hidden value pinned down: where, and the interval the shown cells leave for it."""

    kommune_kode: int
    trappe: str
    hvad: str  # "V16 2020 (taeller)", or "koder på trin 5 uden nøgletal 2024" for a part of a step
    lo: float
    hi: float


@dataclass
class ShownCells:
    """What a recipient can read: Data rows (id, kommune_kode, aar, taeller, naevner; hidden = NaN), and
    for an Udgiftsmodel the account lines (kommune_kode, aar, trappe, beloeb, position of the rule) and
    the rules by position (fordeling, trin)."""

    data: pd.DataFrame
    years: list[int]
    lines: pd.DataFrame | None = None
    rules: dict[int, tuple[str, str]] | None = None


def read_shown(path: Path) -> ShownCells:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb[DATA].iter_rows(values_only=True)
        header = list(next(rows))
        years = [int(h[1:]) for h in header if isinstance(h, str) and h.startswith("T")]
        ny = len(years)
        long = []
        for row in rows:
            if row[0] is None:
                continue
            for j, y in enumerate(years):
                t, n = row[4 + j], row[4 + ny + j]
                long.append((str(row[0]), int(row[1]), y, _num(t), _num(n)))
        data = pd.DataFrame(long, columns=["id", "kommune_kode", "aar", "taeller", "naevner"])
        if ACCOUNTS not in wb.sheetnames:
            return ShownCells(data, years)
        lines = _account_lines(wb[ACCOUNTS])
        # the sheet says "Nøgle" where the rules file says noegle: read both as the formulas do
        kinds = expenses.rule_codes("fordeling", [str(v or "") for v in _named(wb, "R_fordeling")])
        rules = dict(enumerate(zip(kinds, _named(wb, "R_trin"), strict=True), start=1))
        return ShownCells(data, years, lines, rules)
    finally:
        wb.close()


def _account_lines(ws) -> pd.DataFrame:
    """Konti's lines (kommune_kode, aar, trappe, beloeb, regel: the position of the rule each finds). A line
    names its key by number (column C) and the key table beside (F-K) gives the key's area and rule; in
    workbooks from before #32 each line held its area and rule itself (columns G and H)."""
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], [r for r in rows[1:] if r and r[0] is not None]
    if header[7:8] == ("regel",):
        return pd.DataFrame([(r[0], r[1], r[6], r[5], r[7]) for r in body],
                            columns=["kommune_kode", "aar", "trappe", "beloeb", "regel"])
    keys = {k: (r[5], r[10]) for k, r in enumerate(rows[1:], start=1) if len(r) > 10 and r[5] is not None}
    return pd.DataFrame([(r[0], r[1], *keys[r[2]], r[3]) for r in body],
                        columns=["kommune_kode", "aar", "trappe", "regel", "beloeb"])


def _num(value) -> float:
    return float(value) if isinstance(value, int | float) else np.nan


def _named(wb, name: str) -> list[str]:
    """The values of a named single-column range, as text."""
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    ws = wb[sheet]
    return ["" if r[0].value is None else str(r[0].value) for r in ws[ref.replace("$", "")]]


Bounds = dict[str, dict[int, tuple[np.ndarray, np.ndarray]]]  # trappe -> kommune -> atoms' (lower, upper)


def reader_knowledge(modtagere: pd.DataFrame, staircases: dict[str, Staircase], years: list[int]) -> Bounds:
    """What the reader knows from DST's tables about every municipality's atoms (see `knowledge`)."""
    out = {}
    for trappe, staircase in staircases.items():
        lay = suppression.register_layout(staircase, trappe, tuple(years))
        out[trappe] = knowledge.atom_bounds(modtagere, trappe, lay.atoms,
                                            suppression.code_atoms(staircase, trappe))
    return out


def recoveries(shown: ShownCells, staircases: dict[str, Staircase], known_zero: dict[str, set] | None = None,
               not_reported: set[tuple[str, int, str, int]] | None = None,
               bounds: Bounds | None = None) -> list[Recovery]:
    """Every hidden value (and every part of a step of 1-4 citizens) the shown cells pin down.
    `known_zero`: per staircase, the atoms an outsider knows are 0 (codes not in use that year); `bounds`:
    what the reader knows of each municipality's atoms from DST's tables (reader_knowledge). Every hidden
    count the workbook's rules make >= 1 is read as >= 1.
    `not_reported`: (trappe, kommune_kode, id, aar) blank because the municipality has no such number
    (suppression.not_reported): the workbook says so, and there is no count behind them to recover."""
    with threadpool_limits(limits=1, user_api="blas"):  # tiny matrices: threads only cost
        return _recoveries(shown, staircases, known_zero, not_reported or set(), bounds or {})


def _recoveries(shown: ShownCells, staircases: dict[str, Staircase], known_zero: dict[str, set] | None,
                not_reported: set[tuple[str, int, str, int]], bounds: Bounds) -> list[Recovery]:
    found: list[Recovery] = []
    data = shown.data
    ids = set(data["id"])
    for trappe, staircase in staircases.items():
        lay = suppression.register_layout(staircase, trappe, tuple(shown.years))
        zero = np.array([a in (known_zero or {}).get(trappe, set()) for a in lay.atoms])
        relevant = data[data["id"].str.startswith(trappe + ":") | data["id"].isin({u[0] for u in lay.units})
                        | data["id"].str.startswith(f"udgift:{trappe}:") | data["id"].str.startswith(
                            f"enhedspris:{trappe}:")]
        for kommune, own in relevant.groupby("kommune_kode"):
            cells = {(i, y): (t, n) for i, y, t, n in zip(own["id"], own["aar"], own["taeller"], own["naevner"],
                                                           strict=True)}
            absent = {(fid, y) for t, k, fid, y in not_reported if t == trappe and k == int(kommune)}
            box = bounds.get(trappe, {}).get(int(kommune))
            found += _block(lay, int(kommune), cells, zero, shown, ids, absent, box)
    return found


def _block(lay: suppression.RegisterLayout, kommune: int, cells: dict, zero: np.ndarray, shown: ShownCells,
           ids: set[str], absent: set[tuple[str, int]],
           box: tuple[np.ndarray, np.ndarray] | None = None) -> list[Recovery]:
    forms, values, shown_units = [], [], np.zeros(len(lay.units), dtype=bool)
    floors = []  # a hidden count is >= 1: a 0 is never hidden
    lower, upper = box if box is not None else (np.zeros(len(lay.atoms)), np.full(len(lay.atoms), np.inf))
    upper = np.where(zero, 0.0, upper)
    for u, (fid, y) in enumerate(lay.units):
        t, n = cells.get((fid, y), (np.nan, np.nan))
        if fid not in ids or np.isnan(t):
            if fid in ids and (fid, y) not in absent:
                floors += [lay.forms[f] for f in np.flatnonzero((lay.form_unit == u) & lay.floor)]
            continue
        shown_units[u] = True
        for f in np.flatnonzero(lay.form_unit == u):
            forms.append(lay.forms[f])
            values.append(t if lay.form_part[f] == "taeller" else n)
    step_form = {(fid, y): lay.forms[np.flatnonzero(lay.form_unit == u)[0]] for u, (fid, y) in enumerate(lay.units)}
    for (fid, y), (_, n) in cells.items():  # a unit cost's denominator is the step's count
        if fid.startswith("enhedspris:") and not np.isnan(n):
            forms.append(step_form[(f"{lay.trappe}:{fid.rsplit(':', 1)[1]}", y)])
            values.append(n)
    for form in _money_relations(lay, kommune, cells, shown, step_form):
        forms.append(form)
        values.append(0.0)
    a = np.array(forms) if forms else np.zeros((0, len(lay.atoms)))
    b = np.array(values)
    shown_classes = {f.tobytes() for f in a}
    span = np.where(np.isfinite(upper), upper - lower, np.inf)

    def known(form: np.ndarray) -> bool:  # the reader's bounds alone give it (a published count)
        on = form != 0
        return bool(np.abs(form[on]) @ span[on] <= disclosure.PINNED)
    targets, names = [], []  # names: (what, is a part of a step, reported if pinned)
    for f in np.flatnonzero(~shown_units[lay.form_unit]):
        fid, y = lay.units[lay.form_unit[f]]
        if (fid, y) in absent:  # not reported: nothing was hidden there
            continue
        key = lay.forms[f].tobytes()
        new = fid in ids and key not in shown_classes and not known(lay.forms[f])
        if new or lay.form_part[f] == "naevner":  # a denominator is asked even when shown elsewhere: 0 = no figure
            shown_classes.add(key)
            targets.append(lay.forms[f])
            names.append((f"{fid} {y} ({lay.form_part[f]})", False, new))
    for i, (y, t, sig) in enumerate(lay.atoms):
        if not zero[i]:
            targets.append(np.eye(len(lay.atoms))[i])
            what = "koder uden for trinene" if t == 0 else f"trin {t}"
            names.append((f"{what}, {'+'.join(sorted(sig)) or 'koder uden nøgletal'} {y}", True,
                          span[i] > disclosure.PINNED))  # what DST's tables give already is not ours to give
    if not targets:
        return []
    found = disclosure.intervals(a, b, np.array(targets), zero, lower, upper,
                                 np.array(floors) if floors else None)
    undefined = {n.split(" (")[0] for (n, _, _), (lo, hi) in zip(names, found, strict=True)
                 if n.endswith("(naevner)") and hi < 0.5}  # a zero denominator: the figure does not exist
    out = []
    for (name, is_atom, reported), (lo, hi) in zip(names, found, strict=True):
        if not reported or hi - lo > disclosure.PINNED or name.split(" (")[0] in undefined:
            continue
        if is_atom and not (lo >= disclosure.SMALL[0] - 0.5 and hi <= disclosure.SMALL[1] + 0.5):
            continue  # a part of a step that is 0 or 5 and more tells nothing small
        out.append(Recovery(kommune, lay.trappe, name, lo, hi))
    return out


def _money_relations(lay: suppression.RegisterLayout, kommune: int, cells: dict, shown: ShownCells,
                     step_form: dict) -> list[np.ndarray]:
    """Money split by a key of citizens: a step's share of the rule's amount is its count over the key's
    count, A * S_t - (m_t - direct_t) * sum(S_key) = 0, wherever a step's money comes from one such rule."""
    if shown.lines is None or shown.rules is None:
        return []
    lines = shown.lines[(shown.lines["kommune_kode"] == kommune) & (shown.lines["trappe"] == lay.trappe)]
    out = []
    for y, year_lines in lines.groupby("aar"):
        amount = year_lines.groupby("regel")["beloeb"].sum()
        keyed, direct = {}, {}
        for pos, a in amount.items():
            kind, trin = shown.rules.get(int(pos), ("", ""))
            steps = {t for t in expenses._steps(trin) if (f"{lay.trappe}:{t}", int(y)) in step_form}
            if kind == "noegle" and a != 0 and len(steps) > 1:
                keyed[int(pos)] = (float(a), steps)
            elif kind == "trin" and len(steps) == 1:
                t = next(iter(steps))
                direct[t] = direct.get(t, 0.0) + float(a)
        for a, steps in keyed.values():
            money = {t: cells.get((f"udgift:{lay.trappe}:{t}", int(y)), (np.nan, np.nan))[0] for t in steps}
            if any(np.isnan(m) for m in money.values()):
                continue
            if any(sum(t in s for _, s in keyed.values()) > 1 for t in steps):
                continue  # money from two keys: not linear in the counts
            key_total = sum(step_form[(f"{lay.trappe}:{t}", int(y))] for t in steps)
            for t in steps:
                row = a * step_form[(f"{lay.trappe}:{t}", int(y))] - (money[t] - direct.get(t, 0.0)) * key_total
                out.append(row / max(np.abs(row).max(), 1e-12))  # kroner beside 0/1 forms: scale to 1
    return out


def audit_workbook(path: Path, staircases: dict[str, Staircase], known_zero: dict[str, set] | None = None,
                   not_reported: set[tuple[str, int, str, int]] | None = None,
                   bounds: Bounds | None = None) -> list[Recovery]:
    return recoveries(read_shown(path), staircases, known_zero, not_reported, bounds)


def data_mismatches(shown: ShownCells, modtagere: pd.DataFrame, staircases: dict[str, Staircase]) -> list[str]:
    """The shown step counts that differ from the data folder's: the workbooks were made from other data, and
    an audit with these data would report false recoveries."""
    from ..core import distribution

    out = []
    for trappe, staircase in staircases.items():
        counts = distribution.reported_step_counts(modtagere, staircase)
        truth = {(f"{trappe}:{t}", int(k), int(y)): a for k, y, t, a in
                 zip(counts["kommune_kode"], counts["aar"], counts["trin"], counts["antal"], strict=True)}
        rows = shown.data[shown.data["id"].str.fullmatch(rf"{trappe}:\d+") & shown.data["taeller"].notna()]
        for fid, k, y, t in zip(rows["id"], rows["kommune_kode"], rows["aar"], rows["taeller"], strict=True):
            want = truth.get((fid, int(k), int(y)))
            if want is None or np.isnan(want) or abs(want - t) > 0.5:
                out.append(f"{fid} {k} {y}: {t:g} i projektmappen, {'intet' if want is None else f'{want:g}'} i data")
    return out


def sheet_digest(path: Path, sheet: str) -> str:
    """The hash of a sheet's XML in a workbook ("" where the workbook has no such sheet)."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        found = re.search(rf'<sheet name="{re.escape(sheet)}" sheetId="\d+"[^>]*r:id="([^"]+)"', book)
        if not found:
            return ""
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        target = re.search(rf'Id="{found.group(1)}"[^>]*Target="([^"]+)"', rels).group(1)
        return hashlib.sha256(z.read("xl/" + target.removeprefix("/xl/"))).hexdigest()


def audit_files(files: list[Path], staircases: dict[str, Staircase], known_zero: dict[str, set] | None = None,
                on_sheet=None, not_reported: set[tuple[str, int, str, int]] | None = None,
                bounds: Bounds | None = None) -> tuple[int, list[Recovery]]:
    """Every distinct Data (and Konti) sheet among the workbooks, audited once: in distributed workbooks they
    are the same in every file of a kind. Returns how many were audited, and what was recovered."""
    seen: set[tuple[str, str]] = set()
    found: list[Recovery] = []
    for f in files:
        with reading(f):
            key = (sheet_digest(f, DATA), sheet_digest(f, ACCOUNTS))
        if key in seen:
            continue
        seen.add(key)
        if on_sheet:
            on_sheet(f)
        with reading(f):
            found += audit_workbook(f, staircases, known_zero, not_reported, bounds)
    return len(seen), found


@contextlib.contextmanager
def reading(path: Path):
    """A file that cannot be read as a distributed workbook: a Danish error naming it, never a bare one."""
    try:
        yield
    except (KeyError, OSError, ValueError, StopIteration, AttributeError, zipfile.BadZipFile) as exc:
        raise InputError.single(str(path), f"kan ikke læses som en udsendt projektmappe ({type(exc).__name__}).",
                                "Lav filen igen med 'indsatstrappe udsend', eller fjern den fra mappen.") from None

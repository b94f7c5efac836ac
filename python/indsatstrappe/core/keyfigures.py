"""Key figures (nøgletal): a catalogue of definitions (data), computed for every municipality and
year as numerator, denominator and value, and compared with a group and the whole country.

Convention (as ECO Nøgletal): a group's value is the unweighted mean of its members' values; the whole
country's is the weighted rate, factor x sum of numerators / sum of denominators.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import pandas as pd

from . import coverage, distribution, movements
from .danish import MISSING
from .datafiles import packaged
from .municipalities import ComparisonGroup, country
from .staircase import Staircase

VALUE_COLUMNS = ["noegletal_id", "kommune_kode", "aar", "taeller", "naevner", "vaerdi"]
COMPARISON_COLUMNS = ["noegletal_id", "navn", "kommune_kode", "aar", "vaerdi", "gruppe_vaerdi", "land_vaerdi"]
KINDS = ("trin", "koder", "andel_trin", "udvikling", "udgift", "egne_tal", "bevaegelse")


@cache
def catalogue() -> pd.DataFrame:
    """The key-figure catalogue (data/noegletal.csv), indexed by id."""
    df = pd.read_csv(packaged("noegletal.csv"), dtype=str, keep_default_na=False)
    df["faktor"] = df["faktor"].astype(float)
    df["nr"] = df["nr"].astype(int)
    unknown = set(df["beregning"]) - set(KINDS)
    if unknown:  # a broken shipped catalogue is our bug, not the user's
        raise ValueError(f"noegletal.csv: unknown beregning {unknown}")
    return df.set_index("id", drop=False)


@cache
def for_staircase(trappe: str) -> pd.DataFrame:
    cat = catalogue()
    return cat[cat["trappe"] == trappe].sort_values("nr")


@cache
def figure_records(trappe: str) -> tuple[dict, ...]:
    """`for_staircase`'s rows as plain dicts, made once per process (every workbook reads them): not to be
    changed by the caller."""
    return tuple(for_staircase(trappe).to_dict("records"))


@cache
def own_data_figures() -> tuple[dict, ...]:
    """The figures only the municipality's own data give (beregning egne_tal), by staircase and number, as plain
    dicts made once per process: not to be changed by the caller."""
    cat = catalogue()
    return tuple(cat[cat["beregning"] == "egne_tal"].sort_values(["trappe", "nr"]).to_dict("records"))


@dataclass(frozen=True)
class Inputs:
    """The tables key figures are computed from; any but `befolkning` may be missing (None)."""

    befolkning: pd.DataFrame
    modtagere: pd.DataFrame | None = None
    regnskab: pd.DataFrame | None = None
    egne_tal: pd.DataFrame | None = None
    forloeb: pd.DataFrame | None = None


class _Context:
    """What several figures of one staircase share, computed once."""

    def __init__(self, inputs: Inputs, staircase: Staircase):
        self.inputs = inputs
        self.staircase = staircase

    @cached_property
    def population(self) -> pd.DataFrame:
        return distribution.age_group_population(self.inputs.befolkning, self.staircase).rename(
            columns={"befolkning": "naevner"})

    @cached_property
    def counts(self) -> pd.DataFrame:
        """(kommune_kode, aar) x trin, counts on each step (NaN on a step the municipality does not report)."""
        counts = distribution.reported_step_counts(self.inputs.modtagere, self.staircase, self.reported)
        return counts.set_index(["kommune_kode", "aar", "trin"])["antal"].unstack("trin")

    @cached_property
    def _count_matrix(self) -> tuple[np.ndarray, dict[int, int], np.ndarray, np.ndarray]:
        """`counts` as plain arrays: values, step -> column, and each row's kommune_kode and aar."""
        c = self.counts
        return (c.to_numpy(float), {int(t): j for j, t in enumerate(c.columns)},
                c.index.get_level_values("kommune_kode").to_numpy(), c.index.get_level_values("aar").to_numpy())

    @cached_property
    def _population_at(self) -> pd.Series:
        return self.population.set_index(["kommune_kode", "aar"])["naevner"]

    @cached_property
    def reported(self) -> pd.DataFrame:
        return coverage.reported_codes(self.inputs.modtagere, self.staircase)

    def reporting(self, codes: set[str]) -> pd.DataFrame:
        """kommune_kode, aar where the municipality reports any of `codes` that year."""
        rows = self.reported[self.reported["kode"].isin(codes)]
        return rows[["kommune_kode", "aar"]].drop_duplicates().sort_values(["kommune_kode", "aar"]).reset_index(
            drop=True)

    def reported_sets(self, codes: set[str]) -> pd.Series:
        """(kommune_kode, aar) -> which of `codes` the municipality reports that year, as a value equal for two
        municipality-years exactly when their sets are: a bit per code (a code is reported once a year), or
        the frozenset itself beyond 62 codes."""
        rows = self.reported[self.reported["kode"].isin(codes)]
        by = ["kommune_kode", "aar"]
        if len(codes) > 62:
            return rows.groupby(by)["kode"].agg(frozenset)
        bit = {k: 1 << i for i, k in enumerate(sorted(codes))}
        return rows.assign(bits=rows["kode"].map(bit).astype(np.int64)).groupby(by)["bits"].sum()

    @cached_property
    def yearly_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """kommune_kode, aar and the movement counts [fra, til] of each municipality-year, stacked
        (movements.yearly_counts): a movement figure is then two sums over the stack."""
        size = self.staircase.n_steps + 1
        found = self._yearly_counts()
        stack = np.array([c for _, _, c in found], dtype=np.int64).reshape(len(found), size, size)
        return (np.array([k for k, _, _ in found], dtype=np.int64), np.array([y for _, y, _ in found], dtype=np.int64),
                stack)

    def _yearly_counts(self) -> list[tuple[int, int, np.ndarray]]:
        forloeb = self.inputs.forloeb
        eps = movements.prepare(forloeb, self.staircase)
        if eps.n_citizens == 0:
            return []
        first, last = int(forloeb["start"].dt.year.min()), int(forloeb["start"].dt.year.max())
        # The stock on 31 December of a municipality's first year holds only episodes that started that year
        # (earlier ones are not in its data): no baseline, so its first movement year is the one after next.
        own = forloeb[forloeb["trappe"] == self.staircase.key]
        starts = own.groupby("kommune_kode")["start"].min().dt.year.to_dict()
        years = list(range(first + 2, last + 1))
        return [(k, y, m) for k, y, m in movements.yearly_counts(eps, self.staircase, years)
                if y >= starts.get(k, first) + 2]

    def on_steps(self, steps: set[int]) -> pd.DataFrame:
        """Citizens on `steps` where the municipality reports every one of them (else no row: missing)."""
        values, column, kommune, aar = self._count_matrix
        summed = values[:, [column[t] for t in sorted(steps)]].sum(axis=1)  # NaN where a step is not reported
        ok = ~np.isnan(summed)
        return pd.DataFrame({"kommune_kode": kommune[ok], "aar": aar[ok], "taeller": summed[ok]})

    def per_population(self, numerator: pd.DataFrame) -> pd.DataFrame:
        """`numerator` with its age group's population as naevner (NaN where there is none)."""
        at = pd.MultiIndex.from_arrays([numerator["kommune_kode"], numerator["aar"]])
        return numerator.assign(naevner=self._population_at.reindex(at).to_numpy())


def _figure(row: pd.Series, ctx: _Context) -> pd.DataFrame:
    """kommune_kode, aar, taeller, naevner for one catalogue entry (empty when its table is missing)."""
    kind, params, inputs, staircase = row["beregning"], row["parametre"], ctx.inputs, ctx.staircase
    empty = pd.DataFrame(columns=["kommune_kode", "aar", "taeller", "naevner"])
    if kind in ("trin", "koder", "andel_trin", "udvikling") and inputs.modtagere is None:
        return empty
    if kind == "trin":
        return ctx.per_population(ctx.on_steps(movements.parse_steps(params)))
    if kind == "koder":
        codes = params.split(";")
        rows = inputs.modtagere[(inputs.modtagere["trappe"] == staircase.key) & inputs.modtagere["indsats"].isin(codes)]
        summed = rows.assign(skjult=rows["antal"].isna()).groupby(["kommune_kode", "aar"], as_index=False).agg(
            antal=("antal", "sum"), skjult=("skjult", "any"))
        # a number only where some of the codes are reported (exist that year, and the source covers it), and
        # none where one of them is withheld (the sum is unknown)
        cells = ctx.reporting(set(codes))
        numerator = cells.merge(summed, how="left").fillna({"antal": 0, "skjult": False})
        numerator = numerator[~numerator["skjult"].astype(bool)].drop(columns="skjult")
        return ctx.per_population(numerator.rename(columns={"antal": "taeller"}))
    if kind == "andel_trin":
        part = ctx.on_steps(movements.parse_steps(params))
        total = ctx.on_steps(set(staircase.step_numbers)).rename(columns={"taeller": "naevner"})
        return part.merge(total, on=["kommune_kode", "aar"])
    if kind == "udvikling":
        steps = movements.parse_steps(params)
        now = ctx.on_steps(steps)
        before = now.assign(aar=now["aar"] + 1).rename(columns={"taeller": "naevner"})
        both = now.merge(before, on=["kommune_kode", "aar"])
        # a change only between years with the same codes: a code appearing is not a development
        sets = ctx.reported_sets(set(coverage.codes_on_steps(staircase, steps)))
        prev = sets.rename(index=lambda y: y + 1, level="aar")
        same = sets.to_frame("now").join(prev.rename("before"), how="inner")
        same = same[same["now"] == same["before"]].index.to_frame(index=False)
        both = both.merge(same, on=["kommune_kode", "aar"])
        return both.assign(taeller=both["taeller"] - both["naevner"])
    if kind == "udgift":
        if inputs.regnskab is None:
            return empty
        prefixes = [p.strip() for p in params.split(";")]
        funktion = inputs.regnskab["funktion"]
        chosen = inputs.regnskab[funktion.isin(prefixes) | funktion.str.startswith(tuple(p + "." for p in prefixes))]
        summed = chosen.groupby(["kommune_kode", "aar"], as_index=False)["beloeb"].sum()
        return ctx.per_population(summed.rename(columns={"beloeb": "taeller"}))
    if kind == "egne_tal":
        if inputs.egne_tal is None:
            return empty
        own = inputs.egne_tal[inputs.egne_tal["noegletal_id"] == row["id"]]
        return own[["kommune_kode", "aar", "taeller", "naevner"]]
    if kind == "bevaegelse":
        if inputs.forloeb is None or inputs.forloeb.empty or not len(ctx.yearly_counts[0]):
            return empty
        fra, til = (sorted(movements.parse_steps(part.split("=")[1])) for part in params.split(";"))
        kommune, aar, counts = ctx.yearly_counts
        started = counts[:, fra, :]  # as movements.movement_share: of those on `fra`, how many on `til`
        return pd.DataFrame({"kommune_kode": kommune, "aar": aar, "taeller": started[:, :, til].sum(axis=(1, 2)),
                             "naevner": started.sum(axis=(1, 2))})
    raise ValueError(kind)


def compute(inputs: Inputs, staircases: dict[str, Staircase], trappe: str) -> pd.DataFrame:
    """Every key figure of a staircase for every municipality and year: VALUE_COLUMNS."""
    parts, ids, factors = [], [], []
    ctx = _Context(inputs, staircases[trappe])
    for row in for_staircase(trappe).to_dict("records"):  # plain rows: iterrows builds a Series per row
        fig = _figure(row, ctx)
        if fig.empty:
            continue
        parts.append(fig[["kommune_kode", "aar", "taeller", "naevner"]])
        ids.append(row["id"])
        factors.append(row["faktor"])
    if not parts:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)  # one frame, then every figure's value in one pass
    lengths = [len(p) for p in parts]
    out["noegletal_id"] = np.repeat(np.array(ids, dtype=object), lengths)
    out["kommune_kode"] = out["kommune_kode"].astype(int)
    out["aar"] = out["aar"].astype(int)
    out["taeller"] = out["taeller"].astype(float)
    out["naevner"] = naevner = out["naevner"].astype(float)
    factor = np.repeat(np.array(factors, dtype=float), lengths)
    out["vaerdi"] = np.where(naevner > 0, factor * out["taeller"] / naevner.where(naevner > 0, 1), np.nan)
    return out[VALUE_COLUMNS].sort_values(["noegletal_id", "kommune_kode", "aar"]).reset_index(drop=True)


def group_values(values: pd.DataFrame, group: ComparisonGroup) -> pd.DataFrame:
    """noegletal_id, aar, vaerdi for a group: unweighted mean of members' values, or for the whole
    country (group.weighted) factor x sum(taeller) / sum(naevner)."""
    members = values[values["kommune_kode"].isin(group.members) & (values["naevner"] > 0)]
    if group.weighted:
        sums = members.groupby(["noegletal_id", "aar"], as_index=False)[["taeller", "naevner"]].sum()
        factor = sums["noegletal_id"].map(catalogue()["faktor"])
        sums["vaerdi"] = factor * sums["taeller"] / sums["naevner"]
        return sums[["noegletal_id", "aar", "vaerdi"]]
    return members.groupby(["noegletal_id", "aar"], as_index=False)["vaerdi"].mean()


def comparison(values: pd.DataFrame, kommune: int, group: ComparisonGroup) -> pd.DataFrame:
    """The CLI contract: one municipality's values beside its group's and the country's, every year
    in which any municipality has the figure."""
    keys = values[["noegletal_id", "aar"]].drop_duplicates()
    own = values[values["kommune_kode"] == kommune][["noegletal_id", "aar", "vaerdi"]]
    out = keys.merge(own, how="left")
    out = out.merge(group_values(values, group).rename(columns={"vaerdi": "gruppe_vaerdi"}), how="left")
    out = out.merge(group_values(values, country()).rename(columns={"vaerdi": "land_vaerdi"}), how="left")
    out["kommune_kode"] = kommune
    out["navn"] = out["noegletal_id"].map(catalogue()["navn"])
    order = out["noegletal_id"].map(catalogue()["nr"]) + np.where(out["noegletal_id"].str.startswith("V"), 100, 0)
    return out.assign(_o=order).sort_values(["_o", "aar"])[COMPARISON_COLUMNS].reset_index(drop=True)


def members_with_value(values: pd.DataFrame, group: ComparisonGroup) -> pd.DataFrame:
    """noegletal_id, aar, med_tal, kommuner: how many of a group's members have a value (the group's and
    the country's values are taken over those)."""
    members = values[values["kommune_kode"].isin(group.members) & (values["naevner"] > 0)]
    out = members.groupby(["noegletal_id", "aar"], as_index=False).agg(med_tal=("kommune_kode", "nunique"))
    return out.assign(kommuner=len(group.members))


def figure_codes(fig: pd.Series | dict, staircase: Staircase) -> list[str]:
    """The intervention codes a register-kind figure counts (empty for the other kinds)."""
    kind, params = fig["beregning"], fig["parametre"]
    if kind == "koder":
        return params.split(";")
    if kind in ("trin", "udvikling"):
        return coverage.codes_on_steps(staircase, movements.parse_steps(params))
    if kind == "andel_trin":
        return coverage.codes_on_steps(staircase, set(staircase.step_numbers))
    return []


def series_breaks(fig: pd.Series | dict, staircase: Staircase, years: list[int]) -> list[int]:
    """Years where the figure's register codes change (a code appears or ends): not comparable across."""
    key = ("series_breaks", fig["beregning"], fig["parametre"], tuple(years))  # asked in every workbook
    if key not in staircase.memo:
        staircase.memo[key] = tuple(coverage.series_breaks(figure_codes(fig, staircase), years))
    return list(staircase.memo[key])


def needs_own_data(fig: pd.Series | dict, staircase: Staircase, year: int | None = None) -> bool:
    """Whether registers alone cannot give the figure: own data (egne tal, forløb) or a step that only own
    data fill. A figure over several steps needs every one of them."""
    kind = fig["beregning"]
    if kind in ("egne_tal", "bevaegelse"):
        return True
    if kind in ("trin", "udvikling", "andel_trin"):
        steps = staircase.step_numbers if kind == "andel_trin" else movements.parse_steps(fig["parametre"])
        return not all(coverage.register_can_give(staircase, t, year) for t in steps)
    return False


def register_note(fig: pd.Series | dict, staircase: Staircase) -> str:
    """What registers alone can give of a figure, in a few words for the definitions."""
    kind = fig["beregning"]
    if kind == "egne_tal":
        return "nej – kræver egne tal"
    if kind == "bevaegelse":
        return "nej – kræver forløb (borgerdata)"
    if kind == "udgift":
        return "ja (regnskab)"
    steps = staircase.step_numbers if kind == "andel_trin" else (
        movements.parse_steps(fig["parametre"]) if kind != "koder" else set())
    own = sorted(t for t in steps if not coverage.register_can_give(staircase, t))
    if own:
        return f"nej – trin {', '.join(map(str, own))} kræver egne data"
    starts = sorted({coverage.code_periods()[k][0] for k in figure_codes(fig, staircase)
                     if k in coverage.code_periods() and coverage.code_periods()[k][0] is not None})
    return f"ja (koder tilføjet {', '.join(map(str, starts))}: brud i serien)" if starts else "ja"


def _known(value) -> bool:
    """A number that is there: words, None and NaN are not."""
    return isinstance(value, int | float | np.number) and not isinstance(value, bool) and value == value


def compare(own, group, direction: str) -> str:
    """The words a reader sees for the municipality against its group, after the figure's wished direction
    (op, ned or ingen); "–" where either number is missing."""
    if not (_known(own) and _known(group)):
        return MISSING
    if same(own, group):
        return "Som gruppen"
    if direction == "ingen":
        return "Over gruppen" if own > group else "Under gruppen"
    return "Bedre end gruppen" if (own > group) == (direction == "op") else "Dårligere end gruppen"


def trend(now, before) -> str:
    """The words for a figure's change from the year before; "–" where either number is missing."""
    if not (_known(now) and _known(before)):
        return MISSING
    if same(now, before):
        return "→ uændret"
    return "↑ stigende" if now > before else "↓ faldende"


SAME = 1e-9  # relative: two values this close are one value (a stored value keeps 16 digits, a computed one 17)


def same(a: float, b: float) -> bool:
    """Equal as a reader sees it, and as every spreadsheet program decides it (LibreOffice's = forgives the last
    bits, Gnumeric's does not): |a - b| <= SAME x the larger of |a| and |b|."""
    return abs(a - b) <= SAME * max(abs(a), abs(b))

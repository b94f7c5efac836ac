"""The hidden *Data* and *Lister* sheets that native formulas read, and Python twins of those
formulas so every formula cell can be written with its cached value.

Data is wide: one row per (figure id, municipality), one column per year for the numerator (T), the
denominator (N) and the value (V = factor x T / N). A municipality's rows stand together: its names and its
population recur row after row, which deflate packs (a sixth fewer bytes than rows by id). Years are fixed
when the workbook is built. A municipality-year without a denominator is left blank in T, N and V, so SUMIFS
and COUNTIFS(N, ">0") see exactly the rows that have a value.

V is a number, not a formula: only we write the sheet (a build, `opdater`, or Lite's "Opdater data",
which writes every row again), so no formula of the user's needs it to follow T and N, and 25,000
formulas were a third of a distributed workbook's bytes. V is written only for the ids whose group mean
a workbook shows (`means_of`); `group_formula` refuses any other id, so no mean is taken over blanks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps

import numpy as np
import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ..core import municipalities
from . import formulas as fx
from .scaffold import Book
from .styles import Styles

DATA_SHEET = "Data"
LIST_SHEET = "Lister"
OWN_GROUP = "Kommunens kommunegruppe"
COUNTRY = "Hele landet"


def _memoized(method):
    """A formula builder whose text is kept per arguments in the table's memo."""
    @wraps(method)
    def cached(self, *args, **kwargs):
        key = (method.__name__, args, tuple(sorted(kwargs.items())) if kwargs else ())
        if key not in self._formulas:
            self._formulas[key] = method(self, *args, **kwargs)
        return self._formulas[key]
    return cached


# where a municipality has no count for a step: the registers have no code for it, or it sent none
OWN_DATA = "kræver egne data"
NOT_REPORTED = "ikke indberettet"
# a marker row's id suffix: the value of <id> is hidden (small numbers) for the municipality in the years where the
# marker's N is 1 (its T is 0), so a missing value can be told apart: hidden is '–', no own data is OWN_DATA
HIDDEN_ID = ":skjult"


def hidden_markers(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Marker rows (id<HIDDEN_ID>, kommune_kode, aar, taeller 0, naevner 1, faktor 1) for the cells `after`
    (suppressed Data rows) lacks but `before` (the same rows unsuppressed) has. The marker is its N; its T is 0,
    so no number of the hidden value's size stands in the sheet."""
    def present(df: pd.DataFrame) -> set[tuple]:
        ok = df[(df["naevner"] > 0) & df["taeller"].notna()]
        return set(zip(ok["id"].tolist(), ok["kommune_kode"].astype(int).tolist(), ok["aar"].astype(int).tolist(),
                       strict=True))
    gone = sorted(present(before) - present(after))
    return pd.DataFrame({"id": [f"{i}{HIDDEN_ID}" for i, _, _ in gone], "kommune_kode": [k for _, k, _ in gone],
                         "aar": [y for _, _, y in gone], "taeller": 0.0, "naevner": 1.0, "faktor": 1.0})


def every_id(fid: str) -> bool:
    return True


@dataclass
class DataTable:
    """Rows (id, kommune_kode, aar, taeller, naevner, faktor) laid out wide, with formula twins."""

    long: pd.DataFrame
    years: list[int]
    factors: dict[str, float] | None = None  # ids that may have no rows still need their factor
    means_of: Callable[[str], bool] = every_id  # the ids whose V a group mean reads (module level: pickled)

    def __post_init__(self) -> None:
        ok = self.long[(self.long["naevner"] > 0) & self.long["taeller"].notna()]  # suppressed: no row
        self.faktor = {**(self.factors or {}), **self.long.groupby("id")["faktor"].first().to_dict()}
        keys = self.long[["id", "kommune_kode"]].drop_duplicates().sort_values(["kommune_kode", "id"])
        self.keys = keys.reset_index(drop=True)
        self.t = ok.pivot_table(index=["id", "kommune_kode"], columns="aar", values="taeller", aggfunc="sum")
        self.n = ok.pivot_table(index=["id", "kommune_kode"], columns="aar", values="naevner", aggfunc="sum")
        idx = pd.MultiIndex.from_frame(self.keys)
        self.t = self.t.reindex(index=idx, columns=self.years).astype(float)
        self.n = self.n.reindex(index=idx, columns=self.years).astype(float)
        f = self.keys["id"].map(self.faktor).to_numpy()[:, None]
        self.v = pd.DataFrame(f * self.t.to_numpy() / self.n.to_numpy(), index=idx, columns=self.years)
        info = municipalities.municipalities()
        self._memo: dict[tuple, float | None] = {}
        self._formulas: dict[tuple, str] = {}
        # plain lookups for the twins: they are asked once per formula cell of every sheet
        self._positions = {key: i for i, key in enumerate(zip(self.keys["id"], self.keys["kommune_kode"], strict=True))}
        self._t, self._n = self.t.to_numpy(), self.n.to_numpy()
        self.gruppe = self.keys["kommune_kode"].map(info["kommunegruppe"]).to_numpy()
        self.region = self.keys["kommune_kode"].map(info["region"]).to_numpy()

    # -- layout --------------------------------------------------------------------------------
    @property
    def last_row(self) -> int:
        return len(self.keys)  # header in row 0

    def col(self, block: str, year: int) -> int:
        return 4 + {"T": 0, "N": 1, "V": 2}[block] * len(self.years) + self.years.index(year)

    @staticmethod
    def name(block: str, year: int | None = None) -> str:
        return f"D_{block}{year}" if year is not None else f"D_{block}"

    # -- Python twins of the formulas -------------------------------------------------------------
    def own(self, fid: str, kommune: int, year: int) -> float | None:
        i = self._positions.get((fid, kommune))
        if i is None or year not in self.years:
            return None
        j = self.years.index(year)
        t, n = self._t[i, j], self._n[i, j]
        return None if not n > 0 else self.faktor[fid] * float(t) / float(n)

    def largest(self, fid: str) -> float:
        """The largest value of a figure for any municipality and year (0 without any)."""
        key = ("largest", fid)  # the same in every workbook
        if key not in self._memo:
            rows = self.keys["id"].to_numpy() == fid
            values = self.v.to_numpy()[rows]
            self._memo[key] = float(np.nanmax(values)) if rows.any() and not np.isnan(values).all() else 0.0
        return self._memo[key]

    def group_mean(self, fid: str, year: int, kind: str, name: str) -> float | None:
        return self._twins()[0].get((fid, year, kind == "region", name))

    def country(self, fid: str, year: int) -> float | None:
        return self._twins()[1].get((fid, year))

    def can_be_blank(self, fid: str) -> dict[str, bool]:
        """Whether a figure's own, group, region and country values can be blank in some year, for some
        municipality or group one may choose (a chart needs gap cells only where they can): the same answer
        in every workbook built from these data."""
        memo = self._memo.setdefault("blank", {})
        if fid not in memo:
            rows = self.keys["id"].to_numpy() == fid
            values = self.v.to_numpy()[rows]
            means, country = self._twins()
            groups = {(is_region, name) for is_region, names in ((False, self.gruppe[rows]), (True, self.region[rows]))
                      for name in names}
            info = municipalities.municipalities()
            all_groups = {(False, g) for g in info["kommunegruppe"]} | {(True, r) for r in info["region"]}
            memo[fid] = {
                "own": bool(np.isnan(values).any()) or rows.sum() < len(info),
                "gruppe": groups != all_groups or any((fid, y, False, g) not in means for y in self.years
                                                      for is_r, g in all_groups if not is_r),
                "region": any((fid, y, True, r) not in means for y in self.years for is_r, r in all_groups if is_r),
                "land": any((fid, y) not in country for y in self.years),
            }
        return memo[fid]

    def _twins(self) -> tuple[dict, dict]:
        """Every group's mean and the country's figure for every id and year, computed in one vectorised
        pass: they are the same for every municipality, and asked for thousands of times per workbook."""
        if "twins" not in self._memo:
            means: dict[tuple, float] = {}
            country: dict[tuple, float] = {}
            ids = self.keys["id"].to_numpy()
            factor = np.array([self.faktor[i] for i in ids])
            for j, year in enumerate(self.years):
                v = self.v[year].to_numpy()
                for is_region, groups in ((False, self.gruppe), (True, self.region)):
                    frame = pd.DataFrame({"id": ids, "g": groups, "v": v}).dropna(subset=["v"])
                    for (fid, name), mean in frame.groupby(["id", "g"], sort=False)["v"].mean().items():
                        means[(fid, year, is_region, name)] = float(mean)
                t, n = self._t[:, j], self._n[:, j]
                sums = pd.DataFrame({"id": ids, "t": np.nan_to_num(t), "n": np.nan_to_num(n), "f": factor})
                for fid, row in sums.groupby("id", sort=False).agg(t=("t", "sum"), n=("n", "sum"),
                                                                   f=("f", "first")).iterrows():
                    if row["n"] > 0:
                        country[(fid, year)] = float(row["f"] * row["t"] / row["n"])
            self._memo["twins"] = (means, country)
        return self._memo["twins"]

    @_memoized
    def hidden_formula(self, fid: str, year: int) -> str:
        """1 where the chosen municipality's value of `fid` in `year` is hidden (a marker row), else 0."""
        return fx.countifs((self.name("id"), fx.text(fid + HIDDEN_ID)), (self.name("kode"), "ValgtKode"),
                           (self.name("N", year), fx.text(">0")))

    def is_hidden(self, fid: str, kommune: int, year: int) -> bool:
        i = self._positions.get((fid + HIDDEN_ID, kommune))
        return i is not None and year in self.years and bool(self._n[i, self.years.index(year)] > 0)

    def why_missing(self, value_formula: str, value, fid: str, kommune: int, year: int) -> tuple[str, object]:
        """A value of a figure only own data can give, with words where it is missing: '–' where it is hidden,
        OWN_DATA where there is none. (formula, cached value for `kommune`)"""
        formula = (f"IF(ISNUMBER({value_formula}),{value_formula},IF({self.hidden_formula(fid, year)}>0,"
                   f"{fx.text(fx.MISSING)},{fx.text(OWN_DATA)}))")
        if fx.is_number(value):
            return formula, value
        return formula, fx.MISSING if self.is_hidden(fid, kommune, year) else OWN_DATA

    def members_text(self, fid: str, year: int, group_type: str, group_name: str, region: str) -> str:
        """Twin of members_formula: "" when the group, the region and the country all have every member with a
        value; else "n/N · n/N · n/98" (group · region · country)."""
        key = ("members_text", fid, year, group_type == "region", group_name, region)  # shared by a group's members
        if key not in self._memo:
            have, size = self._member_counts(), self._group_sizes()
            g = (have.get((fid, year, group_type == "region", group_name), 0),
                 size[(group_type == "region", group_name)])
            r = (have.get((fid, year, True, region), 0), size[(True, region)])
            c = (have.get((fid, year, None, None), 0), len(municipalities.codes()))
            self._memo[key] = "" if all(n == total for n, total in (g, r, c)) else \
                " · ".join(f"{n}/{t}" for n, t in (g, r, c))
        return self._memo[key]

    def members_count(self, fid: str, year: int) -> int:
        """Twin of members_count_formula."""
        return self._member_counts().get((fid, year, None, None), 0)

    def _member_counts(self) -> dict[tuple, int]:
        if "members" not in self._memo:
            out: dict[tuple, int] = {}
            ids = self.keys["id"].to_numpy()
            for j, year in enumerate(self.years):
                has = self._n[:, j] > 0
                for is_region, groups in ((False, self.gruppe), (True, self.region)):
                    frame = pd.DataFrame({"id": ids[has], "g": groups[has]})
                    for (fid, name), n in frame.groupby(["id", "g"], sort=False).size().items():
                        out[(fid, year, is_region, name)] = int(n)
                for fid, n in pd.Series(ids[has]).value_counts().items():
                    out[(fid, year, None, None)] = int(n)
            self._memo["members"] = out
        return self._memo["members"]

    @staticmethod
    @cache
    def _group_sizes() -> dict[tuple[bool, str], int]:
        info = municipalities.municipalities()
        return {**{(False, g): int(n) for g, n in info["kommunegruppe"].value_counts().items()},
                **{(True, r): int(n) for r, n in info["region"].value_counts().items()}}

    # -- formulas (the same text in every municipality's workbook: each built once, see _memoized) ----
    @_memoized
    def members_count_formula(self, fid: str, year: int) -> str:
        """How many municipalities have a value for the figure in the year (the country's is taken over them)."""
        return fx.countifs((self.name("N", year), fx.text(">0")), (self.name("id"), fx.text(fid)))

    @_memoized
    def members_formula(self, fid: str, year: int, fid_expr: str | None = None) -> str:
        """How many municipalities the group's, the region's and the country's values are taken over, as
        "n/N · n/N · n/98", or "" when every one has a value."""
        crit_id = (self.name("id"), fid_expr or fx.text(fid))
        has = (self.name("N", year), fx.text(">0"))
        # COUNTIFS needs ranges, not an IF of ranges: count both ways and pick
        g_n = (f'IF(GruppeType="region",{fx.countifs(has, crit_id, (self.name("region"), "GruppeNavn"))},'
               f'{fx.countifs(has, crit_id, (self.name("gruppe"), "GruppeNavn"))})')
        g_size = 'IF(GruppeType="region",COUNTIF(L_region,GruppeNavn),COUNTIF(L_gruppe,GruppeNavn))'
        r_n = fx.countifs(has, crit_id, (self.name("region"), "KommuneRegion"))
        r_size = "COUNTIF(L_region,KommuneRegion)"
        c_n = fx.countifs(has, crit_id)
        c_size = "COUNT(L_kode)"
        full = f"AND({g_n}={g_size},{r_n}={r_size},{c_n}={c_size})"
        return f'IF({full},"",{g_n}&"/"&{g_size}&" · "&{r_n}&"/"&{r_size}&" · "&{c_n}&"/"&{c_size})'

    @_memoized
    def own_formula(self, fid: str, year: int, kode_cell: str = "ValgtKode", fid_expr: str | None = None) -> str:
        """fid_expr: a formula expression for the id when it depends on a choice (default: the literal)."""
        return fx.missing_on_error(self.own_ratio(fid, year, kode_cell, fid_expr))

    @_memoized
    def own_ratio(self, fid: str, year: int, kode_cell: str = "ValgtKode", fid_expr: str | None = None) -> str:
        """The municipality's value as a bare ratio: #DIV/0! where it has none (own_formula shows MISSING)."""
        crit = ((self.name("id"), fid_expr or fx.text(fid)), (self.name("kode"), kode_cell))
        return (f"{_num(self.faktor.get(fid, 1.0))}*{fx.sumifs(self.name('T', year), *crit)}/"
                f"{fx.sumifs(self.name('N', year), *crit)}")

    @_memoized
    def count_formula(self, fid: str, year: int, fid_expr: str | None = None, kode_cell: str = "ValgtKode") -> str:
        """The numerator alone (e.g. citizens on a step) for the chosen municipality."""
        return fx.sumifs(self.name("T", year), (self.name("id"), fid_expr or fx.text(fid)),
                         (self.name("kode"), kode_cell))

    @_memoized
    def shown_count_formula(self, fid: str, year: int, fid_expr: str | None = None, missing: str = fx.MISSING) -> str:
        """The numerator, or `missing` where the data hold no row (suppressed or missing) rather than 0 (a
        hidden helper sheet takes "", which its own formulas test for)."""
        crit = ((self.name("id"), fid_expr or fx.text(fid)), (self.name("kode"), "ValgtKode"))
        present = fx.countifs((self.name("N", year), fx.text(">0")), *crit)
        return f'IF({present}=0,{fx.text(missing)},{fx.sumifs(self.name("T", year), *crit)})'

    def shown_count(self, fid: str, kommune: int, year: int, missing: str = fx.MISSING) -> float | str:
        i = self._positions.get((fid, kommune))
        if i is None or year not in self.years:
            return missing
        t = self._t[i, self.years.index(year)]
        return missing if np.isnan(t) else float(t)

    @_memoized
    def group_formula(self, fid: str, year: int, name_cell: str, type_cell: str | None,
                      fid_expr: str | None = None) -> str:
        if not self.means_of(fid):
            raise ValueError(f"Data has no V for {fid!r}: add it to the table's means_of")
        def mean(attr: str) -> str:
            crit = ((self.name("id"), fid_expr or fx.text(fid)), (self.name(attr), name_cell))
            counted = fx.countifs((self.name("N", year), fx.text(">0")), *crit)
            return f"{fx.sumifs(self.name('V', year), *crit)}/{counted}"
        if type_cell is None:  # always a region
            return fx.missing_on_error(mean("region"))
        return fx.missing_on_error(f'IF({type_cell}="region",{mean("region")},{mean("gruppe")})')

    @_memoized
    def country_formula(self, fid: str, year: int, fid_expr: str | None = None) -> str:
        crit = ((self.name("id"), fid_expr or fx.text(fid)),)
        return fx.missing_on_error(f"{_num(self.faktor.get(fid, 1.0))}*{fx.sumifs(self.name('T', year), *crit)}/"
                                   f"{fx.sumifs(self.name('N', year), *crit)}")

    # -- writing ---------------------------------------------------------------------------------
    def write(self, book: Book) -> Worksheet:
        ws = book.hidden_sheet(DATA_SHEET, shared=True)
        book.fill(ws, lambda ws: self._write_cells(ws, book.styles))
        for col, key in enumerate(("id", "kode", "gruppe", "region")):
            book.name_range(self.name(key), DATA_SHEET, 1, col, self.last_row)
        for block in ("T", "N", "V"):
            for y in self.years:
                book.name_range(self.name(block, y), DATA_SHEET, 1, self.col(block, y), self.last_row)
        return ws  # not protected: xlwings Lite's "Opdater data" writes new numbers into it in place

    def with_value(self) -> list[bool]:
        """Per row: whether its V is written (its id is one whose group mean is shown)."""
        memo = self._memo.setdefault("with_v", {})
        return [memo.setdefault(fid, bool(self.means_of(fid))) for fid in self.keys["id"].tolist()]

    def headers(self) -> list[str]:
        return ["id", "kommune_kode", "kommunegruppe", "region"] + [f"{b}{y}" for b in "TNV" for y in self.years]

    def sheet_rows(self) -> list[list]:
        """The sheet as rows of cell values (an empty cell as None): what xlwings writes into an open workbook
        to refresh it in place."""
        ny = len(self.years)
        t, n, v = self.t.to_numpy().tolist(), self.n.to_numpy().tolist(), self.v.to_numpy().tolist()
        rows = [self.headers()]
        ids, kommuner = self.keys["id"].tolist(), self.keys["kommune_kode"].tolist()
        with_v = self.with_value()
        for i in range(len(ids)):
            has = [n[i][j] > 0 for j in range(ny)]
            rows.append([ids[i], int(kommuner[i]), self.gruppe[i], self.region[i]]
                        + [t[i][j] if has[j] else None for j in range(ny)]
                        + [n[i][j] if has[j] else None for j in range(ny)]
                        + [v[i][j] if has[j] and with_v[i] else None for j in range(ny)])
        return rows

    def _write_cells(self, ws: Worksheet, s: Styles) -> None:
        ws.write_row(0, 0, self.headers(), s.header)
        ids, kommuner = self.keys["id"].tolist(), self.keys["kommune_kode"].tolist()
        # Python floats, put as XlsxWriter writes them
        t, n, v = self.t.to_numpy().tolist(), self.n.to_numpy().tolist(), self.v.to_numpy().tolist()
        with_v = self.with_value()
        for i in range(len(ids)):
            has = [x > 0 for x in n[i]]
            ws.put_row(i + 1, 0, [ids[i], kommuner[i], self.gruppe[i], self.region[i]]
                       + [x if h else None for x, h in zip(t[i], has, strict=True)]
                       + [x if h else None for x, h in zip(n[i], has, strict=True)]
                       + [x if h and with_v[i] else None for x, h in zip(v[i], has, strict=True)])


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@cache
def _municipality_lists() -> dict[str, list]:
    info = municipalities.municipalities().sort_values("navn")
    groups = sorted(set(info["kommunegruppe"]), key=lambda g: int(info[info["kommunegruppe"] == g]
                                                                    ["kommunegruppe_kode"].iloc[0]))
    regions = sorted(set(info["region"]))
    return {
        "L_navn": info["navn"].tolist(), "L_kode": info["kode"].astype(int).tolist(),
        "L_gruppe": info["kommunegruppe"].tolist(), "L_region": info["region"].tolist(),
        "L_grupper": [OWN_GROUP, *groups, *regions], "L_regioner": regions,
    }


def write_lists(book: Book, years: list[int], extra: dict[str, list] | None = None) -> dict[str, list]:
    """The hidden *Lister* sheet: municipalities with group and region, group choices, years, and any
    `extra` lists (name -> values) a workbook needs for its dropdowns."""
    ws = book.hidden_sheet(LIST_SHEET, shared=True)
    columns = {**_municipality_lists(), "L_aar": years, **(extra or {})}
    for col, (name, values) in enumerate(columns.items()):
        book.name_range(name, LIST_SHEET, 1, col, len(values))
    book.protect(ws)
    book.fill(ws, lambda ws: _write_list_cells(ws, book.styles, columns))
    return columns


def _write_list_cells(ws: Worksheet, s: Styles, columns: dict[str, list]) -> None:
    for col, (name, values) in enumerate(columns.items()):
        ws.write_string(0, col, name, s.header)
        for r, value in enumerate(values, start=1):
            (ws.write_number if isinstance(value, int | float) else ws.write_string)(r, col, value)

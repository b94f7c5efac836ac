"""The data folder's tables (the contract in ARCHITECTURE.md): their columns, types and keys, and the checks
that turn a user's raw cells into typed frames or into a list of Danish problems."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import botilbud, coverage, municipalities
from ..core.errors import Problem
from ..core.kontoplan import DRANSTER
from ..core.staircase import STAIRCASES, Staircase, mapping_location
from . import privacy
from .rawtable import RawTable

MAX_PER_COLUMN = 10  # beyond this, one line says how many more rows have the same problem


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = True
    withheld_ok: bool = False  # '..' is a value the source withheld: unknown (NaN and `skjult`), never 0


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # rows must be unique on these; () = no key
    description: str

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("befolkning", (
            Column("kommune_kode", "kommune"), Column("aar", "aar"),
            Column("aldersgruppe", "aldersgruppe"), Column("antal", "antal"),
        ), ("kommune_kode", "aar", "aldersgruppe"), "Befolkning pr. kommune, år og aldersgruppe"),
        TableSpec("modtagere", (
            Column("kommune_kode", "kommune"), Column("aar", "aar"), Column("trappe", "trappe"),
            Column("indsats", "indsats"), Column("antal", "antal", withheld_ok=True),
        ), ("kommune_kode", "aar", "trappe", "indsats"), "Modtagere pr. kommune, år og indsats"),
        TableSpec("regnskab", (
            Column("kommune_kode", "kommune"), Column("aar", "aar"), Column("funktion", "funktion"),
            Column("gruppering", "gruppering", required=False), Column("dranst", "dranst"),
            Column("beloeb", "beloeb"),
        ), ("kommune_kode", "aar", "funktion", "gruppering", "dranst"), "Regnskab i kr. (netto)"),
        TableSpec("forloeb", (
            Column("borger_id", "tekst"), Column("trappe", "trappe"), Column("indsats", "indsats"),
            Column("start", "dato"), Column("slut", "dato_tom"), Column("kommune_kode", "kommune"),
            Column("tilbud", "tekst", required=False),  # the botilbud of a step 7-8 episode, if known
        ), (), "Forløb pr. borger (egne data)"),
        TableSpec("egne_tal", (
            Column("noegletal_id", "tekst"), Column("kommune_kode", "kommune"), Column("aar", "aar"),
            Column("taeller", "tal"), Column("naevner", "naevner"),
        ), ("noegletal_id", "kommune_kode", "aar"), "Kommunens egne tal til nøgletal"),
        TableSpec("botilbud", (
            Column("kommune_kode", "kommune"), Column("botilbud", "tekst"), Column("aar", "aar"),
            Column("maal", "maal"), Column("taeller", "antal"), Column("naevner", "naevner"),
        ), ("kommune_kode", "botilbud", "aar", "maal"), "Botilbuddenes egne tal for de fem mål (valgfri)"),
        TableSpec("prisindeks", (
            Column("aar", "aar"), Column("indeks", "naevner"),
        ), ("aar",), "Prisindeks (valgfri)"),
    )
}

WITHHELD = ".."  # DST's mark for a withheld value (see io/dst.py)
MAX_NUMBER = 1e15  # larger than any count or amount in kroner, and exact in a float and in Excel


def _what(kind: str) -> str:
    return {"aar": "årstal", "kommune": "kommunekode", "beloeb": "beløb"}.get(kind, "tal")
WITHHELD_COLUMN = "skjult"  # added to a table with a column that may hold '..': True where it does

_DANISH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_AGE_GROUP = re.compile(r"^\d{1,3}-\d{1,3}$|^\d{1,3}\+$")
_FUNCTION = re.compile(r"^\d\.\d{2}\.\d{2}$")
_GROUPING = re.compile(r"^\d{3}$")


def parse_numbers(text: pd.Series, danish: bool) -> pd.Series:
    """Numbers as users write them; NaN where the text is not a number.

    Danish style (';' files and xlsx): '1.234.567,89', '12,5'; '(1.234)' is negative as in accounts.
    """
    plain = pd.to_numeric(text, errors="coerce")  # a column of plain numbers needs none of the cleaning below
    unparsed = plain.isna() & (text != "")
    if danish:
        unparsed |= text.str.contains(",", regex=False) | text.str.contains(".", regex=False)
    if not unparsed.any():
        return plain
    s = text.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    s = s.str.replace(r"^\((.*)\)$", r"-\1", regex=True)
    if danish:
        thousands = s.str.match(_DANISH_THOUSANDS)
        s = s.where(~thousands, s.str.replace(".", "", regex=False))
        s = s.str.replace(",", ".", regex=False)
    return pd.to_numeric(s, errors="coerce")


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO dates (2023-01-31) and the Danish forms 31-01-2023 and 31.01.2023; NaT where invalid."""
    result = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    for fmt in ("%d-%m-%Y", "%d.%m.%Y"):
        todo = result.isna() & (text != "")
        if not todo.any():
            break
        result[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return result


class _Checker:
    """Collects problems for one table while its columns are typed."""

    def __init__(self, raw: RawTable):
        self.raw = raw
        self.problems: list[Problem] = []

    def row_of(self, index) -> int:
        return int(index) + self.raw.first_row

    def report(self, bad: pd.Series, column: str, what: Callable[[str], str], advice: str) -> None:
        rows = bad.index[bad.to_numpy()]
        values = self.raw.data.loc[rows, column] if column in self.raw.data else pd.Series("", index=rows)
        for idx in rows[:MAX_PER_COLUMN]:
            self.problems.append(Problem(self.raw.fil, what(privacy.mask(values[idx])), advice,
                                         self.row_of(idx), column))
        if len(rows) > MAX_PER_COLUMN:
            self.problems.append(Problem(
                self.raw.fil, f"{len(rows) - MAX_PER_COLUMN} rækker mere har samme fejl.", advice,
                kolonne=column))


def check_table(name: str, raw: RawTable, staircases: dict[str, Staircase],
                mapping_file=None) -> tuple[pd.DataFrame, list[Problem]]:
    """Type and check one contract table; returns the typed frame (bad rows dropped) and problems."""
    spec = TABLES[name]
    chk = _Checker(raw)
    df = raw.data
    missing = [c.name for c in spec.columns if c.required and c.name not in df.columns]
    lower = df.head(20).apply(lambda col: col.str.strip().str.lower())
    found = [i for i in lower.index if set(missing) <= set(lower.loc[i])] if missing else []
    if found:  # a title or notes above the header (as exports often have)
        line = chk.row_of(found[0])
        chk.problems.append(Problem(
            raw.fil, f"overskrifterne ({', '.join(spec.column_names)}) står i række {line}, ikke i række "
            f"{raw.first_row - 1}.", "Slet rækkerne over overskrifterne, så de står øverst.", raekke=line))
        return df.iloc[0:0], chk.problems
    if missing:
        chk.problems.append(Problem(
            raw.fil, f"kolonnen/kolonnerne {', '.join(repr(m) for m in missing)} mangler.",
            f"Tabellen '{name}' skal have kolonnerne {', '.join(spec.column_names)} "
            f"(fundet: {', '.join(df.columns) or 'ingen'}).",
        ))
        return df.iloc[0:0], chk.problems
    if df.empty:
        chk.problems.append(Problem(raw.fil, "tabellen har ingen datarækker.",
                                    "Tilføj data under overskriftsrækken."))
        return df, chk.problems
    out = pd.DataFrame(index=df.index)
    bad_rows = pd.Series(False, index=df.index)
    for col in spec.columns:
        text = df[col.name] if col.name in df.columns else pd.Series("", index=df.index)
        values, bad = _typed_column(col, text, chk, staircases, out, mapping_file)
        out[col.name] = values
        bad_rows |= bad
        if col.withheld_ok:
            out[WITHHELD_COLUMN] = text.str.strip() == WITHHELD
            _count_withheld(out[WITHHELD_COLUMN], col.name, chk)
    bad_rows |= _check_rows(name, out, bad_rows, chk)
    out = out[~bad_rows]
    if spec.key and not out.empty:
        out = _check_keys(spec, out, chk)
    return out.reset_index(drop=True), chk.problems


NUMERIC_KINDS = ("antal", "tal", "naevner", "beloeb", "aar", "kommune")


def _typed_column(col: Column, text: pd.Series, chk: _Checker, staircases, typed: pd.DataFrame,
                  mapping_file) -> tuple[pd.Series, pd.Series]:
    """The column read as its kind, and which rows are bad (each problem reported to `chk`)."""
    empty = text == ""
    if col.kind in ("dato_tom",) or not col.required:
        check_empty = pd.Series(False, index=text.index)
    else:
        check_empty = empty
        chk.report(empty, col.name, lambda v: "cellen er tom.", "Udfyld cellen, eller slet rækken.")
    if col.kind == "tekst":
        return text, check_empty
    if col.kind in NUMERIC_KINDS:
        return _numeric_column(col, text, empty, check_empty, chk)
    if col.kind == "indsats":
        return _check_codes(text, empty, chk, staircases, typed, mapping_file)
    if col.kind in ("dato", "dato_tom"):
        dates = parse_dates(text)
        invalid = ~empty & dates.isna()
        chk.report(invalid, col.name, lambda v: f"'{v}' er ikke en gyldig dato.",
                   "Skriv datoen som ÅÅÅÅ-MM-DD (fx 2023-01-31) eller DD-MM-ÅÅÅÅ.")
        return dates, check_empty | invalid
    return _coded_column(col, text, empty, check_empty, chk)


def _numeric_column(col: Column, text: pd.Series, empty: pd.Series, check_empty: pd.Series,
                    chk: _Checker) -> tuple[pd.Series, pd.Series]:
    """A number (Danish or not), `..` where the source withholds it and the column allows that."""
    name, kind = col.name, col.kind
    num = parse_numbers(text, chk.raw.danish_numbers)
    withheld = text.str.strip() == WITHHELD if col.withheld_ok else pd.Series(False, index=text.index)
    not_num = num.isna() & ~empty & ~withheld
    if kind == "aar":
        chk.report(not_num, name, lambda v: f"'{v}' er ikke et årstal.", "Skriv året som fx 2023.")
    else:
        chk.report(not_num, name, lambda v: f"'{v}' er ikke et tal.",
                   "Skriv et tal uden tekst eller enheder (fx 1234 eller 1.234,5).")
    # a number beyond what a count or an amount can be (1e20): said, not cast into an overflow
    huge = num.notna() & (num.abs() > MAX_NUMBER)
    chk.report(huge, name, lambda v: f"'{v}' er for stort til at være et {_what(kind)}.",
               f"Ret tallet; et {_what(kind)} er højst {MAX_NUMBER:,.0f}.".replace(",", "."))
    bad = check_empty | not_num | huge
    num = num.where(~huge)
    bad |= _out_of_bounds(kind, name, num, ~bad & ~withheld, chk)  # a withheld value is unknown, not an error
    if kind in ("antal", "aar", "kommune"):
        return num.where(~bad).astype("Int64"), bad
    return num, bad


def _out_of_bounds(kind: str, name: str, num: pd.Series, ok: pd.Series, chk: _Checker) -> pd.Series:
    """The readable numbers a kind cannot be: a fraction of a whole count, a negative count, a denominator of 0,
    a year outside 1990-2100, an unknown municipality code."""
    bad = pd.Series(False, index=num.index)
    if kind in ("antal", "aar", "kommune"):
        frac = ok & (num != np.floor(num.fillna(0)))
        chk.report(frac, name, lambda v: f"'{v}' er ikke et helt tal.", "Skriv et helt tal.")
        bad |= frac
    if kind in ("antal", "tal"):
        neg = ok & (num < 0)
        chk.report(neg, name, lambda v: f"'{v}' er negativ.", "Et antal kan ikke være negativt.")
        bad |= neg
    if kind == "naevner":
        nonpos = ok & (num <= 0)
        chk.report(nonpos, name, lambda v: f"'{v}' skal være større end 0.",
                   "Nævneren deles der med; skriv et tal over 0.")
        bad |= nonpos
    if kind == "aar":
        out_of_range = ok & ~bad & ((num < 1990) | (num > 2100))
        chk.report(out_of_range, name, lambda v: f"'{v}' er ikke et årstal.", "Skriv året som fx 2023.")
        bad |= out_of_range
    if kind == "kommune":
        unknown = ok & ~bad & ~num.isin(municipalities.codes())
        chk.report(unknown, name, lambda v: f"ukendt kommunekode '{v}'.",
                   "Brug DST's kommunekoder (101 København ... 860 Hjørring); 411 Christiansø er ikke med.")
        bad |= unknown
    return bad


def _coded_column(col: Column, text: pd.Series, empty: pd.Series, check_empty: pd.Series,
                  chk: _Checker) -> tuple[pd.Series, pd.Series]:
    """A code from a fixed vocabulary: a botilbud goal, a staircase, an age group, an account's function,
    grouping or dranst."""
    name, kind = col.name, col.kind
    if kind == "maal":
        goals = list(botilbud.goals().index)
        unknown = ~empty & ~text.str.upper().isin(goals)
        chk.report(unknown, name, lambda v: f"ukendt mål '{v}'.",
                   f"Skriv et af de fem mål for kvalitet i botilbud: {', '.join(goals)}.")
        return text.str.upper(), check_empty | unknown
    if kind == "trappe":
        unknown = ~empty & ~text.isin(STAIRCASES)
        chk.report(unknown, name, lambda v: f"ukendt trappe '{v}'.", "Skriv 'boern' eller 'voksne'.")
        return text, check_empty | unknown
    if kind == "aldersgruppe":
        bad = ~empty & ~text.str.match(_AGE_GROUP)
        chk.report(bad, name, lambda v: f"'{v}' er ikke en aldersgruppe.", "Skriv fx 0-17, 18-64 eller 65+.")
        return text, check_empty | bad
    if kind == "funktion":
        bad = ~empty & ~text.str.match(_FUNCTION)
        chk.report(bad, name, lambda v: f"'{v}' er ikke en funktion i den autoriserede kontoplan.",
                   "Skriv funktionen med hovedkonto, hovedfunktion og funktion, fx 5.28.21.")
        return text, check_empty | bad
    if kind == "gruppering":
        digits = text.where(~text.str.fullmatch(r"\d{1,3}"), text.str.zfill(3))
        bad = (digits != "") & ~digits.str.match(_GROUPING)
        chk.report(bad, name, lambda v: f"'{v}' er ikke en gruppering.",
                   "Skriv grupperingen med tre cifre (fx 005), eller lad cellen stå tom.")
        return digits, bad
    if kind == "dranst":
        bad = ~empty & ~text.isin(DRANSTER)
        chk.report(bad, name, lambda v: f"ukendt dranst '{v}'.",
                   "Brug 1 (drift) eller 2 (statsrefusion).")
        return text, check_empty | bad
    raise ValueError(f"unknown column kind {kind}")


def _count_withheld(withheld: pd.Series, column: str, chk: _Checker) -> None:
    """One line that says how many values the source withheld: they are read as unknown, not as errors."""
    n = int(withheld.sum())
    if n:
        chk.problems.append(Problem(
            chk.raw.fil, f"{n} tal er skjult hos kilden ('{WITHHELD}', fx Danmarks Statistiks diskretionering): de er "
            "ukendte, ikke 0.", "De trin, nøgletal og enhedspriser, de indgår i, vises som '–'.", kolonne=column,
            advarsel=True))


def _check_codes(text, empty, chk: _Checker, staircases, typed: pd.DataFrame, mapping_file):
    trappe = typed["trappe"] if "trappe" in typed else pd.Series("", index=text.index)
    known = pd.Series(False, index=text.index)
    for key, staircase in staircases.items():
        on = trappe == key
        known |= on & text.isin(staircase.codes.index)
    # a code on the wrong staircase and a wholly unknown code get the same, clear advice
    unknown = ~empty & ~known & trappe.isin(list(staircases))
    where = mapping_location(mapping_file)
    chk.report(unknown, "indsats", lambda v: f"ukendt indsatskode '{v}' for denne trappe.",
               f"Koderne og deres trin står i indsatskortet: {where}. Tilføj koden der, eller ret den.")
    if "aar" in typed:
        _warn_outside_period(text[known], typed["aar"], chk)
    return text, unknown


def _warn_outside_period(codes: pd.Series, years: pd.Series, chk: _Checker) -> None:
    """A register code in a year it does not exist in: the period file or the year is wrong (a warning)."""
    periods = coverage.code_periods()
    shown = 0
    for idx in codes.index[codes.isin(periods.keys())]:
        year = years.get(idx)
        if pd.isna(year) or coverage.exists_in(codes[idx], int(year)):
            continue
        first, last = periods[codes[idx]]
        span = f"fra {first}" if last is None else f"{first or '…'}-{last}"
        chk.problems.append(Problem(
            chk.raw.fil, f"koden '{codes[idx]}' findes i registret {span}, men rækken er for {int(year)}.",
            "Tjek året, eller kodeperioder.csv hvis registret har koden tidligere end dér angivet.",
            chk.row_of(idx), "aar", advarsel=True))
        shown += 1
        if shown >= MAX_PER_COLUMN:
            break


def _check_keys(spec: TableSpec, df: pd.DataFrame, chk: _Checker) -> pd.DataFrame:
    key = list(spec.key)
    values = [c for c in spec.column_names if c not in key]
    keyed = df
    exact = keyed.duplicated(keep="first")
    for idx in keyed.index[exact][:MAX_PER_COLUMN]:
        chk.problems.append(Problem(chk.raw.fil, "rækken er en gentagelse af en tidligere række og tælles kun "
                                    "én gang.", "", chk.row_of(idx), advarsel=True))
    keyed = keyed[~exact]
    clash = keyed.duplicated(key, keep=False)
    if clash.any():
        groups = keyed[clash].groupby(key, dropna=False, sort=False)
        for n, (key_values, group) in enumerate(groups):
            if n >= MAX_PER_COLUMN:
                chk.problems.append(Problem(chk.raw.fil, f"{groups.ngroups - n} nøgler mere har samme fejl.",
                                            ""))
                break
            rows = ", ".join(str(chk.row_of(i)) for i in group.index)
            label = ", ".join(f"{k}={v}" for k, v in zip(key, key_values, strict=True))
            chk.problems.append(Problem(
                chk.raw.fil, f"rækkerne {rows} har samme nøgle ({label}) men forskellige værdier i "
                f"{', '.join(values)}.", "Behold den rigtige række og slet de andre.", chk.row_of(group.index[0])))
    return keyed[~clash]


def _check_rows(name: str, typed: pd.DataFrame, bad: pd.Series, chk: _Checker) -> pd.Series:
    """Rules across the columns of one row."""
    if name == "botilbud":
        over = ~bad & (typed["taeller"] > typed["naevner"])
        _report_rows(chk, over, "taeller", lambda i: f"tælleren ({typed.at[i, 'taeller']:g}) er større end "
                     f"nævneren ({typed.at[i, 'naevner']:g}).",
                     "Tælleren er de beboere af nævnerens, der når målet; ret tallene.", "har tæller over nævner")
        return over
    if name == "befolkning":  # a population of 0 gives no rate per 1,000: allowed, but said
        zero = ~bad & (typed["antal"] == 0)
        for idx in zero.index[zero.to_numpy(bool)][:MAX_PER_COLUMN]:
            chk.problems.append(Problem(chk.raw.fil, "befolkningen er 0: 'pr. 1.000' kan ikke beregnes for den "
                                        "kommune og det år og vises som '–'.", "Tjek tallet; er det rigtigt, er "
                                        "det i orden.", chk.row_of(idx), "antal", advarsel=True))
        return pd.Series(False, index=typed.index)
    if name == "forloeb":
        backwards = ~bad & typed["slut"].notna() & (typed["slut"] < typed["start"])
        _report_rows(chk, backwards, "slut", lambda i: f"slut ({typed.at[i, 'slut']:%Y-%m-%d}) ligger før start "
                     f"({typed.at[i, 'start']:%Y-%m-%d}).", "Ret datoerne; et forløb på én dag har start = slut.",
                     "har slut før start")
        return backwards
    return pd.Series(False, index=typed.index)


def _report_rows(chk: _Checker, rows: pd.Series, column: str, what: Callable[[object], str], advice: str,
                 more: str) -> None:
    """A problem for each of the first rows where `rows` holds, and one line counting the rest."""
    for idx in rows.index[rows.to_numpy()][:MAX_PER_COLUMN]:
        chk.problems.append(Problem(chk.raw.fil, what(idx), advice, chk.row_of(idx), column))
    if rows.sum() > MAX_PER_COLUMN:
        chk.problems.append(Problem(chk.raw.fil, f"{int(rows.sum()) - MAX_PER_COLUMN} rækker mere {more}.", "",
                                    kolonne=column))

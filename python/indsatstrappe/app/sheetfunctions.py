"""What the Excel functions (UDFs) compute, as plain Python on raw 2-D cell values.

xlwings converts ranges only on Windows and macOS; here every function takes the raw values (lists of
rows) and converts them itself, so tests exercise exactly what runs in Excel. Errors come back as a
short Danish text for the cell, never a traceback.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core import coverage, expenses, keyfigures, movements, municipalities
from ..core.danish import MISSING
from ..core.errors import InputError
from ..core.staircase import default_staircases
from ..io.contracts import parse_dates
from ..io.datafolder import DataFolder
from . import queries

DATA_ENV = "INDSATSTRAPPE_DATA"


def _error(text: str) -> str:
    return f"#FEJL: {text}"


def _rows(values) -> list[list]:
    """A range's values as a list of rows, whatever shape xlwings or a test passes."""
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        return [[values]]
    if values and not isinstance(values[0], list | tuple):
        return [list(values)]
    return [list(r) for r in values]


def _table(values, columns: list[str]) -> pd.DataFrame:
    """Rows with or without a header row naming the columns; empty rows dropped."""
    rows = [r for r in _rows(values) if any(c not in (None, "") for c in r)]
    if rows and [str(c).strip().lower() for c in rows[0][: len(columns)]] == columns:
        rows = rows[1:]
    if any(len(r) < len(columns) for r in rows):
        raise InputError.single("området", f"skal have kolonnerne {', '.join(columns)}.", "")
    return pd.DataFrame([r[: len(columns)] for r in rows], columns=columns)


def _staircase(trappe: str):
    staircases = default_staircases()
    if str(trappe) not in staircases:
        raise InputError.single("trappe", f"ukendt trappe '{trappe}'.", "Skriv boern eller voksne.")
    return staircases[str(trappe)]


def _guard(fn=None, *, array: bool = False):
    """Errors become a Danish text in the cell (for array functions: a 1x1 array holding it)."""
    def wrap(fn):
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except InputError as exc:
                p = exc.problems[0]
                text = _error(f"{p.fejl} {p.raad}".strip())
            except (ValueError, TypeError, KeyError) as exc:
                text = _error(f"ugyldigt input ({exc})")
            return [[text]] if array else text
        run.__name__ = fn.__name__
        run.__doc__ = fn.__doc__
        return run
    return wrap(fn) if fn is not None else wrap


@_guard
def step_of(code: str, trappe: str = "boern") -> int | str:
    """The step of an intervention code; a text when the code is known but on no step."""
    staircase = _staircase(trappe)
    if not staircase.knows(str(code).strip()):
        return _error(f"ukendt indsatskode '{code}'.")
    step = staircase.step_of(str(code).strip())
    return step if step is not None else str(staircase.codes.loc[str(code).strip(), "uden_trin"])


@_guard(array=True)
def distribution_of(counts, trappe: str = "boern") -> list[list]:
    """Two columns (indsats, antal) -> rows of trin, navn, antal, andel (every step; a step only own data fill
    and the range has no row for says '–', not 0)."""
    staircase = _staircase(trappe)
    df = _table(counts, ["indsats", "antal"])
    df["antal"] = pd.to_numeric(df["antal"], errors="raise")
    unknown = [c for c in df["indsats"] if not staircase.knows(str(c))]
    if unknown:
        return [[_error(f"ukendt indsatskode '{unknown[0]}'.")]]
    df = df.assign(kommune_kode=0, aar=coverage.NO_YEAR, trappe=staircase.key)
    from ..core.distribution import step_distribution

    dist = step_distribution(df, None, staircase)
    return [["trin", "navn", "antal", "andel"]] + [
        [int(r.trin), r.trin_navn, MISSING if pd.isna(r.antal) else int(r.antal),
         MISSING if pd.isna(r.andel) else float(r.andel)]
        for r in dist.itertuples()]


@lru_cache(maxsize=4)
def _key_figures(path: str, stamp: float) -> dict[tuple[str, int, int], float]:
    folder = DataFolder(path or None)
    values = pd.concat([queries.key_figures(folder, t) for t in folder.staircases], ignore_index=True)
    values = values.dropna(subset=["vaerdi"])
    return {(r.noegletal_id, int(r.kommune_kode), int(r.aar)): float(r.vaerdi) for r in values.itertuples()}


def _data_path(data: str | None) -> str:
    return str(data or os.environ.get(DATA_ENV, ""))


def _figures(data: str | None) -> dict:
    path = _data_path(data)
    stamp = max((p.stat().st_mtime for p in Path(path).glob("*")), default=0.0) if path else 0.0
    return _key_figures(path, stamp)


def _kommune(value) -> int:
    """A municipality as a cell gives it: a code (147 or 147.0) or a name ('Aarhus'); an unknown one is a
    Danish error naming the argument."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    return municipalities.parse_kommune(str(value), "kommune")


def _year(value) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise InputError.single("aar", f"'{value}' er ikke et årstal.", "Skriv året, fx 2023.") from None


@_guard
def key_figure(figure_id: str, kommune, aar, data: str | None = None) -> float | str:
    """One key figure for a municipality and year (from the data folder in INDSATSTRAPPE_DATA)."""
    if str(figure_id) not in keyfigures.catalogue().index:
        return _error(f"ukendt nøgletal '{figure_id}'.")
    value = _figures(data).get((str(figure_id), _kommune(kommune), _year(aar)))
    return value if value is not None and not math.isnan(value) else _error("ingen værdi for kommune og år.")


@_guard(array=True)
def key_figure_series(figure_id: str, kommune, data: str | None = None) -> list[list]:
    """Rows of aar, vaerdi for a municipality, every year with a value."""
    if str(figure_id) not in keyfigures.catalogue().index:
        return [[_error(f"ukendt nøgletal '{figure_id}'.")]]
    k = _kommune(kommune)
    found = sorted((y, v) for (f, kk, y), v in _figures(data).items() if f == figure_id and kk == k)
    return [["aar", "vaerdi"]] + [[y, v] for y, v in found]


@_guard(array=True)
def expense_allocation(accounts, trappe: str = "boern") -> list[list]:
    """Account lines (funktion, gruppering, dranst, beloeb) -> rows of trin, beloeb with the default rules;
    'ikke_fordelt' for what no rule places. No split keys here: split rules place nothing."""
    staircase = _staircase(trappe)
    df = _table(accounts, ["funktion", "gruppering", "dranst", "beloeb"])
    df = df.assign(kommune_kode=0, aar=0, gruppering=df["gruppering"].map(_grouping),
                   dranst=df["dranst"].map(lambda d: str(int(float(d)))),
                   beloeb=pd.to_numeric(df["beloeb"], errors="raise"))
    alloc = expenses.allocate(df, expenses.default_rules(default_staircases()), staircase, None)
    table = expenses.step_table(alloc, staircase, None) if not alloc.empty else pd.DataFrame(
        {"trin": [], "beloeb": []})
    return [["trin", "beloeb"]] + [[r.trin, float(r.beloeb)] for r in table.itertuples()]


@_guard(array=True)
def transition_matrix(episodes, trappe: str, fra, til) -> list[list]:
    """Episode rows (borger_id, indsats, start, slut) -> rows of fra_trin, til_trin, antal."""
    staircase = _staircase(trappe)
    df = _table(episodes, ["borger_id", "indsats", "start", "slut"])
    df = df.assign(trappe=staircase.key, kommune_kode=0,
                   start=parse_dates(df["start"].map(_date_text)), slut=parse_dates(df["slut"].map(_date_text)))
    days = parse_dates(pd.Series([_date_text(fra), _date_text(til)]))
    if days.isna().any():
        return [[_error("fra og til skal være datoer.")]]
    if days[0] > days[1]:  # as the CLI and the Lite button: a matrix running backwards is no movement
        return [[_error(f"fra ({days[0]:%d-%m-%Y}) ligger efter til ({days[1]:%d-%m-%Y}); byt om på dem.")]]
    matrix = movements.transition_matrix(movements.prepare(df, staircase), staircase,
                                         movements.day_number(days[0]), movements.day_number(days[1]))
    return [["fra_trin", "til_trin", "antal"]] + matrix.values.tolist()


@_guard(array=True)
def resident_movements(episodes, aar) -> list[list]:
    """Adult episode rows (borger_id, indsats, start, slut, tilbud) and a year -> rows of botilbud, beboere,
    eget_hjem, lavere, samme, hoejere, ude, andel_ned: residents on steps 7-8 (§ 107 and § 108) on 31 December
    the year before and where they stand a year later, per botilbud and in all."""
    from ..core import botilbud

    staircase = _staircase("voksne")
    df = _table(episodes, ["borger_id", "indsats", "start", "slut", "tilbud"])
    df = df.assign(trappe=staircase.key, kommune_kode=0, tilbud=df["tilbud"].fillna("").astype(str).str.strip(),
                   start=parse_dates(df["start"].map(_date_text)), slut=parse_dates(df["slut"].map(_date_text)))
    if df["start"].isna().any():
        return [[_error("hvert forløb skal have en startdato.")]]
    moves = botilbud.resident_movements(df, staircase, [int(float(aar))])
    columns = ["botilbud", "beboere", *botilbud.MOVEMENT_KINDS, "andel_ned"]
    return [columns] + [[r.botilbud, *(int(getattr(r, c)) for c in columns[1:-1]), float(r.andel_ned)]
                        for r in moves.itertuples()]


def _grouping(value) -> str:
    """005, 5 and 5.0 are the same grouping; empty means none."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() in ("", "nan"):
        return ""
    return str(int(float(value))).zfill(3)


def _date_text(value) -> str:
    """Excel hands dates to Python as datetime (xlwings) or serial numbers; users type text."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int | float):
        return (pd.Timestamp("1899-12-30") + pd.Timedelta(days=float(value))).strftime("%Y-%m-%d")
    return str(value).strip()

"""Danmarks Statistik's StatBank answers (format BULK) turned into tidy frames. Pure: text in, pandas out;
no network here (see `statbank`).

What the code relies on, as DST documents it ("API til Statistikbanken", dst.dk, Hjælp til Statistikbanken
> API, sections DATA and STREAMINGFORMATER, and the change log of December 2017):
- BULK is a streaming format, ';'-separated with a header of the variables' codes (OMRÅDE;KØN;...;INDHOLD).
- "Nogle observationer udelades. Hvis en kombination af værdier mangler, er observationen for denne
  kombination 0 (tallet nul)." and tableinfo's `suppressedDataValue` "skal anvendes for manglende-række-
  observationer i streaming-formaterne": a left-out row is that value (`complete_grid`).
- "Hvis kombinationen er repræsenteret, men tallet mangler, betyder det, at observationen mangler, er
  diskretioneret eller er for usikker til at kunne angives." and "Observationer for lagrede rækker med
  manglende værdier returneres som '..' i stedet for ''": such a value is withheld, unknown, never 0.
- "rækkerne (værdierne) er ikke nødvendigvis sorteret i samme rækkefølge som angivet i forespørgslen":
  nothing here depends on the order of rows.
"""

from __future__ import annotations

import io
import itertools
import re

import numpy as np
import pandas as pd

VALUE = "INDHOLD"
TIME = "TID"
WITHHELD = "undertrykt"  # the column that says a value is withheld (".." or an empty number)
WITHHELD_TEXT = ".."
_QUARTER = re.compile(r"^(\d{4})K([1-4])$")
_MONTH = re.compile(r"^(\d{4})M(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_NUMBER = re.compile(r"^-?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$")  # 1234, 1.234 (thousands), 12,5 (decimal comma)


class BadAnswer(ValueError):
    """An answer that is not the data asked for (an HTML page, a cut-off answer): never to be used or kept."""


def parse_bulk(text: str) -> pd.DataFrame:
    """Every column as text except INDHOLD (float, NaN where withheld) and `undertrykt` (bool).

    Raises BadAnswer for anything that is not a whole BULK answer: an HTML page, a header without INDHOLD,
    a line with another number of fields than the header (an answer cut mid-line), or a value that is
    neither a number nor withheld."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("<"):
        raise BadAnswer("svaret er en HTML-side, ikke data")
    if not text.strip():
        raise BadAnswer("svaret er tomt (ikke engang en overskrift)")
    lines = text.splitlines()
    header = [c.strip().upper() for c in lines[0].split(";")]
    if VALUE not in header:
        raise BadAnswer(f"svaret har ingen kolonne {VALUE} (fandt: {', '.join(header)[:120]})")
    widths = [line.count(";") + 1 for line in lines[1:] if line.strip()]
    if any(w != len(header) for w in widths):
        bad = next(i for i, w in enumerate(widths, start=2) if w != len(header))
        raise BadAnswer(f"linje {bad} har et andet antal felter end overskriften (svaret er afbrudt)")
    df = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    df.columns = header
    raw = df[VALUE].str.strip()
    df[WITHHELD] = raw.isin([WITHHELD_TEXT, ""])
    number = raw.where(~df[WITHHELD])
    wrong = number.notna() & ~number.str.match(_NUMBER)
    if wrong.any():
        raise BadAnswer(f"værdien '{number[wrong].iloc[0][:20]}' er hverken et tal eller '..'")
    plain = number.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    df[VALUE] = pd.to_numeric(plain, errors="coerce")
    return df


def suppressed_value(info: dict) -> float:
    """The value of a left-out row, from tableinfo's `suppressedDataValue` (DST: 0 unless it says otherwise);
    NaN when the table says left-out rows are withheld."""
    raw = str(info.get("suppressedDataValue", "0") or "0").strip()
    if raw in (WITHHELD_TEXT, ""):
        return float("nan")
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return 0.0


def complete_grid(df: pd.DataFrame, asked: dict[str, list[str]], fill: float) -> pd.DataFrame:
    """The answer with a row for every combination of the codes asked for (column -> codes), left-out
    combinations given `fill` (see suppressed_value): BULK leaves out the rows whose value is that."""
    columns = list(asked)
    grid = pd.DataFrame(list(itertools.product(*asked.values())), columns=columns)
    present = df[[*columns, VALUE, WITHHELD]].drop_duplicates(columns)
    out = grid.merge(present, on=columns, how="left")
    absent = out[WITHHELD].isna()
    out[VALUE] = out[VALUE].where(~absent, fill)
    out[WITHHELD] = out[WITHHELD].where(~absent, bool(np.isnan(fill))).astype(bool)
    return out


def parse_time(values: pd.Series) -> pd.DataFrame:
    """aar and kvartal (0 for yearly values) from DST's time codes: 2024, 2024K1 (and 2024M05 -> quarter 2)."""
    text = values.astype(str).str.strip()
    out = pd.DataFrame(index=values.index)
    q = text.str.extract(_QUARTER)
    m = text.str.extract(_MONTH)
    y = text.str.extract(_YEAR)
    out["aar"] = pd.to_numeric(q[0].fillna(m[0]).fillna(y[0]), errors="coerce")
    out["kvartal"] = pd.to_numeric(q[1], errors="coerce")
    months = pd.to_numeric(m[1], errors="coerce")
    out["kvartal"] = out["kvartal"].fillna(np.ceil(months / 3)).fillna(0)
    if out["aar"].isna().any():
        bad = text[out["aar"].isna()].iloc[0]
        raise ValueError(f"ukendt tidsangivelse '{bad}'")
    return out.astype(int)


def municipality_code(values: pd.Series) -> pd.Series:
    """DST area codes as integers ('0101' and '101' alike); NaN for text such as 'Hele landet'."""
    return pd.to_numeric(values.astype(str).str.strip(), errors="coerce")


def sum_known(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """VALUE summed per keys; a sum with a withheld part is withheld (NaN, `undertrykt` True), never the sum of
    the known parts."""
    grouped = df.groupby(keys, as_index=False).agg(**{VALUE: (VALUE, "sum"), WITHHELD: (WITHHELD, "any")})
    grouped[VALUE] = grouped[VALUE].where(~grouped[WITHHELD])
    return grouped


def yearly_from_quarters(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Quarterly counts to a year: the mean of the year's published quarters, unrounded.

    `df` must hold a row for every published quarter (see complete_grid: a left-out row is 0, so quarters
    3, 0, 0, 3 give 1.5, not 3). A year with a withheld quarter is withheld. Adds `kvartaler`, how many
    quarters the mean is over (fewer than 4: the year is not yet whole)."""
    grouped = df.groupby([*keys, "aar"], as_index=False).agg(
        **{VALUE: (VALUE, "mean"), WITHHELD: (WITHHELD, "any"), "kvartaler": ("kvartal", "nunique")})
    grouped[VALUE] = grouped[VALUE].where(~grouped[WITHHELD])
    return grouped


def whole_count(values: pd.Series) -> pd.Series:
    """A mean of counts as a whole number of citizens, halves rounded up (1.5 -> 2, 2.5 -> 3); NaN stays NaN."""
    return np.floor(values.astype(float) + 0.5)


def function_code(values: pd.Series) -> pd.Series:
    """REGK function codes to the kontoplan's dotted form: '52821' or '5.28.21' -> '5.28.21'."""
    digits = values.astype(str).str.replace(".", "", regex=False).str.strip()
    ok = digits.str.fullmatch(r"\d{5}")
    return (digits.str[0] + "." + digits.str[1:3] + "." + digits.str[3:5]).where(ok, "")

"""Danmarks Statistik's StatBank answers (format BULK/CSV) turned into tidy frames. Pure: text in,
pandas out; no network here (see `dst_client`).

BULK answers are ';'-separated UTF-8 with a header of the variables' codes in Danish capitals
(OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD), decimal comma, and '..' where DST suppresses a value.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

VALUE = "INDHOLD"
TIME = "TID"
_QUARTER = re.compile(r"^(\d{4})K([1-4])$")
_MONTH = re.compile(r"^(\d{4})M(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_bulk(text: str) -> pd.DataFrame:
    """Every column as text except INDHOLD (float, NaN where suppressed) and `undertrykt` (bool)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return pd.DataFrame(columns=[TIME, VALUE, "undertrykt"])
    df = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    df.columns = [c.strip().upper() for c in df.columns]
    if VALUE not in df.columns:
        raise ValueError(f"svaret har ingen kolonne {VALUE} (kolonner: {', '.join(df.columns)})")
    raw = df[VALUE].str.strip()
    df["undertrykt"] = raw.isin(["..", ".", "-"])
    number = raw.where(~df["undertrykt"]).str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    df[VALUE] = pd.to_numeric(number, errors="coerce")
    return df


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


def yearly_from_quarters(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Quarterly counts to a year: the mean of the year's published quarters, rounded.

    The rule: a year's number of recipients is the average of its quarters' unique recipients, so a year
    with only some quarters published still gets a comparable figure."""
    return (df.groupby([*keys, "aar"], as_index=False)[VALUE].mean()
            .assign(**{VALUE: lambda d: d[VALUE].round()}))


def function_code(values: pd.Series) -> pd.Series:
    """REGK function codes to the kontoplan's dotted form: '52821' or '5.28.21' -> '5.28.21'."""
    digits = values.astype(str).str.replace(".", "", regex=False).str.strip()
    ok = digits.str.fullmatch(r"\d{5}")
    return (digits.str[0] + "." + digits.str[1:3] + "." + digits.str[3:5]).where(ok, "")

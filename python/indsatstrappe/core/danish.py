"""Numbers written the Danish way for people to read (1.234,5 and 12,3 %)."""

from __future__ import annotations

import math

MISSING = "–"  # a number that is not there, in text, tables and workbooks alike: never 0, never an empty cell


def _swap(text: str) -> str:
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def missing(value: object) -> bool:
    """None, NaN or pandas' NA: a number that is not there (written "–", never 0)."""
    try:
        return value is None or math.isnan(float(value))
    except TypeError:  # pandas.NA refuses float()
        return True


def integer(value: float | None) -> str:
    if missing(value):
        return MISSING
    return _swap(f"{round(value):,}")


def decimal(value: float | None, digits: int = 1) -> str:
    if missing(value):
        return MISSING
    return _swap(f"{value:,.{digits}f}")


def percent(share: float | None, digits: int = 1) -> str:
    if missing(share):
        return MISSING
    return decimal(share * 100, digits) + " %"

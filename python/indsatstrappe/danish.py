"""Numbers written the Danish way for people to read (1.234,5 and 12,3 %)."""

from __future__ import annotations

import math


def _swap(text: str) -> str:
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def integer(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _swap(f"{round(value):,}")


def decimal(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _swap(f"{value:,.{digits}f}")


def percent(share: float | None, digits: int = 1) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return decimal(share * 100, digits) + " %"

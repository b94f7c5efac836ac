"""The municipal chart of accounts (kontoplan) as an account number gives it: `528211002` is funktion 5.28.21,
dranst 1, gruppering 002 (FFFFFDGGG); `5.28.21.1.002` is the same written with dots; `52821` / `5.28.21` (no
dranst) is dranst 1 with no grouping."""

from __future__ import annotations

import re

OPERATING_DRANST = "1"  # drift: the money spent
REFUND_DRANST = "2"  # statsrefusion: the state's refund, income, booked as negative amounts
DRANSTER = (OPERATING_DRANST, REFUND_DRANST)

_COMPACT = re.compile(r"^(\d)(\d{2})(\d{2})(?:(\d)(\d{3})?)?$")
_DOTTED = re.compile(r"^(\d)\.(\d{2})\.(\d{2})(?:\.(\d)(?:\.(\d{3}))?)?$")


def parse_account(text: str) -> tuple[str, str, str] | None:
    """(funktion, dranst, gruppering) from an account string, or None if it is not one."""
    value = str(text).strip().replace(" ", "")
    m = _COMPACT.match(value) or _DOTTED.match(value)
    if not m:
        return None
    hk, hf, fn, dranst, grp = m.groups()
    return f"{hk}.{hf}.{fn}", dranst or OPERATING_DRANST, grp or ""

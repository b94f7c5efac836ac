"""Keep CPR numbers out of everything we write: outputs, logs, messages and workbooks."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import pandas as pd

CPR = re.compile(r"^\d{6}[-\s]?\d{4}$")  # ddmmyy-xxxx, ddmmyy xxxx or ten digits
HIDDEN = "(CPR-nummer skjult)"


def looks_like_cpr(value: str) -> bool:
    return bool(CPR.match(str(value).strip()))


def mask(value: str) -> str:
    """A cell value as it may appear in a message."""
    return HIDDEN if looks_like_cpr(value) else value


def new_salt() -> bytes:
    """A fresh key per run: kept in memory only, so pseudonyms cannot be traced back from outputs."""
    return secrets.token_bytes(32)


def pseudonymise(ids: pd.Series, salt: bytes) -> pd.Series:
    """CPR-like identifiers replaced by a keyed hash (HMAC-SHA256); other identifiers kept."""
    text = ids.astype(str).str.strip()
    cpr = text.str.match(CPR)
    if not cpr.any():
        return text
    unique = text[cpr].unique()
    digest = {v: "P" + hmac.new(salt, re.sub(r"[-\s]", "", v).encode(), hashlib.sha256).hexdigest()[:20]
              for v in unique}
    return text.where(~cpr, text[cpr].map(digest))

"""Write outputs so that a crash or Ctrl-C never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..core.errors import InputError

CSV_FORMATS = ("csv", "excel")


@contextlib.contextmanager
def atomic_path(target: Path, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it into place only if the block succeeds. `mode`: the
    new file's permissions (default: an ordinary file's)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    except PermissionError:
        raise InputError.single(str(target.parent.resolve()), "mappen er skrivebeskyttet: her kan ikke skrives.",
                                f"Læg {target.name} i en mappe, du kan skrive i, eller få skriveadgang til mappen. "
                                "Intet er ændret.") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())  # mkstemp makes 0600
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_csv(df: pd.DataFrame, target: Path, fmt: str = "csv") -> None:
    """`csv`: the contract's format (UTF-8, ',' and '.'); `excel`: what Danish Excel opens directly
    (UTF-8 with BOM, ';' and decimal comma)."""
    if Path(target).is_dir():  # said with the folder's name, not the temporary file's that replace() would fail on
        raise InputError.single(str(target), "er en mappe; --ud skal være en fil.",
                                f"Angiv en fil i mappen, fx --ud {Path(target) / 'resultat.csv'}.")
    with atomic_path(target) as tmp:
        if fmt == "excel":
            neutralised(df).to_csv(tmp, index=False, sep=";", decimal=",", encoding="utf-8-sig",
                                   lineterminator="\r\n")
        else:
            df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that Excel would run as a formula (=HYPERLINK(...) in a botilbud's name) start with a quote,
    as OWASP recommends for CSV files meant for spreadsheets; numbers are left as they are."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            text = out[col]
            risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
            out[col] = text.where(~risky, "'" + text.astype(str))
    return out

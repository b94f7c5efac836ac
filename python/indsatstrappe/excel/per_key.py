"""A shared table's rows for one key (a municipality, a staircase and a municipality), grouped once per process:
udsend builds a workbook per municipality from the same tables, and filtering a whole table with pandas for each
workbook cost more than the few rows it found."""

from __future__ import annotations

import pandas as pd

from .held import for_object

_GROUPS: dict = {}


def rows_of(frame: pd.DataFrame, columns: tuple[str, ...], key: tuple) -> pd.DataFrame:
    """The rows of `frame` whose `columns` equal `key`, in the frame's order: what filtering it on each column
    gives. The frame must not change afterwards (the tables of prepared workbook data never do)."""
    groups = for_object(_GROUPS, frame, lambda: {k if isinstance(k, tuple) else (k,): rows for k, rows in
                                                 frame.groupby(list(columns), sort=False, dropna=True)}, columns)
    rows = groups.get(key)
    return frame.iloc[0:0] if rows is None else rows

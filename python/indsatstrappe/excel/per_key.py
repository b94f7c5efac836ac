"""A shared table's rows for one key (a municipality, a staircase and a municipality), grouped once per process:
udsend builds a workbook per municipality from the same tables, and filtering a whole table with pandas for each
workbook cost more than the few rows it found."""

from __future__ import annotations

import pandas as pd

_GROUPS: dict[tuple[int, tuple[str, ...]], tuple[pd.DataFrame, dict]] = {}
_MAX = 16  # a few tables at a time: those being distributed


def rows_of(frame: pd.DataFrame, columns: tuple[str, ...], key: tuple) -> pd.DataFrame:
    """The rows of `frame` whose `columns` equal `key`, in the frame's order: what filtering it on each column
    gives. The frame must not change afterwards (the tables of prepared workbook data never do)."""
    held = _GROUPS.get((id(frame), columns))
    if held is None or held[0] is not frame:
        if len(_GROUPS) >= _MAX:
            _GROUPS.clear()
        groups = {k if isinstance(k, tuple) else (k,): rows
                  for k, rows in frame.groupby(list(columns), sort=False, dropna=True)}
        held = _GROUPS[(id(frame), columns)] = (frame, groups)
    rows = held[1].get(key)
    return frame.iloc[0:0] if rows is None else rows

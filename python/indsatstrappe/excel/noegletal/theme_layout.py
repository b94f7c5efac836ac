"""Where a key figure stands on its theme sheet of the Nøgletal: the theme sheets lay their figures out by
it, and the overview's "Se arket" links point at it (so a link lands on the figure, not on A1)."""

from __future__ import annotations

from functools import cache

from ...core import keyfigures
from ..scaffold import TITLE_ROWS

FIRST_FIGURE_ROW = TITLE_ROWS + 3  # below the title band and the sheet's introduction
FIGURE_HEAD_ROWS = 3  # a figure's name, its definition and the table's header; its years follow
FIGURE_CHART_ROWS = 14  # the chart beside the table: a block is never shorter


def block_height(n_years: int) -> int:
    """A figure's block: its head, a row per year, the series-break note and a blank row; or the chart's height."""
    return max(FIGURE_HEAD_ROWS + n_years + 2, FIGURE_CHART_ROWS)


def figure_top(position: int, n_years: int) -> int:
    """The first row (0-based) of the figure at `position` on its theme sheet."""
    return FIRST_FIGURE_ROW + position * block_height(n_years)


def position_on_sheet(fid: str, trappe: str, tema: str) -> int:
    """A figure's place among its theme's figures, in the catalogue's order (as the theme sheet writes them)."""
    return _theme_ids(trappe, tema).index(fid)


@cache  # the packaged catalogue does not change while the process runs; asked once per overview row
def _theme_ids(trappe: str, tema: str) -> tuple[str, ...]:
    figures = keyfigures.for_staircase(trappe)
    return tuple(figures[figures["tema"] == tema]["id"])

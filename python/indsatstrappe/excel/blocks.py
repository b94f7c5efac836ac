"""Blocks placed top to bottom on a sheet: each block asks for its height and gets its first row, so no
block's row is worked out by hand from the others' (a formula may point at a block further down)."""

from __future__ import annotations


class Rows:
    """Hands out a sheet's rows from `first` down."""

    def __init__(self, first: int):
        self.next = first

    def take(self, height: int, gap: int = 1) -> int:
        """The first row of a block `height` rows high; the next block starts `gap` empty rows below it."""
        top = self.next
        self.next = top + height + gap
        return top

    def clear_of(self, row: int) -> None:
        """The next block starts no higher than `row` (below a chart that hangs over the blocks)."""
        self.next = max(self.next, row)

"""Answers worked out once per process for an object every workbook of a run shares (a table of the prepared data,
the first workbook's strings): udsend asks the same question of the same object for each of 98 municipalities."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


def for_object(store: dict, obj: object, make: Callable[[], T], key: Hashable = None, limit: int = 16) -> T:
    """`make()`, kept in `store` for `obj` (and `key`) while `obj` lives: the store holds the object itself, so its id
    is not reused by another. The object must not change afterwards (prepared data never do)."""
    held = store.get((id(obj), key))
    if held is None or held[0] is not obj:
        if len(store) >= limit:
            store.clear()
        held = store[(id(obj), key)] = (obj, make())
    return held[1]

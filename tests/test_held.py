"""An answer kept for an object is given again for that object only: a new object (even an equal one, or one at
a reused address) gets its own, and the store stays within its limit."""

from __future__ import annotations

from indsatstrappe.excel.held import for_object


def test_an_answer_is_kept_for_the_very_object():
    store: dict = {}
    made: list[int] = []

    def answer(obj: list) -> int:
        return for_object(store, obj, lambda: made.append(len(obj)) or len(obj), limit=3)

    a = [1, 2]
    assert answer(a) == answer(a) == 2 and made == [2]
    assert answer([1, 2]) == 2 and made == [2, 2]  # equal, but another object
    for n in range(5):
        answer(list(range(n)))
    assert len(store) <= 3

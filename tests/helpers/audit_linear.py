"""openxml-audit as its console script runs it, with one lookup made linear: the position of an element among
its same-tag siblings (the `[N]` of a path in the report) is counted once per parent instead of once per
element. openxml-audit 0.8 counts it by walking the siblings every time, which makes a sheet of 22,000 rows
take minutes (the Udgiftsmodel template: 142 s, 23 s with this). Nothing else changes: the validation rules
and the report are openxml-audit's, and tests/test_templates.py checks the report is the same word for word.

Run: python audit_linear.py -f office2016 FILE"""

from __future__ import annotations

import sys

from lxml import etree
from openxml_audit import context

_positions: dict[etree._Element, dict[etree._Element, int]] = {}  # parent -> {child: position}


def sibling_position(element: etree._Element) -> int:
    """1-based position of `element` among its parent's children of the same tag (as openxml-audit's own)."""
    parent = element.getparent()
    if parent is None:
        return 1
    table = _positions.get(parent)
    if table is None:  # holding the proxies keeps lxml from handing out new ones for the same nodes
        table, counts = {}, {}
        for child in parent:
            counts[child.tag] = counts.get(child.tag, 0) + 1
            table[child] = counts[child.tag]
        _positions[parent] = table
    return table[element]


if __name__ == "__main__":
    context._sibling_position = sibling_position
    from openxml_audit.cli import main

    sys.exit(main())

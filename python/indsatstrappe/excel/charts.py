"""Charts that draw a missing value as a gap.

A chart keeps a cache of the numbers it shows, for viewers that do not recalculate. XlsxWriter writes a
cell that is not a number (#N/A: a hidden or missing value) there as 0, so a preview would draw a hidden
count as a real 0. This is the one place our foundation reaches past XlsxWriter's public API: the cache
element is written by XlsxWriter's own element writers, with such a point left out. tests/test_speed.py
runs on every XlsxWriter version the pin allows, and the chart tests read the caches back.
"""

from __future__ import annotations

from functools import cache


def is_number(token) -> bool:
    """A cached point that is a number (XlsxWriter hands cell values as numbers or text)."""
    if token is None:
        return False
    if type(token) is float or type(token) is int:  # a formula's value (most points): no parsing
        return True
    try:
        float(token)
    except ValueError:
        return False
    return True


def _write_num_cache(chart, data) -> None:
    data = data or []
    chart._xml_start_tag("c:numCache")
    chart._write_format_code("General")
    chart._write_pt_count(len(data))
    for i, token in enumerate(data):
        if is_number(token):
            chart._write_pt(i, token)
    chart._xml_end_tag("c:numCache")


@cache
def gap_class(cls: type) -> type:
    """`cls` (an XlsxWriter chart class) with gaps for points that are not numbers."""
    return type("Gap" + cls.__name__, (cls,), {"_write_num_cache": _write_num_cache})


def gap_chart(chart):
    """The chart, drawing a missing value as a gap."""
    chart.__class__ = gap_class(type(chart))
    return chart

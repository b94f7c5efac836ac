"""Page breaks are remembered per printed shape (most sheets print alike in every municipality's workbook): a
sheet of the same shape gets the same breaks, a changed shape its own, and a caller cannot change what is kept."""

from __future__ import annotations

from indsatstrappe.excel import pages


def _sheet(**changes) -> pages.PrintedSheet:
    sheet = pages.PrintedSheet(area=(0, 0, 200, 5), last_written=200, landscape=False)
    sheet.charts.append((30, 250.0))
    sheet.headings.update({10, 60, 120})
    for name, value in changes.items():
        setattr(sheet, name, value)
    return sheet


def test_breaks_follow_the_shape_and_are_the_callers_own():
    first = pages.breaks(_sheet())
    assert first and first == pages._breaks(_sheet())  # the same as worked out afresh
    first.append(999)
    assert pages.breaks(_sheet()) == pages._breaks(_sheet())  # the kept answer was not changed by the caller
    taller = _sheet(heights={r: 40.0 for r in range(0, 200)})
    assert pages.breaks(taller) == pages._breaks(taller) != pages.breaks(_sheet())
    assert pages.breaks(_sheet(one_page=True)) == []

"""A chart written from a template is the chart XlsxWriter writes for the same calls and cells; a chart
whose calls differ from its template is made by XlsxWriter after all."""

from __future__ import annotations

import io
import zipfile

from xlsxwriter.workbook import Workbook

from indsatstrappe.excel.speed import chartstamp


def _book(values: list[float], title: str, templates: list | None) -> tuple[bytes, list[chartstamp.Recorder], int]:
    buffer = io.BytesIO()
    wb = Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("Tal & år")
    ws.write_string(0, 1, "Kommunen")
    for i, v in enumerate(values):
        ws.write_number(1 + i, 0, 2020 + i)
        ws.write_formula(1 + i, 1, f"={v}", None, v if v >= 0 else "")  # "" as a formula shows nothing
    rec = chartstamp.new_chart(wb, {"type": "line"}, defer=templates is not None)
    rec.chart.add_series({"name": ["Tal & år", 0, 1], "categories": ["Tal & år", 1, 0, len(values), 0],
                          "values": ["Tal & år", 1, 1, len(values), 1], "line": {"color": "#2E75B6"}})
    rec.chart.set_title({"name": title})
    rec.chart.set_size({"width": 500, "height": 250})
    ws.insert_chart(0, 3, rec.chart)
    stamped = chartstamp.apply(wb, [rec], templates) if templates is not None else 0
    wb.close()
    return buffer.getvalue(), [rec], stamped


def _chart_xml(zipped: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        return z.read("xl/charts/chart1.xml").decode("utf-8")


def test_a_stamped_chart_is_the_chart_xlsxwriter_writes():
    first, recorders, _ = _book([1.5, 2.0, 3.25], "Udvikling", None)
    templates = [chartstamp.template_of(_chart_xml(first), recorders[0].calls)]
    assert len(templates[0].slots) == 3  # name, categories, values
    stamped, _, n = _book([7.0, -1.0, 9.5], "Udvikling", templates)
    full, _, _ = _book([7.0, -1.0, 9.5], "Udvikling", None)
    assert n == 1
    assert _chart_xml(stamped) == _chart_xml(full)
    assert "<c:v>9.5</c:v>" in _chart_xml(stamped) and "<c:v>3.25</c:v>" not in _chart_xml(stamped)


def test_a_chart_made_with_other_calls_is_written_by_xlsxwriter():
    first, recorders, _ = _book([1.5, 2.0, 3.25], "Udvikling", None)
    templates = [chartstamp.template_of(_chart_xml(first), recorders[0].calls)]
    other, _, n = _book([7.0, 8.0, 9.5], "Noget andet", templates)
    full, _, _ = _book([7.0, 8.0, 9.5], "Noget andet", None)
    assert n == 0
    assert _chart_xml(other) == _chart_xml(full)
    assert "Noget andet" in _chart_xml(other)


def test_a_call_is_known_by_its_values_alone():
    """The same values give the same key in every process, however the objects are shared; a 1, a 1.0 and a True
    (and 0.0 and -0.0) are different calls, as XlsxWriter may write them differently."""
    one, two = "ab" * 3, "".join(["ab"] * 3)
    assert chartstamp.call_key("f", (one, one), {}) == chartstamp.call_key("f", (one, two), {})
    keys = [chartstamp.call_key("f", (v,), {}) for v in (1, 1.0, True, 0.0, -0.0, "1", [1], (1,))]
    assert len(set(keys)) == len(keys)

    class Plain:
        def __repr__(self) -> str:
            return "Plain()"
    assert chartstamp.call_key("f", (Plain(),), {}) == b"r" + repr(("f", (Plain(),), {})).encode()

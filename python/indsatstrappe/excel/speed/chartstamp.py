"""Charts of a distributed workbook written from the first workbook's chart XML.

Configuring a chart through XlsxWriter and writing its XML cost about a fifth of a distributed pair, yet
a chart differs between municipalities only in its data caches (the numbers and names it shows before
the spreadsheet recalculates). So every chart's configuration calls are recorded. A workbook that has
the first workbook's charts as templates only records the calls; when closing, a chart whose calls are
the template's is written as the template's XML with caches from this workbook's own cells, and any
other chart gets its calls made after all, so XlsxWriter writes it. tests/test_chartstamp.py and
tests/test_splice.py prove the result is part for part what XlsxWriter writes.
"""

from __future__ import annotations

import copy
import marshal
import re
from dataclasses import dataclass
from functools import cache
from html import unescape

from xlsxwriter.chart_line import ChartLine
from xlsxwriter.workbook import Workbook
from xlsxwriter.xmlwriter import XMLwriter

from ..charts import gap_class, is_number
from .fastsheet import escape as _escape

KEPT = frozenset({"set_size"})  # calls that shape the drawing, not the chart XML: always made
_CACHE = re.compile(r"<c:f>([^<]*)</c:f>(<c:(num|str)Cache>.*?</c:\3Cache>)", re.S)


class Recorder:
    """A chart's configuration calls: each is recorded and, unless deferred, made."""

    def __init__(self, chart, defer: bool):
        self.chart = chart
        self.defer = defer
        self.calls: list[bytes] = []
        self.deferred: list[tuple[str, tuple, dict]] = []
        chart._recorder = self

    def replay(self) -> None:
        """Make the deferred calls on a chart of its own (a copy shares the prototype's nested state)."""
        if not self.deferred:
            return
        state = copy.deepcopy({k: v for k, v in vars(self.chart).items() if k != "_recorder"})
        vars(self.chart).update(state)
        base = type(self.chart).__mro__[1]
        for name, args, kwargs in self.deferred:
            getattr(base, name)(self.chart, *args, **kwargs)
        self.deferred.clear()


def new_chart(wb: Workbook, options: dict, defer: bool) -> Recorder:
    """A chart in `wb` whose configuration calls go through a Recorder. Deferred charts are copies of a
    fresh chart of the same options (XlsxWriter's set-up of a chart's defaults is most of its cost)."""
    key = repr(sorted(options.items()))
    if defer and key in _PROTOTYPES:
        chart = copy.copy(_PROTOTYPES[key])
        wb.charts.append(chart)  # what add_chart does after making the chart
    else:
        chart = wb.add_chart(options)
        chart.__class__ = _recording_class(gap_class(type(chart)))
        if defer:
            _PROTOTYPES[key] = copy.deepcopy(chart)
    return Recorder(chart, defer)


_PROTOTYPES: dict[str, object] = {}
_TYPING = ChartLine()  # XlsxWriter's own data typing, so categories are typed as it types them


@cache
def _recording_class(cls: type) -> type:
    """`cls` with every public method except KEPT going through the chart's Recorder."""
    def through_recorder(name: str):
        real = getattr(cls, name)

        def method(self, *args, **kwargs):
            rec = self._recorder
            rec.calls.append(call_key(name, args, kwargs))  # a copy: later mutation by XlsxWriter can't alter it
            if rec.defer:
                rec.deferred.append((name, args, kwargs))
                return None
            return real(self, *args, **kwargs)
        return method
    names = [n for n in dir(cls) if not n.startswith("_") and n not in KEPT and callable(getattr(cls, n))]
    return type("Recording" + cls.__name__, (cls,), {n: through_recorder(n) for n in names})


def call_key(name: str, args: tuple, kwargs: dict) -> bytes:
    """A call's arguments as bytes that are equal exactly when the values are: marshal's version 2 writes each
    value by its type and content (no back-references, so the same values give the same bytes in every process),
    five times faster than repr; repr where an argument is not a plain value."""
    try:
        return b"m" + marshal.dumps((name, args, kwargs), 2)
    except ValueError:
        return b"r" + repr((name, args, kwargs)).encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class Slot:
    ref: str  # the range formula, e.g. 'Børn – Bevægelser'!$C$7:$C$13
    kind: str  # "num" or "str": the cache element
    category: bool  # a category cache, whose kind follows the data


@dataclass(frozen=True)
class ChartTemplate:
    calls: tuple[bytes, ...]
    chunks: tuple[str, ...]  # the XML around the caches: len(slots) + 1 pieces
    slots: tuple[Slot, ...]


def template_of(xml: str, calls: list[bytes]) -> ChartTemplate:
    chunks, slots, at = [], [], 0
    for m in _CACHE.finditer(xml):
        chunks.append(xml[at:m.start(2)])
        category = xml[max(0, m.start() - 40):m.start()].endswith(("<c:cat><c:numRef>", "<c:cat><c:strRef>"))
        slots.append(Slot(unescape(m.group(1)), m.group(3), category))
        at = m.end(2)
    chunks.append(xml[at:])
    return ChartTemplate(tuple(calls), tuple(chunks), tuple(slots))


def apply(wb: Workbook, recorders: list[Recorder], templates: list[ChartTemplate]) -> int:
    """Before the workbook closes: stamp each chart that matches its template, replay the others' calls.
    Returns the number of stamped charts."""
    if not recorders or not templates:
        for rec in recorders:
            rec.replay()
        return 0
    sheets = {ws.name: ws for ws in wb.worksheets()}
    strings = wb.str_table
    before, table = strings.string_array, strings.string_table
    strings.string_array = sorted(table, key=table.__getitem__)  # string cells are read back as text
    try:
        return _apply(sheets, recorders, templates)
    finally:
        strings.string_array = before  # XlsxWriter makes the real one when it closes


def _apply(sheets: dict, recorders: list[Recorder], templates: list[ChartTemplate]) -> int:
    stamped = 0
    for k, rec in enumerate(recorders):
        template = templates[k] if k < len(templates) else None
        xml = _stamped(sheets, template) if template and tuple(rec.calls) == template.calls else None
        if xml is None:
            rec.replay()
            continue
        rec.chart.series = [{}]  # XlsxWriter refuses to write a chart without series
        rec.chart._assemble_xml_file = _writer(rec.chart, xml)
        stamped += 1
    return stamped


def _stamped(sheets: dict, template: ChartTemplate) -> str | None:
    """The template's XML with caches from `sheets`' cells; None where XlsxWriter would write it otherwise."""
    parts = [template.chunks[0]]
    for slot, chunk in zip(template.slots, template.chunks[1:], strict=True):
        sheet, cells = _chart_range(slot.ref)
        data = sheets[sheet]._get_range_data(*cells) if sheet in sheets else None
        if slot.category and _TYPING._get_data_type(data) != slot.kind:
            return None  # the category axis would be written another way
        if slot.kind == "str" and data is None:
            return None
        parts += [_num_cache(data) if slot.kind == "num" else _str_cache(data), chunk]
    return "".join(parts)


@cache
def _chart_range(ref: str) -> tuple[str, list[int]]:
    """XlsxWriter's parse of a chart range (it reads nothing of the workbook)."""
    return Workbook._get_chart_range(None, ref)


# The caches as XlsxWriter's Chart._write_num_cache (but with gaps) and _write_str_cache write them (checked part
# for part against XlsxWriter's own output by tests/test_splice.py).
def _num_cache(data: list | None) -> str:
    points = [f'<c:pt idx="{i}"><c:v>{_value(token)}</c:v></c:pt>'
              for i, token in enumerate(data or ()) if is_number(token)]  # a gap, never a 0 (charts.py)
    return (f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{len(data or ())}"/>'
            f'{"".join(points)}</c:numCache>')


def _str_cache(data: list) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{_value(token)}</c:v></c:pt>'
                     for i, token in enumerate(data) if token is not None)
    return f'<c:strCache><c:ptCount val="{len(data)}"/>{points}</c:strCache>'


_TEXTS: dict[str, str] = {}  # a text point as written: the same texts (years read as text, names) in every workbook
_TEXTS_MAX = 100_000


def _value(token) -> str:
    kind = type(token)
    if kind is float or kind is int:
        return str(token)
    if kind is not str:
        return str(token) if isinstance(token, int | float) else str(XMLwriter._escape_control_characters(
            _escape(token)))
    text = _TEXTS.get(token)
    if text is None:
        if len(_TEXTS) >= _TEXTS_MAX:
            _TEXTS.clear()
        text = _TEXTS[token] = XMLwriter._escape_control_characters(_escape(token))
    return text


def _writer(chart, xml: str):
    def write() -> None:
        chart.fh.write(xml)
        chart._xml_close()
    return write

"""What a reader would call unfinished in a workbook, found by machine: a sheet with no print area, a long
sheet that does not keep its top in view, wrapped text taller than its row, text cut by a filled neighbour,
an internal code or word in a visible cell, a chart series without a name, a bar or column chart whose value
axis does not start at 0, a unit price of 0 kr., and a printed page that cuts a chart or ends on a heading.
Widths are estimated (a character of Calibri is about one width unit, bold 10 % wider), so the checks are for
clear cases, not pixels."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import openpyxl

CODE = re.compile(r"^(boern|voksne|noegle|ikke_fordelt|uoplyst)$|\w\|\w|\|$")
# words of our code or data files inside a reader's text: a module, a table's file name as a source, a mapping's
# own-data prefix (a file name the user must write, "forloeb.csv", is theirs)
INTERNAL = re.compile(r"indsatstrappe\.\w|\bforloeb\b(?!\.csv)|\bREGK\d+/|\bEGEN:")
# the mapping's codes are the vocabulary of the user's data files (modtagere, forloeb), shown where they are defined
VOCABULARY = {"Definitioner": {"C"}}
LONG = 45  # rows: a sheet longer than a screen keeps its title or header in view


def findings(path: Path, codes_allowed: dict[str, set[str]] | None = None) -> list[str]:
    """`codes_allowed`: per sheet, the column letters whose codes are the user's own vocabulary (inputs)."""
    codes_allowed = {**VOCABULARY, **(codes_allowed or {})}
    formulas, values = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    out = []
    for ws in formulas.worksheets:
        if ws.sheet_state != "visible":
            continue
        shown = values[ws.title]
        if not ws.print_area:
            out.append(f"{ws.title}: intet udskriftsområde")
        if ws.max_row > LONG and ws.freeze_panes is None:
            out.append(f"{ws.title}: {ws.max_row} rækker, men intet er låst i toppen")
        out += _cells(ws, shown, codes_allowed.get(ws.title, set())) + unlabelled_columns(ws, shown)
        out += numbers_into_text(ws, shown)
    return out + _nameless_series(path) + bars_not_from_zero(path) + zero_unit_prices(values) + \
        stacked_in_greyscale(path) + repeated_ticks(path)


def numbers_into_text(ws, shown) -> list[str]:
    """A right-aligned value with left-aligned words right after it in the next column, neither indented: the two
    read as one ("41,7 %Dårligere", "4,2–")."""
    out = []
    for row in ws.iter_rows():
        if ws.row_dimensions[row[0].row].hidden:
            continue
        for c, d in zip(row, row[1:], strict=False):
            left, right = shown.cell(c.row, c.column).value, shown.cell(d.row, d.column).value
            if left in (None, "") or not isinstance(right, str) or not right.strip() or _boxed(c) or _boxed(d) \
                    or _hidden_column(ws, c.column) or _hidden_column(ws, d.column):
                continue
            flush_right = c.alignment.horizontal == "right" or (
                c.alignment.horizontal in (None, "general") and isinstance(left, int | float))
            flush_left = d.alignment.horizontal in (None, "general", "left") and not d.alignment.indent
            if flush_right and flush_left and not (c.alignment.indent and c.alignment.horizontal == "right"):
                out.append(f"{ws.title}!{c.coordinate}:{d.coordinate}: tallet løber ind i teksten ved siden af "
                           f"({left!r} {right[:20]!r})")
    return out


def _last_printed_column(ws) -> int | None:
    """The print area's last column (1-based), if the sheet has one."""
    area = ws.print_area
    if not area:
        return None
    last = re.findall(r"\$?([A-Z]+)\$?\d+", area.split(",")[0])[-1]
    return openpyxl.utils.column_index_from_string(last)


def _boxed(cell) -> bool:
    """A cell with a fill or a border stands apart from its neighbour (an input, a header)."""
    return (cell.fill is not None and cell.fill.fill_type == "solid") or bool(cell.border and cell.border.left.style)


def _hidden_column(ws, col: int) -> bool:
    return any(dim.hidden for dim in ws.column_dimensions.values()
               if dim.min is not None and dim.max is not None and dim.min <= col <= dim.max)


def unlabelled_columns(ws, shown) -> list[str]:
    """A table's column without a header: an empty header cell (none of a merged header's own) between two
    headed columns."""
    covered = {(r, c) for rng in ws.merged_cells.ranges if rng.min_col < rng.max_col
               for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col + 1, rng.max_col + 1)}
    out = []
    for row in ws.iter_rows():
        heads = [c for c in row if c.fill is not None and c.fill.fill_type == "solid"
                 and str(c.fill.fgColor.rgb).endswith("D9E2F3")]
        if len(heads) < 3:
            continue
        named = [c.column for c in heads if shown.cell(c.row, c.column).value not in (None, "")]
        for c in heads:
            empty = shown.cell(c.row, c.column).value in (None, "") and (c.row, c.column) not in covered
            if empty and named and min(named) < c.column < max(named):
                out.append(f"{ws.title}!{c.coordinate}: kolonne uden overskrift i en tabel")
    return out


def bars_not_from_zero(path: Path) -> list[str]:
    """A bar or column chart must start its value axis at 0 (8 and 9 must not look like 1 to 2), unless its
    cached values reach 0 or below, where every program takes 0 in."""
    out = []
    for name, xml in _charts(path):
        if "<c:barChart>" not in xml:
            continue
        scaling = re.search(r"<c:valAx>.*?<c:scaling>(.*?)</c:scaling>", xml, re.S)
        from_zero = scaling is not None and '<c:min val="0"/>' in scaling.group(1)
        cached = [float(v) for v in re.findall(r"<c:numCache>.*?</c:numCache>", xml, re.S)
                  for v in re.findall(r"<c:v>(-?[\d.Ee+-]+)</c:v>", v)]
        if not from_zero and not any(v <= 0 for v in cached):
            out.append(f"{name}: søjle-/bjælkediagrammets akse starter ikke ved 0")
    return out


def repeated_ticks(path: Path) -> list[str]:
    """A value axis in whole numbers over values below 5: the program steps it by 0,5 and shows 0, 1, 1, 2."""
    out = []
    for name, xml in _charts(path):
        axis = re.search(r"<c:valAx>.*?</c:valAx>", xml, re.S)
        fmt = re.search(r'<c:numFmt formatCode="([^"]*)"', axis.group(0)) if axis else None
        if fmt is None or fmt.group(1) not in ("#,##0", "0"):
            continue
        cached = [abs(float(v)) for cache in re.findall(r"<c:val>.*?</c:val>", xml, re.S)  # not the categories
                  for v in re.findall(r"<c:v>(-?[\d.Ee+-]+)</c:v>", cache)]
        if cached and max(cached) < 5:
            out.append(f"{name}: aksen viser hele tal, men værdierne er under 5 (gentagne tal på aksen)")
    return out


def stacked_in_greyscale(path: Path) -> list[str]:
    """A stacked chart's parts must stay apart in greyscale print: each series' fill at least 20 grey levels from
    the next one's, and each part drawn with a border."""
    out = []
    for name, xml in _charts(path):
        if '<c:grouping val="stacked"/>' not in xml and '<c:grouping val="percentStacked"/>' not in xml:
            continue
        series = re.findall(r"<c:ser>(.*?)</c:ser>", xml, re.S)
        greys = []
        for i, ser in enumerate(series):
            fill = re.search(r"<c:spPr><a:solidFill><a:srgbClr val=\"([0-9A-F]{6})\"", ser)
            if fill is None:
                continue
            r, g, b = (int(fill.group(1)[k:k + 2], 16) for k in (0, 2, 4))
            greys.append(0.299 * r + 0.587 * g + 0.114 * b)
            if "<a:ln" not in ser.split("</c:spPr>")[0]:
                out.append(f"{name}: serie {i + 1} i et stablet diagram har ingen kant")
        out += [f"{name}: serie {i + 1} og {i + 2} er næsten samme grå ({a:.0f} og {b:.0f})"
                for i, (a, b) in enumerate(zip(greys, greys[1:], strict=False)) if abs(a - b) < 20]
    return out


def _charts(path: Path):
    """(part name, XML) of every chart in the workbook."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if re.match(r"xl/charts/chart\d+\.xml$", name):
                yield name, z.read(name).decode("utf-8")


def zero_unit_prices(values) -> list[str]:
    """A unit price (kr. per citizen) of exactly 0: a step without money has no price ('–'), not 0 kr."""
    out = []
    for ws in values.worksheets:
        if ws.sheet_state != "visible" or ws.title not in ("Enhedspriser", "Scenarie"):
            continue
        for row in ws.iter_rows():
            label = next((c.value for c in row if isinstance(c.value, str)), "")
            priced = ws.title == "Enhedspriser" or str(label).startswith("Enhedspris")
            for c in row:
                if priced and isinstance(c.value, int | float) and not isinstance(c.value, bool) and c.value == 0 \
                        and (ws.title == "Scenarie" or c.column > 2):
                    out.append(f"{ws.title}!{c.coordinate}: enhedspris 0 kr.")
    return out


def _cells(ws, shown, allowed_cols: set[str]) -> list[str]:
    out = []
    merged = {}
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = (sum(_width(ws, c) for c in range(rng.min_col, rng.max_col + 1)),
                                              rng.max_col)
    for row in shown.iter_rows():
        for c in row:
            text = c.value
            if not isinstance(text, str) or not text or _hidden_column(ws, c.column):
                continue
            if (CODE.search(text.strip()) or INTERNAL.search(text)) and c.column_letter not in allowed_cols:
                out.append(f"{ws.title}!{c.coordinate}: intern kode '{text[:60]}'")
            width, last = merged.get((c.row, c.column), (_width(ws, c.column), c.column))
            style = ws.cell(c.row, c.column)
            size = style.font.sz or 11
            need = len(text) * size / 11 * (1.1 if style.font.b else 1.0)
            if style.alignment.wrap_text:
                scale = size / 11 * (1.1 if style.font.b else 1.0)
                longest = max(text.split(), key=len, default="")
                if len(longest) * scale > width * 1.05:
                    out.append(f"{ws.title}!{c.coordinate}: ordet {longest!r} brydes midt i "
                               f"(kolonnen er {width:.0f} bred)")
                lines = math.ceil(need / max(width, 1)) + text.count("\n")
                height = ws.row_dimensions[c.row].height or 15
                if lines > 1 and lines * 15 * size / 11 > height * 1.15:
                    out.append(f"{ws.title}!{c.coordinate}: ombrudt tekst på {lines} linjer i en række på "
                               f"{height} pt: {text[:40]!r}")
            elif need > width * 1.05 and shown.cell(c.row, last + 1).value not in (None, ""):
                out.append(f"{ws.title}!{c.coordinate}: teksten skæres af naboen: {text[:40]!r}")
            elif need > width * 1.05 and last == _last_printed_column(ws):
                out.append(f"{ws.title}!{c.coordinate}: teksten skæres af sidens kant: {text[:40]!r}")
    return out


def _width(ws, col: int) -> float:
    """A column's width; openpyxl keys a range of columns written as one (<col min max>) by its first letter."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.max is not None and dim.min <= col <= dim.max and dim.width:
            return dim.width
    return 8.43


def _nameless_series(path: Path) -> list[str]:
    """A series name is a literal or a reference whose cached text is not empty (else Excel shows a blank
    legend entry and LibreOffice 'Column I')."""
    out = []
    for name, xml in _charts(path):
        for i, series in enumerate(re.findall(r"<c:ser>(.*?)</c:ser>", xml, re.S)):
            tx = re.search(r"<c:tx>(.*?)</c:tx>", series, re.S)
            texts = re.findall(r"<c:v>([^<]*)</c:v>", tx.group(1)) if tx else []
            if not any(t.strip() for t in texts):
                out.append(f"{name}: serie {i + 1} uden navn")
    return out


def page_plan(path: Path) -> list[tuple[str, str, list[int]]]:
    """(sheet, the title its printed header shows, the rows its pages break before) for every visible sheet, as
    the workbook's XML says."""
    out = []
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'<Relationship Id="(rId\d+)" Type="[^"]+/worksheet" Target="([^"]+)"', rels))
        for name, state, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+"(?: state="(\w+)")? r:id="(rId\d+)"',
                                           book):
            if state:
                continue
            xml = z.read("xl/" + targets[rid]).decode("utf-8")
            header = re.search(r"<oddHeader>&amp;L&amp;\"Calibri,Bold\"(.*?)&amp;R", xml)
            breaks = [int(b) for b in re.findall(r'<brk id="(\d+)"', xml)]
            out.append((_unescape(name), _unescape(header.group(1)).replace("&&", "&") if header else "", breaks))
    return out


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def printed_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF LibreOffice printed."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def pages_per_title(pdf_pages: list[str]) -> dict[str, int]:
    """How many printed pages carry each header title (the first words of the page's first line)."""
    counts: dict[str, int] = {}
    for page in pdf_pages:
        counts[page_title(page)] = counts.get(page_title(page), 0) + 1
    return counts


def page_title(page: str) -> str:
    """The title in a printed page's header: its first words, up to the gap before the date."""
    return re.split(r"\s{2,}", page.strip().splitlines()[0].strip())[0]


def chart_rows(path: Path) -> dict[str, list[tuple[int, int]]]:
    """Per visible sheet: the rows (0-based, first and last) each chart is anchored across."""
    out: dict[str, list[tuple[int, int]]] = {}
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'<Relationship Id="(rId\d+)" Type="[^"]+/worksheet" Target="([^"]+)"', rels))
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+"(?: state="\w+")? r:id="(rId\d+)"', book):
            part = "xl/" + targets[rid]
            rel_part = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if rel_part not in z.namelist():
                continue
            drawing = re.search(r'Target="\.\./drawings/(drawing\d+\.xml)"', z.read(rel_part).decode("utf-8"))
            if drawing is None:
                continue
            xml = z.read("xl/drawings/" + drawing.group(1)).decode("utf-8")
            anchor = r"<xdr:from>.*?<xdr:row>(\d+)</xdr:row>.*?</xdr:from><xdr:to>.*?<xdr:row>(\d+)</xdr:row>"
            spans = re.findall(anchor, xml, re.S)
            out[_unescape(name)] = [(int(a), int(b)) for a, b in spans]
    return out


def page_break_findings(path: Path) -> list[str]:
    """A chart across a page break, or a heading (a title or a table's header row) as the last row of a page."""
    plan = {name: breaks for name, _, breaks in page_plan(path)}
    charts = chart_rows(path)
    book = openpyxl.load_workbook(path)
    out = []
    for name, breaks in plan.items():
        ws = book[name]
        for b in breaks:
            out += [f"{name}: diagrammet i række {a + 1}-{z + 1} deles af sideskiftet før række {b + 1}"
                    for a, z in charts.get(name, []) if a < b <= z]
            last = next((r for r in range(b, 0, -1) if any(c.value not in (None, "") for c in ws[r])), None)
            if last is not None and _is_heading(ws[last]):
                out.append(f"{name}: overskriften i række {last} står nederst på en side")
    return out


def _is_heading(row) -> bool:
    """A row of a heading: blue bold text (h1, h2) or a table's header (light blue fill)."""
    for c in row:
        if c.value in (None, ""):
            continue
        colour = c.font.color.rgb if c.font and c.font.color is not None else None
        fill = c.fill.fgColor.rgb if c.fill and c.fill.fill_type == "solid" else None
        if (c.font.b and isinstance(colour, str) and colour.endswith("1F3864")) or \
                (isinstance(fill, str) and fill.endswith("D9E2F3")):
            return True
    return False

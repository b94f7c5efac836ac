"""The *Botilbud* sheet of the Nøgletal workbook: the five goals for quality in socialpsykiatriske
botilbud as own data (one input row per botilbud and year, numerator and denominator per goal, the
share a formula), the municipality's total per year with a chart, and the register-based movement of the
residents (steps 7-8, § 107 and § 108) from citizen-level episodes.

The goals are the catalogue's; their indicators (what is counted) are ours, as data in
data/botilbudsmaal.csv. The municipality is the one on 'Egne tal' (EgneKommune)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...core import botilbud
from ...core.errors import Problem
from .. import formulas as fx
from ..held import for_object
from ..scaffold import TITLE_ROWS, Book
from ..styles import GREY

SHEET = "Botilbud"
SPARE_ROWS = 40  # empty input rows below the prefilled ones
MIN_ROWS = 60
ROW_CELLS = 2 + 2 * 5  # botilbud, år, then tæller and nævner for M1..M5: what a user types in a row
DIRECTION = {"op": "↑ højere er bedre", "ned": "↓ lavere er bedre"}
SOURCE = ("De fem mål er målene i kataloget for kvalitet i socialpsykiatriske botilbud; hvad der tælles "
          "(tæller og nævner) er værktøjets forslag – skriv jeres egne opgørelser, hvis de er defineret anderledes.")
GAP_COL = 30  # the chart's hidden source columns, right of the printed area (column R)
COLOURS = ["#2E75B6", "#C55A11", "#548235", "#7030A0", "#BF9000"]


@dataclass
class BotilbudInput:
    """What the sheet shows for one municipality."""

    rows: list[list]  # ROW_CELLS a row: botilbud, år, t1, n1, ... t5, n5 (as typed, or from the data)
    movements: pd.DataFrame | None  # botilbud.MOVEMENT_COLUMNS for the municipality; None: no episodes
    movements_note: str = ""


def rows_from_table(table: pd.DataFrame | None, kommune: int) -> list[list]:
    """The data's botilbud table for one municipality as the sheet's input rows (one per botilbud and year, in
    that order)."""
    if table is None or table.empty:
        return []
    return [list(cells) for cells in _rows_by_municipality(table).get(int(kommune), [])]


_ROWS: dict = {}


def _rows_by_municipality(table: pd.DataFrame) -> dict[int, list[list]]:
    """Every municipality's rows, made in one pass over the table and kept for the process (udsend asks for
    each municipality's in turn; filtering and grouping the table each time took 2 % of a Nøgletal's build)."""
    return for_object(_ROWS, table, lambda: _all_rows(table), limit=2)


def _all_rows(table: pd.DataFrame) -> dict[int, list[list]]:
    goal_ids = list(botilbud.goals().index)
    pairs: dict[int, dict[tuple[str, int], dict]] = {}
    for kommune, name, year, m, t, n in zip(table["kommune_kode"].tolist(), table["botilbud"].tolist(),
                                            table["aar"].tolist(), table["maal"].tolist(), table["taeller"].tolist(),
                                            table["naevner"].tolist(), strict=True):
        pairs.setdefault(int(kommune), {}).setdefault((str(name), int(year)), {})[m] = (t, n)  # the last one wins
    out = {}
    for kommune, by_row in pairs.items():
        rows = []
        for (name, year), by_goal in sorted(by_row.items()):
            cells: list = [name, year]
            for m in goal_ids:
                t, n = by_goal.get(m, (None, None))
                cells += [_number_or_none(t), _number_or_none(n)]
            rows.append(cells)
        out[kommune] = rows
    return out


def table_from_rows(rows: list[list], kommune: int) -> pd.DataFrame:
    """The sheet's rows back as the contract's long table (rows without a number pair are left out)."""
    goal_ids = list(botilbud.goals().index)
    out = []
    for cells in rows:
        name, year = cells[0], cells[1]
        for i, m in enumerate(goal_ids):
            t, n = cells[2 + 2 * i], cells[3 + 2 * i]
            if _is_number(t) and _is_number(n):
                out.append((kommune, str(name), int(year), m, float(t), float(n)))
    return pd.DataFrame(out, columns=botilbud.TABLE_COLUMNS)


def check_rows(numbered: list[tuple[int, list]], where: str) -> list[Problem]:
    """Problems in typed rows ((sheet row, twelve cells)): a name and a year on every row with numbers,
    numbers in the number cells, a denominator above 0 and a numerator no larger, one row per botilbud
    and year."""
    problems = []
    seen: dict[tuple, int] = {}
    for r, cells in numbered:
        name, year = cells[0], cells[1]
        if name in (None, ""):
            problems.append(Problem(where, "rækken har tal men intet botilbud.", "Skriv botilbuddets navn i "
                                    "kolonne B, eller slet tallene.", r, "B"))
        if not (_is_number(year) and float(year).is_integer() and 1990 <= year <= 2100):
            problems.append(Problem(where, f"'{year if year is not None else ''}' er ikke et årstal.",
                                    "Skriv året som fx 2024.", r, "C"))
        elif name not in (None, ""):
            key = (str(name).strip(), int(year))
            if key in seen:
                problems.append(Problem(where, f"{key[0]} {key[1]} står også i række {seen[key]}.",
                                        "Saml tallene i én række pr. botilbud og år.", r, "B"))
            seen.setdefault(key, r)
        for i in range(len(botilbud.goals())):
            t, n = cells[2 + 2 * i], cells[3 + 2 * i]
            t_col, n_col = fx.xl_col(3 + 3 * i), fx.xl_col(4 + 3 * i)
            for value, col in ((t, t_col), (n, n_col)):
                if value not in (None, "") and not _is_number(value):
                    problems.append(Problem(where, f"'{value}' er ikke et tal.", "Skriv et helt tal eller lad "
                                            "cellen stå tom.", r, col))
            if _is_number(n) and n <= 0:
                problems.append(Problem(where, "nævneren skal være større end 0.", "", r, n_col))
            elif _is_number(t) and _is_number(n) and (t < 0 or t > n):
                problems.append(Problem(where, f"tælleren ({t:g}) skal ligge mellem 0 og nævneren ({n:g}).",
                                        "Tælleren er de beboere af nævnerens, der når målet.", r, t_col))
    return problems


def _number_or_none(value):
    return float(value) if _is_number(value) else None


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not pd.isna(value)


def write(book: Book, data: BotilbudInput, kommune_navn: str) -> Worksheet:
    s = book.styles
    goals = botilbud.goals()
    ws = book.sheet(SHEET, "Kvalitet i botilbud", "De fem mål for socialpsykiatriske botilbud og beboernes "
                    "bevægelser på trappen", landscape=True)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 10)
    ws.set_column(3, 17, 11)
    ws.set_column(3, 7, 15)  # the five goals' headers: "beskæftigelse" whole
    r = TITLE_ROWS + 1
    ws.write_formula(r, 1, '="Botilbud i "&EgneKommune', s.h1, f"Botilbud i {kommune_navn}")
    ws.merge_range(r + 1, 1, r + 1, 14, "Skriv hvert botilbuds tal pr. år i de gule felter nederst (én række pr. "
                   "botilbud og år). Andelene og kommunens samlede tal regner med det samme; opgørelsen har årene i "
                   "tabellen og året efter, flere år kommer med, når projektmappen opdateres ('Opdater data'). "
                   "Kommunen er den, der står på arket 'Egne tal'. " + SOURCE, s.note)
    ws.set_row(r + 1, 42)

    r += 3
    ws.write_string(r, 1, "De fem mål", s.h2)
    for col, h in ((1, "Mål"), (2, "Id"), (9, "Ønsket retning")):
        ws.write_string(r + 1, col, h, s.header)
    ws.set_row(r + 1, 28)
    ws.merge_range(r + 1, 3, r + 1, 8, "Hvad der tælles (tæller af nævner)", s.header)
    for i, goal in enumerate(botilbud.goal_rows()):
        rr = r + 2 + i
        ws.write_string(rr, 1, goal.navn, s.wrap)
        ws.write_string(rr, 2, goal.id, s.text)
        what = f"{goal.indikator}. Tæller: {goal.taeller.lower()}; nævner: {goal.naevner.lower()}."
        ws.merge_range(rr, 3, rr, 8, what, s.wrap)
        ws.write_string(rr, 9, DIRECTION[goal.retning], s.text)
        book.fit_row(ws, rr, [(goal.navn, 30), (what, 10 + 5 * 11)], font_pt=10, minimum=30)

    capacity = max(len(data.rows) + SPARE_ROWS, MIN_ROWS)
    years = _summary_years(data.rows)
    r_sum = r + 2 + len(goals) + 1
    r_mov = r_sum + max(len(years) + 4, 18)  # below the chart beside the totals
    n_mov = 0 if data.movements is None else len(data.movements)
    r_in = r_mov + max(n_mov, 1) + 5
    head_in = r_in + 2
    first_in, last_in = head_in + 1, head_in + capacity
    names = _define_input_names(book, first_in, last_in)

    _summary(book, ws, r_sum, years, data.rows, names)
    _movements(book, ws, r_mov, data)
    _inputs(book, ws, r_in, data.rows, capacity)
    ws.print_area(0, 0, last_in, 2 + 3 * len(goals))
    ws.fit_to_pages(1, 0)
    book.freeze_title(ws)
    book.protect(ws)
    return ws


def _summary_years(rows: list[list]) -> list[int]:
    """The years with entries, and the year after the last for next year's entries."""
    typed = sorted({int(c[1]) for c in rows if _is_number(c[1])})
    if not typed:
        return []
    return [*typed, typed[-1] + 1]


def _define_input_names(book: Book, first: int, last: int) -> dict[str, str]:
    names = {"navn": "Bo_navn", "aar": "Bo_aar"}
    book.name_range("Bo_navn", SHEET, first, 1, last)
    book.name_range("Bo_aar", SHEET, first, 2, last)
    for i, goal in enumerate(botilbud.goals().index):
        for part, offset in (("t", 0), ("n", 1)):
            name = f"Bo_{part}{goal[1:]}"
            book.name_range(name, SHEET, first, 3 + 3 * i + offset, last)
            names[f"{part}{goal}"] = name
    return names


def summary_share(rows: list[list], year: int, goal_index: int) -> float | str:
    """The sheet's total for one year and goal: sum of numerators over sum of denominators of the rows
    that have both."""
    pairs = [(c[2 + 2 * goal_index], c[3 + 2 * goal_index]) for c in rows
             if _is_number(c[1]) and int(c[1]) == year]
    pairs = [(t, n) for t, n in pairs if _is_number(t) and _is_number(n) and n > 0 and t >= 0]
    total_n = sum(n for _, n in pairs)
    return sum(t for t, _ in pairs) / total_n if total_n else fx.MISSING


def _summary(book: Book, ws: Worksheet, r: int, years: list[int], rows: list[list], names: dict[str, str]) -> None:
    s = book.styles
    goals = botilbud.goals()
    ws.write_string(r, 1, "Kommunens botilbud i alt (summen af tællerne over summen af nævnerne)", s.h2)
    head = r + 1
    ws.write_string(head, 1, "År", s.header)
    ws.write_string(head, 2, "Botilbud", s.header)
    for i, goal in enumerate(botilbud.goal_rows()):
        ws.write_string(head, 3 + i, f"{goal.id} {goal.navn}", s.header)
    book.fit_row(ws, head, [(f"{g.id} {g.navn}", 11) for g in botilbud.goal_rows()], font_pt=10, minimum=54)
    pct = s.number("pct")
    for k, year in enumerate(years):
        rr = head + 1 + k
        ws.write_number(rr, 1, year, s.number("year"))
        named = sum(1 for c in rows if _is_number(c[1]) and int(c[1]) == year and c[0] not in (None, ""))
        ws.write_formula(rr, 2, f'=SUMPRODUCT(({names["aar"]}={fx.cell(rr, 1)})*({names["navn"]}<>""))',
                         s.number("antal"), named)
        for i, goal in enumerate(goals.index):
            t, n = names[f"t{goal}"], names[f"n{goal}"]
            y = fx.cell(rr, 1)
            both = f'{names["aar"]},{y},{n},">0",{t},">=0"'  # only rows with a number pair, on both sides
            formula = "=" + fx.missing_on_error(f"SUMIFS({t},{both})/SUMIFS({n},{both})")
            ws.write_formula(rr, 3 + i, formula, pct, summary_share(rows, year, i))
    if not years:
        ws.write_string(head + 1, 1, "Ingen tal endnu – skriv dem i tabellen nederst.", s.note)
        return
    chart = book.add_chart({"type": "line"})
    last = head + len(years) - 1  # the spare year for next year's entries stays out of the chart until typed
    for i, goal in enumerate(botilbud.goal_rows()):
        chart.add_series({"name": f"{goal.id} {goal.navn}", "categories": [ws.name, head + 1, 1, last, 1],
                          "values": book.chart_source(ws, head + 1, 3 + i, [summary_share(rows, y, i)
                                                                             for y in years[:-1]], GAP_COL + i),
                          "line": {"color": COLOURS[i], "width": 2.25}, "marker": {"type": "circle", "size": 5,
                          "fill": {"color": COLOURS[i]}, "border": {"color": COLOURS[i]}}})
    chart.set_title({"name": "De fem mål, alle kommunens botilbud", "name_font": {"size": 11}})
    chart.show_hidden_data()  # its source is a hidden column (see Book.chart_source)
    chart.set_y_axis({"num_format": "0%", "min": 0, "major_gridlines": {"visible": True,
                      "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"line": {"color": GREY}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size({"width": 620, "height": 300})
    ws.insert_chart(r, 9, chart)


def _movements(book: Book, ws: Worksheet, r: int, data: BotilbudInput) -> None:
    s = book.styles
    ws.write_string(r, 1, "Beboernes bevægelser på trappen (registerdata fra forløb)", s.h2)
    ws.merge_range(r + 1, 1, r + 1, 10, "Beboere på trin 7-8 (midlertidigt og længerevarende botilbud, SEL "
                   "§ 107 og § 108) den 31. december året før, og hvor de står den 31. december. 'Flyttet ned' "
                   "er eget hjem (trin 1-5), botilbudslignende tilbud (trin 6) eller midlertidigt botilbud. Pr. "
                   "botilbud, når "
                   "forløbene har kolonnen 'tilbud'; en beboer med forløb i to botilbud tæller i begge. "
                   + data.movements_note, s.note)
    ws.set_row(r + 1, 42)
    head = r + 2
    labels = ["Botilbud", "År", "Beboere", *botilbud.MOVEMENT_NAMES.values(), "Andel flyttet ned"]
    for j, h in enumerate(labels):
        ws.write_string(head, 1 + j, h, s.header)
    ws.set_row(head, 42)
    if data.movements is None or data.movements.empty:
        ws.merge_range(head + 1, 1, head + 1, 9, "Ingen forløbsdata for kommunen. Læg forloeb.csv (gerne med "
                       "kolonnen tilbud) i datamappen og opdater projektmappen ('Opdater data').", s.note)
        return
    number = s.number("antal")
    for k, row in enumerate(data.movements.itertuples(index=False)):
        rr = head + 1 + k
        ws.write_string(rr, 1, row.botilbud, s.bold if row.botilbud == botilbud.ALL else s.text)
        ws.write_number(rr, 2, row.aar, s.number("year"))
        for j, col in enumerate(["beboere", *botilbud.MOVEMENT_KINDS]):
            value = getattr(row, col)
            if pd.isna(value):
                ws.write_string(rr, 3 + j, fx.MISSING, number)
            else:
                ws.write_number(rr, 3 + j, float(value), number)
        b, home, lower = fx.cell(rr, 3), fx.cell(rr, 4), fx.cell(rr, 5)
        ws.write_formula(rr, 9, f'=IF(OR(NOT(ISNUMBER({home})),NOT(ISNUMBER({lower})),N({b})=0),'
                                f'{fx.text(fx.MISSING)},({home}+{lower})/{b})', s.number("pct"),
                         fx.shown(row.andel_ned))


def _inputs(book: Book, ws: Worksheet, r: int, rows: list[list], capacity: int) -> None:
    s = book.styles
    goals = botilbud.goals()
    ws.write_string(r, 1, "Botilbuddenes tal (én række pr. botilbud og år)", s.h2)
    top, head = r + 1, r + 2
    ws.merge_range(top, 1, head, 1, "Botilbud", s.header)
    ws.merge_range(top, 2, head, 2, "År", s.header)
    for i, goal in enumerate(botilbud.goal_rows()):
        ws.merge_range(top, 3 + 3 * i, top, 5 + 3 * i, f"{goal.id} {goal.navn}", s.header)
        for j, h in enumerate(["Tæller", "Nævner", "Andel"]):
            ws.write_string(head, 3 + 3 * i + j, h, s.header)
    ws.set_row(top, 30)
    text_in, year_in, count_in, pct = s.input("text"), s.input("year"), s.input("antal"), s.number("pct")
    for k in range(capacity):
        rr = head + 1 + k
        cells = rows[k] if k < len(rows) else [None] * ROW_CELLS
        book.input_cell(ws, rr, 1, cells[0], text_in)
        book.input_cell(ws, rr, 2, cells[1], year_in)
        for i in range(len(goals)):
            t, n = cells[2 + 2 * i], cells[3 + 2 * i]
            tc, nc = 3 + 3 * i, 4 + 3 * i
            book.input_cell(ws, rr, tc, t, count_in)
            book.input_cell(ws, rr, nc, n, count_in)
            cached = t / n if _is_number(t) and _is_number(n) and n else ""
            ws.write_formula(rr, 5 + 3 * i, f'=IF(OR({fx.cell(rr, tc)}="",{fx.cell(rr, nc)}=""),"",'
                             f'IFERROR({fx.cell(rr, tc)}/{fx.cell(rr, nc)},""))', pct, cached)
    first, last = head + 1, head + capacity
    book.validate_input(ws, first, 1, last, 1, "text")
    book.validate_input(ws, first, 2, last, 2, "year")
    for i in range(len(goals)):
        book.validate_input(ws, first, 3 + 3 * i, last, 4 + 3 * i, "whole_count")

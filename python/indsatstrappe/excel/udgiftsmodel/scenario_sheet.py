"""The *Scenarie* sheet of the Udgiftsmodel workbook: the user states movements between steps and sees
citizens and expenses per year with and without them. Native formulas over the Beregning sheet and the
Data sheet; cached values from the core's scenario model fed with the workbook's own twins."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xlsxwriter.worksheet import Worksheet

from ...core import scenario
from .. import formulas as fx
from ..blocks import Rows
from ..datasheet import DataTable
from ..scaffold import TITLE_ROWS, Book
from ..styles import GREY, MUNICIPALITY, NUMBER_FORMATS
from .calc_sheet import CALC_SHEET, Layout, step_header, step_header_value
from .udgiftsmodel_input import ScenarioInput

SHEET = "Scenarie"
HORIZON = 5  # projection years shown
MOVEMENT_ROWS = 8
CHART_ROWS = 15  # the expense chart's height in rows of 20 pixels
UNIT_LABELS = ["Borgere i basisåret", "Enhedspris, kommunen (kr.)", "Enhedspris, gruppen (kr.)",
               "Enhedspris i beregningen (kr.)", "Kilde"]
FIELD_FORMATS = ["year", "year", "rate", "antal", "year", "year"]  # steps and years whole; a share with a decimal
EXAMPLE = [[6, 5, 10, None, 3, 1]]  # 10 % of step 6 to step 5 over 3 years: the example
WARNING = "Advarsel: bevægelserne flytter flere borgere fra et trin, end der står på det."
UNKNOWN = ("Bevægelser til eller fra et trin, som kommunen ikke har tal for i basisåret, regnes ikke (se "
           "bemærkningen ud for bevægelsen).")
BLOCKED = ("Scenariet kan ikke regnes her: antallet af borgere på et eller flere trin i basisåret er skjult "
           "(små tal) eller mangler.")
GAP_COL = 30  # hidden chart-source columns
CHART_TITLE = "Udgift pr. år med og uden ændring"
CHART_BLOCKED = "Ingen graf: antallet på et trin i basisåret er skjult (små tal) eller mangler"
NO_PRICE = "ingen pris (ikke med)"  # a step without a unit cost: left out of the expenses, not priced at 0 kr.
FIELDS = ["Fra trin", "Til trin", "Andel af fra-trinnet (%)", "Eller antal borgere", "Indfases over år",
          "Første år (1 = året efter basisåret)"]


def movements_of(rows: list[list], n_steps: int, known: set[int] | None = None) -> list[scenario.Movement]:
    """The typed rows the formulas will use (rows with a valid from- and to-step, both with a count in the
    base year when `known` says which have); the rest count as empty."""
    out = []
    for row in rows:
        fra, til, andel, antal, over, first = (list(row) + [None] * 6)[:6]
        if not all(isinstance(v, int | float) for v in (fra, til)) or not (1 <= fra <= n_steps and 1 <= til <= n_steps):
            continue
        if known is not None and not {fra, til} <= known:
            continue
        out.append(scenario.Movement(int(fra), int(til), andel=andel / 100 if isinstance(andel, int | float) else None,
                                     antal=float(antal) if isinstance(antal, int | float) else 0.0,
                                     over_aar=max(1, over) if isinstance(over, int | float) else 1,
                                     foerste=first if isinstance(first, int | float) and first != 0 else 1))
    return out


class ScenarioTwin:
    """The sheet's numbers for the preselected choices: base counts and unit costs as the formulas find them."""

    def __init__(self, model, table: DataTable, inputs: ScenarioInput):
        self.model, self.inputs = model, inputs
        sel, trappe, base = model.sel, model.trappe, model.base
        self.n = model.staircase.n_steps
        cells = {t: model.cit_cell(base, t) for t in range(1, self.n + 1)}
        # a hidden count in the base year: the scenario cannot be computed in this workbook
        self.blocked = any(v == "" for v in cells.values())
        # a step the municipality has no count for (words in the cell): unknown, left out as project leaves NaN
        self.counts = {t: float(v) if isinstance(v, int | float) else float("nan") for t, v in cells.items()}
        self.unreported = {t for t, v in cells.items() if isinstance(v, str) and v != ""}
        self.known = set(cells) - self.unreported  # a hidden count blocks the whole sheet instead
        self.own, self.group, self.used, self.source = {}, {}, {}, {}
        for t in range(1, self.n + 1):
            amount, cit = model.steps(base, t), self.counts[t]
            self.own[t] = amount / cit if amount != "" and amount != 0 and cit > 0 else ""  # no money: no price
            self.group[t] = table.group_mean(unit_cost_id(trappe, t), base, sel.group_type, sel.group_name)
            has_own = self.own[t] != "" and self.own[t] != 0
            # no price at all: blank, not 0 kr. (SUMPRODUCT leaves a blank out, as project leaves out a NaN)
            self.used[t] = self.own[t] if has_own else (self.group[t] if self.group[t] is not None else "")
            self.source[t] = "kommunen" if has_own else ("gruppen" if self.group[t] is not None else NO_PRICE)
        self.movements = movements_of(inputs.rows, self.n, self.known)
        prices = {t: (float("nan") if v == "" else v) for t, v in self.used.items()}
        rows = scenario.projection_rows(self.counts, prices, self.movements, base, HORIZON, model.staircase,
                                        inputs.prisstigning / 100, check=False)
        # one dict instead of a frame filter per formula cell
        self._rows = {(int(row[0]), row[1]): dict(zip(scenario.OUTPUT_COLUMNS, row, strict=True)) for row in rows}

    def moved(self, row: int, k: int) -> float:
        fra, til, andel, antal, over, first = (list(self.inputs.rows[row]) + [None] * 6)[:6] \
            if row < len(self.inputs.rows) else [None] * 6
        ok = movements_of([[fra, til, andel, antal, over, first]], self.n, self.known)
        return ok[0].phase(k) * ok[0].size(self.counts.get(ok[0].fra, 0.0)) if ok else 0.0

    def full_size(self, row: int) -> float:
        return self.moved(row, 10**6)

    def unknown_step(self, row: int) -> int | None:
        """The step without a count that a typed movement touches (its note), or None."""
        fra, til = ((list(self.inputs.rows[row]) + [None] * 2)[:2] if row < len(self.inputs.rows) else [None] * 2)
        if not all(isinstance(v, int | float) for v in (fra, til)):
            return None
        return next((int(v) for v in (fra, til) if v in self.unreported), None)

    def with_change(self, k: int, t: int) -> float | str:
        value = float(self._rows[(self.model.base + k, t)]["borgere_med"])
        return fx.MISSING if np.isnan(value) else value

    def total(self, k: int, column: str) -> float:
        return float(self._rows[(self.model.base + k, scenario.TOTAL)][column])


def unit_cost_id(trappe: str, step: int) -> str:
    return f"enhedspris:{trappe}:{step}"


@dataclass(frozen=True)
class _Place:
    """What every block of the sheet reads: the sheet, its inputs, and where the blocks stand."""
    book: Book
    ws: Worksheet
    twin: ScenarioTwin
    table: DataTable
    lay: Layout
    max_steps: int
    r_base: int
    r_mov: int
    r_units: int
    r_proj: int
    r_exp: int
    warn_row: int
    r_notes: int
    group_top: int

    @property
    def counts_row(self) -> int:
        return self.r_units + 1

    @property
    def counts(self) -> str:
        return f"${fx.xl_col(2)}${self.counts_row + 1}:${fx.xl_col(1 + self.max_steps)}${self.counts_row + 1}"

    @property
    def moved_left(self) -> int:
        return 2 + self.max_steps + 2  # helper: moved citizens, one column per year, beside the table

    def guard(self, formula: str) -> str:
        """Nothing computed from a hidden count: '–', never an empty-looking cell."""
        return f'IF(ScenSkjult>0,{fx.text(fx.MISSING)},{formula})'

    def cached(self, value):
        return fx.MISSING if self.twin.blocked else value

    def unknown(self, step: str) -> str:
        """Words instead of a count: the municipality has none for the step ('–' is a hidden count, "" a step
        beyond the staircase); an empty row is no step (INDEX(..,"") would be the row)."""
        at = fx.in_row(self.counts, step)
        return (f'IF(ISNUMBER({step}),IFERROR(ISTEXT({at})*({at}<>"")*({at}<>{fx.text(fx.MISSING)}),0)>0,'
                'FALSE)')


def write(book: Book, twin: ScenarioTwin, table: DataTable, lay: Layout, max_steps: int, area_label: str) -> Worksheet:
    """`lay` places Beregning's blocks (citizens and step amounts by year), which the formulas read."""
    s = book.styles
    ws = book.sheet(SHEET, "Scenarie: hvad er bevægelser ned ad trappen værd?",
                    "Borgere og udgifter med og uden bevægelser mellem trinene, år for år")
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2 + max_steps, 16)  # "(intet trin 7)" on one line
    model = twin.model
    ws.write_formula(TITLE_ROWS + 1, 1, '=ValgtKommune&" · "&ValgtOmraade&" · fra "&Basisaar', s.h1,
                     f"{model.sel.navn} · {area_label} · fra {model.base}")
    ws.merge_range(TITLE_ROWS + 2, 1, TITLE_ROWS + 2, 9,
                   "Skriv bevægelserne i de gule felter. Enten en andel af borgerne på fra-trinnet eller et antal "
                   "borgere. Bevægelsen indfases jævnt over de angivne år og holder derefter.", s.note)
    ws.set_row(TITLE_ROWS + 2, 30)
    # the blocks top to bottom (the unit-cost table reads the group's block at the bottom)
    rows = Rows(TITLE_ROWS + 4)
    r_base = rows.take(2)  # base year, price rise
    r_mov = rows.take(1 + MOVEMENT_ROWS, gap=2)  # header, movements
    r_units = rows.take(1 + len(UNIT_LABELS), gap=2)  # header, the base year's counts and unit costs
    r_proj = rows.take(1 + HORIZON)  # header, citizens per step and year with the change
    r_exp = rows.take(1 + HORIZON, gap=0)  # header, expenses per year; the chart beside it
    warn_row = rows.take(1)
    r_notes = rows.take(1 + len(scenario.ASSUMPTIONS))
    rows.clear_of(r_exp + CHART_ROWS + 2)
    group_top = rows.take(1 + len(lay.years))  # the group's unit costs year by year
    p = _Place(book, ws, twin, table, lay, max_steps, r_base, r_mov, r_units, r_proj, r_exp, warn_row, r_notes,
               group_top)
    for block in (_base_rows, _movements, _unit_costs, _projection, _expenses, _warning, _steps_without_count,
                  _chart, _assumptions, _group_unit_costs):
        block(p)
    ws.print_area(0, 0, group_top + len(lay.years), p.moved_left + HORIZON - 1)  # the chart's width; no sources
    book.freeze_title(ws)
    book.protect(ws)
    return ws


def _base_rows(p: _Place) -> None:
    """The base year and the yearly price rise (an input)."""
    s, ws, twin, model, book, r_base = p.book.styles, p.ws, p.twin, p.twin.model, p.book, p.r_base
    ws.write_string(r_base, 1, "Basisår (vælges på Forsiden)", s.bold)
    ws.write_formula(r_base, 2, "=Basisaar", s.number("year"), model.base)
    ws.write_string(r_base + 1, 1, "Årlig pris- og lønstigning (%)", s.bold)
    ws.write_number(r_base + 1, 2, twin.inputs.prisstigning, s.input("rate"))
    book.name_range("ScenPris", SHEET, r_base + 1, 2)
    ws.write_string(r_base + 1, 3, "0 = faste priser (basisårets priser)", s.note_line)


def _movements(p: _Place) -> None:
    """Six inputs per movement, its full size in citizens, and a note where it is not counted."""
    s, ws, twin = p.book.styles, p.ws, p.twin
    book, r_base, r_mov, counts = p.book, p.r_base, p.r_mov, p.counts
    guard, cached, unknown = p.guard, p.cached, p.unknown
    ws.write_string(r_mov, 1, "Bevægelse", s.header)
    for j, label in enumerate([*FIELDS, "Fuld størrelse (borgere)", "Bemærkning"]):
        ws.write_string(r_mov, 2 + j, label, s.header)
    ws.set_row(r_mov, 42)
    book.name_range("ScenFlyt", SHEET, r_mov + 1, 2, r_mov + MOVEMENT_ROWS, 7)  # read back by refresh
    for col, kind in ((2, "step"), (3, "step"), (4, "percent"), (5, "count"), (6, "years"), (7, "years")):
        book.validate_input(ws, r_mov + 1, col, r_mov + MOVEMENT_ROWS, col, kind)
    book.validate_input(ws, r_base + 1, 2, r_base + 1, 2, "rise")
    for i in range(MOVEMENT_ROWS):
        r = r_mov + 1 + i
        ws.write_string(r, 1, f"Bevægelse {i + 1}", s.text)
        values = (list(twin.inputs.rows[i]) + [None] * 6)[:6] if i < len(twin.inputs.rows) else [None] * 6
        for j, value in enumerate(values):
            book.input_cell(ws, r, 2 + j, value, s.input(FIELD_FORMATS[j]))
        c, e, f = (fx.cell(r, col, True) for col in (2, 4, 5))
        base_count = fx.in_row(counts, c)
        d = fx.cell(r, 3, True)
        valid = f'OR({c}="",{d}="",{c}>AntalTrin,{d}>AntalTrin,{c}<1,{d}<1,{unknown(c)},{unknown(d)})'
        step = twin.unknown_step(i)
        ws.write_formula(r, 9, f'=IF(OR({unknown(c)},{unknown(d)}),"Regnes ikke: trin "&IF({unknown(c)},{c},{d})&'
                               f'" har ikke tal i basisåret","")', s.note_line,
                         f"Regnes ikke: trin {step} har ikke tal i basisåret" if step else "")
        ws.write_formula(r, 8, "=" + guard(f'IF({valid},0,IF({e}<>"",{e}/100*{base_count},N({f})))'),
                         s.number("rate"), cached(twin.full_size(i)))


def _unit_costs(p: _Place) -> None:
    """The base year's counts and unit costs per step, and which price the scenario uses."""
    s, ws, twin, model = p.book.styles, p.ws, p.twin, p.twin.model
    n, years, max_steps, lay = p.twin.n, p.lay.years, p.max_steps, p.lay
    r_units, group_top = p.r_units, p.group_top
    ws.write_string(r_units, 1, "Basisåret", s.header)
    for t in range(1, max_steps + 1):
        ws.write_formula(r_units, 1 + t, step_header(t), s.header, step_header_value(t, n))
    at = "MATCH(Basisaar,L_aar,0)"
    for j, label in enumerate(UNIT_LABELS):
        ws.write_string(r_units + 1 + j, 1, label, s.bold if j == 3 else s.text)
    for j in (0, 4):  # "kræver egne data" and "ingen pris (ikke med)" take two lines in a step's column
        ws.set_row(r_units + 1 + j, 28)
    for t in range(1, max_steps + 1):
        col = 1 + t
        cit = f"INDEX({_col_range(lay, lay.cit_top, 1 + t)},{at})"
        amount = f"INDEX({_col_range(lay, lay.step_top, 1 + t)},{at})"
        own, grp = fx.cell(r_units + 2, col), fx.cell(r_units + 3, col)
        has_own = f"AND(ISNUMBER({own}),{own}<>0)"
        group_col = f"${fx.xl_col(col)}${group_top + 2}:${fx.xl_col(col)}${group_top + 1 + len(years)}"
        base_count = twin.model.cit_cell(model.base, t) if t <= n else ""
        cells = [  # a hidden count ("" on Beregning) shows '–'
            (f"IF({cit}=\"\",{fx.text(fx.MISSING)},{cit})", s.number("antal"),
             fx.MISSING if base_count == "" else base_count),
            (fx.missing_on_error(f"IF({amount}=0,NA(),{amount}/{cit})"), s.number("kr"), fx.shown(twin.own.get(t))),
            (f"INDEX({group_col},{at})", s.number("kr"), fx.shown(twin.group.get(t))),
            (f'IF({has_own},{own},IF(ISNUMBER({grp}),{grp},{fx.text(fx.MISSING)}))', s.number("kr", bold=True),
             fx.shown(twin.used.get(t))),
            (f'IF({has_own},"kommunen",IF(ISNUMBER({grp}),"gruppen",{fx.text(NO_PRICE)}))', s.wrap,
             twin.source.get(t, "")),
        ]
        for j, (formula, fmt, value) in enumerate(cells):
            ws.write_formula(r_units + 1 + j, col, f'=IF({t}<=AntalTrin,{formula},"")', fmt,
                             value if t <= n else "")


def _projection(p: _Place) -> None:
    """Moved citizens per movement and year, then citizens per step and year with the change."""
    s, ws, twin, model = p.book.styles, p.ws, p.twin, p.twin.model
    n, max_steps, r_mov, r_proj = p.twin.n, p.max_steps, p.r_mov, p.r_proj
    counts_row, moved_left, guard, cached = p.counts_row, p.moved_left, p.guard, p.cached
    ws.write_string(r_proj, 1, "Borgere med ændring", s.header)
    for t in range(1, max_steps + 1):
        ws.write_formula(r_proj, 1 + t, step_header(t), s.header, step_header_value(t, n))
    ws.write_string(r_mov - 1, moved_left, "Flyttede borgere pr. bevægelse og år (hjælpetabel)", s.bold)
    fra_rng = f"${fx.xl_col(2)}${r_mov + 2}:${fx.xl_col(2)}${r_mov + 1 + MOVEMENT_ROWS}"
    til_rng = f"${fx.xl_col(3)}${r_mov + 2}:${fx.xl_col(3)}${r_mov + 1 + MOVEMENT_ROWS}"
    for k in range(1, HORIZON + 1):
        col = moved_left + k - 1
        ws.write_formula(r_mov, col, f'="År "&(Basisaar+{k})', s.header, f"År {model.base + k}")
        for i in range(MOVEMENT_ROWS):
            r = r_mov + 1 + i
            g, h, full = (fx.cell(r, c, True) for c in (6, 7, 8))
            phase = f'MIN(1,MAX(0,({k}-IF({h}="",1,{h})+1)/MAX(1,IF({g}="",1,{g}))))'
            ws.write_formula(r, col, "=" + guard(f"{phase}*{full}"), s.number("rate"), cached(twin.moved(i, k)))
    for k in range(1, HORIZON + 1):
        r = r_proj + k
        ws.write_formula(r, 1, f"=Basisaar+{k}", s.number("year"), model.base + k)
        mc = fx.xl_col(moved_left + k - 1)
        moved_col = f"${mc}${r_mov + 2}:${mc}${r_mov + 1 + MOVEMENT_ROWS}"
        for t in range(1, max_steps + 1):
            base_cell = fx.cell(counts_row, 1 + t, True)
            f = (f'IF(ISNUMBER({base_cell}),{base_cell}-SUMIF({fra_rng},{t},{moved_col})+SUMIF({til_rng},{t},'
                 f'{moved_col}),{fx.text(fx.MISSING)})')
            ws.write_formula(r, 1 + t, f'=IF({t}<=AntalTrin,{guard(f)},"")', s.number("antal"),  # whole citizens
                             cached(twin.with_change(k, t)) if t <= n else "")


def _expenses(p: _Place) -> None:
    """Expenses per year with and without the change, their difference and its sum."""
    s, ws, twin, model = p.book.styles, p.ws, p.twin, p.twin.model
    max_steps, r_units, r_proj, r_exp = p.max_steps, p.r_units, p.r_proj, p.r_exp
    counts_row, guard, cached = p.counts_row, p.guard, p.cached
    heads = ["År", "Udgift uden ændring (1.000 kr.)", "Udgift med ændring (1.000 kr.)", "Forskel (1.000 kr.)",
             "Forskel akkumuleret (1.000 kr.)"]
    for j, label in enumerate(heads):
        ws.write_string(r_exp, 1 + j, label, s.header)
    ws.set_row(r_exp, 42)  # the headers wrap: three lines
    used_row = f"${fx.xl_col(2)}${r_units + 5}:${fx.xl_col(1 + max_steps)}${r_units + 5}"
    count_row = f"${fx.xl_col(2)}${counts_row + 1}:${fx.xl_col(1 + max_steps)}${counts_row + 1}"
    cumulative = 0.0
    for k in range(1, HORIZON + 1):
        r = r_exp + k
        rise = f"(1+ScenPris/100)^{k}"
        with_row = f"${fx.xl_col(2)}${r_proj + k + 1}:${fx.xl_col(1 + max_steps)}${r_proj + k + 1}"
        diff = twin.total(k, "forskel")
        cumulative += diff
        ws.write_formula(r, 1, f"=Basisaar+{k}", s.number("year"), model.base + k)
        ws.write_formula(r, 2, "=" + guard(f"SUMPRODUCT({count_row},{used_row})*{rise}"), s.number("tkr"),
                         cached(twin.total(k, "udgift_uden")))
        ws.write_formula(r, 3, "=" + guard(f"SUMPRODUCT({with_row},{used_row})*{rise}"), s.number("tkr"),
                         cached(twin.total(k, "udgift_med")))
        ws.write_formula(r, 4, "=" + guard(f"{fx.cell(r, 3)}-{fx.cell(r, 2)}"), s.number("tkr", bold=True),
                         cached(diff))
        ws.write_formula(r, 5, "=" + guard(f"SUM({fx.cell(r_exp + 1, 4, True)}:{fx.cell(r, 4)})"), s.number("tkr"),
                         cached(cumulative))


def _warning(p: _Place) -> None:
    """Why the results cannot be trusted, where they cannot: a hidden count, more moved than there are, a
    movement not counted."""
    s, ws, twin, n = p.book.styles, p.ws, p.twin, p.twin.n
    max_steps, blocked, r_mov, r_proj = p.max_steps, p.twin.blocked, p.r_mov, p.r_proj
    warn_row = p.warn_row
    with_block = f"{fx.cell(r_proj + 1, 2, True)}:{fx.cell(r_proj + HORIZON, 1 + max_steps, True)}"
    negative = not blocked and any(v != fx.MISSING and v < -1e-9 for k in range(1, HORIZON + 1) for t in range(1, n + 1)
                                   for v in [twin.with_change(k, t)])
    notes = f"{fx.cell(r_mov + 1, 9, True)}:{fx.cell(r_mov + MOVEMENT_ROWS, 9, True)}"
    unknown_rows = any(twin.unknown_step(i) for i in range(MOVEMENT_ROWS))
    ws.write_formula(warn_row, 1, f'=IF(ScenSkjult>0,{fx.text(BLOCKED)},IF(COUNTIF({with_block},"<0")>0,'
                                  f'{fx.text(WARNING)},IF(COUNTIF({notes},"?*")>0,{fx.text(UNKNOWN)},"")))', s.bold,
                     BLOCKED if blocked else WARNING if negative else UNKNOWN if unknown_rows else "")


def _steps_without_count(p: _Place) -> None:
    """How many of the base year's steps have no count shown (hidden or missing)."""
    s, ws, twin, model = p.book.styles, p.ws, p.twin, p.twin.model
    n, max_steps, book, r_base = p.twin.n, p.max_steps, p.book, p.r_base
    counts_row = p.counts_row
    ws.write_string(r_base, 4, "Trin uden antal i basisåret", s.note_line)
    count_cells = f"{fx.cell(counts_row, 2, True)}:{fx.cell(counts_row, 1 + max_steps, True)}"
    steps = "{" + ",".join(str(t) for t in range(1, max_steps + 1)) + "}"
    ws.write_formula(r_base, 7, f'=SUMPRODUCT(--({count_cells}={fx.text(fx.MISSING)}),--({steps}<=AntalTrin))',
                     s.number("antal"),
                     sum(twin.model.cit_cell(model.base, t) == "" for t in range(1, n + 1)))
    book.name_range("ScenSkjult", SHEET, r_base, 7)


def _chart(p: _Place) -> None:
    """The expenses with and without the change; its title says why it is empty where it is."""
    s, ws, twin, book = p.book.styles, p.ws, p.twin, p.book
    blocked, r_exp, cached = p.twin.blocked, p.r_exp, p.cached
    chart = book.add_chart({"type": "line"})
    for col, name, line in ((2, "Uden ændring", {"color": GREY, "width": 2.0, "dash_type": "dash"}),
                            (3, "Med ændring", {"color": MUNICIPALITY, "width": 3.0})):
        values = [cached(twin.total(k, "udgift_uden" if col == 2 else "udgift_med")) for k in range(1, HORIZON + 1)]
        chart.add_series({"name": name, "categories": [ws.name, r_exp + 1, 1, r_exp + HORIZON, 1],
                          "values": book.chart_source(ws, r_exp + 1, col, values, GAP_COL + col), "line": line,
                          "marker": {"type": "circle", "size": 5, "fill": {"color": line["color"]},
                                     "border": {"color": line["color"]}}})
    # the title says why the chart is empty where the scenario cannot be computed (it follows the choices)
    title_col = GAP_COL
    ws.write_formula(r_exp, title_col, f'=IF(ScenSkjult>0,{fx.text(CHART_BLOCKED)},{fx.text(CHART_TITLE)})',
                     s.text, CHART_BLOCKED if blocked else CHART_TITLE)
    ws.set_column(title_col, title_col, None, None, {"hidden": True})
    chart.set_title({"name": [ws.name, r_exp, title_col], "name_font": {"size": 11}})
    chart.show_hidden_data()
    # from 0: a change of a few per cent must look like one, not like a collapse
    chart.set_y_axis({"num_format": NUMBER_FORMATS["mio"], "min": 0, "name": "Mio. kr.",
                      "name_font": {"size": 9, "bold": False},
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": CHART_ROWS * 20})
    ws.insert_chart(r_exp, 8, chart)


def _assumptions(p: _Place) -> None:
    """The model's assumptions, left of the chart."""
    s, ws, r_notes = p.book.styles, p.ws, p.r_notes
    ws.write_string(r_notes, 1, "Forudsætninger", s.h2)
    for i, line in enumerate(scenario.ASSUMPTIONS):
        # left of the chart (column I on), wrapped to the width of columns B-G
        ws.merge_range(r_notes + 1 + i, 1, r_notes + 1 + i, 6, "• " + line, s.wrap)
        ws.set_row(r_notes + 1 + i, 15 * (1 + len(line) // 90))


def _group_unit_costs(p: _Place) -> None:
    """The comparison group's unit costs year by year (Data sheet), read by the unit-cost table."""
    s, ws, model, n = p.book.styles, p.ws, p.twin.model, p.twin.n
    years, max_steps, table, group_top = p.lay.years, p.max_steps, p.table, p.group_top
    ws.write_string(group_top, 1, "Gruppens enhedspriser (kr.)", s.h2)
    for t in range(1, max_steps + 1):
        ws.write_formula(group_top, 1 + t, step_header(t), s.header, step_header_value(t, n))
    for i, y in enumerate(years):
        r = group_top + 1 + i
        ws.write_number(r, 1, y, s.number("year"))
        for t in range(1, max_steps + 1):
            fid_expr = f'"enhedspris:"&TrappeKode&":{t}"'
            value = table.group_mean(unit_cost_id(model.trappe, t), y, model.sel.group_type, model.sel.group_name)
            group = table.group_formula(unit_cost_id(model.trappe, t), y, "GruppeNavn", "GruppeType", fid_expr=fid_expr)
            ws.write_formula(r, 1 + t, f'=IF({t}<=AntalTrin,{group},"")', s.number("kr"),
                             fx.shown(value) if t <= n else "")


def _col_range(lay, top: int, col: int) -> str:
    return f"{fx.quote_sheet(CALC_SHEET)}!{fx.cell(top, col, True)}:{fx.cell(top + len(lay.years) - 1, col, True)}"

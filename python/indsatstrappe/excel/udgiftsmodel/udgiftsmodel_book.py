"""The Udgiftsmodel workbook: a municipality's accounts allocated to the steps by an editable rule
table, with native formulas (and cached values) all the way, so editing a rule, pasting an account
export or choosing another municipality recomputes in plain Excel.

How the formulas allocate (the same rules as `expenses`, in exact fractions rather than øre):
1. every account line on *Konti* finds its rule: the most specific key that exists, tried in order
   trappe|funktion|gruppering|dranst, ...|gruppering|, ...||dranst, ...||, then the same with the main
   function (5.28); 0 when none matches. The lookup is made once per distinct account key (a table
   beside the lines) and each line takes its key's rule;
2. *Beregning* sums the chosen municipality's lines per rule and year, and spreads each rule's sum on
   the steps: wholly to one step, or split by citizens on the key's steps;
3. what no step receives is "ikke fordelt": the area's total minus the steps.
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.worksheet import Worksheet

from .. import formulas as fx
from ..datasheet import COUNTRY, DataTable, write_lists
from ..frontpage import Choice, Derived, Selection, municipality_choices, write_front
from ..scaffold import MAX_STEPS, TITLE_ROWS, Book, BookInfo
from ..styles import HIDDEN_STEPS_COLOUR, NUMBER_FORMATS, SEGMENT_BORDER, STEP_COLOURS, UNPLACED_COLOUR
from . import accounts_sheets, calc_sheet, scenario_sheet
from .allocation_twin import AllocationTwin
from .calc_sheet import CALC_SHEET, Layout, write_step_headers
from .rule_cells import as_code, steps_text
from .udgiftsmodel_input import (
    AREA_LABELS,
    PRICE_CHOICES,
    RULES_SHEET,
    SPARE_RULES,
    ScenarioInput,
    UdgiftsmodelChoices,
    UdgiftsmodelData,
    UdgiftsmodelInput,
    account_lines,
    udgiftsmodel_data,
)

# the workbook's API for its callers (workbooks, distribute, handlers, reader); the input types live in
# udgiftsmodel_input, which the sheet builders import without importing this module
__all__ = ["AREA_LABELS", "PRICE_CHOICES", "RULES_SHEET", "TITLE", "UdgiftsmodelChoices", "UdgiftsmodelData",
           "UdgiftsmodelInput", "account_lines", "build", "udgiftsmodel_data", "write"]

TITLE = "Udgiftsmodel for indsatstrapperne"


def build(path: Path, data: UdgiftsmodelInput, info: BookInfo) -> Book:
    """Write the workbook to `path` (the caller makes that atomic)."""
    return write(Book(path, info), data)


def write(book: Book, data: UdgiftsmodelInput) -> Book:
    """Write the workbook's sheets into `book` and close it."""
    sel = Selection(data.choices.kommune, data.choices.gruppe)
    years = data.shared.years
    model = AllocationTwin(data, sel, data.choices.trappe, data.choices.price, data.base)
    table = data.shared.table
    book.name_the_municipality("ValgtKommune", sel.navn)
    front = book.sheet("Forside", TITLE, "")
    layout = Layout(years, len(data.shared.rules) + SPARE_RULES, len(data.shared.account_keys))
    _expenses_sheet(book, model, table, layout)
    _shares_sheet(book, model, layout)
    _extra_sheet(book, model, layout)
    _unit_cost_sheet(book, model, layout)
    _unplaced_sheet(book, model, layout)
    inputs = data.choices.scenarie or ScenarioInput([list(r) for r in scenario_sheet.EXAMPLE])
    scenario_sheet.write(book, scenario_sheet.ScenarioTwin(model, table, inputs), table, layout, MAX_STEPS,
                         AREA_LABELS[data.choices.trappe])
    accounts_sheets.rules_sheet(book, data)
    calc_sheet.write(book, model, table, layout)
    accounts_sheets.accounts_sheet(book, data, model, layout)
    book.about_sheet(_about_rows())
    accounts_sheets.account_lines_sheet(book, data)
    table.write(book)
    extra = {"L_omraader": list(AREA_LABELS.values()), "L_priser": PRICE_CHOICES}
    if data.shared.prisindeks is not None:
        extra |= {"P_aar": data.shared.prisindeks["aar"].astype(int).tolist(),
                  "P_indeks": data.shared.prisindeks["indeks"].astype(float).tolist()}
    write_lists(book, years, extra)
    _front(book, front, sel, data, years)
    book.close()
    return book




# -- analysis sheets ------------------------------------------------------------------------------

def _years_by_steps(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout, top: int, fmt_kind: str,
                    cell_formula, cell_value, extra_cols: list[tuple[str, object, object]]) -> int:
    """A years x steps table (plus extra columns); returns the last row written."""
    s = book.styles
    n = model.staircase.n_steps
    ws.set_row(top, 28)
    ws.write_string(top, 1, "År", s.header)
    write_step_headers(book, ws, top, 2, n)
    for j, (title, _, _) in enumerate(extra_cols):
        ws.write_string(top, 2 + MAX_STEPS + j, title, s.header)
    for i, y in enumerate(lay.years):
        r = top + 1 + i
        ws.write_number(r, 1, y, s.number("year"))
        for t in range(1, MAX_STEPS + 1):
            ws.write_formula(r, 1 + t, f'=IF({t}<=AntalTrin,{cell_formula(i, t)},"")', s.number(fmt_kind),
                             fx.shown(cell_value(y, t)) if t <= n else "")
        for j, (_, formula, value) in enumerate(extra_cols):
            ws.write_formula(r, 2 + MAX_STEPS + j, "=" + formula(i, r), s.number(fmt_kind), fx.shown(value(y)))
    return top + len(lay.years)


def _stacked_chart(book: Book, ws: Worksheet, model: AllocationTwin, top: int, n_years: int, title: str,
                   kind: str, at: tuple[int, int], num_format: str, unit: str = "") -> None:
    """The years x steps table above as stacked columns. Its header cells are the legend, in the series'
    colours: the chosen area decides how many steps there are, and a chart legend cannot follow that choice
    (a children's chart would list two nameless steps)."""
    chart = book.add_chart({"type": "column", "subtype": kind})
    columns = [(1 + t, f"Trin {t}", STEP_COLOURS[t - 1]) for t in range(1, MAX_STEPS + 1)]
    columns.append((2 + MAX_STEPS, "Ikke fordelt", UNPLACED_COLOUR))
    if not model.shown_in_data:  # a distributed workbook's hidden steps: the bars hold all the money, as the rows
        columns.append((3 + MAX_STEPS, HIDDEN_LABEL, HIDDEN_STEPS_COLOUR))
    for col, name, colour in columns:
        chart.add_series({"name": name, "categories": [ws.name, top + 1, 1, top + n_years, 1],
                          "values": [ws.name, top + 1, col, top + n_years, col], "fill": {"color": colour},
                          "border": SEGMENT_BORDER, "gap": 60})
        dark = colour in (*STEP_COLOURS[4:], HIDDEN_STEPS_COLOUR)
        # a step column beyond the chosen staircase's steps keeps the plain header: it is no series
        shown = {"type": "formula", "criteria": f"={col - 1}<=AntalTrin"} if col <= 1 + MAX_STEPS else \
            {"type": "no_blanks"}
        ws.conditional_format(top, col, top, col, {**shown, "format": book.styles.fmt(
            bg_color=colour, font_color="white" if dark else "black", bold=True)})
    chart.set_title({"name": f"{title} (farverne som i tabellens overskrift)", "name_font": {"size": 11}})
    # from 0 where no municipality's step has negative money (a bar must not start at 6 mio. kr.); where one
    # has, the axis is left to the program, which then takes in the negative values too
    from_zero = kind == "percent_stacked" or model.data.shared.nonnegative_expenses
    chart.set_y_axis({"num_format": num_format, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}},
                      **({"name": unit, "name_font": {"size": 9, "bold": False}} if unit else {}),
                      **({"min": 0} if from_zero else {}), **({"max": 1} if kind == "percent_stacked" else {})})
    chart.set_x_axis({"label_position": "low"})  # the years under the bars, also where money is negative
    chart.set_legend({"none": True})
    chart.set_size({"width": 760, "height": 320})
    ws.insert_chart(at[0], at[1], chart)


def _analysis_sheet(book: Book, model: AllocationTwin, name: str, title: str, description: str, note: str) -> Worksheet:
    s = book.styles
    ws = book.sheet(name, title, description)
    ws.set_column(1, 1, 12)  # years, and "Ikke fordelt" below them
    ws.set_column(2, 2 + MAX_STEPS + 3, 14)  # steps, Ikke fordelt, (På skjulte trin,) I alt, refund
    sel = model.sel
    ws.write_formula(TITLE_ROWS + 1, 1, '=ValgtKommune&" · "&ValgtOmraade&" · "&Prisniveau&'
                     'IF(Prisniveau="Faste priser"," ("&Basisaar&")","")', s.h1,
                     f"{sel.navn} · {AREA_LABELS[model.trappe]} · {model.price}"
                     + (f" ({model.base})" if model.price == "Faste priser" else ""))
    if not model.shown_in_data:  # a distributed workbook: say why a cell can be empty
        note += " " + HIDDEN_NOTE
    ws.merge_range(TITLE_ROWS + 2, 1, TITLE_ROWS + 2, 11, note, s.note)
    book.fit_row(ws, TITLE_ROWS + 2, [(note, 12 + 10 * 14)], font_pt=10, minimum=30)  # columns B-L
    return ws


def _expenses_sheet(book: Book, model: AllocationTwin, table: DataTable, lay: Layout) -> None:
    ws = _analysis_sheet(book, model, "Udgifter pr. trin", "Udgifter pr. trin",
                         "Nettoudgift pr. trin år for år, og pr. indbygger mod gruppe, region og land",
                         "Beløb i 1.000 kr. Nettodriftsudgifter (dranst 1 og 2) fordelt på trin med "
                         "fordelingsnøglen. 'Ikke fordelt' er det, ingen regel placerer på et trin (se arket Ikke "
                         "fordelt). 'Heraf statsrefusion' er områdets indtægter på dranst 2 (negative), som er "
                         "trukket fra i trinene og I alt.")
    top = TITLE_ROWS + 4
    f = model.factor
    last = _years_by_steps(
        book, ws, model, lay, top, "tkr", lambda i, t: fx.missing_on_error(f"{lay.steps_amount(i, t)}*{lay.factor(i)}"),
        lambda y, t: model.steps(y, t) * f(y) if model.steps(y, t) != "" else "",
        [("Ikke fordelt", lambda i, r: f"{lay.unplaced(i)}*{lay.factor(i)}", lambda y: model.unplaced(y) * f(y)),
         *_hidden_column(model, lambda i: lay.on_hidden(i), lambda y: model.on_hidden_steps(y) * f(y),
                         lambda i: lay.factor(i)),
         ("I alt", lambda i, r: f"{lay.total(i)}*{lay.factor(i)}", lambda y: model.total_of(y) * f(y)),
         (REFUND_LABEL, lambda i, r: f"{lay.refund_total(i)}*{lay.factor(i)}", lambda y: model.refund_of(y) * f(y))])
    _stacked_chart(book, ws, model, top, len(lay.years), "Udgifter pr. trin", "stacked",
                   (last + 2, 1), NUMBER_FORMATS["mio"], "Mio. kr.")
    last = _refunds_table(book, ws, model, lay, last + 2 + CHART_ROWS + 1)
    # comparison per inhabitant of the age group, latest year, default rules for everyone
    s = book.styles
    y = lay.years[-1]
    c0 = last + 3
    ws.write_string(c0, 1, f"Kr. pr. indbygger i aldersgruppen, {y}: kommunen mod gruppe, region og landet", s.h2)
    last_i = len(lay.years) - 1  # in the chosen price level, as the table above
    ws.merge_range(c0 + 1, 1, c0 + 1, 11, "Sammenligningen bruger den medfølgende standardnøgle for alle kommuner "
                   "(også den valgte), så tallene er sammenlignelige; ændrer du reglerne, ændres tabellen ovenfor, "
                   "ikke denne.", s.note)
    ws.set_row(c0 + 1, 30)
    for j, h in enumerate(["Trin", "Kommunen", "Gruppen", "Regionen", COUNTRY]):
        ws.write_string(c0 + 2, 1 + j, h, s.header)
    sel = model.sel
    for t in [*range(1, MAX_STEPS + 1), 0]:
        r = c0 + 3 + (t - 1 if t else MAX_STEPS)
        fid = f"udgift:{model.trappe}:{t}"
        expr = f'"udgift:"&TrappeKode&":{t}"'
        label = f'=IF({t}<=AntalTrin,"Trin {t}","")' if t else '="Ikke fordelt"'
        show = t == 0 or t <= model.staircase.n_steps
        ws.write_formula(r, 1, label, s.text, (f"Trin {t}" if t else "Ikke fordelt") if show else "")
        cells = [
            (table.own_formula(fid, y, fid_expr=expr), table.own(fid, sel.kommune, y)),
            (table.group_formula(fid, y, "GruppeNavn", "GruppeType", fid_expr=expr),
             table.group_mean(fid, y, sel.group_type, sel.group_name)),
            (table.group_formula(fid, y, "KommuneRegion", None, fid_expr=expr),
             table.group_mean(fid, y, "region", sel.region)),
            (table.country_formula(fid, y, fid_expr=expr), table.country(fid, y)),
        ]
        for j, (formula, value) in enumerate(cells):
            priced = fx.missing_on_error(f"{formula}*{lay.factor(last_i)}")
            guard = f'=IF({t}<=AntalTrin,{priced},"")' if t else "=" + priced
            ws.write_formula(r, 2 + j, guard, s.number("kr"),
                             fx.shown(None if value is None else value * model.factor(y)) if show else "")
    ws.print_area(0, 0, c0 + 3 + MAX_STEPS, PRINT_LAST_COL)
    book.freeze_title(ws)
    book.protect(ws)


def _refunds_table(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout, r: int) -> int:
    """Statsrefusion per step from row `r`, in the chosen prices: the part of each step's net expense above
    that is the state's refund (income, negative). '–' where the step's expense is hidden. Returns its last
    row."""
    s = book.styles
    f = model.factor
    ws.write_string(r, 1, f"{REFUND_LABEL} pr. trin (1.000 kr.)", s.h2)
    note = ("Statsrefusion og andre indtægter på dranst 2 (negative beløb) er trukket fra i tabellen ovenfor. Her er "
            "de for sig: hver regel fordeler sin refusion på trinene, som den fordeler sine udgifter.")
    ws.merge_range(r + 1, 1, r + 1, 11, note, s.note)
    book.fit_row(ws, r + 1, [(note, 12 + 10 * 14)], font_pt=10)

    def step(y, t):
        return model.step_refund(y, t) * f(y) if model.steps(y, t) != "" else ""
    hidden = (_hidden_column(model, lambda i: lay.refund_on_hidden(i), lambda y: model.refund_on_hidden_steps(y) * f(y),
                             lambda i: lay.factor(i)))
    return _years_by_steps(
        book, ws, model, lay, r + 2, "tkr",
        lambda i, t: f'IF(ISNUMBER({lay.steps_amount(i, t)}),{lay.refund_raw(i, t)}*{lay.factor(i)},'
                     f'{fx.text(fx.MISSING)})', step,
        [("Ikke fordelt", lambda i, _: f"{lay.refund_unplaced(i)}*{lay.factor(i)}",
          lambda y: model.unplaced_refund(y) * f(y)), *hidden,
         ("I alt", lambda i, _: f"{lay.refund_total(i)}*{lay.factor(i)}", lambda y: model.refund_of(y) * f(y))])


def _table_sheet(book: Book, model: AllocationTwin, lay: Layout, texts: tuple[str, str, str, str], kind: str,
                 cell_formula, cell_value, extra_cols: list | None = None) -> tuple[Worksheet, int, int]:
    """An analysis sheet that is one years x steps table: (sheet, table top, last row)."""
    ws = _analysis_sheet(book, model, *texts)
    top = TITLE_ROWS + 4
    last = _years_by_steps(book, ws, model, lay, top, kind, cell_formula, cell_value, extra_cols or [])
    return ws, top, last


HIDDEN_LABEL = "På skjulte trin"
REFUND_LABEL = "Heraf statsrefusion"
PRINT_LAST_COL = 2 + MAX_STEPS + 3  # the years x steps tables and their extra columns; no chart sources
CHART_ROWS = 17  # rows a 320-pixel chart covers
HIDDEN_NOTE = ("'–' er skjult: antallet af borgere er et lille tal (1-4), eller en nøgle med et skjult antal "
               "ville fordele penge til trinet. Trinets beløb står da i kolonnen 'På skjulte trin', så rækken "
               "summer til I alt (se arket Om).")


def _hidden_column(model: AllocationTwin, formula, value, factor=None) -> list[tuple[str, object, object]]:
    """In a distributed workbook: a column for the money on steps whose amount is hidden (a key with a hidden
    count would reach them), so the table still sums to the total."""
    if model.shown_in_data:
        return []
    expr = (lambda i, r: f"{formula(i)}*{factor(i)}") if factor else (lambda i, r: formula(i))
    return [(HIDDEN_LABEL, expr, value)]


def _shares_sheet(book: Book, model: AllocationTwin, lay: Layout) -> None:
    def share(y, t):
        total = model.total_of(y)
        v = model.steps(y, t)
        return v / total if total and v != "" else ""
    ws, top, last = _table_sheet(
        book, model, lay, ("Andele", "Fordelingen af udgifterne på trin",
                           "Hvor stor en andel af områdets udgift hvert trin får, år for år",
                           "Andel af områdets samlede nettoudgift (trinene og 'ikke fordelt' giver tilsammen 100 %)."),
        "pct", lambda i, t: fx.missing_on_error(f"{lay.steps_amount(i, t)}/{lay.total(i)}"), share,
        [("Ikke fordelt", lambda i, r: fx.missing_on_error(f"{lay.unplaced(i)}/{lay.total(i)}"),
          lambda y: model.unplaced(y) / model.total_of(y) if model.total_of(y) else ""),
         *_hidden_column(model, lambda i: fx.missing_on_error(f"{lay.on_hidden(i)}/{lay.total(i)}"),
                         lambda y: model.on_hidden_steps(y) / model.total_of(y) if model.total_of(y) else "")])
    _stacked_chart(book, ws, model, top, len(lay.years), "Andel pr. trin", "percent_stacked",
                   (last + 2, 1), "0%")
    ws.print_area(0, 0, last + 2 + CHART_ROWS, PRINT_LAST_COL)
    book.protect(ws)


def _extra_sheet(book: Book, model: AllocationTwin, lay: Layout) -> None:
    f, base = model.factor, model.base
    base_i = "MATCH(Basisaar,L_aar,0)"

    def in_base(row: int) -> str:  # a per-year amount of Beregning in the base year, in the chosen prices
        return f"{fx.in_row(lay.year_row(row), base_i)}*{fx.in_row(lay.year_row(lay.factor_row), base_i)}"

    def base_of(t: int) -> str:
        col = fx.xl_col(1 + t)
        amounts = f"{fx.quote_sheet(CALC_SHEET)}!${col}${lay.step_top + 1}:${col}${lay.step_top + len(lay.years)}"
        return f"INDEX({amounts},{base_i})*{fx.in_row(lay.year_row(lay.factor_row), base_i)}"

    def extra(y, t):
        now, then = model.steps(y, t), model.steps(base, t)
        return now * f(y) - then * f(base) if now != "" and then != "" else ""

    def change(amount, cell, row):  # (title, formula, twin) of a per-year amount's change since the base year
        return (lambda i, r: f"{cell(i)}*{lay.factor(i)}-{in_base(row)}",
                lambda y: amount(y) * f(y) - amount(base) * f(base))
    columns = [("Ikke fordelt", *change(model.unplaced, lay.unplaced, lay.unplaced_row))]
    if not model.shown_in_data:
        columns.append((HIDDEN_LABEL, *change(model.on_hidden_steps, lay.on_hidden, lay.on_hidden_row)))
    columns.append(("I alt", *change(model.total_of, lay.total, lay.total_row)))
    ws, top, last = _table_sheet(
        book, model, lay, ("Merudgifter", "Merudgiftsanalyse",
                           "Ændringen pr. trin i forhold til et basisår (vælg basisår på forsiden)",
                           "Beløb i 1.000 kr. Udgiften pr. trin i året minus udgiften i basisåret, i det valgte "
                           "prisniveau. Positive tal er merudgifter, negative mindreudgifter. I løbende priser "
                           "rummer ændringen også pris- og lønstigningen; vælg 'Faste priser' på forsiden (med et "
                           "prisindeks i datamappen) for at se ændringen uden den. Vælg et tidligt basisår for at "
                           "se udviklingen siden da."),
        "tkr", lambda i, t: fx.missing_on_error(f"{lay.steps_amount(i, t)}*{lay.factor(i)}-{base_of(t)}"), extra,
        columns)
    total_col = 2 + MAX_STEPS + len(columns) - 1
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "Merudgift i alt", "categories": [ws.name, top + 1, 1, last, 1],
                      "values": [ws.name, top + 1, total_col, last, total_col], "fill": {"color": "#2171B5"},
                      "invert_if_negative": False, "gap": 80})
    chart.set_title({"name": "Merudgift i alt i forhold til basisåret", "name_font": {"size": 11}})
    chart.set_x_axis({"label_position": "low"})  # the years under the bars, also when they are negative
    chart.set_y_axis({"num_format": NUMBER_FORMATS["mio"], "name": "Mio. kr.",
                      "name_font": {"size": 9, "bold": False},
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 760, "height": 300})
    ws.insert_chart(last + 2, 1, chart)
    ws.print_area(0, 0, last + 2 + CHART_ROWS, PRINT_LAST_COL)
    book.protect(ws)


def _unit_cost_sheet(book: Book, model: AllocationTwin, lay: Layout) -> None:
    f = model.factor

    def unit(y, t):  # no money on the step is no price, not 0 kr.
        v, n = model.steps(y, t), model.cit(y, t)
        return v * f(y) / n if v != "" and v != 0 and n > 0 else ""
    ws, _, last = _table_sheet(
        book, model, lay, ("Enhedspriser", "Enhedspriser pr. trin", "Nettoudgift pr. borger på hvert trin, år for år",
                           "Udgiften på trinet delt med antallet af borgere på trinet (samme trindefinitioner for "
                           "borgere og kroner). '–', hvor ingen borgere står på trinet, hvor der ingen udgift er på "
                           "trinet (ingen pris, ikke 0 kr.), eller hvor kommunen ikke har tal for trinnet (fx trin, "
                           "der kræver egne data)."),
        "kr", lambda i, t: fx.missing_on_error(f"IF({lay.steps_amount(i, t)}=0,NA(),"
                                               f"{lay.steps_amount(i, t)}*{lay.factor(i)}/{lay.cit(i, t)})"), unit)
    ws.print_area(0, 0, last, PRINT_LAST_COL)
    book.protect(ws)


KEY_ZERO = "Fordelingsnøglen er 0 (ingen borgere på nøglens trin)"


def _rule_label(rule: dict) -> str:
    """A rule as a reader names it: "5.28.20 gruppering 003 dranst 2" (twin of _rule_label_formula)."""
    parts = [str(rule["funktion"])]
    for word, key in (("gruppering", "gruppering"), ("dranst", "dranst")):
        if str(rule[key] or "") != "":
            parts.append(f"{word} {rule[key]}")
    return " ".join(parts)


def _rule_label_formula(position: int) -> str:
    g, d = f"INDEX(R_gruppering,{position})&\"\"", f"INDEX(R_dranst,{position})&\"\""
    return (f'INDEX(R_funktion,{position})&IF({g}="",""," gruppering "&{g})'
            f'&IF({d}="",""," dranst "&{d})')


def _unplaced_sheet(book: Book, model: AllocationTwin, lay: Layout) -> None:
    s = book.styles
    ws = _analysis_sheet(book, model, "Ikke fordelt", "Ikke fordelt på trin",
                         "Hvad der ikke kunne placeres på et trin, og hvorfor",
                         "Beløb i 1.000 kr., løbende priser. Pr. regel for det valgte område: den del af reglens "
                         "beløb, som ikke lander på et trin (regler med 'ikke fordelt', og nøgler hvor ingen borgere "
                         "står på nøglens trin).")
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 60)
    top = TITLE_ROWS + 4
    ws.write_string(top, 1, "Regel", s.header)
    ws.write_string(top, 2, "Hvorfor", s.header)
    for i, y in enumerate(lay.years):
        ws.write_number(top, 3 + i, y, s.header)
    ws.set_column(3, 3 + len(lay.years), 14)
    rules = model.data.shared.rule_records
    for r in range(lay.n_rules):
        row = top + 1 + r
        calc_row = lay.rules_top + r
        # the rule in words, and only the chosen area's rules (the other area's and empty rows stay blank)
        here = as_code("trappe", f'INDEX(R_trappe,{r + 1})&""') + "=TrappeKode"
        shown = r < len(rules) and rules[r]["trappe"] == model.trappe
        ws.write_formula(row, 1, f'=IF({here},{_rule_label_formula(r + 1)},"")', s.text,
                         _rule_label(rules[r]) if shown else "")
        kind = as_code("fordeling", f'INDEX(R_fordeling,{r + 1})&""')
        why = f'=IF({here},IF({kind}="noegle",{fx.text(KEY_ZERO)},INDEX(R_bem,{r + 1})&""),"")'
        cached_why = ("" if not shown else KEY_ZERO if rules[r]["fordeling"] == "noegle" else rules[r]["bemaerkning"])
        ws.write_formula(row, 2, why, s.wrap, cached_why)
        if r < len(rules):  # as high as the rule's reason needs, whichever area is chosen
            book.fit_row(ws, row, [(KEY_ZERO if rules[r]["fordeling"] == "noegle" else rules[r]["bemaerkning"], 60)],
                         font_pt=10)
        for i, y in enumerate(lay.years):
            first, last = lay.alloc_col(i, 1), lay.alloc_col(i, MAX_STEPS)
            rng = f"{lay.ref(calc_row, first)}:{fx.cell(calc_row, last, True)}"
            held = lay.ref(calc_row, lay.helper_col(2 + 2 * len(lay.years) + i))
            f = f'=IF({here},{lay.ref(calc_row, lay.year_col(i))}-SUM({rng})-{held},"")'
            if not shown:
                value = ""
            elif r < len(rules):
                amount = model.rule_amount(int(rules[r]["regel"]), y)
                placed = sum(v for t in range(1, MAX_STEPS + 1)
                             if (v := model.alloc(rules[r], t, y)) != "")
                value = amount - placed - model.hidden_money(int(rules[r]["regel"]), str(rules[r]["fordeling"]),
                                                             steps_text(rules[r]["trin"]), y)
            else:
                value = 0.0
            ws.write_formula(row, 3 + i, f, s.number("tkr"), value)
    row = top + 1 + lay.n_rules
    ws.write_string(row, 1, "Konti uden regel", s.bold)
    ws.write_string(row, 2, "Ingen regel i fordelingsnøglen passer på kontoen.", s.wrap)
    for i, y in enumerate(lay.years):
        own = f'AND({y}=EgetAar,COUNT(X_beloeb)>0)'
        f = (f"=IF({own},SUMIFS(X_beloeb,X_regel,0,X_trappe,TrappeKode),"
             f"SUMIFS({lay.key_column(i)},K_regel,0,K_trappe,TrappeKode))")
        ws.write_formula(row, 3 + i, f, s.number("tkr"), model.rule_amount(0, y))
    ws.write_string(row + 1, 1, "I alt ikke fordelt", s.bold)
    for i, y in enumerate(lay.years):
        col = fx.xl_col(3 + i)
        ws.write_formula(row + 1, 3 + i, f"=SUM({col}{top + 2}:{col}{row + 1})", s.number("tkr", bold=True),
                         model.unplaced(y))
    ws.print_area(0, 0, row + 1, 2 + len(lay.years))
    book.freeze_header(ws, top)
    book.protect(ws)


# -- Forside and Om -------------------------------------------------------------------------------

HELP = [
    "Sådan bruger du udgiftsmodellen",
    "1. Vælg kommune, område, prisniveau og basisår i de gule felter.",
    "2. Fordelingsnøglen bestemmer, hvilke konti der hører til hvilket trin; ret den på arket 'Fordelingsnøgle'.",
    "3. Indsæt kommunens eget regnskabsudtræk på arket 'Regnskab' for at bruge det i stedet for data-arket.",
    "4. Alle ark regner om med det samme, når du vælger eller retter noget.",
    "5. 'Ikke fordelt' viser det, der ikke kan placeres på et trin, og hvorfor.",
]


def _front(book: Book, ws: Worksheet, sel: Selection, data: UdgiftsmodelInput, years: list[int]) -> None:
    choices, derived = municipality_choices(sel)
    n = data.shared.staircases[data.choices.trappe].n_steps
    choices += [Choice("ValgtOmraade", "Område", AREA_LABELS[data.choices.trappe], "=L_omraader"),
                Choice("Prisniveau", "Prisniveau", data.choices.price, "=L_priser"),
                Choice("Basisaar", "Basisår (faste priser og merudgifter)", data.base, "=L_aar")]
    derived += [
        Derived("AntalTrin", "Antal trin", f'=IF(TrappeKode="voksne",{data.shared.staircases["voksne"].n_steps},'
                                           f'{data.shared.staircases["boern"].n_steps})', n, helper=True),
    ]
    # the area's code (boern, voksne), which the formulas match on: a named formula, not a cell a reader sees
    book.wb.define_name("TrappeKode", f'=IF(ValgtOmraade="{AREA_LABELS["voksne"]}","voksne","boern")')
    write_front(book, ws, "Vælg kommune, område og priser", choices, derived, HELP)


def _about_rows() -> list[tuple[str, str]]:
    return [
        ("Fordeling", "Kontoplanens funktioner og grupperinger (dranst 1 drift og 2 statsrefusion) fordeles på trin "
                      "efter reglerne på 'Fordelingsnøgle'. Refusion følger sin konto. Summen af trin og 'ikke "
                      "fordelt' er altid områdets samlede udgift."),
        ("Enhedspriser", "Udgift på et trin delt med antal borgere på trinet, med samme trindefinitioner."),
        ("Faste priser", "Beløb i basisårets priser: beløb x indeks(basisår) / indeks(år), med prisindekset fra "
                         "datamappen (fx KL's pris- og lønindeks for området)."),
        ("Voksne (5.38)", "Grupperingerne på 5.38.53 i demodata er værktøjets egne; kontroller dem mod kommunens "
                          "kontoplan, og ret fordelingsnøglen."),
    ]

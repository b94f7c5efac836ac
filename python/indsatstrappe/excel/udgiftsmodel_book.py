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

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from .. import expenses
from ..kontoplan import parse_account
from ..staircase import Staircase, default_staircases
from . import calc_sheet, scenario_sheet
from . import formulas as fx
from .allocation_twin import UNREPORTED_ID, AllocationTwin, unreported_label
from .calc_sheet import CALC_SHEET, Layout, write_step_headers
from .datasheet import COUNTRY, OWN_DATA, OWN_GROUP, DataTable, write_lists
from .frontpage import Choice, Derived, Selection, municipality_choices, write_front
from .rule_cells import RULE_SHEET_COLUMNS, as_code, match_formula, rule_cell, rule_key, steps_text
from .scaffold import MAX_STEPS, TITLE_ROWS, Book, BookInfo
from .styles import HIDDEN_STEPS_COLOUR, NUMBER_FORMATS, SEGMENT_BORDER, STEP_COLOURS, UNPLACED_COLOUR, Styles

TITLE = "Udgiftsmodel for indsatstrapperne"
AREA_LABELS = {key: st.area_label for key, st in default_staircases().items()}  # "Børn og unge (5.28)"
PRICE_CHOICES = ["Løbende priser", "Faste priser"]
SPARE_RULES = 20  # empty rows on Fordelingsnøgle for the user's own rules
EXPORT_ROWS = 300
EXPORT_CODE_COL = 30  # Regnskab: the export rows' area codes, hidden, right of every printed column
ACCOUNTS_SHEET = "Konti"
RULES_SHEET = "Fordelingsnøgle"


@dataclass(frozen=True)
class UdgiftsmodelData:
    """What every municipality's Udgiftsmodel shows, computed by the core: built by `udgiftsmodel_data`,
    never changed (a distributed run hands one to every worker)."""

    accounts: pd.DataFrame  # regnskab (all municipalities, both areas)
    rules: pd.DataFrame  # checked rules (expenses.check_rules), in their file order
    counts: pd.DataFrame  # kommune_kode, aar, trappe, trin, antal, befolkning, indberettet
    expense_rows: pd.DataFrame  # long rows for comparisons: id udgift:<trappe>:<trin>, kommune, aar, t, n
    prisindeks: pd.DataFrame | None
    staircases: dict[str, Staircase]
    years: list[int]
    table: DataTable  # the Data sheet
    lines: AccountLines
    rules_as_typed: list[tuple] | None  # the user's rule rows from a refreshed workbook, text as typed

    def matched_lines(self, trappe: str) -> pd.DataFrame:
        return self.lines.matched[trappe]

    @cached_property
    def nonnegative_expenses(self) -> bool:
        """No municipality has negative net money on a step or off the steps in any year (default rules)."""
        money = self.expense_rows[self.expense_rows["id"].str.startswith("udgift:")]["taeller"]
        return bool((money.dropna() >= 0).all())

    def lines_of_areas(self) -> pd.DataFrame:
        return self.lines.area_lines

    def account_sums(self) -> tuple[list[tuple[str, str, str]], dict[tuple, float]]:
        return self.lines.sums


@dataclass(frozen=True)
class AccountLines:
    """The account lines of both areas, each with the rule it finds, and the sums on 'Regnskab'."""

    area_lines: pd.DataFrame  # the account lines of both areas, in the data's order
    matched: dict[str, pd.DataFrame]  # account lines with their rule, per area
    sums: tuple[list[tuple[str, str, str]], dict[tuple, float]]  # Regnskab's rows; net sum per (kommune, f, g, år)


def account_lines(accounts: pd.DataFrame, rules: pd.DataFrame) -> AccountLines:
    acc = accounts.assign(trappe=expenses.area_of(accounts["funktion"]))
    acc = acc[acc["trappe"] != ""].reset_index(drop=True)
    keys = acc[["trappe", "funktion", "gruppering"]].drop_duplicates().sort_values(["trappe", "funktion", "gruppering"])
    sums = acc.groupby(["kommune_kode", "funktion", "gruppering", "aar"])["beloeb"].sum()
    return AccountLines(acc, {t: expenses.match_rules(accounts, rules, t) for t in AREA_LABELS},
                        (list(keys.itertuples(index=False, name=None)),
                         {(int(k), f, g, int(y)): float(v) for (k, f, g, y), v in sums.items()}))


def udgiftsmodel_data(accounts: pd.DataFrame, rules: pd.DataFrame, counts: pd.DataFrame, expense_rows: pd.DataFrame,
                      prisindeks: pd.DataFrame | None, staircases: dict[str, Staircase], years: list[int],
                      rules_as_typed: list[tuple] | None = None, lines: AccountLines | None = None
                      ) -> UdgiftsmodelData:
    """The workbook's shared data with its Data sheet. `lines`: `account_lines(accounts, rules)` when the
    caller has it already."""
    table = DataTable(pd.concat([_citizen_rows(counts, staircases), expense_rows], ignore_index=True), years)
    return UdgiftsmodelData(accounts, rules, counts, expense_rows, prisindeks, staircases, list(years), table,
                            lines or account_lines(accounts, rules), rules_as_typed)


@dataclass(frozen=True)
class UdgiftsmodelChoices:
    """What the user chose or typed: municipality, area, group, prices, base year, a pasted account export
    and the scenario's inputs (None: the example)."""

    kommune: int
    trappe: str = "boern"
    gruppe: str = OWN_GROUP
    price: str = PRICE_CHOICES[0]
    base: int | None = None
    eget_aar: int | None = None  # the year of a pasted account export
    export: tuple = ()  # (konto, beløb) as typed on 'Regnskab'
    scenarie: scenario_sheet.ScenarioInput | None = None

    def export_lines(self) -> pd.DataFrame:
        """The pasted export as the workbook's formulas read it: parsable accounts with a numeric amount."""
        rows = []
        for konto, beloeb in self.export:
            text = str(int(konto)) if isinstance(konto, float) and konto.is_integer() else str(konto or "")
            parsed = parse_account(text)
            if parsed is None or not isinstance(beloeb, int | float):
                continue
            rows.append((self.kommune, self.eget_aar, *parsed[:1], parsed[2], parsed[1], float(beloeb)))
        return pd.DataFrame(rows, columns=["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb"])

    @property
    def uses_export(self) -> bool:
        return self.eget_aar is not None and any(isinstance(b, int | float) for _, b in self.export)


@dataclass(frozen=True)
class UdgiftsmodelInput:
    """One workbook's input: the shared data and the user's choices."""

    shared: UdgiftsmodelData
    choices: UdgiftsmodelChoices

    @property
    def base(self) -> int:
        """The chosen base year, or the latest year when the data lack the chosen one."""
        return self.choices.base if self.choices.base in self.shared.years else self.shared.years[-1]


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
    layout = Layout(years, len(data.shared.rules) + SPARE_RULES)
    _expenses_sheet(book, model, table, layout)
    _shares_sheet(book, model, layout)
    _extra_sheet(book, model, layout)
    _unit_cost_sheet(book, model, layout)
    _unplaced_sheet(book, model, layout)
    inputs = data.choices.scenarie or scenario_sheet.ScenarioInput([list(r) for r in scenario_sheet.EXAMPLE])
    scenario_sheet.write(book, scenario_sheet.ScenarioTwin(model, table, inputs), table, layout, MAX_STEPS,
                         AREA_LABELS[data.choices.trappe])
    _rules_sheet(book, data)
    calc_sheet.write(book, model, table, layout)
    _accounts_sheet(book, data, model)
    book.about_sheet(_about_rows())
    _account_lines(book, data)
    table.write(book)
    extra = {"L_omraader": list(AREA_LABELS.values()), "L_priser": PRICE_CHOICES}
    if data.shared.prisindeks is not None:
        extra |= {"P_aar": data.shared.prisindeks["aar"].astype(int).tolist(),
                  "P_indeks": data.shared.prisindeks["indeks"].astype(float).tolist()}
    write_lists(book, years, extra)
    _front(book, front, sel, data, years)
    book.close()
    return book


def _citizen_rows(c: pd.DataFrame, staircases: dict[str, Staircase]) -> pd.DataFrame:
    """Citizens per step, and a marker row per step without a count (UNREPORTED_ID): 1 where only own data
    can give the step, 2 where the municipality sent none."""
    counts = pd.DataFrame({"id": c["trappe"] + ":" + c["trin"].astype(str), "kommune_kode": c["kommune_kode"],
                           "aar": c["aar"], "taeller": c["antal"], "naevner": c["befolkning"], "faktor": 1000.0})
    m = c[~c["indberettet"]]
    kind = [1.0 if unreported_label(staircases[k], int(t), int(y)) == OWN_DATA else 2.0
            for k, t, y in zip(m["trappe"], m["trin"], m["aar"], strict=True)]
    markers = pd.DataFrame({"id": m["trappe"] + ":" + m["trin"].astype(str) + UNREPORTED_ID,
                            "kommune_kode": m["kommune_kode"], "aar": m["aar"], "taeller": kind, "naevner": 1.0,
                            "faktor": 1.0})
    return pd.concat([counts, markers], ignore_index=True)


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
        return f"INDEX({lay.year_row(row)},{base_i})*INDEX({lay.year_row(lay.factor_row)},{base_i})"

    def base_of(t: int) -> str:
        col = fx.xl_col(1 + t)
        amounts = f"{fx.quote_sheet(CALC_SHEET)}!${col}${lay.step_top + 1}:${col}${lay.step_top + len(lay.years)}"
        return f"INDEX({amounts},{base_i})*INDEX({lay.year_row(lay.factor_row)},{base_i})"

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
    rules = model.data.shared.rules.to_dict("records")  # plain rows: read once per formula cell
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
             f"SUMIFS(A_beloeb,A_kode,ValgtKode,A_aar,{y},A_regel,0,A_trappe,TrappeKode))")
        ws.write_formula(row, 3 + i, f, s.number("tkr"), model.rule_amount(0, y))
    ws.write_string(row + 1, 1, "I alt ikke fordelt", s.bold)
    for i, y in enumerate(lay.years):
        col = fx.xl_col(3 + i)
        ws.write_formula(row + 1, 3 + i, f"=SUM({col}{top + 2}:{col}{row + 1})", s.number("tkr", bold=True),
                         model.unplaced(y))
    ws.print_area(0, 0, row + 1, 2 + len(lay.years))
    book.freeze_header(ws, top)
    book.protect(ws)


# -- Fordelingsnøgle, Regnskab, Konti -------------------------------------------------------------

def _rules_sheet(book: Book, data: UdgiftsmodelInput) -> None:
    ws = book.sheet(RULES_SHEET, "Fordelingsnøgle", "Reglerne der fordeler konti på trin – ret dem i de gule felter",
                    shared=True)
    rules = data.shared.rules.reset_index(drop=True)
    head = TITLE_ROWS + 3
    first, last = head + 1, head + len(rules) + SPARE_RULES
    for name, col in (("R_trappe", 1), ("R_funktion", 2), ("R_gruppering", 3), ("R_dranst", 4), ("R_key", 8),
                      ("R_fordeling", 5), ("R_trin", 6), ("R_bem", 7)):
        book.name_range(name, RULES_SHEET, first, col, last)
    book.freeze_header(ws, head)
    ws.print_area(0, 0, last, 7)  # the computed key (column I) is not printed
    book.protect(ws)
    book.fill(ws, lambda ws: _rules_cells(book, ws, data, head))


def _rules_cells(book: Book, ws: Worksheet, data: UdgiftsmodelInput, head: int) -> None:
    s = book.styles
    rules = data.shared.rules.reset_index(drop=True)
    first, last = head + 1, head + len(rules) + SPARE_RULES
    widths = [10, 10, 11, 8, 13, 10, 80]
    for j, w in enumerate(widths):
        ws.set_column(1 + j, 1 + j, w)
    ws.set_column(8, 8, 32, None, {"hidden": True})  # the lookup key the formulas match on: no reading for anyone
    top = TITLE_ROWS + 1
    ws.merge_range(top, 1, top, 8, "En regel sender en konto (funktion, evt. gruppering og dranst) til ét trin "
                   "(fordeling 'Ét trin'), fordeler den på flere trin efter antal borgere (fordeling 'Nøgle', "
                   "trin skrives fx 2;3), eller lader den stå som 'Ikke fordelt'. Den mest specifikke regel vinder: "
                   "funktion før hovedfunktion (5.28), gruppering før alle grupperinger, dranst før begge. Tomme "
                   "rækker nederst er til egne regler.", s.wrap)
    ws.set_row(top, 58)
    for j, h in enumerate(["Trappe", "Funktion", "Gruppering", "Dranst", "Fordeling", "Trin", "Bemærkning",
                           "Nøgle (beregnet)"]):
        ws.write_string(head, 1 + j, h, s.header)
    n = len(rules) + SPARE_RULES
    for r in range(n):
        row = head + 1 + r
        values = rules.loc[r, RULE_SHEET_COLUMNS].tolist() if r < len(rules) else [""] * 7
        as_typed = data.shared.rules_as_typed or []
        typed = as_typed[r] if r < len(as_typed) else None
        shown = [rule_cell(c, str(v), None if typed is None else typed[j])
                 for j, (c, v) in enumerate(zip(RULE_SHEET_COLUMNS, values, strict=True))]
        for j, v in enumerate(shown):
            ws.write_string(row, 1 + j, v, s.input("text", wrap=j == 6))
        book.fit_row(ws, row, [(str(values[6]), widths[6])], font_pt=10)
        key = rule_key(*values[:4]) if r < len(rules) else ""
        trappe = as_code("trappe", fx.cell(row, 1))
        ws.write_formula(row, 8, f'=IF({fx.cell(row, 1)}="","",{trappe}&"|"&{fx.cell(row, 2)}&"|"&'
                                 f'{fx.cell(row, 3)}&"|"&{fx.cell(row, 4)})', s.text, key)
    for col in (2, 3, 6, 7):  # funktion, gruppering, trin, bemærkning: text, checked when read
        book.validate_input(ws, first, col, last, col, "text")
    words = expenses.RULE_WORDS
    ws.data_validation(first, 1, last, 1, {"validate": "list", "source": list(words["trappe"].values())})
    ws.data_validation(first, 4, last, 4, {"validate": "list", "source": ["1", "2"], "ignore_blank": True})
    ws.data_validation(first, 5, last, 5, {"validate": "list", "source": list(words["fordeling"].values())})


def _account_lines(book: Book, data: UdgiftsmodelInput) -> None:
    """The hidden *Konti* sheet: every account line with its rule found by formula."""
    ws = book.hidden_sheet(ACCOUNTS_SHEET, shared=True)
    last = len(data.shared.lines_of_areas())
    book.fill(ws, lambda ws: _write_account_cells(ws, book.styles, data))
    for name, col in (("A_kode", 0), ("A_aar", 1), ("A_funktion", 2), ("A_gruppering", 3), ("A_dranst", 4),
                      ("A_beloeb", 5), ("A_trappe", 6), ("A_regel", 7)):
        book.name_range(name, ACCOUNTS_SHEET, 1, col, max(last, 1))
    book.protect(ws)


def _write_account_cells(ws: Worksheet, s: Styles, data: UdgiftsmodelInput) -> None:
    """Columns A-H: the account lines, each with the rule of its account key.
    Columns K-P: each distinct key once, with the rule it finds in Fordelingsnøgle (the long formula runs
    once per key, not once per line in every municipality and year)."""
    ws.write_row(0, 0, ["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb", "trappe", "regel"],
                 s.header)
    ws.write_row(0, 10, ["trappe", "funktion", "gruppering", "dranst", "noegle", "regel"], s.header)
    positions = {int(r): i + 1 for i, r in enumerate(data.shared.rules["regel"])}
    # each line with the rule the formula will find (for its cached value)
    keys = ["kommune_kode", "aar", "funktion", "gruppering", "dranst"]
    matched = pd.concat([data.shared.matched_lines(t) for t in AREA_LABELS], ignore_index=True)
    acc = data.shared.lines_of_areas().merge(matched[[*keys, "regel"]].drop_duplicates(keys), on=keys, how="left")
    rule_of_key: dict[tuple[str, str, str, str], int] = {}
    for row in acc.itertuples(index=False):
        rule_of_key.setdefault((row.trappe, row.funktion, row.gruppering, row.dranst), positions.get(int(row.regel), 0))
    key_rows = {key: k + 1 for k, key in enumerate(rule_of_key)}
    last = len(key_rows) + 1  # 1-based row of the last key
    for key, r in key_rows.items():
        for j, part in enumerate(key):
            ws.put_string(r, 10 + j, part)
        ws.put_string(r, 14, rule_key(*key))
        ws.put_formula(r, 15, match_formula(f"K{r + 1}", f"L{r + 1}", f"M{r + 1}", f"N{r + 1}"), rule_of_key[key])
    for i, row in enumerate(acc.itertuples(index=False)):
        r = i + 1
        key = (row.trappe, row.funktion, row.gruppering, row.dranst)
        ws.put_number(r, 0, int(row.kommune_kode))
        ws.put_number(r, 1, int(row.aar))
        ws.put_string(r, 2, row.funktion)
        ws.put_string(r, 3, row.gruppering)
        ws.put_string(r, 4, row.dranst)
        ws.put_number(r, 5, float(row.beloeb))
        ws.put_string(r, 6, row.trappe)
        line_key = f'G{r + 1}&"|"&C{r + 1}&"|"&D{r + 1}&"|"&E{r + 1}'
        ws.put_formula(r, 7, f"=INDEX($P$2:$P${last},MATCH({line_key},$O$2:$O${last},0))", rule_of_key[key])


def _accounts_sheet(book: Book, data: UdgiftsmodelInput, model: AllocationTwin) -> None:
    """*Regnskab*: the chosen municipality's accounts by function and grouping, and an area for an export."""
    s = book.styles
    ws = book.sheet("Regnskab", "Regnskab", "Kommunens konti år for år, og plads til at indsætte eget udtræk")
    ws.set_column(1, 1, 20)
    ws.set_column(2, 3, 11)
    ws.set_column(4, 4 + len(model.data.shared.years), 14)
    top = TITLE_ROWS + 1
    ws.write_formula(top, 1, '="Konti for "&ValgtKommune&" (netto, dranst 1 og 2, kr.)"', s.h1,
                     f"Konti for {model.sel.navn} (netto, dranst 1 og 2, kr.)")
    head = top + 2
    for j, h in enumerate(["Område", "Funktion", "Gruppering"]):
        ws.write_string(head, 1 + j, h, s.header)
    years = data.shared.years
    for i, y in enumerate(years):
        ws.write_number(head, 4 + i, y, s.header)
    book.freeze_header(ws, head)
    keys, sums = data.shared.account_sums()
    kommune, kr = model.sel.kommune, s.number("kr")
    row = head
    for row, (trappe, funktion, gruppering) in enumerate(keys, start=head + 1):
        ws.write_string(row, 1, AREA_LABELS[trappe])
        ws.write_string(row, 2, funktion)
        ws.write_string(row, 3, gruppering)
        crit = f"A_funktion,{fx.text(funktion)},A_gruppering,{fx.text(gruppering)}"
        for i, y in enumerate(years):
            ws.write_formula(row, 4 + i, f"=SUMIFS(A_beloeb,A_kode,ValgtKode,A_aar,{y},{crit})", kr,
                             sums.get((kommune, funktion, gruppering, y), 0.0))
    # the export area
    r0 = row + 3
    ws.write_string(r0, 1, "Indsæt eget regnskabsudtræk", s.h1)
    ws.merge_range(r0 + 1, 1, r0 + 1, 10, "Indsæt kontonumre (fx 528211002 eller 5.28.21.1.002) og beløb i de gule "
                   "felter og skriv året. Så bruger alle ark udtrækket for den valgte kommune i det år i stedet for "
                   "data-arket. Tøm felterne for at vende tilbage. Udskriften tager udtrækket med, når "
                   "projektmappen er opdateret (opdater); i Excel alene: Sidelayout > Udskriftsområde.", s.wrap)
    ws.set_row(r0 + 1, 45)
    ws.write_string(r0 + 2, 1, "År for udtrækket", s.label)
    book.input_cell(ws, r0 + 2, 3, data.choices.eget_aar, s.input("year"))
    book.name_range("EgetAar", "Regnskab", r0 + 2, 3)
    h = r0 + 4
    for j, t in enumerate(["Konto", "Beløb", "Funktion", "Gruppering", "Dranst", "Trappe", "Regel"]):
        ws.write_string(h, 1 + j, t, s.header)
    positions = {int(r): i + 1 for i, r in enumerate(data.shared.rules["regel"])}
    for k in range(EXPORT_ROWS):
        r = h + 1 + k
        konto, beloeb = data.choices.export[k] if k < len(data.choices.export) else (None, None)
        book.input_cell(ws, r, 1, konto, s.input("text"))
        book.input_cell(ws, r, 2, beloeb, s.input("kr_plain"))
        cached = _export_cached(data, konto, positions)
        digits = f'SUBSTITUTE({fx.cell(r, 1)}&"",".","")'
        funktion = f'MID({digits},1,1)&"."&MID({digits},2,2)&"."&MID({digits},4,2)'
        ws.write_formula(r, 3, f'=IF({fx.cell(r, 1)}="","",{funktion})', s.text, cached[0])
        ws.write_formula(r, 4, f'=IF({fx.cell(r, 1)}="","",MID({digits},7,3))', s.text, cached[1])
        ws.write_formula(r, 5, f'=IF({fx.cell(r, 1)}="","",IF(MID({digits},6,1)="","1",MID({digits},6,1)))', s.text,
                         cached[2])
        # the area's code, which the formulas match on, in a hidden column; the sheet shows its word
        code = fx.cell(r, EXPORT_CODE_COL)
        ws.write_formula(r, EXPORT_CODE_COL, f'=IF({fx.cell(r, 1)}="","",IF(LEFT({fx.cell(r, 3)},4)="5.28","boern",'
                                             f'IF(LEFT({fx.cell(r, 3)},4)="5.38","voksne","")))', s.text, cached[3])
        words = expenses.RULE_WORDS["trappe"]
        ws.write_formula(r, 6, f'=IF({code}="boern",{fx.text(words["boern"])},IF({code}="voksne",'
                               f'{fx.text(words["voksne"])},""))', s.text, words.get(cached[3], ""))
        # an empty row shows nothing, not rule 0 (SUMIFS on X_regel only ever asks for rows with an account)
        rule = match_formula(code, fx.cell(r, 3), fx.cell(r, 4), fx.cell(r, 5))[1:]
        ws.write_formula(r, 7, f'=IF({fx.cell(r, 1)}="","",{rule})', s.text, cached[4])
    ws.set_column(EXPORT_CODE_COL, EXPORT_CODE_COL, None, None, {"hidden": True})
    # the accounts and the export as far as it holds accounts when written (opdater writes it again, so a pasted
    # export prints after a refresh); not all 300 input rows, which would print pages of empty boxes
    filled = sum(1 for konto, _ in data.choices.export if konto not in (None, ""))
    ws.print_area(0, 0, h + max(1, filled), max(3 + len(years), 7))
    for name, col in (("X_konto", 1), ("X_beloeb", 2), ("X_dranst", 5), ("X_trappe", EXPORT_CODE_COL),
                      ("X_regel", 7)):
        book.name_range(name, "Regnskab", h + 1, col, h + EXPORT_ROWS)
    book.validate_input(ws, h + 1, 2, h + EXPORT_ROWS, 2, "amount")
    book.validate_input(ws, h + 1, 1, h + EXPORT_ROWS, 1, "account")
    book.validate_input(ws, r0 + 2, 3, r0 + 2, 3, "year")
    book.protect(ws)


def _export_cached(data: UdgiftsmodelInput, konto, positions: dict[int, int]) -> tuple:
    """What the export row's parse formulas show: funktion, gruppering, dranst, trappe, regel."""
    if konto in (None, ""):
        return "", "", "", "", ""
    text = str(int(konto)) if isinstance(konto, float) and konto.is_integer() else str(konto)
    digits = text.replace(".", "")
    funktion = f"{digits[0:1]}.{digits[1:3]}.{digits[3:5]}"
    gruppering, dranst = digits[6:9], digits[5:6] or "1"
    trappe = {"5.28": "boern", "5.38": "voksne"}.get(funktion[:4], "")
    regel = 0
    if trappe:
        line = pd.DataFrame([(0, 0, funktion, gruppering, dranst, 0.0)],
                            columns=["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb"])
        regel = positions.get(int(expenses.match_rules(line, data.shared.rules, trappe)["regel"].iloc[0]), 0)
    return funktion, gruppering, dranst, trappe, regel


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

"""The hidden *Beregning* sheet of the Udgiftsmodel, which every analysis sheet reads: per rule the chosen
municipality's money and refund per year and their spread on the steps, the steps' sums, and what is not
placed or kept off the steps (a key with a hidden count). `Layout` says where each block sits."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxwriter.worksheet import Worksheet

from ...core.kontoplan import REFUND_DRANST
from .. import formulas as fx
from ..blocks import Rows
from ..datasheet import NOT_REPORTED, OWN_DATA, DataTable
from ..scaffold import MAX_STEPS, TITLE_ROWS, Book
from .allocation_twin import AllocationTwin
from .rule_cells import RULE_KEY, as_code, rule_key, steps_text
from .udgiftsmodel_input import UNREPORTED_ID

CALC_SHEET = "Beregning"


def _citizens_formula(table: DataTable, step: int, year: int) -> str:
    """Beregning's count: the marker's words, else the count (blank where hidden)."""
    marker = table.count_formula(f"x:{step}{UNREPORTED_ID}", year, "TrappeKode&" + fx.text(f":{step}{UNREPORTED_ID}"))
    count = table.shown_count_formula(f"x:{step}", year, "TrappeKode&" + fx.text(f":{step}"), missing="")
    return f"IF({marker}=1,{fx.text(OWN_DATA)},IF({marker}=2,{fx.text(NOT_REPORTED)},{count}))"


def refund_formula(lay: Layout, i: int, rule: int | None = None) -> str:
    """The chosen area's dranst-2 amounts in the i-th year (of one rule, by its position): from a pasted export
    for its year, else the data (the key block)."""
    year = lay.years[i]
    own = f"AND({year}=EgetAar,COUNT(X_beloeb)>0)"
    x_rule, k_rule = (f",X_regel,{rule}", f",K_regel,{rule}") if rule is not None else ("", "")
    return (f'IF({own},SUMIFS(X_beloeb{x_rule},X_trappe,TrappeKode,X_dranst,"{REFUND_DRANST}"),'
            f'SUMIFS({lay.key_column(i)}{k_rule},K_trappe,TrappeKode,K_dranst,"{REFUND_DRANST}"))')


# -- layout of the Beregning sheet, which every analysis sheet reads ---------------------------------

class Layout:
    def __init__(self, years: list[int], n_rules: int, n_keys: int):
        self.years = years
        self.n_rules = n_rules
        self.n_keys = max(n_keys, 1)  # the key names on Konti span at least one row
        rows = Rows(TITLE_ROWS + 2)
        self.head = rows.take(3)  # the years header, the price factor and the total per year
        self.factor_row = self.head + 1
        self.total_row = self.head + 2
        self.cit_head = rows.take(1 + len(years), gap=2)  # citizens: years down, steps across
        self.cit_top = self.cit_head + 1
        self.rules_head = rows.take(1 + n_rules, gap=2)
        self.rules_top = self.rules_head + 1  # one row per rule, aligned with Fordelingsnøgle
        self.step_head = rows.take(1 + len(years))  # U[y, t]: years down, steps across
        self.step_top = self.step_head + 1
        self.raw_head = rows.take(1 + len(years))  # what the rules place on each step, before U's mask
        self.raw_top = self.raw_head + 1
        self.sums_head = rows.take(4)  # per year: money kept off the steps, not placed, on hidden steps
        self.hidden_row = self.sums_head + 1
        self.unplaced_row = self.sums_head + 2
        self.on_hidden_row = self.sums_head + 3
        # statsrefusion (dranst 2) on each step: each rule's refund split as the rule's money is split
        self.refund_head = rows.take(1 + len(years), gap=2)
        self.refund_top = self.refund_head + 1
        self.refund_sums_head = rows.take(5)  # per year: the refund, kept off the steps, not placed, hidden
        self.refund_total_row = self.refund_sums_head + 1
        self.refund_hidden_row = self.refund_sums_head + 2
        self.refund_unplaced_row = self.refund_sums_head + 3
        self.refund_on_hidden_row = self.refund_sums_head + 4
        self.mask_head = rows.take(1 + len(years), gap=2)  # 1 where U shows a step's amount as #N/A
        self.mask_top = self.mask_head + 1
        # per account key (a row of Konti's key table): the chosen municipality's lines summed per year
        self.key_head = rows.take(1 + self.n_keys, gap=2)
        self.key_top = self.key_head + 1

    def year_col(self, i: int) -> int:
        return 2 + i  # columns C.. for per-year rows

    def alloc_col(self, i: int, step: int) -> int:
        return 2 + len(self.years) + 1 + i * (MAX_STEPS + 1) + (step - 1)

    def helper_col(self, k: int) -> int:
        """Beside the spreads, per rule: its fordeling (k=0), its trin (1), its key's citizens per year (2+i),
        its key's steps without a shown count per year (2+n+i), the money such a key keeps off the steps
        (2+2n+i), its statsrefusion per year (2+3n+i), that refund's share of its money (2+4n+i) and
        whether its key holds step t (`flag_col`), so the spread formulas refer to them instead of each working
        them out again."""
        return self.alloc_col(len(self.years) - 1, MAX_STEPS) + 2 + k

    def flag_col(self, step: int) -> int:
        """Per rule: 1 where its key (trin) holds the step and the step is on the chosen staircase, else 0.
        A cell per step, not SEARCH over an array of steps inside SUMPRODUCT: Gnumeric does not evaluate a
        function element by element there (#VALUE!), so the flags are what every program reads alike."""
        return self.helper_col(2 + 5 * len(self.years) + step - 1)

    def last_col(self) -> int:
        return self.flag_col(MAX_STEPS)

    def rule_column(self, col: int) -> str:
        """A column of the rule rows, absolute (for SUMPRODUCT and SUMIFS)."""
        c = fx.xl_col(col)
        return f"${c}${self.rules_top + 1}:${c}${self.rules_top + self.n_rules}"

    def key_column(self, i: int) -> str:
        """The key block's i-th year, absolute and sheet-qualified (lined up with Konti's K_ names for SUMIFS)."""
        col = self.year_col(i)
        return (f"{fx.quote_sheet(CALC_SHEET)}!{fx.cell(self.key_top, col, True)}:"
                f"{fx.cell(self.key_top + self.n_keys - 1, col, True)}")

    def refund_raw(self, i: int, step: int) -> str:
        """The step's refund in year i before a hidden key's mask (the analysis applies the step's mask)."""
        return self.ref(self.refund_top + i, 1 + step)

    def refund_total(self, i: int) -> str:
        return self.ref(self.refund_total_row, self.year_col(i))

    def refund_on_hidden(self, i: int) -> str:
        return self.ref(self.refund_on_hidden_row, self.year_col(i))

    def refund_unplaced(self, i: int) -> str:
        return self.ref(self.refund_unplaced_row, self.year_col(i))

    def on_hidden(self, i: int) -> str:
        """The year's money on steps whose amount is not shown (see AllocationTwin.on_hidden_steps)."""
        return self.ref(self.on_hidden_row, self.year_col(i))

    def unplaced(self, i: int) -> str:
        return self.ref(self.unplaced_row, self.year_col(i))

    def ref(self, row: int, col: int) -> str:
        return f"{fx.quote_sheet(CALC_SHEET)}!{fx.cell(row, col, True)}"

    def factor(self, i: int) -> str:
        return self.ref(self.factor_row, self.year_col(i))

    def year_row(self, row: int) -> str:
        """A per-year row of Beregning, for INDEX(..., MATCH(Basisaar, L_aar, 0))."""
        return (f"{fx.quote_sheet(CALC_SHEET)}!{fx.cell(row, self.year_col(0), True)}:"
                f"{fx.cell(row, self.year_col(len(self.years) - 1), True)}")

    def total(self, i: int) -> str:
        return self.ref(self.total_row, self.year_col(i))

    def steps_amount(self, i: int, step: int) -> str:
        return self.ref(self.step_top + i, 1 + step)

    def cit(self, i: int, step: int) -> str:
        return self.ref(self.cit_top + i, 1 + step)


def step_header(step: int) -> str:
    """A step column's header; a column beyond the chosen staircase's steps says so (never an unlabelled column)."""
    return f'=IF({step}<=AntalTrin,"Trin {step}","{no_step(step)}")'


def step_header_value(step: int, n_steps: int) -> str:
    """`step_header`'s cached value for a staircase of `n_steps` steps."""
    return f"Trin {step}" if step <= n_steps else no_step(step)


def no_step(step: int) -> str:
    return f"(intet trin {step})"


def write_step_headers(book: Book, ws: Worksheet, row: int, first_col: int, n_steps: int) -> None:
    s = book.styles
    for t in range(1, MAX_STEPS + 1):
        ws.write_formula(row, first_col + t - 1, step_header(t), s.header, step_header_value(t, n_steps))


# -- Beregning ------------------------------------------------------------------------------------

def write(book: Book, model: AllocationTwin, table: DataTable, lay: Layout) -> None:
    """Beregning, block by block as `lay` places them: the year's totals, the key's citizens, each rule's money
    and its spread on the steps, what each step receives, the year's sums and the refunds."""
    # hidden like Data and Konti: a reader's sheets are the analyses; an analyst can unhide it to follow a krone
    ws = book.sheet(CALC_SHEET, "Beregning", "Mellemregningerne: konti pr. regel og fordelingen på trin", hidden=True)
    ws.set_column(1, 1, 34)
    ws.set_column(2, lay.last_col(), 13)
    _write_keys(book, ws, model, lay)
    _write_totals(book, ws, model, lay)
    _write_citizens(book, ws, model, table, lay)
    _write_rules_header(book, ws, model, lay)
    _write_rules(book, ws, model, lay)
    _write_steps(book, ws, model, lay)
    _write_sums(book, ws, model, lay)
    _write_refunds(book, ws, model, lay)
    _write_mask(book, ws, model, lay)
    book.protect(ws)


def _write_keys(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout) -> None:
    """Per account key of Konti: the chosen municipality's lines summed per year. Each sum scans Konti's lines
    once; every rule, total and refund then sums a few dozen keys instead of scanning the lines again."""
    s, years = book.styles, lay.years
    shared = model.data.shared
    amounts, kommune = shared.key_amounts, model.sel.kommune
    ws.write_string(lay.key_head, 1, "Kontonøgle (række på Konti)", s.header)
    for i, y in enumerate(years):
        ws.write_number(lay.key_head, lay.year_col(i), y, s.header)
    for k, key in enumerate(shared.account_keys, start=1):
        row = lay.key_top + k - 1
        ws.write_string(row, 1, rule_key(*key), s.text)
        for i, y in enumerate(years):
            ws.write_formula(row, lay.year_col(i), f"=SUMIFS(A_beloeb,A_kode,ValgtKode,A_aar,{y},A_noegle,{k})",
                             s.number("kr"), amounts.get((kommune, y, k), 0.0))


def _write_totals(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout) -> None:
    """The price factor and the area's money per year."""
    s, years = book.styles, lay.years
    ws.write_string(lay.head - 1, 1, "Alle beløb i kr., løbende priser, for den valgte kommune og det valgte område.",
                    s.note)
    ws.write_string(lay.head, 1, "År", s.header)
    for i, y in enumerate(years):
        ws.write_number(lay.head, lay.year_col(i), y, s.header)
        f = (f'=IF(Prisniveau="Faste priser",INDEX(P_indeks,MATCH(Basisaar,P_aar,0))/INDEX(P_indeks,MATCH({y},'
             f'P_aar,0)),1)') if model.data.shared.prisindeks is not None else "=1"
        ws.write_formula(lay.factor_row, lay.year_col(i), f, s.number("rate"), model.factor(y))
        own = f'AND({y}=EgetAar,COUNT(X_beloeb)>0)'
        total = f"=IF({own},SUMIFS(X_beloeb,X_trappe,TrappeKode),SUMIFS({lay.key_column(i)},K_trappe,TrappeKode))"
        ws.write_formula(lay.total_row, lay.year_col(i), total, s.number("kr"), model.total_of(y))
    ws.write_string(lay.factor_row, 1, "Prisfaktor (til valgt prisniveau)", s.label)
    ws.write_string(lay.total_row, 1, "Områdets udgift i alt", s.label)


def _write_citizens(book: Book, ws: Worksheet, model: AllocationTwin, table: DataTable, lay: Layout) -> None:
    """Citizens per step and year: the split key and the unit cost's denominator."""
    s, years, n = book.styles, lay.years, model.staircase.n_steps
    ws.write_string(lay.cit_head, 1, "Borgere pr. trin (nøgle)", s.header)
    write_step_headers(book, ws, lay.cit_head, 2, n)
    for i, y in enumerate(years):
        ws.write_number(lay.cit_top + i, 1, y, s.number("year"))
        for t in range(1, MAX_STEPS + 1):
            f = f'=IF({t}<=AntalTrin,{_citizens_formula(table, t, y)},"")'
            ws.write_formula(lay.cit_top + i, 1 + t, f, s.number("antal"),
                             model.cit_cell(y, t) if t <= n else "")


def _write_rules_header(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout) -> None:
    """The rule table's header: a year's sum and its steps, then the helper columns."""
    s, years, n = book.styles, lay.years, model.staircase.n_steps
    ws.write_string(lay.rules_head, 1, "Regel (række på Fordelingsnøgle)", s.header)
    for i, y in enumerate(years):
        ws.write_number(lay.rules_head, lay.year_col(i), y, s.header)
        for t in range(1, MAX_STEPS + 1):
            ws.write_formula(lay.rules_head, lay.alloc_col(i, t), f'=IF({t}<=AntalTrin,"{y} trin {t}","")', s.header,
                             f"{y} trin {t}" if t <= n else "")
        ws.write_string(lay.rules_head, lay.helper_col(2 + i), f"Nøglens borgere {y}", s.header)
        ws.write_string(lay.rules_head, lay.helper_col(2 + len(years) + i), f"Skjulte trin i nøglen {y}", s.header)
        ws.write_string(lay.rules_head, lay.helper_col(2 + 2 * len(years) + i), f"Ikke fordelt (skjult) {y}",
                        s.header)
        ws.write_string(lay.rules_head, lay.helper_col(2 + 3 * len(years) + i), f"Statsrefusion {y}", s.header)
        ws.write_string(lay.rules_head, lay.helper_col(2 + 4 * len(years) + i), f"Refusionens andel {y}", s.header)
    for t in range(1, MAX_STEPS + 1):
        ws.write_string(lay.rules_head, lay.flag_col(t), f"Trin {t} i nøglen", s.header)
    ws.write_string(lay.rules_head, lay.helper_col(0), "Fordeling", s.header)
    ws.write_string(lay.rules_head, lay.helper_col(1), "Trin", s.header)


def _write_rules(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout) -> None:
    """Per rule: the chosen municipality's sum per year, then its spread on the steps per year. The spare rows
    for the user's own rules hold nothing for any municipality (Book.fill_rows)."""
    rules = model.data.shared.rule_records
    for r in range(len(rules)):
        _write_rule(book, ws, model, lay, rules, r)

    def spare(ws: Worksheet) -> None:
        for r in range(len(rules), lay.n_rules):
            _write_rule(book, ws, model, lay, rules, r)
    if lay.n_rules > len(rules):
        book.fill_rows(ws, lay.rules_top + len(rules), lay.rules_top + lay.n_rules - 1, spare)


def _write_rule(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout, rules: list[dict], r: int) -> None:
    """The r-th row of the rule table (a spare row beyond the rules)."""
    s, years, n = book.styles, lay.years, model.staircase.n_steps
    row = lay.rules_top + r
    formulas = iter(_rule_formulas(lay, r))
    rule = rules[r] if r < len(rules) else None
    ws.write_formula(row, 1, next(formulas), s.text, rule_key(*(rule[k] for k in RULE_KEY)) if rule is not None else "")
    kind_text = str(rule["fordeling"]) if rule is not None else ""
    trin_text = steps_text(rule["trin"]) if rule is not None else ""
    ws.write_formula(row, lay.helper_col(0), next(formulas), s.text, kind_text)
    # "2,3" and "2; 3" are read as "2;3", as the rules file is (expenses._steps)
    ws.write_formula(row, lay.helper_col(1), next(formulas), s.text, trin_text)
    in_key = [t for t in range(1, MAX_STEPS + 1) if f";{t};" in f";{trin_text};"]  # as SEARCH finds them
    for t in range(1, MAX_STEPS + 1):
        ws.write_formula(row, lay.flag_col(t), next(formulas), s.number("antal"), int(t in in_key and t <= n))
    regel = int(rule["regel"]) if rule is not None else None
    for i, y in enumerate(years):
        ws.write_formula(row, lay.year_col(i), next(formulas), s.number("kr"),
                         model.rule_amount(regel, y) if rule is not None else 0.0)
        ws.write_formula(row, lay.helper_col(2 + i), next(formulas), s.number("antal"),
                         sum(model.cit(y, t) for t in in_key if t <= n))
        ws.write_formula(row, lay.helper_col(2 + len(years) + i), next(formulas), s.number("antal"),
                         model.key_hidden(trin_text, y) if rule is not None else 0)
        ws.write_formula(row, lay.helper_col(2 + 2 * len(years) + i), next(formulas), s.number("kr"),
                         model.hidden_money(regel, kind_text, trin_text, y) if rule is not None else 0.0)
        ws.write_formula(row, lay.helper_col(2 + 3 * len(years) + i), next(formulas), s.number("kr"),
                         model.rule_refund_of(regel, y) if rule is not None else 0.0)
        ws.write_formula(row, lay.helper_col(2 + 4 * len(years) + i), next(formulas), s.number("rate"),
                         model.refund_share(regel, y) if rule is not None else 0.0)
        for t in range(1, MAX_STEPS + 1):
            ws.write_formula(row, lay.alloc_col(i, t), next(formulas), s.number("kr"),
                             model.alloc(rule, t, y) if rule is not None else ("" if t > n else 0.0))


_RULE_FORMULAS: dict[tuple, tuple[str, ...]] = {}  # the same text in every municipality's workbook: made once


def _rule_formulas(lay: Layout, r: int) -> tuple[str, ...]:
    """The formulas of the r-th rule row, in the order _write_rule writes them."""
    key = (tuple(lay.years), lay.n_rules, lay.n_keys, r)
    if key not in _RULE_FORMULAS:
        if len(_RULE_FORMULAS) > 10_000:
            _RULE_FORMULAS.clear()
        _RULE_FORMULAS[key] = tuple(_rule_formula_texts(lay, r))
    return _RULE_FORMULAS[key]


def _rule_formula_texts(lay: Layout, r: int) -> Iterator[str]:
    row = lay.rules_top + r
    yield f"=INDEX(R_key,{r + 1})&\"\""
    yield "=" + as_code("fordeling", f'INDEX(R_fordeling,{r + 1})&""')
    yield f'=SUBSTITUTE(SUBSTITUTE(INDEX(R_trin,{r + 1})&"",",",";")," ","")'
    kind, steps = fx.cell(row, lay.helper_col(0), True), fx.cell(row, lay.helper_col(1), True)
    for t in range(1, MAX_STEPS + 1):
        yield f'=IF(AND({t}<=AntalTrin,ISNUMBER(SEARCH(";{t};",";"&{steps}&";"))),1,0)'
    flags = f"{fx.cell(row, lay.flag_col(1), True)}:{fx.cell(row, lay.flag_col(MAX_STEPS), True)}"
    years = lay.years
    for i, y in enumerate(years):
        own = f'AND({y}=EgetAar,COUNT(X_beloeb)>0)'
        yield (f"=IF({own},SUMIFS(X_beloeb,X_regel,{r + 1},X_trappe,TrappeKode),"
               f"SUMIFS({lay.key_column(i)},K_regel,{r + 1},K_trappe,TrappeKode))")
        amount_ref = fx.cell(row, lay.year_col(i), True)
        cit_row = f"${fx.xl_col(2)}${lay.cit_top + i + 1}:${fx.xl_col(9)}${lay.cit_top + i + 1}"
        yield f'=SUMPRODUCT({flags},{cit_row})'
        key_total = fx.cell(row, lay.helper_col(2 + i), True)
        yield f'=SUMPRODUCT({flags},--({cit_row}=""))'
        key_hidden = fx.cell(row, lay.helper_col(2 + len(years) + i), True)
        yield f'=IF(AND({kind}="noegle",{key_hidden}>0),{amount_ref},0)'
        refund = fx.cell(row, lay.helper_col(2 + 3 * len(years) + i), True)
        yield "=" + refund_formula(lay, i, r + 1)
        yield f"=IF({amount_ref}=0,0,{refund}/{amount_ref})"
        for t in range(1, MAX_STEPS + 1):
            cit = fx.cell(lay.cit_top + i, 1 + t, True)
            # a key with a hidden count splits nothing: its money is kept off the steps (the split
            # would give the count away)
            share = (f'IF({kind}="trin",IF({steps}="{t}",1,0),IF({kind}="noegle",'
                     f'IF(AND({fx.cell(row, lay.flag_col(t), True)}=1,{key_hidden}=0),'
                     f'IFERROR({cit}/{key_total},0),0),0))')
            yield f'=IF({t}<=AntalTrin,{amount_ref}*{share},"")'


def _write_steps(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout) -> None:
    """What each step receives per year (#N/A where money split by a hidden key would reach it), and what the
    rules placed on it before that mask."""
    s, years, n = book.styles, lay.years, model.staircase.n_steps
    ws.write_string(lay.step_head, 1, "Udgift pr. trin (løbende priser)", s.header)
    write_step_headers(book, ws, lay.step_head, 2, n)
    ws.write_string(lay.raw_head, 1, "Placeret på trinet af reglerne", s.header)
    write_step_headers(book, ws, lay.raw_head, 2, n)
    for i, y in enumerate(years):
        ws.write_number(lay.step_top + i, 1, y, s.number("year"))
        ws.write_number(lay.raw_top + i, 1, y, s.number("year"))
        for t in range(1, MAX_STEPS + 1):
            col = fx.xl_col(lay.alloc_col(i, t))
            rng = f"{col}{lay.rules_top + 1}:{col}{lay.rules_top + lay.n_rules}"
            ws.write_formula(lay.raw_top + i, 1 + t, f'=IF({t}<=AntalTrin,SUM({rng}),"")', s.number("kr"),
                             model.placed_on(y, t) if t <= n else "")
            raw, masked = fx.cell(lay.raw_top + i, 1 + t), fx.cell(lay.mask_top + i, 1 + t, True)
            ws.write_formula(lay.step_top + i, 1 + t, f'=IF({t}<=AntalTrin,IF({masked}=1,NA(),{raw}),"")',
                             s.number("kr"), model.step_cell(y, t) if t <= n else "")


def _write_mask(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout) -> None:
    """Per year and step: 1 where money that a key with a hidden count keeps off the steps would reach the
    step, so U shows it as #N/A (the amount would give the count away), else 0."""
    s, years, n = book.styles, lay.years, model.staircase.n_steps
    ws.write_string(lay.mask_head, 1, "Skjult trin (1 = beløbet vises ikke)", s.header)
    write_step_headers(book, ws, lay.mask_head, 2, n)
    for i, y in enumerate(years):
        ws.write_number(lay.mask_top + i, 1, y, s.number("year"))
        held = fx.xl_col(lay.helper_col(2 + 2 * len(years) + i))
        held_rng = f"${held}${lay.rules_top + 1}:${held}${lay.rules_top + lay.n_rules}"
        for t in range(1, MAX_STEPS + 1):
            flag = lay.rule_column(lay.flag_col(t))
            ws.write_formula(lay.mask_top + i, 1 + t, f"=IF(SUMPRODUCT(--({held_rng}<>0),{flag})>0,1,0)",
                             s.number("antal"), int(t <= n and model.step_cell(y, t) == fx.NA))


def _write_sums(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout) -> None:
    """Per year: money kept off the steps by a hidden key, money not placed, money on hidden steps."""
    s, years = book.styles, lay.years
    ws.write_string(lay.sums_head, 1, "Pr. år", s.header)
    ws.write_string(lay.hidden_row, 1, "Fordelt efter nøgle med skjulte tal", s.label)
    ws.write_string(lay.unplaced_row, 1, "Ikke fordelt på trin", s.label)
    ws.write_string(lay.on_hidden_row, 1, "På skjulte trin (med nøglens)", s.label)
    for i, y in enumerate(years):
        held = fx.xl_col(lay.helper_col(2 + 2 * len(years) + i))
        ws.write_formula(lay.hidden_row, lay.year_col(i), f"=SUM({held}{lay.rules_top + 1}:{held}"
                         f"{lay.rules_top + lay.n_rules})", s.number("kr"), model.hidden_total(y))
        first, last = fx.xl_col(lay.alloc_col(i, 1)), fx.xl_col(lay.alloc_col(i, MAX_STEPS))
        block = f"{first}{lay.rules_top + 1}:{last}{lay.rules_top + lay.n_rules}"
        ws.write_formula(lay.unplaced_row, lay.year_col(i),
                         f"={fx.cell(lay.total_row, lay.year_col(i))}-SUM({block})-"
                         f"{fx.cell(lay.hidden_row, lay.year_col(i))}", s.number("kr"), model.unplaced(y))
        ws.write_formula(lay.on_hidden_row, lay.year_col(i), f"={fx.cell(lay.hidden_row, lay.year_col(i))}+"
                         f"{_on_masked_steps(lay, i, lay.raw_top)}", s.number("kr"), model.on_hidden_steps(y))


def _write_refunds(book: Book, ws: Worksheet, model: AllocationTwin, lay: Layout) -> None:
    """Statsrefusion on each step: every rule's refund (dranst 2) times what the rule gives the step over
    the rule's money (a rule splits its refund as it splits its money), and the year's refund kept off the
    steps by a hidden key and not placed on any step."""
    s = book.styles
    years, n = lay.years, model.staircase.n_steps
    ws.write_string(lay.refund_head, 1, "Statsrefusion pr. trin (løbende priser)", s.header)
    write_step_headers(book, ws, lay.refund_head, 2, n)
    for i, y in enumerate(years):
        ws.write_number(lay.refund_top + i, 1, y, s.number("year"))
        share = lay.rule_column(lay.helper_col(2 + 4 * len(years) + i))
        for t in range(1, MAX_STEPS + 1):
            alloc = lay.rule_column(lay.alloc_col(i, t))
            ws.write_formula(lay.refund_top + i, 1 + t, f'=IF({t}<=AntalTrin,SUMPRODUCT({alloc},{share}),"")',
                             s.number("kr"), model.step_refund(y, t) if t <= n else "")
    ws.write_string(lay.refund_sums_head, 1, "Statsrefusion pr. år", s.header)
    for row, label in ((lay.refund_total_row, "Områdets statsrefusion"),
                       (lay.refund_hidden_row, "Heraf fordelt efter nøgle med skjulte tal"),
                       (lay.refund_unplaced_row, "Heraf ikke fordelt på trin"),
                       (lay.refund_on_hidden_row, "Heraf på skjulte trin (med nøglens)")):
        ws.write_string(row, 1, label, s.label)
    kind = lay.rule_column(lay.helper_col(0))
    for i, y in enumerate(years):
        col = lay.year_col(i)
        refunds = lay.rule_column(lay.helper_col(2 + 3 * len(years) + i))
        hidden_steps = lay.rule_column(lay.helper_col(2 + len(years) + i))
        ws.write_formula(lay.refund_total_row, col, "=" + refund_formula(lay, i), s.number("kr"), model.refund_of(y))
        ws.write_formula(lay.refund_hidden_row, col, f'=SUMIFS({refunds},{kind},"noegle",{hidden_steps},">0")',
                         s.number("kr"), model.hidden_refund(y))
        steps = f"{fx.cell(lay.refund_top + i, 2)}:{fx.cell(lay.refund_top + i, 1 + MAX_STEPS)}"
        ws.write_formula(lay.refund_unplaced_row, col, f"={fx.cell(lay.refund_total_row, col)}-SUM({steps})-"
                         f"{fx.cell(lay.refund_hidden_row, col)}", s.number("kr"), model.unplaced_refund(y))
        ws.write_formula(lay.refund_on_hidden_row, col, f"={fx.cell(lay.refund_hidden_row, col)}+"
                         f"{_on_masked_steps(lay, i, lay.refund_top)}", s.number("kr"), model.refund_on_hidden_steps(y))


def _on_masked_steps(lay: Layout, i: int, amounts_top: int) -> str:
    """The sum, over the steps whose amount U shows as #N/A in year i (the mask's 1s), of a years x steps
    block's row (from `amounts_top`): what the rules placed there, so a table that hides the steps still sums
    to its total. Steps beyond the staircase hold "", which SUMPRODUCT reads as 0."""
    def row(top: int) -> str:
        return f"{fx.cell(top + i, 2, True)}:{fx.cell(top + i, 1 + MAX_STEPS, True)}"
    return f"SUMPRODUCT({row(lay.mask_top)},{row(amounts_top)})"

"""The Udgiftsmodel's sheets of accounts and rules: *Fordelingsnøgle* (the editable rule table), *Regnskab*
(the chosen municipality's accounts and an area for an account export) and the hidden *Konti* (every account
line with the rule it finds)."""

from __future__ import annotations

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...core import expenses
from .. import formulas as fx
from ..scaffold import TITLE_ROWS, Book
from ..styles import Styles
from .allocation_twin import AllocationTwin
from .calc_sheet import Layout
from .rule_cells import RULE_SHEET_COLUMNS, as_code, match_formula, rule_cell, rule_key
from .udgiftsmodel_input import (
    ACCOUNTS_SHEET,
    AREA_LABELS,
    EXPORT_CODE_COL,
    EXPORT_ROWS,
    RULES_SHEET,
    SPARE_RULES,
    UdgiftsmodelInput,
)


def rules_sheet(book: Book, data: UdgiftsmodelInput) -> None:
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


def account_lines_sheet(book: Book, data: UdgiftsmodelInput) -> None:
    """The hidden *Konti* sheet: every account line with its key's number, and each key once with the rule
    it finds by formula."""
    ws = book.hidden_sheet(ACCOUNTS_SHEET, shared=True)
    last = len(data.shared.lines_of_areas())
    book.fill(ws, lambda ws: _write_account_cells(ws, book.styles, data))
    for name, col in (("A_kode", 0), ("A_aar", 1), ("A_noegle", 2), ("A_beloeb", 3)):
        book.name_range(name, ACCOUNTS_SHEET, 1, col, max(last, 1))
    n_keys = max(len(data.shared.account_keys), 1)
    for name, col in zip(KEY_NAMES, range(KEY_COL, KEY_COL + 6), strict=True):
        if name:
            book.name_range(name, ACCOUNTS_SHEET, 1, col, n_keys)
    book.protect(ws)


LINE_HEADER = ["kommune_kode", "aar", "noegle_nr", "beloeb"]  # Konti's columns A-D
KEY_HEADER = ["trappe", "funktion", "gruppering", "dranst", "noegle", "regel"]  # from KEY_COL (F)
KEY_COL = 5
KEY_NAMES = ("K_trappe", "K_funktion", "K_gruppering", "K_dranst", "", "K_regel")


def _write_account_cells(ws: Worksheet, s: Styles, data: UdgiftsmodelInput) -> None:
    """Columns A-D: the account lines, each with its key's number (a value: the lines and their keys are the
    data's, never edited in the workbook). Columns F-K: each distinct key (trappe, funktion, gruppering, dranst)
    once, with the rule it finds in Fordelingsnøgle (a formula, so an edited rule moves every line of the key).
    Beregning sums the chosen municipality's lines per key once a year and each rule over its keys, instead of
    scanning every line once per rule."""
    ws.write_row(0, 0, LINE_HEADER, s.header)
    ws.write_row(0, KEY_COL, KEY_HEADER, s.header)
    for r, (key, rule) in enumerate(data.shared.account_keys.items(), start=1):
        for j, part in enumerate(key):
            ws.put_string(r, KEY_COL + j, part)
        ws.put_string(r, KEY_COL + 4, rule_key(*key))
        parts = (fx.cell(r, KEY_COL + j) for j in range(4))
        ws.put_formula(r, KEY_COL + 5, match_formula(*parts), rule)
    acc = data.shared.lines_of_areas()
    columns = zip(acc["kommune_kode"].tolist(), acc["aar"].tolist(), data.shared.key_numbers, acc["beloeb"].tolist(),
                  strict=True)
    for r, (kode, aar, number, beloeb) in enumerate(columns, start=1):
        ws.put_row(r, 0, [int(kode), int(aar), number, float(beloeb)])


def accounts_sheet(book: Book, data: UdgiftsmodelInput, model: AllocationTwin, lay: Layout) -> None:
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
        crit = f"K_funktion,{fx.text(funktion)},K_gruppering,{fx.text(gruppering)}"
        for i, y in enumerate(years):  # over Beregning's key block: its keys, not every line, are scanned
            ws.write_formula(row, 4 + i, f"=SUMIFS({lay.key_column(i)},{crit})", kr,
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
    # empty in every distributed workbook: the speed layer copies the rows from the first one
    book.fill_rows(ws, h + 1, h + EXPORT_ROWS, lambda ws: _export_rows(book, ws, data, h))
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


def _export_rows(book: Book, ws: Worksheet, data: UdgiftsmodelInput, h: int) -> None:
    """The export area's rows below its header row `h`: the user's pasted accounts (yellow) and what each
    account is read as."""
    s = book.styles
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
        ws.write_formula(r, EXPORT_CODE_COL, f'=IF({fx.cell(r, 1)}="","",{_area_formula(fx.cell(r, 3))})', s.text,
                         cached[3])
        words = expenses.RULE_WORDS["trappe"]
        ws.write_formula(r, 6, f'=IF({code}="boern",{fx.text(words["boern"])},IF({code}="voksne",'
                               f'{fx.text(words["voksne"])},""))', s.text, words.get(cached[3], ""))
        # an empty row shows nothing, not rule 0 (SUMIFS on X_regel only ever asks for rows with an account)
        rule = match_formula(code, fx.cell(r, 3), fx.cell(r, 4), fx.cell(r, 5))[1:]
        ws.write_formula(r, 7, f'=IF({fx.cell(r, 1)}="","",{rule})', s.text, cached[4])


def _area_formula(funktion_cell: str) -> str:
    """The staircase whose main function (trapper.csv) an account's function starts with, "" for none."""
    formula = '""'
    for key, prefix in reversed(list(expenses.AREAS.items())):
        formula = f'IF(LEFT({funktion_cell},{len(prefix)})="{prefix}","{key}",{formula})'
    return formula


def _export_cached(data: UdgiftsmodelInput, konto, positions: dict[int, int]) -> tuple:
    """What the export row's parse formulas show: funktion, gruppering, dranst, trappe, regel."""
    if konto in (None, ""):
        return "", "", "", "", ""
    text = str(int(konto)) if isinstance(konto, float) and konto.is_integer() else str(konto)
    digits = text.replace(".", "")
    funktion = f"{digits[0:1]}.{digits[1:3]}.{digits[3:5]}"
    gruppering, dranst = digits[6:9], digits[5:6] or "1"
    trappe = {prefix: key for key, prefix in expenses.AREAS.items()}.get(funktion[:4], "")
    regel = 0
    if trappe:
        line = pd.DataFrame([(0, 0, funktion, gruppering, dranst, 0.0)],
                            columns=["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb"])
        regel = positions.get(int(expenses.match_rules(line, data.shared.rules, trappe)["regel"].iloc[0]), 0)
    return funktion, gruppering, dranst, trappe, regel

"""The rule table's cells as the Udgiftsmodel's formulas read them: the key a rule is found by, the words
the sheet shows for codes, the most-specific-first lookup of an account line's rule, and a rule's steps."""

from __future__ import annotations

from functools import cache

from ...core import expenses
from .. import formulas as fx

RULE_KEY = ("trappe", "funktion", "gruppering", "dranst")
RULE_SHEET_COLUMNS = ["trappe", "funktion", "gruppering", "dranst", "fordeling", "trin", "bemaerkning"]


def rule_cell(column: str, value: str, typed: object) -> str:
    """A rule cell on Fordelingsnøgle: the sheet's word for a trappe or fordeling, or the code where the user
    typed the code (their entry kept as it was); every other cell as check_rules read it (gruppering 005 for
    a typed 5), which is what the sheet's formulas match on."""
    if column in expenses.RULE_WORDS and typed is not None and str(typed).strip() == value:
        return value
    return expenses.rule_word(column, value)


def as_code(column: str, expr: str) -> str:
    """A formula giving the rule file's code for a cell that may hold the sheet's word (expenses.RULE_WORDS);
    Excel compares text without regard to case, as check_rules reads it."""
    out = expr
    for code, word in reversed(list(expenses.RULE_WORDS[column].items())):
        out = f'IF({expr}={fx.text(word)},"{code}",{out})'
    return out


def rule_key(trappe: str, funktion: str, gruppering: str, dranst: str) -> str:
    return f"{trappe}|{funktion}|{gruppering}|{dranst}"


@cache  # the same text for the same cells in every workbook, and long to build
def match_formula(trappe: str, funktion: str, gruppering: str, dranst: str) -> str:
    """The 8-step most-specific-first lookup of a line's rule position in R_key (0 if none)."""
    main = f"LEFT({funktion},4)"
    tries = [(funktion, gruppering, dranst), (funktion, gruppering, '""'), (funktion, '""', dranst),
             (funktion, '""', '""'), (main, gruppering, dranst), (main, gruppering, '""'), (main, '""', dranst),
             (main, '""', '""')]
    expr = "0"
    for f, g, d in reversed(tries):
        expr = f'IFERROR(MATCH({trappe}&"|"&{f}&"|"&{g}&"|"&{d},R_key,0),{expr})'
    return f'=IF({trappe}="",0,{expr})'


def steps_text(trin) -> str:
    """A rule's trin as Beregning's helper cell shows it: commas as semicolons, no spaces."""
    return str(trin).replace(",", ";").replace(" ", "")


@cache
def key_steps(trin: str) -> frozenset[int]:
    return frozenset(expenses._steps(trin))

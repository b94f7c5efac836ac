"""The Python twin of the Udgiftsmodel's allocation (sheet *Beregning*) for the preselected choices: every
formula cell is written with the value this computes, and the formula-truth tests hold the two equal."""

from __future__ import annotations

import pandas as pd

from ...core import expenses
from .. import formulas as fx
from ..frontpage import Selection
from ..per_key import rows_of
from ..scaffold import MAX_STEPS
from .rule_cells import key_steps, steps_text
from .udgiftsmodel_input import LineSums, UdgiftsmodelInput, line_sums, unreported_label


class AllocationTwin:
    """Python twin of the workbook's allocation for the preselected choices (for cached values)."""

    def __init__(self, data: UdgiftsmodelInput, sel: Selection, trappe: str, price: str, base: int):
        self.data, self.sel, self.trappe, self.price, self.base = data, sel, trappe, price, base
        self.staircase = data.shared.staircases[trappe]
        rules = data.shared.rules
        self.rule_pos = {int(r): i + 1 for i, r in enumerate(rules["regel"])}  # rule number -> row position
        if data.choices.uses_export:  # the pasted export replaces the data sheet for its year
            lines = data.shared.matched_lines(trappe)
            lines = lines[(lines["kommune_kode"] == sel.kommune) & (lines["aar"] != data.choices.eget_aar)]
            pasted = expenses.match_rules(data.choices.export_lines(), rules, trappe).assign(kommune_kode=sel.kommune)
            sums = line_sums(pd.concat([lines, pasted], ignore_index=True)).get(sel.kommune, LineSums())
        else:
            sums = data.shared.line_sums_of(trappe, sel.kommune)
        # plain dicts, not pandas lookups: the twins are asked once per formula cell
        self.amount, self.total, self.refund, self.rule_refund = sums.amount, sums.total, sums.refund, sums.rule_refund
        c = rows_of(data.shared.counts, ("trappe", "kommune_kode"), (trappe, sel.kommune))
        self.citizens = {(int(y), int(t)): float(a) for y, t, a in zip(c["aar"], c["trin"], c["antal"], strict=True)
                         if not pd.isna(a)}  # a hidden or missing count: a blank cell, 0 in the key's sum
        # a step the municipality has no count for: 0 in the key (as expenses), said in words, never hidden
        self.unreported = {(int(y), int(t)): unreported_label(self.staircase, int(t), int(y))
                           for y, t, ok in zip(c["aar"], c["trin"], c["indberettet"], strict=True) if not ok}
        self.citizens.update(dict.fromkeys(self.unreported, 0.0))
        self.shown_in_data = data.shared.counts["antal"].notna().all()  # False in a distributed workbook
        self.rule_rows = [(int(r), str(f), str(t)) for r, f, t in
                          zip(rules["regel"], rules["fordeling"], rules["trin"], strict=True)]
        self._steps: dict[tuple[int, int], float | str] = {}
        self._key_totals: dict[tuple[int, str], float] = {}
        self._allocs: dict[tuple[int, int, int], float | str] = {}
        self._answers: dict[tuple, object] = {}

    def factor(self, year: int) -> float:
        if self.price != "Faste priser" or self.data.shared.prisindeks is None:
            return 1.0
        index = self.data.shared.prisindeks.set_index("aar")["indeks"]
        return float(index[self.base] / index[year])

    def cit(self, year: int, step: int) -> float:
        return self.citizens.get((year, step), 0.0)

    def cit_cell(self, year: int, step: int) -> float | str:
        """The Beregning cell: blank where the count is hidden, words where the municipality has none."""
        return self.unreported.get((year, step), self.citizens.get((year, step), ""))

    def key_hidden(self, trin: str, year: int) -> int:
        """How many of a key's steps have no count shown (hidden or missing)."""
        return sum((year, s) not in self.citizens for s in key_steps(trin) if s <= self.staircase.n_steps)

    def hidden_money(self, regel: int, fordeling: str, trin: str, year: int) -> float:
        """A rule's money that a key with a hidden count would split: kept off the steps (the split would give
        the hidden count away)."""
        amount = self.rule_amount(regel, year)
        return amount if fordeling == "noegle" and amount != 0 and self.key_hidden(trin, year) else 0.0

    def masked(self, year: int, step: int) -> bool:
        """A step that money with a hidden key would reach: its amount is not shown."""
        return self._kept(("masked", year, step), lambda: any(
            self.hidden_money(r, f, t, year) and step in key_steps(t) for r, f, t in self.rule_rows))

    def rule_amount(self, regel: int, year: int) -> float:
        return self.amount.get((regel, year), 0.0)

    def alloc(self, rule: dict, step: int, year: int) -> float | str:
        return self._alloc(int(rule["regel"]), str(rule["fordeling"]), str(rule["trin"]), step, year)

    def _alloc(self, regel: int, fordeling: str, trin: str, step: int, year: int) -> float | str:
        """What a rule gives a step in a year; kept, as Beregning, Ikke fordelt and the step sums all ask."""
        key = (regel, step, year)
        if key not in self._allocs:
            self._allocs[key] = self._allocate(regel, fordeling, trin, step, year)
        return self._allocs[key]

    def _allocate(self, regel: int, fordeling: str, trin: str, step: int, year: int) -> float | str:
        if step > self.staircase.n_steps:
            return ""
        amount = self.rule_amount(regel, year)
        if fordeling == "trin":
            share = 1.0 if steps_text(trin) == str(step) else 0.0
        elif fordeling == "noegle":
            key = key_steps(trin)
            if step not in key or self.hidden_money(regel, fordeling, trin, year):
                return amount * 0.0  # as the formula: -0.0 for a negative amount
            total = self._key_totals.get((year, trin))
            if total is None:  # the same key is asked for every step and rule
                total = self._key_totals[(year, trin)] = sum(self.cit(year, s) for s in key if s <= MAX_STEPS)
            share = self.cit(year, step) / total if total else 0.0
        else:
            share = 0.0
        return amount * share

    def steps(self, year: int, step: int) -> float | str:
        """What a step receives; "" beyond the staircase and where money with a hidden key reaches it."""
        if (year, step) not in self._steps:  # asked by several sheets for the same year and step
            self._steps[(year, step)] = ("" if step > self.staircase.n_steps or self.masked(year, step) else
                                         self.placed_on(year, step))
        return self._steps[(year, step)]

    def placed_on(self, year: int, step: int) -> float:
        return self._kept(("placed", year, step), lambda: sum(self._alloc(*r, step, year) for r in self.rule_rows))

    def _kept(self, key: tuple, compute):
        """An answer about the whole rule table, computed once: several sheets ask for each."""
        if key not in self._answers:
            self._answers[key] = compute()
        return self._answers[key]

    def step_cell(self, year: int, step: int) -> float | str:
        """Beregning's cell: #N/A where the amount is not shown (formulas after it leave it blank)."""
        v = self.steps(year, step)
        return fx.NA if v == "" and step <= self.staircase.n_steps else v

    def hidden_total(self, year: int) -> float:
        return self._kept(("hidden", year), lambda: sum(self.hidden_money(*r, year) for r in self.rule_rows))

    def total_of(self, year: int) -> float:
        return self.total.get(year, 0.0)

    def refund_of(self, year: int) -> float:
        return self.refund.get(year, 0.0)

    def rule_refund_of(self, regel: int, year: int) -> float:
        return self.rule_refund.get((regel, year), 0.0)

    def refund_share(self, regel: int, year: int) -> float:
        """A rule's refund over its money: the rule splits its refund as its money."""
        amount = self.rule_amount(regel, year)
        return self.rule_refund_of(regel, year) / amount if amount != 0 else 0.0

    def step_refund(self, year: int, step: int) -> float:
        """The refund on a step before a hidden key's mask (Beregning's cell)."""
        return self._kept(("refund", year, step), lambda: sum(
            self._alloc(r, f, t, step, year) * self.refund_share(r, year) for r, f, t in self.rule_rows))

    def hidden_refund(self, year: int) -> float:
        return sum(self.rule_refund_of(r, year) for r, f, t in self.rule_rows
                   if f == "noegle" and self.key_hidden(t, year) > 0)

    def unplaced_refund(self, year: int) -> float:
        placed = sum(self.step_refund(year, t) for t in self.staircase.step_numbers)
        return self.refund_of(year) - placed - self.hidden_refund(year)

    def unplaced(self, year: int) -> float:
        placed = sum(self.placed_on(year, t) for t in self.staircase.step_numbers)
        return self.total_of(year) - placed - self.hidden_total(year)

    def on_hidden_steps(self, year: int) -> float:
        """Money a table does not show on a step: a hidden key's, and what the rules placed on the steps that
        key would reach (their amount is hidden)."""
        return self.hidden_total(year) + sum(self.placed_on(year, t) for t in self.staircase.step_numbers
                                             if self.masked(year, t))

    def refund_on_hidden_steps(self, year: int) -> float:
        return self.hidden_refund(year) + sum(self.step_refund(year, t) for t in self.staircase.step_numbers
                                              if self.masked(year, t))

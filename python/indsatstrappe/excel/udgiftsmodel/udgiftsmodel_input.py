"""The Udgiftsmodel workbook's input: the shared data every municipality's workbook shows (`UdgiftsmodelData`,
built once by `udgiftsmodel_data`) and one user's choices (`UdgiftsmodelChoices`). The sheet builders read them;
nothing here writes a sheet, so the builders and the twins that fill their cached values all import this, and
this imports none of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ...core import coverage, expenses
from ...core.kontoplan import REFUND_DRANST, parse_account
from ...core.staircase import Staircase, default_staircases
from ..datasheet import NOT_REPORTED, OWN_DATA, OWN_GROUP, DataTable

UNREPORTED_ID = ":ikke_indberettet"  # a Data-sheet marker row: the step has no count (own data, or not reported)


def unreported_label(staircase: Staircase, step: int, year: int) -> str:
    """Why a step has no count: only the municipality's own data could give it, or it was not reported."""
    return NOT_REPORTED if coverage.register_can_give(staircase, step, year) else OWN_DATA


@dataclass
class ScenarioInput:
    rows: list[list]  # up to MOVEMENT_ROWS rows of the six FIELDS as typed (None = empty)
    prisstigning: float = 0.0  # per cent a year



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
    def rule_records(self) -> list[dict]:
        """The rules as plain rows (read once per formula cell; the same for every municipality)."""
        return self.rules.to_dict("records")

    @cached_property
    def _line_sums(self) -> dict[str, dict[int, LineSums]]:
        return {t: line_sums(self.matched_lines(t)) for t in self.lines.matched}

    def line_sums_of(self, trappe: str, kommune: int) -> LineSums:
        """A municipality's sums of its matched lines on an area (summed once for all municipalities)."""
        return self._line_sums[trappe].get(kommune, LineSums())

    @cached_property
    def nonnegative_expenses(self) -> bool:
        """No municipality has negative net money on a step or off the steps in any year (default rules)."""
        money = self.expense_rows[self.expense_rows["id"].str.startswith("udgift:")]["taeller"]
        return bool((money.dropna() >= 0).all())

    def lines_of_areas(self) -> pd.DataFrame:
        return self.lines.area_lines

    @cached_property
    def account_keys(self) -> dict[tuple[str, str, str, str], int]:
        """Each distinct account key (trappe, funktion, gruppering, dranst) of the areas' lines, in the order of
        its first line, -> the position on Fordelingsnøgle of the rule it finds (0: none). *Konti* lists each key
        once with its rule found by formula, and each line names its key by number (`key_numbers`)."""
        positions = {int(r): i + 1 for i, r in enumerate(self.rules["regel"])}
        cols = ["kommune_kode", "aar", "funktion", "gruppering", "dranst"]
        matched = pd.concat([self.matched_lines(t) for t in AREA_LABELS], ignore_index=True)
        acc = self.lines_of_areas().merge(matched[[*cols, "regel"]].drop_duplicates(cols), on=cols, how="left")
        found: dict[tuple[str, str, str, str], int] = {}
        for key, regel in zip(zip(acc["trappe"], acc["funktion"], acc["gruppering"], acc["dranst"], strict=True),
                              acc["regel"], strict=True):
            found.setdefault(key, positions.get(int(regel), 0))
        return found

    @cached_property
    def key_numbers(self) -> list[int]:
        """Each area line's key number (1-based, as `account_keys` orders them), in the lines' order."""
        number = {key: k for k, key in enumerate(self.account_keys, start=1)}
        acc = self.lines_of_areas()
        return [number[key] for key in zip(acc["trappe"], acc["funktion"], acc["gruppering"], acc["dranst"],
                                           strict=True)]

    @cached_property
    def key_amounts(self) -> dict[tuple[int, int, int], float]:
        """(kommune_kode, aar, key number) -> the net sum of its lines: Beregning's key block, per municipality."""
        acc = self.lines_of_areas()
        sums = acc.assign(noegle=self.key_numbers).groupby(["kommune_kode", "aar", "noegle"])["beloeb"].sum()
        return {(int(k), int(y), int(n)): float(v) for (k, y, n), v in sums.items()}

    def account_sums(self) -> tuple[list[tuple[str, str, str]], dict[tuple, float]]:
        return self.lines.sums


@dataclass
class LineSums:
    """A municipality's matched account lines summed: per (rule, year), per year, and dranst 2 (refunds) alike."""

    amount: dict[tuple[int, int], float] = field(default_factory=dict)
    total: dict[int, float] = field(default_factory=dict)
    refund: dict[int, float] = field(default_factory=dict)
    rule_refund: dict[tuple[int, int], float] = field(default_factory=dict)


def line_sums(lines: pd.DataFrame) -> dict[int, LineSums]:
    """Matched account lines (kommune_kode, aar, regel, dranst, beloeb) summed per municipality: one grouping for
    all of them, each group's lines in their order, so a sum is the one its municipality's lines alone give."""
    out: dict[int, LineSums] = {}

    def of(k) -> LineSums:
        return out.setdefault(int(k), LineSums())
    refunds = lines[lines["dranst"].astype(str) == REFUND_DRANST]
    for (k, r, y), v in lines.groupby(["kommune_kode", "regel", "aar"])["beloeb"].sum().items():
        of(k).amount[(int(r), int(y))] = float(v)
    for (k, y), v in lines.groupby(["kommune_kode", "aar"])["beloeb"].sum().items():
        of(k).total[int(y)] = float(v)
    for (k, y), v in refunds.groupby(["kommune_kode", "aar"])["beloeb"].sum().items():
        of(k).refund[int(y)] = float(v)
    for (k, r, y), v in refunds.groupby(["kommune_kode", "regel", "aar"])["beloeb"].sum().items():
        of(k).rule_refund[(int(r), int(y))] = float(v)
    return out


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
    table = DataTable(pd.concat([_citizen_rows(counts, staircases), expense_rows], ignore_index=True), years,
                      means_of=_compared)
    return UdgiftsmodelData(accounts, rules, counts, expense_rows, prisindeks, staircases, list(years), table,
                            lines or account_lines(accounts, rules), rules_as_typed)


def _compared(fid: str) -> bool:
    """The Data ids whose group mean the Udgiftsmodel shows: unit prices and expenses per step."""
    return fid.startswith(("enhedspris:", "udgift:"))


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
    scenarie: ScenarioInput | None = None

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

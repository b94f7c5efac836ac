"""The expense model (udgiftsmodel): municipal accounts allocated to the steps by rules that are data.

A rule maps funktion (a function such as 5.28.21, or a main function such as 5.28) x gruppering (or
all) x dranst (or both) to one step, to several steps split by the number of citizens on each, or to
"ikke fordelt". The most specific rule wins: an exact function before a main function, a grouping
before all groupings, a dranst before both. Statsrefusion (dranst 2) follows its account unless a rule
says otherwise. Money is conserved to the øre: the steps plus "ikke fordelt" equal the input total.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from . import coverage, distribution
from .datafiles import packaged
from .errors import Problem, raise_if_errors
from .kontoplan import DRANSTER, OPERATING_DRANST, REFUND_DRANST
from .staircase import Staircase, default_staircases

RULES_FILE = "fordelingsnoegle.csv"
RULE_COLUMNS = ["trappe", "funktion", "gruppering", "dranst", "fordeling", "trin", "bemaerkning"]
KINDS = ("trin", "noegle", "ikke_fordelt")
AREAS = {key: st.omraade for key, st in default_staircases().items()}  # trappe -> main function (trapper.csv)
UNPLACED = 0  # the "ikke fordelt" block, kept apart from steps 1..N
UNPLACED_LABEL = "ikke_fordelt"
OUTPUT_COLUMNS = ["kommune_kode", "aar", "trin", "trin_navn", "beloeb", "andel", "enhedspris", "drift", "refusion"]
_MAIN_FUNCTION = re.compile(r"^\d\.\d{2}$")
_FUNCTION = re.compile(r"^\d\.\d{2}\.\d{2}$")


@cache
def _default_rules_table() -> pd.DataFrame:
    return pd.read_csv(packaged(RULES_FILE), dtype=str, keep_default_na=False)


def default_rules(staircases: dict[str, Staircase]) -> pd.DataFrame:
    return check_rules(_default_rules_table(), RULES_FILE, staircases)


# The words a reader sees and picks on the Fordelingsnøgle sheet, beside the codes of the rules file: both are
# read, the codes are what the rules hold.
RULE_WORDS = {"trappe": {"boern": "Børn og unge", "voksne": "Voksne"},
              "fordeling": {"trin": "Ét trin", "noegle": "Nøgle", "ikke_fordelt": "Ikke fordelt"}}


def rule_word(column: str, code: str) -> str:
    """The word for a rule's trappe or fordeling code (the code itself where it has none)."""
    return RULE_WORDS.get(column, {}).get(code, code)


def rule_codes(column: str, values: list[str]) -> list[str]:
    """The rules file's codes for a trappe or fordeling column that may hold the sheet's words (any case)."""
    back = {w.lower(): code for code, w in RULE_WORDS[column].items()}
    return [back.get(v.strip().lower(), v) for v in values]


def check_rules(df: pd.DataFrame, fil: str, staircases: dict[str, Staircase]) -> pd.DataFrame:
    """Typed rules with a rule number (its row) and specificity; raises InputError listing every problem."""
    problems: list[Problem] = []
    missing = [c for c in RULE_COLUMNS[:6] if c not in df.columns]
    if missing:
        raise_if_errors([Problem(fil, f"kolonnen/kolonnerne {', '.join(missing)} mangler.",
                                 f"Fordelingsnøglen skal have kolonnerne {', '.join(RULE_COLUMNS)}.")])
    rules = df.reindex(columns=RULE_COLUMNS, fill_value="").fillna("").astype(str).apply(lambda s: s.str.strip())
    rules["gruppering"] = rules["gruppering"].where(~rules["gruppering"].str.fullmatch(r"\d{1,3}"),
                                                    rules["gruppering"].str.zfill(3))
    for column in RULE_WORDS:
        rules[column] = rule_codes(column, rules[column].tolist())
    for i, r in rules.iterrows():  # tens of rows: clear messages matter more than vectorising
        line = int(i) + 2
        if r["trappe"] not in staircases:
            problems.append(Problem(fil, f"ukendt trappe '{r['trappe']}'.",
                                    "Vælg Børn og unge eller Voksne (i en fil: boern eller voksne).", line, "trappe"))
            continue
        area = AREAS[r["trappe"]]
        if not (_FUNCTION.match(r["funktion"]) or _MAIN_FUNCTION.match(r["funktion"])) or not (
                r["funktion"] + ".").startswith(area + "."):
            problems.append(Problem(fil, f"'{r['funktion']}' er ikke en funktion under {area}.",
                                    f"Skriv fx {area}.21, eller {area} for hele hovedfunktionen.", line, "funktion"))
        if r["gruppering"] and not re.fullmatch(r"\d{3}", r["gruppering"]):
            problems.append(Problem(fil, f"'{r['gruppering']}' er ikke en gruppering.",
                                    "Skriv tre cifre (fx 005) eller lad cellen stå tom for alle grupperinger.", line,
                                    "gruppering"))
        if r["dranst"] not in ("", *DRANSTER):
            problems.append(Problem(fil, f"ukendt dranst '{r['dranst']}'.", "Brug 1, 2 eller tom for begge.", line,
                                    "dranst"))
        if r["fordeling"] not in KINDS:
            problems.append(Problem(fil, f"ukendt fordeling '{r['fordeling']}'.",
                                    "Vælg Ét trin, Nøgle eller Ikke fordelt (i en fil: trin, noegle eller "
                                    "ikke_fordelt).", line, "fordeling"))
            continue
        steps = set(staircases[r["trappe"]].step_numbers)
        wanted = _steps(r["trin"])
        if r["fordeling"] == "trin" and (len(wanted) != 1 or not wanted <= steps):
            problems.append(Problem(fil, f"trin '{r['trin']}' er ikke ét trin på trappen '{r['trappe']}'.",
                                    f"Skriv et tal fra 1 til {max(steps)}.", line, "trin"))
        if r["fordeling"] == "noegle" and (len(wanted) < 2 or not wanted <= steps):
            problems.append(Problem(fil, f"'{r['trin']}' er ikke en liste af trin.",
                                    "Skriv mindst to trin adskilt af semikolon, fx 2;3.", line, "trin"))
    dup = rules.duplicated(["trappe", "funktion", "gruppering", "dranst"], keep="first")
    for i in rules.index[dup]:
        problems.append(Problem(fil, "der er allerede en regel for samme funktion, gruppering og dranst.",
                                "Slet den ene række.", int(i) + 2))
    raise_if_errors(problems)
    rules["regel"] = np.arange(1, len(rules) + 1)
    rules["specificitet"] = (100 * rules["funktion"].str.match(_FUNCTION).astype(int)
                             + 10 * (rules["gruppering"] != "") + (rules["dranst"] != ""))
    return rules


def _steps(text: str) -> set[int]:
    return {int(p) for p in str(text).replace(",", ";").split(";") if p.strip().isdigit()}


def area_of(funktion: pd.Series) -> pd.Series:
    """boern for 5.28.xx, voksne for 5.38.xx, empty for everything else."""
    out = pd.Series("", index=funktion.index, dtype=object)
    for trappe, prefix in AREAS.items():
        out[funktion.str.startswith(prefix + ".")] = trappe
    return out


def match_rules(regnskab: pd.DataFrame, rules: pd.DataFrame, trappe: str) -> pd.DataFrame:
    """The area's account lines with the number of the most specific rule that matches (0: none)."""
    lines = regnskab[area_of(regnskab["funktion"]) == trappe].reset_index(drop=True)
    # a line's rule depends on its account key alone: each distinct key is paired with the rules, not each line
    key_cols = ["funktion", "gruppering", "dranst"]
    keys = lines[key_cols].drop_duplicates().reset_index(drop=True)
    keys = keys.assign(linje=np.arange(len(keys)))
    own = rules[rules["trappe"] == trappe]
    # 5.28.21 -> 5.28, on the keys before they are paired with every rule
    keyed = keys.assign(hoved=keys["funktion"].str.slice(0, 4))
    pairs = keyed.merge(
        own[["regel", "funktion", "gruppering", "dranst", "specificitet"]].rename(
            columns={"funktion": "r_funktion", "gruppering": "r_gruppering", "dranst": "r_dranst"}), how="cross")
    hit = ((pairs["r_funktion"] == pairs["funktion"]) | (pairs["r_funktion"] == pairs["hoved"])) \
        & ((pairs["r_gruppering"] == "") | (pairs["r_gruppering"] == pairs["gruppering"])) \
        & ((pairs["r_dranst"] == "") | (pairs["r_dranst"] == pairs["dranst"]))
    best = pairs[hit].sort_values(["linje", "specificitet"]).drop_duplicates("linje", keep="last")
    keys["regel"] = keys["linje"].map(best.set_index("linje")["regel"]).fillna(0).astype(int)
    lines["regel"] = lines[key_cols].merge(keys, on=key_cols, how="left")["regel"].to_numpy()
    return lines


def _split_oere(amount: np.ndarray, weights: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Split integer øre amounts over weighted parts so each line's parts sum exactly to its amount
    (largest remainder). `line` labels which rows belong together; rows of one line are contiguous."""
    sign = np.sign(amount)
    total_w = pd.Series(weights).groupby(line).transform("sum").to_numpy()
    raw = np.abs(amount) * weights / total_w
    base = np.floor(raw).astype(np.int64)
    short = np.abs(amount) - pd.Series(base).groupby(line).transform("sum").to_numpy()
    frac = raw - base
    order = pd.DataFrame({"line": line, "frac": -frac, "pos": np.arange(len(line))})
    order = order.sort_values(["line", "frac", "pos"])
    rank = order.groupby("line").cumcount().reindex(order.index).sort_index().to_numpy()
    return sign * (base + (rank < short))


def allocate(regnskab: pd.DataFrame, rules: pd.DataFrame, staircase: Staircase,
             counts: pd.DataFrame | None) -> pd.DataFrame:
    """Every krone of the area on a step or on "ikke fordelt" (trin 0), with the rule and the reason.

    Columns: kommune_kode, aar, funktion, gruppering, dranst, regel, trin, oere, grund.
    `counts` (kommune_kode, aar, trin, antal) is the split key: citizens per step.
    """
    lines = match_rules(regnskab, rules, staircase.key)
    lines["oere"] = np.round(lines["beloeb"].astype(float) * 100).astype(np.int64)
    by_rule = rules.set_index("regel")
    kind = lines["regel"].map(by_rule["fordeling"]).fillna("ingen")
    target = lines["regel"].map(by_rule["trin"]).fillna("")
    whole = lines[kind == "trin"].assign(trin=target[kind == "trin"].astype(int), grund="")
    unplaced = lines[kind.isin(["ikke_fordelt", "ingen"])].assign(trin=UNPLACED)
    unplaced["grund"] = np.where(kind[unplaced.index] == "ingen", "ingen regel i fordelingsnøglen for kontoen",
                                 unplaced["regel"].map(by_rule["bemaerkning"]).fillna(""))
    split = lines[kind == "noegle"].assign(trin=target[kind == "noegle"].map(lambda t: sorted(_steps(t))))
    parts = [whole, unplaced]
    if not split.empty:
        split = split.reset_index(drop=True).assign(linje=lambda d: np.arange(len(d))).explode("trin")
        split["trin"] = split["trin"].astype(int)
        key = counts if counts is not None else pd.DataFrame(columns=["kommune_kode", "aar", "trin", "antal"])
        key = key.assign(skjult=key.get("skjult", False))
        split = split.merge(key[["kommune_kode", "aar", "trin", "antal", "skjult"]],
                            on=["kommune_kode", "aar", "trin"], how="left").fillna({"antal": 0, "skjult": False})
        # a key with a withheld count cannot be split: its ratio is unknown, so its money is not placed
        withheld = split.groupby("linje")["skjult"].transform("any").astype(bool)
        weight_total = split.groupby("linje")["antal"].transform("sum")
        no_key = (weight_total <= 0) & ~withheld
        for lost_rows, reason in ((withheld, "fordelingsnøglen bruger et antal, der er " + coverage.WITHHELD_REASON),
                                  (no_key, "fordelingsnøglen er 0: ingen borgere på nøglens trin")):
            if lost_rows.any():  # the money cannot be split, so it is not placed
                lost = split[lost_rows].drop_duplicates("linje").assign(trin=UNPLACED, grund=reason)
                parts.append(lost.drop(columns=["linje", "antal", "skjult"]))
        ok = split[~no_key & ~withheld].sort_values(["linje", "trin"]).reset_index(drop=True)
        if not ok.empty:
            ok["oere"] = _split_oere(ok["oere"].to_numpy(), ok["antal"].to_numpy(dtype=float),
                                     ok["linje"].to_numpy())
            parts.append(ok.drop(columns=["linje", "antal", "skjult"]).assign(grund=""))
    out = pd.concat(parts, ignore_index=True)
    cols = ["kommune_kode", "aar", "funktion", "gruppering", "dranst", "regel", "trin", "oere", "grund"]
    return out[cols].sort_values(["kommune_kode", "aar", "funktion", "gruppering", "dranst", "trin"]).reset_index(
        drop=True)


def to_fixed_prices(regnskab: pd.DataFrame, prisindeks: pd.DataFrame, base: int) -> pd.DataFrame:
    """Amounts in the prices of the base year: beloeb x indeks(base) / indeks(aar)."""
    index = prisindeks.set_index("aar")["indeks"]
    factor = regnskab["aar"].map(index[base] / index)
    return regnskab.assign(beloeb=regnskab["beloeb"] * factor)


def step_table(allocation: pd.DataFrame, staircase: Staircase, counts: pd.DataFrame | None) -> pd.DataFrame:
    """The CLI contract: one row per step and one for "ikke fordelt", per municipality and year.

    beloeb is net (drift + refusion); andel is the row's share of the area's total; enhedspris is the
    step's net expense per citizen on the step (empty where nobody is on it)."""
    cells = allocation[["kommune_kode", "aar"]].drop_duplicates()
    grid = cells.merge(pd.DataFrame({"trin": [*staircase.step_numbers, UNPLACED]}), how="cross")
    oere = allocation.assign(drift=np.where(allocation["dranst"] == OPERATING_DRANST, allocation["oere"], 0),
                             refusion=np.where(allocation["dranst"] == REFUND_DRANST, allocation["oere"], 0))
    sums = oere.assign(linjer=1).groupby(["kommune_kode", "aar", "trin"], as_index=False)[
        ["oere", "drift", "refusion", "linjer"]].sum()
    out = grid.merge(sums, how="left").fillna({"oere": 0, "drift": 0, "refusion": 0, "linjer": 0})
    total = out.groupby(["kommune_kode", "aar"])["oere"].transform("sum")
    out["beloeb"] = out["oere"] / 100
    out["drift"] = out["drift"] / 100
    out["refusion"] = out["refusion"] / 100
    out["andel"] = np.where(total != 0, out["oere"] / total.where(total != 0, 1), np.nan)
    if counts is not None:
        out = out.merge(counts[["kommune_kode", "aar", "trin", "antal"]], how="left")
    else:
        out["antal"] = np.nan
    # a price needs both: citizens on the step and money placed on it (no accounts, or accounts netting to 0,
    # is no price, not 0 kr.)
    priced = (out["trin"] != UNPLACED) & (out["antal"] > 0) & (out["linjer"] > 0) & (out["oere"] != 0)
    out["enhedspris"] = np.where(priced, out["beloeb"] / out["antal"].where(out["antal"] > 0, 1), np.nan)
    names = {**staircase.step_names(), UNPLACED: "Ikke fordelt på trin"}
    out["trin_navn"] = out["trin"].map(names)
    out["trin"] = out["trin"].map(lambda t: UNPLACED_LABEL if t == UNPLACED else t).astype(object)
    return out[OUTPUT_COLUMNS].reset_index(drop=True)


def citizens(modtagere: pd.DataFrame | None, staircase: Staircase) -> pd.DataFrame | None:
    """Citizens per step (the split key and the unit-cost denominator: the same step definitions). A step the
    municipality does not report has no count: no unit cost, and 0 in a key (as before it was counted)."""
    return None if modtagere is None else distribution.reported_step_counts(modtagere, staircase)


def extra_expense(table: pd.DataFrame, base: int) -> pd.DataFrame:
    """Merudgiftsanalyse: per municipality and step, each year's net expense minus the base year's."""
    at_base = table[table["aar"] == base][["kommune_kode", "trin", "beloeb"]].rename(columns={"beloeb": "basis"})
    out = table.merge(at_base, on=["kommune_kode", "trin"], how="left")
    out["merudgift"] = out["beloeb"] - out["basis"]
    return out[["kommune_kode", "aar", "trin", "trin_navn", "beloeb", "basis", "merudgift"]]

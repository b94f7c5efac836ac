"""`hent`: a complete data folder in the contract's format from Danmarks Statistik's register tables.

Which variable of a table is the municipality, the time or the category is read from the table's
metadata (tableinfo), so the code depends on DST's codes, not on column positions. Requests are split
by table and year to stay within the API's limits.

Rules (documented on the workbooks' *Om* sheet through datapakke.toml):
- befolkning: FOLK1A on 1 January (quarter K1) of the year, single ages summed to 0-17 and 18-64 (65+ too).
- modtagere: ANBAAR12 (placed on 31 December), ISBU01 (interventions in the year) and HAND07 (unique
  recipients per quarter; a year is the mean of its quarters), only the codes in the staircase mapping
  (leaf codes: parents of DST's hierarchy are never summed with their children).
- regnskab: REGK31 (net, art TOT, 1,000 kr. current prices, times 1,000) for 5.28 and 5.38, dranst 1 and
  2; where REGK100 has the function's groupings, those lines replace the function's REGK31 line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from . import municipalities
from .errors import InputError
from .io import dst
from .io.datafolder import META_FILE
from .io.output import atomic_path, write_csv
from .io.statbank import FetchError, StatBankClient
from .staircase import Staircase

AGE_GROUPS = {"0-17": range(0, 18), "18-64": range(18, 65), "65+": range(65, 126)}
RECIPIENT_TABLES = {"ANBAAR12": "boern", "ISBU01": "boern", "HAND07": "voksne"}
ACCOUNT_AREAS = ("5.28", "5.38")

Progress = Callable[[str, int, int], None]  # (table, requests done, requests in all)


@dataclass
class Variables:
    area: str
    time: str
    others: dict[str, list[str]]  # id -> value codes
    eliminable: set[str]


def describe(info: dict) -> Variables:
    """Find the municipality and time variables of a table from its tableinfo."""
    area = time = None
    others, eliminable = {}, set()
    known = {str(k) for k in municipalities.codes()}
    for var in info.get("variables", []):
        values = [str(v["id"]) for v in var.get("values", [])]
        if var.get("time") or var["id"].lower() == "tid":
            time = var["id"]
        elif area is None and len(known & {v.lstrip("0") for v in values}) >= 90:
            area = var["id"]
        else:
            others[var["id"]] = values
            if var.get("elimination"):
                eliminable.add(var["id"])
    if area is None or time is None:
        raise FetchError.single(info.get("id", "?"), "tabellens opbygning er ikke som ventet (ingen kommune- "
                                "eller tidsvariabel).", "Tabellen kan være lagt om hos Danmarks Statistik.")
    return Variables(area, time, others, eliminable)


def _time_codes(info: dict, var: str, years: list[int]) -> dict[int, list[str]]:
    codes = next(v for v in info["variables"] if v["id"] == var)["values"]
    parsed = dst.parse_time(pd.Series([str(c["id"]) for c in codes]))
    by_year: dict[int, list[str]] = {}
    for code, year in zip(codes, parsed["aar"], strict=True):
        if year in years:
            by_year.setdefault(int(year), []).append(str(code["id"]))
    return by_year


def _fetch(client: StatBankClient, table: str, years: list[int], choose: Callable[[Variables], dict],
           progress: Progress | None, quarters: set[str] | None = None) -> tuple[pd.DataFrame, Variables]:
    info = client.tableinfo(table)
    variables = describe(info)
    periods = _time_codes(info, variables.time, years)
    if quarters is not None:
        periods = {y: [c for c in codes if c[-2:] in quarters] or codes for y, codes in periods.items()}
    parts = []
    for done, year in enumerate(sorted(periods), start=1):
        request = {variables.area: ["*"], **choose(variables), variables.time: periods[year]}
        parts.append(dst.parse_bulk(client.data(table, request)))
        if progress:
            progress(table, done, len(periods))
    if not parts:
        raise FetchError.single(table, f"har ingen data for årene {years[0]}-{years[-1]}.",
                                "Vælg andre år med --fra og --til.")
    df = pd.concat(parts, ignore_index=True)
    df = df.join(dst.parse_time(df[variables.time.upper()]))
    df["kommune_kode"] = dst.municipality_code(df[variables.area.upper()])
    df = df[df["kommune_kode"].isin(municipalities.codes())].copy()
    df["kommune_kode"] = df["kommune_kode"].astype(int)
    return df, variables


def population(client: StatBankClient, years: list[int], progress: Progress | None = None) -> pd.DataFrame:
    def choose(v: Variables) -> dict:
        pick = {"ALDER": [str(a) for a in range(0, 126)]}
        for var in v.others:
            if var.upper() != "ALDER":
                pick[var] = ["TOT"]
        return pick
    df, _ = _fetch(client, "FOLK1A", years, choose, progress, quarters={"K1"})
    df["alder"] = pd.to_numeric(df["ALDER"], errors="coerce")
    rows = []
    for label, ages in AGE_GROUPS.items():
        part = df[df["alder"].isin(list(ages))]
        summed = part.groupby(["kommune_kode", "aar"], as_index=False)[dst.VALUE].sum()
        rows.append(summed.assign(aldersgruppe=label))
    out = pd.concat(rows, ignore_index=True).rename(columns={dst.VALUE: "antal"})
    out["antal"] = out["antal"].round().astype(int)
    return out[["kommune_kode", "aar", "aldersgruppe", "antal"]]


def recipients(client: StatBankClient, staircases: dict[str, Staircase], years: list[int],
               progress: Progress | None = None) -> pd.DataFrame:
    parts = []
    for table, trappe in RECIPIENT_TABLES.items():
        codes = [c.split(":", 1)[1] for c in staircases[trappe].codes.index if c.startswith(table + ":")]

        def choose(v: Variables, codes=codes, table=table) -> dict:
            category = next(iter(k for k, vals in v.others.items() if set(codes) & set(vals)), None)
            if category is None:
                raise FetchError.single(table, "ingen af indsatskortets koder findes i tabellen.",
                                        "Tjek koderne i indsatser.csv mod tabellen hos Danmarks Statistik.")
            available = set(v.others[category])
            pick = {category: [c for c in codes if c in available]}
            for var, values in v.others.items():  # everything else at its total
                if var != category and var not in v.eliminable:
                    pick[var] = [values[0]]
            choose.category = category
            return pick
        df, variables = _fetch(client, table, years, choose, progress)
        category = choose.category.upper()
        df = df.rename(columns={category: "kode"})
        df[dst.VALUE] = df[dst.VALUE].fillna(0)  # suppressed ('..') counts are small; they count as 0
        if (df["kvartal"] > 0).any():
            df = dst.yearly_from_quarters(df, ["kommune_kode", "kode"])
        else:
            df = df.groupby(["kommune_kode", "aar", "kode"], as_index=False)[dst.VALUE].sum()
        parts.append(pd.DataFrame({"kommune_kode": df["kommune_kode"], "aar": df["aar"], "trappe": trappe,
                                   "indsats": table + ":" + df["kode"].astype(str),
                                   "antal": df[dst.VALUE].round().astype(int)}))
    return pd.concat(parts, ignore_index=True)


def _account_choice(v: Variables) -> dict:
    pick = {}
    for var, values in v.others.items():
        up = var.upper()
        if up.startswith("FUNK"):
            pick[var] = [c for c in values if dst.function_code(pd.Series([c])).iloc[0][:4] in ACCOUNT_AREAS]
        elif up == "DRANST":
            pick[var] = [c for c in values if c in ("1", "2")]
        elif up == "ART":
            pick[var] = ["TOT"]
        elif up == "PRISENHED":
            pick[var] = ["LOBM"]
        elif up == "GRUPPERING":
            pick[var] = ["*"]
        elif var not in v.eliminable:  # e.g. ejerforhold: its total when there is one
            total = [c for c in values if c.upper() in ("TOT", "IALT", "0")]
            pick[var] = total[:1] or ["*"]
    return pick


def _account_lines(df: pd.DataFrame, grouping: bool) -> pd.DataFrame:
    func_col = next(c for c in df.columns if c.startswith("FUNK"))
    lines = pd.DataFrame({
        "kommune_kode": df["kommune_kode"], "aar": df["aar"], "funktion": dst.function_code(df[func_col]),
        "gruppering": df["GRUPPERING"].astype(str).str.strip().str.zfill(3) if grouping else "",
        "dranst": df["DRANST"].astype(str), "beloeb": df[dst.VALUE].fillna(0) * 1000})
    lines = lines[lines["funktion"] != ""]
    return lines.groupby(["kommune_kode", "aar", "funktion", "gruppering", "dranst"], as_index=False)["beloeb"].sum()


def accounts(client: StatBankClient, years: list[int], progress: Progress | None = None) -> pd.DataFrame:
    """REGK31 per function; where REGK100 has the function's groupings, they replace its REGK31 line."""
    functions = _account_lines(_fetch(client, "REGK31", years, _account_choice, progress)[0], grouping=False)
    try:
        groups = _account_lines(_fetch(client, "REGK100", years, _account_choice, progress)[0], grouping=True)
    except (FetchError, KeyError, StopIteration):
        return functions  # without groupings, rules fall back to the function's default
    key = ["kommune_kode", "aar", "funktion", "dranst"]
    covered = functions.merge(groups[key].drop_duplicates(), on=key, how="left", indicator=True)
    kept = covered[covered["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([kept, groups], ignore_index=True).sort_values([*key, "gruppering"]).reset_index(drop=True)


@dataclass
class FetchResult:
    folder: Path
    rows: dict[str, int]
    fetched: dict[str, str]


def fetch_folder(client: StatBankClient, out: Path, staircases: dict[str, Staircase], years: list[int],
                 progress: Progress | None = None) -> FetchResult:
    """Fetch every register table and write a data folder the other commands read."""
    if not years:
        raise InputError.single("--fra/--til", "ingen år at hente.", "Angiv --fra før eller lig --til.")
    tables = {
        "befolkning": population(client, years, progress),
        "modtagere": recipients(client, staircases, years, progress),
        "regnskab": accounts(client, years, progress),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        write_csv(df, out / f"{name}.csv")
    fetched = dict(client.fetched)
    newest = max(fetched.values())[:10] if fetched else date.today().isoformat()
    meta = (f'navn = "Danmarks Statistik {years[0]}-{years[-1]}"\nsyntetisk = false\n'
            f'kilde = "Danmarks Statistik (statistikbanken.dk), licens CC BY 4.0"\nhentet = "{newest}"\n'
            f"tabeller = [{', '.join(repr(t).replace(chr(39), chr(34)) for t in sorted(fetched))}]\n"
            f"# Regler: befolkning 1. januar (FOLK1A K1); HAND07-kvartaler -> år som gennemsnit; REGK31 netto.\n")
    with atomic_path(out / META_FILE) as tmp:
        tmp.write_text(meta, encoding="utf-8")
    return FetchResult(out, {k: len(v) for k, v in tables.items()}, fetched)

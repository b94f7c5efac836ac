"""`hent`: a complete data folder in the contract's format from Danmarks Statistik's register tables.

Which variable of a table is the municipality, the time or the category is read from the table's
metadata (tableinfo), so the code depends on DST's codes, not on column positions. Requests are split
by table and year. The rules follow DST's API documentation (see io/dst.py for the quotes):
- Every BULK request names every variable of the table: streaming formats allow no elimination. A variable
  we do not split by is asked at its total where tableinfo has one, else at all its values, which are
  then summed (a sum with a withheld part is withheld).
- A left-out row is tableinfo's `suppressedDataValue` (0); '..' is withheld: unknown, written as '..' in
  modtagere.csv, never as 0.

Tables (documented on the workbooks' *Om* sheet through datapakke.toml):
- befolkning: FOLK1A on 1 January (quarter K1) of the year, single ages summed to 0-17 and 18-64 (65+ too).
- modtagere: ANBAAR12 (placed on 31 December), ISBU01 (interventions in the year) and HAND07 (unique
  recipients per quarter; a year is the mean of its published quarters, left-out quarters 0, rounded to whole
  citizens), only the codes in the staircase mapping (leaf codes: parents of DST's hierarchy are never
  summed with their children).
- regnskab: REGK31 (net, art TOT, 1,000 kr. current prices, times 1,000) for 5.28 and 5.38, dranst 1 and
  2; where REGK100 has the function's groupings, those lines replace the function's REGK31 line. REGK100
  that cannot be used is said, not hidden: the rules then use the function's default.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..core import expenses, municipalities
from ..core.errors import InputError, Problem
from ..core.staircase import Staircase
from ..io import dst
from ..io.datafolder import META_FILE, DataFolder
from ..io.output import atomic_path, write_csv
from ..io.statbank import FetchError, Refused, StatBankClient, where

AGE_GROUPS = {"0-17": range(0, 18), "18-64": range(18, 65), "65+": range(65, 126)}
RECIPIENT_TABLES = {"ANBAAR12": "boern", "ISBU01": "boern", "HAND07": "voksne"}
ACCOUNT_AREAS = tuple(expenses.AREAS.values())  # the staircases' main functions (trapper.csv)
WRITER = "indsatstrappe hent"
WRITTEN = ("befolkning.csv", "modtagere.csv", "regnskab.csv", META_FILE)
TOTAL_CODES = ("TOT", "IALT")

Progress = Callable[[str, int, int], None]  # (table, requests done, requests in all)


@dataclass
class Variables:
    area: str
    time: str
    others: dict[str, list[str]]  # id -> value codes
    totals: dict[str, str | None]  # id -> its total's code, where tableinfo has one
    area_codes: list[str]  # the area variable's codes that are municipalities


@dataclass
class TableReport:
    """What one table gave and lacked, for the user (hent's output) and the workbooks (*Om*)."""

    table: str
    withheld: int = 0  # values DST withheld ('..')
    no_rows: dict[int, list[int]] = field(default_factory=dict)  # year -> municipalities without a single row
    partial_years: dict[int, int] = field(default_factory=dict)  # year -> quarters published (HAND07)
    notes: list[str] = field(default_factory=list)
    counts: bool = True  # a table of counts: a municipality without rows has 0s (else: no numbers at all)

    def lines(self) -> list[str]:
        out = []
        if self.withheld:
            out.append(f"{self.table}: {self.withheld} tal er skjult hos Danmarks Statistik ('..'); de trin og "
                       "nøgletal, de indgår i, vises som '–', aldrig som 0.")
        for year, kommuner in sorted(self.no_rows.items()):
            names = ", ".join(municipalities.name_of(k) for k in kommuner[:8]) + (" ..." if len(kommuner) > 8 else "")
            follows = ("efter Danmarks Statistiks regel er et udeladt tal 0" if self.counts else
                       "de har intet befolkningstal, og pr. 1.000 vises som '–' for dem")
            out.append(f"{self.table} {year}: ingen rækker for {len(kommuner)} kommuner ({names}); {follows}.")
        for year, n in sorted(self.partial_years.items()):
            out.append(f"{self.table} {year}: kun {n} af 4 kvartaler er offentliggjort; året er gennemsnittet af "
                       "dem og kan ændre sig.")
        return out + [f"{self.table}: {n}" for n in self.notes]


def _is_total(code: str, text: str) -> bool:
    return code.upper() in TOTAL_CODES or text.strip().lower() in ("i alt", "ialt", "total", "hele landet")


def describe(info: dict) -> Variables:
    """Find the municipality and time variables of a table from its tableinfo."""
    area = time = None
    others, totals, area_codes = {}, {}, []
    known = {str(k) for k in municipalities.codes()}
    table = str(info.get("id", "?"))
    for var in info["variables"]:
        values = [str(v["id"]) for v in var["values"]]
        if var.get("time") or var["id"].lower() == "tid":
            time = var["id"]
        elif area is None and len(known & {v.lstrip("0") for v in values}) >= 90:
            area = var["id"]
            area_codes = [v for v in values if v.lstrip("0") in known]
        else:
            others[var["id"]] = values
            totals[var["id"]] = next((str(v["id"]) for v in var["values"]
                                      if _is_total(str(v["id"]), str(v.get("text", "")))), None)
    if area is None or time is None:
        raise Refused([Problem(where(table), "tabellens opbygning er ikke som ventet (ingen kommune- eller "
                                              "tidsvariabel).", "Tabellen kan være lagt om hos Danmarks Statistik.")])
    return Variables(area, time, others, totals, area_codes)


def name_every_variable(v: Variables, chosen: dict[str, list[str]]) -> dict[str, list[str]]:
    """The chosen values plus every other variable at its total, or at all its values where it has no total
    (summed afterwards): BULK refuses a request that leaves a variable out."""
    return {var: chosen.get(var) or ([v.totals[var]] if v.totals[var] else v.others[var]) for var in v.others}


def _time_codes(info: dict, var: str, years: list[int]) -> dict[int, list[str]]:
    codes = next(v for v in info["variables"] if v["id"] == var)["values"]
    parsed = dst.parse_time(pd.Series([str(c["id"]) for c in codes]))
    by_year: dict[int, list[str]] = {}
    for code, year in zip(codes, parsed["aar"], strict=True):
        if year in years:
            by_year.setdefault(int(year), []).append(str(code["id"]))
    return by_year


@dataclass
class Answer:
    """One table's answers: per year the request asked and the parsed rows."""

    info: dict
    variables: Variables
    parts: list[tuple[dict[str, list[str]], pd.DataFrame]]


def _fetch(client: StatBankClient, table: str, years: list[int], choose: Callable[[Variables], dict],
           progress: Progress | None, quarters: set[str] | None = None) -> Answer:
    info = client.tableinfo(table)
    variables = describe(info)
    periods = _time_codes(info, variables.time, years)
    if quarters is not None:
        periods = {y: [c for c in codes if c[-2:] in quarters] or codes for y, codes in periods.items()}
    if not periods:
        raise Refused([Problem(where(table), f"har ingen data for årene {years[0]}-{years[-1]}.",
                                "Vælg andre år med --fra og --til.")])
    chosen = name_every_variable(variables, choose(variables))
    parts = []
    for done, year in enumerate(sorted(periods), start=1):
        request = {variables.area: ["*"], **chosen, variables.time: periods[year]}
        try:
            rows = dst.parse_bulk(client.data(table, request))
        except dst.BadAnswer as exc:  # the client checked it; a cached copy is checked again here
            raise FetchError([Problem(where(table), f"Danmarks Statistik gav et ubrugeligt svar: {exc}.",
                                      "Prøv igen senere. Datamappen er ikke ændret.")]) from None
        parts.append(({**request, variables.area: variables.area_codes}, rows))
        if progress:
            progress(table, done, len(periods))
    return Answer(info, variables, parts)


def _tidy(rows: pd.DataFrame, v: Variables) -> pd.DataFrame:
    """Municipality rows only, with kommune_kode, aar and kvartal."""
    rows = rows.copy()
    rows["kommune_kode"] = dst.municipality_code(rows[v.area.upper()])
    rows = rows[rows["kommune_kode"].isin(municipalities.codes())].copy()
    rows["kommune_kode"] = rows["kommune_kode"].astype(int)
    return rows.join(dst.parse_time(rows[v.time.upper()]))


def _missing_municipalities(rows: pd.DataFrame, v: Variables) -> list[int]:
    present = set(dst.municipality_code(rows[v.area.upper()]).dropna().astype(int)) if len(rows) else set()
    return sorted(set(municipalities.codes()) - present)


def population(client: StatBankClient, years: list[int], progress: Progress | None = None,
               report: TableReport | None = None) -> pd.DataFrame:
    report = report or TableReport("FOLK1A")

    def choose(v: Variables) -> dict:  # single ages; every other variable at its total
        return {var: [str(a) for a in range(0, 126)] for var in v.others if var.upper() == "ALDER"}
    answer = _fetch(client, "FOLK1A", years, choose, progress, quarters={"K1"})
    frames = []
    for _, rows in answer.parts:
        df = _tidy(rows, answer.variables)
        df["alder"] = pd.to_numeric(df["ALDER"], errors="coerce")
        report.withheld += int(df[dst.WITHHELD].sum())
        for label, ages in AGE_GROUPS.items():
            summed = dst.sum_known(df[df["alder"].isin(list(ages))], ["kommune_kode", "aar"])
            frames.append(summed.assign(aldersgruppe=label))
        if len(df) and (missing := _missing_municipalities(rows, answer.variables)):
            report.no_rows[int(df["aar"].iloc[0])] = missing
    out = pd.concat(frames, ignore_index=True)
    unknown = out[dst.VALUE].isna()
    if unknown.any():  # a population is never 0 by default: a withheld one leaves the row out (per 1.000: '–')
        report.notes.append(f"{int(unknown.sum())} befolkningstal kunne ikke lægges sammen (skjulte aldre) og "
                            "mangler; pr. 1.000 vises som '–' for dem.")
    out = out[~unknown].rename(columns={dst.VALUE: "antal"})
    out["antal"] = out["antal"].round().astype(int)
    return out[["kommune_kode", "aar", "aldersgruppe", "antal"]]


def _recipients_of(client: StatBankClient, table: str, codes: list[str], years: list[int],
                   progress: Progress | None, report: TableReport) -> pd.DataFrame:
    """kommune_kode, aar, kode, INDHOLD, undertrykt: every municipality x code x year asked for (a quarterly
    table's year is the unrounded mean of its quarters)."""
    category = {}

    def choose(v: Variables) -> dict:
        found = next(iter(k for k, vals in v.others.items() if set(codes) & set(vals)), None)
        if found is None:
            raise Refused([Problem(where(table), "ingen af indsatskortets koder findes i tabellen.",
                                    "Tjek koderne i indsatser.csv mod tabellen hos Danmarks Statistik.")])
        category["var"] = found
        return {found: [c for c in codes if c in set(v.others[found])]}
    answer = _fetch(client, table, years, choose, progress)
    v, fill = answer.variables, dst.suppressed_value(answer.info)
    frames = []
    for asked, rows in answer.parts:
        upper = {k.upper(): vals for k, vals in asked.items()}
        grid = dst.complete_grid(rows, upper, fill)  # parse_bulk gives the header in capitals
        df = _tidy(grid, v)
        report.withheld += int(df[dst.WITHHELD].sum())
        year = int(df["aar"].iloc[0]) if len(df) else None
        if year is not None and (missing := _missing_municipalities(rows, v)):
            report.no_rows[year] = missing
        df = dst.sum_known(df.rename(columns={category["var"].upper(): "kode"}),
                           ["kommune_kode", "aar", "kvartal", "kode"])  # other variables' parts summed
        if (df["kvartal"] > 0).any():
            yearly = dst.yearly_from_quarters(df, ["kommune_kode", "kode"])
            for y, n in yearly.groupby("aar")["kvartaler"].max().items():
                if n < 4:
                    report.partial_years[int(y)] = int(n)
            df = yearly
        frames.append(df[["kommune_kode", "aar", "kode", dst.VALUE, dst.WITHHELD]])
    return pd.concat(frames, ignore_index=True)


def recipients(client: StatBankClient, staircases: dict[str, Staircase], years: list[int],
               progress: Progress | None = None, reports: dict[str, TableReport] | None = None) -> pd.DataFrame:
    """The modtagere table; `antal` is text: a whole number, or '..' where DST withheld it."""
    parts = []
    for table, trappe in RECIPIENT_TABLES.items():
        codes = [c.split(":", 1)[1] for c in staircases[trappe].codes.index if c.startswith(table + ":")]
        report = (reports or {}).setdefault(table, TableReport(table))
        df = _recipients_of(client, table, codes, years, progress, report)
        antal = dst.whole_count(df[dst.VALUE]).map(lambda x: dst.WITHHELD_TEXT if pd.isna(x) else str(int(x)))
        parts.append(pd.DataFrame({"kommune_kode": df["kommune_kode"], "aar": df["aar"], "trappe": trappe,
                                   "indsats": table + ":" + df["kode"].astype(str), "antal": antal}))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["trappe", "kommune_kode", "aar", "indsats"]).reset_index(drop=True)


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
        # anything else, e.g. REGK100's EJER (ejerforhold): its total where tableinfo has one, else every
        # ownership at once and summed per line (see name_every_variable); the ownerships are disjoint parts
    return pick


def _account_lines(answer: Answer, grouping: bool, report: TableReport) -> pd.DataFrame:
    frames = []
    for _, rows in answer.parts:
        df = _tidy(rows, answer.variables)
        func_col = next(c for c in df.columns if c.startswith("FUNK"))
        frames.append(pd.DataFrame({
            "kommune_kode": df["kommune_kode"], "aar": df["aar"], "funktion": dst.function_code(df[func_col]),
            "gruppering": df["GRUPPERING"].astype(str).str.strip().str.zfill(3) if grouping else "",
            "dranst": df["DRANST"].astype(str), dst.VALUE: df[dst.VALUE], dst.WITHHELD: df[dst.WITHHELD]}))
    lines = pd.concat(frames, ignore_index=True)
    lines = lines[lines["funktion"] != ""]
    lines = dst.sum_known(lines, ["kommune_kode", "aar", "funktion", "gruppering", "dranst"])
    withheld = lines[dst.WITHHELD]
    if withheld.any():
        report.withheld += int(withheld.sum())
        report.notes.append(f"{int(withheld.sum())} kontolinjer er skjult hos Danmarks Statistik og mangler i "
                            "regnskab.csv: udgifterne på de funktioner er for lave.")
    lines = lines[~withheld]
    return lines.assign(beloeb=lines[dst.VALUE] * 1000)[["kommune_kode", "aar", "funktion", "gruppering",
                                                           "dranst", "beloeb"]]


def accounts(client: StatBankClient, years: list[int], progress: Progress | None = None,
             reports: dict[str, TableReport] | None = None) -> pd.DataFrame:
    """REGK31 per function; where REGK100 has the function's groupings, they replace its REGK31 line."""
    reports = reports if reports is not None else {}
    main = reports.setdefault("REGK31", TableReport("REGK31"))
    functions = _account_lines(_fetch(client, "REGK31", years, _account_choice, progress), False, main)
    detail = reports.setdefault("REGK100", TableReport("REGK100"))
    try:
        groups = _account_lines(_fetch(client, "REGK100", years, _account_choice, progress), True, detail)
    except Refused as exc:  # said, never swallowed: the accounts are whole, only the groupings are missing
        reason = "; ".join(p.fejl for p in exc.problems)
        detail.notes.append(f"kunne ikke bruges ({reason}). Grupperingerne mangler; reglerne bruger "
                            "funktionens standard.")
        return functions
    key = ["kommune_kode", "aar", "funktion", "dranst"]
    covered = functions.merge(groups[key].drop_duplicates(), on=key, how="left", indicator=True)
    kept = covered[covered["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([kept, groups], ignore_index=True).sort_values([*key, "gruppering"]).reset_index(drop=True)


@dataclass
class FetchResult:
    folder: Path
    rows: dict[str, int]
    fetched: dict[str, str]
    reports: dict[str, TableReport]

    def lines(self) -> list[str]:
        return [line for r in self.reports.values() for line in r.lines()]


def check_target(out: Path) -> None:
    """Refuse a folder whose tables `hent` would replace but did not write (or that were changed since): the
    user's own tables are never overwritten. Files hent does not write (egne_tal.csv, forloeb.csv ...) stay."""
    if out.exists() and not out.is_dir():
        raise InputError.single(str(out), "er en fil, ikke en mappe.", "Angiv en mappe med --ud.")
    if not out.is_dir():
        return
    meta = DataFolder(out).meta if (out / META_FILE).exists() else None
    ours = meta is not None and meta.skrevet_af == WRITER
    foreign = []
    for name in WRITTEN:
        path = out / name
        if not path.exists():
            continue
        if name == META_FILE:
            if not ours:
                foreign.append(f"{name} (ikke skrevet af hent)")
        elif not ours or meta.filer.get(name) != _digest(path):
            foreign.append(f"{name} ({'ændret siden hent skrev den' if ours else 'ikke skrevet af hent'})")
    books = [p.name for p in out.glob("*.xls*") if not p.name.startswith("~$")]
    foreign += [f"{b} (en datamappe i én projektmappe; hentede CSV-filer ville gå forud for den)" for b in books]
    if foreign:
        raise InputError.single(str(out), "mappen har tabeller, som hent ville erstatte, men som er dine: "
                                + ", ".join(foreign) + ".",
                                "hent overskriver aldrig dine egne tabeller. Hent til en ny mappe (fx --ud "
                                "dst_data) og kopiér dine egne tabeller (egne_tal.csv, forloeb.csv ...) dertil. "
                                "Intet er hentet eller ændret.")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_folder(client: StatBankClient, out: Path, staircases: dict[str, Staircase], years: list[int],
                 progress: Progress | None = None) -> FetchResult:
    """Fetch every register table and write a data folder the other commands read. Nothing is written until
    every table has been fetched and checked."""
    if not years:
        raise InputError.single("--fra/--til", "ingen år at hente.", "Angiv --fra før eller lig --til.")
    check_target(out)
    reports: dict[str, TableReport] = {"FOLK1A": TableReport("FOLK1A", counts=False)}
    tables = {
        "befolkning": population(client, years, progress, reports["FOLK1A"]),
        "modtagere": recipients(client, staircases, years, progress, reports),
        "regnskab": accounts(client, years, progress, reports),
    }
    out.mkdir(parents=True, exist_ok=True)
    digests = {}
    for name, df in tables.items():
        write_csv(df, out / f"{name}.csv")
        digests[f"{name}.csv"] = _digest(out / f"{name}.csv")
    fetched = dict(client.fetched)
    result = FetchResult(out, {k: len(v) for k, v in tables.items()}, fetched, reports)
    with atomic_path(out / META_FILE) as tmp:
        tmp.write_text(_meta_text(years, fetched, result.lines(), digests), encoding="utf-8")
    return result


def _meta_text(years: list[int], fetched: dict[str, str], notes: list[str], digests: dict[str, str]) -> str:
    newest = max(fetched.values())[:10] if fetched else date.today().isoformat()

    def s(text: str) -> str:  # a TOML basic string (JSON's escapes are TOML's)
        return json.dumps(text, ensure_ascii=False)
    lines = [f"navn = {s(f'Danmarks Statistik {years[0]}-{years[-1]}')}", "syntetisk = false",
             f"kilde = {s('Danmarks Statistik (statistikbanken.dk), licens CC BY 4.0')}", f"hentet = {s(newest)}",
             f"tabeller = [{', '.join(s(t) for t in sorted(fetched))}]", f"skrevet_af = {s(WRITER)}",
             f"bemaerkninger = [{', '.join(s(n) for n in notes)}]",
             "# Regler: befolkning 1. januar (FOLK1A K1); HAND07-kvartaler -> år som gennemsnit (udeladte kvartaler "
             "er 0); '..' er skjult hos Danmarks Statistik; REGK31 netto.",
             "# filer: hvad hent skrev (sha256); en fil, der er ændret siden, overskriver hent ikke.", "[filer]",
             *[f"{s(name)} = {s(d)}" for name, d in digests.items()]]
    return "\n".join(lines) + "\n"

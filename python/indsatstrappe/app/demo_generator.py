"""Generate the bundled demo data package: SYNTHETIC numbers for all 98 municipalities, 2018-2024.

Deterministic (fixed seed), so `make demodata` rebuilds the committed files byte for byte. Magnitudes
are plausible, not real: municipality sizes differ roughly as the real ones do, about 1 % of
0-17-year-olds are placed, more receive preventive and home-based measures, and accounts follow the
counts through unit costs. No number here describes a real municipality.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import botilbud, coverage, municipalities
from ..core.datafiles import DEMO_DIR
from ..core.staircase import default_staircases

SEED = 20261123
YEARS = list(range(2018, 2025))
OWN_DATA_KOMMUNER = (147, 370, 615, 760, 825)  # these have citizen-level episodes in the demo

# Rough, synthetic population anchors (inhabitants) so the big and the small stand out.
ANCHORS = {101: 650_000, 751: 360_000, 851: 220_000, 461: 205_000, 147: 104_000, 825: 1_800,
           563: 3_400, 741: 3_700, 492: 6_000, 400: 39_000}
GROUP_MEDIAN = {1: 45_000, 2: 250_000, 3: 65_000, 4: 40_000, 5: 35_000}

# Expected recipients per 1,000 in the age group, and the first year a code exists in the register.
CHILD_RATES = {
    "EGEN:ALMEN": 15.0, "ISBU01:405": 14.0, "ISBU01:401": 6.0, "ISBU01:402": 1.5,
    "EGEN:FOREB-OEKONOMI": 2.0, "EGEN:HJEM-DAGTILBUD": 2.0, "EGEN:HJEM-PPS": 4.0, "EGEN:HJEM-FAMBEH": 8.0,
    "EGEN:HJEM-DOEGNFAM": 0.4, "EGEN:HJEM-AFLASTNING": 2.5, "EGEN:HJEM-KONTAKT": 6.0,
    "EGEN:HJEM-PRAKTIK": 0.3, "EGEN:HJEM-ANDEN": 2.0, "EGEN:HJEM-52A": 1.0,
    "ANBAAR12:1": 0.8, "ANBAAR12:21": 2.2, "ANBAAR12:22": 0.3, "ANBAAR12:23": 0.4, "ANBAAR12:24": 0.9,
    "ANBAAR12:25": 0.4, "ANBAAR12:26": 0.1, "ANBAAR12:9": 1.2, "ANBAAR12:7": 0.1, "ANBAAR12:8": 0.05,
    "ANBAAR12:27": 2.0, "ANBAAR12:6": 0.8, "ANBAAR12:11": 0.4, "ANBAAR12:99": 0.05,
}
ADULT_RATES = {
    "EGEN:CIVIL": 5.0, "EGEN:UVISITERET": 3.0, "HAND07:31181": 0.8, "HAND07:31182": 1.5,
    "HAND07:31183": 0.3, "HAND07:31202": 9.0, "HAND07:31211": 0.1, "HAND07:31212": 0.15,
    "HAND07:31213": 0.1, "HAND07:30014": 1.2, "HAND07:30011": 3.0, "HAND07:31201": 1.5,
    "HAND07:30182": 1.2, "HAND07:30181": 2.0, "HAND07:30013": 1.0, "HAND07:30117": 0.5,
    "HAND07:31132": 0.3, "HAND07:31133": 0.05, "HAND07:31134": 1.5,
}
# codes appear in the registers in the years data/kodeperioder.csv says
FIRST_YEAR = {k: first for k, (first, _) in coverage.code_periods().items() if first is not None}
# Yearly trend: preventive help grows, placements shrink slowly (what the concept hopes for).
TREND = {"ISBU01": 1.06, "ANBAAR12": 0.985, "HAND07:30181": 0.99, "HAND07:31202": 1.03}

# Synthetic unit costs (kr. a year per recipient) that turn counts into accounts.
ACCOUNTS_CHILDREN = [  # funktion, gruppering, codes, unit cost, statsrefusion share (dranst 2)
    ("5.28.20", "003", ["ANBAAR12:27"], 1_100_000, 0.04),
    ("5.28.20", "004", ["ANBAAR12:11"], 350_000, 0.0),
    ("5.28.20", "005", ["ANBAAR12:6"], 300_000, 0.0),
    ("5.28.21", "002", ["EGEN:HJEM-PPS"], 90_000, 0.0),
    ("5.28.21", "003", ["EGEN:HJEM-FAMBEH", "EGEN:HJEM-DAGTILBUD"], 110_000, 0.0),
    ("5.28.21", "004", ["EGEN:HJEM-DOEGNFAM"], 400_000, 0.0),
    ("5.28.21", "005", ["EGEN:HJEM-AFLASTNING"], 90_000, 0.0),
    ("5.28.21", "006", ["EGEN:HJEM-AFLASTNING"], 60_000, 0.0),
    ("5.28.21", "007", ["EGEN:HJEM-KONTAKT"], 50_000, 0.0),
    ("5.28.21", "008", ["EGEN:HJEM-KONTAKT"], 20_000, 0.0),
    ("5.28.21", "009", ["EGEN:HJEM-PRAKTIK"], 40_000, 0.0),
    ("5.28.21", "010", ["EGEN:HJEM-ANDEN"], 60_000, 0.0),
    ("5.28.21", "011", ["EGEN:HJEM-52A"], 25_000, 0.0),
    ("5.28.21", "017", ["ISBU01:405", "ISBU01:401", "ISBU01:402", "EGEN:FOREB-OEKONOMI"], 20_000, 0.0),
    ("5.28.22", "005", ["ANBAAR12:1"], 220_000, 0.0),
    ("5.28.22", "001", ["ANBAAR12:21", "ANBAAR12:22", "ANBAAR12:23", "ANBAAR12:24", "ANBAAR12:25",
                        "ANBAAR12:26"], 480_000, 0.0),
    ("5.28.23", "", ["ANBAAR12:9", "ANBAAR12:7"], 1_500_000, 0.04),
    ("5.28.24", "", ["ANBAAR12:8"], 2_500_000, 0.0),
]
ACCOUNTS_ADULTS = [
    ("5.38.50", "", ["HAND07:30181"], 750_000, 0.05),
    ("5.38.52", "", ["HAND07:30182"], 650_000, 0.05),
    ("5.38.53", "001", ["HAND07:31202"], 90_000, 0.0),
    ("5.38.53", "002", ["HAND07:31201"], 220_000, 0.0),
    ("5.38.53", "003", ["HAND07:31134"], 30_000, 0.0),
    ("5.38.53", "004", ["HAND07:31181", "HAND07:31182", "HAND07:31183"], 40_000, 0.0),
    ("5.38.53", "005", ["HAND07:31211", "HAND07:31212", "HAND07:31213"], 200_000, 0.0),
    ("5.38.58", "", ["HAND07:30014"], 120_000, 0.0),
    ("5.38.59", "", ["HAND07:30011"], 110_000, 0.0),
]
UNPLACED_SHARE = {"5.28.21": 0.03}  # fællesudgifter booked without a grouping

OWN_FIGURES = {  # noegletal_id: (taeller per naevner mean, naevner source)
    "B02": (420.0, "anbragte"),      # days per ended institution placement
    "B07": (0.35, "anbragte"),       # share of former institution placements now on a lower step
    "B12": (0.8, "sager"),           # share of cases followed up on time
    "V01": (0.45, "voksne"), "V02": (0.55, "voksne"), "V18": (0.3, "voksne"),
    "V19": (0.5, "voksne"), "V20": (0.7, "voksne"),
}


def _populations(rng: np.random.Generator) -> pd.DataFrame:
    df = municipalities.municipalities()
    rows = []
    for kode, group in zip(df["kode"], df["kommunegruppe_kode"], strict=True):
        base = ANCHORS.get(int(kode)) or GROUP_MEDIAN[int(group)] * float(rng.lognormal(0, 0.45))
        child_share = float(rng.normal(0.21, 0.015))
        adult_share = 0.70 if kode == 101 else float(rng.normal(0.59, 0.02))
        growth = float(rng.normal(0.004, 0.005))
        for i, year in enumerate(YEARS):
            total = base * (1 + growth) ** i
            rows.append((int(kode), year, "0-17", round(total * child_share)))
            rows.append((int(kode), year, "18-64", round(total * adult_share)))
            rows.append((int(kode), year, "65+", round(total * (1 - child_share - adult_share))))
    return pd.DataFrame(rows, columns=["kommune_kode", "aar", "aldersgruppe", "antal"])


def _recipients(rng: np.random.Generator, pop: pd.DataFrame) -> pd.DataFrame:
    staircases = default_staircases()
    own = set(OWN_DATA_KOMMUNER) | set(int(k) for k in rng.choice(municipalities.codes(), 12, replace=False))
    rows = []
    for trappe, rates in (("boern", CHILD_RATES), ("voksne", ADULT_RATES)):
        age = staircases[trappe].aldersgruppe
        sub = pop[pop["aldersgruppe"] == age].set_index(["kommune_kode", "aar"])["antal"]
        for kode in municipalities.codes():
            level = float(rng.lognormal(0, 0.25))  # some municipalities use more of everything
            tilt = float(rng.lognormal(0, 0.2))  # ... and some lean on placements more than others
            for code, rate in rates.items():
                if code.startswith("EGEN:") and code in ("EGEN:ALMEN", "EGEN:CIVIL", "EGEN:UVISITERET") \
                        and kode not in own:
                    continue
                for year in YEARS:
                    if year < FIRST_YEAR.get(code, 0):
                        continue
                    n = int(sub[(kode, year)])
                    trend = TREND.get(code, TREND.get(code.split(":")[0], 1.0)) ** (year - YEARS[0])
                    lean = tilt if code.startswith("ANBAAR12") else 1.0
                    expected = n / 1000 * rate * level * lean * trend
                    rows.append((kode, year, trappe, code, int(rng.poisson(expected))))
    return pd.DataFrame(rows, columns=["kommune_kode", "aar", "trappe", "indsats", "antal"])


def _accounts(rng: np.random.Generator, recipients: pd.DataFrame) -> pd.DataFrame:
    counts = recipients.set_index(["kommune_kode", "aar", "indsats"])["antal"]
    rows = []
    for kode in municipalities.codes():
        price_level = float(rng.lognormal(0, 0.12))
        for year in YEARS:
            inflation = 1.025 ** (year - YEARS[0])
            for funktion, grp, codes, unit, refusion in ACCOUNTS_CHILDREN + ACCOUNTS_ADULTS:
                n = sum(int(counts.get((kode, year, c), 0)) for c in codes)
                amount = round(n * unit * price_level * inflation * float(rng.normal(1, 0.05)))
                rows.append((kode, year, funktion, grp, "1", amount))
                if refusion and amount:
                    rows.append((kode, year, funktion, grp, "2", -round(amount * refusion)))
            for funktion, share in UNPLACED_SHARE.items():
                booked = sum(r[5] for r in rows if r[0] == kode and r[1] == year and r[2] == funktion)
                rows.append((kode, year, funktion, "", "1", round(booked * share)))
            # 5.38.42 (botilbud for personer med særlige sociale problemer) stands on no step
            long_stay = int(counts.get((kode, year, "HAND07:30181"), 0))
            rows.append((kode, year, "5.38.42", "", "1", round(long_stay * 60_000 * price_level * inflation)))
    return pd.DataFrame(rows, columns=["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb"])


def _episodes(rng: np.random.Generator, recipients: pd.DataFrame) -> pd.DataFrame:
    """Citizen-level episodes for a few municipalities: steps drift down more often than up."""
    staircases = default_staircases()
    start, end = date(2017, 1, 1), date(2024, 12, 31)
    rows = []
    for kode in OWN_DATA_KOMMUNER:
        for trappe, staircase in staircases.items():
            codes_by_step = {
                t: [c for c in staircase.codes.index if staircase.step_of(c) == t and not c.startswith("EGEN:ALM")
                    and not c.startswith("EGEN:CIVIL")] or list(staircase.codes.index[staircase.codes["trin"] == t])
                for t in staircase.step_numbers
            }
            yearly = recipients[(recipients["kommune_kode"] == kode) & (recipients["trappe"] == trappe)
                                & (recipients["aar"] == 2021)]
            n_citizens = max(8, int(yearly["antal"].sum() * 0.9))
            top = staircase.n_steps
            weights = np.array([1.0 / (t ** 0.6) for t in range(1, top + 1)])
            for n in range(n_citizens):
                borger = f"{trappe[0].upper()}{kode}-{n + 1:05d}"
                day = start + timedelta(days=int(rng.integers(0, (end - start).days)))
                step = int(rng.choice(np.arange(1, top + 1), p=weights / weights.sum()))
                while day <= end:
                    mean_days = 150 + 110 * step
                    length = int(rng.exponential(mean_days)) + 14
                    stop = day + timedelta(days=length)
                    code = str(rng.choice(codes_by_step[step]))
                    rows.append((borger, trappe, code, day.isoformat(),
                                 "" if stop > end else stop.isoformat(), kode))
                    if rng.random() < 0.12 and step > 1:  # a lower-step episode at the same time
                        lower = int(rng.integers(1, step))
                        extra_stop = day + timedelta(days=int(length * 0.5))
                        rows.append((borger, trappe, str(rng.choice(codes_by_step[lower])), day.isoformat(),
                                     "" if extra_stop > end else extra_stop.isoformat(), kode))
                    if rng.random() < 0.45:
                        break  # leaves the staircase
                    step = max(1, min(top, step + (1 if rng.random() < 0.35 else -1)))
                    day = stop + timedelta(days=1)
    return pd.DataFrame(rows, columns=["borger_id", "trappe", "indsats", "start", "slut", "kommune_kode"])


def _own_figures(rng: np.random.Generator, pop: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for kode in municipalities.codes():
        for year in YEARS:
            children = int(pop.query("kommune_kode == @kode and aar == @year and aldersgruppe == '0-17'")["antal"]
                           .iloc[0])
            adults = int(pop.query("kommune_kode == @kode and aar == @year and aldersgruppe == '18-64'")["antal"]
                         .iloc[0])
            for fid, (mean, basis) in OWN_FIGURES.items():
                naevner = {"anbragte": max(1, round(children * 0.004)), "sager": max(1, round(children * 0.02)),
                           "voksne": max(1, round(adults * 0.01))}[basis]
                value = max(0.0, float(rng.normal(mean, mean * 0.2)))
                taeller = round(value * naevner)
                rows.append((fid, kode, year, min(taeller, naevner) if mean < 1.5 else taeller, naevner))
    return pd.DataFrame(rows, columns=["noegletal_id", "kommune_kode", "aar", "taeller", "naevner"])


BOTILBUD_SEED = SEED + 1  # its own generator: adding botilbud left every earlier demo table as it was
BOTILBUD_YEARS = list(range(2021, 2025))
BOTILBUD_WORDS = (["Bostedet", "Botilbuddet", "Bofællesskabet", "Bocentret"],
                  ["Egely", "Solgården", "Kastanjen", "Lyngbo", "Fjordly", "Skovbo", "Engly", "Bakken",
                   "Åbo", "Lindegården", "Møllen", "Havblik"])
BOTILBUD_STEPS = (8, 7, 8, 7)  # the legal form of a municipality's 1st, 2nd, ... botilbud (trin 8 § 108, trin 7 § 107)
GOAL_MEANS = {"M1": 0.45, "M2": 0.40, "M3": 0.75, "M4": 0.12, "M5": 0.15}
GOAL_TREND = {"M1": 0.01, "M2": 0.015, "M3": 0.0, "M4": 0.01, "M5": 0.01}  # a year, what the catalogue hopes


def _botilbud_names(rng: np.random.Generator, pop: pd.DataFrame) -> dict[int, list[tuple[str, int]]]:
    """(name, step) of each municipality's botilbud: bigger municipalities run more of them."""
    adults = pop[(pop["aldersgruppe"] == "18-64") & (pop["aar"] == YEARS[-1])].set_index("kommune_kode")["antal"]
    names = {}
    for kode in municipalities.codes():
        n = int(np.clip(adults[kode] // 40_000 + 1, 1, len(BOTILBUD_STEPS)))
        first = rng.choice(BOTILBUD_WORDS[0], n)
        second = rng.choice(BOTILBUD_WORDS[1], n, replace=False)
        names[kode] = [(f"{a} {b}", BOTILBUD_STEPS[i]) for i, (a, b) in enumerate(zip(first, second, strict=True))]
    return names


def _botilbud_goals(rng: np.random.Generator, names: dict[int, list[tuple[str, int]]],
                    pop: pd.DataFrame) -> pd.DataFrame:
    adults = pop[(pop["aldersgruppe"] == "18-64") & (pop["aar"] == YEARS[-1])].set_index("kommune_kode")["antal"]
    rows = []
    for kode, offers in names.items():
        for name, _ in offers:
            places = int(rng.integers(4, 13)) if adults[kode] < 15_000 else int(rng.integers(8, 37))
            level = {g: float(rng.normal(0, 0.06)) for g in GOAL_MEANS}
            for i, year in enumerate(BOTILBUD_YEARS):
                residents = max(3, places - int(rng.integers(0, 4)))
                for goal, mean in GOAL_MEANS.items():
                    asked = max(1, residents - int(rng.integers(0, 4))) if goal in ("M1", "M3") else residents
                    p = float(np.clip(mean + level[goal] + GOAL_TREND[goal] * i, 0.02, 0.98))
                    rows.append((kode, name, year, goal, int(rng.binomial(asked, p)), asked))
    return pd.DataFrame(rows, columns=["kommune_kode", "botilbud", "aar", "maal", "taeller", "naevner"])


def _with_botilbud(rng: np.random.Generator, episodes: pd.DataFrame,
                   names: dict[int, list[tuple[str, int]]]) -> pd.DataFrame:
    """episodes plus the column `tilbud`: the botilbud of each adult episode on steps 7-8, one per citizen
    and step, chosen among the municipality's botilbud of that legal form when it runs one."""
    step = episodes["indsats"].map(default_staircases()["voksne"].step_map()).fillna(0).astype(int)
    living = (episodes["trappe"] == "voksne") & step.isin(botilbud.RESIDENT_STEPS)
    chosen: dict[tuple[str, int], str] = {}
    tilbud = []
    for borger, kode, s, here in zip(episodes["borger_id"], episodes["kommune_kode"], step, living, strict=True):
        if not here:
            tilbud.append("")
            continue
        if (borger, s) not in chosen:
            offers = [n for n, form in names[int(kode)] if form == s] or [n for n, _ in names[int(kode)]]
            chosen[(borger, s)] = str(offers[int(rng.integers(0, len(offers)))])
        tilbud.append(chosen[(borger, s)])
    return episodes.assign(tilbud=tilbud)


def _price_index() -> pd.DataFrame:
    growth = {2019: 1.018, 2020: 1.016, 2021: 1.022, 2022: 1.045, 2023: 1.052, 2024: 1.031}
    index, rows = 100.0, [(2018, 100.0)]
    for year in YEARS[1:]:
        index *= growth[year]
        rows.append((year, round(index, 1)))
    return pd.DataFrame(rows, columns=["aar", "indeks"])


META = """# Datapakke: beskrivelse af hvor tallene kommer fra.
navn = "Demodata"
syntetisk = true
kilde = "Syntetiske tal lavet af indsatstrappe.app.demo_generator (ikke virkelige kommuners tal)"
hentet = ""
tabeller = ["befolkning", "modtagere", "regnskab", "forloeb", "egne_tal", "botilbud", "prisindeks"]
"""

README = """# DEMODATA – syntetiske tal

Alle tal i denne mappe er **opdigtede**. De er lavet af `indsatstrappe.app.demo_generator` med et fast
frø, så alt kan køres uden net og uden rigtige data. Størrelserne ligner virkeligheden (kommuner af
forskellig størrelse, ca. 1 % af de 0-17-årige anbragt, flere i forebyggende og hjemmebaserede
indsatser), men intet tal beskriver en virkelig kommune. Brug `--data MAPPE` for rigtige data.

Regnskabets grupperinger på 5.38 er værktøjets egne til demoen. Borger-id'er i `forloeb.csv` er
opdigtede løbenumre, ikke CPR-numre. Botilbuddenes navne og tal i `botilbud.csv` (og kolonnen
`tilbud` i `forloeb.csv`) er også opdigtede.
"""


def generate(out: Path) -> None:
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    pop = _populations(rng)
    recipients = _recipients(rng, pop)
    tables = {
        "befolkning": pop, "modtagere": recipients, "regnskab": _accounts(rng, recipients),
        "forloeb": _episodes(rng, recipients), "egne_tal": _own_figures(rng, pop), "prisindeks": _price_index(),
    }
    rng_botilbud = np.random.default_rng(BOTILBUD_SEED)
    names = _botilbud_names(rng_botilbud, pop)
    tables["botilbud"] = _botilbud_goals(rng_botilbud, names, pop)
    tables["forloeb"] = _with_botilbud(rng_botilbud, tables["forloeb"], names)
    for name, df in tables.items():
        df.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    (out / "datapakke.toml").write_text(META, encoding="utf-8")
    (out / "LAES_MIG.md").write_text(README, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Lav demodata (syntetiske tal).")
    parser.add_argument("--ud", type=Path, default=DEMO_DIR)
    generate(parser.parse_args().ud)


if __name__ == "__main__":
    main()

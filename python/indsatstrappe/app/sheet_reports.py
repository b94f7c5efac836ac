"""What the buttons of a workbook without local Python (xlwings Lite) write: the user's choices and a data
folder in, a titled table out. Pure: no Excel here, so the same answers are tested without Excel and
`xl/lite.py` only moves cells."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import danish, keyfigures, municipalities
from ..core.danish import MISSING
from ..core.errors import InputError, Problem
from ..core.staircase import STAIRCASES
from ..excel.datasheet import DATA_SHEET
from ..io.contracts import TABLES
from ..io.datafolder import DataFolder
from . import queries

SETTINGS_SHEET = "Indstillinger"
# (label on the settings sheet, default): the rows a user fills in, in this order from row 4
SETTINGS = (
    ("Datamappe", "", "Tom: de medfølgende demodata. Ellers mappen under /data, som du har lagt ind i xlwings "
                      "Lite (menuen Files > Import/Export), fx /data/mine_data."),
    ("Kommune", "København", "Kommunens navn eller kode, fx Aarhus eller 751."),
    ("Trappe", "boern", "boern (udsatte børn og unge) eller voksne (socialpsykiatrien)."),
    ("År", "", "Tom: alle år."),
    ("Fra dato", "2023-12-31", "Bevægelser: første dag (ÅÅÅÅ-MM-DD)."),
    ("Til dato", "2024-12-31", "Bevægelser: anden dag (ÅÅÅÅ-MM-DD)."),
)
FIRST_SETTING_ROW = 4  # Excel row of the first setting; label in column B, value in C, help in D


@dataclass(frozen=True)
class Choices:
    """The user's choices from the settings sheet, checked."""

    data: str | None
    kommune: int
    trappe: str
    aar: int | None
    fra: pd.Timestamp
    til: pd.Timestamp

    def folder(self) -> DataFolder:
        return DataFolder(self.data or None)


@dataclass(frozen=True)
class Report:
    title: str
    rows: list[list]  # header first
    note: str = ""


def _cell(label: str) -> str:
    row = FIRST_SETTING_ROW + [s[0] for s in SETTINGS].index(label)
    return f"{SETTINGS_SHEET}!C{row}"


OPTION_FIELDS = {"--data": "Datamappe", "--kommune": "Kommune", "--trappe": "Trappe", "--aar": "År",
                 "--fra": "Fra dato", "--til": "Til dato"}


def in_settings_terms(problem: Problem) -> Problem:
    """A problem the core words for the command line ('--aar'), worded for the settings sheet: the option's
    field and cell instead (a Lite user has no command line)."""
    import re
    from dataclasses import replace

    def field(match: re.Match) -> str:
        label = OPTION_FIELDS[match.group(0)]
        return f"feltet '{label}' ({_cell(label)})"
    pattern = re.compile("|".join(re.escape(o) for o in sorted(OPTION_FIELDS, key=len, reverse=True)) + r"\b")
    fil = _cell(OPTION_FIELDS[problem.fil]) if problem.fil in OPTION_FIELDS else problem.fil
    return replace(problem, fil=fil, fejl=pattern.sub(field, problem.fejl), raad=pattern.sub(field, problem.raad))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def parse_choices(values: dict[str, object]) -> Choices:
    """The settings sheet's values by label; every problem named with its cell."""
    problems = []

    def attempt(label, parse):
        try:
            return parse(_text(values.get(label)))
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    def kommune(text: str) -> int:
        return municipalities.parse_kommune(text, _cell("Kommune"))

    def trappe(text: str) -> str:
        if text not in STAIRCASES:
            raise InputError.single(_cell("Trappe"), f"ukendt trappe '{text}'.", "Skriv boern eller voksne.")
        return text

    def year(text: str) -> int | None:
        if not text:
            return None
        if not text.isdigit():
            raise InputError.single(_cell("År"), f"'{text}' er ikke et år.",
                                    "Skriv fx 2024, eller lad feltet stå tomt.")
        return int(text)

    def day(label: str):
        return lambda text: queries.parse_day(text, _cell(label))

    choices = dict(data=_text(values.get("Datamappe")) or None, kommune=attempt("Kommune", kommune),
                   trappe=attempt("Trappe", trappe), aar=attempt("År", year), fra=attempt("Fra dato", day("Fra dato")),
                   til=attempt("Til dato", day("Til dato")))
    if problems:
        raise InputError(problems)
    return Choices(**choices)


def _name(c: Choices) -> str:
    return f"{municipalities.name_of(c.kommune)} ({c.kommune})"


def _cells(frame: pd.DataFrame) -> list[list]:
    """A frame as sheet rows: numbers as numbers, missing as '–' (an empty cell would be 0 in a formula)."""
    out = frame.astype(object).where(frame.notna(), MISSING).to_numpy().tolist()
    return [[v.item() if isinstance(v, np.generic) else v for v in row] for row in out]


def _table(frame: pd.DataFrame, c: Choices, columns: dict[str, str]) -> list[list]:
    """The chosen year's rows (all years without one), the named columns under their Danish headings."""
    if c.aar is not None:
        frame = frame[frame["aar"] == c.aar]
    shown = frame[[k for k in columns if k in frame.columns]].rename(columns=columns)
    return [list(shown.columns), *_cells(shown)]


def distribution_report(c: Choices) -> Report:
    folder = c.folder()
    dist = queries.distribution_for(folder, c.trappe, [c.kommune], c.aar, "kommunegruppe")
    rows = _table(dist, c, {"kommune_kode": "Kommunekode", "aar": "År", "trin": "Trin", "trin_navn": "Trin (navn)",
                            "antal": "Antal borgere", "andel": "Andel", "pr_1000": "Pr. 1.000 i aldersgruppen"})
    return Report(f"Borgere pr. trin – {_name(c)}, {folder.staircases[c.trappe].navn}, med gruppe og hele landet "
                  f"({folder.meta.label})", rows,
                  "Andel er en brøk (0,25 = 25 %). Kommunekode 0: gruppen og hele landet.")


def key_figure_report(c: Choices) -> Report:
    folder = c.folder()
    result = queries.key_figure_comparison(folder, c.trappe, c.kommune, None)
    catalogue = keyfigures.catalogue()
    result = result.assign(navn=result["noegletal_id"].map(catalogue["navn"]),
                           enhed=result["noegletal_id"].map(catalogue["enhed"]))
    rows = _table(result, c, {"noegletal_id": "Nøgletal", "navn": "Navn", "enhed": "Enhed", "aar": "År",
                              "vaerdi": "Kommunen", "gruppe_vaerdi": "Gruppen", "land_vaerdi": "Hele landet"})
    return Report(f"Nøgletal – {_name(c)}, {folder.staircases[c.trappe].navn} ({folder.meta.label})", rows,
                  "'–': ingen værdi (ikke 0).")


def expense_report(c: Choices) -> Report:
    folder = c.folder()
    table = queries.expense_table(folder, c.trappe, c.kommune)
    rows = _table(table, c, {"aar": "År", "trin": "Trin", "trin_navn": "Navn", "beloeb": "Netto, kr.",
                             "andel": "Andel", "enhedspris": "Kr. pr. borger", "refusion": "Heraf refusion, kr."})
    return Report(f"Udgifter pr. trin – {_name(c)}, løbende priser ({folder.meta.label})", rows,
                  "Standardfordelingsnøglen. Andel er en brøk.")


def movement_report(c: Choices) -> Report:
    folder = c.folder()
    matrix = queries.movement_matrix(folder, c.trappe, c.fra, c.til, c.kommune)
    shown = matrix.rename(columns={"fra_trin": "Fra trin", "til_trin": "Til trin", "antal": "Antal borgere"})
    return Report(f"Bevægelser {c.fra:%d-%m-%Y} → {c.til:%d-%m-%Y} – {_name(c)} ({folder.meta.label})",
                  [list(shown.columns), *_cells(shown)], "Trin 0 = ingen indsats.")


def validation_report(c: Choices) -> Report:
    folder = c.folder()
    problems = folder.validate()
    errors = [p for p in problems if not p.advarsel]
    present = folder.available()
    missing = [t for t in TABLES if t not in present]
    rows = [["Hvad", "Hvor", "Fejl", "Gør sådan"]] + [
        ["Advarsel" if p.advarsel else "Fejl",
         ", ".join(x for x in (p.fil, f"række {p.raekke}" if p.raekke else "", p.kolonne or "") if x), p.fejl, p.raad]
        for p in problems] + ([] if problems else [["OK", str(folder.path), "Ingen fejl og ingen advarsler.", ""]])
    summary = (f"{len(errors)} fejl og {len(problems) - len(errors)} advarsler i {folder.path}. "
               f"Tabeller: {', '.join(present) or 'ingen'}"
               + (f"; ikke med: {', '.join(missing)}." if missing else "."))
    return Report(f"Validering af datamappen ({folder.meta.label})", rows, summary)


# -- refreshing the hidden Data sheet of an open workbook --------------------------------------------------

def refreshed_data_sheet(c: Choices, current: list[list]) -> list[list]:
    """The Nøgletal workbook's Data sheet from the chosen data folder, checked to fit the open workbook's."""
    from . import workbooks

    fresh = in_order_of(current, workbooks.noegletal_data(c.folder()).table.sheet_rows())
    check_same_layout(current, fresh, f"arket '{DATA_SHEET}'")
    return fresh


def in_order_of(current: list[list], fresh: list[list]) -> list[list]:
    """`fresh` with its rows in the open sheet's order when both hold the same keys (id, kommune) in another
    order: workbooks built before #32 list the rows by id, newer ones by municipality, and both take new
    numbers. Otherwise `fresh` in the order the open sheet was built in, for check_same_layout to name the
    first difference."""
    def key(row: list) -> tuple[str, int | None]:
        return (str(row[0]).strip() if row and row[0] is not None else "", _whole(row[1] if len(row) > 1 else None))
    have = [key(r) for r in current[1:] if any(v not in (None, "") for v in r)]
    rows = {key(r): r for r in fresh[1:]}
    if len(have) == len(rows) and set(have) == set(rows):
        return [fresh[0], *(rows[k] for k in have)]
    # an edited sheet: in whichever order it was built, so the check names the edited cell, not the first row
    by_id = sorted(rows, key=lambda k: (k[0], k[1] or 0))
    same_place = sum(a == b for a, b in zip(have, by_id, strict=False))
    return [fresh[0], *(rows[k] for k in by_id)] if same_place > sum(
        a == b for a, b in zip(have, rows, strict=False)) else fresh


def check_same_layout(current: list[list], fresh: list[list], where: str) -> None:
    """The new data fit the workbook only with the same years and rows: its formulas and names were laid out
    for them. Otherwise the workbook must be rebuilt (`indsatstrappe opdater`), never half-filled."""
    if not current or current[0][: len(fresh[0])] != fresh[0] or len(current[0]) < len(fresh[0]):
        have = [str(h)[1:] for h in (current[0] if current else []) if str(h).startswith("T")]
        want = [str(h)[1:] for h in fresh[0] if str(h).startswith("T")]
        raise InputError.single(
            where, f"projektmappen har årene {', '.join(have) or 'ingen'}, datapakken {', '.join(want)}.",
            "Nye år kræver en ny projektmappe: kør 'indsatstrappe opdater' på en pc med Python, eller hent en ny "
            "projektmappe fra den, der sender dem ud. Intet er ændret.")
    # the keys row by row, as the fresh sheet has them: a key cleared or typed over, a note typed below the
    # table, a row deleted: each is named by its cell, and nothing is written
    for i in range(1, max(len(current), len(fresh))):
        row = list(current[i]) if i < len(current) else []
        want = fresh[i] if i < len(fresh) else None
        if want is None:
            if any(v not in (None, "") for v in row):
                raise InputError.single(f"{where}, række {i + 1}", "der står noget under tabellen "
                                        f"({next(v for v in row if v not in (None, ''))!r}).",
                                        "Slet det (arket er projektmappens eget), og prøv igen. Intet er ændret.")
            continue
        have = (str(row[0]).strip() if row and row[0] is not None else "", _whole(row[1] if len(row) > 1 else None))
        if have != (str(want[0]), int(want[1])):
            column = "A" if have[0] != str(want[0]) else "B"
            raise InputError.single(f"{where}, celle {column}{i + 1}",
                                    f"rækken er {have[0] or 'tom'} / {have[1]}, men skal være {want[0]} / {want[1]} "
                                    "(arket er redigeret).", "Kør 'indsatstrappe opdater' på en pc med Python for at "
                                    "bygge projektmappen om, eller hent en ny. Intet er ændret.")


def _whole(value: object) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number == number and number.is_integer() else None


def changed_cells(current: list[list], fresh: list[list]) -> int:
    """How many counts (T and N) the refresh changes, said to the user afterwards. V holds formulas."""
    ny = sum(1 for h in fresh[0] if str(h).startswith("T"))

    def number(v: object) -> float | str | None:  # text typed into a count cell counts as changed
        if v in (None, ""):
            return None
        try:
            return float(v)
        except (TypeError, ValueError):
            return str(v)

    return sum(number(a) != number(b) for old, new in zip(current[1:], fresh[1:], strict=False)
               for a, b in zip(old[4:4 + 2 * ny], new[4:4 + 2 * ny], strict=False))


def describe(n: int) -> str:
    return danish.integer(n)

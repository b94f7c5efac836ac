"""Read what a user typed into one of our workbooks back out (openpyxl; reading only)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd

from ..core import keyfigures, municipalities
from ..core.entries import NoegletalEntries, UdgiftsmodelEntries
from ..core.errors import InputError, Problem, raise_if_errors
from .datasheet import DATA_SHEET
from .noegletal import botilbud_sheet
from .noegletal.noegletal_book import EGNE_SHEET
from .udgiftsmodel.udgiftsmodel_book import RULES_SHEET


def _named_cell(book, name: str):
    defined = book.defined_names.get(name)
    if defined is None:
        return None
    sheet, ref = next(iter(defined.destinations))
    return book[sheet][ref.replace("$", "")]


@contextlib.contextmanager
def _open(path: Path, data_only: bool, kind: str = "en Nøgletal-projektmappe (.xlsx eller .xlsm)"):
    """The workbook read-only (the big hidden sheets are never loaded), closed afterwards so Windows lets a
    refresh replace the file."""
    import openpyxl  # only when a workbook is read: every command would pay 0.1 s to import it

    try:
        book = openpyxl.load_workbook(path, data_only=data_only, read_only=True)
    except Exception:  # noqa: BLE001 - any failure means the file is not a workbook we can read
        raise InputError.single(Path(path).name, "kan ikke åbnes som Excel-projektmappe.", f"Angiv {kind}.") from None
    try:
        yield book
    finally:
        book.close()


def read_own_figures(path: Path) -> pd.DataFrame:
    """egne_tal rows (noegletal_id, kommune_kode, aar, taeller, naevner) from a Nøgletal workbook's
    'Egne tal' sheet; rows without a denominator are skipped."""
    fil = Path(path).name
    with _open(path, data_only=True) as book:
        return _own_figures(book, fil)


def _own_figures(book, fil: str) -> pd.DataFrame:
    if _kind(book) != "noegletal":
        raise InputError.single(fil, f"har intet ark '{EGNE_SHEET}'.", "Angiv en Nøgletal-projektmappe.")
    kommune_cell = _named_cell(book, "EgneKommune")
    kommune = municipalities.parse_kommune(str(kommune_cell.value or ""), f"{fil}, ark '{kommune_cell.parent.title}'")
    problems: list[Problem] = []
    entries = _own_entries(book, fil, problems)
    n_cells = {(str(i.value), _int_or_none(y.value)): n for i, y, n in
               zip(*(_column(book, name, fil) for name in ("E_id", "E_aar", "E_n")), strict=True)}
    rows = []
    for (fid, year), (t, n) in entries.items():
        if n is None:
            continue
        if n <= 0:
            problems.append(Problem(_where(fil, n_cells[(fid, year)]), "nævneren skal være større end 0.",
                                    "Skriv et tal over 0 eller lad cellen stå tom."))
        else:
            rows.append((fid, kommune, year, float(t or 0.0), n))
    raise_if_errors(problems)
    return pd.DataFrame(rows, columns=["noegletal_id", "kommune_kode", "aar", "taeller", "naevner"])


def read_botilbud(path: Path) -> pd.DataFrame:
    """The Botilbud sheet's typed rows as the contract's botilbud table (municipality from 'Egne tal');
    a goal's pair counts when both cells hold numbers, and a bad cell is named with its row."""
    fil = Path(path).name
    with _open(path, data_only=True) as book:
        return _botilbud_table(book, fil)


def _botilbud_table(book, fil: str) -> pd.DataFrame:
    numbered = _botilbud_numbered(book, fil)
    if numbered is None:
        raise InputError.single(fil, f"har intet ark '{botilbud_sheet.SHEET}'.",
                                "Angiv en Nøgletal-projektmappe bygget af indsatstrappe (med arket Botilbud), "
                                "eller kør 'indsatstrappe opdater' på den først.")
    where = f"{fil}, ark '{_area(book, 'Bo_navn', fil)[0].title}'"
    kommune = municipalities.parse_kommune(str(_value(book, "EgneKommune") or ""), f"{fil}, ark '{EGNE_SHEET}'")
    problems = botilbud_sheet.check_rows(numbered, where)
    if problems:
        raise InputError(problems)
    return botilbud_sheet.table_from_rows([cells for _, cells in numbered], kommune)


def merge_own_figures(existing: pd.DataFrame | None, entered: pd.DataFrame) -> pd.DataFrame:
    """The data folder's egne_tal with the workbook's entries replacing rows with the same key."""
    if existing is None or existing.empty:
        return entered.reset_index(drop=True)
    key = ["noegletal_id", "kommune_kode", "aar"]
    kept = existing.merge(entered[key], on=key, how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns="_merge")
    return pd.concat([kept, entered], ignore_index=True)


def _value(book, name: str):
    cell = _named_cell(book, name)
    return None if cell is None else cell.value


def _int_or_none(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


# -- input areas found by their defined names (a renamed sheet keeps its names) ----------------------

AREA_SHEETS = {"E_": EGNE_SHEET, "Bo_": botilbud_sheet.SHEET, "R_": RULES_SHEET, "X_": "Regnskab",
               "Scen": "Scenarie"}


def _sheet_of(name: str) -> str:
    return next((sheet for prefix, sheet in AREA_SHEETS.items() if name.startswith(prefix)), "?")


def _area(book, name: str, fil: str, required: bool = True):
    """(sheet, cells by row) of a defined name; None where the workbook predates it and it is not required.
    A name whose sheet was deleted gives a Danish message that says what to do."""
    defined = book.defined_names.get(name)
    if defined is None:
        if not required:
            return None
        raise InputError.single(fil, f"mangler området '{name}' (arket '{_sheet_of(name)}').",
                                "Brug en projektmappe bygget af indsatstrappe, eller backup-filen fra sidste "
                                "opdatering.")
    try:
        sheet, ref = next(iter(defined.destinations))
        ws = book[sheet]
    except (StopIteration, KeyError, ValueError, TypeError):
        raise InputError.single(fil, f"arket '{_sheet_of(name)}' er slettet (området '{name}' peger ingen steder "
                                     "hen).", "Hent arket fra backup-filen (…backup-ÅÅÅÅMMDD-TTMMSS) eller fra en "
                                     "ny projektmappe, og kør opdater igen. Projektmappen er ikke ændret.") from None
    cells = ws[ref.replace("$", "")]
    if not isinstance(cells, tuple):
        cells = ((cells,),)
    elif cells and not isinstance(cells[0], tuple):
        cells = (cells,)
    return ws, cells


def _column(book, name: str, fil: str, required: bool = True) -> list | None:
    found = _area(book, name, fil, required)
    return None if found is None else [row[0] for row in found[1]]


def _where(fil: str, cell) -> str:
    return f"{fil}, ark '{cell.parent.title}', celle {cell.coordinate}"


def _number_or_problem(cell, fil: str, problems: list[Problem], advice: str):
    """A typed number (None for an empty cell); a problem naming the cell for anything else."""
    v = cell.value
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    problems.append(Problem(_where(fil, cell), f"'{v}' er ikke et tal.", advice))
    return None


def _own_entries(book, fil: str, problems: list[Problem]) -> dict:
    ids, years, ts, ns = (_column(book, n, fil) for n in ("E_id", "E_aar", "E_t", "E_n"))
    egne, first_cell = {}, {}
    cat = keyfigures.catalogue()
    known = set(cat.index[cat["beregning"].isin(["egne_tal", "bevaegelse"])]) | set(str(i.value) for i in ids
                                                                                  if i.value) & set(cat.index)
    advice = "Skriv et tal (fx 500) eller lad cellen stå tom."
    for fid, year, t_cell, n_cell in zip(ids, years, ts, ns, strict=True):
        t = _number_or_problem(t_cell, fil, problems, advice)
        n = _number_or_problem(n_cell, fil, problems, advice)
        if n is not None and n < 0 or t is not None and t < 0:
            problems.append(Problem(_where(fil, n_cell if n is not None and n < 0 else t_cell),
                                    "et antal kan ikke være negativt.", advice))
        if t is None and n is None:
            continue  # an empty row: nothing typed
        key = (str(fid.value or "").strip(), _int_or_none(year.value))
        if key[0] not in known:  # never dropped: a mistyped id ('B2') is said, with what it may have meant
            guess = next((k for k in known if k.replace("0", "") == key[0].replace("0", "").upper()), None)
            problems.append(Problem(_where(fil, fid), f"'{key[0]}' er ikke et nøgletal med egne tal"
                                    + (f" (mente du {guess}?)" if guess else "") + ".",
                                    f"Skriv et af {', '.join(sorted(known)[:12])} ..., eller slet rækkens tal."))
            continue
        if key[1] is None:
            problems.append(Problem(_where(fil, year), f"'{year.value}' er ikke et årstal.", "Skriv året, fx 2023."))
            continue
        if key in egne:  # a row inserted as Excel does and typed again: never keep one and drop the other
            problems.append(Problem(_where(fil, fid), f"{key[0]} {key[1]} står to gange ({first_cell[key]} og "
                                    f"{fid.coordinate}) med tal.", "Behold den rigtige række og slet den anden."))
            continue
        egne[key] = (t, n)
        first_cell[key] = fid.coordinate
    return egne


def _own_data_held(book, kommune_name: str) -> frozenset:
    """(id, year) of the own-data figures the hidden Data sheet held for the own municipality (a denominator)."""
    if DATA_SHEET not in book.sheetnames:
        return frozenset()
    try:
        kode = municipalities.parse_kommune(kommune_name, "Forside")  # a name it cannot read: nothing held
    except InputError:
        return frozenset()
    cat = keyfigures.catalogue()
    own = set(cat.index[cat["beregning"] == "egne_tal"])
    rows = book[DATA_SHEET].iter_rows(values_only=True)
    header = next(rows)
    n_cols = {int(h[1:]): i for i, h in enumerate(header) if isinstance(h, str) and h[:1] == "N" and h[1:].isdigit()}
    held = set()
    for row in rows:
        if row and row[0] in own and _int_or_none(row[1]) == kode:
            held |= {(row[0], y) for y, i in n_cols.items() if isinstance(row[i], int | float) and row[i] > 0}
    return frozenset(held)


BOTILBUD_NUMBER_COLUMNS = [3] + [c for i in range(5) for c in (4 + 3 * i, 5 + 3 * i)]  # year, then T/N pairs


def _botilbud_numbered(book, fil: str) -> list[tuple[int, list]] | None:
    """The Botilbud sheet's input rows ((sheet row, twelve cells as typed), empty rows left out); None if the
    workbook predates the sheet."""
    names = ["Bo_navn", "Bo_aar"] + [f"Bo_{p}{i}" for i in range(1, 6) for p in ("t", "n")]
    columns = [_column(book, n, fil, required=False) for n in names]
    if all(c is None for c in columns):
        return None
    if any(c is None for c in columns):
        missing = [n for n, c in zip(names, columns, strict=True) if c is None]
        raise InputError.single(fil, f"arket '{botilbud_sheet.SHEET}' mangler områderne {', '.join(missing)}.",
                                "Brug backup-filen eller en ny projektmappe.")
    rows = []
    for cells in zip(*columns, strict=True):
        values = [c.value for c in cells]
        if any(v not in (None, "") for v in values):
            rows.append((cells[0].row, values))
    return rows


def _scenario_entries(book, fil: str, problems: list[Problem]) -> dict:
    """The Scenarie sheet's movements (six cells a row, as typed) and price rise; nothing if the workbook
    predates the sheet."""
    found = _area(book, "ScenFlyt", fil, required=False)
    if found is not None:
        rows = [[c.value for c in row] for row in found[1]]
        for row in found[1]:  # kept as typed, but a number cell must hold a number
            for c in row:
                if c.value not in (None, "") and not isinstance(c.value, int | float):
                    problems.append(Problem(_where(fil, c), f"'{c.value}' er ikke et tal.",
                                            "Skriv et tal (trin, procent, antal eller år) eller lad cellen stå tom."))
    else:  # workbooks written before the area had a name: the row labelled "Bevægelse 1"
        sheet = _named_cell(book, "ScenPris")
        if sheet is None:
            return {}
        ws = sheet.parent
        first = next((r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Bevægelse 1"), None)
        if first is None:
            raise InputError.single(f"{fil}, ark '{ws.title}'", "bevægelserne kan ikke findes (teksten 'Bevægelse 1' "
                                    "i kolonne B er ændret).", "Skriv 'Bevægelse 1' igen i kolonne B ud for første "
                                    "bevægelse, eller brug backup-filen.")
        rows = [[ws.cell(r, c).value for c in range(3, 9)] for r in range(first, first + 8)]
    rise = _value(book, "ScenPris")
    return {"scenarie": rows, "prisstigning": float(rise) if isinstance(rise, int | float) else 0.0}


def _kind(book) -> str | None:
    if "E_id" in book.defined_names or EGNE_SHEET in book.sheetnames:
        return "noegletal"
    if "R_fordeling" in book.defined_names or RULES_SHEET in book.sheetnames:
        return "udgiftsmodel"
    return None


def read_entries(path: Path) -> NoegletalEntries | UdgiftsmodelEntries:
    """Every user entry of a Nøgletal or Udgiftsmodel workbook (choices, own figures, rules, pasted accounts),
    found through the workbook's defined names; every bad typed value is reported at once (InputError)."""
    fil = Path(path).name
    with _open(path, data_only=False, kind="en Nøgletal- eller Udgiftsmodel-projektmappe") as book:
        return _entries(book, fil)


def _entries(book, fil: str) -> NoegletalEntries | UdgiftsmodelEntries:
    kind = _kind(book)
    problems: list[Problem] = []
    if kind == "noegletal":
        egne = _own_entries(book, fil, problems)
        numbered = _botilbud_numbered(book, fil)
        if numbered is not None:  # kept as typed, but a number cell must hold a number
            ws = _area(book, "Bo_navn", fil)[0]
            for r, cells in numbered:
                for col, value in zip(BOTILBUD_NUMBER_COLUMNS, cells[1:], strict=True):
                    if value not in (None, "") and not isinstance(value, int | float):
                        problems.append(Problem(_where(fil, ws.cell(r, col)), f"'{value}' er ikke et tal.",
                                                "Skriv et helt tal eller lad cellen stå tom."))
        raise_if_errors(problems)
        return NoegletalEntries(kommune=str(_value(book, "ValgtKommune")), gruppe=str(_value(book, "ValgtGruppe")),
                                aar=_int_or_none(_value(book, "ValgtAar")),
                                egne_kommune=str(_value(book, "EgneKommune")), egne=egne,
                                botilbud=None if numbered is None else [cells for _, cells in numbered],
                                egne_data=_own_data_held(book, str(_value(book, "EgneKommune"))))
    if kind == "udgiftsmodel":
        rules, rule_rows = _rules(book, fil)
        export = _export(book, fil, problems)
        scenario = _scenario_entries(book, fil, problems)
        raise_if_errors(problems)
        return UdgiftsmodelEntries(
            kommune=str(_value(book, "ValgtKommune")), gruppe=str(_value(book, "ValgtGruppe")),
            omraade=str(_value(book, "ValgtOmraade")), prisniveau=str(_value(book, "Prisniveau")),
            basisaar=_int_or_none(_value(book, "Basisaar")), rules=rules, rule_rows=rule_rows,
            eget_aar=_int_or_none(_value(book, "EgetAar")), export=export, **scenario)
    raise InputError.single(fil, "er hverken en Nøgletal- eller en Udgiftsmodel-projektmappe.",
                            "Angiv en projektmappe bygget af indsatstrappe.")


def _rules(book, fil: str) -> tuple[list[tuple[str, ...]], list[int]]:
    """The rule rows of Fordelingsnøgle (seven texts each, empty rows left out) and their sheet rows."""
    names = ["R_trappe", "R_funktion", "R_gruppering", "R_dranst", "R_fordeling", "R_trin", "R_bem"]
    kind = _area(book, "R_fordeling", fil)
    ws, first = kind[0], kind[1][0][0]
    columns = []
    for offset, name in zip((-4, -3, -2, -1, 0, 1, 2), names, strict=True):
        column = _column(book, name, fil, required=False)
        if column is None:  # written before these columns had names: beside R_fordeling
            column = [ws.cell(row[0].row, first.column + offset) for row in kind[1]]
        columns.append(column)
    rules, rows = [], []
    for cells in zip(*columns, strict=True):
        row = tuple("" if c.value is None else str(c.value) for c in cells)
        if any(row):
            rules.append(row)
            rows.append(cells[0].row)
    return rules, rows


def _export(book, fil: str, problems: list[Problem]) -> list[tuple[object, object]]:
    """The pasted account export on 'Regnskab': (konto, beløb) as typed; an amount that is not a number is
    reported with its cell."""
    amounts = _column(book, "X_beloeb", fil)
    accounts = _column(book, "X_konto", fil, required=False)
    if accounts is None:  # written before the column had a name: left of the amounts
        accounts = [a.parent.cell(a.row, a.column - 1) for a in amounts]
    out = []
    for konto, beloeb in zip(accounts, amounts, strict=True):
        if konto.value in (None, "") and beloeb.value in (None, ""):
            continue
        if beloeb.value not in (None, "") and not isinstance(beloeb.value, int | float):
            problems.append(Problem(_where(fil, beloeb), f"'{beloeb.value}' er ikke et beløb.",
                                    "Skriv beløbet som et tal (fx -1234,50) eller slet rækken."))
        out.append((konto.value, beloeb.value))
    return out

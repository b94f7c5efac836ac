"""What the ribbon buttons do, on any BookPort (the open workbook in Excel, or a file)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .. import __version__
from ..core import danish, expenses, municipalities
from ..core.entries import UdgiftsmodelEntries
from ..core.errors import InputError
from ..excel import reader
from ..excel.udgiftsmodel.udgiftsmodel_book import AREA_LABELS, UdgiftsmodelChoices
from ..io.datafolder import DataFolder
from . import workbooks
from .bookport import BookPort
from .sheetfunctions import DATA_ENV


def _folder(data: str | Path | None) -> DataFolder:
    """The data folder a button uses: the one given, else INDSATSTRAPPE_DATA, else the demo data."""
    return DataFolder(data or os.environ.get(DATA_ENV) or None)


def _problems(exc: InputError) -> str:
    lines = [p.tekst() for p in exc.problems[:15]]
    if len(exc.problems) > 15:
        lines.append(f"... og {len(exc.problems) - 15} fejl mere.")
    return "\n".join(lines)


def opdater_data(port: BookPort, data: str | Path | None = None) -> None:
    """New data into the workbook; every entry is kept and the previous file stays as a backup."""
    port.save()
    port.close()
    try:
        folder = _folder(data)
        backup = workbooks.refresh(port.path, folder)
    except InputError as exc:
        port.reopen()
        port.message("Projektmappen blev ikke opdateret:\n" + _problems(exc))
        return
    port.reopen()
    port.message(f"Opdateret med {folder.meta.label}.\nDen forrige udgave ligger i {backup.name}.")


def valider(port: BookPort, data: str | Path | None = None) -> None:
    try:
        folder = _folder(data)
        problems = folder.validate()
    except InputError as exc:
        port.message(_problems(exc))
        return
    errors = [p for p in problems if not p.advarsel]
    if not errors:
        port.message(f"Ingen fejl i {folder.path} ({len(problems)} advarsler).")
        return
    port.message(f"{len(errors)} fejl i {folder.path}:\n" + _problems(InputError(errors)))


def hent_data(port: BookPort, ud: str | Path | None = None, api: str | None = None) -> None:
    from ..io.statbank import DEFAULT_URL, StatBankClient
    from . import fetch

    target = Path(ud) if ud else port.path.parent / "dst_data"
    client = StatBankClient(base_url=api or DEFAULT_URL, cache_dir=target / ".dst-cache")
    try:
        last = pd.Timestamp.today().year - 1
        result = fetch.fetch_folder(client, target, DataFolder().staircases, list(range(2018, last + 1)))
    except InputError as exc:
        port.message("Hentningen mislykkedes:\n" + _problems(exc))
        return
    notes = "".join(f"\nBemærk: {line}" for line in result.lines())
    port.message(f"Hentet til {result.folder}: {', '.join(sorted(result.fetched))}.{notes}\n"
                 "Tryk 'Opdater data' og vælg mappen for at bruge dem.")


def fordel_udgifter(port: BookPort, data: str | Path | None = None) -> None:
    """Python's allocation (to the øre) of the workbook's accounts with the workbook's own rules, as a
    check beside the workbook's formulas; written to the sheet 'Kontrol'."""
    port.save()
    entries = reader.read_entries(port.path)
    if not isinstance(entries, UdgiftsmodelEntries):
        port.message("'Fordel udgifter' virker i en Udgiftsmodel-projektmappe.")
        return
    folder = _folder(data)
    try:
        kommune = municipalities.parse_kommune(entries.kommune, "Forside, Kommune")
        rules = expenses.check_rules(pd.DataFrame(entries.rules, columns=expenses.RULE_COLUMNS),
                                     "Fordelingsnøgle", folder.staircases)
        trappe = workbooks.area_choice(entries.omraade, f"{port.path.name}, ark 'Forside'")
    except InputError as exc:
        port.message(_problems(exc))
        return
    staircase = folder.staircases[trappe]
    accounts = folder.table("regnskab")
    accounts = accounts[accounts["kommune_kode"] == kommune]
    typed = UdgiftsmodelChoices(kommune, eget_aar=entries.eget_aar, export=tuple(entries.export))
    if typed.uses_export:
        accounts = pd.concat([accounts[accounts["aar"] != entries.eget_aar], typed.export_lines()], ignore_index=True)
    counts = expenses.citizens(folder.table("modtagere"), staircase)
    table = expenses.step_table(expenses.allocate(accounts, rules, staircase, counts), staircase, counts)
    rows = [["År", "Trin", "Navn", "Beløb (kr.)", "Heraf refusion"]] + [
        [int(r.aar), r.trin, r.trin_navn, round(float(r.beloeb), 2), round(float(r.refusion), 2)]
        for r in table.itertuples()]
    port.write_table("Kontrol", "B2", rows)
    latest = table[table["aar"] == table["aar"].max()]
    port.message(f"Python-fordelingen for {entries.kommune} ({AREA_LABELS[trappe]}) står på arket 'Kontrol'. "
                 f"I alt {int(latest['aar'].iloc[0])}: {danish.integer(latest['beloeb'].sum())} kr.")


def udsend(port: BookPort, ud: str | Path | None = None, data: str | Path | None = None,
           kommuner: list[int] | None = None) -> None:
    from . import distribute

    target = Path(ud) if ud else port.path.parent / "udsendelse"
    try:
        result = distribute.distribute(_folder(data), target, kommuner)
    except InputError as exc:
        port.message(_problems(exc))
        return
    port.message(f"{len(result.files)} projektmapper og manifest.csv skrevet til {target}.")


def om(port: BookPort) -> None:
    port.message(f"Indsatstrappe {__version__}\nProjektmappe: {port.path.name}\n"
                 "Kilder, licens og definitioner står på arket 'Om'.")

"""`opdater`: new data into a workbook while every user entry survives, with a backup and formula truth."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.libreoffice import mismatches, recalculate
from indsatstrappe.app import workbooks
from indsatstrappe.core import keyfigures, municipalities
from indsatstrappe.core.entries import NoegletalEntries, UdgiftsmodelEntries
from indsatstrappe.excel.reader import _named_cell, read_entries
from indsatstrappe.io.datafolder import DataFolder

ROOT = Path(__file__).resolve().parents[1]
NAMES = sorted(municipalities.municipalities()["navn"])
GROUPS = ["Kommunens kommunegruppe", "Provinsbykommuner", "Landkommuner", "Region Sjælland", "Region Nordjylland"]
OWN_IDS = list(keyfigures.catalogue().query("beregning == 'egne_tal'")["id"])
YEARS = list(range(2018, 2025))


def _set(wb, name: str, value) -> None:
    _named_cell(wb, name).value = value


def _write_botilbud(wb, rows: list[list]) -> None:
    """Clear the Botilbud sheet's input rows and type `rows` (twelve cells each) from the top."""
    ws = wb["Botilbud"]
    head = next(r for r in range(2, ws.max_row + 1)
                if ws.cell(r, 4).value == "Tæller" and ws.cell(r - 1, 2).value == "Botilbud")
    columns = [2, 3] + [c for i in range(5) for c in (4 + 3 * i, 5 + 3 * i)]
    for k, r in enumerate(range(head + 1, ws.max_row + 1)):
        cells = rows[k] if k < len(rows) else [None] * len(columns)
        for c, v in zip(columns, cells, strict=True):
            ws.cell(r, c).value = v


def _write_egne(wb, egne: dict) -> None:
    ws = wb["Egne tal"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "id")
    for r in range(header + 1, ws.max_row + 1):
        key = (ws.cell(r, 2).value, ws.cell(r, 5).value)
        t, n = egne.get(key, (None, None))
        ws.cell(r, 6).value, ws.cell(r, 7).value = t, n


@pytest.fixture(scope="module")
def noegletal_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "Noegletal.xlsm"
    shutil.copy(ROOT / "templates" / "Noegletal.xlsm", path)
    return path


entries_strategy = st.builds(
    NoegletalEntries, kommune=st.sampled_from(NAMES), gruppe=st.sampled_from(GROUPS), aar=st.sampled_from(YEARS),
    egne_kommune=st.sampled_from(NAMES),
    egne=st.dictionaries(st.tuples(st.sampled_from(OWN_IDS), st.sampled_from(YEARS)),
                         st.tuples(st.one_of(st.none(), st.integers(0, 5000)),
                                   st.one_of(st.none(), st.integers(1, 5000))),
                         max_size=12).map(lambda d: {k: v for k, v in d.items() if v != (None, None)}),
    botilbud=st.lists(st.tuples(st.sampled_from(["Egely", "Bostedet Åbo", "Nyt 'hus'"]), st.sampled_from(YEARS),
                                st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=10, max_size=10))
                      .map(lambda t: [t[0], t[1], *t[2]]), max_size=6))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=entries_strategy)
def test_random_entries_survive_a_refresh_exactly(entries, noegletal_template, tmp_path_factory):
    work = tmp_path_factory.mktemp("r") / "Noegletal_egen.xlsm"
    wb = openpyxl.load_workbook(noegletal_template, keep_vba=True)
    _set(wb, "ValgtKommune", entries.kommune)
    _set(wb, "ValgtGruppe", entries.gruppe)
    _set(wb, "ValgtAar", entries.aar)
    _set(wb, "EgneKommune", entries.egne_kommune)
    _write_egne(wb, entries.egne)
    _write_botilbud(wb, entries.botilbud)
    wb.save(work)
    assert read_entries(work) == entries
    backup = workbooks.refresh(work, DataFolder())
    assert read_entries(work) == entries
    assert read_entries(backup) == entries and backup.exists()


def test_udgiftsmodel_entries_survive_and_recompute(soffice, subset_path, tmp_path):
    """Refreshed with ten municipalities' data (new data may cover fewer), so LibreOffice reads it quickly."""
    work = tmp_path / "Udgiftsmodel_egen.xlsx"
    wb = openpyxl.load_workbook(ROOT / "templates" / "Udgiftsmodel.xlsx")
    _set(wb, "ValgtKommune", "Læsø")
    _set(wb, "ValgtOmraade", "Voksne (5.38)")
    _set(wb, "Prisniveau", "Faste priser")
    _set(wb, "Basisaar", 2020)
    rules = wb["Fordelingsnøgle"]
    header = next(r for r in range(1, rules.max_row + 1) if rules.cell(r, 2).value == "Trappe")
    row = next(r for r in range(header + 1, rules.max_row + 1) if rules.cell(r, 3).value == "5.38.50")
    rules.cell(row, 7).value = "7"  # an edited rule
    spare = next(r for r in range(header + 1, rules.max_row + 1) if not rules.cell(r, 2).value)
    for c, v in enumerate(["voksne", "5.38.45", "", "", "trin", "4", "Egen regel"], start=2):
        rules.cell(spare, c).value = v  # a rule of the user's own
    acc = wb["Regnskab"]
    head = next(r for r in range(1, acc.max_row + 1) if acc.cell(r, 2).value == "Konto")
    acc.cell(head - 2, 4).value = 2023
    acc.cell(head + 1, 2).value = "538451001"
    acc.cell(head + 1, 3).value = 123456.5
    acc.cell(head + 2, 2).value = 538501002
    acc.cell(head + 2, 3).value = -1000
    scen = wb["Scenarie"]
    first = next(r for r in range(1, scen.max_row + 1) if scen.cell(r, 2).value == "Bevægelse 1")
    for c, v in enumerate([8, 6, None, 3, 2, 1], start=3):
        scen.cell(first + 1, c).value = v  # a second movement: 3 citizens from step 8 to 6 over 2 years
    _set(wb, "ScenPris", 2.5)
    wb.save(work)
    before = read_entries(work)
    assert before.scenarie[1] == [8, 6, None, 3, 2, 1] and before.prisstigning == 2.5
    assert isinstance(before, UdgiftsmodelEntries) and len(before.export) == 2 and before.eget_aar == 2023
    backup = workbooks.refresh(work, DataFolder(subset_path))
    assert read_entries(work) == before
    assert backup.exists()
    # the pasted export's rows print after the refresh (#33: the print area covers them)
    area = openpyxl.load_workbook(work)["Regnskab"].print_area
    assert int(area.split("$")[-1]) == head + 2, area
    fresh = recalculate(soffice, [work], tmp_path / "out", tmp_path / "p")[0]
    assert mismatches(work, fresh) == []  # the cached values follow the carried-over entries


def test_refresh_of_a_missing_or_foreign_file_is_a_clear_error(tmp_path, run_cli):
    assert "findes ikke" in run_cli("opdater", tmp_path / "nej.xlsx").err
    other = tmp_path / "andet.xlsx"
    openpyxl.Workbook().save(other)
    before = other.read_bytes()
    result = run_cli("opdater", other)
    assert result.code == 2 and "hverken en Nøgletal- eller en Udgiftsmodel-projektmappe" in result.err
    assert other.read_bytes() == before and not list(tmp_path.glob("*.backup-*"))

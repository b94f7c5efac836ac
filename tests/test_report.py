"""`rapport`: the PDF for a municipality has the pages, names, figures and demo mark it promises, from all data or
as distributed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib import image

from conftest import run_console_script
from indsatstrappe.app import queries
from indsatstrappe.io.datafolder import DataFolder


def _poppler() -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("poppler-utils mangler under CI; 'make test' installerer det")
        pytest.skip("poppler-utils (pdftoppm) mangler; 'make test' installerer det")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("rapport") / "Laesoe.pdf"
    run = run_console_script("rapport", "--kommune", "Læsø", "--ud", target)
    assert run.code == 0, run.err
    return target


def test_report_pages_carry_name_period_demo_mark_and_figures(report):
    _poppler()
    pages = subprocess.run(["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == 5
    for p in pages:
        assert "Læsø (825)" in p and "2018-2024" in p and "DEMODATA" in p
        assert "også små tal (1-4 borgere)" in " ".join(p.split()) and "må ikke videregives" in " ".join(p.split())
    assert "Anbringelse på institution" in pages[0] and "Længerevarende botilbud" in pages[0]
    comp = queries.key_figure_comparison(DataFolder(), "voksne", 825, None)
    v18 = comp[(comp["noegletal_id"] == "V18") & (comp["aar"] == 2024)]["vaerdi"].iloc[0]
    assert f"{v18:.1f}".replace(".", ",") in pages[2]
    # names whole (B08 and B09 differ only at their end), the arrows explained, the words beside them
    assert "og op ad indsatstrappen" in pages[1] and "og ned ad" in pages[1]
    assert "↑ højere er bedre" in pages[1] and "Mod gruppen" in pages[1]
    assert any(w in pages[1] for w in ("Bedre end gruppen", "Dårligere end gruppen"))
    assert "Hele landet" in pages[1] and "kr. pr. 0-17-årig" in pages[1] and " kr." in pages[1]
    assert "Udgifter pr. trin" in pages[3] and "1.000 kr." in pages[3] and "Enhedspris pr. borger" in pages[3]
    goals = queries.botilbud_goals(DataFolder(), 825, 2024).query("botilbud == 'Alle botilbud' and maal == 'M3'")
    assert "Kvalitet i botilbud" in pages[4] and "Botilbuddet Møllen" in pages[4]
    assert f"{goals['andel'].iloc[0] * 100:.1f} %".replace(".", ",") in pages[4]
    assert "Beboere på trin 7-8" in pages[4]


def test_no_botilbud_page_without_botilbud_data(tmp_path):
    from conftest import SMALL_BEFOLKNING, write_folder
    from indsatstrappe.app import report

    folder = DataFolder(write_folder(tmp_path / "d", {"befolkning": SMALL_BEFOLKNING}))
    assert report._botilbud_page(folder, 101) is None


def test_report_pages_render(report, tmp_path):
    _poppler()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(report), str(tmp_path / "rapport_laesoe")], check=True)
    for n in range(1, 6):
        png = image.imread(tmp_path / f"rapport_laesoe-{n}.png")
        band = png[5:20, 50:-50, :3].mean(axis=(0, 1))  # the dark blue title band
        assert band[2] > band[0] + 0.1 and band.mean() < 0.5
        assert png[:, :, :3].std() > 0.05  # not an empty page


def test_report_refuses_a_non_pdf_target(tmp_path):
    run = run_console_script("rapport", "--kommune", "825", "--ud", tmp_path / "r.txt")
    assert run.code == 2 and ".pdf" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "r.txt").exists()


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(p.split()) for p in text.split("\f") if p.strip()]


def test_a_report_as_distributed_says_so_and_hides_what_the_workbook_hides(report, tmp_path):
    """#33.4: with --som-udsendt every page says the figures are the distributed workbooks' (and no longer that
    they hold small numbers); Læsø's 2024 group value for B09 is the workbook's 38,4 %, not all data's 52,5 %."""
    _poppler()
    target = tmp_path / "som_udsendt.pdf"
    run = run_console_script("rapport", "--kommune", "825", "--som-udsendt", "--ud", target)
    assert run.code == 0, run.err
    shipped, internal = _pages(target), _pages(report)
    assert all("de samme som i de udsendte projektmapper" in p and "må ikke videregives" not in p for p in shipped)
    assert all("må ikke videregives" in p for p in internal)
    b09 = [p for p in shipped if "B09" in p][0]
    assert "38,4 %" in b09 and "52,5 %" not in b09
    assert "52,5 %" in [p for p in internal if "B09" in p][0]
    assert "På skjulte trin" in shipped[3] and "På skjulte trin" not in internal[3]

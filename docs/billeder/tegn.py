"""Render the README's pictures from today's templates, as LibreOffice prints them (`make billeder`).

Each picture is the first printed page of a sheet, at 75 dpi (an A4 page 877 pixels wide). LibreOffice draws a
missing municipality line at 0 where Excel leaves a gap (see README); the pictures show LibreOffice's print."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PICTURES = {  # picture -> (template, the title the sheet's printed header shows)
    "noegletal_overblik.png": ("Noegletal.xlsm", "Overblik over nøgletallene"),
    "udgiftsmodel_udgifter_pr_trin.png": ("Udgiftsmodel.xlsx", "Udgifter pr. trin"),
}


def first_page_of(pdf: Path, title: str) -> int:
    """The number (from 1) of the first page whose header begins with `title`."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        lines = page.strip().splitlines()
        if lines and re.split(r"\s{2,}", lines[0].strip())[0] == title:
            return number
    raise SystemExit(f"Ingen side med overskriften '{title}' i {pdf.name}.")


def main() -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        sys.exit("Kræver LibreOffice og poppler-utils ('make libreoffice' installerer dem).")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for picture, (template, title) in PICTURES.items():
            subprocess.run([soffice, f"-env:UserInstallation={(work / 'profil').as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(work), str(ROOT / "templates" / template)],
                           check=True, capture_output=True, timeout=300)
            pdf = work / (Path(template).stem + ".pdf")
            page = first_page_of(pdf, title)
            stem = work / Path(picture).stem
            subprocess.run(["pdftoppm", "-r", "75", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                            str(pdf), str(stem)], check=True)
            shutil.copyfile(stem.with_suffix(".png"), Path(__file__).parent / picture)
            print(f"Skrev docs/billeder/{picture} (side {page} af {template})")


if __name__ == "__main__":
    main()

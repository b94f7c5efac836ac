"""`indsatstrappe demo`: the main job on the bundled demo data, every kind of output in one folder."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ..app import queries, workbooks
from ..core import danish, municipalities
from ..io.datafolder import DataFolder
from ..io.output import write_csv
from .danish import DanishCommand
from .terminal import open_folder, out, print_distribution, print_matrix

DEMO_KOMMUNER = (101, 751, 825)  # København, Aarhus, Læsø: big, big city, small island


@click.command(cls=DanishCommand)
@click.option("--ud", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Mappe til resultaterne.")
def demo(ud: Path) -> None:
    """Kør hovedjobbet på de medfølgende demodata og skriv resultaterne i en mappe."""
    folder = open_folder(None, None)
    ud.mkdir(parents=True, exist_ok=True)
    written = []
    for trappe in ("boern", "voksne"):
        dist = queries.distributions(folder, trappe)
        target = ud / f"fordeling_{trappe}.csv"
        write_csv(dist, target)
        written.append((target, len(dist)))
        latest = int(dist["aar"].max())
        for kommune in DEMO_KOMMUNER:
            print_distribution(folder, trappe, kommune, latest, None)
        if folder.has("forloeb"):
            yearly = queries.movement_years(folder, trappe)
            target = ud / f"bevaegelser_aarlig_{trappe}.csv"
            write_csv(yearly, target)
            written.append((target, len(yearly)))
            kommune = int(yearly["kommune_kode"].iloc[0])
            last = int(yearly["aar"].max())
            fra, til = pd.Timestamp(f"{last - 1}-12-31"), pd.Timestamp(f"{last}-12-31")
            matrix = queries.movement_matrix(folder, trappe, fra, til, kommune)
            target = ud / f"bevaegelser_{trappe}_{kommune}_{last}.csv"
            write_csv(matrix, target)
            written.append((target, len(matrix)))
            print_matrix(folder, trappe, matrix,
                          f"{fra:%d-%m-%Y} → {til:%d-%m-%Y}, {municipalities.name_of(kommune)} ({kommune})")
    for kommune in DEMO_KOMMUNER:
        for target in (workbooks.write_noegletal(folder, ud / workbooks.noegletal_filename(kommune), kommune),
                       workbooks.write_udgiftsmodel(folder, ud / workbooks.udgiftsmodel_filename(kommune), kommune)):
            written.append((target, None))
    from ..app import report
    from ..core import scenario as scenario_model

    kommune = DEMO_KOMMUNER[0]
    boern = queries.staircase_of(folder, "boern")
    example = [scenario_model.parse_movement("6>5:10%:3", boern), scenario_model.parse_movement("4>3:5:2", boern)]
    result = queries.scenario(folder, "boern", kommune, example)
    target = ud / f"scenarie_boern_{kommune}.csv"
    write_csv(result, target)
    written.append((target, len(result)))
    saved = result[result["trin"] == scenario_model.TOTAL]["forskel"].sum()
    out.print(f"Scenarie for {municipalities.name_of(kommune)}: 10 % af børnene på trin 6 til trin 5 over 3 år og "
              f"5 børn fra trin 4 til trin 3 over 2 år ændrer udgiften med {danish.integer(saved)} kr. over 5 år.")
    if folder.has("botilbud") and folder.has("forloeb"):
        written += _demo_botilbud(folder, ud)
    written.append((report.write_report(folder, kommune, ud / f"Rapport_{kommune}_"
                                        f"{workbooks.file_slug(municipalities.name_of(kommune))}.pdf"), None))
    templates = ud / "skabeloner"  # the analyst's templates, all municipalities, macros in Nøgletal
    written.append((workbooks.write_noegletal(folder, templates / "Noegletal.xlsm", workbooks.TEMPLATE_KOMMUNE,
                                              macros=True), None))
    written.append((workbooks.write_udgiftsmodel(folder, templates / "Udgiftsmodel.xlsx",
                                                 workbooks.TEMPLATE_KOMMUNE), None))
    (ud / "DEMODATA_LAES_MIG.txt").write_text(
        "Filerne i denne mappe er lavet af 'indsatstrappe demo' på DEMODATA: syntetiske tal, ikke\n"
        "virkelige kommuners tal. Kør kommandoerne med --data MAPPE for egne data.\n", encoding="utf-8")
    out.print("[bold]Skrevet:[/bold]")
    for target, n in written:
        out.print(f"  {target}" + (f" ({danish.integer(n)} rækker)" if n is not None else ""))
    out.print("[bold]Alt ovenfor er lavet af DEMODATA (syntetiske tal).[/bold] Egne data: se README, fx "
              "'indsatstrappe hent --ud dst_data' og 'indsatstrappe fordeling --data dst_data ...'.")


def _demo_botilbud(folder: DataFolder, ud: Path) -> list[tuple[Path, int | None]]:
    """The five goals, the residents' movements and a Nøgletal workbook (its Botilbud sheet) for a
    municipality with episodes."""
    from ..core import botilbud as model

    kommune = int(folder.table("forloeb")["kommune_kode"].min())  # Frederiksberg in the demo: botilbud named
    goals, moves = queries.botilbud_goals(folder, kommune), queries.botilbud_movements(folder, kommune)
    written = [(workbooks.write_noegletal(folder, ud / workbooks.noegletal_filename(kommune), kommune), None)]
    for name, table in (("maal", goals), ("bevaegelser", moves)):
        target = ud / f"botilbud_{name}_{kommune}.csv"
        write_csv(table, target)
        written.append((target, len(table)))
    every = moves[moves["botilbud"] == model.ALL].iloc[-1]
    n = goals["botilbud"].nunique() - 1
    out.print(f"Botilbud i {municipalities.name_of(kommune)}: {n} botilbud med tal for de fem mål. Af de "
              f"{danish.integer(every['beboere'])} beboere på {model.RESIDENTS} ved udgangen af {every['aar'] - 1} var "
              f"{danish.percent(every['andel_ned'])} flyttet ned ad trappen et år efter.")
    return written

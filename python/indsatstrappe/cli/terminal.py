"""What the CLI prints in the terminal: the tables of steps and movements, the notes beside them, and warnings.
The commands (cli.py) decide what to print; these functions how it looks."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..app import queries
from ..core import coverage, danish, distribution, keyfigures, movements, municipalities
from ..core.errors import Problem
from ..io.datafolder import DataFolder

# When piped (CI, a log file) rich would fold tables at 80 columns; step names need more room.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=None if sys.stderr.isatty() else 120)


def open_folder(data: Path | None, indsatskort: Path | None) -> DataFolder:
    """The data folder a command reads, with a note in the terminal when it is the demo data."""
    folder = DataFolder(data, indsatskort)
    if folder.is_demo:
        err.print("[yellow]Bemærk: DEMODATA – tallene er syntetiske, ikke virkelige kommuners tal. "
                  "Brug --data for egne data.[/yellow]")
    return folder


def print_warnings(warnings: list[Problem]) -> None:
    for w in warnings:
        err.print(w.tekst(), markup=False)


def print_distribution(folder: DataFolder, trappe: str, kommune: int, aar: int, gruppe: str | None) -> None:
    rows = queries.distribution_for(folder, trappe, [kommune], aar, gruppe or "kommunegruppe")
    own = rows[rows["kommune_kode"] == kommune]
    group_code = next(k for k in rows["kommune_kode"].unique() if k not in (kommune, municipalities.COUNTRY_CODE))
    group = rows[rows["kommune_kode"] == group_code].set_index("trin")
    land = rows[rows["kommune_kode"] == municipalities.COUNTRY_CODE].set_index("trin")
    staircase = folder.staircases[trappe]
    table = Table(title=f"{staircase.navn} – {municipalities.name_of(kommune)} ({kommune}), {aar}",
                  title_justify="left")
    for name, justify in (("Trin", "right"), ("Navn", "left"), ("Antal", "right"), ("Andel", "right"),
                          ("Pr. 1.000", "right"), ("Gruppe", "right"), ("Landet", "right")):
        table.add_column(name, justify=justify, no_wrap=True)
    table.caption = ("Gruppe og Landet: pr. 1.000 indbyggere i aldersgruppen " + staircase.aldersgruppe
                     + ". I alt og andele: de trin, kommunen har tal for.")
    table.caption_justify = "left"
    withheld = coverage.withheld_steps(folder.table("modtagere"), staircase)
    withheld = set(withheld.loc[(withheld["kommune_kode"] == kommune) & (withheld["aar"] == aar), "trin"])
    for r in own.itertuples():
        count = danish.integer(r.antal) if not danish.missing(r.antal) else \
            (danish.MISSING + "¹" if r.trin in withheld else danish.MISSING
             if coverage.register_can_give(staircase, r.trin, aar) else "kræver egne data")
        table.add_row(str(r.trin), r.trin_navn, count, danish.percent(r.andel),
                      danish.decimal(r.pr_1000), danish.decimal(group.loc[r.trin, "pr_1000"]),
                      danish.decimal(land.loc[r.trin, "pr_1000"]))
    total = danish.MISSING if withheld else danish.integer(own["antal"].sum())  # a withheld part: unknown
    table.add_row("", "I alt", total, danish.percent(own["andel"].sum(min_count=1)),
                  danish.decimal(own["pr_1000"].sum(min_count=1)) if not withheld else danish.MISSING, "", "",
                  style="bold")
    out.print(table)
    if withheld:
        out.print(f"  ¹ {coverage.WITHHELD_REASON}: antallet er ukendt (aldrig 0), og det samme er I alt og andelene.")
    for line in coverage_lines(folder, trappe, kommune, aar, gruppe):
        out.print("  " + line)
    unplaced = queries.unplaced_for(folder, trappe, [kommune])
    unplaced = unplaced[unplaced["aar"] == aar]
    for r in unplaced.itertuples():
        label = "uoplyst (står ikke på et trin)" if r.uden_trin == "uoplyst" else "uden for trappen"
        out.print(f"  + {danish.integer(r.antal)} {label}")
    group_name = municipalities.comparison_group(gruppe, kommune, "--gruppe").navn
    out.print(f"  Gruppe: {group_name} (gennemsnit af kommunernes tal); landet: samlet tal.\n")


def coverage_lines(folder: DataFolder, trappe: str, kommune: int, aar: int, gruppe: str | None) -> list[str]:
    """Which steps the group's and the country's values are taken over fewer than all municipalities."""
    dist = queries.distributions(folder, trappe)
    dist = dist[dist["aar"] == aar]
    lines = []
    country = municipalities.country()
    nobody = set(distribution.reporting_members(dist, country).query("med_tal == 0")["trin"])
    if nobody:
        lines.append(f"Trin {', '.join(map(str, sorted(nobody)))}: ingen kommune har tal for {aar}.")
    for group in (municipalities.comparison_group(gruppe, kommune, "--gruppe"), country):
        n = distribution.reporting_members(dist, group)
        for r in n[(n["med_tal"] < n["kommuner"]) & ~n["trin"].isin(nobody)].itertuples():
            lines.append(f"Trin {r.trin}: {group.navn} er taget over de {r.med_tal} af {r.kommuner} kommuner, "
                         "der har tal for trinnet.")
    return lines


def print_matrix(folder: DataFolder, trappe: str, matrix, title: str) -> None:
    staircase = folder.staircases[trappe]
    names = {0: "Ingen indsats", **staircase.step_names()}
    grid = matrix.pivot(index="fra_trin", columns="til_trin", values="antal").fillna(0).astype(int)
    table = Table(title=f"Bevægelser på {staircase.navn}: {title}", title_justify="left",
                  caption="Rækker: trin på første dag. Kolonner: trin på anden dag.", caption_justify="left")
    table.add_column("Fra \\ til", no_wrap=True)
    for t in grid.columns:
        table.add_column(str(t), justify="right")
    table.add_column("I alt", justify="right")
    for f, row in grid.iterrows():
        label = f"{f} {names[f]}"
        cells = ["" if f == 0 and t == 0 else danish.integer(v) for t, v in row.items()]
        table.add_row(label, *cells, danish.integer(row.sum()))
    out.print(table)
    summary = movements.summarise(matrix)
    out.print("  " + " · ".join(f"{movements.SUMMARY_NAMES[k]}: {danish.integer(v)}" for k, v in summary.items()))
    out.print()


def figure_notes(folder: DataFolder, trappe: str, group: municipalities.ComparisonGroup, year: int,
                  years: list[int]) -> list[str]:
    """Where a group's or the country's value covers fewer than all municipalities, and series breaks."""
    values = queries.key_figures(folder, trappe)
    lines = []
    for g in (group, municipalities.country()):
        n = keyfigures.members_with_value(values[values["aar"] == year], g)
        for r in n[n["med_tal"] < n["kommuner"]].itertuples():
            lines.append(f"{r.noegletal_id}: {g.navn} er taget over de {r.med_tal} af {r.kommuner} kommuner, "
                         f"der har tal i {year}.")
    staircase = folder.staircases[trappe]
    for fid, fig in keyfigures.for_staircase(trappe).iterrows():
        breaks = keyfigures.series_breaks(fig, staircase, years)
        if breaks:
            lines.append(f"{fid}: brud i serien i {', '.join(map(str, breaks))} (registrets koder skifter; "
                         "se Definitioner).")
    return lines

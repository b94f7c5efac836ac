"""`rapport`: a few printable A4 pages for one municipality: both staircases, the key figures against the
group and the country, and the expenses on the steps. Drawn with matplotlib from the same core results
the workbooks show; the demo mark on every page when the data are synthetic."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.table import Table  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..core import botilbud, danish, expenses, keyfigures, municipalities  # noqa: E402
from ..excel.styles import STEP_COLOURS  # noqa: E402
from ..io.datafolder import DataFolder  # noqa: E402
from ..io.output import atomic_path  # noqa: E402
from . import queries, report_figures  # noqa: E402

A4 = (8.27, 11.69)
BLUE, RED, GREY = "#1F3864", "#C00000", "#808080"


@dataclass
class Page:
    fig: plt.Figure
    title: str


def write_report(folder: DataFolder, kommune: int, target: Path, gruppe: str | None = None,
                 as_distributed: bool = False) -> Path:
    """Write the report to `target` (PDF, atomically): from all data, or `as_distributed` with the figures of
    the municipality's distributed workbooks."""
    navn = municipalities.name_of(kommune)
    meta = folder.meta
    figures = (report_figures.as_distributed if as_distributed else report_figures.all_data)(folder, kommune, gruppe)
    years = sorted({int(y) for d in figures.dists.values() for y in d["aar"].unique()})
    period = f"{years[0]}-{years[-1]}"
    group = municipalities.comparison_group(gruppe, kommune).navn
    pages = [_staircase_page(folder, figures.dists), *_key_figure_pages(figures.comparisons, group),
             _expense_page(folder, figures.expenses)]
    botilbud_page = _botilbud_page(folder, kommune)
    if botilbud_page is not None:
        pages.append(botilbud_page)
    sources = "Kilde: " + (meta.label if meta.label else "egne data") + ". " + figures.which
    with atomic_path(target) as tmp, PdfPages(tmp) as pdf:
        info = pdf.infodict()
        info["Title"] = f"Indsatstrappen – {navn}"
        info["Author"] = "indsatstrappe"
        for number, page in enumerate(pages, start=1):
            _frame(page, f"Indsatstrappen · {navn} ({kommune}) · {period}", sources, meta.syntetisk, number,
                   len(pages))
            pdf.savefig(page.fig)
            plt.close(page.fig)
    return target


def _frame(page: Page, heading: str, sources: str, demo: bool, number: int, total: int) -> None:
    fig = page.fig
    fig.patches.append(plt.Rectangle((0, 0.95), 1, 0.05, transform=fig.transFigure, color=BLUE, zorder=-1))
    fig.text(0.05, 0.972, page.title, color="white", fontsize=15, fontweight="bold", va="center")
    fig.text(0.05, 0.935, heading, color=BLUE, fontsize=10)
    if demo:
        fig.text(0.95, 0.935, "DEMODATA – syntetiske tal, ingen virkelig kommune", color="white", fontsize=9,
                 fontweight="bold", ha="right", bbox={"facecolor": RED, "edgecolor": RED, "pad": 3})
    fig.text(0.05, 0.015, _wrap(sources, 125), color=GREY, fontsize=7, va="bottom")  # clear of the page number
    fig.text(0.95, 0.02, f"Side {number} af {total}", color=GREY, fontsize=8, ha="right")


def _staircase_page(folder: DataFolder, dists: dict[str, pd.DataFrame]) -> Page:
    fig = plt.figure(figsize=A4)
    for i, (trappe, own) in enumerate(dists.items()):
        staircase = folder.staircases[trappe]
        latest = int(own["aar"].max())
        now = own[own["aar"] == latest].sort_values("trin")
        ax = fig.add_axes([0.30, 0.55 - i * 0.45, 0.62, 0.32])
        labels = [f"{int(t)}. {n}" for t, n in zip(now["trin"], now["trin_navn"], strict=True)]
        ax.barh(range(len(now)), now["antal"], color=STEP_COLOURS[:len(now)], edgecolor=BLUE)  # no bar where '–'
        ax.set_yticks(range(len(now)), [_wrap(label, 38) for label in labels], fontsize=7.5)
        for y, (count, rate) in enumerate(zip(now["antal"], now["pr_1000"], strict=True)):
            ax.text(count if count == count else 0, y, f"  {danish.integer(count)} ({danish.decimal(rate)} pr. 1.000)",
                    va="center", fontsize=7)
        ax.set_title(f"{staircase.navn}, {latest}: borgere pr. trin", fontsize=11, loc="left", color=BLUE)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: danish.integer(v)))
        ax.set_xlim(0, max(float(now["antal"].max()) if now["antal"].notna().any() else 0, 1) * 1.45)
    return Page(fig, "Borgerne på trappen")


def _key_figure_pages(comparisons: dict[str, pd.DataFrame], group: str) -> list[Page]:
    catalogue = keyfigures.catalogue()
    pages = []
    titles = {"boern": "Nøgletal: børn og unge", "voksne": "Nøgletal: voksne"}
    for trappe, comp in comparisons.items():
        latest = int(comp["aar"].max())
        now = comp[comp["aar"] == latest]
        rows = []
        for r in now.itertuples():
            entry = catalogue.loc[r.noegletal_id]
            arrow = {"op": "↑", "ned": "↓"}.get(entry["retning"], "–")
            own, grp = (None if v != v else v for v in (r.vaerdi, r.gruppe_vaerdi))
            rows.append([r.noegletal_id, _wrap(entry["navn"], 40), _wrap(entry["enhed"], 18),
                         _value(r.vaerdi, entry["enhed"]), _value(r.gruppe_vaerdi, entry["enhed"]),
                         _value(r.land_vaerdi, entry["enhed"]), arrow, keyfigures.compare(own, grp, entry["retning"])])
        fig = plt.figure(figsize=A4)
        ax = fig.add_axes([0.05, 0.12, 0.9, 0.78])
        ax.axis("off")
        ax.set_title(f"{latest}: kommunen, {group} og hele landet", fontsize=10, loc="left", color=BLUE)
        _table(ax, rows, ["Id", "Nøgletal", "Enhed", "Kommunen", "Gruppen", "Hele landet", "Ønsket", "Mod gruppen"],
               [0.05, 0.30, 0.14, 0.09, 0.08, 0.09, 0.06, 0.19], row_scale=1.5, right=(3, 4, 5), centre=(6,))
        fig.text(0.05, 0.09, "Ønsket retning: ↑ højere er bedre, ↓ lavere er bedre, – ingen ønsket retning. "
                 "'Mod gruppen' følger den ønskede retning; '–' hvor et af tallene mangler.", fontsize=7,
                 color=GREY)
        pages.append(Page(fig, titles[trappe]))
    return pages


def _value(value: float, unit: str) -> str:
    """A key figure as the workbook shows it: kroner whole with 'kr.', percentages with '%', rates with one decimal."""
    if unit.startswith("kr."):
        return danish.integer(value) + ("" if danish.missing(value) else " kr.")
    if unit.startswith("%"):
        return danish.decimal(value) + ("" if danish.missing(value) else " %")
    return danish.decimal(value)


def _expense_page(folder: DataFolder, tables: dict[str, pd.DataFrame]) -> Page:
    fig = plt.figure(figsize=A4)
    special = {expenses.UNPLACED_LABEL: ("Ikke fordelt", GREY),
               report_figures.HIDDEN_LABEL: ("På skjulte trin", "#404040")}
    for i, (trappe, table) in enumerate(tables.items()):
        staircase = folder.staircases[trappe]
        pivot = table.pivot_table(index="aar", columns="trin", values="beloeb", aggfunc="sum", dropna=False) / 1e3
        ax = fig.add_axes([0.12, 0.58 - i * 0.45, 0.60, 0.30])
        bottom = pd.Series(0.0, index=pivot.index)
        for j, step in enumerate([*staircase.step_numbers, *special]):
            if step not in pivot.columns:
                continue
            label, colour = special[step] if step in special else (f"{step}. {staircase.step_name(step)}",
                                                                   STEP_COLOURS[j])
            ax.bar(pivot.index, pivot[step], bottom=bottom, color=colour, edgecolor=BLUE, linewidth=0.3,
                   label=_wrap(label, 30))
            bottom += pivot[step].fillna(0)
        low, high = min(0.0, float(pivot.clip(upper=0).sum(axis=1).min())), float(bottom.max())
        ax.set_ylim(low * 1.05, max(high, 1.0) * 1.05)  # a hidden step's NaN keeps matplotlib from scaling itself
        ax.set_title(f"Udgifter pr. trin, {expenses.AREAS[trappe]} ({staircase.navn}), 1.000 kr., løbende priser",
                     fontsize=9, loc="left", color=BLUE)
        handles, labels = ax.get_legend_handles_labels()  # top of the legend is the top of the stack
        ax.legend(handles[::-1], labels[::-1], fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=8)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: danish.integer(v)))
        ax.set_xticks(pivot.index)
        latest = table[table["aar"] == table["aar"].max()]
        unit = latest[~latest["trin"].isin(list(special))]
        tab = fig.add_axes([0.10, 0.47 - i * 0.45, 0.80, 0.07])
        tab.axis("off")
        tab.set_title(f"Enhedspris pr. borger {int(table['aar'].max())}", fontsize=8, loc="left", color=BLUE)
        _table(tab, [[_value(u, "kr.") for u in unit["enhedspris"]]],
               [f"Trin {t}" for t in unit["trin"]], [1 / len(unit)] * len(unit), right=tuple(range(len(unit))))
    return Page(fig, "Udgifterne på trinene")


GOAL_COLOURS = ["#2E75B6", "#C55A11", "#548235", "#7030A0", "#BF9000"]


def _botilbud_page(folder: DataFolder, kommune: int) -> Page | None:
    """The five goals over the years and per botilbud, and where the residents went; None without botilbud
    data for the municipality."""
    if not folder.has("botilbud") or not (folder.table("botilbud")["kommune_kode"] == kommune).any():
        return None
    goals = queries.botilbud_goals(folder, kommune)
    names = botilbud.goals()["navn"]
    fig = plt.figure(figsize=A4)
    ax = fig.add_axes([0.10, 0.66, 0.55, 0.24])
    total = goals[goals["botilbud"] == botilbud.ALL].pivot(index="aar", columns="maal", values="andel")
    for colour, goal in zip(GOAL_COLOURS, total.columns, strict=False):
        ax.plot(total.index, total[goal] * 100, marker="o", color=colour, label=_wrap(f"{goal} {names[goal]}", 34))
    ax.set_title("De fem mål, alle kommunens botilbud (%)", fontsize=10, loc="left", color=BLUE)
    ax.set_xticks(total.index)
    ax.set_ylim(0, 100)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    latest = int(goals["aar"].max())
    now = goals[goals["aar"] == latest].pivot(index="botilbud", columns="maal", values="andel")
    now = now.reindex([*(b for b in now.index if b != botilbud.ALL), botilbud.ALL])
    rows = [[_short(name, 34), *(danish.percent(v) if v == v else "–" for v in row)] for name, row in now.iterrows()]
    tab = fig.add_axes([0.05, 0.40, 0.9, 0.20])
    tab.axis("off")
    tab.set_title(f"Pr. botilbud, {latest}", fontsize=10, loc="left", color=BLUE)
    _table(tab, rows, ["Botilbud", *now.columns], [0.35, *[0.13] * len(now.columns)],
           right=tuple(range(1, len(now.columns) + 1)))
    text = "Målene er katalogets for kvalitet i socialpsykiatriske botilbud; hvad der tælles, er værktøjets forslag."
    if folder.has("forloeb") and (folder.table("forloeb")["kommune_kode"] == kommune).any():
        moves = queries.botilbud_movements(folder, kommune)
        every = moves[moves["botilbud"] == botilbud.ALL]
        mv = fig.add_axes([0.05, 0.08, 0.9, 0.22])
        mv.axis("off")
        mv.set_title(f"Beboere på {botilbud.RESIDENTS} og hvor de står et år efter (forløbsdata)", fontsize=10,
                     loc="left", color=BLUE)
        kinds = botilbud.MOVEMENT_KINDS
        rows = [[str(r.aar), danish.integer(r.beboere), *(danish.integer(getattr(r, k)) for k in kinds),
                 danish.percent(r.andel_ned)] for r in every.itertuples()]
        _table(mv, rows, ["År", "Beboere", *(_wrap(botilbud.MOVEMENT_NAMES[k], 16) for k in kinds), "Flyttet ned"],
               [0.07, 0.09, 0.16, 0.16, 0.11, 0.11, 0.13, 0.11], right=tuple(range(1, 8)))
    fig.text(0.05, 0.05, text, fontsize=7, color=GREY)
    return Page(fig, "Kvalitet i botilbud")


def _table(ax, rows: list[list[str]], header: list[str], widths: list[float], row_scale: float = 1.4,
           right: tuple[int, ...] = (), centre: tuple[int, ...] = ()) -> None:
    """A plain table in the house style: light blue bold header, grey lines, 7 pt; numbers in the `right`
    columns right-aligned, and a row as high as its longest wrapped cell."""
    table = Table(ax, loc="upper left")
    line = FONT_SIZE / 72 * 1.25 * ax.figure.dpi / ax.get_window_extent().height  # one text line, axes units
    for r, cells in enumerate([header, *rows]):
        height = line * row_scale * max(str(c).count("\n") + 1 for c in cells)
        for c, text in enumerate(cells):
            loc = "right" if c in right else "center" if c in centre else "left"
            cell = table.add_cell(r, c, widths[c], height, text=str(text), loc=loc,
                                  facecolor="#D9E2F3" if r == 0 else "white", edgecolor="#BFBFBF")
            cell.set_text_props(fontsize=FONT_SIZE, fontweight="bold" if r == 0 else "normal")
    table.auto_set_font_size(False)
    table.set_fontsize(FONT_SIZE)
    ax.add_table(table)


FONT_SIZE = 7


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))

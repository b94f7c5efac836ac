"""The Nøgletal workbook: both staircases and all key figures for every municipality, with the
municipality and comparison group chosen in dropdowns and every number a native formula (with its
cached value) over the hidden *Data* sheet, so it works in plain Excel without Python."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...core import coverage, keyfigures, municipalities, suppression
from ...core.datafiles import packaged
from ...core.staircase import Staircase
from .. import formulas as fx
from ..blocks import Rows
from ..datasheet import COUNTRY, HIDDEN_ID, OWN_DATA, OWN_GROUP, DataTable, write_lists
from ..frontpage import Choice, Selection, municipality_choices, write_front
from ..per_key import rows_of
from ..scaffold import TITLE_ROWS, Book, BookInfo, embed_vba
from ..styles import GREY, LIGHT_GREY, MUNICIPALITY, SEGMENT_BORDER, STEP_COLOURS
from . import botilbud_sheet, definitions_sheet, overview_sheet, principles_sheet, theme_layout

TITLE = "Nøgletal for indsatstrapperne"
EGNE_SHEET = "Egne tal"


@dataclass(frozen=True)
class NoegletalData:
    """What every municipality's workbook shows, computed by the core: built by `noegletal_data`, never
    changed (a distributed run hands one to every worker)."""

    values: pd.DataFrame  # keyfigures.VALUE_COLUMNS for both staircases
    counts: pd.DataFrame  # kommune_kode, aar, trappe, trin, antal, befolkning
    staircases: dict[str, Staircase]
    years: list[int]
    table: DataTable  # the Data sheet
    botilbud: pd.DataFrame | None  # the data's botilbud table (all municipalities); None: not in the data
    beboere: pd.DataFrame | None  # botilbud.MOVEMENT_COLUMNS (all municipalities); None: no episodes
    beboere_note: str


def _compared(fid: str) -> bool:
    """The Data ids whose group mean the Nøgletal shows: key figures and steps, not a marker row (HIDDEN_ID) or
    'I alt på trappen'."""
    return not fid.endswith((HIDDEN_ID, ":i_alt"))


def noegletal_data(values: pd.DataFrame, counts: pd.DataFrame, staircases: dict[str, Staircase], years: list[int],
                   botilbud: pd.DataFrame | None = None, beboere: pd.DataFrame | None = None, beboere_note: str = "",
                   totals: pd.DataFrame | None = None, hidden: pd.DataFrame | None = None) -> NoegletalData:
    """The workbook's shared data with its Data sheet. `totals`: suppression.step_totals (None: summed from
    `counts`); `hidden`: datasheet.hidden_markers of what suppression took out (None: nothing is hidden)."""
    rows = data_rows(values, counts, totals)
    if hidden is not None:  # a distributed workbook: mark what suppression took out (see datasheet.HIDDEN_ID)
        rows = pd.concat([rows, hidden], ignore_index=True)
    table = DataTable(rows, years, factors=keyfigures.catalogue()["faktor"].to_dict(), means_of=_compared)
    return NoegletalData(values, counts, staircases, list(years), table, botilbud, beboere, beboere_note)


@dataclass(frozen=True)
class NoegletalChoices:
    """What the user chose or typed: the preselected municipality and group, the year, own figures and
    botilbud rows (None: prefilled from the data)."""

    kommune: int
    gruppe: str = OWN_GROUP
    aar: int | None = None  # chosen year on the staircase sheets (default: the latest)
    egne_kommune: int | None = None  # whose own figures 'Egne tal' holds (default: the preselected)
    egne: dict | None = None  # (id, year) -> (taeller, naevner) typed by the user; None: prefill from data
    egne_data: frozenset | None = None  # a refresh: (id, year) the workbook's data held; the data fill the others
    botilbud_rows: list[list] | None = None  # typed rows of 'Botilbud' (refresh); None: prefill from the data


@dataclass(frozen=True)
class NoegletalInput:
    """One workbook's input: the shared data and the user's choices; built by `noegletal_input`."""

    data: NoegletalData
    choices: NoegletalChoices
    own_entries: dict[tuple[str, int], tuple[float | None, float | None]]  # what 'Egne tal' holds

    @property
    def years(self) -> list[int]:
        return self.data.years

    @property
    def staircases(self) -> dict[str, Staircase]:
        return self.data.staircases

    @property
    def chosen_year(self) -> int:
        return self.choices.aar if self.choices.aar in self.years else self.years[-1]

    @property
    def own_kommune(self) -> int:
        return self.choices.egne_kommune or self.choices.kommune

    def own_entry(self, fid: str, year: int) -> tuple[float | None, float | None] | None:
        """What 'Egne tal' holds for a figure and year (typed entries, or the data when none were given)."""
        return self.own_entries.get((fid, year))

    def botilbud_input(self) -> botilbud_sheet.BotilbudInput:
        """The Botilbud sheet's rows (typed, or the data's) and residents' movements of the own municipality."""
        kommune, d = self.own_kommune, self.data
        rows = self.choices.botilbud_rows if self.choices.botilbud_rows is not None else \
            botilbud_sheet.rows_from_table(d.botilbud, kommune)
        moves = None if d.beboere is None else rows_of(d.beboere, ("kommune_kode",), (kommune,))
        return botilbud_sheet.BotilbudInput(rows, moves, d.beboere_note)


def noegletal_input(data: NoegletalData, choices: NoegletalChoices) -> NoegletalInput:
    """`choices` applied to `data`: the own municipality's figures from the data (suppressed values left out),
    and where the user typed a figure for a year, the typed one (a refresh takes the folder's new years and
    keeps what was typed; see `own_entry_conflicts`)."""
    entries = data_entries(data, choices.egne_kommune or choices.kommune)
    if choices.egne is not None:  # what was typed (or cleared) stands; the data fill what the workbook never had
        new = {k: v for k, v in entries.items() if choices.egne_data is not None and k not in choices.egne_data}
        entries = {**new, **choices.egne}
    return NoegletalInput(data, choices, entries)


def data_entries(data: NoegletalData, kommune: int) -> dict[tuple[str, int], tuple[float, float]]:
    """(id, year) -> (taeller, naevner) of a municipality's figures in the data."""
    v = rows_of(data.values, ("kommune_kode",), (kommune,))
    return {(str(f), int(y)): (float(t), float(n)) for f, y, t, n in
            zip(v["noegletal_id"].tolist(), v["aar"].tolist(), v["taeller"].tolist(), v["naevner"].tolist(),
                strict=True) if not (pd.isna(t) or pd.isna(n))}


def own_entry_conflicts(data: NoegletalData, kommune: int, typed: dict) -> list[tuple[str, int, tuple, tuple]]:
    """(id, year, typed, in the data) where the workbook's typed figure and the data folder's differ."""
    folder = data_entries(data, kommune)
    return [(fid, y, v, folder[(fid, y)]) for (fid, y), v in sorted(typed.items())
            if (fid, y) in folder and tuple(v) != tuple(folder[(fid, y)])]


def data_rows(values: pd.DataFrame, counts: pd.DataFrame, totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """The long rows behind the Data sheet: key figures (id B01...) and step counts (id boern:3 ...)."""
    cat = keyfigures.catalogue()
    figs = values.rename(columns={"noegletal_id": "id"})
    figs = figs.assign(faktor=figs["id"].map(cat["faktor"]))[["id", "kommune_kode", "aar", "taeller", "naevner",
                                                             "faktor"]]
    steps = counts.assign(id=counts["trappe"] + ":" + counts["trin"].astype(str), taeller=counts["antal"],
                          naevner=counts["befolkning"], faktor=1000.0)
    totals = totals if totals is not None else suppression.step_totals(counts)
    totals = totals.assign(id=totals["trappe"] + ":" + suppression.TOTAL, taeller=totals["antal"],
                           naevner=totals["befolkning"], faktor=1000.0)
    return pd.concat([figs, steps[figs.columns], totals[figs.columns]], ignore_index=True)


def build(path: Path, data: NoegletalInput, info: BookInfo, vba_modules: dict[str, str] | None = None) -> Book:
    """Write the workbook to `path` (the caller makes that atomic). With `vba_modules` (name -> VBA
    source) it becomes a macro-enabled workbook carrying those modules."""
    return write(Book(path, info, macros=vba_modules is not None), data, vba_modules)


def write(book: Book, data: NoegletalInput, vba_modules: dict[str, str] | None = None) -> Book:
    """Write the workbook's sheets into `book` and close it."""
    sel = Selection(data.choices.kommune, data.choices.gruppe)
    table = data.data.table
    book.name_the_municipality("ValgtKommune", sel.navn)
    front = book.sheet("Forside", TITLE, "")
    overview_sheet.write(book, table, sel, data, own_cell)
    for staircase in data.staircases.values():
        _staircase_sheet(book, table, staircase, sel, data.years, data.chosen_year)
    for theme, figures in _themes():
        _theme_sheet(book, table, theme, figures, sel, data)
    principles_sheet.write(book, table, sel, data, own_cell)
    _own_figures_sheet(book, data)
    botilbud_sheet.write(book, data.botilbud_input(), municipalities.name_of(data.own_kommune))
    definitions_sheet.write(book, data.staircases)
    book.about_sheet(_about_rows())
    table.write(book)
    write_lists(book, data.years)
    _front_sheet(book, front, sel, data.chosen_year)
    if vba_modules is not None:
        embed_vba(book, vba_modules)
    book.close()
    return book


# -- Forside ------------------------------------------------------------------------------------

HELP = [
    "Sådan bruger du projektmappen",
    "1. Vælg kommune, sammenligningsgruppe og år i de gule felter til venstre.",
    "2. Alle ark regner om med det samme, når du vælger noget andet – også i Excel på nettet.",
    "3. Grupper (kommunegruppe eller region) er gennemsnittet af kommunernes tal; hele landet er det samlede tal.",
    "   Arket 'Overblik' viser alle nøgletal for det seneste år mod gruppen og landet.",
    "4. Egne tal (fx varighed og opfølgning) skriver du på arket 'Egne tal'.",
    "5. Botilbuddenes tal for de fem mål for kvalitet skriver du på arket 'Botilbud'.",
    "6. Definitionerne står på arket 'Definitioner'; kilder og licens på 'Om'.",
]


def _front_sheet(book: Book, ws: Worksheet, sel: Selection, chosen: int) -> None:
    choices, derived = municipality_choices(sel)
    choices.append(Choice("ValgtAar", "År på trappe-arkene", chosen, "=L_aar"))
    write_front(book, ws, "Vælg kommune og sammenligning", choices, derived, HELP)


# -- Trappen ------------------------------------------------------------------------------------

def _staircase_sheet(book: Book, table: DataTable, staircase: Staircase, sel: Selection, years: list[int],
                     chosen: int) -> None:
    s = book.styles
    label = "børn og unge" if staircase.key == "boern" else "voksne"
    ws = book.sheet(f"Trappen {label}"[:31], staircase.navn,
                    f"{staircase.navn}: borgere pr. trin for den valgte kommune og udviklingen over årene")
    steps = staircase.step_numbers
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 46)
    ws.set_column(3, 3 + len(steps), 12)
    r = TITLE_ROWS + 1
    ws.write_formula(r, 1, '="Kommune: "&ValgtKommune&" · år "&ValgtAar&" · sammenlignet med "&GruppeNavn', s.h1,
                     f"Kommune: {sel.navn} · år {chosen} · sammenlignet med {sel.group_name}")
    blocks, last = _year_tables(book, ws, table, staircase, sel, years, r)
    head, counts = _chosen_year_table(book, ws, table, staircase, sel, years, chosen, r, blocks)
    _bar_chart(book, ws, staircase, head, counts)
    _development_chart(book, ws, table, staircase, sel, years, blocks, head)
    _rates_chart(book, ws, table, staircase, sel, chosen, head)
    ws.print_area(0, 0, last, 19)
    book.freeze_title(ws)
    book.protect(ws)


def _year_tables(book: Book, ws: Worksheet, table: DataTable, staircase: Staircase, sel: Selection, years: list[int],
                 r: int) -> tuple[dict[str, int], int]:
    """The development tables, below the charts (they feed the chosen-year table): counts, the municipality's,
    the group's and the country's rates, and how many municipalities have a figure. Returns each table's first
    year row by kind, and the last row."""
    s, steps = book.styles, staircase.step_numbers
    rows = Rows(r + 35)  # below the charts: the chosen year's bar chart and, under it, the rates per step
    blocks = {}
    n_all = len(municipalities.codes())
    for title, kind in (("Antal borgere pr. trin", "antal"), ("Pr. 1.000 indbyggere – kommunen", "own"),
                        ("Pr. 1.000 indbyggere – sammenligningsgruppen", "group"),
                        ("Pr. 1.000 indbyggere – hele landet", "country"),
                        (f"Kommuner med tal for trinnet (af {n_all}): gruppe og landet er taget over dem", "members")):
        top = rows.take(2 + len(years), gap=2)  # title, header, a row per year
        blocks[kind] = top + 2
        ws.write_string(top, 1, title, s.h2)
        ws.keep_together(top, top + 1 + len(years))
        ws.merge_range(top + 1, 1, top + 1, 2, "År", s.header)  # the year over the name column: no empty column
        for j, t in enumerate(steps):
            ws.write_string(top + 1, 3 + j, f"Trin {t}", s.header)
        if kind == "antal":
            ws.write_string(top + 1, 3 + len(steps), "I alt", s.header)
        for i, y in enumerate(years):
            rr = top + 2 + i
            ws.merge_range(rr, 1, rr, 2, y, s.year_label)
            if kind == "antal":  # the total as the Data sheet has it (hidden where it would give a count away)
                fid = f"{staircase.key}:{suppression.TOTAL}"
                ws.write_formula(rr, 3 + len(steps), "=" + table.shown_count_formula(fid, y), s.number("antal"),
                                 table.shown_count(fid, sel.kommune, y))
            for j, t in enumerate(steps):
                fid = f"{staircase.key}:{t}"
                if kind == "antal":
                    ws.write_formula(rr, 3 + j, "=" + table.shown_count_formula(fid, y), s.number("antal"),
                                     table.shown_count(fid, sel.kommune, y))
                elif kind == "own":
                    ws.write_formula(rr, 3 + j, "=" + table.own_formula(fid, y), s.number("rate"),
                                     fx.shown(table.own(fid, sel.kommune, y)))
                elif kind == "group":
                    ws.write_formula(rr, 3 + j, "=" + table.group_formula(fid, y, "GruppeNavn", "GruppeType"),
                                     s.number("rate"),
                                     fx.shown(table.group_mean(fid, y, sel.group_type, sel.group_name)))
                elif kind == "country":
                    ws.write_formula(rr, 3 + j, "=" + table.country_formula(fid, y), s.number("rate"),
                                     fx.shown(table.country(fid, y)))
                else:
                    ws.write_formula(rr, 3 + j, "=" + table.members_count_formula(fid, y), s.number("antal"),
                                     table.members_count(fid, y))
    return blocks, rows.next


def _chosen_year_table(book: Book, ws: Worksheet, table: DataTable, staircase: Staircase, sel: Selection,
                       years: list[int], chosen: int, r: int, blocks: dict[str, int]) -> tuple[int, dict]:
    """The chosen year: one row per step, picked from the development tables with INDEX/MATCH. Returns its
    header row and the counts shown."""
    s, steps = book.styles, staircase.step_numbers
    head = r + 2
    ws.write_string(head - 1, 1, "Valgt år", s.h2)
    ws.set_row(head, 28)
    for j, h in enumerate(["Trin", "Navn", "Antal", "Andel", "Pr. 1.000", "Gruppe pr. 1.000", "Landet pr. 1.000"]):
        ws.write_string(head, 1 + j, h, s.header)
    year_range = f"$B${blocks['antal'] + 1}:$B${blocks['antal'] + len(years)}"
    counts = {t: table.shown_count(f"{staircase.key}:{t}", sel.kommune, chosen) for t in steps}
    total = table.shown_count(f"{staircase.key}:{suppression.TOTAL}", sel.kommune, chosen)
    rt = head + 1 + len(steps)
    for j, t in enumerate(steps):
        rr = head + 1 + j
        col = fx.xl_col(3 + j)
        fid = f"{staircase.key}:{t}"
        # top-aligned as the name beside it: a row with "kræver egne data" is two lines high
        ws.write_number(rr, 1, t, s.fmt(num_format="0", align="center", valign="top"))  # apart from the name
        ws.write_string(rr, 2, staircase.step_name(t), s.text)

        def pick(kind: str, col: str = col) -> str:
            top = blocks[kind]
            return f"INDEX(${col}${top + 1}:${col}${top + len(years)},MATCH(ValgtAar,{year_range},0))"
        if coverage.register_can_give(staircase, t):
            ws.write_formula(rr, 3, "=" + pick("antal"), s.number("antal", valign="top"), counts[t])
        else:  # only the municipality's own data fill this step: say so where it has none (on two lines), but
            # '–' where its count is hidden; the chosen year's marker is picked from the years' markers
            hidden = f"CHOOSE(MATCH(ValgtAar,{year_range},0),{','.join(table.hidden_formula(fid, y) for y in years)})"
            why = OWN_DATA if not table.is_hidden(fid, sel.kommune, chosen) else fx.MISSING
            ws.write_formula(rr, 3, f'=IF(ISNUMBER({pick("antal")}),{pick("antal")},IF({hidden}>0,'
                                    f'{fx.text(fx.MISSING)},{fx.text(OWN_DATA)}))',
                             s.number("antal", text_wrap=True, valign="top"),
                             counts[t] if fx.is_number(counts[t]) else why)
            ws.set_row(rr, 28)
        # a share of the true total, and none where the count or the total is hidden
        ws.write_formula(rr, 4, "=" + fx.missing_on_error(f"{fx.cell(rr, 3)}/{fx.cell(rt, 3, True)}"),
                         s.number("pct", valign="top"),
                         counts[t] / total if fx.is_number(total) and total and fx.is_number(counts[t]) else fx.MISSING)
        ws.write_formula(rr, 5, "=" + fx.missing_on_error(pick("own")), s.number("rate", valign="top"),
                         fx.shown(table.own(fid, sel.kommune, chosen)))
        ws.write_formula(rr, 6, "=" + fx.missing_on_error(pick("group")), s.number("rate", valign="top"),
                         fx.shown(table.group_mean(fid, chosen, sel.group_type, sel.group_name)))
        ws.write_formula(rr, 7, "=" + fx.missing_on_error(pick("country")), s.number("rate", valign="top"),
                         fx.shown(table.country(fid, chosen)))
    ws.write_string(rt, 2, "I alt på trappen", s.bold)
    total_col = fx.xl_col(3 + len(steps))
    ws.write_formula(rt, 3, f"=INDEX(${total_col}${blocks['antal'] + 1}:${total_col}${blocks['antal'] + len(years)},"
                            f"MATCH(ValgtAar,{year_range},0))", s.number("antal", bold=True), total)
    note = ("Antal er summen af indsatskodernes modtagere (se Definitioner). Andel: af alle på de trin, kommunen "
            f"har tal for. Pr. 1.000: pr. 1.000 indbyggere {staircase.aldersgruppe} år. '–': tallet er skjult eller "
            "mangler; 'kræver egne data': registrene har ingen kode for trinnet. Gruppe og landet er taget over de "
            "kommuner, der har tal for trinnet (se tabellen nederst).")
    ws.merge_range(rt + 1, 2, rt + 1, 7, note, s.note)
    ws.set_row(rt + 1, 52)
    return head, counts


def _bar_chart(book: Book, ws: Worksheet, staircase: Staircase, head: int, counts: dict) -> None:
    """The staircase as a bar chart: step 1 at the bottom, the top step at the top."""
    steps = staircase.step_numbers
    chart = book.add_chart({"type": "bar"})
    chart.add_series({
        "name": "Antal borgere", "categories": [ws.name, head + 1, 2, head + len(steps), 2],
        "values": book.chart_source(ws, head + 1, 3, list(counts.values()), GAP_COL),
        "fill": {"color": MUNICIPALITY}, "gap": 30,
        "data_labels": {"value": True, "num_format": "#,##0"},
    })
    chart.set_title({"name": "Borgere pr. trin (valgt år)", "name_font": {"size": 11}})
    chart.show_hidden_data()  # its source is a hidden column (see Book.chart_source)
    chart.set_legend({"none": True})
    # from 0: 8 and 9 citizens must not look like 1 to 2
    chart.set_x_axis({"num_format": "#,##0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_size({"width": 620, "height": 330})
    ws.insert_chart(head - 1, 9, chart, {"x_offset": 10})


def _development_chart(book: Book, ws: Worksheet, table: DataTable, staircase: Staircase, sel: Selection,
                       years: list[int], blocks: dict[str, int], head: int) -> None:
    """Development over the years: stacked columns of counts, a series per step named by the step."""
    steps = staircase.step_numbers
    dev = book.add_chart({"type": "column", "subtype": "stacked"})
    for j, t in enumerate(steps):
        top = blocks["antal"]
        cached = [table.shown_count(f"{staircase.key}:{t}", sel.kommune, y) for y in years]
        source = book.chart_source(ws, top, 3 + j, cached, GAP_COL + 1 + j)
        dev.add_series({"name": _series_name(book, ws, source, f"{t}. {staircase.step_name(t)}", cached),
                        "categories": [ws.name, top, 1, top + len(years) - 1, 1], "values": source,
                        "fill": {"color": STEP_COLOURS[j % len(STEP_COLOURS)]}, "border": SEGMENT_BORDER,
                        "gap": 60})
    dev.set_title({"name": "Udvikling: borgere pr. trin", "name_font": {"size": 11}})
    dev.set_y_axis({"num_format": "#,##0", "min": 0,
                    "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    dev.show_hidden_data()
    dev.set_legend({"position": "right"})
    dev.set_size({"width": 620, "height": 300})
    ws.insert_chart(head + len(steps) + 4, 1, dev)


def _series_name(book: Book, ws: Worksheet, source: list, name: str, cached: list) -> list:
    """A series' name in the hidden cell above its chart source: the step's name, and where the municipality has
    no number for it in any year, says so (a legend entry with nothing drawn is explained)."""
    sheet, first, col, last, _ = source
    rng = f"{fx.cell(first, col)}:{fx.cell(last, col)}"
    empty = f"{name} (ingen tal)"
    ws.write_formula(first - 1, col, f'=IF(COUNT({rng})=0,{fx.text(empty)},{fx.text(name)})', book.styles.text,
                     name if any(fx.is_number(v) for v in cached) else empty)
    return [sheet, first - 1, col]


def _rates_chart(book: Book, ws: Worksheet, table: DataTable, staircase: Staircase, sel: Selection, chosen: int,
                 head: int) -> None:
    """Per 1,000 on each step in the chosen year: the municipality as a large dot, its comparison group and
    the country as markers beside it (from the chosen-year table's columns F-H, gaps where blank)."""
    steps = staircase.step_numbers
    first = head + 1
    chart = book.add_chart({"type": "line"})
    series = (("Kommunen", 5, MUNICIPALITY, "circle", 9, [table.own(f"{staircase.key}:{t}", sel.kommune, chosen)
                                                          for t in steps]),
              ("Gruppen", 6, GREY, "diamond", 8, [table.group_mean(f"{staircase.key}:{t}", chosen, sel.group_type,
                                                                    sel.group_name) for t in steps]),
              ("Landet", 7, "black", "long_dash", 9, [table.country(f"{staircase.key}:{t}", chosen) for t in steps]))
    for k, (name, col, colour, marker, size, values) in enumerate(series):
        chart.add_series({
            "name": name, "categories": [ws.name, first, 1, first + len(steps) - 1, 1],
            "values": book.chart_source(ws, first, col, [fx.shown(v) for v in values], RATES_GAP_COL + k),
            "line": {"none": True},
            "marker": {"type": marker, "size": size, "fill": {"color": colour}, "border": {"color": colour}},
        })
    chart.set_title({"name": "Pr. 1.000 indbyggere pr. trin: kommunen, gruppen og landet (valgt år)",
                     "name_font": {"size": 10}})
    chart.show_hidden_data()
    chart.set_x_axis({"name": "Trin", "name_font": {"size": 9}})
    # General: 0,5 and 1 where the rates are small, never 0, 1, 1 (a whole-number format repeats a tick)
    chart.set_y_axis({"name": "pr. 1.000", "name_font": {"size": 9}, "num_format": "General", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 280})
    ws.insert_chart(head - 1, 9, chart, {"x_offset": 10, "y_offset": 340})  # under the bar chart (330 high)


GAP_COL = 30  # hidden chart-source columns start here, right of every printed area
RATES_GAP_COL = GAP_COL + 12  # the per-1,000 chart's (after the bar chart's and the development chart's)
THEME_WIDTHS = (8, 19, 26)  # year; municipality, group ("Hovedstadskommuner" whole), region, country; members
MEMBERS_HEADER = "Kommuner med tal: gruppe · region · landet"


# -- theme sheets -------------------------------------------------------------------------------

BLOCK_ROWS_EXTRA = 8


@cache
def _themes() -> list[tuple[dict, list[dict]]]:
    """Each theme sheet's row of temaer.csv and its key figures as plain rows (read once per process)."""
    themes = pd.read_csv(packaged("temaer.csv"), dtype=str)
    out = []
    for theme in themes.to_dict("records"):
        figures = keyfigures.for_staircase(theme["trappe"])
        out.append((theme, figures[figures["tema"] == theme["tema"]].to_dict("records")))
    return out


def _theme_sheet(book: Book, table: DataTable, theme: dict, figures: list[dict], sel: Selection,
                 data: NoegletalInput) -> None:
    s = book.styles
    ws = book.sheet(theme["ark"], theme["tema"], theme["beskrivelse"])
    ws.set_column(1, 1, THEME_WIDTHS[0])
    ws.set_column(2, 5, THEME_WIDTHS[1])
    ws.set_column(6, 6, THEME_WIDTHS[2])
    intro = (f"{theme['beskrivelse']} '–' i en tabel: tallet mangler eller er skjult. 'Kræver egne data': "
             "registrene kan ikke give tallet; skriv kommunens tal på arket 'Egne tal'.")
    ws.merge_range(TITLE_ROWS + 1, 1, TITLE_ROWS + 1, 5, intro, s.wrap)
    book.fit_row(ws, TITLE_ROWS + 1, [(intro, THEME_WIDTHS[0] + 4 * THEME_WIDTHS[1])], font_pt=10, minimum=28)
    for n, fig in enumerate(figures):
        top = theme_layout.figure_top(n, len(data.years))  # where the overview's link points
        _figure_block(book, ws, table, fig, sel, data, top)
        ws.keep_together(top, top + theme_layout.block_height(len(data.years)) - 2)  # never a figure cut in half
    ws.print_area(0, 0, theme_layout.figure_top(len(figures), len(data.years)), 16)
    book.freeze_title(ws)
    book.protect(ws)


FIGURE_HEAD_ROWS = theme_layout.FIGURE_HEAD_ROWS


def _figure_block(book: Book, ws: Worksheet, table: DataTable, fig: dict, sel: Selection,
                  data: NoegletalInput, r: int) -> None:
    """A key figure from row `r`: name, definition, a row per year (with a note below on a series break)
    and its chart to the right."""
    years = data.years
    s = book.styles
    fid = fig["id"]
    ws.write_string(r, 1, f"{fid}  {fig['navn']}", s.h1)
    direction = {"op": "op (højere er bedre)", "ned": "ned (lavere er bedre)", "ingen": "ingen"}[fig["retning"]]
    definition = (f"Tæller: {fig['taeller']}. Nævner: {fig['naevner']}. Enhed: {fig['enhed']}. Kilde: {fig['kilde']}. "
                  f"Ønsket retning: {direction}."
                  + (" Værktøjets egen definition." if fig["egen_definition"] == "ja" else ""))
    ws.merge_range(r + 1, 1, r + 1, 5, definition, s.note)
    book.fit_row(ws, r + 1, [(definition, THEME_WIDTHS[0] + 4 * THEME_WIDTHS[1])], font_pt=10)
    head = r + FIGURE_HEAD_ROWS - 1
    ws.set_row(head, 28)
    ws.write_string(head, 1, "År", s.header)
    ws.write_formula(head, 2, "=ValgtKommune", s.header, sel.navn)
    ws.write_formula(head, 3, "=GruppeNavn", s.header, sel.group_name)
    ws.write_formula(head, 4, "=KommuneRegion", s.header, sel.region)
    ws.write_string(head, 5, COUNTRY, s.header)
    ws.write_string(head, 6, MEMBERS_HEADER, s.header)
    num = s.figure(fig["enhed"])
    staircase = data.staircases[fig["trappe"]]
    own_needed = {y: keyfigures.needs_own_data(fig, staircase, y) for y in years}
    cached: dict[int, list] = {2: [], 3: [], 4: [], 5: []}  # column -> cached values (for the chart's source)
    for i, y in enumerate(years):
        rr = head + 1 + i
        ws.write_number(rr, 1, y, s.number("year"))
        own_formula, value = own_cell(table, fig, y, sel, data)
        row = {2: fx.shown(value), 3: fx.shown(table.group_mean(fid, y, sel.group_type, sel.group_name)),
               4: fx.shown(table.group_mean(fid, y, "region", sel.region)), 5: fx.shown(table.country(fid, y))}
        for col, v in row.items():
            cached[col].append(v)
        if own_needed[y]:  # say why a value is missing where registers cannot give it ('–' where hidden)
            own_formula, row[2] = table.why_missing(own_formula, row[2], fid, sel.kommune, y)
        ws.write_formula(rr, 2, "=" + own_formula, num, row[2])
        ws.write_formula(rr, 6, "=" + table.members_formula(fid, y), s.note_after_number,
                         table.members_text(fid, y, sel.group_type, sel.group_name, sel.region))
        ws.write_formula(rr, 3, "=" + table.group_formula(fid, y, "GruppeNavn", "GruppeType"), num, row[3])
        ws.write_formula(rr, 4, "=" + table.group_formula(fid, y, "KommuneRegion", None), num, row[4])
        ws.write_formula(rr, 5, "=" + table.country_formula(fid, y), num, row[5])
    last = head + len(years)
    breaks = keyfigures.series_breaks(fig, staircase, years)
    if breaks:
        note = (f"Brud i serien i {', '.join(map(str, breaks))}: registrets koder skifter (se Definitioner). "
                "Sammenlign ikke årene på tværs af bruddet.")
        ws.merge_range(last + 1, 1, last + 1, 6, note, s.note)
        book.fit_row(ws, last + 1, [(note, THEME_WIDTHS[0] + 4 * THEME_WIDTHS[1] + THEME_WIDTHS[2])], font_pt=10)
    chart = book.add_chart({"type": "line"})
    styles = {2: {"color": MUNICIPALITY, "width": 3.0}, 3: {"color": GREY, "width": 1.75},
              4: {"color": LIGHT_GREY, "width": 1.5, "dash_type": "dash"}, 5: {"color": "black", "width": 1.0}}
    blank = table.can_be_blank(fid)
    blank = {2: blank["own"] or fig["beregning"] == "egne_tal", 3: blank["gruppe"], 4: blank["region"],
             5: blank["land"]}
    for col, line in styles.items():
        values = (book.chart_source(ws, head + 1, col, cached[col], GAP_COL + col) if blank[col]
                  else [ws.name, head + 1, col, last, col])  # never blank: the table itself
        chart.add_series({"name": [ws.name, head, col], "categories": [ws.name, head + 1, 1, last, 1],
                          "values": values, "line": line,
                          "marker": {"type": "circle", "size": 5 if col == 2 else 3,
                                     "fill": {"color": line["color"]}, "border": {"color": line["color"]}}})
    chart.set_title({"name": f"{fid} {fig['navn']}", "name_font": {"size": 10}})
    chart.show_hidden_data()
    # a share near 100 for some municipality: the axis stops at 100, never at 120
    full = fig["enhed"] == "%" and table.largest(fid) > 50
    # kroner with the thousands separator; other units as General (0,5 steps where the figure is small, never a
    # repeated tick from a whole-number format); the years under the plot also where values are negative
    chart.set_y_axis({"name": fig["enhed"], "name_font": {"size": 9},
                      "num_format": "#,##0" if fig["enhed"].startswith("kr") else "General",
                      **({"min": 0, "max": 100} if full else {}),
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_x_axis({"label_position": "low"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 560, "height": 250})
    ws.insert_chart(r, 7, chart)


def own_cell(table: DataTable, fig: dict | pd.Series, year: int, sel: Selection, data: NoegletalInput):
    """(formula, cached value) of a figure for the chosen municipality; own-data figures take the
    entries on 'Egne tal'."""
    fid = fig["id"]
    formula = table.own_formula(fid, year)
    value = table.own(fid, sel.kommune, year)
    if fig["beregning"] == "egne_tal":
        formula = _with_own_entries(table.own_ratio(fid, year), fid, year, table.faktor[fid])
        if data.own_kommune == sel.kommune:
            entry = data.own_entry(fid, year)
            if entry is not None and isinstance(entry[1], int | float) and entry[1] > 0:
                value = fig["faktor"] * float(entry[0] or 0) / float(entry[1])
    return formula, value


def _with_own_entries(data_ratio: str, fid: str, year: int, faktor: float) -> str:
    """Own-data figures take the user's entries on 'Egne tal' when they are for the chosen municipality,
    else the data's ratio."""
    crit = (("E_id", fx.text(fid)), ("E_aar", str(year)))
    entered = f"AND(EgneKode=ValgtKode,{fx.sumifs('E_n', *crit)}>0)"
    own = f"{_fmt(faktor)}*{fx.sumifs('E_t', *crit)}/{fx.sumifs('E_n', *crit)}"
    return fx.missing_on_error(f"IF({entered},{own},{data_ratio})")


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# -- Egne tal -----------------------------------------------------------------------------------

def _own_figures_sheet(book: Book, data: NoegletalInput) -> None:
    s = book.styles
    years = data.years
    own_navn = municipalities.name_of(data.own_kommune)
    ws = book.sheet(EGNE_SHEET, "Egne tal", "Skriv kommunens egne tal til nøgletal uden registerdata")
    widths = [13, 48, 20, 8, 14, 14, 14]
    for j, w in enumerate(widths):
        ws.set_column(1 + j, 1 + j, w)
    r = TITLE_ROWS + 1
    text = ("Skriv tæller og nævner i de gule felter. Tallene bruges for den kommune, der står herunder, når den "
            "også er valgt på forsiden. De bliver i projektmappen, også når den opdateres ('Opdater data').")
    ws.merge_range(r, 1, r, 7, text, s.wrap)
    book.fit_row(ws, r, [(text, sum(widths))], font_pt=10)
    ws.write_string(r + 2, 1, "Egne tal for", s.label)
    ws.write_string(r + 2, 2, own_navn, s.input())
    ws.data_validation(r + 2, 2, r + 2, 2, {"validate": "list", "source": "=L_navn"})
    book.name_range("EgneKommune", EGNE_SHEET, r + 2, 2)
    ws.write_string(r + 3, 1, "Kode", s.label)
    ws.write_formula(r + 3, 2, "=INDEX(L_kode,MATCH(EgneKommune,L_navn,0))", s.number("year"), data.own_kommune)
    book.name_range("EgneKode", EGNE_SHEET, r + 3, 2)
    head = r + 5
    for j, h in enumerate(["id", "Nøgletal", "Enhed", "År", "Tæller", "Nævner", "Værdi"]):
        ws.write_string(head, 1 + j, h, s.header)
    book.freeze_header(ws, head)
    rr = head + 1
    for fig in keyfigures.own_data_figures():
        for y in years:
            fid = fig["id"]
            ws.write_string(rr, 1, fid, s.text)
            ws.write_string(rr, 2, fig["navn"], s.text)
            ws.write_string(rr, 3, fig["enhed"], s.text)
            ws.write_number(rr, 4, y, s.number("year"))
            t, n = data.own_entry(fid, y) or (None, None)
            for col, value in ((5, t), (6, n)):
                book.input_cell(ws, rr, col, value, s.input("antal"))
            ok = (isinstance(n, int | float) and not pd.isna(n) and n != 0
                  and (t is None or (isinstance(t, int | float) and not pd.isna(t))))
            cached = float(fig["faktor"]) * float(t or 0) / float(n) if ok else ""
            ws.write_formula(rr, 7, f'=IFERROR({_fmt(fig["faktor"])}*{fx.cell(rr, 5)}/{fx.cell(rr, 6)},"")',
                             s.number("rate"), cached)
            rr += 1
    for name, col in (("E_id", 1), ("E_aar", 4), ("E_t", 5), ("E_n", 6)):
        book.name_range(name, EGNE_SHEET, head + 1, col, rr - 1)
    book.validate_input(ws, head + 1, 5, rr - 1, 6, "count")
    ws.print_area(0, 0, rr - 1, 7)
    book.protect(ws)


def _about_rows() -> list[tuple[str, str]]:
    return [
        ("Egne definitioner", "De officielle formler for nøgletallene er ikke offentlige. Alle nøgletal her er "
                              "defineret præcist i værktøjet (se 'Definitioner') og markeret som egen definition."),
        ("Sammenligning", "En gruppe (kommunegruppe eller region) er det uvægtede gennemsnit af kommunernes tal; "
                          "hele landet er det vægtede tal (summen af tællere delt med summen af nævnere)."),
        ("Voksentrappen", "Socialpsykiatriens Indsatstrappe har 8 officielle trin; trinnavnene er værktøjets standard. "
                          "Registertal (HAND07) dækker voksne med handicap og udsatte voksne, ikke kun borgere "
                          "med sindslidelse. Egne data kan erstatte dem."),
        ("Antal pr. trin", "Fra aggregerede registertal er et trins antal summen af dets indsatskoders modtagere; "
                           "en borger med to indsatser på samme trin kan tælle to gange. Fra borgerdata står en "
                           "borger på sit højeste trin."),
        ("Botilbud", "De fem mål er målene i kataloget for kvalitet i socialpsykiatriske botilbud; tæller og "
                     "nævner pr. mål er værktøjets forslag (se arket 'Botilbud'). Beboernes bevægelser er beregnet af "
                     "forløb, som bevægelsesnøgletallene."),
        ("Licens", "Projektmappen er bygget af det åbne værktøj indsatstrappe (MIT-licens)."),
    ]


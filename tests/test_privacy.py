"""No hidden count can be recovered from a distributed workbook: the suppression (suppression, disclosure)
and an outsider's audit of the files themselves (privacy_audit), on the demo data and on data made to be
adversarial."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indsatstrappe.app import distribute, privacy_audit
from indsatstrappe.core import disclosure, suppression
from indsatstrappe.io.datafolder import DataFolder

DEMO = Path(__file__).resolve().parents[1] / "python" / "indsatstrappe" / "data" / "demo"


# -- the linear algebra on hand-made tables ---------------------------------------------------------

def _table(forms: list[list[float]], units: list[int], zero: list[bool] | None = None) -> disclosure.Table:
    f = np.array(forms, dtype=float)
    return disclosure.make_table(f, np.array(units), max(units) + 1,
                                 np.array(zero if zero is not None else [False] * f.shape[1]))


def test_a_hidden_step_is_recovered_from_the_total_unless_another_cell_is_hidden():
    # atoms a, b, c; units: a, b, c, a+b+c
    table = _table([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], [0, 1, 2, 3])
    truth = np.array([3.0, 10.0, 12.0])
    values = table.forms @ truth
    primary = np.array([False, True, True, True])
    found = disclosure.audit(table, primary, values, np.zeros(3, dtype=bool), truth)
    assert [(f.kind, f.index, round(f.width, 6)) for f in found] == [("form", 0, 0.0)]
    shown = disclosure.protect(table, truth, np.ones(4, dtype=bool), values)
    assert not shown[0] and shown.sum() == 2  # one more cell hidden, the lightest that breaks it: b
    assert not shown[1]
    assert disclosure.audit(table, shown, values, np.zeros(3, dtype=bool), truth) == []


def test_bounds_pin_a_value_that_the_equations_leave_open():
    # a + b = 1 is shown: either could be 0 or 1, but each is known to within 0.5
    table = _table([[1, 0], [0, 1], [1, 1]], [0, 1, 2])
    truth = np.array([1.0, 0.0])
    shown = np.array([False, False, True])
    found = disclosure.audit(table, shown, table.forms @ truth, np.array([True, False]), truth)
    assert {f.index for f in found if f.kind == "form"} == {0, 1}
    assert all(f.width == pytest.approx(1.0) for f in found)


def test_a_hidden_count_is_at_least_1_and_a_published_count_is_known():
    """#34 on a hand-made table: steps a, b, c and their total; a and b hidden (Fanø 2019's steps 5-6: 28 shown
    minus 26 shown leaves 2 over two hidden cells). Without floors each is 0-2; with our rule "a 0 is never
    hidden" each is >= 1, so both are 1. A published count is a constant: with c known from DST, hiding c and
    the total protects nothing."""
    forms = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]
    truth = np.array([1.0, 1.0, 26.0])
    shown = np.array([False, False, True, True])
    values = np.array(forms, dtype=float) @ truth
    bare = _table(forms, [0, 1, 2, 3])
    assert disclosure.audit(bare, shown, values, np.zeros(3, dtype=bool), truth) == []
    floored = disclosure.make_table(np.array(forms, dtype=float), np.arange(4), 4, np.zeros(3, dtype=bool),
                                    floor=np.array([True, True, True, True]))
    found = disclosure.audit(floored, shown, values, np.zeros(3, dtype=bool), truth)
    assert {f.index for f in found} == {0, 1} and all(f.width == 0 for f in found)
    published = disclosure.with_bounds(bare, np.array([0.0, 0.0, 26.0]), np.array([np.inf, np.inf, 26.0]))
    hide_c_too = np.array([False, True, False, True])
    assert [f.index for f in disclosure.audit(published, hide_c_too, values, np.zeros(3, dtype=bool), truth)] == [0]
    # whole numbers: a + b = 3 with both >= 1 leaves a in [1, 2], pinned; the continuous LP says the same here,
    # and [0.4, 1.9] holds only the whole number 1
    assert disclosure.whole(0.4, 1.9) == (1.0, 1.0) and disclosure.whole(1.0, 2.0) == (1.0, 2.0)


def test_dsts_totals_narrow_a_withheld_count():
    """knowledge.secret_bounds: Læsø's withheld count (1-4) is the region's total minus the published counts
    of the others, less 1-4 for the other withheld one."""
    from indsatstrappe.core import knowledge

    m = pd.DataFrame({"kommune_kode": [825, 851, 860, 787], "aar": [2023] * 4, "trappe": ["boern"] * 4,
                      "indsats": ["ANBAAR12:21"] * 4, "antal": [3.0, 40.0, 2.0, 10.0]})
    bounds = knowledge.secret_bounds(m).set_index("kommune_kode")
    # Nordjylland (825, 851, 860, 787): total 55, published 50, two withheld: Læsø is 5 - (1..4) = 1..4
    assert bounds.loc[825, ["lo", "hi"]].tolist() == [1.0, 4.0]
    alone = knowledge.secret_bounds(m[m["kommune_kode"] != 860]).set_index("kommune_kode")
    assert alone.loc[825, ["lo", "hi"]].tolist() == [3.0, 3.0]  # the only withheld one: DST's tables give it


def test_a_code_figure_is_not_the_step_minus_its_sibling():
    # step 5 = V16 + V17 + other codes; the other codes are not in use (known 0), V16 = 3
    table = _table([[1, 1, 1], [1, 0, 0], [0, 1, 0]], [0, 1, 2], zero=[False, False, True])
    truth = np.array([3.0, 40.0, 0.0])
    values = table.forms @ truth
    shown = disclosure.protect(table, truth, np.ones(3, dtype=bool), np.array([2 * 43.0, 3.0, 40.0]))
    assert not shown[1], "V16 itself is small"
    assert not shown[2] and shown[0], "V17, the lighter neighbour, is hidden rather than the step"
    assert disclosure.audit(table, shown, values, np.array([True, False, False]), truth) == []


def test_a_development_over_shown_steps_is_shown():
    # over-suppression is a defect too: B10 follows from two shown years of step 2
    fig = disclosure.intervals(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([40.0, 37.0]),
                               np.array([[-1.0, 1.0]]), np.array([False, False]))
    assert fig == [(pytest.approx(-3.0), pytest.approx(-3.0))]


def test_money_split_by_a_key_with_a_hidden_count_is_hidden():
    counts = pd.DataFrame({"trappe": ["boern"] * 3, "kommune_kode": [825] * 3, "aar": [2024] * 3, "trin": [2, 3, 6],
                           "antal": [np.nan, 14.0, np.nan]})
    rules = pd.DataFrame({"regel": [1, 2], "fordeling": ["noegle", "trin"], "trin": ["2;3", "6"]})
    lines = pd.DataFrame({"kommune_kode": [825, 825], "aar": [2024, 2024], "regel": [1, 2],
                          "beloeb": [100_000.0, 900_000.0]})
    assert suppression.key_hidden_steps(counts, rules, {"boern": lines}) == {("boern", 825, 2024, 2),
                                                                            ("boern", 825, 2024, 3)}
    rows = pd.DataFrame({"id": ["udgift:boern:2", "udgift:boern:3", "udgift:boern:6", "enhedspris:boern:3",
                                "enhedspris:boern:6"], "kommune_kode": [825] * 5, "aar": [2024] * 5,
                         "taeller": [10_000.0, 90_000.0, 900_000.0, 90_000.0, 900_000.0],
                         "naevner": [300.0, 300.0, 300.0, 14.0, 3.0], "faktor": [1.0] * 5})
    out = suppression.suppress_expenses(rows, counts, rules, {"boern": lines})
    # the split of rule 1 gives the hidden step 2 away; step 6's money is its own account (public), its
    # unit cost would give the count
    assert out["taeller"].isna().tolist() == [True, True, False, True, True]
    no_money = lines.assign(beloeb=[0.0, 900_000.0])
    assert suppression.key_hidden_steps(counts, rules, {"boern": no_money}) == set()


# -- the files themselves ---------------------------------------------------------------------------

def _known_zero(folder: DataFolder, years: list[int]) -> dict[str, set]:
    """What an outsider knows from DST's national tables: which codes nobody had in a year."""
    return suppression.known_zero(folder.table("modtagere"), folder.staircases, years)


def _reader(folder: DataFolder, years: list[int]) -> privacy_audit.Bounds:
    """What a reader knows from DST's published tables (knowledge): published counts, region and national
    totals per code and year."""
    return privacy_audit.reader_knowledge(folder.table("modtagere"), folder.staircases, years)


def _not_reported(folder: DataFolder, years: list[int]) -> set:
    """What a recipient reads in the workbook itself: the numbers a municipality does not have."""
    return suppression.not_reported(folder.table("modtagere"), folder.staircases, years)


def _audit_all(files: list[Path], folder: DataFolder) -> list[privacy_audit.Recovery]:
    """Every distinct Data/Konti sheet among the files, read from a file as a recipient would (the visible
    sheets are formulas over them, and formula truth is tested elsewhere)."""
    years = _years(folder)
    audited, found = privacy_audit.audit_files(files, folder.staircases, _known_zero(folder, years),
                                               not_reported=_not_reported(folder, years),
                                               bounds=_reader(folder, years))
    assert audited == 2, "one Data sheet per kind: the same in every distributed workbook"
    return found


def _years(folder: DataFolder) -> list[int]:
    return sorted(int(y) for y in folder.table("modtagere")["aar"].unique())


def test_no_hidden_value_is_recovered_from_any_of_the_196_workbooks(tmp_path, run_cli):
    folder = DataFolder()
    result = distribute.distribute(folder, tmp_path, workers=2)
    assert len(result.files) == 196
    # #32: light enough to send (before: 1.08 MB and 2.19 MB)
    sizes = {kind: max(f.stat().st_size for f in result.files if f.name.startswith(kind))
             for kind in ("Noegletal", "Udgiftsmodel")}
    assert sizes["Noegletal"] <= 800_000 and sizes["Udgiftsmodel"] <= 1_500_000, sizes
    run = run_cli("revider", tmp_path)  # the auditor as a user runs it before sending
    assert run.code == 0, run.err
    assert "196 projektmapper, 2 forskellige data-ark revideret" in run.out
    assert "Intet skjult tal kan genskabes" in run.out
    # and there was something to protect: small counts in the data, hidden in the files
    data = privacy_audit.read_shown(tmp_path / "Noegletal_825_Laesoe.xlsx").data
    laesoe = data[(data["kommune_kode"] == 825) & data["id"].str.startswith("voksne:")]
    assert laesoe["taeller"].isna().sum() >= 10


def _adversarial(path: Path) -> Path:
    """Demo data made hard to protect: ten municipalities shrunk to a handful of citizens per code, one
    code per step for children, and every 5.28.21 and 5.38.53 line ungrouped, so the key rules split it."""
    path.mkdir()
    for f in DEMO.iterdir():
        if f.is_file():
            (path / f.name).write_bytes(f.read_bytes())
    m = pd.read_csv(DEMO / "modtagere.csv", dtype={"indsats": str})
    tiny = m["kommune_kode"].isin([825, 492, 563, 741, 411, 400, 482, 540, 580, 621])
    m.loc[tiny, "antal"] = (m.loc[tiny, "antal"] // 25).clip(lower=0)
    keep = {"ISBU01:405", "ANBAAR12:1", "ANBAAR12:21", "ANBAAR12:9"}
    m = m[(m["trappe"] == "voksne") | m["indsats"].isin(keep) | ~m["indsats"].str.startswith(("ISBU01", "ANBAAR12"))]
    m.to_csv(path / "modtagere.csv", index=False)
    r = pd.read_csv(DEMO / "regnskab.csv", dtype=str, keep_default_na=False)
    split = r["funktion"].isin(["5.28.21", "5.38.53"])
    r.loc[split, "gruppering"] = ""
    r["beloeb"] = pd.to_numeric(r["beloeb"])
    r = r.groupby(["kommune_kode", "aar", "funktion", "gruppering", "dranst"], as_index=False)["beloeb"].sum()
    r.to_csv(path / "regnskab.csv", index=False)
    return path


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory) -> DataFolder:
    return DataFolder(_adversarial(tmp_path_factory.mktemp("adv") / "data"))


def test_no_hidden_value_is_recovered_from_adversarial_data(adversarial, tmp_path):
    result = distribute.distribute(adversarial, tmp_path, [825, 101], workers=1)
    assert _audit_all(result.files, adversarial) == []
    u = privacy_audit.read_shown(tmp_path / "Udgiftsmodel_825_Laesoe.xlsx").data
    assert u[u["id"].str.startswith("udgift:")]["taeller"].isna().any(), "money split by a hidden key is hidden"


def test_the_audit_finds_what_primary_suppression_alone_leaves(adversarial, tmp_path, monkeypatch):
    # the audit must have teeth: with small counts hidden but nothing else, it recovers them
    def primary_only(modtagere, staircases, years):
        hidden = []
        for trappe, staircase in staircases.items():
            lay = suppression.register_layout(staircase, trappe, tuple(years))
            counts = suppression.atom_counts(modtagere, staircase, trappe)
            index = lay.atom_of()
            for kommune, own in counts[counts["aar"].isin(years)].groupby("kommune_kode"):
                truth = np.zeros(len(lay.atoms))
                for y, t, sig, a in zip(own["aar"], own["trin"], own["sig"], own["antal"], strict=True):
                    truth[index[(int(y), int(t), sig)]] += a
                small = lay.sensitive & disclosure.is_small(lay.forms @ truth)
                hidden += [(lay.units[u][0], int(kommune), lay.units[u][1]) for u in set(lay.form_unit[small])]
        return pd.DataFrame(hidden, columns=["id", "kommune_kode", "aar"])

    def units_only(rows, counts, rules, matched):
        gone = counts[counts["antal"].isna()]
        hidden = set(zip(gone["trappe"] + ":" + gone["trin"].astype(str), gone["kommune_kode"], gone["aar"],
                         strict=True))
        parts = rows["id"].str.split(":", n=1).str[1]
        hide = rows["id"].str.startswith("enhedspris:") & pd.Series(
            [(p, k, y) in hidden for p, k, y in zip(parts, rows["kommune_kode"], rows["aar"], strict=True)],
            index=rows.index)
        return rows.assign(taeller=rows["taeller"].mask(hide), naevner=rows["naevner"].mask(hide))

    monkeypatch.setattr(suppression, "hidden_register_units", primary_only)
    monkeypatch.setattr(suppression, "suppress_expenses", units_only)
    result = distribute.distribute(adversarial, tmp_path, [825], workers=1)
    found = _audit_all(result.files, adversarial)
    what = {r.hvad.split(" ")[0] for r in found}
    assert {"boern:4", "voksne:5"} <= what, "a hidden step from the total minus the others"
    assert "trin" in what, "a part of a step (codes without their own figure) of 1-4 citizens"
    assert {"V16", "V17"} & what, "a code figure as the step minus its sibling"
    # money split by citizens: the Udgiftsmodel's accounts and amounts give counts away on their own
    shown = privacy_audit.read_shown(tmp_path / "Udgiftsmodel_825_Laesoe.xlsx")
    absent = _not_reported(adversarial, shown.years)
    with_money = privacy_audit.recoveries(shown, adversarial.staircases, _known_zero(adversarial, shown.years),
                                          absent)
    shown.lines = None
    without = privacy_audit.recoveries(shown, adversarial.staircases, _known_zero(adversarial, shown.years), absent)
    assert len(with_money) > len(without) + 20


def test_revider_names_a_missing_folder_in_danish(run_cli, tmp_path):
    run = run_cli("revider", tmp_path / "findes-ikke")
    assert run.code == 2
    assert "ingen udsendte projektmapper" in run.err and "Traceback" not in run.err


def test_a_reader_who_knows_our_rules_and_dsts_tables_pins_nothing_we_hide(tmp_path, monkeypatch):
    """#34: suppression that ignores what a reader knows (as before) leaves values this auditor pins: a hidden
    count is >= 1 (a 0 is never hidden), and DST publishes the register counts and the region and national
    totals. With that knowledge in the suppression, the same auditor pins nothing (the 196 files above)."""
    folder = DataFolder()
    monkeypatch.setattr(suppression.knowledge, "atom_bounds", lambda *args, **kwargs: {})
    monkeypatch.setattr(suppression.RegisterLayout, "floor", property(lambda self: np.zeros(len(self.forms), bool)))
    result = distribute.distribute(folder, tmp_path, [825], workers=1)
    monkeypatch.undo()
    found = _audit_all(result.files, folder)
    pinned = {(r.kommune_kode, r.hvad.split(" (")[0]) for r in found}
    assert (563, "boern:5 2019") in pinned and (563, "boern:6 2019") in pinned, "Fanø: total 28 - shown 26, both >= 1"
    assert any(k == 825 and w.startswith("voksne:1 ") for k, w in pinned), "Læsø's own-data step 1: total - public"
    assert len(found) >= 20


def test_revider_names_a_broken_file_and_refuses_data_the_workbooks_were_not_made_from(tmp_path, run_cli):
    """#30: a broken .xlsx was not named; --data from another folder gave hundreds of false alarms ('-0')."""
    out = tmp_path / "u"
    distribute.distribute(DataFolder(), out, [825], workers=1)
    other = _adversarial(tmp_path / "andre")
    run = run_cli("revider", out, "--data", other)
    assert run.code == 2 and "datamappen passer ikke til projektmapperne" in run.err
    (out / "Noegletal_101_Koebenhavn.xlsx").write_bytes(b"ikke en projektmappe")
    run = run_cli("revider", out)
    assert run.code == 2 and "Noegletal_101_Koebenhavn.xlsx" in run.err and "kan ikke læses" in run.err


def test_the_auditor_reads_konti_with_keys_and_as_it_was_before():
    """#32: a line names its key by number and the key table gives its area and rule; a workbook from before
    held both on the line. The auditor reads the same lines from either."""
    import openpyxl

    from indsatstrappe.app.privacy_audit import _account_lines

    wb = openpyxl.Workbook()
    new = wb.active
    new.append(["kommune_kode", "aar", "noegle_nr", "beloeb", None, "trappe", "funktion", "gruppering", "dranst",
                "noegle", "regel"])
    new.append([825, 2024, 2, 100.0, None, "boern", "5.28.20", "001", "1", "boern|5.28.20|001|1", 3])
    new.append([825, 2024, 1, 50.0, None, "voksne", "5.38.50", "", "1", "voksne|5.38.50||1", 0])
    new.append([101, 2023, 2, 7.0])
    old = wb.create_sheet()
    old.append(["kommune_kode", "aar", "funktion", "gruppering", "dranst", "beloeb", "trappe", "regel"])
    for k, y, t, b, r in ((825, 2024, "boern", 100.0, 0), (825, 2024, "voksne", 50.0, 3),
                          (101, 2023, "voksne", 7.0, 0)):
        old.append([k, y, "5.x", "", "1", b, t, r])
    columns = ["kommune_kode", "aar", "trappe", "beloeb", "regel"]
    assert _account_lines(new)[columns].values.tolist() == [[825, 2024, "voksne", 100.0, 0],
                                                             [825, 2024, "boern", 50.0, 3],
                                                             [101, 2023, "voksne", 7.0, 0]]
    assert _account_lines(old)[columns].values.tolist() == [[825, 2024, "boern", 100.0, 0],
                                                             [825, 2024, "voksne", 50.0, 3],
                                                             [101, 2023, "voksne", 7.0, 0]]

"""The bundled demo data: complete, deterministic, plausible, and labelled synthetic."""

import filecmp

import pandas as pd
import pytest

from indsatstrappe.app import demo_generator
from indsatstrappe.core import botilbud, municipalities
from indsatstrappe.core.datafiles import DEMO_DIR
from indsatstrappe.io.datafolder import DataFolder


@pytest.fixture(scope="module")
def demo():
    return DataFolder()


def test_regenerating_gives_the_committed_files(tmp_path):
    demo_generator.generate(tmp_path)
    names = sorted(p.name for p in DEMO_DIR.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(DEMO_DIR, tmp_path, names, shallow=False)
    assert mismatch == [] and errors == []


@pytest.mark.parametrize("table", ["befolkning", "modtagere", "regnskab", "egne_tal"])
def test_all_98_municipalities_and_years_2018_2024(demo, table):
    df = demo.table(table)
    assert sorted(df["kommune_kode"].unique()) == sorted(municipalities.codes())
    assert sorted(df["aar"].unique()) == list(range(2018, 2025))


def test_both_staircases_and_both_areas_of_the_accounts(demo):
    assert set(demo.table("modtagere")["trappe"]) == {"boern", "voksne"}
    funktioner = set(demo.table("regnskab")["funktion"])
    assert {"5.28.20", "5.28.21", "5.28.22", "5.28.23", "5.28.24"} <= funktioner
    assert any(f.startswith("5.38.") for f in funktioner)
    assert set(demo.table("regnskab")["dranst"]) == {"1", "2"}


def test_citizen_episodes_for_a_handful_of_municipalities(demo):
    forloeb = demo.table("forloeb")
    assert 3 <= forloeb["kommune_kode"].nunique() <= 10
    assert not forloeb["borger_id"].str.fullmatch(r"\d{6}-?\d{4}").any()  # never CPR-like


def test_plausible_magnitudes(demo):
    pop = demo.table("befolkning")
    children = pop[(pop["aldersgruppe"] == "0-17") & (pop["aar"] == 2023)]["antal"].sum()
    assert 1_000_000 < children < 1_400_000
    m = demo.table("modtagere")
    m = m[(m["aar"] == 2023) & (m["trappe"] == "boern")]
    placed = m[m["indsats"].str.startswith("ANBAAR12:") & (m["indsats"] != "ANBAAR12:99")]["antal"].sum()
    preventive = m[m["indsats"].str.startswith("ISBU01:")]["antal"].sum()
    assert 0.006 < placed / children < 0.015  # roughly 1 % placed
    assert preventive > 2 * placed
    sizes = pop[(pop["aar"] == 2023)].groupby("kommune_kode")["antal"].sum()
    assert sizes.max() / sizes.min() > 100  # København vs Læsø: sizes differ as the real ones do


def test_synthetic_label_in_folder_and_readme():
    assert "syntetisk = true" in (DEMO_DIR / "datapakke.toml").read_text(encoding="utf-8")
    assert "DEMODATA" in (DEMO_DIR / "LAES_MIG.md").read_text(encoding="utf-8")
    assert pd.read_csv(DEMO_DIR / "prisindeks.csv")["indeks"].iloc[0] == 100


def test_botilbud_goals_for_every_municipality_and_tilbud_on_botilbud_episodes_only(demo):
    goals = demo.table("botilbud")
    assert sorted(goals["kommune_kode"].unique()) == sorted(municipalities.codes())
    assert sorted(goals["aar"].unique()) == [2021, 2022, 2023, 2024]
    per_row = goals.groupby(["kommune_kode", "botilbud", "aar"])["maal"].apply(sorted)
    assert all(m == ["M1", "M2", "M3", "M4", "M5"] for m in per_row)
    assert (goals["taeller"] <= goals["naevner"]).all()
    forloeb = demo.table("forloeb")
    step = forloeb["indsats"].map(demo.staircases["voksne"].step_map())
    housed = (forloeb["trappe"] == "voksne") & step.isin(botilbud.RESIDENT_STEPS)
    assert (forloeb.loc[housed, "tilbud"] != "").all() and (forloeb.loc[~housed, "tilbud"] == "").all()
    named = goals.drop_duplicates(["kommune_kode", "botilbud"])
    used = forloeb.loc[housed, ["kommune_kode", "tilbud"]].drop_duplicates()
    assert set(map(tuple, used.to_numpy().tolist())) <= set(map(tuple, named[["kommune_kode", "botilbud"]]
                                                                .to_numpy().tolist()))

"""DST StatBank: the BULK parser on answers in DST's exact format, and `hent` end to end against a
fake StatBank on localhost (tableinfo + data), offline errors and the cache."""

from __future__ import annotations

import socket
import tomllib

import openpyxl
import pandas as pd
import pytest

from helpers.fake_statbank import FakeStatBank
from indsatstrappe import workbooks
from indsatstrappe.io import dst
from indsatstrappe.io.datafolder import DataFolder

BULK = "\ufeffOMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\n101;TOT;0;TOT;2024K1;8.123\n101;TOT;1;TOT;2024K2;7,5\n" \
       "825;TOT;0;TOT;2024K1;..\n000;TOT;0;TOT;2023;61.000\n"


def test_parse_bulk_suppression_danish_numbers_and_headers():
    df = dst.parse_bulk(BULK)
    assert list(df.columns[:6]) == ["OMRÅDE", "KØN", "ALDER", "CIVILSTAND", "TID", "INDHOLD"]
    assert df["INDHOLD"].tolist()[:2] == [8123.0, 7.5]
    assert df["undertrykt"].tolist() == [False, False, True, False]
    assert pd.isna(df["INDHOLD"].iloc[2])


def test_parse_time_quarters_years_and_months():
    t = dst.parse_time(pd.Series(["2024K1", "2024K4", "2023", "2022M05"]))
    assert t["aar"].tolist() == [2024, 2024, 2023, 2022]
    assert t["kvartal"].tolist() == [1, 4, 0, 2]
    with pytest.raises(ValueError, match="ukendt tidsangivelse"):
        dst.parse_time(pd.Series(["sidste år"]))


def test_quarters_to_year_is_the_mean():
    df = pd.DataFrame({"k": [1] * 4, "aar": [2024] * 4, "INDHOLD": [10.0, 12.0, 11.0, 13.0]})
    assert dst.yearly_from_quarters(df, ["k"])["INDHOLD"].tolist() == [12.0]


def test_area_and_function_codes():
    assert dst.municipality_code(pd.Series(["0101", "101", "Hele landet"])).tolist()[:2] == [101, 101]
    assert dst.function_code(pd.Series(["52821", "5.38.50", "X"])).tolist() == ["5.28.21", "5.38.50", ""]


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    out = tmp_path_factory.mktemp("hent") / "dst"
    with FakeStatBank() as fake:
        from conftest import run_console_script

        result = run_console_script("hent", "--ud", out, "--fra", "2022", "--til", "2023", "--api", fake.url)
        requests = list(fake.requests)
    assert result.code == 0, result.err
    return out, requests, result


def test_requests_are_split_by_table_and_year_and_ask_codes(fetched):
    _, requests, _ = fetched
    data = [r for r in requests if r.get("format") == "BULK"]
    assert {r["table"] for r in data} == {"FOLK1A", "ANBAAR12", "ISBU01", "HAND07", "REGK31", "REGK100"}
    assert sum(r["table"] == "FOLK1A" for r in data) == 2  # one request per year
    assert all(r["valuePresentation"] == "Code" for r in data)
    folk = next(r for r in data if r["table"] == "FOLK1A")
    asked = {v["code"]: v["values"] for v in folk["variables"]}
    assert asked["KØN"] == ["TOT"] and asked["Tid"] in (["2022K1"], ["2023K1"])


def test_fetched_folder_is_valid_and_correct(fetched, run_cli):
    out, _, result = fetched
    assert run_cli("valider", "--data", out).code == 0
    data = DataFolder(out)
    pop = data.table("befolkning").set_index(["kommune_kode", "aar", "aldersgruppe"])["antal"]
    assert pop[(101, 2022, "0-17")] == sum(400 + a % 7 for a in range(18))  # single ages summed
    assert set(data.table("befolkning")["kommune_kode"]) == {101, 147, 825}  # country and regions dropped
    m = data.table("modtagere").set_index(["kommune_kode", "aar", "indsats"])["antal"]
    assert m[(101, 2023, "ANBAAR12:21")] == 42
    assert m[(825, 2023, "ANBAAR12:21")] == 0  # '..' suppressed
    assert m[(101, 2023, "HAND07:30181")] == round(40 + 2.5)  # mean of four quarters
    assert not [c for c in m.index.get_level_values(2) if c in ("ISBU01:3", "ISBU01:5", "ISBU01:6")]  # no parents
    r = data.table("regnskab").set_index(["kommune_kode", "aar", "funktion", "gruppering", "dranst"])["beloeb"]
    assert r[(101, 2023, "5.28.21", "017", "1")] == 500_500  # REGK100 groupings replace the function line
    assert (101, 2023, "5.28.21", "", "1") not in r.index
    assert r[(101, 2023, "5.28.23", "", "1")] == 2_000_000  # REGK31 where no groupings, 1.000 kr. -> kr.
    assert not any(f.startswith("0.22") for f in r.index.get_level_values(2))
    meta = tomllib.loads((out / "datapakke.toml").read_text(encoding="utf-8"))
    assert meta["syntetisk"] is False and "Danmarks Statistik" in meta["kilde"]
    assert "REGK31" in meta["tabeller"] and meta["hentet"]
    assert "Kilde: Danmarks Statistik" in result.out


def test_workbooks_from_fetched_data_credit_dst_and_drop_the_demo_mark(fetched, tmp_path):
    out, _, _ = fetched
    path = workbooks.write_noegletal(DataFolder(out), tmp_path / "n.xlsx", 101)
    wb = openpyxl.load_workbook(path)
    assert "DEMODATA" not in str(wb["Forside"]["B3"].value)
    about = " ".join(str(c.value) for row in wb["Om"].iter_rows() for c in row if c.value)
    assert "Kilde: Danmarks Statistik" in about and "CC BY 4.0" in about and "FOLK1A" in about


def test_cached_answers_are_used_offline(fetched, tmp_path, run_cli):
    out, _, _ = fetched
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    again = run_cli("hent", "--ud", out, "--fra", "2022", "--til", "2023", "--api", f"http://127.0.0.1:{port}/v1",
                    "--brug-cache")
    assert again.code == 0, again.err


def test_offline_gives_a_clear_danish_message(tmp_path):
    from conftest import run_console_script

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_console_script("hent", "--ud", tmp_path / "x", "--fra", "2023", "--til", "2023", "--api",
                                f"http://127.0.0.1:{port}/v1")
    assert result.code == 2
    assert "kan ikke nå Danmarks Statistik" in result.err and "netforbindelsen" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "x" / "befolkning.csv").exists()


def test_unknown_table_is_reported(tmp_path):
    from indsatstrappe.io.statbank import FetchError, StatBankClient

    with FakeStatBank() as fake, pytest.raises(FetchError, match="afviste forespørgslen på NOPE"):
        StatBankClient(fake.url, retries=0).tableinfo("NOPE")

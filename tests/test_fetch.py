"""DST StatBank: the BULK parser and `hent` end to end against a fake StatBank that answers as DST documents it
(helpers/fake_statbank.py): left-out rows are 0, '..' is withheld and stays unknown, every request names every
variable, bad answers give a Danish message and are never cached, and a user's own tables are never replaced."""

from __future__ import annotations

import socket
import tomllib
import urllib.error
import urllib.request

import openpyxl
import pandas as pd
import pytest

from conftest import folder_digest, run_console_script
from helpers.fake_statbank import TABLES, FakeStatBank
from indsatstrappe.app import fetch, workbooks
from indsatstrappe.io import dst
from indsatstrappe.io.datafolder import DataFolder
from indsatstrappe.io.statbank import FetchError, Refused, StatBankClient

BULK = "\ufeffOMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD\n101;TOT;0;TOT;2024K1;8.123\n101;TOT;1;TOT;2024K2;7,5\n" \
       "825;TOT;0;TOT;2024K1;..\n000;TOT;0;TOT;2023;61000\n147;TOT;0;TOT;2023;\n"


def test_parse_bulk_withheld_danish_numbers_and_headers():
    df = dst.parse_bulk(BULK)
    assert list(df.columns[:6]) == ["OMRÅDE", "KØN", "ALDER", "CIVILSTAND", "TID", "INDHOLD"]
    assert df["INDHOLD"].tolist()[:2] == [8123.0, 7.5]
    assert df["undertrykt"].tolist() == [False, False, True, False, True]  # '..' and an empty number: withheld
    assert df["INDHOLD"].iloc[[2, 4]].isna().all()


@pytest.mark.parametrize("text, says", [
    ("<!DOCTYPE html><html><body>Fejl</body></html>", "HTML"),
    ("OMRÅDE;TID;INDHOLD\n101;2023;12\n147;20", "afbrudt"),
    ("OMRÅDE;TID;VÆRDI\n101;2023;12\n", "INDHOLD"),
    ("OMRÅDE;TID;INDHOLD\n101;2023;ca. 12\n", "hverken et tal"),
    ("", "tomt"),
])
def test_a_bad_answer_is_refused(text, says):
    with pytest.raises(dst.BadAnswer, match=says):
        dst.parse_bulk(text)


def test_left_out_quarters_are_zero_and_the_year_is_their_mean():
    # DST: "Hvis en kombination af værdier mangler, er observationen for denne kombination 0"
    answer = dst.parse_bulk("OMRÅDE;YDELSESTYPE;TID;INDHOLD\n147;30182;2023K4;3\n147;30182;2023K1;3\n")
    asked = {"OMRÅDE": ["147"], "YDELSESTYPE": ["30182"], "TID": ["2023K1", "2023K2", "2023K3", "2023K4"]}
    grid = dst.complete_grid(answer, asked, dst.suppressed_value({"suppressedDataValue": "0"}))
    assert grid["INDHOLD"].tolist() == [3.0, 0.0, 0.0, 3.0]
    grid = grid.join(dst.parse_time(grid["TID"]))
    year = dst.yearly_from_quarters(grid, ["OMRÅDE"])
    assert year["INDHOLD"].tolist() == [1.5] and year["kvartaler"].tolist() == [4]  # not 3: the mean of two rows
    assert dst.whole_count(pd.Series([1.5, 2.5, 0.25])).tolist() == [2.0, 3.0, 0.0]


def test_a_withheld_quarter_makes_the_year_unknown():
    answer = dst.parse_bulk("OMRÅDE;TID;INDHOLD\n825;2023K1;..\n825;2023K2;2\n")
    grid = dst.complete_grid(answer, {"OMRÅDE": ["825"], "TID": ["2023K1", "2023K2"]}, 0.0)
    year = dst.yearly_from_quarters(grid.join(dst.parse_time(grid["TID"])), ["OMRÅDE"])
    assert year["undertrykt"].tolist() == [True] and year["INDHOLD"].isna().all()
    assert dst.sum_known(grid.assign(k=1), ["k"])["INDHOLD"].isna().all()  # a sum with a withheld part


def test_parse_time_quarters_years_and_months():
    t = dst.parse_time(pd.Series(["2024K1", "2024K4", "2023", "2022M05"]))
    assert t["aar"].tolist() == [2024, 2024, 2023, 2022]
    assert t["kvartal"].tolist() == [1, 4, 0, 2]
    with pytest.raises(ValueError, match="ukendt tidsangivelse"):
        dst.parse_time(pd.Series(["sidste år"]))


def test_area_and_function_codes():
    assert dst.municipality_code(pd.Series(["0101", "101", "Hele landet"])).tolist()[:2] == [101, 101]
    assert dst.function_code(pd.Series(["52821", "5.38.50", "X"])).tolist() == ["5.28.21", "5.38.50", ""]


# -- the fake follows DST's documentation -------------------------------------------------------------

def _post(url: str, payload: dict) -> tuple[int, str]:
    import json

    request = urllib.request.Request(url + "/data", data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.read().decode("utf-8-sig")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_fake_answers_as_dst_documents():
    with FakeStatBank() as fake:
        status, body = _post(fake.url, {"table": "FOLK1A", "format": "BULK", "variables": [
            {"code": "OMRÅDE", "values": ["101"]}, {"code": "Tid", "values": ["2023K1"]}]})
        assert status == 400 and "Der skal vælges værdier for variabel: KØN" in body  # no elimination in BULK
        status, body = _post(fake.url, {"table": "ISBU01", "format": "BULK", "variables": [
            {"code": "KOMMUNEDK", "values": ["101", "860"]}, {"code": "INDSATSER", "values": ["401"]},
            {"code": "Tid", "values": ["*"]}]})
        assert status == 200 and "860;" not in body  # Hjørring's zeros are left out, not written
        status, body = _post(fake.url, {"table": "FOLK1A", "format": "CSV", "variables": [
            {"code": "OMRÅDE", "values": ["*"]}, {"code": "ALDER", "values": ["*"]}, {"code": "KØN", "values": ["*"]},
            {"code": "CIVILSTAND", "values": ["*"]}, {"code": "Tid", "values": ["*"]}]})
        assert status == 400 and "for mange observationer" in body  # the 1.000.000-cell limit
        status, body = _post(fake.url, {"table": "NOPE", "format": "BULK", "variables": []})
        assert status == 400 and "Tabellen blev ikke fundet" in body


# -- hent end to end -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    out = tmp_path_factory.mktemp("hent") / "dst"
    with FakeStatBank() as fake:
        result = run_console_script("hent", "--ud", out, "--fra", "2022", "--til", "2023", "--api", fake.url)
        requests = fake.data_requests()
    assert result.code == 0, result.err
    return out, requests, result


def test_every_request_names_every_variable(fetched):
    _, requests, _ = fetched
    assert {r["table"] for r in requests} == set(TABLES)
    for r in requests:
        asked = {v["code"] for v in r["variables"]}
        assert asked == {v["id"] for v in TABLES[r["table"]]}, r["table"]
        assert r["format"] == "BULK" and r["valuePresentation"] == "Code"
    assert sum(r["table"] == "FOLK1A" for r in requests) == 2  # one request per year
    folk = next(r for r in requests if r["table"] == "FOLK1A")
    asked = {v["code"]: v["values"] for v in folk["variables"]}
    assert asked["KØN"] == ["TOT"] and asked["Tid"] in (["2022K1"], ["2023K1"])
    regk100 = next(r for r in requests if r["table"] == "REGK100")
    assert {v["code"]: v["values"] for v in regk100["variables"]}["EJER"] == ["1", "2", "3"]  # no total: every part


def test_quarters_with_rows_left_out_give_their_mean():
    with FakeStatBank() as fake:
        client = StatBankClient(fake.url, retries=0)
        year = fetch._recipients_of(client, "HAND07", ["30182"], [2023], None, fetch.TableReport("HAND07"))
    row = year[year["kommune_kode"] == 147]
    assert row["INDHOLD"].tolist() == [1.5]  # quarters 3, 0, 0, 3; DST left the two 0s out


def test_fetched_folder_is_valid_and_correct(fetched, run_cli):
    out, _, result = fetched
    checked = run_cli("valider", "--data", out)
    assert checked.code == 0 and "er skjult hos kilden" in checked.out + checked.err
    data = DataFolder(out)
    pop = data.table("befolkning").set_index(["kommune_kode", "aar", "aldersgruppe"])["antal"]
    assert pop[(101, 2022, "0-17")] == sum(400 + a % 7 for a in range(18))  # single ages summed
    raw = pd.read_csv(out / "modtagere.csv", dtype=str).set_index(["kommune_kode", "aar", "indsats"])["antal"]
    assert raw[("825", "2023", "ANBAAR12:21")] == ".."  # withheld, written as DST wrote it, never 0
    assert raw[("147", "2023", "HAND07:30182")] == "2"  # the mean 1.5 as whole citizens
    assert raw[("860", "2023", "ISBU01:401")] == "0"  # a left-out row is 0
    m = data.table("modtagere").set_index(["kommune_kode", "aar", "indsats"])
    assert pd.isna(m.loc[(825, 2023, "ANBAAR12:21"), "antal"]) and m.loc[(825, 2023, "ANBAAR12:21"), "skjult"]
    assert m.loc[(101, 2023, "ANBAAR12:21"), "antal"] == 42
    assert m.loc[(101, 2023, "HAND07:30181"), "antal"] == 43  # 40 + 2.5, halves rounded up
    assert not [c for c in m.index.get_level_values(2) if c in ("ISBU01:3", "ISBU01:5", "ISBU01:6")]  # no parents
    r = data.table("regnskab").set_index(["kommune_kode", "aar", "funktion", "gruppering", "dranst"])["beloeb"]
    assert r[(101, 2023, "5.28.21", "017", "1")] == 500_500  # REGK100's ownerships summed: 300 + 200,5
    assert (101, 2023, "5.28.21", "", "1") not in r.index  # groupings replace the function line
    assert r[(101, 2023, "5.28.23", "", "1")] == 2_000_000  # REGK31 where no groupings, 1.000 kr. -> kr.
    assert not any(f.startswith("0.22") for f in r.index.get_level_values(2))
    meta = tomllib.loads((out / "datapakke.toml").read_text(encoding="utf-8"))
    assert meta["syntetisk"] is False and "Danmarks Statistik" in meta["kilde"] and meta["skrevet_af"]
    assert "REGK31" in meta["tabeller"] and meta["hentet"]
    assert any("ANBAAR12: 16 tal er skjult" in b for b in meta["bemaerkninger"])
    assert "ANBAAR12: 16 tal er skjult hos Danmarks Statistik" in result.out
    assert "Kilde: Danmarks Statistik" in result.out


def test_withheld_steps_are_unknown_in_fordeling(fetched, run_cli, tmp_path):
    out, _, _ = fetched
    shown = run_cli("fordeling", "--trappe", "boern", "--kommune", "825", "--aar", "2023", "--data", out)
    assert shown.code == 0, shown.err
    rows = {line.split("│")[1].strip(): line for line in shown.out.splitlines() if line.count("│") > 4}
    for step in ("4", "5", "6"):  # every placement code of Læsø is withheld
        cells = [c.strip() for c in rows[step].split("│")]
        assert cells[3] == "–¹" and cells[4] == "–", rows[step]  # ¹: the footnote says why
    assert "skjult hos Danmarks Statistik" in shown.out
    target = tmp_path / "f.csv"
    assert run_cli("fordeling", "--trappe", "boern", "--kommune", "825", "--aar", "2023", "--data", out,
                   "--ud", target).code == 0
    csv = pd.read_csv(target)
    mine = csv[(csv["kommune_kode"] == 825) & csv["trin"].isin([4, 5, 6])]
    assert mine["antal"].isna().all() and mine["andel"].isna().all()  # empty, never 0
    step2 = csv[(csv["kommune_kode"] == 825) & (csv["trin"] == 2)]
    assert step2["antal"].iloc[0] == 12 and step2["andel"].isna().all()  # known count, unknown total: no share


def test_workbooks_from_fetched_data_show_withheld_as_missing_and_say_why(fetched, tmp_path):
    out, _, _ = fetched
    folder = DataFolder(out)
    path = workbooks.write_noegletal(folder, tmp_path / "n.xlsx", 825)
    wb = openpyxl.load_workbook(path, data_only=True)
    assert "DEMODATA" not in str(wb["Forside"]["B3"].value)
    about = " ".join(str(c.value) for row in wb["Om"].iter_rows() for c in row if c.value)
    assert "Kilde: Danmarks Statistik" in about and "CC BY 4.0" in about and "FOLK1A" in about
    assert "ANBAAR12: 16 tal er skjult hos Danmarks Statistik" in about
    ws = wb["Trappen børn og unge"]
    chosen = {ws.cell(r, 2).value: ws.cell(r, 4).value for r in range(1, 40) if isinstance(ws.cell(r, 2).value, int)}
    assert chosen[5] == "–" and chosen[6] == "–" and chosen[4] == "–"
    assert chosen[2] == 12
    path = workbooks.write_udgiftsmodel(folder, tmp_path / "u.xlsx", 825)
    wb = openpyxl.load_workbook(path, data_only=True)
    prices = next(row for row in wb["Enhedspriser"].iter_rows(values_only=True) if 2023 in row)
    first = prices.index(2023)
    assert list(prices[first + 4:first + 7]) == ["–", "–", "–"]  # no unit cost over a withheld count
    assert prices[first + 2] == pytest.approx(450_500 / 12)
    about = " ".join(str(c.value) for row in wb["Om"].iter_rows() for c in row if c.value)
    assert "skjult hos Danmarks Statistik" in about


def test_distributed_pair_shows_withheld_as_missing(fetched, tmp_path, run_cli):
    out, _, _ = fetched
    result = run_cli("udsend", "--ud", tmp_path / "u", "--kommuner", "825", "--data", out)
    assert result.code == 0, result.err
    book = next((tmp_path / "u").rglob("Noegletal_825_*.xlsx"))
    ws = openpyxl.load_workbook(book, data_only=True)["Trappen børn og unge"]
    chosen = {ws.cell(r, 2).value: ws.cell(r, 4).value for r in range(1, 40) if isinstance(ws.cell(r, 2).value, int)}
    assert [chosen[t] for t in (4, 5, 6)] == ["–", "–", "–"]
    book = next((tmp_path / "u").rglob("Udgiftsmodel_825_*.xlsx"))
    prices = next(row for row in openpyxl.load_workbook(book, data_only=True)["Enhedspriser"].iter_rows(
        values_only=True) if 2023 in row)
    assert list(prices[prices.index(2023) + 4:prices.index(2023) + 7]) == ["–", "–", "–"]


def test_cached_answers_are_used_offline(fetched, tmp_path, run_cli):
    out, _, _ = fetched
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    again = run_cli("hent", "--ud", out, "--fra", "2022", "--til", "2023", "--api", f"http://127.0.0.1:{port}/v1",
                    "--brug-cache")
    assert again.code == 0, again.err


def _free_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"


def test_offline_gives_a_clear_danish_message(tmp_path):
    result = run_console_script("hent", "--ud", tmp_path / "x", "--fra", "2023", "--til", "2023", "--api",
                                _free_url())
    assert result.code == 2
    assert "kan ikke nå Danmarks Statistik" in result.err and "netforbindelsen" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "x" / "befolkning.csv").exists()


@pytest.mark.parametrize("fault, function, table, says", [
    ("html200", "data", "FOLK1A", "HTML-side"),
    ("html_as_csv", "data", "ANBAAR12", "HTML-side"),
    ("cut_line", "data", "HAND07", "afbrudt"),
    ("cut_connection", "data", "ISBU01", "afbrudt midt i svaret"),
    ("no_id", "tableinfo", "REGK31", "mangler koden"),
])
def test_a_bad_answer_gives_exit_2_caches_nothing_and_changes_nothing(tmp_path, fault, function, table, says):
    out = tmp_path / "dst"
    out.mkdir()
    (out / "egne_tal.csv").write_text("noegletal_id,kommune_kode,aar,taeller,naevner\n", encoding="utf-8")
    before = folder_digest(out)
    with FakeStatBank(faults={(function, table): fault}) as fake:
        result = run_console_script("hent", "--ud", out, "--fra", "2023", "--til", "2023", "--api", fake.url)
    assert result.code == 2, result.err
    assert says in result.err and table in result.err and "Traceback" not in result.err
    assert folder_digest(out) == before  # no table written, nothing replaced
    assert not list((out / ".dst-cache").glob(f"{table}-{function}-*"))  # the bad answer is not kept


def test_an_unknown_table_is_refused_in_dsts_words():
    with FakeStatBank() as fake, pytest.raises(Refused, match="Tabellen blev ikke fundet"):
        StatBankClient(fake.url, retries=0).tableinfo("NOPE")


def test_regk100_that_cannot_be_used_is_said_not_swallowed(tmp_path):
    out = tmp_path / "dst"
    with FakeStatBank(faults={("tableinfo", "REGK100"): "not_found"}) as fake:
        result = run_console_script("hent", "--ud", out, "--fra", "2023", "--til", "2023", "--api", fake.url)
    assert result.code == 0, result.err
    assert "Grupperingerne mangler; reglerne bruger funktionens standard" in result.out
    meta = tomllib.loads((out / "datapakke.toml").read_text(encoding="utf-8"))
    assert any("REGK100" in b and "Grupperingerne mangler" in b for b in meta["bemaerkninger"])
    r = pd.read_csv(out / "regnskab.csv", dtype=str)
    assert (r["gruppering"].fillna("") == "").all()  # the function lines stay: the money is whole


def test_hent_never_replaces_a_users_own_tables(tmp_path, fetched):
    own = tmp_path / "mine"
    own.mkdir()
    (own / "modtagere.csv").write_text("kommune_kode,aar,trappe,indsats,antal\n101,2023,voksne,EGEN:civil,12\n",
                                       encoding="utf-8")
    (own / "forloeb.csv").write_text("borger_id,trappe,indsats,start,slut,kommune_kode\n", encoding="utf-8")
    before = folder_digest(own)
    with FakeStatBank() as fake:
        result = run_console_script("hent", "--ud", own, "--fra", "2023", "--til", "2023", "--api", fake.url)
        assert not fake.requests  # refused before anything is fetched
    assert result.code == 2 and "modtagere.csv (ikke skrevet af hent)" in result.err and "Traceback" not in result.err
    assert folder_digest(own) == before


def test_hent_refreshes_its_own_folder_and_keeps_the_users_files_beside(tmp_path, fetched, run_cli):
    import shutil

    out = tmp_path / "dst"
    shutil.copytree(fetched[0], out)
    (out / "egne_tal.csv").write_text("noegletal_id,kommune_kode,aar,taeller,naevner\nB02,101,2023,5,10\n",
                                      encoding="utf-8")
    with FakeStatBank() as fake:
        again = run_console_script("hent", "--ud", out, "--fra", "2022", "--til", "2023", "--api", fake.url)
        assert again.code == 0, again.err
        assert "B02,101,2023,5,10" in (out / "egne_tal.csv").read_text(encoding="utf-8")
        with (out / "modtagere.csv").open("a", encoding="utf-8") as f:
            f.write("101,2023,voksne,EGEN:civil,12\n")  # the user adds own rows to hent's table
        edited = run_console_script("hent", "--ud", out, "--fra", "2022", "--til", "2023", "--api", fake.url)
    assert edited.code == 2 and "modtagere.csv (ændret siden hent skrev den)" in edited.err
    assert "EGEN:civil" in (out / "modtagere.csv").read_text(encoding="utf-8")


def test_a_refusal_is_a_fetch_error_with_advice():
    with FakeStatBank() as fake:
        client = StatBankClient(fake.url, retries=0)
        with pytest.raises(FetchError) as caught:
            client.data("FOLK1A", {"OMRÅDE": ["101"], "Tid": ["2023K1"]})
    text = str(caught.value)
    assert "Der skal vælges værdier for variabel" in text and "EXTRACT-NOTALLOWED" in text

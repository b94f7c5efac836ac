"""A fake of StatBank API v1 on localhost that answers as DST documents it, so `hent` is tested against
DST's rules, not ours. Sources, quoted beside each behaviour:
- [API] DST, "Statistikbank API" (dst.dk > Hjælp til Statistikbanken > API): sections DATA, STREAMINGFORMATER,
  "Begrænsninger på udtræk" and the change log (Ændringslog).
- [ERR] DST's error answers as recorded from the live API in public notes: JSON {"errorTypeCode", "message"}
  with HTTP 400, e.g. EXTRACT-NOTFOUND "Tabellen blev ikke fundet", EXTRACT-NOTALLOWED "Der skal vælges værdier
  for variabel: OMRÅDE", REQUEST-LIMIT "Forespørgslen returnerer for mange observationer". The API
  documentation itself lists no error texts.
- REGK100's variables follow DST's table title "Kommunernes regnskaber på gruppering uden tekst efter område,
  funktion, dranst, ejerforhold, gruppering, art og prisenhed" (DST, Nøgletal for kommuneregnskaber,
  Tilgængelighed). Its ejerforhold codes were not found in public sources: the fake's EJER has three parts and
  no total, the harder case (hent must ask for all and sum them).

Faults (`faults={(function, table): kind}`) make the answers a real network can give: an HTML page with status
200, HTML sent as CSV, an answer cut mid-line, a connection cut before the promised length, a tableinfo variable
without its id; and "not_found", DST's answer for a table it does not have. A fault answers every attempt, so
the client's retries do not hide it.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from indsatstrappe.core import municipalities

AREAS = ["000", "081", "084", *[f"{k:03d}" for k in municipalities.codes()]]
DATA_AREAS = ["000", "084", "101", "147", "825"]  # the fake has numbers for these only
YEARS = ["2022", "2023"]
QUARTERS = [f"{y}K{q}" for y in YEARS for q in range(1, 5)]
CELL_LIMIT = 1_000_000  # [API] Begrænsninger på udtræk: "p.t. sat til 1.000.000 celler" for non-bulk formats
STREAMING = ("BULK", "SDMXCOMPACT", "SDMXGENERIC")  # [API] "Flg. er streaming-formater"


def _var(id_, values, elimination=False, time=False):
    return {"id": id_, "text": id_.lower(), "elimination": elimination, "time": time,
            "values": [{"id": v, "text": "I alt" if v in ("TOT", "IALT") else v} for v in values]}


TABLES = {
    "FOLK1A": [_var("OMRÅDE", AREAS, True), _var("KØN", ["TOT", "1", "2"], True),
               _var("ALDER", ["IALT", *map(str, range(126))], True), _var("CIVILSTAND", ["TOT", "U", "G"], True),
               _var("Tid", QUARTERS, time=True)],
    "ANBAAR12": [_var("ADMKOM", AREAS, True), _var("ANBRINGELSESSTED", ["TOT", "1", "21", "24", "9", "27", "6", "11",
                                                                       "99"], True),
                 _var("Tid", YEARS, time=True)],
    "ISBU01": [_var("KOMMUNEDK", AREAS, True), _var("INDSATSER", ["3", "5", "405", "401", "402", "6"], True),
               _var("Tid", YEARS, time=True)],
    "HAND07": [_var("OMRÅDE", AREAS, True), _var("YDELSESTYPE", ["TOT", "30181", "30182", "31202", "30013"], True),
               _var("Tid", QUARTERS, time=True)],
    "REGK31": [_var("OMRÅDE", AREAS), _var("FUNKTION", ["52821", "52823", "53850", "02201"]),
               _var("DRANST", ["1", "2", "3"]), _var("ART", ["TOT", "UE", "I"]), _var("PRISENHED", ["LOBM", "INDL"]),
               _var("Tid", YEARS, time=True)],
    "REGK100": [_var("OMRÅDE", AREAS), _var("FUNKTION", ["52821", "53850"]), _var("DRANST", ["1", "2"]),
                _var("EJER", ["1", "2", "3"], True), _var("GRUPPERING", ["002", "017"]),
                _var("ART", ["TOT", "UE"]), _var("PRISENHED", ["LOBM", "INDL"]), _var("Tid", YEARS, time=True)],
}


def value(table: str, row: dict[str, str]) -> str:
    """Deterministic fixture numbers. Læsø's (825) placements are withheld, as DST's discretion does; Frederiksberg
    (147) has HAND07 § 107 (30182) recipients 3, 0, 0, 3 in the quarters of 2023."""
    area = row[next(iter(row))]
    base = {"000": 1000, "084": 500, "101": 40, "147": 20, "825": 1}.get(area, 0)
    if table == "FOLK1A":
        return str(base * 10 + (int(row["ALDER"]) % 7)) if row["ALDER"] != "IALT" else str(base * 100)
    if table == "ANBAAR12" and area == "825":
        return ".."
    if table == "REGK31":
        return {"52821": "1500,5", "52823": "2000", "53850": "3000", "02201": "9"}[row["FUNKTION"]] if row[
            "DRANST"] != "2" else "-100"
    if table == "REGK100":  # 017 is split over two ownerships (300 + 200,5); 002 stands on one
        if row["DRANST"] == "2":
            return "-50" if row["EJER"] == "1" else "0"
        return {("002", "1"): "1000", ("017", "1"): "300", ("017", "2"): "200,5"}.get((row["GRUPPERING"], row["EJER"]),
                                                                                      "0")
    if table == "HAND07":
        if area == "147" and row["YDELSESTYPE"] == "30182" and row["Tid"].startswith("2023"):
            return {"1": "3", "2": "0", "3": "0", "4": "3"}[row["Tid"][-1]]
        return str(base + int(row["Tid"][-1]))  # quarter 1..4 adds 1..4: the year's mean is base + 2.5
    return str(base + len(row[list(row)[1]]))


def _error(kind: str, message: str) -> tuple[int, str, str]:
    return 400, "application/json; charset=utf-8", json.dumps({"errorTypeCode": kind, "message": message},
                                                              ensure_ascii=False)


class FakeStatBank:
    def __init__(self, faults: dict[tuple[str, str], str] | None = None):
        self.requests: list[dict] = []
        self.faults = dict(faults or {})
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
                fake.requests.append(payload)
                function = self.path.rstrip("/").rsplit("/", 1)[-1]
                status, kind, body = fake.answer(function, payload)
                data = body.encode("utf-8")
                fault = fake.faults.get((function, payload.get("table", "")))
                if fault == "cut_connection":  # promise more than is sent, then hang up
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data) + 5000))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def data_requests(self, table: str | None = None) -> list[dict]:
        return [r for r in self.requests if "variables" in r and (table is None or r["table"] == table)]

    def answer(self, function: str, payload: dict) -> tuple[int, str, str]:
        table = str(payload.get("table", "")).upper()
        fault = self.faults.get((function, table))
        html = "<!DOCTYPE html><html><body><h1>Statistikbanken er midlertidigt lukket</h1></body></html>"
        if fault == "html200":
            return 200, "text/html; charset=utf-8", html
        if fault == "html_as_csv":
            return 200, "text/csv; charset=utf-8", html
        if table not in TABLES or fault == "not_found":
            return _error("EXTRACT-NOTFOUND", "Tabellen blev ikke fundet")  # [ERR]
        variables = TABLES[table]
        if function == "tableinfo":
            shown = [dict(v) for v in variables]
            if fault == "no_id":
                shown[1] = {k: v for k, v in shown[1].items() if k != "id"}
            # [API] change log Dec. 2017: "Feltet suppressedDataValue tilføjet til TABLEINFO. Værdien skal anvendes
            # for manglende-række-observationer i streaming-formaterne."
            return 200, "application/json; charset=utf-8", json.dumps(
                {"id": table, "text": table.lower(), "unit": "antal", "suppressedDataValue": "0", "active": True,
                 "variables": shown}, ensure_ascii=False)
        return self._data(table, variables, payload, fault)

    def _data(self, table: str, variables: list[dict], payload: dict, fault: str | None) -> tuple[int, str, str]:
        fmt = str(payload.get("format", "")).upper()
        streaming = fmt in STREAMING
        if streaming and payload.get("timeOrder"):
            return _error("REQUEST-NOTALLOWED", "Der kan ikke vælges sortering af tid for streamede formater")  # [ERR]
        asked = {v["code"].upper(): [str(x) for x in v["values"]] for v in payload.get("variables", [])}
        columns, choices = [], []
        for var in variables:
            codes = [v["id"] for v in var["values"]]
            wanted = asked.get(var["id"].upper())
            if wanted is None:
                # [API] DATA: "Nogle tabeller indeholder variable, som ikke kan elimineres automatisk ...
                # Dataformater, der streames, tillader slet ikke elimination af variable."
                if streaming or not var["elimination"]:
                    return _error("EXTRACT-NOTALLOWED", f"Der skal vælges værdier for variabel: {var['id']}")  # [ERR]
                continue  # eliminated (non-streaming formats only): summed over, as DST does
            # [API] DATA: '"*" betyder alle værdier, og fx "*K1" betyder alle koder, der ender med "K1"'
            picked = [c for c in codes if any(fnmatch.fnmatchcase(c, w) for w in wanted)]
            if not picked:
                return _error("EXTRACT-NOTFOUND", "Værdien blev ikke fundet")  # [ERR]
            columns.append(var["id"])
            choices.append(picked)
        # [API] Begrænsninger på udtræk: the most rows the request can give times its fields (the variables and
        # the value), for non-bulk formats; "Det tages der ikke højde for", that some rows are empty
        rows = 1
        for picked in choices:
            rows *= len(picked)
        if not streaming and rows * (len(columns) + 1) > CELL_LIMIT:
            return _error("REQUEST-LIMIT", "Forespørgslen returnerer for mange observationer")  # [ERR]
        choices[0] = [c for c in choices[0] if c in DATA_AREAS]
        combos = list(itertools.product(*choices))
        lines = []
        for combo in combos:
            row = dict(zip(columns, combo, strict=True))
            number = value(table, row)
            # [API] STREAMINGFORMATER: "Nogle observationer udelades. Hvis en kombination af værdier mangler, er
            # observationen for denne kombination 0"; ".." where it is withheld ("mangler, er diskretioneret
            # eller er for usikker til at kunne angives"; change log Dec. 2017: returned as "..")
            if streaming and number in ("0", "0,0"):
                continue
            lines.append(";".join(combo) + ";" + number)
        lines.reverse()  # [API] streaming: "rækkerne ... ikke nødvendigvis sorteret i samme rækkefølge"
        body = "\ufeff" + ";".join(c.upper() for c in columns) + ";INDHOLD\n" + "".join(f"{line}\n" for line in lines)
        if fault == "cut_line":  # the answer ends in the middle of a line
            body = body[: body.rindex(";") - 1]
        return 200, "text/csv; charset=utf-8", body

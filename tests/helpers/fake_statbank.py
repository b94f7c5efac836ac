"""A small fake of StatBank API v1 on localhost: tableinfo and BULK data in DST's exact format
(Danish capital headers, ';', decimal comma, '..' for suppressed values, 2024K1 quarters)."""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from indsatstrappe import municipalities

AREAS = ["000", "081", "084", *[f"{k:03d}" for k in municipalities.codes()]]
DATA_AREAS = ["000", "084", "101", "147", "825"]  # the fake has numbers for these only
YEARS = ["2022", "2023"]
QUARTERS = [f"{y}K{q}" for y in YEARS for q in range(1, 5)]


def _var(id_, values, elimination=False, time=False):
    return {"id": id_, "text": id_.lower(), "elimination": elimination, "time": time,
            "values": [{"id": v, "text": v} for v in values]}


TABLES = {
    "FOLK1A": [_var("OMRÅDE", AREAS), _var("KØN", ["TOT", "1", "2"], True),
               _var("ALDER", ["IALT", *map(str, range(126))], True), _var("CIVILSTAND", ["TOT", "U", "G"], True),
               _var("Tid", QUARTERS, time=True)],
    "ANBAAR12": [_var("ADMKOM", AREAS), _var("ANBRINGELSESSTED", ["TOT", "1", "21", "24", "9", "27", "6", "11", "99"]),
                 _var("Tid", YEARS, time=True)],
    "ISBU01": [_var("KOMMUNEDK", AREAS), _var("INDSATSER", ["3", "5", "405", "401", "402", "6"]),
               _var("Tid", YEARS, time=True)],
    "HAND07": [_var("OMRÅDE", AREAS), _var("YDELSESTYPE", ["TOT", "30181", "30182", "31202", "30013"]),
               _var("Tid", QUARTERS, time=True)],
    "REGK31": [_var("OMRÅDE", AREAS), _var("FUNKTION", ["52821", "52823", "53850", "02201"]),
               _var("DRANST", ["1", "2", "3"]), _var("ART", ["TOT", "UE", "I"]), _var("PRISENHED", ["LOBM", "INDL"]),
               _var("Tid", YEARS, time=True)],
    "REGK100": [_var("OMRÅDE", AREAS), _var("FUNKTION", ["52821", "53850"]), _var("DRANST", ["1", "2"]),
                _var("EJER", ["TOT", "1", "2"]), _var("GRUPPERING", ["002", "017"]), _var("ART", ["TOT", "UE"]),
                _var("PRISENHED", ["LOBM", "INDL"]), _var("Tid", YEARS, time=True)],
}


def value(table: str, row: dict[str, str]) -> str:
    """Deterministic fixture numbers; Læsø's small placements are suppressed as DST does."""
    area = row[next(iter(row))]
    base = {"000": 1000, "084": 500, "101": 40, "147": 20, "825": 1}.get(area, 0)
    if table == "FOLK1A":
        return str(base * 10 + (int(row["ALDER"]) % 7))
    if table == "ANBAAR12" and area == "825":
        return ".."
    if table == "REGK31":
        return {"52821": "1500,5", "52823": "2000", "53850": "3000", "02201": "9"}[row["FUNKTION"]] if row[
            "DRANST"] != "2" else "-100"
    if table == "REGK100":
        return {"002": "1000", "017": "500,5"}[row["GRUPPERING"]] if row["DRANST"] == "1" else "-50"
    if table == "HAND07":
        return str(base + int(row["Tid"][-1]))  # quarter 1..4 adds 1..4: the year's mean is base + 2.5
    return str(base + len(row[list(row)[1]]))


class FakeStatBank:
    def __init__(self):
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
                fake.requests.append(payload)
                status, body = fake.answer(self.path, payload)
                self.send_response(status)
                self.send_header("Content-Type", "text/csv; charset=utf-8")
                self.end_headers()
                self.wfile.write(body.encode("utf-8"))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, payload: dict) -> tuple[int, str]:
        table = payload.get("table", "")
        if table not in TABLES:
            return 400, json.dumps({"errorTypeCode": "TABLE-NOTFOUND", "message": f"Tabellen {table} findes ikke"})
        variables = TABLES[table]
        if path.endswith("/tableinfo"):
            return 200, json.dumps({"id": table, "variables": variables}, ensure_ascii=False)
        asked = {v["code"]: v["values"] for v in payload["variables"]}
        columns, choices = [], []
        for var in variables:
            values = [v["id"] for v in var["values"]]
            if var["id"] in asked:
                wanted = values if asked[var["id"]] == ["*"] else [v for v in asked[var["id"]] if v in values]
                if var["id"] == variables[0]["id"]:
                    wanted = [v for v in wanted if v in DATA_AREAS]
                columns.append(var["id"])
                choices.append(wanted)
            elif not var["elimination"]:
                return 400, json.dumps({"message": f"{var['id']} skal angives"})
        lines = [";".join(c.upper() for c in columns) + ";INDHOLD"]
        for combo in itertools.product(*choices):
            row = dict(zip(columns, combo, strict=True))
            lines.append(";".join(combo) + ";" + value(table, row))
        return 200, "\n".join(lines) + "\n"

"""A small client for Danmarks Statistik's StatBank API v1 (POST JSON, answers as text), with retries
and a cache of raw answers with their fetch time. The only module that talks to the network.

Every answer is checked before it is used or kept: an HTML page, a cut-off answer or a table description
without the variables' ids is a bad answer, tried again like a network fault and, if it stays bad, an error
that names the table. Only good answers are cached, so `--brug-cache` never replays a bad one.

DST's refusals (HTTP 4xx) carry JSON `{"errorTypeCode": ..., "message": ...}` with a Danish message, e.g.
EXTRACT-NOTFOUND "Tabellen blev ikke fundet", EXTRACT-NOTALLOWED "Der skal vælges værdier for variabel: X",
REQUEST-LIMIT "Forespørgslen returnerer for mange observationer" (the API documentation's 1.000.000 cells for
non-streaming formats; BULK has no such limit). The message is shown to the user as DST wrote it."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import InputError, Problem
from . import dst

if TYPE_CHECKING:
    import urllib.error

DEFAULT_URL = "https://api.statbank.dk/v1"


class FetchError(InputError):
    """DST could not be reached or refused a request: the user must act (network, table, years)."""


class Refused(FetchError):
    """DST answered, but the table cannot be used as asked (refused, or laid out otherwise than expected)."""


def where(table: str) -> str:
    """How a fetch problem names its place: the table at Danmarks Statistik."""
    return f"Danmarks Statistik, tabel {table}"


def check_tableinfo(text: str) -> dict:
    """tableinfo's JSON with every variable's id and values, else BadAnswer."""
    if text.lstrip().startswith("<"):
        raise dst.BadAnswer("svaret er en HTML-side, ikke tabellens beskrivelse")
    try:
        info = json.loads(text)
    except json.JSONDecodeError:
        raise dst.BadAnswer("tabellens beskrivelse kan ikke læses (ikke gyldig JSON)") from None
    variables = info.get("variables") if isinstance(info, dict) else None
    if not isinstance(variables, list) or not variables:
        raise dst.BadAnswer("tabellens beskrivelse har ingen variable")
    for var in variables:
        if not isinstance(var, dict) or not var.get("id") or not isinstance(var.get("values"), list) or \
                any(not isinstance(v, dict) or "id" not in v for v in var["values"]):
            raise dst.BadAnswer("tabellens beskrivelse mangler koden ('id') for en variabel eller en værdi")
    return info


def check_data(text: str) -> str:
    dst.parse_bulk(text)
    return text


@dataclass
class StatBankClient:
    base_url: str = DEFAULT_URL
    cache_dir: Path | None = None
    use_cache: bool = False  # answer from the cache when it holds the same request
    retries: int = 2
    timeout: float = 60.0
    pause: float = 1.0  # seconds before the first retry; doubled each time
    fetched: dict[str, str] = field(default_factory=dict)  # table -> fetch time of its newest answer

    def tableinfo(self, table: str) -> dict:
        text = self._call("tableinfo", {"table": table, "format": "JSON", "lang": "da"}, table, check_tableinfo)
        return check_tableinfo(text)

    def data(self, table: str, variables: dict[str, list[str]]) -> str:
        """A BULK answer. Every variable must be named: "Dataformater, der streames, tillader slet ikke
        elimination af variable" (DST)."""
        payload = {"table": table, "format": "BULK", "lang": "da", "valuePresentation": "Code",
                   "variables": [{"code": code, "values": values} for code, values in variables.items()]}
        return self._call("data", payload, table, check_data)

    def _call(self, function: str, payload: dict, table: str, check) -> str:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        cached = self._cache_path(function, table, body)
        if self.use_cache and cached is not None and cached.exists():
            text = cached.read_text(encoding="utf-8")
            try:
                check(text)
                meta = json.loads(cached.with_suffix(".json").read_text(encoding="utf-8"))
                self.fetched[table] = meta["hentet"]
                return text
            except (dst.BadAnswer, OSError, ValueError, KeyError):
                cached.unlink(missing_ok=True)  # an unusable entry (an older version kept bad answers): ask DST
        text = self._post(f"{self.base_url.rstrip('/')}/{function}", body.encode("utf-8"), table, check)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.fetched[table] = now
        if cached is not None:
            meta = json.dumps({"hentet": now, "url": self.base_url, "forespoergsel": payload}, ensure_ascii=False,
                              indent=1)
            _write_atomically(cached.with_suffix(".json"), meta)
            _write_atomically(cached, text)  # last: an entry without its answer is never read
        return text

    def _cache_path(self, function: str, table: str, body: str) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256(f"{function}:{body}".encode()).hexdigest()[:16]
        return Path(self.cache_dir) / f"{table}-{function}-{digest}.txt"

    def _post(self, url: str, data: bytes, table: str, check) -> str:
        import http.client  # here, not at the top: every command imports this module, few go online
        import urllib.error
        import urllib.request

        wait = self.pause
        last = ""
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(url, data=data, method="POST",
                                             headers={"Content-Type": "application/json; charset=utf-8"})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    kind = answer.headers.get_content_type()
                    text = answer.read().decode("utf-8-sig")
                if kind == "text/html":
                    raise dst.BadAnswer("svaret er en HTML-side, ikke data")
                check(text)
                return text
            except urllib.error.HTTPError as exc:
                if exc.code < 500:  # DST refuses the request itself: retrying will not help
                    raise _refusal(table, exc) from None
                last = f"HTTP {exc.code}"
            except dst.BadAnswer as exc:
                last = f"et ubrugeligt svar: {exc}"
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError, http.client.HTTPException,
                    UnicodeDecodeError) as exc:
                last = _reason(exc)
            if attempt < self.retries:
                time.sleep(wait)
                wait *= 2
        if last.startswith("et ubrugeligt svar"):
            raise FetchError([Problem(where(table), f"Danmarks Statistik gav {last}.",
                                      "Svaret er ikke brugt og ikke gemt, og datamappen er ikke ændret. Prøv igen "
                                      "senere; bliver det ved, så skriv til projektet med denne besked.")])
        hint = "Tjek netforbindelsen (eller proxy) og prøv igen. Datamappen er ikke ændret."
        if self.cache_dir is not None:
            hint += f" Tidligere hentede svar ligger i {self.cache_dir}; brug dem med --brug-cache."
        raise FetchError([Problem(self.base_url, f"kan ikke nå Danmarks Statistik ({last}) under hentning af "
                                                 f"{table}.", hint)])


def _reason(exc: BaseException) -> str:
    import http.client

    if isinstance(exc, http.client.IncompleteRead):
        return "forbindelsen blev afbrudt midt i svaret"
    if isinstance(exc, http.client.HTTPException):
        return f"forbindelsen blev afbrudt ({type(exc).__name__})"
    return str(getattr(exc, "reason", exc)) or type(exc).__name__


def _refusal(table: str, exc: urllib.error.HTTPError) -> Refused:
    """DST's own words for a refused request (its JSON `message`), with what the user can do."""
    raw = exc.read().decode("utf-8", "replace")
    try:
        answer = json.loads(raw)
        message, kind = str(answer.get("message", "")), str(answer.get("errorTypeCode", ""))
    except (json.JSONDecodeError, AttributeError):
        message, kind = raw.strip()[:200], ""
    if kind == "EXTRACT-NOTFOUND" and "tabel" in message.lower():
        advice = "Tabellen kan være nedlagt eller omdøbt hos Danmarks Statistik; tjek den på statistikbanken.dk."
    elif kind == "REQUEST-LIMIT":
        advice = "Hent færre år ad gangen med --fra og --til."
    else:
        advice = ("Forespørgslen passer ikke til tabellen, som den er hos Danmarks Statistik nu; skriv til projektet "
                  "med denne besked.")
    return Refused([Problem(where(table), f"Danmarks Statistik afviste forespørgslen på {table} (HTTP {exc.code}"
                                             f"{', ' + kind if kind else ''}): {message or 'ingen forklaring'}.",
                               advice + " Datamappen er ikke ændret.")])


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)

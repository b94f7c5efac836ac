"""A small client for Danmarks Statistik's StatBank API v1 (POST JSON, answers as text), with retries
and a cache of raw answers with their fetch time. The only module that talks to the network."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError, Problem

DEFAULT_URL = "https://api.statbank.dk/v1"


class FetchError(InputError):
    """DST could not be reached or refused a request: the user must act (network, table, years)."""


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
        return json.loads(self._call("tableinfo", {"table": table, "format": "JSON", "lang": "da"}, table))

    def data(self, table: str, variables: dict[str, list[str]]) -> str:
        payload = {"table": table, "format": "BULK", "lang": "da", "valuePresentation": "Code",
                   "variables": [{"code": code, "values": values} for code, values in variables.items()]}
        return self._call("data", payload, table)

    def _call(self, function: str, payload: dict, table: str) -> str:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        cached = self._cache_path(function, table, body)
        if self.use_cache and cached is not None and cached.exists():
            meta = json.loads(cached.with_suffix(".json").read_text(encoding="utf-8"))
            self.fetched[table] = meta["hentet"]
            return cached.read_text(encoding="utf-8")
        text = self._post(f"{self.base_url.rstrip('/')}/{function}", body.encode("utf-8"), table)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.fetched[table] = now
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(text, encoding="utf-8")
            cached.with_suffix(".json").write_text(json.dumps({"hentet": now, "url": self.base_url,
                                                               "forespoergsel": payload}, ensure_ascii=False,
                                                              indent=1), encoding="utf-8")
        return text

    def _cache_path(self, function: str, table: str, body: str) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256(f"{function}:{body}".encode()).hexdigest()[:16]
        return Path(self.cache_dir) / f"{table}-{function}-{digest}.txt"

    def _post(self, url: str, data: bytes, table: str) -> str:
        wait = self.pause
        last = ""
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(url, data=data, method="POST",
                                             headers={"Content-Type": "application/json; charset=utf-8"})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    return answer.read().decode("utf-8-sig")
            except urllib.error.HTTPError as exc:
                detail = exc.read().decode("utf-8", "replace")[:300]
                if exc.code < 500:  # DST refuses the request itself: retrying will not help
                    raise FetchError([Problem(url, f"Danmarks Statistik afviste forespørgslen på {table} "
                                                   f"(HTTP {exc.code}): {detail}",
                                              "Tjek tabelnavnet og årene (--fra/--til).")]) from None
                last = f"HTTP {exc.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                last = str(getattr(exc, "reason", exc))
            if attempt < self.retries:
                time.sleep(wait)
                wait *= 2
        hint = "Tjek netforbindelsen (eller proxy) og prøv igen."
        if self.cache_dir is not None:
            hint += f" Tidligere hentede svar ligger i {self.cache_dir}; brug dem med --brug-cache."
        raise FetchError([Problem(self.base_url, f"kan ikke nå Danmarks Statistik ({last}) under hentning af "
                                                 f"{table}.", hint)])

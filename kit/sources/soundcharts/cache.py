"""The raw-response cache: one JSON file per request, so nothing is asked twice.

A request is keyed by its method, path and sorted parameters (never the credentials), and
its answer is stored as it came, with the moment it was fetched. Where the cache lives:
$CHARTROOM_CACHE, else cache/ beside the warehouse (kit.config.cache_path), in a
`soundcharts/` folder.

Freshness. An answer about days that were already over when it was fetched (its endDate,
or the date of a chart ranking, before the fetch day in UTC) cannot change: it is reused
forever. Any other answer (today's window, the song list, the chart ranks, a search) may
still change, and is reused while it is younger than `max_age` (default one day); older,
it is asked again. `max_age=0` asks everything open again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_MAX_AGE = dt.timedelta(days=1)
_RANKING_DATE = re.compile(r"/ranking/(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class CachedResponse:
    status: int
    body: Any
    fetched_at: dt.datetime
    quota_remaining: int | None


def request_key(method: str, path: str, params: Mapping[str, Any]) -> str:
    """sha256 of the request: method, path and sorted parameters as strings."""
    canonical = json.dumps(
        [method.upper(), path, sorted((str(k), str(v)) for k, v in params.items())],
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _closed_on(path: str, params: Mapping[str, Any]) -> dt.date | None:
    """The last day an answer is about, when it names one (endDate, or a ranking's date)."""
    end = params.get("endDate")
    if end:
        return dt.date.fromisoformat(str(end)[:10])
    match = _RANKING_DATE.search(path)
    if match:
        return dt.date.fromisoformat(match.group(1))
    return None


class ResponseCache:
    def __init__(self, root: str | os.PathLike, max_age: dt.timedelta = DEFAULT_MAX_AGE) -> None:
        self.root = Path(root)
        self.max_age = max_age

    def path_for(self, method: str, path: str, params: Mapping[str, Any]) -> Path:
        key = request_key(method, path, params)
        return self.root / key[:2] / f"{key}.json"

    def get(self, method: str, path: str, params: Mapping[str, Any]) -> CachedResponse | None:
        file = self.path_for(method, path, params)
        try:
            entry = json.loads(file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None  # a torn or missing file is asked again
        fetched = dt.datetime.fromisoformat(entry["fetched_at"])
        closed = _closed_on(path, params)
        if closed is None or closed >= fetched.date():
            if dt.datetime.now(dt.UTC) - fetched > self.max_age:
                return None
        return CachedResponse(entry["status"], entry["body"], fetched, entry.get("quota_remaining"))

    def put(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any],
        status: int,
        body: Any,
        quota_remaining: int | None,
    ) -> None:
        file = self.path_for(method, path, params)
        file.parent.mkdir(parents=True, exist_ok=True)
        entry = {
            "request": {
                "method": method.upper(),
                "path": path,
                "params": dict(sorted(params.items())),
            },
            "fetched_at": dt.datetime.now(dt.UTC).isoformat(),
            "status": status,
            "quota_remaining": quota_remaining,
            "body": body,
        }
        # written beside its final name and renamed: a crash never leaves half a file
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as fh:
            json.dump(entry, fh, separators=(",", ":"))
        os.replace(tmp, file)

    def __len__(self) -> int:
        return sum(1 for _ in self.root.glob("*/*.json")) if self.root.exists() else 0

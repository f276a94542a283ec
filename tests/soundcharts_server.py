"""A local HTTP server that speaks the SoundCharts API shapes, with known numbers.

Used by tests/test_soundcharts*.py and bench/soundcharts_bench.py:

    with SoundChartsServer(FakeCatalogue(), latency=0.2) as server:
        os.environ["SOUNDCHARTS_BASE_URL"] = server.url
        ...
        server.calls            # requests answered
        server.requests         # [(path, {param: value}), …] in arrival order

It answers the endpoints kit.sources.soundcharts uses, with the documented shapes
(`items`, `page: {offset, limit, total, next, previous}`, `related`, `object`,
`errors: [{key, code, message}]`, header `x-quota-remaining`), refuses date ranges longer
than 90 days and pages longer than 100 like the API, and can be told to misbehave:
`script(pattern, Reply(...), ...)` answers the next requests whose path matches with the
given replies (429 with Retry-After, 500, a slow answer, malformed JSON, a quota 429…);
`on_call(n, fn)` runs `fn` when the n-th request arrives (the crash tests kill a fetch);
`refuse(pattern, 404)` answers every request whose path matches with that refusal, as the
API does for a song it does not know, or a 403 for an endpoint outside the plan.

The numbers (day index i = days since 2025-01-01):
- monthly listeners (and YouTube views): 1,000,000 + 1,000·i worldwide; every Monday
  countryPlots IT = 300,000 + 100·i and DE = 100,000 + 10·i;
- followers: 500,000 + 50·i;
- song k (0-based) on any platform: cumulative 10,000,000·(k+1) + 1,000·(k+1)·i, so its
  daily streams are 1,000·(k+1) every day;
- chart ranks: song 0 is on the Italian daily top chart (since 2025-01-20, last ranked on
  `chart_end`, position 5, previous 6) and on the worldwide weekly chart (WOC, weeks ending
  2025-03-20 and 2025-03-27, position 12); song 1 left the Italian chart on 2025-02-15
  (position 0);
- a chart ranking by date lists 150 filler songs and song 0, which is at position
  5 + (days to chart_end % 3) on the daily chart (12 on the weekly one), previous position
  that of the ranking before (none on its first), metric (streams) 20,000 + day of month.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

APP_ID = "chartroom-test-app"
API_KEY = "sk-test-7f3a9c1e5b2d4f60"  # a secret the tests look for everywhere it must not be
EPOCH = dt.date(2025, 1, 1)
ARTIST_UUID = "11e81bcc-9c1c-ce38-b96b-a0369fe50396"
ARTIST_NAME = "Luna Vesper"
MAX_DAYS = 90
MAX_LIMIT = 100


def song_uuid(k: int) -> str:
    return f"7d534228-5165-11e9-9c1c-{k:012d}"


def spotify_id(k: int) -> str:
    return f"{k:02d}SpotifyTrackIdAbcdef"[:22]


def day_index(date: dt.date) -> int:
    return (date - EPOCH).days


def listeners(date: dt.date) -> int:
    return 1_000_000 + 1_000 * day_index(date)


def country_listeners(date: dt.date) -> dict[str, int]:
    i = day_index(date)
    return {"IT": 300_000 + 100 * i, "DE": 100_000 + 10 * i}


def followers(date: dt.date) -> int:
    return 500_000 + 50 * day_index(date)


def cumulative_streams(k: int, date: dt.date) -> int:
    return 10_000_000 * (k + 1) + 1_000 * (k + 1) * day_index(date)


def daily_streams(k: int) -> int:
    return 1_000 * (k + 1)


@dataclass
class FakeCatalogue:
    """The artist's songs: `main` songs where it is the main performer, then `featured`."""

    main: int = 3
    featured: int = 1
    without_spotify_id: tuple[int, ...] = (2,)  # songs SoundCharts knows no Spotify id for
    chart_end: dt.date = dt.date(2025, 3, 31)

    @property
    def songs(self) -> list[dict]:
        out = []
        for k in range(self.main + self.featured):
            out.append(
                {
                    "uuid": song_uuid(k),
                    "name": f"Song {k}",
                    "creditName": ARTIST_NAME
                    if k < self.main
                    else f"Other Artist feat. {ARTIST_NAME}",
                    "releaseDate": f"2024-0{1 + k % 9}-15T00:00:00+00:00",
                    "main": k < self.main,
                }
            )
        return out


@dataclass
class Reply:
    """A scripted answer: status, headers, body (dict → JSON, str/bytes → raw), delay first."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: object = None
    delay: float = 0.0


def _page(items: list, offset: int, limit: int, url: str) -> dict:
    chunk = items[offset : offset + limit]
    nxt = offset + limit if offset + limit < len(items) else None
    prev = max(0, offset - limit) if offset > 0 else None
    base = url.split("?")[0]
    return {
        "items": chunk,
        "page": {
            "offset": offset,
            "limit": limit,
            "total": len(items),
            "next": f"{base}?offset={nxt}&limit={limit}" if nxt is not None else None,
            "previous": f"{base}?offset={prev}&limit={limit}" if prev is not None else None,
        },
    }


def _error(code: int, message: str) -> dict:
    return {"errors": [{"key": "error", "code": code, "message": message}]}


class SoundChartsServer:
    def __init__(
        self,
        catalogue: FakeCatalogue | None = None,
        *,
        latency: float = 0.0,
        quota: int = 1_000_000,
        app_id: str = APP_ID,
        api_key: str = API_KEY,
    ) -> None:
        self.catalogue = catalogue or FakeCatalogue()
        self.latency = latency
        self.quota = quota
        self.app_id = app_id
        self.api_key = api_key
        self.calls = 0
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._scripts: list[tuple[re.Pattern, list[Reply]]] = []
        self._hooks: dict[int, Callable[[], None]] = {}
        self._refusals: list[tuple[re.Pattern, int, str]] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, pattern: str, *replies: Reply) -> None:
        """Answer the next requests whose path matches `pattern` with `replies`, in order."""
        with self._lock:
            self._scripts.append((re.compile(pattern), list(replies)))

    def refuse(self, pattern: str, status: int = 404, message: str = "Song not found") -> None:
        """Answer every request whose path matches `pattern` with `status` and the API's
        error shape, from now on (a song SoundCharts does not know: 404; outside the plan: 403)."""
        with self._lock:
            self._refusals.append((re.compile(pattern), status, message))

    def on_call(self, n: int, fn: Callable[[], None]) -> None:
        """Run `fn` when the n-th request (1-based) arrives, before answering it."""
        self._hooks[n] = fn

    def paths(self, pattern: str = "") -> list[tuple[str, dict[str, str]]]:
        rx = re.compile(pattern)
        return [(p, q) for p, q in self.requests if rx.search(p)]

    def reset_counts(self) -> None:
        with self._lock:
            self.calls = 0
            self.requests = []

    def __enter__(self) -> SoundChartsServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                server._handle(self)

            def log_message(self, *args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- answering

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path, params = parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.calls += 1
            n = self.calls
            self.requests.append((path, params))
            scripted = None
            for rx, replies in self._scripts:
                if replies and rx.search(path):
                    scripted = replies.pop(0)
                    break
        hook = self._hooks.get(n)
        if hook is not None:
            hook()
        if self.latency:
            time.sleep(self.latency)
        if scripted is not None:
            time.sleep(scripted.delay)
            self._send(h, scripted.status, scripted.body, scripted.headers)
            return
        if h.headers.get("x-app-id") != self.app_id or h.headers.get("x-api-key") != self.api_key:
            self._send(h, 401, _error(401, "Invalid credentials"))
            return
        remaining = self.quota - n
        if remaining < 0:
            self._send(
                h,
                429,
                _error(429, "You have reached your monthly quota."),
                {"x-quota-remaining": "0"},
            )
            return
        refusal = next((r for r in self._refusals if r[0].search(path)), None)
        if refusal is not None:
            status, body = refusal[1], _error(refusal[1], refusal[2])
        else:
            status, body = self._route(path, params, h.path)
        self._send(h, status, body, {"x-quota-remaining": str(remaining)})

    def _send(self, h, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        if isinstance(body, bytes):
            raw = body
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = json.dumps(body if body is not None else {}).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(raw)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    def _route(self, path: str, params: dict[str, str], url: str) -> tuple[int, dict]:
        try:
            offset = int(params.get("offset", 0))
            limit = int(params.get("limit", MAX_LIMIT))
        except ValueError:
            return 400, _error(400, "Invalid pagination")
        if limit > MAX_LIMIT:
            return 400, _error(400, f"limit cannot exceed {MAX_LIMIT}")
        songs = self.catalogue.songs
        by_uuid = {s["uuid"]: (k, s) for k, s in enumerate(songs)}
        light = lambda s: {k: s[k] for k in ("uuid", "name", "creditName")}  # noqa: E731

        m = re.fullmatch(r"/api/v2/artist/search/(.+)", path)
        if m:
            term = unquote(m.group(1))
            items = [{"uuid": ARTIST_UUID, "slug": "luna-vesper", "name": ARTIST_NAME}]
            items += [
                {
                    "uuid": "00000000-0000-0000-0000-00000000beef",
                    "slug": "x",
                    "name": "Luna Vesper Tribute",
                }
            ]
            items = [i for i in items if term.lower() in i["name"].lower()]
            return 200, _page(items, offset, limit, url)
        m = re.fullmatch(r"/api/v2\.9/artist/([^/]+)", path)
        if m:
            if m.group(1) != ARTIST_UUID:
                return 404, _error(404, "Artist not found")
            return 200, {"type": "artist", "object": {"uuid": ARTIST_UUID, "name": ARTIST_NAME}}
        m = re.fullmatch(r"/api/v2\.21/artist/([^/]+)/songs", path)
        if m:
            flag = params.get("mainPerformer")
            chosen = [s for s in songs if flag is None or flag == "" or s["main"] == (flag == "1")]
            items = [{**light(s), "releaseDate": s["releaseDate"]} for s in chosen]
            return 200, {
                "related": {"uuid": ARTIST_UUID, "name": ARTIST_NAME},
                **_page(items, offset, limit, url),
            }
        m = re.fullmatch(r"/api/v2/song/([^/]+)/identifiers", path)
        if m and m.group(1) in by_uuid:
            k, s = by_uuid[m.group(1)]
            items = [
                {"platformName": "Deezer", "platformCode": "deezer", "identifier": str(900 + k)}
            ]
            if k not in self.catalogue.without_spotify_id:
                items.append({"platformName": "Spotify", "platformCode": "spotify", "identifier": spotify_id(k),
                              "url": f"https://open.spotify.com/track/{spotify_id(k)}", "default": True})  # fmt: skip
            if params.get("platform"):
                items = [i for i in items if i["platformCode"] == params["platform"]]
            return 200, {"related": light(s), **_page(items, offset, limit, url)}
        m = re.fullmatch(r"/api/v2\.25/song/by-platform/spotify/([^/]+)", path)
        if m:
            for k, s in enumerate(songs):
                if spotify_id(k) == m.group(1) and k not in self.catalogue.without_spotify_id:
                    return 200, {"type": "song", "object": light(s)}
            return 404, _error(404, "Song not found")

        dated = re.fullmatch(
            r"/api/v2/artist/([^/]+)/(streaming/[^/]+/listening|streaming/[^/]+|audience/[^/]+)"
            r"|/api/v2/song/([^/]+)/audience/([^/]+)",
            path,
        )
        if dated:
            try:
                start = dt.date.fromisoformat(params["startDate"])
                end = dt.date.fromisoformat(params["endDate"])
            except (KeyError, ValueError):
                return 400, _error(400, "startDate and endDate are required (YYYY-MM-DD)")
            if (end - start).days + 1 > MAX_DAYS:
                return 400, _error(400, f"Period cannot exceed {MAX_DAYS} days")
            days = [start + dt.timedelta(days=d) for d in range((end - start).days + 1)]
            stamp = lambda d: f"{d.isoformat()}T00:00:00+00:00"  # noqa: E731
            if dated.group(3):
                if dated.group(3) not in by_uuid:
                    return 404, _error(404, "Song not found")
                k, s = by_uuid[dated.group(3)]
                ident = spotify_id(k) if dated.group(4) == "spotify" else f"{dated.group(4)}-{k}"
                items = [{"date": stamp(d), "plots": [{"identifier": ident, "value": cumulative_streams(k, d)}]}
                         for d in days]  # fmt: skip
                return 200, {"related": light(s), **_page(items, offset, limit, url)}
            if dated.group(1) != ARTIST_UUID:
                return 404, _error(404, "Artist not found")
            if dated.group(2).startswith("audience"):
                items = [
                    {"date": stamp(d), "followerCount": followers(d), "likeCount": None}
                    for d in days
                ]
            else:
                items = []
                for d in days:
                    item = {"date": stamp(d), "value": listeners(d)}
                    if d.weekday() == 0 and not dated.group(2).endswith("listening"):
                        item["countryPlots"] = [
                            {"date": stamp(d), "value": v, "countryCode": c, "countryName": c}
                            for c, v in country_listeners(d).items()
                        ]
                        item["cityPlots"] = []
                    items.append(item)
            return 200, {
                "related": {"artist": {"uuid": ARTIST_UUID}},
                **_page(items, offset, limit, url),
            }

        m = re.fullmatch(r"/api/v2/artist/([^/]+)/charts/song/ranks/([^/]+)", path)
        if m:
            if params.get("currentOnly") not in ("0", "1"):
                return 400, _error(400, "currentOnly must be 0 or 1")
            end = self.catalogue.chart_end
            it_daily = {"name": "Top 200 Italy", "slug": f"{m.group(2)}-top-200-it-daily", "type": "top",
                        "platform": m.group(2), "frequency": "daily", "countryCode": "IT"}  # fmt: skip
            global_weekly = {"name": "Top 200 Global", "slug": f"{m.group(2)}-top-200-global-weekly",
                             "type": "top", "platform": m.group(2), "countryCode": None}  # fmt: skip
            items = [
                {"chart": it_daily, "song": light(songs[0]), "position": 5, "oldPosition": 6,
                 "positionEvolution": 2, "entryState": "UP", "entryDate": "2025-01-20T00:00:00+00:00",
                 "rankDate": f"{end.isoformat()}T00:00:00+00:00", "current": True,
                 "timeOnChart": 71, "timeOnChartUnit": "DOC"},
                {"chart": global_weekly, "song": light(songs[0]), "position": 12, "oldPosition": 12,
                 "positionEvolution": 0, "entryState": "STABLE", "entryDate": "2025-03-20T00:00:00+00:00",
                 "rankDate": "2025-03-27T00:00:00+00:00", "current": True,
                 "timeOnChart": 2, "timeOnChartUnit": "WOC"},
                {"chart": it_daily, "song": light(songs[1]), "position": 0, "oldPosition": 40,
                 "positionEvolution": 0, "entryState": "OUT", "entryDate": "2025-02-01T00:00:00+00:00",
                 "rankDate": "2025-02-15T00:00:00+00:00", "current": False,
                 "timeOnChart": 15, "timeOnChartUnit": "DOC"},
            ]  # fmt: skip
            if params.get("currentOnly") == "1":
                items = [i for i in items if i["current"]]
            return 200, {"related": {"uuid": ARTIST_UUID}, **_page(items, offset, limit, url)}
        m = re.fullmatch(r"/api/v2\.14/chart/song/([^/]+)/ranking/([^/]+)", path)
        if m:
            when = dt.date.fromisoformat(m.group(2)[:10])
            weekly = m.group(1).endswith("weekly")
            chart = {"slug": m.group(1), "frequency": "weekly" if weekly else "daily",
                     "countryCode": None if weekly else "IT", "metric": {"type": "streams"}}  # fmt: skip
            end = self.catalogue.chart_end
            position = lambda d: 12 if weekly else 5 + (end - d).days % 3  # noqa: E731
            first = dt.date(2025, 3, 20) if weekly else dt.date(2025, 1, 20)
            step = dt.timedelta(days=7 if weekly else 1)
            ours = position(when)
            previous = position(when - step) if when > first else 0
            filler = [{"uuid": f"ffffffff-0000-0000-0000-{p:012d}", "name": f"Filler {p}", "creditName": "X"}
                      for p in range(1, 151)]  # fmt: skip
            ranked = filler[: ours - 1] + [light(songs[0])] + filler[ours - 1 :]
            items = [
                {"song": song, "position": p, "metric": 20_000 + when.day,
                 "oldPosition": previous if p == ours else p + 1, "entryDate": "2025-01-20T00:00:00+00:00",
                 "timeOnChart": 3, "timeOnChartUnit": "WOC" if weekly else "DOC"}
                for p, song in enumerate(ranked, start=1)
            ]  # fmt: skip
            body = _page(items, offset, limit, url)
            return 200, {
                "related": {"chart": chart, "date": f"{when.isoformat()}T00:00:00+00:00"},
                **body,
            }
        return 404, _error(404, f"No route for {quote(path)}")

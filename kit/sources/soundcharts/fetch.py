"""Fetch one artist from SoundCharts into the warehouse: few calls, nothing lost, nothing twice.

`fetch_artist` asks for the artist, its songs (main performer and featured), each song's
Spotify id, and per platform the monthly listeners (with per-country values), the
followers, each song's cumulative audience and the artist's chart ranks; optionally the
chart rankings by date. Requests run on a bounded thread pool; every answer is cached on
disk (see cache.py), so a second run asks nothing and a run after a crash asks only what
is missing. What was fetched is written through kit.warehouse.write in one commit, also
when the quota runs out half way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc

from ... import config, ids
from ...platforms import normalise_platform
from ...schema import TABLES
from ...warehouse import LogEntry, read_table, write
from . import mapping
from .cache import DEFAULT_MAX_AGE, ResponseCache
from .client import (
    AuthError,
    NotFound,
    QuotaExceeded,
    SoundChartsClient,
    SoundChartsError,
)

WINDOW_DAYS = 90  # the API's longest date range per request
DEFAULT_CONCURRENCY = 8
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")

Progress = bool | Callable[[int, int], None] | None


@dataclass
class FetchSummary:
    """What a fetch did: calls made, answers from the cache, rows per table, quota, problems."""

    artist: str | None = None
    soundcharts_uuid: str | None = None
    calls: int = 0  # HTTP requests sent, retries included
    cached: int = 0  # requests answered from the on-disk cache
    retries: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # offered to the warehouse, per table
    rows_written: dict[str, int] = field(default_factory=dict)  # new or changed, per table
    quota_remaining: int | None = None
    stopped_reason: str | None = None  # 'quota' or 'auth' when the run stopped early
    failed: list[str] = field(default_factory=list)  # requests that failed after retries
    skipped: list[str] = field(default_factory=list)  # what SoundCharts does not offer

    @property
    def complete(self) -> bool:
        return self.stopped_reason is None and not self.failed

    def __str__(self) -> str:
        lines = [
            f"SoundCharts fetch of {self.artist or '?'} ({self.soundcharts_uuid or '?'}): "
            f"{self.calls} calls, {self.cached} from cache, {self.retries} retries, "
            f"quota remaining {self.quota_remaining if self.quota_remaining is not None else 'unknown'}"
        ]
        for table, n in self.rows.items():
            lines.append(
                f"  {table:<16} {n:>9,} rows ({self.rows_written.get(table, 0):,} new or changed)"
            )
        if self.stopped_reason:
            lines.append(
                f"  stopped early: {self.stopped_reason} (what was fetched is kept; run again to resume)"
            )
        for text in self.failed[:10]:
            lines.append(f"  failed: {text}")
        if len(self.failed) > 10:
            lines.append(f"  … and {len(self.failed) - 10} more failed requests")
        for text in self.skipped:
            lines.append(f"  skipped: {text}")
        return "\n".join(lines)


# ---------------------------------------------------------------- windows


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def date_windows(
    start: dt.date, end: dt.date, days: int = WINDOW_DAYS
) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut into consecutive windows of at most `days` days."""
    if end < start:
        return []
    out = []
    lo = start
    while lo <= end:
        hi = min(end, lo + dt.timedelta(days=days - 1))
        out.append((lo, hi))
        lo = hi + dt.timedelta(days=1)
    return out


def _as_date(value: dt.date | str | None, default: dt.date) -> dt.date:
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# ---------------------------------------------------------------- the task runner


class _Runner:
    """Runs request tasks on a bounded pool, keeps the first stop reason, shows progress."""

    def __init__(self, client: SoundChartsClient, concurrency: int, progress: Progress, label: str):
        self.client = client
        self.pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
        self.summary = FetchSummary()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.done = 0
        self.total = 0
        self.callback = progress if callable(progress) else None
        self.bar = None
        if progress is True:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=0, desc=label, unit="req")

    def run(self, tasks: Sequence[tuple[Any, Callable[[], Any]]]) -> dict[Any, Any]:
        """{key: result} for the tasks that succeeded; failures go into the summary."""
        with self.lock:
            self.total += len(tasks)
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()
        futures = [(key, self.pool.submit(self._one, fn)) for key, fn in tasks]
        results = {}
        for key, future in futures:
            ok, value = future.result()
            if ok:
                results[key] = value
        return results

    def _one(self, fn: Callable[[], Any]) -> tuple[bool, Any]:
        try:
            if self.stop.is_set():
                return False, None
            return True, fn()
        except QuotaExceeded:
            self._note_stop("quota")
            return False, None
        except AuthError as exc:
            if exc.status == 401:
                self._note_stop(f"auth ({exc})")
                self.stop.set()
            else:
                self.note("skipped", str(exc))
            return False, None
        except NotFound as exc:
            self.note("skipped", str(exc))
            return False, None
        except SoundChartsError as exc:
            self.note("failed", str(exc))
            return False, None
        finally:
            self._tick()

    def _note_stop(self, reason: str) -> None:
        with self.lock:
            if self.summary.stopped_reason is None:
                self.summary.stopped_reason = reason

    def note(self, kind: str, text: str) -> None:
        """Add `text` to the summary's 'failed' or 'skipped' list."""
        with self.lock:
            getattr(self.summary, kind).append(text)

    def _tick(self) -> None:
        with self.lock:
            self.done += 1
            done, total = self.done, self.total
        stats = self.client.stats
        if self.bar is not None:
            self.bar.set_postfix(
                calls=stats.calls,
                cached=stats.cached,
                quota="?" if stats.last_known_quota is None else f"{stats.last_known_quota:,}",
                refresh=False,
            )
            self.bar.update(1)
        if self.callback is not None:
            self.callback(done, total)

    def close(self) -> FetchSummary:
        """Wait for the pool, close the bar, copy the client's counts into the summary."""
        self.pool.shutdown(wait=True)
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        stats = self.client.stats
        self.summary.calls = stats.calls
        self.summary.cached = stats.cached
        self.summary.retries = stats.retries
        self.summary.quota_remaining = stats.last_known_quota
        return self.summary


def _client_for(warehouse, client: SoundChartsClient | None, max_age: dt.timedelta):
    if client is not None:
        return client, False
    cache = ResponseCache(config.cache_path(warehouse) / "soundcharts", max_age=max_age)
    return SoundChartsClient(cache=cache), True


# ---------------------------------------------------------------- artist


def resolve_artist(client: SoundChartsClient, artist: str) -> tuple[str, str]:
    """(uuid, name) of an artist given by SoundCharts UUID, or by its exact name.

    A name that matches no search result exactly is refused with the candidates, rather
    than spending the quota on the wrong artist."""
    text = artist.strip()
    if _UUID.match(text):
        body = client.get(f"/api/v2.9/artist/{text}")
        obj = body.get("object") or {}
        return text, str(obj.get("name") or text)
    body = client.get(f"/api/v2/artist/search/{quote(text, safe='')}", {"offset": 0, "limit": 20})
    items = [i for i in body.get("items") or [] if i.get("uuid")]
    exact = [i for i in items if str(i.get("name", "")).casefold() == text.casefold()]
    if len(exact) == 1 or (exact and len({i["uuid"] for i in exact}) == 1):
        return str(exact[0]["uuid"]), str(exact[0]["name"])
    candidates = ", ".join(f"{i.get('name')} ({i['uuid']})" for i in (exact or items)[:5])
    why = "several SoundCharts artists are named" if exact else "no SoundCharts artist is named"
    hint = f" Candidates: {candidates}. Give the UUID instead." if candidates else ""
    raise NotFound(f"{why} {text!r}.{hint}", endpoint="artist search")


# ---------------------------------------------------------------- fetch_artist


def fetch_artist(
    artist: str,
    platforms: str | Sequence[str] = ("spotify",),
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    warehouse: str | os.PathLike | None = None,
    progress: Progress = True,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    chart_history: bool = False,
    client: SoundChartsClient | None = None,
    max_age: dt.timedelta = DEFAULT_MAX_AGE,
) -> FetchSummary:
    """Fetch `artist` (name or SoundCharts UUID) on `platforms` over [start, end].

    The period defaults to the 90 days ending today and is clamped to today. Returns a
    FetchSummary; a spent quota or rejected credentials stop the run early, keep what was
    fetched and say so in `stopped_reason`."""
    end_d = min(_as_date(end, today()), today())
    start_d = _as_date(start, end_d - dt.timedelta(days=WINDOW_DAYS - 1))
    if start_d > end_d:
        raise ValueError(f"The period starts ({start_d}) after it ends ({end_d}).")
    slugs = [
        normalise_platform(p) for p in ([platforms] if isinstance(platforms, str) else platforms)
    ]
    unknown = [p for p in slugs if p not in mapping.SC_PLATFORMS]
    if unknown:
        raise ValueError(
            f"Unknown platform(s) {unknown}; SoundCharts platforms: {sorted(mapping.SC_PLATFORMS)}"
        )

    client, owned = _client_for(warehouse, client, max_age)
    runner = _Runner(client, concurrency, progress, "SoundCharts")
    try:
        try:
            uuid, name = resolve_artist(client, artist)
        except QuotaExceeded:
            summary = runner.close()
            summary.stopped_reason = "quota"
            return summary
        summary = runner.summary
        summary.artist, summary.soundcharts_uuid = name, uuid
        plan = _ArtistPlan(client, runner, uuid, ids.artist_id(name), slugs, start_d, end_d)
        tables = plan.fetch(chart_history)
        runner.close()
        file = f"soundcharts:artist/{uuid}?from={start_d}&to={end_d}&platforms={','.join(slugs)}"
        _write(tables, summary, warehouse, file)
        return summary
    finally:
        runner.close()
        if owned:
            client.close()


@dataclass
class _Song:
    uuid: str
    title: str
    release_date: dt.date | None
    role: str  # main | featured
    track_id: str | None = None  # known once its identifiers are fetched


class _ArtistPlan:
    def __init__(self, client, runner, uuid, artist_id, platforms, start, end):
        self.client = client
        self.runner = runner
        self.uuid = uuid
        self.artist_id = artist_id
        self.platforms = platforms
        self.start = start
        self.end = end
        self.charts: dict[str, dict] = {}  # chart slug → the chart as the ranks describe it

    def fetch(self, chart_history: bool) -> dict[str, list[dict]]:
        songs = self._songs()
        by_uuid = {s.uuid: s for s in songs if s.track_id}
        rows: dict[str, list[dict]] = {
            "artists": [
                {
                    "artist_id": self.artist_id,
                    "name": self.runner.summary.artist,
                    "soundcharts_uuid": self.uuid,
                }
            ],
            "tracks": [
                {
                    "track_id": s.track_id,
                    "title": s.title,
                    "release_date": s.release_date,
                    "soundcharts_uuid": s.uuid,
                }
                for s in by_uuid.values()
            ],
            "track_credits": [
                {
                    "track_id": s.track_id,
                    "artist_id": self.artist_id,
                    "role": s.role,
                    "credit_order": 1 if s.role == "main" else 2,
                }
                for s in by_uuid.values()
            ],
            "artist_audience": [],
            "track_streams": [],
            "chart_entries": [],
        }
        tasks = []
        windows = date_windows(self.start, self.end)
        # a day's streams are the difference with the day before: ask from the day before
        song_windows = date_windows(self.start - dt.timedelta(days=1), self.end)
        for platform in self.platforms:
            sc = mapping.SC_PLATFORMS[platform]
            if sc.listening_metric:
                path = (f"/api/v2/artist/{self.uuid}/streaming/{sc.code}" if sc.local_listening
                        else f"/api/v2/artist/{self.uuid}/streaming/{sc.code}/listening")  # fmt: skip
                for lo, hi in windows:
                    tasks.append((("listening", platform, lo), self._collect(path, lo, hi)))
            else:
                self.runner.note("skipped", f"{platform}: SoundCharts has no listeners series")
            if sc.followers:
                path = f"/api/v2/artist/{self.uuid}/audience/{sc.code}"
                for lo, hi in windows:
                    tasks.append((("followers", platform, lo), self._collect(path, lo, hi)))
            if sc.song_audience:
                for song in by_uuid.values():
                    path = f"/api/v2/song/{song.uuid}/audience/{sc.code}"
                    for lo, hi in song_windows:
                        tasks.append(
                            (("song", platform, song.uuid, lo), self._collect(path, lo, hi))
                        )
            else:
                self.runner.note("skipped", f"{platform}: SoundCharts has no per-song streams")
            if sc.charts:
                tasks.append((("ranks", platform), lambda code=sc.code: self._ranks(code)))
        results = self.runner.run(tasks)

        songs_audience: dict[tuple[str, str], list[dict]] = {}
        history_tasks = []
        for key, items in results.items():
            kind, platform = key[0], key[1]
            if kind == "listening":
                metric = mapping.SC_PLATFORMS[platform].listening_metric
                rows["artist_audience"] += mapping.listening_rows(
                    items, self.artist_id, platform, metric
                )
            elif kind == "followers":
                rows["artist_audience"] += mapping.follower_rows(items, self.artist_id, platform)
            elif kind == "song":
                songs_audience.setdefault((platform, key[2]), []).extend(items)
            elif kind == "ranks":
                rows["chart_entries"] += self._rank_rows(items, platform, by_uuid)
                if chart_history:
                    history_tasks += self._history_tasks(items, platform)
        for (platform, song_uuid), items in songs_audience.items():
            rows["track_streams"] += mapping.daily_stream_rows(
                items, by_uuid[song_uuid].track_id, platform
            )
        rows["track_streams"] = [
            r for r in rows["track_streams"] if self.start <= r["date"] <= self.end
        ]

        if history_tasks:
            for (_, platform, slug, date), body in self.runner.run(history_tasks).items():
                chart = self.charts[slug]
                for item in body:
                    song = by_uuid.get(str((item.get("song") or {}).get("uuid")))
                    if song:
                        row = mapping.chart_entry_row(item, chart, date, song.track_id, platform)
                        if row:
                            rows["chart_entries"].append(row)
        return rows

    # -- the song catalogue

    def _songs(self) -> list[_Song]:
        path = f"/api/v2.21/artist/{self.uuid}/songs"
        listed = self.runner.run(
            [
                (role, lambda flag=flag: self.client.collect(
                    path, {"mainPerformer": flag, "sortBy": "releaseDate", "sortOrder": "desc"}))
                for role, flag in (("main", 1), ("featured", 0))
            ]
        )  # fmt: skip
        songs: dict[str, _Song] = {}
        for role in ("main", "featured"):  # a song listed as both is the artist's own
            for item in listed.get(role, []):
                if item.get("uuid") and item["uuid"] not in songs:
                    songs[item["uuid"]] = _Song(
                        item["uuid"],
                        str(item.get("name") or item["uuid"]),
                        mapping.day(item.get("releaseDate")),
                        role,
                    )
        found = self.runner.run(
            [
                (
                    uuid,
                    lambda uuid=uuid: self.client.collect(
                        f"/api/v2/song/{uuid}/identifiers", {"platform": "spotify"}
                    ),
                )
                for uuid in songs
            ]
        )
        for uuid, song in songs.items():
            if uuid in found:  # a song whose ids could not be fetched waits for the next run
                song.track_id = mapping.track_id_for(
                    uuid, mapping.spotify_id_from_identifiers(found[uuid])
                )
        return list(songs.values())

    # -- per-request tasks

    def _collect(self, path: str, lo: dt.date, hi: dt.date) -> Callable[[], list[dict]]:
        return lambda: self.client.collect(
            path, {"startDate": lo.isoformat(), "endDate": hi.isoformat()}
        )

    def _ranks(self, code: str) -> list[dict]:
        """The artist's chart ranks, newest first, down to the start of the period."""
        path = f"/api/v2/artist/{self.uuid}/charts/song/ranks/{code}"
        items: list[dict] = []
        for body in self.client.pages(
            path, {"currentOnly": 0, "sortBy": "rankDate", "sortOrder": "desc"}
        ):
            page = body.get("items") or []
            items.extend(page)
            if page and (mapping.day(page[-1].get("rankDate")) or self.end) < self.start:
                break
        return items

    def _rank_rows(
        self, items: Iterable[dict], platform: str, by_uuid: dict[str, _Song]
    ) -> list[dict]:
        rows = []
        for item in items:
            song = by_uuid.get(str((item.get("song") or {}).get("uuid")))
            date = mapping.day(item.get("rankDate"))
            if song is None or date is None or not (self.start <= date <= self.end):
                continue
            row = mapping.chart_entry_row(
                item, item.get("chart") or {}, date, song.track_id, platform
            )
            if row:
                rows.append(row)
        return rows

    def _history_tasks(self, items: Iterable[dict], platform: str) -> list:
        """One ranking request per chart and date on which one of the artist's songs may be in it."""
        wanted: dict[str, tuple[dict, str, set[dt.date]]] = {}
        for item in items:
            chart = item.get("chart") or {}
            slug = chart.get("slug")
            freq = mapping.chart_frequency(chart, item.get("timeOnChartUnit"))
            first, last = mapping.day(item.get("entryDate")), mapping.day(item.get("rankDate"))
            if (
                not slug
                or freq is None
                or first is None
                or last is None
                or mapping.chart_country(chart) is None
            ):
                continue
            # rankings are dated at the time of day of rankDate (assumed the same every day)
            clock = str(item.get("rankDate"))[10:] or "T00:00:00+00:00"
            step = dt.timedelta(days=1 if freq == "daily" else 7)
            entry = wanted.setdefault(slug, (chart, clock, set()))
            date = min(last, self.end)
            if freq == "weekly" and last > self.end:
                date = last - step * (
                    (last - self.end).days // 7 + (1 if (last - self.end).days % 7 else 0)
                )
            while date >= max(first, self.start):
                entry[2].add(date)
                date -= step
        tasks = []
        for slug, (chart, clock, dates) in wanted.items():
            self.charts[slug] = chart
            for date in sorted(dates):
                path = f"/api/v2.14/chart/song/{slug}/ranking/{date.isoformat()}{clock}"
                tasks.append(
                    (
                        ("history", platform, slug, date),
                        lambda path=path: self.client.collect(path),
                    )
                )
        return tasks


# ---------------------------------------------------------------- writing


def _with_existing(name: str, key: str, rows: list[dict], warehouse) -> list[dict]:
    """Rows completed from the warehouse's own values where ours are empty.

    A write replaces a row with the same key, so a track first loaded from a chart CSV
    (with its ISRC) keeps it when SoundCharts, which does not give it, loads it again."""
    if not rows:
        return rows
    existing = read_table(name, warehouse)
    if not existing.num_rows:
        return rows
    wanted = pa.array([r[key] for r in rows])
    old = {
        r[key]: r
        for r in existing.filter(pc.is_in(existing.column(key), value_set=wanted)).to_pylist()
    }
    out = []
    for row in rows:
        merged = dict(old.get(row[key], {}))
        merged.update({k: v for k, v in row.items() if v is not None})
        out.append(merged)
    return out


def _write(tables: dict[str, list[dict]], summary: FetchSummary, warehouse, file: str) -> None:
    tables = {name: _dedupe(name, rows) for name, rows in tables.items()}
    for name, key in (("artists", "artist_id"), ("tracks", "track_id")):
        if name in tables:
            tables[name] = _with_existing(name, key, tables[name], warehouse)
    arrow = {
        name: pa.Table.from_pylist(rows, schema=TABLES[name].schema)
        for name, rows in tables.items()
        if name in TABLES
    }
    message = (
        f"{summary.calls} calls, {summary.cached} cached"
        + (f"; stopped: {summary.stopped_reason}" if summary.stopped_reason else "")
        + (f"; {len(summary.failed)} failed requests" if summary.failed else "")
    )
    result = write(arrow, source=mapping.SOURCE, warehouse=warehouse,
                   log=[LogEntry(mapping.SOURCE, file=file, message=message)])  # fmt: skip
    summary.rows = dict(result.rows)
    summary.rows_written = dict(result.rows_written)


def _dedupe(name: str, rows: list[dict]) -> list[dict]:
    """One row per natural key (the last one wins), as the write path expects."""
    key = TABLES[name].key
    return list({tuple(r.get(k) for k in key): r for r in rows}.values())


# ---------------------------------------------------------------- fetch_missing_tracks


def fetch_missing_tracks(
    q,
    artist: str,
    platform: str,
    progress: Progress = None,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    client: SoundChartsClient | None = None,
    max_age: dt.timedelta = DEFAULT_MAX_AGE,
) -> FetchSummary:
    """Fetch the own daily series of the tracks of one breakdown that lack one or are partial.

    For the Explorer's "Fetch track data": the tracks of `breakdown(q, artist, platform)`
    whose coverage is below 1 or whose values do not come from an own series get their
    song audience for the query's period (a track known only by its Spotify id is looked
    up by that id first). `progress(done, total)` is called after each request."""
    from ... import db
    from ...query import breakdown

    slug = q.platform(platform)
    sc = mapping.SC_PLATFORMS.get(slug)
    frame = breakdown(q, artist, slug)
    partial = frame[
        (frame["coverage"].fillna(0) < 1) | ~frame["source"].fillna("").str.contains("own series")
    ]
    track_ids = [str(t) for t in partial["track_id"]]
    summary_only = FetchSummary(artist=q.artist_name(artist))
    if sc is None or not sc.song_audience:
        summary_only.skipped.append(f"{slug}: SoundCharts has no per-song streams")
        return summary_only
    if not track_ids:
        return summary_only
    known = dict(
        db.cursor(q.warehouse_path)
        .execute(
            "select track_id, soundcharts_uuid from tracks where track_id in (select unnest(?))",
            [track_ids],
        )
        .fetchall()
    )
    client, owned = _client_for(q.warehouse_path, client, max_age)
    runner = _Runner(client, concurrency, progress, "SoundCharts tracks")
    try:
        need_lookup = [t for t in track_ids if not known.get(t) and _SPOTIFY_ID.match(t)]
        found = runner.run(
            [
                (t, lambda t=t: client.get(f"/api/v2.25/song/by-platform/spotify/{t}"))
                for t in need_lookup
            ]
        )
        for t, body in found.items():
            uuid = (body.get("object") or {}).get("uuid")
            if uuid:
                known[t] = uuid
        end = min(q.end, today())
        windows = date_windows(q.start - dt.timedelta(days=1), end)
        tasks = []
        for t in track_ids:
            if known.get(t):
                path = f"/api/v2/song/{known[t]}/audience/{sc.code}"
                for lo, hi in windows:
                    tasks.append(((t, lo), lambda path=path, lo=lo, hi=hi: client.collect(
                        path, {"startDate": lo.isoformat(), "endDate": hi.isoformat()})))  # fmt: skip
            else:
                runner.note("skipped", f"{t}: no SoundCharts song known for this track")
        results = runner.run(tasks)
        by_track: dict[str, list[dict]] = {}
        for (t, _), items in results.items():
            by_track.setdefault(t, []).extend(items)
        rows = [
            r
            for t, items in by_track.items()
            for r in mapping.daily_stream_rows(items, t, slug)
            if q.start <= r["date"] <= end
        ]
        summary = runner.close()
        summary.artist = q.artist_name(artist)
        _write({"track_streams": rows}, summary, q.warehouse_path,
               f"soundcharts:tracks?artist={q.artist_id(artist)}&platform={slug}&from={q.start}&to={end}")  # fmt: skip
        return summary
    finally:
        runner.close()
        if owned:
            client.close()

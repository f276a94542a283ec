"""Fetch one artist from SoundCharts into the warehouse: few calls, nothing lost, nothing twice.

`fetch_artist` asks for the artist, its songs (main performer and featured), each song's
Spotify id, and per platform the monthly listeners (with per-country values), the
followers, each song's cumulative audience and the artist's chart ranks; optionally the
chart rankings by date. Requests run on a bounded thread pool; every answer is cached on
disk (see cache.py), so a second run asks nothing and a run after a crash asks only what
is missing. What was fetched is written through kit.warehouse.write in one commit, also
when the quota runs out half way.

Modules: windows.py (dates and 90-day windows), runner.py (the bounded pool),
artist_plan.py (the artist, its songs and every request), writing.py (the write and
the summary), mapping.py (answers → rows), client.py and cache.py (HTTP and its cache).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence

from ... import config, ids
from ...platforms import normalise_platform
from . import mapping
from .artist_plan import ArtistPlan, resolve_artist
from .cache import DEFAULT_MAX_AGE, ResponseCache
from .client import QuotaExceeded, SoundChartsClient
from .runner import Progress, Runner
from .windows import WINDOW_DAYS, as_date, date_windows, today
from .writing import FetchSummary, write_fetched

DEFAULT_CONCURRENCY = 8
_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")


def _client_for(warehouse, client: SoundChartsClient | None, max_age: dt.timedelta):
    if client is not None:
        return client, False
    cache = ResponseCache(config.cache_path(warehouse) / "soundcharts", max_age=max_age)
    return SoundChartsClient(cache=cache), True


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
    end_d = min(as_date(end, today()), today())
    start_d = as_date(start, end_d - dt.timedelta(days=WINDOW_DAYS - 1))
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
    runner = Runner(client, concurrency, progress, "SoundCharts")
    try:
        try:
            uuid, name = resolve_artist(client, artist)
        except QuotaExceeded:
            summary = runner.close()
            summary.stopped_reason = "quota"
            return summary
        summary = runner.summary
        summary.artist, summary.soundcharts_uuid = name, uuid
        plan = ArtistPlan(client, runner, uuid, ids.artist_id(name), slugs, start_d, end_d)
        tables = plan.fetch(chart_history)
        runner.close()
        file = f"soundcharts:artist/{uuid}?from={start_d}&to={end_d}&platforms={','.join(slugs)}"
        write_fetched(tables, summary, warehouse, file)
        return summary
    finally:
        runner.close()
        if owned:
            client.close()


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
        db.cursor(snapshot=q.snapshot)
        .execute(
            "select track_id, soundcharts_uuid from tracks where track_id in (select unnest(?))",
            [track_ids],
        )
        .fetchall()
    )
    client, owned = _client_for(q.warehouse_path, client, max_age)
    runner = Runner(client, concurrency, progress, "SoundCharts tracks")
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
        file = f"soundcharts:tracks?artist={q.artist_id(artist)}&platform={slug}&from={q.start}&to={end}"
        write_fetched({"track_streams": rows}, summary, q.warehouse_path, file)
        return summary
    finally:
        runner.close()
        if owned:
            client.close()

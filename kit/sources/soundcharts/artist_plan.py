"""One artist's plan: who it is, its songs and their ids, and every request for its data.

`resolve_artist` finds the artist by UUID or exact name; `ArtistPlan.fetch` lists its
songs (main and featured) and their Spotify ids, then asks per platform for listeners,
followers, each song's cumulative audience and the chart ranks (and, optionally, the
chart rankings by date), all on the runner's pool, and maps the answers to rows.

A refusal that concerns one song's dataset (404, 400, a 403 outside the plan) skips that
dataset only and is named in the summary: a song whose identifiers are refused is stored
as `sc:<uuid>` with its credit and streams; a song whose audience is refused keeps its
track and credit, without streams.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from . import mapping
from .client import NotFound, SoundChartsClient, SoundChartsError
from .windows import date_windows

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


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


@dataclass
class Song:
    uuid: str
    title: str
    release_date: dt.date | None
    role: str  # main | featured
    track_id: str | None = None  # known once its identifiers are fetched (or refused)

    @property
    def label(self) -> str:
        return f"song {self.title!r} ({self.uuid})"


def refusal(exc: SoundChartsError) -> str:
    """What a refused request got, in a few words: 'HTTP 404: Song not found'."""
    said = f"HTTP {exc.status}" if exc.status is not None else exc.message
    return f"{said}: {exc.api_message}" if exc.api_message else said


class ArtistPlan:
    """The requests for one artist on some platforms over [start, end], and their rows."""

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
        refused: dict = {}
        results = self.runner.run(tasks, refused)
        self._note_refused(refused, by_uuid, len(song_windows))

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

    def _note_refused(self, refused: dict, by_uuid: dict[str, Song], windows: int) -> None:
        """Name each refused dataset once in the summary, with what was not stored."""
        songs: dict[tuple[str, str], list[SoundChartsError]] = {}
        for key, exc in sorted(refused.items(), key=lambda item: str(item[0])):
            if key[0] == "song":
                songs.setdefault((key[1], key[2]), []).append(exc)
            else:
                self.runner.note("skipped", str(exc))
        for (platform, song_uuid), errors in songs.items():
            lost = (
                "no streams stored for it"
                if len(errors) == windows
                else f"no streams stored for {len(errors)} of its {windows} date windows"
            )
            self.runner.note(
                "skipped",
                f"{platform} audience of {by_uuid[song_uuid].label} ({refusal(errors[0])}): "
                f"{lost}; its track and credit are stored",
            )

    # -- the song catalogue

    def _songs(self) -> list[Song]:
        path = f"/api/v2.21/artist/{self.uuid}/songs"
        listed = self.runner.run(
            [
                (role, lambda flag=flag: self.client.collect(
                    path, {"mainPerformer": flag, "sortBy": "releaseDate", "sortOrder": "desc"}))
                for role, flag in (("main", 1), ("featured", 0))
            ]
        )  # fmt: skip
        songs: dict[str, Song] = {}
        for role in ("main", "featured"):  # a song listed as both is the artist's own
            for item in listed.get(role, []):
                if item.get("uuid") and item["uuid"] not in songs:
                    songs[item["uuid"]] = Song(
                        item["uuid"],
                        str(item.get("name") or item["uuid"]),
                        mapping.day(item.get("releaseDate")),
                        role,
                    )
        refused: dict[str, SoundChartsError] = {}
        found = self.runner.run(
            [
                (
                    uuid,
                    lambda uuid=uuid: self.client.collect(
                        f"/api/v2/song/{uuid}/identifiers", {"platform": "spotify"}
                    ),
                )
                for uuid in songs
            ],
            refused,
        )
        for uuid, song in songs.items():
            if uuid in found:
                song.track_id = mapping.track_id_for(
                    uuid, mapping.spotify_id_from_identifiers(found[uuid])
                )
            elif uuid in refused:
                # SoundCharts will not say which Spotify track it is: the song is kept
                # under its own id rather than dropped with its credit and streams
                song.track_id = mapping.track_id_for(uuid, None)
                self.runner.note(
                    "skipped",
                    f"identifiers of {song.label} ({refusal(refused[uuid])}): "
                    f"stored as {song.track_id}",
                )
            # else the request failed (a server error, a stopped run): listed as failed,
            # the song waits for the next run rather than being stored under a second id
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
        self, items: Iterable[dict], platform: str, by_uuid: dict[str, Song]
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

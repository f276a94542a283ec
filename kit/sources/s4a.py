"""Spotify for Artists exports, for one artist given by name.

- The audience timeline, `date,listeners,streams,followers`: one point per day into
  artist_audience (platform spotify, country GLOBAL unless given). Spotify for Artists
  calls "listeners" the unique listeners of that one day, not the 28-day monthly
  listeners of the artist profile, so they are stored as metric `listeners`, never as
  `monthly_listeners`; streams (the artist's streams that day) as `streams`; followers
  (the total on that day) as `followers`. An empty cell is a day without that point.
- The songs table, `song,listeners,streams,saves,release_date`: all-time totals. The
  songs become tracks (title, release date) credited to the artist. The totals are
  validated but not stored: no warehouse table holds all-time totals, and they are not
  daily values (each load reports this as a warning).

A song is matched to a track already credited to the artist with the same title
(ignoring case) when exactly one such track exists; otherwise it gets the derived id
`title:<artist>/<title>` and the artist is credited as its main artist.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from .. import ids
from ..countries import country_code
from ..schema import GLOBAL
from . import ingest
from .ingest import Dimensions, IngestSummary, InputFile, ParsedFile

SOURCE = "s4a"
PLATFORM = "spotify"
TIMELINE_COLUMNS = ("date", "listeners", "streams", "followers")
SONGS_COLUMNS = ("song", "listeners", "streams", "saves", "release_date")
# Spotify for Artists' timeline column → artist_audience metric
TIMELINE_METRICS = {"listeners": "listeners", "streams": "streams", "followers": "followers"}


def load_s4a(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    warehouse: str | os.PathLike | None = None,
    *,
    artist: str,
    country: str = GLOBAL,
    strict: bool = False,
    progress: bool | None = True,
    reload: bool = False,
    encoding: str | None = None,
) -> IngestSummary:
    """Load Spotify for Artists timeline or songs exports of `artist` (created if unknown).

    `encoding` is the files' encoding when it is not UTF-8 (such as "latin-1")."""
    name = (artist or "").strip()
    if not name:
        raise ValueError("An artist name is required: the exports do not name their artist.")
    code = country_code(country)

    def parse(file: InputFile, dims: Dimensions) -> ParsedFile:
        return parse_s4a_file(file, dims, name, code)

    return ingest.ingest_files(
        paths,
        parse,
        source=SOURCE,
        suffixes=(".csv",),
        warehouse_dir=warehouse,
        strict=strict,
        progress=progress,
        reload=reload,
        encoding=encoding,
        artist_names=[name],
    )


def parse_s4a_file(file: InputFile, dims: Dimensions, artist: str, country: str) -> ParsedFile:
    rows = ingest.read_csv_text(file)
    if "song" in rows.column_names:
        return _songs(file, rows, dims, artist)
    if "date" in rows.column_names:
        return _timeline(file, rows, artist, country)
    raise file.error(
        1,
        None,
        f"expected the header of an audience timeline ({','.join(TIMELINE_COLUMNS)}) "
        f"or of a songs table ({','.join(SONGS_COLUMNS)})",
    )


def _timeline(file: InputFile, rows: pa.Table, artist: str, country: str) -> ParsedFile:
    ingest.check_header(file, rows, TIMELINE_COLUMNS)
    day = ingest.dates(file, rows, "date")
    ingest.duplicates(file, pa.table({"date": day}), "date", lambda r: f"the date {r['date']}")
    parts = []
    for column, metric in TIMELINE_METRICS.items():
        value = ingest.whole_numbers(file, rows, column, empty_ok=True)
        points = pa.table({"date": day, "value": value}).filter(pc.is_valid(value))
        n = points.num_rows
        parts.append(
            pa.table(
                {
                    "date": points.column("date"),
                    "platform": pa.array([PLATFORM] * n, pa.string()),
                    "country": pa.array([country] * n, pa.string()),
                    "artist_id": pa.array([ids.artist_id(artist)] * n, pa.string()),
                    "metric": pa.array([metric] * n, pa.string()),
                    "value": points.column("value"),
                    "source": pa.array([SOURCE] * n, pa.string()),
                }
            )
        )
    audience = pa.concat_tables(parts)
    return ParsedFile(
        rows=rows.num_rows,
        tables={"artist_audience": audience},
        artist_names=[artist],
    )


def _songs(file: InputFile, rows: pa.Table, dims: Dimensions, artist: str) -> ParsedFile:
    ingest.check_header(file, rows, SONGS_COLUMNS)
    title = ingest.non_empty(file, rows, "song", "the song's title")
    for column in ("listeners", "streams", "saves"):
        ingest.whole_numbers(file, rows, column, empty_ok=True)
    release = ingest.dates(file, rows, "release_date", empty_ok=True)
    track_id = _track_ids(title, dims, artist)
    ingest.duplicates(file, pa.table({"track_id": track_id}), "song", lambda r: "this song")
    n = rows.num_rows
    return ParsedFile(
        rows=n,
        track_artists=ingest.track_artists(
            track_id,
            title,
            pa.array([artist] * n, pa.string()),
            ingest.SPLIT_SINGLE,
            release_date=release,
        ),
        artist_names=[artist],
        warnings=[
            ingest.IngestError(
                file.shown,
                None,
                None,
                "all-time totals (listeners, streams, saves) were checked but not stored: "
                "the warehouse holds daily values only; the songs were stored as tracks",
            )
        ],
    )


def _track_ids(title: pa.ChunkedArray, dims: Dimensions, artist: str) -> pa.Array:
    """The artist's known track with this title (if exactly one), else the derived id."""
    credits = dims.existing["track_credits"]
    tracks = dims.existing["tracks"]
    mine = credits.filter(pc.equal(credits.column("artist_id"), ids.artist_id(artist)))
    known = tracks.join(mine.select(["track_id"]), "track_id", join_type="inner")
    known = known.append_column("key", pc.utf8_lower(known.column("title")))
    counts = known.group_by("key").aggregate([("track_id", "min"), ("track_id", "count")])
    unique = counts.filter(pc.equal(counts.column("track_id_count"), 1))
    keys = pc.utf8_lower(title)
    at = pc.index_in(keys, unique.column("key"))
    matched = pc.take(unique.column("track_id_min"), at)
    distinct = pc.unique(title).to_pylist()
    derived = pa.array([ingest.derived_track_id(t, [artist]) for t in distinct], pa.string())
    fallback = pc.take(derived, pc.index_in(title, pa.array(distinct, pa.string())))
    return pc.coalesce(matched, fallback)

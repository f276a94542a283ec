"""Plain tables (CSV or the first sheet of an .xlsx) for numbers from any other tool.

- `kind="audience"`: `artist, platform, country, date, metric, value` → artist_audience.
- `kind="track-streams"`: `track, artists, platform, country, date, streams`, optional
  `isrc` and `spotify_uri`, with `artists` joined by "; " (the first named is the main
  artist) → track_streams, tracks, artists and credits.

Platforms are the slugs of kit.platforms (any case, spaces or hyphens); countries are
codes or names ("Italy", "GLOBAL"); dates YYYY-MM-DD (or date cells in a workbook);
values whole numbers. A track's id is the Spotify id of its `spotify_uri` when given,
else `isrc:<ISRC>`, else `title:<artists>/<title>` (kit.sources.ingest.derived_track_id).

`cumulative=True`: the values are running totals. Each becomes the difference from
the same series' value of the day before (a series: artist × platform × country ×
metric, or track × platform × country). The first date of each series has no day
before and is dropped; a total after a gap in the dates is dropped with a warning
(its difference covers several days); a total lower than the day before is refused
(kit.sources.cumulative, the same conversion as SoundCharts' song audience).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from ..countries import country_code
from ..platforms import PLATFORMS, normalise_platform
from . import ingest
from .ingest import Dimensions, IngestSummary, InputFile, ParsedFile

SOURCE = "table"
KINDS = ("audience", "track-streams")
AUDIENCE_COLUMNS = ("artist", "platform", "country", "date", "metric", "value")
TRACK_STREAMS_COLUMNS = ("track", "artists", "platform", "country", "date", "streams")
TRACK_STREAMS_OPTIONAL = ("isrc", "spotify_uri")
SPOTIFY_ID = (
    r"(?:^spotify:track:|^https?://open\.spotify\.com/track/|^)(?P<id>[0-9A-Za-z]{22})(?:[/?#].*)?$"
)
ISRC = r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$"
METRIC = r"^[a-z][a-z0-9_]*$"


def load_table(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    warehouse: str | os.PathLike | None = None,
    *,
    kind: str,
    cumulative: bool = False,
    strict: bool = False,
    progress: bool | None = True,
    reload: bool = False,
    encoding: str | None = None,
) -> IngestSummary:
    """Load plain audience or track-streams tables (.csv, .xlsx) or folders of them.

    `encoding` is the CSV files' encoding when it is not UTF-8 (such as "latin-1")."""
    kind = kind.strip().lower().replace("_", "-")
    if kind not in KINDS:
        raise ValueError(f"Unknown kind {kind!r}: expected {' or '.join(KINDS)}.")

    def parse(file: InputFile, dims: Dimensions) -> ParsedFile:
        rows = ingest.read_table_text(file)
        if kind == "audience":
            return _audience(file, rows, cumulative)
        return _track_streams(file, rows, cumulative)

    return ingest.ingest_files(
        paths,
        parse,
        source=SOURCE,
        suffixes=(".csv", ".xlsx"),
        warehouse_dir=warehouse,
        strict=strict,
        progress=progress,
        reload=reload,
        encoding=encoding,
    )


def _platform(value: str) -> str:
    slug = normalise_platform(value)
    if slug not in PLATFORMS:
        raise ValueError(f"expected a platform such as {', '.join(PLATFORMS)}; got {value!r}")
    return slug


def _metric(value: str) -> str:
    return value.strip().lower().replace(" ", "_").replace("-", "_")


def _audience(file: InputFile, rows: pa.Table, cumulative: bool) -> ParsedFile:
    ingest.check_header(file, rows, AUDIENCE_COLUMNS)
    artist = ingest.non_empty(file, rows, "artist", "the artist's name")
    metric = ingest.mapped(file, rows, "metric", _metric)
    ingest.matching(
        file, pa.table({"metric": metric}), "metric", METRIC, "a metric name such as followers"
    )
    audience = pa.table(
        {
            "date": ingest.dates(file, rows, "date"),
            "platform": ingest.mapped(file, rows, "platform", _platform),
            "country": ingest.mapped(file, rows, "country", country_code),
            "artist_id": ingest.artist_ids(artist),
            "metric": metric,
            "value": ingest.whole_numbers(file, rows, "value"),
            "source": pa.array([SOURCE] * rows.num_rows, pa.string()),
            "_row": pa.array(range(rows.num_rows), pa.int64()),
        }
    )
    series = ["artist_id", "platform", "country", "metric"]
    ingest.duplicates(
        file,
        audience.select([*series, "date"]),
        "date",
        lambda r: (
            f"{r['metric']} of {r['artist_id']} on {r['platform']} in {r['country']} on {r['date']}"
        ),
    )
    warnings = []
    if cumulative:
        audience, warnings = ingest.daily_from_cumulative(file, audience, series, "value")
    return ParsedFile(
        rows=rows.num_rows,
        tables={"artist_audience": audience.drop_columns(["_row"])},
        artist_names=pc.unique(artist).to_pylist(),
        warnings=warnings,
    )


def _track_streams(file: InputFile, rows: pa.Table, cumulative: bool) -> ParsedFile:
    ingest.check_header(file, rows, TRACK_STREAMS_COLUMNS, TRACK_STREAMS_OPTIONAL)
    n = rows.num_rows
    title = ingest.non_empty(file, rows, "track", "the track's title")
    artists = ingest.non_empty(file, rows, "artists", 'the artists, joined with "; "')
    empty = pa.array([""] * n, pa.string())
    uri = ingest.text(rows, "spotify_uri") if "spotify_uri" in rows.column_names else empty
    isrc = ingest.text(rows, "isrc") if "isrc" in rows.column_names else empty
    isrc = pc.utf8_upper(pc.replace_substring(isrc, "-", ""))
    has_uri = pc.not_equal(uri, "")
    has_isrc = pc.not_equal(isrc, "")
    bad = ingest.first_true(pc.and_(has_uri, pc.invert(pc.match_substring_regex(uri, SPOTIFY_ID))))
    if bad is not None:
        raise file.reject_row(
            bad,
            "spotify_uri",
            f"expected spotify:track:<22-character id> or a track link, got {uri[bad].as_py()!r}",
        )
    bad = ingest.first_true(pc.and_(has_isrc, pc.invert(pc.match_substring_regex(isrc, ISRC))))
    if bad is not None:
        raise file.reject_row(
            bad,
            "isrc",
            f"expected a 12-character ISRC such as USUM72401234, got {isrc[bad].as_py()!r}",
        )
    spotify_id = pc.struct_field(pc.extract_regex(pc.if_else(has_uri, uri, None), SPOTIFY_ID), "id")
    by_isrc = pc.binary_join_element_wise("isrc:", pc.if_else(has_isrc, isrc, None), "")
    track_id = pc.coalesce(spotify_id, by_isrc, _derived_ids(title, artists))
    streams = pa.table(
        {
            "date": ingest.dates(file, rows, "date"),
            "platform": ingest.mapped(file, rows, "platform", _platform),
            "country": ingest.mapped(file, rows, "country", country_code),
            "track_id": track_id,
            "streams": ingest.whole_numbers(file, rows, "streams"),
            "source": pa.array([SOURCE] * n, pa.string()),
            "_row": pa.array(range(n), pa.int64()),
        }
    )
    series = ["track_id", "platform", "country"]
    ingest.duplicates(
        file,
        streams.select([*series, "date"]),
        "date",
        lambda r: f"track {r['track_id']} on {r['platform']} in {r['country']} on {r['date']}",
    )
    warnings = []
    if cumulative:
        streams, warnings = ingest.daily_from_cumulative(file, streams, series, "streams")
    return ParsedFile(
        rows=n,
        tables={"track_streams": streams.drop_columns(["_row"])},
        track_artists=ingest.track_artists(
            track_id,
            title,
            artists,
            ingest.SPLIT_SEMICOLON,
            isrc=pc.if_else(has_isrc, isrc, None),
        ),
        artist_names=[
            name.strip() for joined in pc.unique(artists).to_pylist() for name in joined.split(";")
        ],
        warnings=warnings,
    )


def _derived_ids(title: pa.ChunkedArray, artists: pa.ChunkedArray) -> pa.Array:
    pairs = pa.table({"title": title, "artists": artists})
    distinct = pairs.group_by(["title", "artists"], use_threads=False).aggregate([])
    derived = [
        ingest.derived_track_id(t, [a.strip() for a in joined.split(";") if a.strip()])
        for t, joined in zip(
            distinct.column("title").to_pylist(),
            distinct.column("artists").to_pylist(),
            strict=True,
        )
    ]
    keyed = distinct.append_column("track_id", pa.array(derived, pa.string()))
    numbered = pairs.append_column("_row", pa.array(range(pairs.num_rows), pa.int64()))
    joined = numbered.join(keyed, ["title", "artists"]).sort_by("_row")
    return joined.column("track_id").combine_chunks()

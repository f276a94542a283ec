"""Spotify chart CSVs in the three layouts analysts hold, into chart_entries.

1. charts.spotify.com downloads: `rank,uri,artist_names,track_name,source,peak_rank,
   previous_rank,weeks_on_chart|days_on_chart,streams` (viral charts: no streams),
   with a BOM, CRLF and every field quoted. Chart, country, frequency and date come
   from the name `regional|viral-<cc>-<daily|weekly>-<YYYY-MM-DD>.csv`
   (`regional-global-…` is worldwide), or from the options when a file was renamed.
2. Older spotifycharts.com files: a note line, then `Position,Track Name,Artist,
   Streams,URL` (viral: no Streams); only the main artist is given. The older weekly
   names carry a range, `…-weekly-2020-01-03--2020-01-10.csv`: the chart covers the
   seven days from the first date, so its last day is the day before the second.
3. The combined one-file layout: `title,rank,date,artist,url,region,chart,trend,
   streams`, region a country name, chart `top200` or `viral50` (viral: no streams).

Rows: chart_entries (a weekly row is dated on the last day of its week; position is
the rank; previous_rank -1, a new entry or re-entry, is stored as no previous
position), tracks keyed by their Spotify track id, their artists and credits (the
first-named artist main, the others featured; see kit.sources.ingest for how ", "
-joined names are split).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from ..countries import country_code, is_country_code
from ..schema import FREQUENCIES, GLOBAL
from . import ingest
from .ingest import Dimensions, IngestSummary, InputFile, ParsedFile

SOURCE = "spotify_charts"
PLATFORM = "spotify"

CHART_COLUMNS = (
    "rank",
    "uri",
    "artist_names",
    "track_name",
    "source",
    "peak_rank",
    "previous_rank",
)
OLD_COLUMNS = ("position", "track name", "artist", "streams", "url")
COMBINED_COLUMNS = ("title", "rank", "date", "artist", "url", "region", "chart", "trend", "streams")
COMBINED_CHARTS = {"top200": "top", "viral50": "viral"}

FILE_NAME = re.compile(
    r"^(?P<chart>regional|viral)-(?P<country>[a-z]+)-(?P<frequency>daily|weekly)-"
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:--(?P<until>\d{4}-\d{2}-\d{2}))?\.csv$",
    re.IGNORECASE,
)
TRACK_URI = r"^spotify:track:[0-9A-Za-z]+$"
TRACK_URL = r"^https?://open\.spotify\.com/track/(?P<id>[0-9A-Za-z]+)(?:[/?#].*)?$"


def load_spotify_charts(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    warehouse: str | os.PathLike | None = None,
    *,
    country: str | None = None,
    frequency: str | None = None,
    date: str | dt.date | None = None,
    artist_names: Sequence[str] = (),
    strict: bool = False,
    progress: bool | None = True,
    reload: bool = False,
) -> IngestSummary:
    """Load chart CSV files or folders of them; returns what was loaded and what was refused.

    `country`, `frequency` and `date` replace what a file's name says (for renamed
    files). `artist_names` are names containing ", " to keep whole when splitting
    credits. `strict` stops at the first refused file; `reload` loads files again even
    if their checksum is in the ingest_log."""
    given = _ChartFacts(
        chart=None,
        country=country_code(country) if country else None,
        frequency=_frequency(frequency) if frequency else None,
        date=_date(date) if date else None,
    )

    def parse(file: InputFile, dims: Dimensions) -> ParsedFile:
        return parse_chart_file(file, given)

    return ingest.ingest_files(
        paths,
        parse,
        source=SOURCE,
        suffixes=(".csv",),
        warehouse_dir=warehouse,
        strict=strict,
        progress=progress,
        reload=reload,
        artist_names=artist_names,
    )


class _ChartFacts:
    """What a chart file is: chart, country, frequency, date (None where unknown)."""

    def __init__(
        self, chart: str | None, country: str | None, frequency: str | None, date: dt.date | None
    ) -> None:
        self.chart, self.country, self.frequency, self.date = chart, country, frequency, date

    def over(self, other: _ChartFacts) -> _ChartFacts:
        """These facts where known, else `other`'s."""
        return _ChartFacts(
            self.chart or other.chart,
            self.country or other.country,
            self.frequency or other.frequency,
            self.date or other.date,
        )


def _frequency(value: str) -> str:
    value = value.strip().lower()
    if value not in FREQUENCIES:
        raise ValueError(f"Unknown frequency {value!r}: expected daily or weekly.")
    return value


def _date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"Unknown date {value!r}: expected YYYY-MM-DD.") from None


def facts_from_name(file: InputFile) -> _ChartFacts:
    """Chart, country, frequency and date from a charts.spotify.com or spotifycharts.com name."""
    found = FILE_NAME.match(file.name)
    if not found:
        return _ChartFacts(None, None, None, None)
    code = found["country"].lower()
    if code == "global":
        country = GLOBAL
    elif len(code) == 2 and is_country_code(code):
        country = code.upper()
    else:
        raise file.error(
            None,
            "file name",
            f"unknown country code {found['country']!r} in the file name: expected an ISO "
            "3166-1 alpha-2 code such as 'it', or 'global'",
        )
    frequency = found["frequency"].lower()
    try:
        day = dt.date.fromisoformat(found["date"])
        until = dt.date.fromisoformat(found["until"]) if found["until"] else None
    except ValueError:
        raise file.error(
            None, "file name", f"expected a date YYYY-MM-DD in the file name, got {found['date']!r}"
        ) from None
    if until is not None:
        # spotifycharts.com weekly names run from the week's first day to the day after its last
        span = (until - day).days
        if span not in (6, 7):
            raise file.error(
                None, "file name", f"expected a seven-day range in the file name, got {span} days"
            )
        day = until - dt.timedelta(days=span - 6)
    chart = "top" if found["chart"].lower() == "regional" else "viral"
    return _ChartFacts(chart, country, frequency, day)


def parse_chart_file(file: InputFile, given: _ChartFacts) -> ParsedFile:
    """One chart file of any of the three layouts, validated, as warehouse rows."""
    lines = file.text_lines(2)
    if not lines or not "".join(lines).strip():
        raise file.error(None, None, "the file is empty: expected a header line and chart rows")
    first = _header_names(lines[0])
    second = _header_names(lines[1]) if len(lines) > 1 else []
    if {"rank", "uri", "artist_names"} <= set(first):
        return _parse_charts_com(file, given.over(facts_from_name(file)))
    if {"position", "track name"} <= set(second):
        return _parse_spotifycharts_com(file, given.over(facts_from_name(file)))
    if {"title", "region", "chart"} <= set(first):
        return _parse_combined(file, given)
    raise file.error(
        1,
        None,
        "expected the header of a charts.spotify.com file (rank,uri,artist_names,…), a "
        "spotifycharts.com file (a note line, then Position,Track Name,Artist,Streams,URL) or "
        "the combined layout (title,rank,date,artist,url,region,chart,trend,streams)",
    )


def _header_names(line: str) -> list[str]:
    import csv

    return [c.strip().lower() for c in next(csv.reader([line]), [])]


def _require_date_and_country(file: InputFile, facts: _ChartFacts) -> None:
    if facts.country is None or facts.date is None:
        raise file.error(
            None,
            "file name",
            "cannot tell the chart's country and date: keep the download's name "
            "(regional-<cc>-<daily|weekly>-<YYYY-MM-DD>.csv) or give country and date "
            "(--country, --date)",
        )


def _parse_charts_com(file: InputFile, facts: _ChartFacts) -> ParsedFile:
    rows = ingest.read_csv_text(file)
    by_header = (
        "weekly"
        if "weeks_on_chart" in rows.column_names
        else "daily"
        if "days_on_chart" in rows.column_names
        else None
    )
    frequency = facts.frequency or by_header or "daily"
    chart = facts.chart or ("top" if "streams" in rows.column_names else "viral")
    counter = "weeks_on_chart" if frequency == "weekly" else "days_on_chart"
    required = [*CHART_COLUMNS, counter] + (["streams"] if chart == "top" else [])
    ingest.check_header(file, rows, required, () if chart == "top" else ("streams",))
    _require_date_and_country(file, facts)

    uri = ingest.matching(file, rows, "uri", TRACK_URI, "a Spotify track URI spotify:track:<id>")
    track_id = pc.utf8_slice_codeunits(uri, len("spotify:track:"))
    title = ingest.non_empty(file, rows, "track_name", "the track's title")
    artists = ingest.non_empty(file, rows, "artist_names", "the track's artists")
    entries = _entries(
        file,
        rows,
        facts,
        frequency,
        chart,
        track_id,
        position_column="rank",
        streams_column="streams" if chart == "top" else None,
        previous=_previous(file, rows),
    )
    ingest.duplicates(
        file, pa.table({"track_id": track_id}), "uri", lambda r: f"track {r['track_id']}"
    )
    return ParsedFile(
        rows=rows.num_rows,
        tables={"chart_entries": entries},
        track_artists=ingest.track_artists(track_id, title, artists, ingest.SPLIT_COMMA),
    )


def _parse_spotifycharts_com(file: InputFile, facts: _ChartFacts) -> ParsedFile:
    rows = ingest.read_csv_text(file, skip_records=1)
    chart = facts.chart or ("top" if "streams" in rows.column_names else "viral")
    required = ["position", "track name", "artist", "url"] + (["streams"] if chart == "top" else [])
    ingest.check_header(file, rows, required, () if chart == "top" else ("streams",), line=2)
    _require_date_and_country(file, facts)
    track_id = _track_ids_from_urls(file, rows)
    title = ingest.non_empty(file, rows, "track name", "the track's title")
    artist = ingest.non_empty(file, rows, "artist", "the track's main artist")
    entries = _entries(
        file,
        rows,
        facts,
        facts.frequency or "daily",
        chart,
        track_id,
        position_column="position",
        streams_column="streams" if chart == "top" else None,
        previous=pa.nulls(rows.num_rows, pa.int32()),
    )
    ingest.duplicates(
        file, pa.table({"track_id": track_id}), "url", lambda r: f"track {r['track_id']}"
    )
    return ParsedFile(
        rows=rows.num_rows,
        tables={"chart_entries": entries},
        track_artists=ingest.track_artists(track_id, title, artist, ingest.SPLIT_SINGLE),
        artist_names=pc.unique(artist).to_pylist(),
    )


def _parse_combined(file: InputFile, given: _ChartFacts) -> ParsedFile:
    rows = ingest.read_csv_text(file)
    ingest.check_header(file, rows, COMBINED_COLUMNS)
    chart = ingest.mapped(file, rows, "chart", _combined_chart)
    country = ingest.mapped(file, rows, "region", _region)
    day = ingest.dates(file, rows, "date")
    track_id = _track_ids_from_urls(file, rows)
    title = ingest.non_empty(file, rows, "title", "the track's title")
    artists = ingest.non_empty(file, rows, "artist", "the track's artists")
    position = ingest.whole_numbers(file, rows, "rank", minimum=1)
    streams = ingest.whole_numbers(file, rows, "streams", empty_ok=True)
    top = pc.equal(chart, "top")
    missing = ingest.first_true(pc.and_(top, pc.is_null(streams)))
    if missing is not None:
        raise file.reject_row(missing, "streams", "expected a whole number, got ''")
    streams = pc.if_else(top, streams, pa.scalar(None, pa.int64()))
    n = rows.num_rows
    entries = pa.table(
        {
            "date": day,
            "platform": pa.array([PLATFORM] * n),
            "country": country,
            "frequency": pa.array([given.frequency or "daily"] * n),
            "position": position,
            "track_id": track_id,
            "streams": streams,
            "source": pa.array([SOURCE] * n),
            "chart": chart,
            "previous_position": pa.nulls(n, pa.int32()),
        }
    )
    ingest.duplicates(
        file,
        entries.select(["date", "country", "chart", "track_id"]),
        "url",
        lambda r: f"track {r['track_id']} on the {r['chart']} chart of {r['country']}, {r['date']}",
    )
    return ParsedFile(
        rows=n,
        tables={"chart_entries": entries},
        track_artists=ingest.track_artists(track_id, title, artists, ingest.SPLIT_COMMA),
    )


def _combined_chart(value: str) -> str:
    chart = COMBINED_CHARTS.get(value.lower())
    if chart is None:
        raise ValueError(f"expected {' or '.join(COMBINED_CHARTS)}, got {value!r}")
    return chart


def _region(value: str) -> str:
    try:
        return country_code(value)
    except ValueError as exc:
        raise ValueError(f"expected a country name or code: {exc}") from None


def _track_ids_from_urls(file: InputFile, rows: pa.Table) -> pa.ChunkedArray:
    url = ingest.matching(
        file, rows, "url", TRACK_URL, "a track link https://open.spotify.com/track/<id>"
    )
    return pc.struct_field(pc.extract_regex(url, TRACK_URL), "id")


def _previous(file: InputFile, rows: pa.Table) -> pa.ChunkedArray:
    """previous_rank as a position; -1 (a new entry or a re-entry) and empty become null."""
    previous = ingest.whole_numbers(file, rows, "previous_rank", minimum=-1, empty_ok=True)
    return pc.if_else(pc.equal(previous, -1), pa.scalar(None, pa.int64()), previous)


def _entries(
    file: InputFile,
    rows: pa.Table,
    facts: _ChartFacts,
    frequency: str,
    chart: str,
    track_id: pa.ChunkedArray,
    *,
    position_column: str,
    streams_column: str | None,
    previous: pa.ChunkedArray | pa.Array,
) -> pa.Table:
    n = rows.num_rows
    position = ingest.whole_numbers(file, rows, position_column, minimum=1)
    streams = (
        ingest.whole_numbers(file, rows, streams_column)
        if streams_column
        else pa.nulls(n, pa.int64())
    )
    return pa.table(
        {
            "date": pa.array([facts.date] * n, pa.date32()),
            "platform": pa.array([PLATFORM] * n),
            "country": pa.array([facts.country] * n),
            "frequency": pa.array([frequency] * n),
            "position": position,
            "track_id": track_id,
            "streams": streams,
            "source": pa.array([SOURCE] * n),
            "chart": pa.array([chart] * n),
            "previous_position": previous,
        }
    )

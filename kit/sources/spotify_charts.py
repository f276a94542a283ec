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

import csv
import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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

    def read(file: InputFile, dims: Dimensions) -> ChartFile:
        return read_chart_file(file, given)

    return ingest.ingest_files(
        paths,
        read,
        convert_chart_files,
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


CHARTS_COM = "charts.spotify.com"
SPOTIFYCHARTS_COM = "spotifycharts.com"
COMBINED = "combined"


@dataclass
class ChartFile:
    """A chart file whose name and header were checked: its layout, facts and text rows."""

    layout: str
    facts: _ChartFacts  # for the combined layout only the frequency
    table: pa.Table  # the columns used, as text
    rows: int


def read_chart_file(file: InputFile, given: _ChartFacts) -> ChartFile:
    """Tell the layout, read the text, check the header and what the name says."""
    lines = file.text_lines(2)
    if not lines or not "".join(lines).strip():
        raise file.error(None, None, "the file is empty: expected a header line and chart rows")
    first = _header_names(lines[0])
    second = _header_names(lines[1]) if len(lines) > 1 else []
    if {"rank", "uri", "artist_names"} <= set(first):
        return _read_charts_com(file, given.over(facts_from_name(file)))
    if {"position", "track name"} <= set(second):
        return _read_spotifycharts_com(file, given.over(facts_from_name(file)))
    if {"title", "region", "chart"} <= set(first):
        rows = ingest.read_csv_text(file)
        ingest.check_header(file, rows, COMBINED_COLUMNS)
        facts = _ChartFacts(None, None, given.frequency or "daily", None)
        return ChartFile(COMBINED, facts, rows.drop_columns(["trend"]), rows.num_rows)
    raise file.error(
        1,
        None,
        "expected the header of a charts.spotify.com file (rank,uri,artist_names,…), a "
        "spotifycharts.com file (a note line, then Position,Track Name,Artist,Streams,URL) or "
        "the combined layout (title,rank,date,artist,url,region,chart,trend,streams)",
    )


def _header_names(line: str) -> list[str]:
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


def _read_charts_com(file: InputFile, facts: _ChartFacts) -> ChartFile:
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
    used = ["rank", "uri", "artist_names", "track_name", "previous_rank"]
    used += ["streams"] if chart == "top" else []
    facts = _ChartFacts(chart, facts.country, frequency, facts.date)
    return ChartFile(CHARTS_COM, facts, rows.select(used), rows.num_rows)


def _read_spotifycharts_com(file: InputFile, facts: _ChartFacts) -> ChartFile:
    rows = ingest.read_csv_text(file, skip_records=1)
    chart = facts.chart or ("top" if "streams" in rows.column_names else "viral")
    required = ["position", "track name", "artist", "url"] + (["streams"] if chart == "top" else [])
    ingest.check_header(file, rows, required, () if chart == "top" else ("streams",), line=2)
    _require_date_and_country(file, facts)
    facts = _ChartFacts(chart, facts.country, facts.frequency or "daily", facts.date)
    return ChartFile(SPOTIFYCHARTS_COM, facts, rows.select(required), rows.num_rows)


def convert_chart_files(
    items: Sequence[tuple[InputFile, ChartFile]], dims: Dimensions
) -> ParsedFile:
    """Validate and convert a batch of read chart files at once, vectorised.

    Files of the same layout and chart are converted together; `_file` is each row's
    file position in the batch (a later file wins on a shared key)."""
    groups: dict[tuple[str, str | None], list[int]] = {}
    for i, (_, chart_file) in enumerate(items):
        groups.setdefault((chart_file.layout, chart_file.facts.chart), []).append(i)
    entries, track_rows, names = [], [], []
    for (layout, _), positions in groups.items():
        files = [items[i][0] for i in positions]
        reads = [items[i][1] for i in positions]
        place = ingest.BatchRows(files, [r.rows for r in reads])
        rows = pa.concat_tables([r.table for r in reads])
        convert = {
            CHARTS_COM: _convert_charts_com,
            SPOTIFYCHARTS_COM: _convert_spotifycharts_com,
            COMBINED: _convert_combined,
        }[layout]
        group_entries, group_tracks, group_names = convert(place, rows, reads)
        ingest.duplicates(
            place,
            group_entries.select(["date", "country", "chart", "track_id"]).append_column(
                "_in_file", place.file_index
            ),
            "uri" if layout == CHARTS_COM else "url",
            _describe_repeat,
        )
        entries.append(
            group_entries.append_column(
                "_file", pc.take(pa.array(positions, pa.int32()), place.file_index)
            )
        )
        track_rows.append(group_tracks)
        names.extend(group_names)
    return ParsedFile(
        rows=sum(r.rows for _, r in items),
        tables={"chart_entries": pa.concat_tables(entries)},
        track_artists=pa.concat_tables(track_rows),
        artist_names=names,
    )


def _describe_repeat(row: dict) -> str:
    return f"track {row['track_id']} on the {row['chart']} chart of {row['country']}, {row['date']}"


def _per_file(place: ingest.BatchRows, reads: Sequence[ChartFile]) -> dict[str, pa.Array]:
    return {
        "date": place.per_file([r.facts.date for r in reads], pa.date32()),
        "country": place.per_file([r.facts.country for r in reads], pa.string()),
        "frequency": place.per_file([r.facts.frequency for r in reads], pa.string()),
        "chart": place.per_file([r.facts.chart for r in reads], pa.string()),
    }


def _convert_charts_com(
    place: ingest.BatchRows, rows: pa.Table, reads: Sequence[ChartFile]
) -> tuple[pa.Table, pa.Table, list[str]]:
    uri = ingest.matching(place, rows, "uri", TRACK_URI, "a Spotify track URI spotify:track:<id>")
    track_id = pc.utf8_slice_codeunits(uri, len("spotify:track:"))
    title = ingest.non_empty(place, rows, "track_name", "the track's title")
    artists = ingest.non_empty(place, rows, "artist_names", "the track's artists")
    previous = ingest.whole_numbers(place, rows, "previous_rank", minimum=-1, empty_ok=True)
    # -1 is a new entry or a re-entry: no previous position
    previous = pc.if_else(pc.equal(previous, -1), pa.scalar(None, pa.int64()), previous)
    entries = _entries(place, rows, reads, track_id, "rank", previous)
    tracks = ingest.track_artists(track_id, title, artists, ingest.SPLIT_COMMA)
    return entries, tracks, []


def _convert_spotifycharts_com(
    place: ingest.BatchRows, rows: pa.Table, reads: Sequence[ChartFile]
) -> tuple[pa.Table, pa.Table, list[str]]:
    track_id = _track_ids_from_urls(place, rows)
    title = ingest.non_empty(place, rows, "track name", "the track's title")
    artist = ingest.non_empty(place, rows, "artist", "the track's main artist")
    entries = _entries(
        place, rows, reads, track_id, "position", pa.nulls(rows.num_rows, pa.int64())
    )
    tracks = ingest.track_artists(track_id, title, artist, ingest.SPLIT_SINGLE)
    return entries, tracks, pc.unique(artist).to_pylist()


def _convert_combined(
    place: ingest.BatchRows, rows: pa.Table, reads: Sequence[ChartFile]
) -> tuple[pa.Table, pa.Table, list[str]]:
    chart = ingest.mapped(place, rows, "chart", _combined_chart)
    country = ingest.mapped(place, rows, "region", _region)
    day = ingest.dates(place, rows, "date")
    track_id = _track_ids_from_urls(place, rows)
    title = ingest.non_empty(place, rows, "title", "the track's title")
    artists = ingest.non_empty(place, rows, "artist", "the track's artists")
    position = ingest.whole_numbers(place, rows, "rank", minimum=1)
    streams = ingest.whole_numbers(place, rows, "streams", empty_ok=True)
    top = pc.equal(chart, "top")
    missing = ingest.first_true(pc.and_(top, pc.is_null(streams)))
    if missing is not None:
        raise place.reject_row(missing, "streams", "expected a whole number, got ''")
    n = rows.num_rows
    entries = pa.table(
        {
            "date": day,
            "platform": pa.repeat(PLATFORM, n),
            "country": country,
            "frequency": place.per_file([r.facts.frequency for r in reads], pa.string()),
            "position": position,
            "track_id": track_id,
            "streams": pc.if_else(top, streams, pa.scalar(None, pa.int64())),
            "source": pa.repeat(SOURCE, n),
            "chart": chart,
            "previous_position": pa.nulls(n, pa.int64()),
        }
    )
    tracks = ingest.track_artists(track_id, title, artists, ingest.SPLIT_COMMA)
    return entries, tracks, []


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


def _track_ids_from_urls(place: ingest.BatchRows, rows: pa.Table) -> pa.ChunkedArray:
    url = ingest.matching(
        place, rows, "url", TRACK_URL, "a track link https://open.spotify.com/track/<id>"
    )
    return pc.struct_field(pc.extract_regex(url, TRACK_URL), "id")


def _entries(
    place: ingest.BatchRows,
    rows: pa.Table,
    reads: Sequence[ChartFile],
    track_id: pa.ChunkedArray,
    position_column: str,
    previous: pa.ChunkedArray | pa.Array,
) -> pa.Table:
    """chart_entries rows of files whose chart, country, frequency and date are per file."""
    n = rows.num_rows
    streams = (
        ingest.whole_numbers(place, rows, "streams")
        if "streams" in rows.column_names
        else pa.nulls(n, pa.int64())
    )
    facts = _per_file(place, reads)
    return pa.table(
        {
            "date": facts["date"],
            "platform": pa.repeat(PLATFORM, n),
            "country": facts["country"],
            "frequency": facts["frequency"],
            "position": ingest.whole_numbers(place, rows, position_column, minimum=1),
            "track_id": track_id,
            "streams": streams,
            "source": pa.repeat(SOURCE, n),
            "chart": facts["chart"],
            "previous_position": previous,
        }
    )

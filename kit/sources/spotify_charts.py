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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

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
TRACK_URI = r"^spotify:track:(?P<id>[0-9A-Za-z]+)$"
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
    encoding: str | None = None,
) -> IngestSummary:
    """Load chart CSV files or folders of them; returns what was loaded and what was refused.

    `country`, `frequency` and `date` replace what a file's name says (for renamed
    files). `artist_names` are names containing ", " to keep whole when splitting
    credits. `strict` stops at the first refused file; `reload` loads files again even
    if their checksum is in the ingest_log. `encoding` is the files' encoding when it is
    not UTF-8 (such as "latin-1")."""
    given = _ChartFacts(
        chart=None,
        country=country_code(country) if country else None,
        frequency=_frequency(frequency) if frequency else None,
        date=_date(date) if date else None,
    )

    def read(file: InputFile, dims: Dimensions) -> ChartFile | ingest.StreamedFile:
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
        encoding=encoding,
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
    """A chart file whose name and header were checked: its layout, facts and text rows.

    A file too large to hold (InputFile.streamed) is read later, in chunks: `table` is None
    until then, and each chunk is a ChartFile whose `first_row` is its first row's data
    row in the file."""

    layout: str
    facts: _ChartFacts  # for the combined layout only the frequency
    table: pa.Table | None  # the columns used, as text
    rows: int
    used: tuple[str, ...] = ()
    header: tuple[str, ...] = ()  # the header's names as written
    skip_records: int = 0  # note records before the header
    first_row: int | None = None  # set on the chunks of a streamed file

    def chunks(self, file: InputFile) -> Iterator[ChartFile]:
        first = 0
        for table in ingest.stream_csv_text(
            file, self.header, self.used, skip_records=self.skip_records
        ):
            yield replace(self, table=table.select(self.used), rows=table.num_rows, first_row=first)
            first += table.num_rows


def read_chart_file(file: InputFile, given: _ChartFacts) -> ChartFile | ingest.StreamedFile:
    """Tell the layout, check the header and what the name says, and read the text (a
    streamed file: the loop reads its chunks)."""
    lines = file.text_lines(2)
    if not lines or not "".join(lines).strip():
        raise file.error(None, None, "the file is empty: expected a header line and chart rows")
    first = _header_names(lines[0])
    second = _header_names(lines[1]) if len(lines) > 1 else []
    if {"rank", "uri", "artist_names"} <= set(first):
        found = _charts_com(file, first, given.over(facts_from_name(file)))
    elif {"position", "track name"} <= set(second):
        found = _spotifycharts_com(file, second, given.over(facts_from_name(file)))
    elif {"title", "region", "chart"} <= set(first):
        ingest.check_header_names(file, first, COMBINED_COLUMNS)
        facts = _ChartFacts(None, None, given.frequency or "daily", None)
        used = tuple(c for c in COMBINED_COLUMNS if c != "trend")
        found = ChartFile(COMBINED, facts, None, 0, used)
    else:
        raise file.error(
            1,
            None,
            "expected the header of a charts.spotify.com file (rank,uri,artist_names,…), a "
            "spotifycharts.com file (a note line, then Position,Track Name,Artist,Streams,URL) "
            "or the combined layout (title,rank,date,artist,url,region,chart,trend,streams)",
        )
    header = ingest.check_csv_structure(file, found.skip_records)
    found = replace(found, header=tuple(header))
    if file.streamed:
        return ingest.StreamedFile(lambda: found.chunks(file), header_line=found.skip_records + 1)
    rows = ingest.read_csv_text(file, skip_records=found.skip_records)
    if not rows.num_rows:
        raise file.error(found.skip_records + 1, None, "the file has a header but no data rows")
    return replace(found, table=rows.select(list(found.used)), rows=rows.num_rows)


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


def _charts_com(file: InputFile, header: list[str], facts: _ChartFacts) -> ChartFile:
    by_header = (
        "weekly" if "weeks_on_chart" in header else "daily" if "days_on_chart" in header else None
    )
    frequency = facts.frequency or by_header or "daily"
    chart = facts.chart or ("top" if "streams" in header else "viral")
    counter = "weeks_on_chart" if frequency == "weekly" else "days_on_chart"
    required = [*CHART_COLUMNS, counter] + (["streams"] if chart == "top" else [])
    ingest.check_header_names(file, header, required, () if chart == "top" else ("streams",))
    _require_date_and_country(file, facts)
    used = ["rank", "uri", "artist_names", "track_name", "previous_rank"]
    used += ["streams"] if chart == "top" else []
    facts = _ChartFacts(chart, facts.country, frequency, facts.date)
    return ChartFile(CHARTS_COM, facts, None, 0, tuple(used))


def _spotifycharts_com(file: InputFile, header: list[str], facts: _ChartFacts) -> ChartFile:
    chart = facts.chart or ("top" if "streams" in header else "viral")
    required = ["position", "track name", "artist", "url"] + (["streams"] if chart == "top" else [])
    optional = () if chart == "top" else ("streams",)
    ingest.check_header_names(file, header, required, optional, line=2)
    _require_date_and_country(file, facts)
    facts = _ChartFacts(chart, facts.country, facts.frequency or "daily", facts.date)
    return ChartFile(SPOTIFYCHARTS_COM, facts, None, 0, tuple(required), skip_records=1)


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
    unique = None
    for (layout, _), positions in groups.items():
        files = [items[i][0] for i in positions]
        reads = [items[i][1] for i in positions]
        place = ingest.BatchRows(files, [r.rows for r in reads], [r.first_row or 0 for r in reads])
        rows = pa.concat_tables([r.table for r in reads])
        convert = {
            CHARTS_COM: _convert_charts_com,
            SPOTIFYCHARTS_COM: _convert_spotifycharts_com,
            COMBINED: _convert_combined,
        }[layout]
        group_entries, group_tracks, group_names = convert(place, rows, reads)
        field_name = "uri" if layout == CHARTS_COM else "url"
        if reads[0].first_row is not None:
            # a chunk of a streamed file (alone in its batch): the loop checks the repeats
            # over all its chunks, placing each row by `_row`
            group_entries = group_entries.append_column("_row", place.file_rows())
            unique = ingest.UniqueKey(REPEAT_KEY, field_name, _describe_repeat)
        else:
            keys = group_entries.select(list(REPEAT_KEY))
            keys = keys.append_column("_in_file", place.file_index)
            ingest.duplicates(place, keys, field_name, _describe_repeat)
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
        unique=unique,
    )


# a track appears once per chart and day
REPEAT_KEY = ("date", "country", "chart", "track_id")


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
    track_id = ingest.matching(
        place,
        rows,
        "uri",
        TRACK_URI,
        "a Spotify track URI spotify:track:<id>",
        extract="id",
        encoded=True,
    )
    title = ingest.non_empty(place, rows, "track_name", "the track's title", encoded=True)
    artists = ingest.non_empty(place, rows, "artist_names", "the track's artists", encoded=True)
    previous = ingest.whole_numbers(place, rows, "previous_rank", minimum=-1, empty_ok=True)
    # -1 is a new entry or a re-entry: no previous position
    previous = pc.if_else(pc.equal(previous, -1), pa.scalar(None, pa.int64()), previous)
    entries = _entries(place, rows, reads, track_id, "rank", previous)
    return entries, _track_rows(track_id, title, artists, ingest.SPLIT_COMMA), []


def _convert_spotifycharts_com(
    place: ingest.BatchRows, rows: pa.Table, reads: Sequence[ChartFile]
) -> tuple[pa.Table, pa.Table, list[str]]:
    track_id = _track_ids_from_urls(place, rows)
    title = ingest.non_empty(place, rows, "track name", "the track's title", encoded=True)
    artist = ingest.non_empty(place, rows, "artist", "the track's main artist", encoded=True)
    entries = _entries(
        place, rows, reads, track_id, "position", pa.nulls(rows.num_rows, pa.int64())
    )
    tracks = _track_rows(track_id, title, artist, ingest.SPLIT_SINGLE)
    return entries, tracks, list(dict.fromkeys(tracks.column("artists").to_pylist()))


def _convert_combined(
    place: ingest.BatchRows, rows: pa.Table, reads: Sequence[ChartFile]
) -> tuple[pa.Table, pa.Table, list[str]]:
    chart = ingest.mapped(place, rows, "chart", _combined_chart)
    country = ingest.mapped(place, rows, "region", _region, encoded=True)
    day = ingest.dates(place, rows, "date")
    track_id = _track_ids_from_urls(place, rows)
    title = ingest.non_empty(place, rows, "title", "the track's title", encoded=True)
    artists = ingest.non_empty(place, rows, "artist", "the track's artists", encoded=True)
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
    return entries, _track_rows(track_id, title, artists, ingest.SPLIT_COMMA), []


def _track_rows(
    track_id: pa.ChunkedArray, title: pa.ChunkedArray, artists: pa.ChunkedArray, split: str
) -> pa.Table:
    """The file's tracks and their credited artists (ingest.track_artists), from the first
    row of each (track, title, artists): a chart repeats its tracks day after day."""
    first = ingest.first_of_each(track_id, title, artists)
    return ingest.track_artists(
        *(pc.take(c, first).cast(pa.string()) for c in (track_id, title, artists)), split
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


def _track_ids_from_urls(place: ingest.BatchRows, rows: pa.Table) -> pa.ChunkedArray:
    return ingest.matching(
        place,
        rows,
        "url",
        TRACK_URL,
        "a track link https://open.spotify.com/track/<id>",
        extract="id",
        encoded=True,
    )


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

"""What every file ingest shares: validate a file completely, then write it.

A source module (spotify_charts, s4a, tables) turns files into a `ParsedFile` or
raises `FileRejected` naming the file, line, field and what was expected: either file
by file, or (charts) by reading each file and then validating a whole batch at once,
vectorised. `ingest_files` runs that over files and folders (a folder file by file,
sorted), skips files whose checksum the ingest_log already holds, writes the validated
files in batches through `kit.warehouse.write` (one ingest_log row per file), records
refused files in the ingest_log with outcome 'failed' (no data table is touched), and
returns an `IngestSummary`.

Artists and tracks are "dimension" rows: an artist or track already in the warehouse
keeps its row, and a new file only fills columns that are still empty there (a chart
file never wipes the ISRC or release date another source stored).

Splitting artist names. Chart files join a track's artists with ", " although some
names contain ", " themselves ("Tyler, The Creator"). `ArtistNames.split` reads the
pieces left to right and at each piece takes the longest run of pieces that, joined
with ", ", is a known artist name with a comma; every other piece is an artist of
its own. Known names: artists already in the warehouse, `NAMES_WITH_COMMAS`, names
passed as `artist_names=`, and single-artist fields read in the same call.
"""

from __future__ import annotations

import bisect
import collections
import csv
import datetime as dt
import hashlib
import io
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .. import config, ids, warehouse
from ..schema import ARTISTS, TABLES, TRACK_CREDITS, TRACKS, Table
from ..warehouse import LogEntry, WarehouseError

# Well-known artist names that contain ", ", so that they stay one artist even in a
# fresh warehouse. Any other such name is learnt from the warehouse or `artist_names=`.
NAMES_WITH_COMMAS = (
    "Tyler, The Creator",
    "Earth, Wind & Fire",
    "Crosby, Stills, Nash & Young",
    "Crosby, Stills & Nash",
    "Emerson, Lake & Palmer",
    "Blood, Sweat & Tears",
    "Peter, Paul and Mary",
    "Black Country, New Road",
    "Now, Now",
)

# Files per warehouse.write call are gathered until one of these is reached: a write
# rewrites each partition it touches, so fewer, larger writes are much faster.
BATCH_ROWS = 250_000
BATCH_FILES = 2_000

DIMENSIONS = (ARTISTS, TRACKS, TRACK_CREDITS)


# ---------------------------------------------------------------- errors and the summary


@dataclass(frozen=True)
class IngestError:
    """Why one file was refused: `file, line 14, field streams: expected …`."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


class FileRejected(Exception):
    """A file that fails validation; nothing of it is written."""

    def __init__(self, error: IngestError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class IngestSummary:
    """What one ingest call did. `errors` lists the refused files; `ok` is False if any."""

    source: str
    files: int = 0  # files looked at (loaded, skipped as duplicates, or refused)
    loaded: int = 0  # files written
    rows: int = 0  # data rows read from the loaded files
    rows_written: int = 0  # warehouse rows new or changed, all tables
    duplicates: int = 0  # files skipped: their checksum was already loaded
    errors: list[IngestError] = field(default_factory=list)
    warnings: list[IngestError] = field(default_factory=list)
    seconds: float = 0.0
    stopped: bool = False  # strict mode stopped at the first refused file

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        line = (
            f"{self.source}: {self.files:,} file(s), {self.loaded:,} loaded, "
            f"{self.rows:,} rows ({self.rows_written:,} new or changed), "
            f"{self.duplicates:,} duplicate(s) skipped, {len(self.errors):,} error(s), "
            f"{len(self.warnings):,} warning(s) in {self.seconds:.1f} s "
            f"({self.rows_per_second:,.0f} rows/s)"
        )
        if self.stopped:
            line += "; stopped at the first error (--strict)"
        return line


# ---------------------------------------------------------------- one input file


class InputFile:
    """A file's bytes, checksum, the name shown to the user, and its line numbers."""

    def __init__(self, path: Path, shown: str) -> None:
        self.path = path
        self.shown = shown
        self.data = path.read_bytes()
        self.checksum = hashlib.sha256(self.data).hexdigest()
        self.header_records = 1  # CSV records before the first data row (note + header)
        self.row_lines: list[int] | None = None  # line of each data row, when known

    @property
    def name(self) -> str:
        return self.path.name

    def error(self, line: int | None, field_name: str | None, message: str) -> FileRejected:
        return FileRejected(IngestError(self.shown, line, field_name, message))

    def reject_row(self, row: int, field_name: str | None, message: str) -> FileRejected:
        return self.error(self.line_of(row), field_name, message)

    def line_of(self, row: int) -> int:
        """The 1-based line where data row `row` (0-based) starts, as an editor shows it."""
        if self.row_lines is None:
            self.row_lines = _record_start_lines(self.data)[self.header_records :]
        return self.row_lines[row]

    def text_lines(self, count: int) -> list[str]:
        """The first `count` lines, decoded, without BOM or line ends (to sniff a layout)."""
        head = self.data[: 64 * 1024].decode("utf-8-sig", errors="replace")
        return head.splitlines()[:count]


class BatchRows:
    """The rows of several files read as one table: places a row in its file and line."""

    def __init__(self, files: Sequence[InputFile], counts: Sequence[int]) -> None:
        self.files = list(files)
        self.starts = list(itertools.accumulate([0, *counts[:-1]]))
        self.file_index = pa.array(np.repeat(np.arange(len(files), dtype=np.int32), counts))

    def _locate(self, row: int) -> tuple[InputFile, int]:
        k = bisect.bisect_right(self.starts, row) - 1
        return self.files[k], row - self.starts[k]

    def reject_row(self, row: int, field_name: str | None, message: str) -> FileRejected:
        file, local = self._locate(row)
        return file.reject_row(local, field_name, message)

    def line_of(self, row: int) -> int:
        file, local = self._locate(row)
        return file.line_of(local)

    def per_file(self, values: Sequence, type_: pa.DataType) -> pa.Array:
        """One value per file, spread over that file's rows."""
        return pc.take(pa.array(values, type_), self.file_index)


def _record_start_lines(data: bytes) -> list[int]:
    """The start line of each non-empty CSV record (only used to place an error)."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    starts = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return starts
        if record:
            starts.append(start)


# ---------------------------------------------------------------- reading


def read_csv_text(file: InputFile, *, skip_records: int = 0) -> pa.Table:
    """Every column as text, header names stripped and lower-cased; structure checked."""
    if not file.data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise file.error(None, None, "the file is empty: expected a header line and data rows")
    file.header_records = skip_records + 1
    header = _header(file, skip_records)
    if file.data.count(b'"') % 2:
        # an odd number of quotes: the last quoted field never closes
        line, fields = _last_record(file.data)
        raise file.error(
            line,
            _column_name(header, fields - 1),
            "a quoted field is not closed: the file looks truncated at its last line",
        )
    invalid: list[pacsv.InvalidRow] = []

    def keep_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    big = len(file.data) > 4 * 1024 * 1024
    try:
        rows = pacsv.read_csv(
            pa.BufferReader(file.data),
            read_options=pacsv.ReadOptions(skip_rows=skip_records, use_threads=big),
            parse_options=pacsv.ParseOptions(invalid_row_handler=keep_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        raise file.error(None, None, f"not a readable UTF-8 CSV file ({exc})") from None
    if invalid:
        bad = invalid[0]
        short = bad.actual_columns < bad.expected_columns
        raise file.error(
            bad.number,
            _column_name(header, bad.actual_columns if short else bad.expected_columns),
            f"expected {bad.expected_columns} fields, got {bad.actual_columns}"
            + (" (the line looks truncated)" if short else ""),
        )
    return rows.rename_columns([c.strip().lower() for c in rows.column_names])


def _header(file: InputFile, skip_records: int) -> list[str]:
    """The header's names as written, so that pyarrow reads every column as text."""
    lines = file.text_lines(skip_records + 1)
    if len(lines) <= skip_records:
        return []
    return next(csv.reader([lines[skip_records]]), [])


def _column_name(header: Sequence[str], index: int) -> str | None:
    return header[index].strip().lower() if 0 <= index < len(header) else None


def _last_record(data: bytes) -> tuple[int, int]:
    """(start line, number of fields) of the last CSV record (only to place an error)."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    line, fields = 1, 0
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except (StopIteration, csv.Error):
            return line, fields
        if record:
            line, fields = start, len(record)


def read_xlsx_text(file: InputFile) -> pa.Table:
    """The first sheet of a workbook as text columns; blank rows are skipped, lines kept."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise file.error(None, None, f"not a readable .xlsx workbook ({exc})") from None
    sheet = book.worksheets[0]
    # openpyxl yields rows as Python tuples: a workbook is read row by row whatever we do.
    cells = [
        (number, values)
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(v is not None and str(v).strip() != "" for v in values)
    ]
    book.close()
    if not cells:
        raise file.error(None, None, "the workbook's first sheet is empty")
    header_line, header = cells[0]
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    body = cells[1:]
    file.row_lines = [number for number, _ in body]
    columns = {}
    for i, name in enumerate(names):
        if not name:
            continue
        columns[name] = pa.array(
            [_cell_text(values[i] if i < len(values) else None) for _, values in body],
            pa.string(),
        )
    if not columns:
        raise file.error(header_line, None, "the first row has no column names")
    return pa.table(columns)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table_text(file: InputFile) -> pa.Table:
    """A .csv or .xlsx file as text columns."""
    if file.path.suffix.lower() == ".xlsx":
        return read_xlsx_text(file)
    return read_csv_text(file)


def check_header(
    file: InputFile,
    rows: pa.Table,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    line: int = 1,
) -> None:
    """Refuse a header that lacks a required column or has one nobody expects."""
    have = rows.column_names
    missing = [c for c in required if c not in have]
    unknown = [c for c in have if c not in required and c not in optional]
    if missing or unknown:
        problem = []
        if missing:
            problem.append(f"missing {', '.join(missing)}")
        if unknown:
            problem.append(f"unexpected {', '.join(unknown)}")
        expected = ",".join(required) + (f" (optional: {','.join(optional)})" if optional else "")
        raise file.error(
            line,
            (missing or unknown)[0],
            f"expected the header {expected}; {'; '.join(problem)}",
        )
    if not rows.num_rows:
        raise file.error(line, None, "the file has a header but no data rows")


# ---------------------------------------------------------------- vectorised checks

_WHOLE = r"^-?[0-9]+(\.0*)?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def first_true(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """The index of the first True, or None."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return None
    return pc.index(mask, True).as_py()


def text(rows: pa.Table, column: str) -> pa.ChunkedArray:
    return pc.utf8_trim_whitespace(rows.column(column))


def whole_numbers(
    file: InputFile | BatchRows,
    rows: pa.Table,
    column: str,
    *,
    minimum: int | None = 0,
    empty_ok: bool = False,
) -> pa.ChunkedArray:
    """A text column as int64 ('12', ' 12 ', '12.0'); empty cells are null when `empty_ok`."""
    try:
        # the common case, plain digits on every row, takes one pass
        numbers = pc.cast(rows.column(column), pa.int64())
    except pa.ArrowInvalid:
        numbers = _whole_numbers_located(file, rows, column, empty_ok)
    if minimum is not None:
        row = first_true(pc.less(numbers, minimum))
        if row is not None:
            got = rows.column(column)[row].as_py()
            raise file.reject_row(row, column, f"expected a whole number ≥ {minimum}, got {got!r}")
    return numbers


def _whole_numbers_located(
    file: InputFile | BatchRows, rows: pa.Table, column: str, empty_ok: bool
) -> pa.ChunkedArray:
    """Whole numbers written otherwise ('12.0', padded, empty), or the first bad value refused."""
    values = text(rows, column)
    empty = pc.equal(values, "")
    bad = pc.invert(pc.match_substring_regex(values, _WHOLE))
    bad = pc.and_(bad, pc.invert(empty)) if empty_ok else bad
    row = first_true(bad)
    if row is not None:
        got = rows.column(column)[row].as_py()
        raise file.reject_row(row, column, f"expected a whole number, got {got!r}")
    digits = pc.replace_substring_regex(values, r"\.0*$", "")
    digits = pc.if_else(empty, pa.scalar(None, pa.string()), digits)
    try:
        return pc.cast(digits, pa.int64())
    except pa.ArrowInvalid:
        row = first_true(pc.greater(pc.utf8_length(digits), 18)) or 0
        got = rows.column(column)[row].as_py()
        raise file.reject_row(
            row, column, f"expected a whole number, got {got!r} (too large)"
        ) from None


def dates(
    file: InputFile | BatchRows, rows: pa.Table, column: str, *, empty_ok: bool = False
) -> pa.ChunkedArray:
    """A text column of YYYY-MM-DD dates as date32; empty cells are null when `empty_ok`."""
    values = text(rows, column)
    parsed = pc.strptime(values, format="%Y-%m-%d", unit="s", error_is_null=True)
    bad = pc.or_(pc.invert(pc.match_substring_regex(values, _DATE)), pc.is_null(parsed))
    if empty_ok:
        bad = pc.and_(bad, pc.not_equal(values, ""))
    row = first_true(bad)
    if row is not None:
        got = rows.column(column)[row].as_py()
        raise file.reject_row(row, column, f"expected a date YYYY-MM-DD, got {got!r}")
    return pc.cast(parsed, pa.date32())


def non_empty(
    file: InputFile | BatchRows, rows: pa.Table, column: str, what: str
) -> pa.ChunkedArray:
    values = text(rows, column)
    row = first_true(pc.equal(values, ""))
    if row is not None:
        raise file.reject_row(row, column, f"expected {what}, got an empty value")
    return values


def matching(
    file: InputFile | BatchRows, rows: pa.Table, column: str, pattern: str, what: str
) -> pa.ChunkedArray:
    values = text(rows, column)
    row = first_true(pc.invert(pc.match_substring_regex(values, pattern)))
    if row is not None:
        got = rows.column(column)[row].as_py()
        raise file.reject_row(row, column, f"expected {what}, got {got!r}")
    return values


def mapped(
    file: InputFile | BatchRows,
    rows: pa.Table,
    column: str,
    convert: Callable[[str], str],
    values: pa.ChunkedArray | None = None,
) -> pa.ChunkedArray:
    """Each distinct value converted once (a country name to its code…); ValueError → refusal."""
    values = text(rows, column) if values is None else values
    distinct = pc.unique(values).to_pylist()
    out = {}
    for value in distinct:
        try:
            out[value] = convert(value)
        except ValueError as exc:
            row = pc.index(values, value).as_py()
            raise file.reject_row(row, column, str(exc)) from None
    return pc.take(
        pa.array(list(out.values()), pa.string()), pc.index_in(values, pa.array(list(out)))
    )


_local = threading.local()


def _duckdb() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB per thread, for checks that Arrow's group_by makes slow."""
    if not hasattr(_local, "con"):
        _local.con = duckdb.connect()
    return _local.con


def arrow_sql(query: str, **tables: pa.Table) -> pa.Table:
    """Run `query` over Arrow tables registered under the given names."""
    con = _duckdb()
    for name, rows in tables.items():
        con.register(name, rows)
    try:
        return con.sql(query).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)


def _quoted(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def duplicates(
    file: InputFile | BatchRows,
    keys: pa.Table,
    field_name: str,
    describe: Callable[[dict], str],
) -> None:
    """Refuse the first row whose key (all columns of `keys`) appeared on an earlier row."""
    if not keys.num_rows:
        return
    numbered = keys.append_column("_row", pa.array(np.arange(keys.num_rows)))
    repeats = arrow_sql(
        f"""
        select * from (
            select *, min(_row) over (partition by {_quoted(keys.column_names)}) as _first
            from numbered
        )
        where _row > _first
        order by _row
        limit 1
        """,
        numbered=numbered,
    ).to_pylist()
    if repeats:
        # the second occurrence is the line the user must look at
        dup = repeats[0]
        raise file.reject_row(
            dup["_row"],
            field_name,
            f"{describe(dup)} appears twice in this file "
            f"(first on line {file.line_of(dup['_first'])})",
        )


# ---------------------------------------------------------------- artists and tracks


class ArtistNames:
    """Splits ", "-joined artist credits, keeping known names that contain ", " whole."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._with_comma: dict[str, str] = {}
        self._memo: dict[str, list[str]] = {}
        self.learn(NAMES_WITH_COMMAS)
        self.learn(known)

    def learn(self, names: Iterable[str]) -> None:
        added = False
        for name in names:
            if name and ", " in name:
                key = ids.artist_id(name)
                if key not in self._with_comma:
                    self._with_comma[key] = name.strip()
                    added = True
        if added:
            self._memo.clear()

    def split(self, joined: str) -> list[str]:
        """'Tyler, The Creator, Kali Uchis' → ['Tyler, The Creator', 'Kali Uchis']."""
        found = self._memo.get(joined)
        if found is not None:
            return found
        pieces = [p.strip() for p in joined.split(", ") if p.strip()]
        names, i = [], 0
        while i < len(pieces):
            for j in range(len(pieces), i + 1, -1):
                candidate = ", ".join(pieces[i:j])
                if ids.artist_id(candidate) in self._with_comma:
                    names.append(candidate)
                    i = j
                    break
            else:
                names.append(pieces[i])
                i += 1
        self._memo[joined] = names
        return names


# How a `track_artists` row's `artists` text is split into names.
SPLIT_COMMA = "comma"  # ", "-joined, resolved with ArtistNames
SPLIT_SEMICOLON = "semicolon"  # "; "-joined, unambiguous
SPLIT_SINGLE = "single"  # one name

TRACK_ARTISTS = pa.schema(
    [
        ("track_id", pa.string()),
        ("title", pa.string()),
        ("artists", pa.string()),
        ("split", pa.string()),
        ("isrc", pa.string()),
        ("release_date", pa.date32()),
    ]
)


def track_artists(
    track_id: pa.ChunkedArray | pa.Array,
    title: pa.ChunkedArray | pa.Array,
    artists: pa.ChunkedArray | pa.Array,
    split: str,
    *,
    isrc: pa.ChunkedArray | pa.Array | None = None,
    release_date: pa.ChunkedArray | pa.Array | None = None,
) -> pa.Table:
    """The distinct (track, title, credited artists) of a file, resolved at write time."""
    columns = {"track_id": track_id, "title": title, "artists": artists}
    if isrc is not None:
        columns["isrc"] = isrc
    if release_date is not None:
        columns["release_date"] = release_date
    distinct = arrow_sql("select distinct * from track_rows", track_rows=pa.table(columns))
    n = distinct.num_rows
    return pa.table(
        {
            "track_id": distinct.column("track_id"),
            "title": distinct.column("title"),
            "artists": distinct.column("artists"),
            "split": pa.repeat(pa.scalar(split, pa.string()), n),
            "isrc": distinct.column("isrc") if isrc is not None else pa.nulls(n, pa.string()),
            "release_date": distinct.column("release_date")
            if release_date is not None
            else pa.nulls(n, pa.date32()),
        },
        schema=TRACK_ARTISTS,
    )


@dataclass
class ParsedFile:
    """A validated file: rows for the warehouse's fact tables, and who/what they name."""

    rows: int  # data rows read, for the summary
    tables: dict[str, pa.Table] = field(default_factory=dict)  # fact tables
    track_artists: pa.Table | None = None  # TRACK_ARTISTS rows
    artist_names: list[str] = field(default_factory=list)  # artists named one by one
    warnings: list[IngestError] = field(default_factory=list)


class Dimensions:
    """The warehouse's artists, tracks and credits, kept in memory during one ingest."""

    def __init__(self, root: Path) -> None:
        self.existing = {t.name: warehouse.read_table(t.name, root) for t in DIMENSIONS}
        self.names = ArtistNames(self.existing["artists"].column("name").to_pylist())

    def rows_for(self, batch: Sequence[ParsedFile]) -> dict[str, pa.Table]:
        """New or filled-in artists, tracks and credits for a batch of files."""
        artist_names = [n for p in batch for n in p.artist_names]
        parts = [p.track_artists for p in batch if p.track_artists is not None]
        track_rows = pa.concat_tables(parts) if parts else TRACK_ARTISTS.empty_table()
        credits = self._credits(track_rows)
        names = pa.concat_arrays(
            [
                pa.array(artist_names, pa.string()),
                credits.column("name").combine_chunks().cast(pa.string()),
            ]
        )
        artists = _distinct_first(pa.table({"name": names}), "name")
        artists = artists.add_column(0, "artist_id", artist_ids(artists.column("name")))
        tracks = track_rows.select(["track_id", "title", "isrc", "release_date"])
        out = {
            "artists": _distinct_first(artists, "artist_id"),
            "tracks": _distinct_first(tracks, "track_id"),
            "track_credits": _distinct_first(
                pa.table(
                    {
                        "track_id": credits.column("track_id"),
                        "artist_id": artist_ids(credits.column("name")),
                        "role": credits.column("role"),
                        "credit_order": credits.column("credit_order"),
                    }
                ),
                ["track_id", "artist_id"],
            ),
        }
        return {name: self._fill_in(TABLES[name], rows) for name, rows in out.items()}

    def _credits(self, track_rows: pa.Table) -> pa.Table:
        """(track_id, name, role, credit_order): first-named artist main, the rest featured."""
        exploded: dict[str, list] = {"artists": [], "split": [], "name": [], "credit_order": []}
        pairs = track_rows.select(["artists", "split"])
        pairs = pairs.group_by(pairs.column_names, use_threads=False).aggregate([])
        # one Python step per distinct credit text, never per row
        for joined, how in zip(
            pairs.column("artists").to_pylist(), pairs.column("split").to_pylist(), strict=True
        ):
            if how == SPLIT_COMMA:
                names = self.names.split(joined)
            elif how == SPLIT_SEMICOLON:
                names = [n.strip() for n in joined.split(";") if n.strip()]
            else:
                names = [joined.strip()]
            for order, name in enumerate(names, start=1):
                exploded["artists"].append(joined)
                exploded["split"].append(how)
                exploded["name"].append(name)
                exploded["credit_order"].append(order)
        names = pa.table(
            exploded,
            schema=pa.schema(
                [
                    ("artists", pa.string()),
                    ("split", pa.string()),
                    ("name", pa.string()),
                    ("credit_order", pa.int16()),
                ]
            ),
        )
        joined = (
            track_rows.select(["track_id", "artists", "split"])
            .join(names, ["artists", "split"])
            .sort_by([("track_id", "ascending"), ("credit_order", "ascending")])
        )
        role = pc.if_else(pc.equal(joined.column("credit_order"), 1), "main", "featured")
        return pa.table(
            {
                "track_id": joined.column("track_id"),
                "name": joined.column("name"),
                "role": role,
                "credit_order": joined.column("credit_order"),
            }
        )

    def _fill_in(self, table: Table, new: pa.Table) -> pa.Table:
        """Rows to write: unknown keys, and known keys whose empty columns `new` can fill."""
        old = self.existing[table.name]
        new = warehouse.conform(table, new)
        if not new.num_rows:
            return new
        on = " and ".join(f'o."{k}" = n."{k}"' for k in table.key)
        columns = ", ".join(
            f'n."{c}"' if c in table.key else f'coalesce(o."{c}", n."{c}") as "{c}"'
            for c in table.schema.names
        )
        fills = " or ".join(
            f'(o."{c}" is null and n."{c}" is not null)'
            for c in table.schema.names
            if c not in table.key
        )
        rows = arrow_sql(
            f"""
            select {columns}
            from new_rows as n left join old_rows as o on {on}
            where o."{table.key[0]}" is null or {fills}
            """,
            old_rows=old,
            new_rows=new,
        )
        return rows.cast(table.schema)

    def written(self, tables: dict[str, pa.Table]) -> None:
        """Take rows that reached the warehouse into the in-memory copy."""
        for table in DIMENSIONS:
            rows = tables.get(table.name)
            if rows is None or not rows.num_rows:
                continue
            old = self.existing[table.name]
            keep = _anti_join(old, rows, list(table.key))
            self.existing[table.name] = pa.concat_tables([keep, rows.cast(table.schema)])
        self.names.learn(self.existing["artists"].column("name").to_pylist())


def artist_ids(names: pa.ChunkedArray | pa.Array) -> pa.Array:
    """kit.ids.artist_id of each name, worked out once per distinct name."""
    distinct = pc.unique(names)
    ids_ = pa.array([ids.artist_id(n) for n in distinct.to_pylist()], pa.string())
    return pc.take(ids_, pc.index_in(names, distinct))


def _distinct_first(rows: pa.Table, key: str | list[str]) -> pa.Table:
    """The first row of each key."""
    if not rows.num_rows:
        return rows
    keys = [key] if isinstance(key, str) else key
    numbered = rows.append_column("_row", pa.array(np.arange(rows.num_rows)))
    firsts = arrow_sql(
        f"""
        select * exclude (_row) from numbered
        qualify row_number() over (partition by {_quoted(keys)} order by _row) = 1
        order by _row
        """,
        numbered=numbered,
    )
    return firsts.cast(rows.schema)


def derived_track_id(title: str, artists: Sequence[str]) -> str:
    """The id of a track known only by title and artists: 'title:<artists>/<title>' in slugs."""
    return f"title:{ids.slug(' '.join(artists))}/{ids.slug(title)}"


def daily_from_cumulative(
    file: InputFile, rows: pa.Table, series: Sequence[str], value: str
) -> tuple[pa.Table, list[IngestError]]:
    """Running totals → daily values: each value minus the series' value of the day before.

    `rows` has `date`, `value` and `_row` (the data row, to name its line). The first date
    of a series has no day before and is dropped; so is a value after a gap in the dates
    (its difference covers several days), with a warning. A decrease is refused."""
    con = duckdb.connect()
    con.register("cumulative", rows)
    keys = ", ".join(f'"{c}"' for c in series)
    steps = con.sql(
        f"""
        select *,
            lag("{value}") over w as _previous,
            lag("date") over w as _previous_date,
            lag(_row) over w as _previous_row
        from cumulative
        window w as (partition by {keys} order by "date")
        """
    ).to_arrow_table()
    con.close()
    down = steps.filter(pc.less(steps.column(value), steps.column("_previous")))
    if down.num_rows:
        first = down.sort_by("_row").slice(0, 1).to_pylist()[0]
        raise file.reject_row(
            first["_row"],
            value,
            f"expected a running total that never decreases, got {first[value]:,} on "
            f"{first['date']} after {first['_previous']:,} on {first['_previous_date']} "
            f"(line {file.line_of(first['_previous_row'])})",
        )
    one_day = pa.scalar(dt.timedelta(days=1), pa.duration("s"))
    step = pc.subtract(steps.column("date"), steps.column("_previous_date"))
    after_gap = pc.fill_null(pc.not_equal(step, one_day), False)
    warnings = []
    gaps = pc.sum(after_gap).as_py() or 0
    if gaps:
        warnings.append(
            IngestError(
                file.shown,
                None,
                value,
                f"{gaps} running total(s) follow a gap in the dates and were dropped: "
                "their difference covers several days, not one",
            )
        )
    daily = steps.filter(pc.fill_null(pc.equal(step, one_day), False))
    daily = daily.set_column(
        daily.schema.get_field_index(value),
        value,
        pc.subtract(daily.column(value), daily.column("_previous")),
    )
    return daily.drop_columns(["_previous", "_previous_date", "_previous_row"]), warnings


def _anti_join(old: pa.Table, new: pa.Table, keys: list[str]) -> pa.Table:
    if not old.num_rows:
        return old
    marked = new.select(keys).append_column("_new", pa.array([True] * new.num_rows))
    joined = old.join(marked, keys, join_type="left outer")
    return joined.filter(pc.is_null(joined.column("_new"))).select(old.column_names)


# ---------------------------------------------------------------- the loop


@dataclass
class _Pending:
    file: InputFile
    read: Any  # what the source's `read` returned for the file
    rows: int


def expand_paths(
    paths: str | os.PathLike | Iterable[str | os.PathLike], suffixes: Sequence[str]
) -> list[tuple[Path | None, str]]:
    """(path, name shown) for each file: folders file by file, sorted; (None, name) if missing."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    out: list[tuple[Path | None, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in suffixes
                and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts)
            )
            out.extend((p, str(p)) for p in found)
        elif path.is_file():
            out.append((path, str(given)))
        else:
            out.append((None, str(given)))
    return out


def ingest_files(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    read: Callable[[InputFile, Dimensions], Any],
    convert: Callable[[Sequence[tuple[InputFile, Any]], Dimensions], ParsedFile] | None = None,
    *,
    source: str,
    suffixes: Sequence[str],
    warehouse_dir: str | os.PathLike | None = None,
    strict: bool = False,
    progress: bool | None = True,
    reload: bool = False,
    artist_names: Iterable[str] = (),
) -> IngestSummary:
    """Validate each file, then write the good ones in batches; see the module docstring.

    `read` checks what can be checked file by file (name, header) and returns something
    with a `rows` count; `convert` validates and converts a whole batch of read files at
    once, vectorised, raising FileRejected for the first bad file. Without `convert`,
    `read` returns the file's ParsedFile itself."""
    from tqdm.auto import tqdm

    started = time.perf_counter()
    root = config.warehouse_path(warehouse_dir)
    summary = IngestSummary(source=source)
    files = expand_paths(paths, suffixes)
    loaded = set() if reload else warehouse.loaded_checksums(root, source)
    dims = Dimensions(root)
    dims.names.learn(artist_names)
    to_parsed = convert or merge_parsed
    batch: list[_Pending] = []
    batch_rows = 0
    batch_limit = 1 if strict else BATCH_FILES  # strict: nothing after a bad file is written

    def refuse(error: IngestError, file: InputFile | None) -> None:
        summary.errors.append(error)
        warehouse.log_failure(
            source=source,
            file=os.path.abspath(file.path) if file else error.file,
            message=str(error),
            checksum=file.checksum if file else None,
            warehouse=root,
        )

    def write(pending: Sequence[_Pending], parsed: ParsedFile) -> bool:
        """Write a converted batch; False if a batch of several files failed to write."""
        try:
            dims.names.learn(parsed.artist_names)
            tables = _batch_tables(parsed, dims)
            result = warehouse.write(
                tables,
                source=source,
                warehouse=root,
                log=[
                    LogEntry(source, os.path.abspath(p.file.path), p.file.checksum, rows=p.rows)
                    for p in pending
                ],
            )
        except Exception as exc:
            if len(pending) > 1:
                return False
            if not isinstance(exc, WarehouseError):
                raise
            refuse(IngestError(pending[0].file.shown, None, None, str(exc)), pending[0].file)
            return True
        dims.written(tables)
        summary.loaded += len(pending)
        summary.rows += sum(p.rows for p in pending)
        summary.rows_written += result.total_written
        summary.warnings.extend(parsed.warnings)
        loaded.update(p.file.checksum for p in pending)
        return True

    def flush(pending: list[_Pending]) -> None:
        if not pending:
            return
        try:
            parsed = to_parsed([(p.file, p.read) for p in pending], dims)
        except FileRejected as exc:
            if len(pending) == 1:
                refuse(exc.error, pending[0].file)
                return
            # check the files one by one, so that each bad one gets its own message,
            # then write the good ones together
            good = [p for p in pending if _accepted(p)]
            if len(good) < len(pending):
                flush(good)
            else:
                for one in pending:
                    flush([one])
            return
        if not write(pending, parsed):
            # a batch that fails to write must not lose its good files: one by one
            for one in pending:
                flush([one])

    def _accepted(one: _Pending) -> bool:
        try:
            to_parsed([(one.file, one.read)], dims)
        except FileRejected as exc:
            refuse(exc.error, one.file)
            return False
        return True

    bar = tqdm(
        total=len(files),
        unit="file",
        desc=source,
        disable=None if progress is None else not progress,
    )
    in_batch: set[str] = set()
    # charts are read ahead on threads (pyarrow parses without the GIL); strict mode reads
    # nothing after a bad file, and other sources' reads look at the warehouse's state
    ahead = _read_ahead(files, read, dims, threads=convert is not None and not strict)
    try:
        for shown, file, prepared in ahead:
            summary.files += 1
            bar.update(1)
            if file is None:
                refuse(IngestError(shown, None, None, "no such file or folder"), None)
            elif file.checksum in loaded or file.checksum in in_batch:
                summary.duplicates += 1
                continue
            elif isinstance(prepared, FileRejected):
                refuse(prepared.error, file)
            else:
                batch.append(_Pending(file, prepared, prepared.rows))
                in_batch.add(file.checksum)
                batch_rows += prepared.rows
                if batch_rows >= BATCH_ROWS or len(batch) >= batch_limit:
                    flush(batch)
                    batch, batch_rows = [], 0
                    in_batch.clear()
            if strict and summary.errors:
                summary.stopped = True
                break
            bar.set_postfix(rows=f"{summary.rows + batch_rows:,}", refresh=False)
        flush(batch)
    finally:
        ahead.close()
        bar.close()
        summary.seconds = time.perf_counter() - started
    return summary


READ_THREADS = min(4, os.cpu_count() or 1)
READ_AHEAD = 64  # files read but not yet taken: bounds the memory a fast reader uses


def _read_ahead(
    files: Sequence[tuple[Path | None, str]],
    read: Callable[[InputFile, Dimensions], Any],
    dims: Dimensions,
    *,
    threads: bool,
) -> Iterator[tuple[str, InputFile | None, Any]]:
    """(name shown, file or None if missing, what `read` returned or its FileRejected), in order."""

    def one(item: tuple[Path | None, str]) -> tuple[str, InputFile | None, Any]:
        path, shown = item
        if path is None:
            return shown, None, None
        file = InputFile(path, shown)
        try:
            return shown, file, read(file, dims)
        except FileRejected as exc:
            return shown, file, exc

    if not threads or READ_THREADS < 2:
        yield from map(one, files)
        return
    with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
        pending = iter(files)
        window = collections.deque(
            pool.submit(one, f) for f in itertools.islice(pending, READ_AHEAD)
        )
        try:
            while window:
                done = window.popleft().result()
                following = next(pending, None)
                if following is not None:
                    window.append(pool.submit(one, following))
                yield done
        finally:
            for future in window:
                future.cancel()


def merge_parsed(items: Sequence[tuple[InputFile, ParsedFile]], dims: Dimensions) -> ParsedFile:
    """Files parsed one by one as one ParsedFile; `_file` keeps their order for `_batch_tables`."""
    parsed = [p for _, p in items]
    tables: dict[str, pa.Table] = {}
    for name in sorted({n for p in parsed for n in p.tables}):
        parts = []
        for i, p in enumerate(parsed):
            if name in p.tables:
                rows = warehouse.conform(TABLES[name], p.tables[name])
                parts.append(
                    rows.append_column("_file", pa.repeat(pa.scalar(i, pa.int32()), rows.num_rows))
                )
        tables[name] = pa.concat_tables(parts)
    track_rows = [p.track_artists for p in parsed if p.track_artists is not None]
    return ParsedFile(
        rows=sum(p.rows for p in parsed),
        tables=tables,
        track_artists=pa.concat_tables(track_rows) if track_rows else None,
        artist_names=[n for p in parsed for n in p.artist_names],
        warnings=[w for p in parsed for w in p.warnings],
    )


def _batch_tables(parsed: ParsedFile, dims: Dimensions) -> dict[str, pa.Table]:
    """One table per warehouse table; where files share a key, the later file's row wins.

    A table may carry `_file` (the file's position in the batch) for that rule."""
    out: dict[str, pa.Table] = {}
    for name, rows in parsed.tables.items():
        table = TABLES[name]
        order = None
        if "_file" in rows.column_names:
            order = rows.column("_file")
            rows = rows.drop_columns(["_file"])
        rows = warehouse.conform(table, rows)
        if order is not None and _has_repeated_keys(rows, table.key):
            rows = arrow_sql(
                f"select * exclude (_file) from batch_rows qualify row_number() over "
                f"(partition by {_quoted(table.key)} order by _file desc) = 1",
                batch_rows=rows.append_column("_file", order),
            ).cast(table.schema)
        out[name] = rows
    for name, rows in dims.rows_for([parsed]).items():
        if rows.num_rows:
            out[name] = rows
    return out


def _has_repeated_keys(rows: pa.Table, key: Sequence[str]) -> bool:
    distinct = arrow_sql(
        f"select count(*) as n from (select distinct {_quoted(key)} from key_rows)",
        key_rows=rows.select(list(key)),
    )
    return distinct.column("n")[0].as_py() < rows.num_rows

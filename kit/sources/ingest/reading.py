"""Reading an input file: its bytes and checksum, its text columns, and where a row is.

A CSV is read by pyarrow with every column as text, so that validation (validation.py)
sees what the file says; an .xlsx workbook's first sheet is read the same way. A file
larger than STREAM_BYTES is never held whole: its checksum is computed block by block on
a thread while a source that can (chart files) reads it in chunks of CHUNK_ROWS rows. A row is placed
in its file and line (as an editor shows it) only when an error names it.

Files are UTF-8 unless an encoding is given (a UTF-8 or UTF-16 byte-order mark is
recognised); a file that cannot be read in its encoding is refused at its first bad
line, never with a traceback.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .errors import FileRejected, IngestError

STREAM_BYTES = 64 * 2**20  # larger files are read in chunks, never whole
CHUNK_ROWS = 500_000  # rows of a streamed file validated at once
BLOCK_BYTES = 2**20  # pyarrow's CSV block: the streaming reader's unit of work
HEAD_BYTES = 64 * 1024  # what is read to tell a file's layout

UTF8 = "utf-8"


def encoding_name(given: str | None) -> str | None:
    """The codec name for `given` (None: UTF-8 with byte-order mark detection); a
    ValueError for a name Python does not know, before any file is read."""
    if given is None:
        return None
    try:
        name = codecs.lookup(given).name
    except LookupError:
        raise ValueError(
            f"Unknown encoding {given!r}: expected a name such as utf-8, latin-1 or cp1252."
        ) from None
    # pyarrow skips a UTF-8 byte-order mark itself, without transcoding
    return UTF8 if name == "utf-8-sig" else name


# ---------------------------------------------------------------- one input file


class InputFile:
    """A file's checksum, encoding, the name shown to the user, and its line numbers.

    Its bytes (`data`) are read only when asked for: a streamed file is read in chunks."""

    def __init__(self, path: Path, shown: str, encoding: str | None = None) -> None:
        self.path = path
        self.shown = shown
        self.size = path.stat().st_size
        self.streamed = self.size > STREAM_BYTES
        self._data: bytes | None = None
        if self.streamed:
            with open(path, "rb") as fh:
                self.head = fh.read(HEAD_BYTES)
            # the checksum pass runs beside the reading: nothing waits for it until the
            # file's rows are about to be written
            self._scan: _Scan | tuple[str, int] = _Scan(path)
        else:
            self._data = path.read_bytes()
            self._scan = (hashlib.sha256(self._data).hexdigest(), self._data.count(b'"'))
            self.head = self._data[:HEAD_BYTES]
        if encoding is not None:
            self.encoding = encoding
        elif self.head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.encoding = "utf-16"
        else:
            self.encoding = UTF8
        self.header_records = 1  # CSV records before the first data row (note + header)
        self.row_lines: list[int] | None = None  # line of each data row, when known

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def checksum(self) -> str:
        """The SHA-256 of the file's bytes (a streamed file: waits for its checksum pass)."""
        return (self._scan.result() if isinstance(self._scan, _Scan) else self._scan)[0]

    @property
    def checksum_known(self) -> bool:
        return not isinstance(self._scan, _Scan) or not self._scan.is_alive()

    @property
    def odd_quotes(self) -> bool:
        """Whether the file holds an odd number of quotes: a quoted field never closes."""
        return bool((self._scan.result() if isinstance(self._scan, _Scan) else self._scan)[1] % 2)

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self.path.read_bytes()
        return self._data

    @property
    def _text_codec(self) -> str:
        """The codec that decodes the bytes to text, dropping a byte-order mark."""
        return "utf-8-sig" if self.encoding == UTF8 else self.encoding

    def error(self, line: int | None, field_name: str | None, message: str) -> FileRejected:
        return FileRejected(IngestError(self.shown, line, field_name, message))

    def reject_row(self, row: int, field_name: str | None, message: str) -> FileRejected:
        return self.error(self.line_of(row), field_name, message)

    def line_of(self, row: int) -> int:
        """The 1-based line where data row `row` (0-based) starts, as an editor shows it."""
        if self.row_lines is None and not self.streamed:
            self.row_lines = _record_start_lines(self.text())[self.header_records :]
        if self.row_lines is not None:
            return self.row_lines[row]
        # a streamed file: read up to that row (only to place an error)
        return next(itertools.islice(self._records(), self.header_records + row, None))[0]

    def text(self) -> str:
        return self.data.decode(self._text_codec, errors="replace")

    def text_lines(self, count: int) -> list[str]:
        """The first `count` lines, decoded, without BOM or line ends (to sniff a layout);
        a file whose first lines are not in its encoding is refused here."""
        head = self.head.decode(self._text_codec, errors="replace")
        try:
            self.head.decode(self._text_codec)
        except UnicodeDecodeError as exc:
            if exc.start < len(self.head) - 4 or len(self.head) == self.size:
                # not a character cut at the end of the head: a byte the encoding cannot read
                self.check_encoding(next(csv.reader(head.splitlines()[:1]), []))
        return head.splitlines()[:count]

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(start line, fields) of each non-empty CSV record, read as a stream."""
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self._text_codec, errors="replace", newline="")
            reader = csv.reader(text)
            while True:
                start = reader.line_num + 1
                try:
                    record = next(reader)
                except (StopIteration, csv.Error):
                    return
                if record:
                    yield start, record

    def check_encoding(self, header: Sequence[str] = ()) -> None:
        """Refuse the file at its first line that is not in its encoding."""
        found = _first_undecodable(self)
        if found is None:
            return
        line, offset, byte = found
        if self.encoding == UTF8:
            message = (
                f"the file is not UTF-8: byte {byte:#04x} is not valid UTF-8; if you know its "
                "encoding, give it with --encoding (encoding= in Python), such as latin-1 or cp1252"
            )
        else:
            message = f"the file is not {self.encoding}: byte {byte:#04x} cannot be read as such"
        raise self.error(line, _field_of_byte(self, line, offset, header), message)


class _Scan(threading.Thread):
    """A streamed file's checksum and quote count, computed block by block on a thread of
    its own (hashlib and bytes.count release the GIL on large blocks)."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self._found: tuple[str, int] | None = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        digest, quotes = hashlib.sha256(), 0
        try:
            with open(self.path, "rb") as fh:
                for block in iter(lambda: fh.read(BLOCK_BYTES), b""):
                    digest.update(block)
                    quotes += block.count(b'"')
            self._found = (digest.hexdigest(), quotes)
        except BaseException as exc:  # handed to the thread that asks
            self._error = exc

    def result(self) -> tuple[str, int]:
        self.join()
        if self._error is not None:
            raise self._error
        assert self._found is not None
        return self._found


class BatchRows:
    """The rows of several files read as one table: places a row in its file and line.

    `first_rows` is each file's data row of its first row here (a chunk of a streamed file
    starts past 0)."""

    def __init__(
        self,
        files: Sequence[InputFile],
        counts: Sequence[int],
        first_rows: Sequence[int] | None = None,
    ) -> None:
        self.files = list(files)
        self.starts = list(itertools.accumulate([0, *counts[:-1]]))
        self.first_rows = list(first_rows) if first_rows is not None else [0] * len(self.files)
        self.file_index = pa.array(np.repeat(np.arange(len(files), dtype=np.int32), counts))

    def _locate(self, row: int) -> tuple[InputFile, int]:
        k = bisect.bisect_right(self.starts, row) - 1
        return self.files[k], row - self.starts[k] + self.first_rows[k]

    def reject_row(self, row: int, field_name: str | None, message: str) -> FileRejected:
        file, local = self._locate(row)
        return file.reject_row(local, field_name, message)

    def line_of(self, row: int) -> int:
        file, local = self._locate(row)
        return file.line_of(local)

    def file_rows(self) -> pa.Array:
        """Each row's data row in its own file (0-based)."""
        starts = np.repeat(np.asarray(self.starts) - np.asarray(self.first_rows), self._counts())
        return pa.array(np.arange(len(self.file_index)) - starts)

    def _counts(self) -> np.ndarray:
        return np.diff([*self.starts, len(self.file_index)])

    def per_file(self, values: Sequence, type_: pa.DataType) -> pa.Array:
        """One value per file, spread over that file's rows."""
        return pc.take(pa.array(values, type_), self.file_index)


def _record_start_lines(text: str) -> list[int]:
    """The start line of each non-empty CSV record (only used to place an error)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except (StopIteration, csv.Error):
            return starts
        if record:
            starts.append(start)


def _first_undecodable(file: InputFile) -> tuple[int, int, int] | None:
    """(line, byte offset in that line, byte value) of the first byte `file`'s encoding
    cannot decode, or None. Reads the file as a stream."""
    decoder = codecs.getincrementaldecoder(file._text_codec)()
    offset = 0  # bytes given to the decoder so far
    with open(file.path, "rb") as fh:
        for block in itertools.chain(iter(lambda: fh.read(BLOCK_BYTES), b""), [None]):
            try:
                if block is None:
                    decoder.decode(b"", final=True)
                    return None
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                # exc.object is what the decoder held back from earlier blocks, then `block`
                held = len(exc.object) - len(block or b"")
                return _place_byte(file.path, offset - held + exc.start)
            offset += len(block)
    return None


def _place_byte(path: Path, position: int) -> tuple[int, int, int]:
    """(line, offset in the line, value) of the byte at `position`, counting as a stream."""
    line, line_start, done = 1, 0, 0
    with open(path, "rb") as fh:
        while done < position:
            block = fh.read(min(BLOCK_BYTES, position - done))
            line += block.count(b"\n")
            last = block.rfind(b"\n")
            if last >= 0:
                line_start = done + last + 1
            done += len(block)
        return line, position - line_start, fh.read(1)[0]


def _field_of_byte(file: InputFile, line: int, offset: int, header: Sequence[str]) -> str | None:
    """The header name of the field holding byte `offset` of `line`, if the line is a whole
    record (the usual case); else None."""
    if not header:
        return None
    with open(file.path, "rb") as fh:
        raw = next(itertools.islice(fh, line - 1, None), b"")
    fields = next(csv.reader([raw[:offset].decode("latin-1")]), [""])
    return _column_name(header, len(fields) - 1)


# ---------------------------------------------------------------- reading


def _options(
    file: InputFile,
    header: Sequence[str],
    skip_records: int,
    columns: Sequence[str] | None,
    *,
    newlines_in_values: bool = True,
) -> dict:
    return {
        "read_options": pacsv.ReadOptions(
            skip_rows=skip_records,
            use_threads=file.size > 4 * 2**20,
            block_size=BLOCK_BYTES,
            encoding=file.encoding,
        ),
        "parse_options": pacsv.ParseOptions(newlines_in_values=newlines_in_values),
        "convert_options": pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=False,
            include_columns=list(columns) if columns is not None else None,
        ),
    }


def read_csv_text(file: InputFile, *, skip_records: int = 0) -> pa.Table:
    """Every column as text, header names stripped and lower-cased; structure checked."""
    header = check_csv_structure(file, skip_records)
    try:
        rows = pacsv.read_csv(
            pa.BufferReader(file.data), **_options(file, header, skip_records, None)
        )
    except (pa.ArrowInvalid, UnicodeError) as exc:
        raise _unreadable(file, header, exc) from None
    return rows.rename_columns([c.strip().lower() for c in rows.column_names])


def check_csv_structure(file: InputFile, skip_records: int = 0) -> list[str]:
    """The header's names as written (after `skip_records` note records); refuses an empty
    file, a header that is not in the file's encoding, and a quoted field never closed."""
    if not file.head.strip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00"):
        raise file.error(None, None, "the file is empty: expected a header line and data rows")
    file.header_records = skip_records + 1
    header = _header(file, skip_records)
    if not file.streamed:  # a streamed file is checked once read (stream_csv_text)
        check_closed_quotes(file, header)
    return header


def check_closed_quotes(file: InputFile, header: Sequence[str]) -> None:
    """Refuse a file with an odd number of quotes: its last quoted field never closes."""
    if file.odd_quotes and codecs.lookup(file.encoding).name not in ("utf-16", "utf-32"):
        line, fields = _last_record(file)
        raise file.error(
            line,
            _column_name(header, fields - 1),
            "a quoted field is not closed: the file looks truncated at its last line",
        )


def stream_csv_text(
    file: InputFile, header: Sequence[str], columns: Sequence[str], *, skip_records: int = 0
) -> Iterator[pa.Table]:
    """The text of `columns` (names as written in `header`), CHUNK_ROWS rows at a time,
    lower-cased names; the file is never held whole. Errors are refused as `read_csv_text`
    refuses them, at their line.

    The file is first read as if no quoted field held a line break: pyarrow then finds
    where its blocks end without following the quotes, a fifth less CPU. A line break
    in a quoted field that falls where a block ends makes that reading fail, never read
    otherwise; the file is then read again following the quotes, and its chunks given
    from the first row not given yet (the chunks are the same up to there)."""
    wanted = [name for name in header if name.strip().lower() in columns]
    given = 0
    try:
        for rows in _csv_chunks(
            file, _options(file, header, skip_records, wanted, newlines_in_values=False)
        ):
            yield rows
            given += rows.num_rows
    except (pa.ArrowInvalid, UnicodeError):
        try:
            read = 0
            for rows in _csv_chunks(file, _options(file, header, skip_records, wanted)):
                read += rows.num_rows
                if read > given:
                    yield rows.slice(max(given - (read - rows.num_rows), 0))
        except (pa.ArrowInvalid, UnicodeError) as exc:
            raise _unreadable(file, header, exc) from None
    check_closed_quotes(file, header)


def _csv_chunks(file: InputFile, options: dict) -> Iterator[pa.Table]:
    """The file read with pyarrow's `options`, CHUNK_ROWS rows (whole blocks) at a time."""
    reader = pacsv.open_csv(file.path, **options)
    batches: list[pa.RecordBatch] = []
    rows = 0
    for batch in reader:
        batches.append(batch)
        rows += batch.num_rows
        if rows >= CHUNK_ROWS:
            yield _lower_names(pa.Table.from_batches(batches))
            batches, rows = [], 0
    if batches:
        yield _lower_names(pa.Table.from_batches(batches))


def _lower_names(rows: pa.Table) -> pa.Table:
    return rows.rename_columns([c.strip().lower() for c in rows.column_names])


_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")


def _unreadable(file: InputFile, header: Sequence[str], exc: Exception) -> FileRejected:
    """pyarrow's refusal of a file, placed at its line: not in the file's encoding, or a
    record with too few or too many fields."""
    check_closed_quotes(file, header)
    file.check_encoding(header)
    if _FIELD_COUNT.search(str(exc)):
        expected = len(header)
        for line, record in itertools.islice(file._records(), file.header_records, None):
            if len(record) != expected:
                short = len(record) < expected
                return file.error(
                    line,
                    _column_name(header, len(record) if short else expected),
                    f"expected {expected} fields, got {len(record)}"
                    + (" (the line looks truncated)" if short else ""),
                )
    reason = str(exc).splitlines()[0]
    return file.error(None, None, f"not a readable CSV file ({reason})")


def _header(file: InputFile, skip_records: int) -> list[str]:
    """The header's names as written, so that pyarrow reads every column as text."""
    lines = file.text_lines(skip_records + 1)
    if len(lines) <= skip_records:
        return []
    return next(csv.reader([lines[skip_records]]), [])


def _column_name(header: Sequence[str], index: int) -> str | None:
    return header[index].strip().lower() if 0 <= index < len(header) else None


def _last_record(file: InputFile) -> tuple[int, int]:
    """(start line, number of fields) of the last CSV record (only to place an error)."""
    last = (1, 0)
    for line, record in file._records():
        last = (line, len(record))
    return last


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

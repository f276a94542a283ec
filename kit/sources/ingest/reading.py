"""Reading an input file: its bytes and checksum, its text columns, and where a row is.

A CSV is read by pyarrow with every column as text, so that validation (validation.py)
sees what the file says; an .xlsx workbook's first sheet is read the same way. A row
is placed in its file and line (as an editor shows it) only when an error names it.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import io
import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .errors import FileRejected, IngestError

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

"""A file too large to hold: validated chunk by chunk, kept on disk, written in commits.

The loop (batch.py) hands each chunk of such a file to the source's `convert`, then
keeps the validated rows in a `PartitionSpill`: one Arrow IPC file per table and
partition (platform × month), in a temporary folder. Only when every chunk is valid,
and no key repeats across chunks (`first_repeat`), are the rows written, a few
partitions per commit, each partition with all of its rows at once: a commit never
rewrites a partition that an earlier commit of the same file wrote, so the cost of a
file grows with its rows, not with its rows times its commits. Memory holds three chunks
while validating (one read ahead, one being kept on the spill's thread) and one commit's
partitions while writing, whatever the file's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ... import warehouse
from ...schema import TABLES
from ...warehouse.merge import in_partition_order, partition_runs
from ..arrow_sql import arrow_sql
from .reading import InputFile
from .validation import first_repeat

ROW = "_row"  # a fact row's data row in its file (0-based), to name its line
CHECK_THREADS = 2  # partitions checked for repeated keys at once


@dataclass(frozen=True)
class UniqueKey:
    """Fact-row columns that must not repeat within a file. A streamed file's chunks are
    checked together, after the last one; `field` and `describe` word the refusal."""

    columns: tuple[str, ...]
    field: str
    describe: Callable[[dict], str]


@dataclass
class StreamedFile:
    """What a source's `read` returns for a file too large to hold: `chunks()` yields
    what `convert` takes, one chunk at a time; `header_line` is where the header is."""

    chunks: Callable[[], Iterator[Any]]
    header_line: int = 1


class PartitionSpill:
    """Validated fact rows of one file, by table and partition, on disk until written.

    A chunk's rows are conformed and written on a thread of the spill's own while the
    caller validates the next chunk (pyarrow's compute and IPC writer release the GIL):
    one chunk's rows wait for it at most."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._thread = ThreadPoolExecutor(max_workers=1)
        self._adding: Future | None = None
        self._writers: dict[tuple[str, str], pa.ipc.RecordBatchFileWriter] = {}
        self._paths: dict[tuple[str, str], Path] = {}
        self._rows: dict[tuple[str, str], int] = {}
        self._runs: dict[tuple[str, str], list[str]] = {}  # text columns kept as runs

    def add(self, tables: dict[str, pa.Table]) -> None:
        """Keep `tables` (fact rows, with their `_row` column if any), `conformed` on the
        spill's thread: a WarehouseError comes from a later call (`wait`, `close`)."""
        self.wait()
        self._adding = self._thread.submit(self._add, tables)

    def wait(self) -> None:
        """Wait for the rows being kept; raises what keeping them raised."""
        adding, self._adding = self._adding, None
        if adding is not None:
            adding.result()

    def _add(self, tables: dict[str, pa.Table]) -> None:
        for name, rows in conformed(tables).items():
            for part, part_rows in _partitions(name, rows):
                key = (name, part)
                writer = self._writers.get(key)
                if writer is None:
                    # text columns that hold one value over long runs of rows (a file's
                    # platform, source, frequency, chart) are kept as their runs: the
                    # spill is about half as large
                    self._runs[key] = [
                        n for n in _text_columns(part_rows) if _few_runs(part_rows[n])
                    ]
                    part_rows = _as_runs(part_rows, self._runs[key])
                    path = self.folder / f"{name}-{len(self._paths)}.arrow"
                    writer = pa.ipc.new_file(path, part_rows.schema)
                    self._writers[key] = writer
                    self._paths[key] = path
                else:
                    part_rows = _as_runs(part_rows, self._runs[key])
                writer.write_table(part_rows)
                self._rows[key] = self._rows.get(key, 0) + part_rows.num_rows

    @property
    def rows(self) -> int:
        """Rows kept, every table."""
        self.wait()
        return sum(self._rows.values())

    def close(self) -> None:
        """Wait for the rows being kept, then close the files (raises what keeping them
        raised)."""
        try:
            self.wait()
        finally:
            self._thread.shutdown()
            self._close_files()

    def _close_files(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def _read(self, key: tuple[str, str], columns: list[str] | None = None) -> pa.Table:
        # mapped, not copied: the rows stay in the page cache until a commit needs them
        rows = pa.ipc.open_file(pa.memory_map(str(self._paths[key]))).read_all()
        rows = rows.select(columns) if columns is not None else rows
        return _from_runs(rows, [n for n in self._runs[key] if n in rows.column_names])

    def check_unique(self, file: InputFile, name: str, unique: UniqueKey) -> None:
        """Refuse the file at its first row whose key repeats an earlier row's."""

        def repeat_in(key: tuple[str, str]) -> tuple[int, int, dict] | None:
            rows = self._read(key, [*unique.columns, ROW])
            return first_repeat(rows.select(list(unique.columns)), rows.column(ROW))

        # partition by partition, two at once (the hashing and sorting release the GIL)
        with ThreadPoolExecutor(max_workers=CHECK_THREADS) as pool:
            repeats = list(pool.map(repeat_in, [k for k in self._paths if k[0] == name]))
        found: tuple[int, int, dict] | None = None
        for repeat in repeats:
            if repeat is not None and (found is None or repeat[0] < found[0]):
                found = repeat
        if found is not None:
            row, first, dup = found
            raise file.reject_row(
                row,
                unique.field,
                f"{unique.describe(dup)} appears twice in this file "
                f"(first on line {file.line_of(first)})",
            )

    def commits(self, max_rows: int) -> Iterator[dict[str, pa.Table]]:
        """The rows by commit: whole partitions, in order, up to about `max_rows` a commit."""
        group: dict[str, list[pa.Table]] = {}
        rows = 0
        for key in sorted(self._paths):
            if rows and rows + self._rows[key] > max_rows:
                yield _tables(group)
                group, rows = {}, 0
            part = self._read(key)
            if ROW in part.column_names:
                part = part.drop_columns([ROW])
            group.setdefault(key[0], []).append(part)
            rows += self._rows[key]
        if group:
            yield _tables(group)


def _text_columns(rows: pa.Table) -> list[str]:
    return [f.name for f in rows.schema if pa.types.is_string(f.type)]


def _few_runs(column: pa.ChunkedArray) -> bool:
    """Whether `column` holds runs of equal values 16 rows long or longer, on average."""
    runs = sum(len(c.run_ends) for c in pc.run_end_encode(column).chunks)
    return runs * 16 <= len(column)


def _as_runs(rows: pa.Table, names: list[str]) -> pa.Table:
    """`rows`, the columns `names` run-end encoded."""
    for name in names:
        i = rows.schema.get_field_index(name)
        rows = rows.set_column(i, name, pc.run_end_encode(rows.column(name), pa.int32()))
    return rows


def _from_runs(rows: pa.Table, names: list[str]) -> pa.Table:
    """`rows`, the run-end encoded columns `names` as text again."""
    for name in names:
        i = rows.schema.get_field_index(name)
        chunks = [
            # one run: repeated, far faster than decoding
            pa.repeat(c.values[0], len(c))
            if len(c.run_ends) == 1 and not c.values.null_count
            else pc.run_end_decode(c)
            for c in rows.column(name).chunks
        ]
        rows = rows.set_column(i, name, pa.chunked_array(chunks, pa.string()))
    return rows


def _tables(group: dict[str, list[pa.Table]]) -> dict[str, pa.Table]:
    return {name: pa.concat_tables(parts) for name, parts in group.items()}


def _partitions(name: str, rows: pa.Table) -> Iterator[tuple[str, pa.Table]]:
    """(platform/month, rows) of a partitioned table; ("", rows) of another."""
    if not TABLES[name].partitioned:
        yield "", rows
        return
    dates = rows.column("date")
    month = pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates))
    platforms = rows.column("platform")
    if in_partition_order(platforms, month):
        # a chart file comes in date order: each partition of a chunk is one slice of it,
        # kept without copying its rows
        for platform, value, offset, count in partition_runs(platforms, month):
            yield f"{platform}/{value:06d}", rows.slice(offset, count)
        return
    for platform in pc.unique(platforms).to_pylist():
        in_platform = pc.equal(platforms, platform)
        for value in pc.unique(month.filter(in_platform)).to_pylist():
            keep = pc.and_(in_platform, pc.equal(month, value))
            yield f"{platform}/{value:06d}", rows.filter(keep)


def conformed(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Fact rows as the warehouse stores them, `_row` kept: a value the warehouse would
    refuse is refused now, before anything of the file is written."""
    out = {}
    for name, rows in tables.items():
        order = rows.column(ROW) if ROW in rows.column_names else None
        # `_file` orders the files of a batch; a streamed file is alone in its own
        rows = rows.drop_columns([c for c in (ROW, "_file") if c in rows.column_names])
        rows = warehouse.conform(TABLES[name], rows)
        out[name] = rows.append_column(ROW, order) if order is not None else rows
    return out


def first_of_each(rows: pa.Table) -> pa.Table:
    """The distinct rows of `rows` (all columns), each where it first appears, in that order."""
    numbered = rows.append_column("_order", pa.array(range(rows.num_rows), pa.int64()))
    return arrow_sql(
        "select * exclude (_first) from ("
        "select * exclude (_order), min(_order) as _first from numbered group by all"
        ") order by _first",
        numbered=numbered,
    ).cast(rows.schema)

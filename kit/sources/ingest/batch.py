"""The batch loop: files and folders in, validated files written in batches, a summary out.

`ingest_files` runs a source's reader over files and folders (a folder file by file,
sorted), skips files whose checksum the ingest_log already holds, writes the validated
files in batches through `kit.warehouse.write` (one ingest_log row per file), records
refused files in the ingest_log with outcome 'failed' (no data table is touched), and
returns an `IngestSummary`. A file too large to hold (a `StreamedFile`) is validated
chunk by chunk and written in as many commits as it needs (streaming.py); its
ingest_log row comes last, so a load cut short is loaded again in full next time.
"""

from __future__ import annotations

import collections
import itertools
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ... import config, warehouse
from ...schema import TABLES
from ...warehouse import DIMENSION_TABLES, LogEntry, WarehouseError
from ..arrow_sql import arrow_sql, quoted
from .dimensions import TRACK_ARTISTS, Dimensions
from .errors import FileRejected, IngestError
from .parsed import ParsedFile
from .reading import InputFile, encoding_name
from .streaming import PartitionSpill, StreamedFile, UniqueKey, first_of_each
from .validation import has_repeats

# Files per warehouse.write call are gathered until one of these is reached: a write
# rewrites each partition it touches, so fewer, larger writes are much faster.
BATCH_ROWS = 250_000
BATCH_FILES = 2_000
# Rows per commit of a streamed file: whole partitions, about this many rows at once.
COMMIT_ROWS = 1_000_000
# A streamed file's chunks' (track, title, artists) rows are deduplicated once there are
# more of them than this, or than the rows kept.
TRACK_ROWS_PENDING = 100_000


@dataclass
class IngestSummary:
    """What one ingest call did. `errors` lists the refused files; `ok` is False if any.

    Fact rows are rows of chart_entries, track_streams and artist_audience; artists,
    tracks and credits are counted apart, as new artists and new tracks (a stored one
    that a file only fills in is not new)."""

    source: str
    files: int = 0  # files looked at (loaded, skipped as duplicates, or refused)
    loaded: int = 0  # files written
    rows: int = 0  # data rows (lines) read from the loaded files
    fact_rows: int = 0  # fact rows the loaded files hold
    fact_rows_written: int = 0  # fact rows new or changed in the warehouse
    new_artists: int = 0  # artists the warehouse did not hold before
    new_tracks: int = 0  # tracks the warehouse did not hold before
    rows_written: int = 0  # warehouse rows new or changed, every table (as in ingest_log)
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
        """Data rows read from the files per second."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        line = (
            f"{self.source}: {self.files:,} file(s), {self.loaded:,} loaded, "
            f"{self.duplicates:,} duplicate(s) skipped, {len(self.errors):,} error(s), "
            f"{len(self.warnings):,} warning(s); "
            f"{self.fact_rows:,} fact rows read, {self.fact_rows_written:,} new or changed; "
            f"{self.new_artists:,} new artist(s), {self.new_tracks:,} new track(s); "
            f"{self.rows:,} file rows in {self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s)"
        )
        if self.stopped:
            line += "; stopped at the first error (--strict)"
        return line


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
    encoding: str | None = None,
) -> IngestSummary:
    """Validate each file, then write the good ones in batches; see the module docstring.

    `read` checks what can be checked file by file (name, header) and returns something
    with a `rows` count, or a StreamedFile for a file too large to hold (then `convert`
    takes its chunks one by one); `convert` validates and converts a whole batch of read
    files at once, vectorised, raising FileRejected for the first bad file. Without
    `convert`, `read` returns the file's ParsedFile itself. `encoding`: the files' when
    not UTF-8."""
    from tqdm.auto import tqdm

    started = time.perf_counter()
    encoding = encoding_name(encoding)
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
        summary.new_artists += _new_keys(tables.get("artists"), dims, "artists")
        summary.new_tracks += _new_keys(tables.get("tracks"), dims, "tracks")
        dims.written(tables)
        summary.loaded += len(pending)
        summary.rows += sum(p.rows for p in pending)
        summary.fact_rows += sum(
            t.num_rows for name, t in parsed.tables.items() if name not in DIMENSION_TABLES
        )
        summary.fact_rows_written += sum(
            n for name, n in result.rows_written.items() if name not in DIMENSION_TABLES
        )
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

    def write_streamed(file: InputFile, streamed: StreamedFile) -> None:
        """Validate every chunk, then write the rows in commits and log the file last."""
        with tempfile.TemporaryDirectory(prefix="chartroom-ingest-") as folder:
            spill = PartitionSpill(Path(folder))
            try:
                parsed = _validate_chunks(
                    file, streamed, to_parsed, dims, spill, lambda: file.checksum in loaded
                )
            except (FileRejected, WarehouseError) as exc:
                # a file loaded before is skipped, as a file held whole is, whatever the
                # checks (run before its checksum was known) now find in it
                if file.checksum in loaded:
                    parsed = None
                elif isinstance(exc, FileRejected):
                    refuse(exc.error, file)
                    return
                else:
                    refuse(IngestError(file.shown, None, None, str(exc)), file)
                    return
            finally:
                spill.close()
            if parsed is None:
                # its checksum, known by now, is in the ingest_log: nothing to write
                summary.duplicates += 1
                return
            dims.names.learn(parsed.artist_names)
            dimension_rows = {n: r for n, r in dims.rows_for([parsed]).items() if r.num_rows}
            # the file's (track, title, artists) rows are in dimension_rows now: the last
            # commit's serving recompute, the load's peak of memory, runs without them
            parsed.track_artists = None
            written, facts_written = _write_commits(spill, dimension_rows, source, root)
            entry = LogEntry(
                source, os.path.abspath(file.path), file.checksum, parsed.rows, written
            )
            warehouse.write({}, source=source, warehouse=root, log=[entry])
        summary.new_artists += _new_keys(dimension_rows.get("artists"), dims, "artists")
        summary.new_tracks += _new_keys(dimension_rows.get("tracks"), dims, "tracks")
        dims.written(dimension_rows)
        summary.loaded += 1
        summary.rows += parsed.rows
        summary.fact_rows += spill.rows
        summary.fact_rows_written += facts_written
        summary.rows_written += written
        summary.warnings.extend(parsed.warnings)
        loaded.add(file.checksum)

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
    ahead = _read_ahead(files, read, dims, encoding, threads=convert is not None and not strict)
    try:
        for shown, file, prepared in ahead:
            summary.files += 1
            bar.update(1)
            if file is None:
                refuse(IngestError(shown, None, None, "no such file or folder"), None)
            elif isinstance(prepared, StreamedFile):
                # the files before it are written first, so that a later file still wins; its
                # checksum is still being computed, and is looked up in the log once known
                flush(batch)
                batch, batch_rows = [], 0
                in_batch.clear()
                write_streamed(file, prepared)
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
    encoding: str | None,
    *,
    threads: bool,
) -> Iterator[tuple[str, InputFile | None, Any]]:
    """(name shown, file or None if missing, what `read` returned or its FileRejected), in order."""

    def one(item: tuple[Path | None, str]) -> tuple[str, InputFile | None, Any]:
        path, shown = item
        if path is None:
            return shown, None, None
        file = InputFile(path, shown, encoding)
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
        if order is not None and has_repeats(rows.select(list(table.key))):
            rows = arrow_sql(
                f"select * exclude (_file) from batch_rows qualify row_number() over "
                f"(partition by {quoted(table.key)} order by _file desc) = 1",
                batch_rows=rows.append_column("_file", order),
            ).cast(table.schema)
        out[name] = rows
    for name, rows in dims.rows_for([parsed]).items():
        if rows.num_rows:
            out[name] = rows
    return out


def _new_keys(written: pa.Table | None, dims: Dimensions, table: str) -> int:
    """How many rows of `written` have a key the warehouse did not hold before the write."""
    if written is None or not written.num_rows:
        return 0
    key = TABLES[table].key[0]
    known = pc.is_in(
        written.column(key), value_set=dims.existing[table].column(key).combine_chunks()
    )
    return written.num_rows - pc.sum(known).as_py()


def _write_commits(
    spill: PartitionSpill, dimension_rows: dict[str, pa.Table], source: str, root: Path
) -> tuple[int, int]:
    """A streamed file's rows written in commits of whole partitions, the artists, tracks
    and credits with the first; (rows written, fact rows written). The serving layer is
    deferred: the load's last commit, its ingest_log row, recomputes it once for all the
    months (and holds none of these rows, which a loop variable would keep). The spill's
    rows were conformed as they were validated: only the dimension rows are, here."""
    dimension_rows = {n: warehouse.conform(TABLES[n], r) for n, r in dimension_rows.items()}
    written = facts_written = 0
    for i, tables in enumerate(spill.commits(COMMIT_ROWS)):
        result = warehouse.write(
            {**dimension_rows, **tables} if i == 0 else tables,
            source=source,
            warehouse=root,
            log=(),
            defer_serving=True,
            conformed=True,
        )
        written += result.total_written
        facts_written += sum(
            n for name, n in result.rows_written.items() if name not in DIMENSION_TABLES
        )
    return written, facts_written


def _validate_chunks(
    file: InputFile,
    streamed: StreamedFile,
    convert: Callable[[Sequence[tuple[InputFile, Any]], Dimensions], ParsedFile],
    dims: Dimensions,
    spill: PartitionSpill,
    loaded_before: Callable[[], bool],
) -> ParsedFile | None:
    """Every chunk of a streamed file validated and kept in `spill`; the keys checked across
    chunks. Returns the file's rows count, warnings, and who and what it names; None, as
    soon as its checksum is known, when `loaded_before()` says the file was loaded."""
    rows, names, warnings = 0, {}, []
    track_rows = TRACK_ARTISTS.empty_table()
    pending: list[pa.Table] = []  # chunks' track rows not yet deduplicated with track_rows
    unique: dict[str, UniqueKey] = {}
    try:
        for chunk in _read_ahead_one(streamed.chunks()):
            if file.checksum_known and loaded_before():
                spill.wait()  # (raises what keeping the chunk before raised)
                return None
            parsed = convert([(file, chunk)], dims)
            spill.add(parsed.tables)
            if parsed.unique is not None:
                unique.update(dict.fromkeys(parsed.tables, parsed.unique))
            rows += parsed.rows
            names.update(dict.fromkeys(parsed.artist_names))
            warnings.extend(parsed.warnings)
            if parsed.track_artists is not None:
                pending.append(parsed.track_artists)
                if sum(t.num_rows for t in pending) > max(track_rows.num_rows, TRACK_ROWS_PENDING):
                    # deduplicated once they outnumber the rows kept: each row is looked at a
                    # few times, not once per chunk
                    track_rows = first_of_each(pa.concat_tables([track_rows, *pending]))
                    pending = []
    except FileRejected:
        spill.wait()  # the chunk before, kept as this one was read, is refused first
        raise
    if pending:
        # the first row of each (track, title, artists) over the whole file
        track_rows = first_of_each(pa.concat_tables([track_rows, *pending]))
    if not rows:
        raise file.error(streamed.header_line, None, "the file has a header but no data rows")
    spill.close()
    if loaded_before():
        return None
    for name, key in unique.items():
        spill.check_unique(file, name, key)
    return ParsedFile(rows, {}, track_rows, list(names), warnings)


_END = object()


def _read_ahead_one(chunks: Iterator[Any]) -> Iterator[Any]:
    """`chunks`, the next one read on a thread while the caller validates the one before
    (pyarrow parses without holding the GIL): two chunks in memory at most."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        following = pool.submit(next, chunks, _END)
        while True:
            chunk = following.result()
            if chunk is _END:
                return
            following = pool.submit(next, chunks, _END)
            yield chunk

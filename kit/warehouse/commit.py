"""A commit in the making: files staged into the store on top of the latest version, then
one manifest renamed into place (the commit point), then the public tree updated.

Steps, each with a failpoint the crash tests kill at (CHARTROOM_FAILPOINT):

1. under the writer lock, tidy what an interrupted writer left (kit/warehouse/vacuum.py),
   and leave a marker `_versions/.writing-<load>` saying a write is under way;
2. stage: every rewritten partition becomes a new file in the store, which no reader
   lists, and so do the serving layer's months those partitions touch, recomputed on the
   staged state (kit/warehouse/serving.py); the files are written on a thread beside
   the next partition's work (WRITES_AHEAD), all of them before `staged`;
3. write the manifest beside its final name and fsync it — `manifest-written`;
4. rename it into place: the commit point — `committed`. Before it, every reader has the
   previous version; from it, kit's readers have the new one, complete;
5. publish: per partition, link the new file into the public tree and unlink the one it
   replaces — `publishing` (after the first partition), `published`;
6. expire the versions replaced longer ago than the grace period, and their files —
   `vacuumed`; then remove the marker.

A kill before step 4 leaves the previous version; the marker tells the next writer (or
`kit vacuum`) to delete the staged files. A kill after it leaves the new version; the
marker tells the next writer to finish publishing. A reader does neither.

More files can join the same commit before it is made: `Transaction.snapshot()` is the
state staged so far, for SQL over it (`kit.db.connect(snapshot=…)`), and
`Transaction.replace()` stages rows computed from it as a partition's new content.
"""

from __future__ import annotations

import contextlib
import os
import queue
import uuid
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .. import config
from ..schema import TABLES, Table
from . import serving
from .layout import (
    STORE_DIR,
    failpoint,
    fsync_file,
    link,
    locked,
    new_file_name,
    prune_empty,
    public_path,
    store_path,
    unlink,
)
from .merge import merge_partition, split_partitions
from .vacuum import expire, grace_setting, recover_locked, writing_marker
from .versions import (
    Snapshot,
    Version,
    commit_version,
    latest,
    manifest_path,
    now,
    snapshot_of,
)

# Rows per Parquet row group: min/max statistics are kept per group, so a group much smaller
# than a platform-month file lets the sort keys (country, track; artist for the audience)
# skip most of it. 16,384 gave the same answers with ~20 % less CPU per breakdown and
# ~30 % per summary than 122,880 on the 10 M-row bench warehouse (bench/README.md).
ROW_GROUP_SIZE = 16_384
# The serving layer's files are read a country (and an artist or a few tracks) at a time,
# a platform-month file holding every country's rows in that order (country first): groups
# of 2,048 rows let an answer read the one or two that hold its country.
SERVING_ROW_GROUP_SIZE = 2_048
# ... but for track_day, a row per track × day and country: 2,048-row groups gave a month's
# file at the benchmark's scale 333 groups and a 245 KB footer, read by every answer over
# its days (a period's edges, the Explorer's series); with the base tables' 16,384 a
# filtered read of one file took 3.3–4.4 ms CPU against 11.8.
# artist_track_day, a row per artist × track × day (its facts side by side), is read only by a period's
# edges: an artist's rows of a country in three or four months' files. DuckDB pays for every
# group of a file it reads, matched or not: 2,048-row groups (about 700 a month's file) cost
# each read three to four times the CPU of 16,384; 65,536-row groups cost a period's
# statement about a tenth less CPU than 16,384 at the benchmark's scale, and with pages of
# 4,096 rows and a page index (DuckDB decodes only the pages that can hold the artist's
# rows) a little less again, for the same write time and file size as 16,384.
ROW_GROUP_SIZES = {"track_day": ROW_GROUP_SIZE, "artist_track_day": 65_536}
# Parquet writer options beyond the row group size and compression, by table.
WRITE_OPTIONS = {"artist_track_day": {"write_page_index": True, "max_rows_per_page": 4_096}}
# Parquet compression, zstd unless named here. A served summary reads one row group of
# each platform × month file of audience_month its period covers (48 for four platforms
# over a year), and DuckDB pays for every compressed column chunk it opens: lz4 gave the
# same rows for about a tenth less CPU per summary than zstd at the benchmark's scale
# (docs/metrics.md, "The serving layer"), for files about a third larger.
COMPRESSION = {"audience_month": "lz4"}
# Staged files are written (encoded, compressed, fsynced) on a thread of the transaction's
# own while the caller computes the next partition's rows: pyarrow's Parquet writer and
# fsync run without the GIL, so on a machine of two cores a large load's writes mostly
# overlap its merges and the serving recompute. At most this many files wait or are being
# written at once, so memory holds the rows of one more partition, not of a whole commit.
WRITES_AHEAD = 1
# A file staged from a stream of record batches (`replace_batches`: a serving statement's
# result as DuckDB streams it) is written on the same thread as they come: at most this
# many batches wait for it, so neither the statement's whole result nor a copy of it in
# Arrow is ever held.
BATCHES_AHEAD = 2


def _partition(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


class Transaction:
    """One commit in the making, under the writer lock: the base version's files, with the
    partitions staged so far replaced. Nothing is visible to a reader before `commit()`."""

    def __init__(self, root: Path, base: Version | None, load_id: str) -> None:
        self.root = root
        self.base = base
        self.load_id = load_id
        self.number = (base.number if base else 0) + 1
        self._files: dict[str, dict[str, list[str]]] = {name: {} for name in TABLES}
        for name, rels in (base.tables if base else {}).items():
            for rel in rels:
                self._files.setdefault(name, {}).setdefault(_partition(rel), []).append(rel)
        self.added: dict[str, list[str]] = {name: [] for name in TABLES}
        self.removed: dict[str, list[str]] = {name: [] for name in TABLES}
        self._con: duckdb.DuckDBPyConnection | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._writing: dict[Path, Future] = {}  # staged files not yet known to be written
        # set by kit/warehouse/serving.py
        self.serving = base.serving if base else 0
        self.stale_format = base.stale_format if base else 0
        self.stale_months = dict(base.stale_months) if base else {}

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The commit's DuckDB connection, opened when a merge first needs one (tens of
        milliseconds; a new partition's rows are only sorted)."""
        if self._con is None:
            self._con = duckdb.connect()
            self._con.execute("set enable_progress_bar = false")
        return self._con

    def partition_files(self, table: str, partition: str) -> list[Path]:
        """The store files of one partition in the staged state, written."""
        paths = [store_path(self.root, table, rel) for rel in self._files[table].get(partition, [])]
        for path in paths:
            self._written(path)
        return paths

    def merge(self, table: Table, rows: pa.Table) -> tuple[int, int]:
        """Merge conformed `rows` into their partitions; returns (rows new or changed,
        partitions rewritten)."""
        written = partitions = 0
        for partition, part_rows in split_partitions(table, rows):
            merged, count = merge_partition(
                lambda: self.con, self.partition_files(table.name, partition), part_rows, table
            )
            if merged is not None:
                self.replace(table.name, partition, merged)
                partitions += 1
            written += count
        return written, partitions

    def replace(self, table: str, partition: str, rows: pa.Table) -> str:
        """Stage `rows` (the table's file schema, sorted for readers) as the whole content
        of one partition (`platform=…/month=…`, or '' for a table without partitions).
        Returns the new file's path inside the table's folder."""
        return self._replaced(table, partition, self._stage_file(table, partition, rows))

    def replace_batches(self, table: str, partition: str, batches: Iterable[pa.RecordBatch]) -> str:
        """`replace`, the rows given as record batches (the table's file schema, in their
        order), written as they come: the file's row groups are those one `replace` of
        all of them would write."""
        return self._replaced(table, partition, self._stage_stream(table, partition, batches))

    def _replaced(self, table: str, partition: str, rel: str) -> str:
        """`rel`, staged, made the whole content of the partition."""
        for old in self._files[table].get(partition, []):
            if old in self.added[table]:  # staged earlier in this commit: never seen by anyone
                self.added[table].remove(old)
                self._unlink_staged(store_path(self.root, table, old))
            else:
                self.removed[table].append(old)
        self._files[table][partition] = [rel]
        self.added[table].append(rel)
        return rel

    def partitions(self, table: str) -> list[str]:
        """The partitions of a table that have files in the staged state."""
        return sorted(p for p, rels in self._files[table].items() if rels)

    def drop(self, table: str, partition: str) -> None:
        """Remove a partition from the staged state (its files leave with the commit)."""
        for old in self._files[table].pop(partition, []):
            if old in self.added[table]:
                self.added[table].remove(old)
                self._unlink_staged(store_path(self.root, table, old))
            else:
                self.removed[table].append(old)

    def add(self, table: str, partition: str, rows: pa.Table) -> str:
        """Stage `rows` as one more file of a partition, beside its files and unmerged
        (the next merge into that partition reads them all). Returns its path."""
        rel = self._stage_file(table, partition, rows)
        self._files[table].setdefault(partition, []).append(rel)
        self.added[table].append(rel)
        return rel

    def _stage_file(self, table: str, partition: str, rows: pa.Table) -> str:
        """Name a new store file for `rows` and have the writer thread write it; the names
        are the staged state at once, the files are waited for before anything reads them
        (`partition_files`, `snapshot`, `version`)."""
        rel, path = self._new_file(table, partition)
        self._writing[path] = self._writer.submit(_write_file, table, rows, path)
        return rel

    def _stage_stream(self, table: str, partition: str, batches: Iterable[pa.RecordBatch]) -> str:
        """`_stage_file` of rows that come as batches: the writer thread writes each as the
        caller hands it over (BATCHES_AHEAD); returned once the last is handed over. If the
        batches raise, the writer stops without finishing the file, which the failed
        commit deletes with its other staged files."""
        rel, path = self._new_file(table, partition)
        handed: queue.Queue = queue.Queue(maxsize=BATCHES_AHEAD)
        future = self._writer.submit(_write_batches, table, handed, path)
        self._writing[path] = future
        try:
            for batch in batches:
                _hand_over(handed, batch, future)
        except BaseException:
            # the unfinished file is no part of the staged state: deleted once stopped
            _hand_over(handed, _STOP, future, check=False)
            self._writing.pop(path, None)
            with contextlib.suppress(_BatchesStopped, OSError):
                future.result()
            unlink(path)
            raise
        _hand_over(handed, None, future)
        return rel

    def _new_file(self, table: str, partition: str) -> tuple[str, Path]:
        """A new store file's name for a partition, once the writer thread has room."""
        rel = f"{partition}/{new_file_name()}" if partition else new_file_name()
        path = store_path(self.root, table, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        while len(self._writing) >= WRITES_AHEAD:
            self._written(next(iter(self._writing)))
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-stage")
        return rel, path

    def _written(self, path: Path) -> None:
        """Wait for one staged file to be written (its write's error, if any, is raised)."""
        future = self._writing.get(path)
        if future is not None:
            try:
                future.result()
            finally:
                self._writing.pop(path, None)

    def wait_writes(self) -> None:
        """Wait for every staged file to be written."""
        while self._writing:
            self._written(next(iter(self._writing)))

    def _unlink_staged(self, path: Path) -> None:
        self._written(path)
        unlink(path)

    def snapshot(self) -> Snapshot:
        """The state staged so far, as a reader would read it once committed."""
        return snapshot_of(self.root, self.version())

    def version(self) -> Version:
        self.wait_writes()
        tables = {
            name: tuple(sorted(rel for rels in parts.values() for rel in rels))
            for name, parts in self._files.items()
        }
        changed = any(self.added[n] or self.removed[n] for n in TABLES if n != "ingest_log")
        return Version(
            number=self.number,
            load_id=self.load_id,
            committed_at=now(),
            tables=tables,
            added={n: tuple(f) for n, f in self.added.items() if f},
            removed={n: tuple(f) for n, f in self.removed.items() if f},
            data_version=self.number if changed or not self.base else self.base.data_version,
            data_load=self.load_id if changed or not self.base else self.base.data_load,
            serving=self.serving,
            stale_format=self.stale_format,
            stale_months=self.stale_months,
        )

    def discard(self) -> None:
        """Delete what was staged (nothing was committed)."""
        self.close()
        for name, rels in self.added.items():
            for rel in rels:
                path = store_path(self.root, name, rel)
                unlink(path)
                prune_empty(path.parent, self.root / STORE_DIR)

    def close(self) -> None:
        """Stop the writer thread once the writes under way are done (their errors are
        not raised: the staged files are then deleted, or were waited for already), and
        close the connection."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        self._writing.clear()
        if self._con is not None:
            self._con.close()
            self._con = None


def _row_group_size(table: str) -> int:
    return ROW_GROUP_SIZES.get(
        table, SERVING_ROW_GROUP_SIZE if TABLES[table].derived else ROW_GROUP_SIZE
    )


def _parquet_options(table: str) -> dict:
    """The Parquet writer's options for a file of `table`, the same for a file written at
    once (`_write_file`) and one written batch by batch (`_write_batches`)."""
    return {
        "compression": COMPRESSION.get(table, "zstd"),
        "write_statistics": True,
        **WRITE_OPTIONS.get(table, {}),
    }


def _write_file(table: str, rows: pa.Table, path: Path) -> None:
    pq.write_table(
        rows.cast(TABLES[table].file_schema),
        path,
        row_group_size=_row_group_size(table),
        **_parquet_options(table),
    )
    fsync_file(path)


_STOP = object()  # handed to `_write_batches` when the batches failed: the file is not finished


class _BatchesStopped(Exception):
    """The batches of a file being written failed; so does its write."""


def _write_batches(table: str, handed: queue.Queue, path: Path) -> None:
    """Write the batches handed over until None. Whole row groups are written as soon as
    they are held, the rest with the next batches, so the groups are those of
    `_write_file`'s one write of all the rows."""
    schema, size = TABLES[table].file_schema, _row_group_size(table)
    held: list[pa.RecordBatch] = []
    count = 0
    with pq.ParquetWriter(path, schema, **_parquet_options(table)) as writer:
        while (batch := handed.get()) is not None:
            if batch is _STOP:
                raise _BatchesStopped(str(path))
            held.append(batch.cast(schema))
            count += batch.num_rows
            if count >= size:
                rows = pa.Table.from_batches(held, schema=schema)
                whole = count // size * size
                writer.write_table(rows.slice(0, whole), row_group_size=size)
                held = rows.slice(whole).to_batches()
                count -= whole
        if count:
            writer.write_table(pa.Table.from_batches(held, schema=schema), row_group_size=size)
    fsync_file(path)


def _hand_over(handed: queue.Queue, item: object, writing: Future, check: bool = True) -> None:
    """Put `item` in the writer thread's queue, unless its write has stopped (raising its
    error, when `check`)."""
    while True:
        with contextlib.suppress(queue.Full):
            handed.put(item, timeout=0.05)
            return
        if writing.done():
            if check:
                writing.result()
                raise RuntimeError("the writer thread stopped before the file's end")
            return


@contextlib.contextmanager
def transaction(
    warehouse: str | os.PathLike | None = None,
    load_id: str | None = None,
    *,
    maintain_serving: bool = True,
    defer_serving: bool = False,
) -> Iterator[Transaction]:
    """A commit: stage inside the block; it is committed when the block ends, discarded
    when it raises. One at a time per warehouse (the writer lock). Before the commit point,
    the serving layer of the months the block's base changes touch is recomputed into the
    same commit (kit/warehouse/serving.py; `maintain_serving=False`: the block does it).
    `defer_serving=True`, for a commit of a load written in several: those months are
    recorded as stale instead, and the version answers from the base tables until the next
    commit without it recomputes them (serving.maintain)."""
    root = config.warehouse_path(warehouse)
    with locked(root):
        recover_locked(root)
        txn = Transaction(root, latest(root), load_id or uuid.uuid4().hex)
        marker = writing_marker(root, txn.load_id)
        marker.parent.mkdir(exist_ok=True)
        marker.touch()
        try:
            yield txn
            if maintain_serving:
                serving.maintain(txn, defer=defer_serving)
            txn.wait_writes()
            failpoint("staged")
            version = txn.version()
            commit_version(root, version)
        except BaseException:
            if not manifest_path(root, txn.number).exists():  # not committed: undo it all
                txn.discard()
                unlink(marker)
            raise  # (committed all the same when an error follows the rename: the marker stays)
        txn.close()
        try:
            publish(root, version)
            expire(root, now() - grace_setting())
            failpoint("vacuumed")
        except (
            OSError
        ) as exc:  # committed all the same: the marker leaves the rest to the next writer
            warnings.warn(
                f"{root}: version {version.number} is committed, but updating the public "
                f"folders failed ({exc}); the next write or `kit vacuum` completes it.",
                stacklevel=3,
            )
            return
        unlink(marker)


def publish(root: Path, version: Version) -> None:
    """The public tree made to show `version`: per partition, the new file linked in and
    the replaced one unlinked right after, so a plain reader's glob sees each partition
    doubled or missing for as short a time as the file system allows."""
    changes: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for name, rels in version.added.items():
        for rel in rels:
            changes.setdefault((name, _partition(rel)), ([], []))[0].append(rel)
    for name, rels in version.removed.items():
        for rel in rels:
            changes.setdefault((name, _partition(rel)), ([], []))[1].append(rel)
    for i, ((name, _), (added, removed)) in enumerate(sorted(changes.items())):
        for rel in added:
            link(store_path(root, name, rel), public_path(root, name, rel))
        for rel in removed:
            path = public_path(root, name, rel)
            unlink(path)
            prune_empty(path.parent, root)
        if i == 0:
            failpoint("publishing")
    failpoint("published")

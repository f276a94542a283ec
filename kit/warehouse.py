"""The one write path into the warehouse.

Every source (the demo, chart CSVs, Spotify for Artists, plain tables, SoundCharts)
hands its rows to `write()`, which

- conforms them to the table's pyarrow schema and refuses what does not fit,
  naming the table, column and what was expected;
- merges them into each affected partition on the table's natural key, so loading
  the same rows twice changes nothing (a row with a known key replaces the old one);
- merges the dimension tables column by column instead ("Dimension rows" below);
- writes every rewritten partition beside the old one as a hidden pending file,
  then commits them all at once through a journal, and appends one ingest_log row
  per load in the same commit.

Atomicity. Until the journal file is renamed into place, a write has only added
hidden `.part-*.pending` files that no reader globs (`*.parquet`; Spark and pyarrow
skip names starting with '.' or '_'): a crash, an exception or a kill -9 before
that point leaves the previous state exactly. After it, the next writer or
`kit.db.connect()` rolls the journal forward, so the new state is complete.

Dimension rows (artists, tracks, track_credits) merge column by column by one rule for
every source (`keep_known_values`): a known value is never replaced by an empty one, and
where two values differ the stored one wins (within a load, the first given). These
columns say what a thing is, so a later load is not fresher, only another source's
spelling or partial view: a title does not flip with each chart file, the order of loads
does not change a report, and a batch stores what its files stored one by one would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import config
from .schema import CHARTS, DATA_TABLES, FREQUENCIES, GLOBAL, INGEST_LOG, ROLES, TABLES, Table

# Rows per Parquet row group: min/max statistics are kept per group, so a group much smaller
# than a platform-month file lets the sort keys (country, track; artist for the audience)
# skip most of it. 16,384 gave the same answers with ~20 % less CPU per breakdown and
# ~30 % per summary than 122,880 on the 10 M-row bench warehouse (bench/README.md).
ROW_GROUP_SIZE = 16_384
JOURNAL_DIR = "_journal"
# tables whose rows describe what the facts name: merged column by column (keep_known_values)
DIMENSION_TABLES = frozenset({"artists", "tracks", "track_credits"})


class WarehouseError(ValueError):
    """Rows that do not fit a warehouse table; nothing was written."""


@dataclass(frozen=True)
class LogEntry:
    """One ingest_log row: what was loaded, from where."""

    source: str
    file: str | None = None
    checksum: str | None = None
    rows: int | None = None  # rows offered; defaults to all rows of the write
    rows_written: int | None = None  # defaults to the write's (a load of several writes says)
    outcome: str = "ok"
    message: str | None = None


@dataclass
class LoadResult:
    load_id: str
    rows: dict[str, int] = field(default_factory=dict)  # offered, per table
    rows_written: dict[str, int] = field(default_factory=dict)  # new or changed, per table
    partitions: int = 0  # files rewritten

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_written(self) -> int:
        return sum(self.rows_written.values())


# ---------------------------------------------------------------- conforming rows


def conform(table: Table, rows: pa.Table | pd.DataFrame) -> pa.Table:
    """`rows` cast to `table`'s schema, with codes normalised, or a WarehouseError."""
    if isinstance(rows, pd.DataFrame):
        rows = _from_pandas(table, rows)
    unknown = [c for c in rows.column_names if c not in table.schema.names]
    if unknown:
        raise WarehouseError(
            f"{table.name}: unknown column(s) {unknown}; expected {table.schema.names}"
        )
    columns = []
    for f in table.schema:
        if f.name in rows.column_names:
            col = rows.column(f.name)
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise WarehouseError(
                    f"{table.name}.{f.name}: expected {f.type}, got {col.type} ({exc})"
                ) from exc
        else:
            col = pa.nulls(rows.num_rows, f.type)
        columns.append(col)
    out = pa.Table.from_arrays(columns, schema=table.schema)

    for name in ("country",):
        if name in out.column_names:
            out = out.set_column(
                out.schema.get_field_index(name), name, pc.utf8_upper(out.column(name))
            )
    if "platform" in out.column_names:
        i = out.schema.get_field_index("platform")
        out = out.set_column(i, "platform", pc.utf8_lower(out.column("platform")))

    if table.name == "chart_entries" and out.num_rows:
        # a chart row without a chart name is from the main (top) chart
        i = out.schema.get_field_index("chart")
        out = out.set_column(i, "chart", pc.fill_null(out.column("chart"), "top"))

    for name in (*table.key, *table.required):
        nulls = out.column(name).null_count
        if nulls:
            hint = f" (worldwide is {GLOBAL!r}, never empty)" if name == "country" else ""
            raise WarehouseError(f"{table.name}.{name}: {nulls} row(s) have no value{hint}")
    _check_values(table, out, "frequency", FREQUENCIES)
    _check_values(table, out, "role", ROLES)
    _check_values(table, out, "chart", CHARTS)
    if "country" in out.column_names and out.num_rows:
        bad = pc.invert(
            pc.or_(
                pc.equal(out.column("country"), GLOBAL),
                pc.match_substring_regex(out.column("country"), r"^[A-Z]{2}$"),
            )
        )
        if pc.any(bad).as_py():
            first = out.column("country").filter(bad)[0].as_py()
            raise WarehouseError(
                f"{table.name}.country: {first!r} is not an ISO 3166-1 alpha-2 code or {GLOBAL!r}"
            )
    return out


def _from_pandas(table: Table, frame: pd.DataFrame) -> pa.Table:
    arrays, names = [], []
    for name in frame.columns:
        try:
            arrays.append(pa.array(frame[name], from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            expected = table.schema.field(name).type if name in table.schema.names else "?"
            raise WarehouseError(f"{table.name}.{name}: expected {expected} ({exc})") from None
        names.append(str(name))
    return pa.Table.from_arrays(arrays, names=names)


def _check_values(table: Table, rows: pa.Table, column: str, allowed: Sequence[str]) -> None:
    if column not in rows.column_names or not rows.num_rows:
        return
    col = rows.column(column)
    bad = pc.invert(pc.is_in(col, value_set=pa.array(list(allowed))))
    bad = pc.and_(bad, pc.is_valid(col))
    if pc.any(bad).as_py():
        first = col.filter(bad)[0].as_py()
        raise WarehouseError(f"{table.name}.{column}: {first!r} is not one of {list(allowed)}")


# ---------------------------------------------------------------- locking and recovery


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def needs_recovery(warehouse: str | os.PathLike | None = None) -> bool:
    root = config.warehouse_path(warehouse)
    journal = root / JOURNAL_DIR
    return journal.is_dir() and any(journal.iterdir())


def recover(warehouse: str | os.PathLike | None = None) -> int:
    """Roll committed journals forward and drop uncommitted pending files.

    Returns the number of journals completed."""
    root = config.warehouse_path(warehouse)
    if not root.exists():
        return 0
    with _locked(root):
        return _recover_locked(root)


def _recover_locked(root: Path) -> int:
    done = 0
    journal = root / JOURNAL_DIR
    if journal.is_dir():
        for entry in sorted(journal.glob("*.json")):
            _apply(root, json.loads(entry.read_text()))
            entry.unlink()
            done += 1
        for tmp in journal.glob("*.tmp"):
            tmp.unlink()
    for stray in root.glob("**/.part-*.pending"):
        stray.unlink()
    return done


def _apply(root: Path, plan: dict) -> None:
    for op in plan["ops"]:
        folder = root / op["dir"]
        pending = folder / op["pending"]
        if pending.exists():
            os.replace(pending, folder / op["final"])
        for old in op["delete"]:
            with contextlib.suppress(FileNotFoundError):
                (folder / old).unlink()
        _prune_empty(folder, root)


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.exists() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _failpoint(name: str) -> None:
    """Lets the crash tests kill a write at a named step (CHARTROOM_FAILPOINT=name)."""
    if os.environ.get("CHARTROOM_FAILPOINT") == name:
        os.kill(os.getpid(), 9)


# ---------------------------------------------------------------- reading


def table_dir(root: Path, table: Table) -> Path:
    return root / table.name


def _partition_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def read_table(name: str, warehouse: str | os.PathLike | None = None) -> pa.Table:
    """A whole warehouse table as Arrow, partition columns included (for tests and tools)."""
    table = TABLES[name]
    root = config.warehouse_path(warehouse)
    folder = table_dir(root, table)
    if not table.partitioned:
        files = _partition_files(folder)
        if not files:
            return table.schema.empty_table()
        return pa.concat_tables([pq.read_table(f).cast(table.schema) for f in files])
    parts = []
    for pdir in sorted(folder.glob("platform=*/month=*")):
        files = _partition_files(pdir)
        if not files:
            continue
        platform = pdir.parent.name.split("=", 1)[1]
        for f in files:
            t = pq.read_table(f, schema=table.file_schema)
            t = t.add_column(1, "platform", pa.array([platform] * t.num_rows, pa.string()))
            parts.append(t.select(table.schema.names).cast(table.schema))
    if not parts:
        return table.schema.empty_table()
    return pa.concat_tables(parts)


def loaded_checksums(
    warehouse: str | os.PathLike | None = None, source: str | None = None
) -> set[str]:
    """Checksums of files already loaded successfully (outcome ok)."""
    log = read_table("ingest_log", warehouse)
    if not log.num_rows:
        return set()
    mask = pc.equal(log.column("outcome"), "ok")
    if source:
        mask = pc.and_(mask, pc.equal(log.column("source"), source))
    return {c for c in log.filter(mask).column("checksum").to_pylist() if c}


def state(warehouse: str | os.PathLike | None = None) -> str:
    """What the data tables hold, as one digest: of the names of their committed Parquet
    files. Every commit writes new `part-<uuid>.parquet` files and deletes those it
    replaces, so the digest changes when a write changes rows and only then (ingest_log
    is left out: a load that changes nothing still logs). Read-only; a versioned
    snapshot's id can take its place."""
    root = config.warehouse_path(warehouse)
    digest = hashlib.sha256()
    for name in DATA_TABLES:
        pattern = "platform=*/month=*/*.parquet" if TABLES[name].partitioned else "*.parquet"
        for path in sorted((root / name).glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\n")
    return digest.hexdigest()


# ---------------------------------------------------------------- writing


def write(
    tables: Mapping[str, pa.Table | pd.DataFrame],
    *,
    source: str,
    warehouse: str | os.PathLike | None = None,
    file: str | None = None,
    checksum: str | None = None,
    log: Sequence[LogEntry] | None = None,
    message: str | None = None,
) -> LoadResult:
    """Merge `tables` ({table name: rows}) into the warehouse in one atomic commit.

    Adds one ingest_log row per entry of `log` (default: one for this load; `log=()`: none)."""
    root = config.warehouse_path(warehouse)
    unknown = [n for n in tables if n not in TABLES or n == "ingest_log"]
    if unknown:
        raise WarehouseError(f"unknown table(s) {unknown}; expected one of {list(TABLES)[:-1]}")
    conformed = {name: conform(TABLES[name], rows) for name, rows in tables.items()}
    load_id = uuid.uuid4().hex
    result = LoadResult(load_id=load_id)

    with _locked(root):
        _recover_locked(root)
        ops: list[dict] = []
        try:
            con = duckdb.connect()
            con.execute("set enable_progress_bar = false")
            for name, rows in conformed.items():
                table = TABLES[name]
                result.rows[name] = rows.num_rows
                result.rows_written[name] = 0
                if not rows.num_rows:
                    continue
                for folder, part_rows in _split_partitions(root, table, rows):
                    op, written = _stage_partition(con, root, folder, table, part_rows)
                    result.rows_written[name] += written
                    if op:
                        ops.append(op)
            entries = [LogEntry(source, file, checksum, message=message)] if log is None else log
            if entries:
                ops.append(_stage_log(con, root, load_id, entries, result))
            con.close()
            _failpoint("staged")
            _commit(root, load_id, ops)
        except BaseException:
            for op in ops:
                with contextlib.suppress(FileNotFoundError):
                    (root / op["dir"] / op["pending"]).unlink()
            raise
    result.partitions = len(ops) - bool(entries)
    return result


def log_failure(
    *,
    source: str,
    file: str | None,
    message: str,
    checksum: str | None = None,
    rows: int = 0,
    warehouse: str | os.PathLike | None = None,
) -> None:
    """Record a refused load in ingest_log; no data table is touched."""
    write(
        {},
        source=source,
        warehouse=warehouse,
        log=[LogEntry(source, file, checksum, rows=rows, outcome="failed", message=message)],
    )


def _split_partitions(root: Path, table: Table, rows: pa.Table) -> Iterator[tuple[Path, pa.Table]]:
    folder = table_dir(root, table)
    if not table.partitioned:
        yield folder, rows
        return
    # an integer year * 100 + month sorts and groups far faster than a formatted string
    dates = rows.column("date")
    month = pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates))
    order = [("platform", "ascending"), ("_month", "ascending")]
    rows = rows.append_column("_month", month).sort_by(order)
    # after sorting, each platform × month is one contiguous slice; group_by does not keep the
    # order it met the groups in (pyarrow 26 hashes), so the groups are sorted the same way
    groups = (
        rows.group_by(["platform", "_month"], use_threads=False)
        .aggregate([([], "count_all")])
        .sort_by(order)
    )
    offset = 0
    for platform, month_, count in zip(
        groups.column("platform").to_pylist(),
        groups.column("_month").to_pylist(),
        groups.column("count_all").to_pylist(),
        strict=True,
    ):
        part = rows.slice(offset, count).drop_columns(["platform", "_month"])
        offset += count
        yield (
            folder / f"platform={platform}" / f"month={month_ // 100:04d}-{month_ % 100:02d}",
            part,
        )


def _keys_unique(rows: pa.Table, key_columns: list[str]) -> bool:
    groups = rows.select(key_columns).group_by(key_columns, use_threads=False).aggregate([])
    return groups.num_rows == rows.num_rows


def keep_known_values(
    table: Table,
    stored: pa.Table,
    new: pa.Table,
    con: duckdb.DuckDBPyConnection,
    *,
    changed_only: bool = False,
) -> pa.Table:
    """The rows of `new` as a load stores them (see "Dimension rows"): one per key, each
    column's stored value if any, else its first non-empty value in `new`. `changed_only`
    leaves out rows stored exactly so already. All tables have `table`'s columns."""
    if not new.num_rows or (not stored.num_rows and _keys_unique(new, list(table.key))):
        return new  # nothing stored, each key once: the rows are what the rule stores
    key = ", ".join(f'"{k}"' for k in table.key)
    values = ", ".join(
        f'"{c}"'
        if c in table.key
        else f'arg_min("{c}", _order) filter (where "{c}" is not null) as "{c}"'
        for c in new.column_names
    )
    columns = ", ".join(f'"{c}"' for c in new.column_names)
    unchanged = f"except select {columns} from kept_stored" if changed_only else ""
    con.register("kept_new", new.append_column("_order", pa.array(range(new.num_rows), pa.int64())))
    con.register(
        "kept_stored", stored.append_column("_order", pa.repeat(pa.scalar(-1), stored.num_rows))
    )
    rows = con.sql(
        f"select {values} from (select * from kept_stored semi join kept_new using ({key}) "
        f"union all by name select * from kept_new) group by {key} {unchanged}"
    ).to_arrow_table()
    con.unregister("kept_new")
    con.unregister("kept_stored")
    return rows.cast(new.schema)


def _merge(
    con: duckdb.DuckDBPyConnection,
    old_files: list[Path],
    new: pa.Table,
    table: Table,
    key_columns: list[str],
    sort_columns: list[str],
) -> tuple[pa.Table | None, int]:
    """Old and new rows merged on the natural key (None when nothing would change)."""
    schema = table.file_schema
    key = ", ".join(f'"{k}"' for k in key_columns)
    order = ", ".join(f'"{k}"' for k in sort_columns)
    # within one load, the later row of a key wins: _seq keeps the order rows were given in
    con.register("new_rows", new)
    con.register("new_seq", new.append_column("_seq", pa.array(range(new.num_rows), pa.int64())))
    try:
        if old_files:
            old = pa.concat_tables([pq.read_table(f, schema=schema) for f in old_files])
            con.register("old_rows", old)
            written = con.execute(
                "select count(*) from (select * from new_rows except select * from old_rows)"
            ).fetchall()[0][0]
            if written == 0:
                return None, 0
            union = (
                "select *, 0 as _new, 0 as _seq from old_rows "
                "union all by name select *, 1 as _new from new_seq"
            )
        else:
            written = None
            union = "select *, 1 as _new from new_seq"
        merged = con.sql(
            f"""
            select * exclude (_new, _seq, _rank) from (
                select *, row_number() over (partition by {key} order by _new desc, _seq desc) as _rank
                from ({union})
            ) where _rank = 1
            order by {order}
            """
        ).to_arrow_table()
    finally:
        for name in ("new_rows", "new_seq", "old_rows"):
            con.unregister(name)
    merged = merged.cast(schema)
    return merged, merged.num_rows if written is None else int(written)


def _stage_partition(
    con: duckdb.DuckDBPyConnection, root: Path, folder: Path, table: Table, new: pa.Table
) -> tuple[dict | None, int]:
    """Write the merged partition as a pending file; returns its journal op and rows written."""
    schema = table.file_schema
    old_files = _partition_files(folder)
    if table.name in DIMENSION_TABLES:
        stored = [pq.read_table(f, schema=schema) for f in old_files] or [schema.empty_table()]
        new = keep_known_values(table, pa.concat_tables(stored), new, con)
    key_columns = [k for k in table.key if k in schema.names]
    sort_columns = [k for k in table.sort if k in schema.names]
    if not old_files and _keys_unique(new, key_columns):
        # a new partition whose keys are all distinct needs no merge: sorting is enough
        merged = new.sort_by([(k, "ascending") for k in sort_columns]).cast(schema)
        written = merged.num_rows
    else:
        merged, written = _merge(con, old_files, new, table, key_columns, sort_columns)
        if merged is None:
            return None, 0
    token = uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    pending = f".part-{token}.parquet.pending"
    pq.write_table(
        merged,
        folder / pending,
        row_group_size=ROW_GROUP_SIZE,
        compression="zstd",
        write_statistics=True,
    )
    op = {
        "dir": str(folder.relative_to(root)),
        "pending": pending,
        "final": f"part-{token}.parquet",
        "delete": [f.name for f in old_files],
    }
    return op, int(written)


def _stage_log(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    load_id: str,
    entries: Sequence[LogEntry],
    result: LoadResult,
) -> dict:
    now = dt.datetime.now(dt.UTC)
    alone = result.total_written if len(entries) == 1 else None
    rows = pa.table(
        {
            "load_id": [load_id if i == 0 else f"{load_id}-{i}" for i in range(len(entries))],
            "loaded_at": [now] * len(entries),
            "source": [e.source for e in entries],
            "file": [e.file for e in entries],
            "checksum": [e.checksum for e in entries],
            "rows": [e.rows if e.rows is not None else result.total_rows for e in entries],
            "rows_written": [alone if e.rows_written is None else e.rows_written for e in entries],
            "outcome": [e.outcome for e in entries],
            "message": [e.message for e in entries],
        },
        schema=INGEST_LOG.schema,
    )
    op, _ = _stage_partition(con, root, table_dir(root, INGEST_LOG), INGEST_LOG, rows)
    assert op is not None  # a load id is new by construction
    return op


def _commit(root: Path, load_id: str, ops: list[dict]) -> None:
    for op in ops:
        fd = os.open(root / op["dir"] / op["pending"], os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    journal = root / JOURNAL_DIR
    journal.mkdir(exist_ok=True)
    tmp = journal / f"{load_id}.json.tmp"
    with open(tmp, "w") as fh:
        json.dump({"load_id": load_id, "ops": ops}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal / f"{load_id}.json")  # the commit point
    _fsync_dir(journal)
    _failpoint("committed")
    _apply(root, {"ops": ops})
    (journal / f"{load_id}.json").unlink()

"""The snapshot a reader reads (a version's files, or a warehouse of the previous kit as
it lies), and reading a whole table, the loaded checksums and the warehouse's state, from one
snapshot (the latest committed version unless one is given)."""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import config
from ..schema import TABLES
from .legacy import legacy_files
from .versions import (
    Snapshot,
    VersionGone,
    read_version,
    snapshot_of,
    unversioned_snapshot,
    version_numbers,
)


def _partition_values(path: str) -> dict[str, str]:
    """The hive partition values in a file's path: {'platform': 'spotify', 'month': …}."""
    return dict(part.split("=", 1) for part in path.split("/")[:-1] if "=" in part)


def read_table(
    name: str,
    warehouse: str | os.PathLike | None = None,
    *,
    version: int | None = None,
    snap: Snapshot | None = None,
) -> pa.Table:
    """A whole warehouse table as Arrow, partition columns included (for tests and tools),
    as of `snap`, else `version`, else the latest version."""
    table = TABLES[name]
    snap = snap or snapshot(warehouse, version)
    files = snap.files.get(name, ())
    if not files:
        return table.schema.empty_table()
    parts = []
    for rel in files:
        t = pq.read_table(snap.root / rel, schema=table.file_schema)
        if table.partitioned:
            platform = _partition_values(rel)["platform"]
            t = t.add_column(1, "platform", pa.array([platform] * t.num_rows, pa.string()))
        parts.append(t.select(table.schema.names).cast(table.schema))
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
    """What the data tables hold, as one string: the latest version whose commit changed a
    data table, with that commit's load id (unique, so a warehouse built again from
    nothing never repeats a state). A load that changes no row commits a version too (its
    ingest_log row) but leaves the state as it was. Read-only.

    A warehouse of the previous kit, not yet versioned: a digest of its data files' names."""
    return snapshot(warehouse).state


def snapshot(warehouse: str | os.PathLike | None = None, version: int | None = None) -> Snapshot:
    """The files a reader reads: of `version`, else of the latest committed version.

    Read-only: it takes no lock and writes nothing. `version` no longer kept raises
    VersionGone."""
    root = config.warehouse_path(warehouse)
    if version is None:
        numbers = version_numbers(root)
        if not numbers:
            return unversioned_snapshot(root, legacy_files(root))
        version = numbers[-1]
    elif version == 0:
        if version_numbers(root):
            raise VersionGone(
                f"The warehouse at {root} has been versioned since this query was built: ask "
                "for fresh data (build the query again, or q.refresh())."
            )
        return unversioned_snapshot(root, legacy_files(root))
    return snapshot_of(root, read_version(root, version))

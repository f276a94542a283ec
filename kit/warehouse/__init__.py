"""The one write path into the warehouse, and the snapshots its readers read.

Every source (the demo, chart CSVs, Spotify for Artists, plain tables, SoundCharts)
hands its rows to `write()`, which

- conforms them to the table's pyarrow schema and refuses what does not fit, naming the
  table, column and what was expected (conform.py);
- merges them into each affected partition on the table's natural key, so loading the
  same rows twice changes nothing (a row with a known key replaces the old one); the
  dimension tables merge column by column instead (merge.py, "Dimension rows" below);
- stages every rewritten partition as a new immutable file in the store and commits
  them all at once, with one ingest_log row per load, as a new numbered version
  (commit.py, versions.py);
- recomputes, before that commit point and into the same version, the serving layer's
  months (per-month figures that make breakdowns and summaries cheap) that those
  partitions touch (serving.py); `rebuild()` recomputes all of it (rebuild.py).

Snapshot reads, as Delta Lake and Iceberg do them. Each commit is a version whose
manifest lists every table's files; a reader (kit.db, kit.spark, `read_table`) pins one
version and reads exactly its files, so it sees one committed state, whole, however many
writers commit meanwhile. Files a newer version replaced stay in the store for a grace
period (24 h by default), so a pinned reader keeps finding them; then the next writer or
`kit vacuum` removes them (vacuum.py). Readers never write: tidying after an interrupted
write belongs to the next writer or to `kit vacuum`. The public tree (`<table>/platform=…/
month=…/*.parquet`) holds hard links to the latest version's files for plain tools
(layout.py). A warehouse of the previous kit is read as it lies until the first write
adopts it (legacy.py).

Dimension rows (artists, tracks, track_credits) merge column by column by one rule for
every source (`keep_known_values`): a known value is never replaced by an empty one, and
where two values differ the stored one wins (within a load, the first given). These
columns say what a thing is, so a later load is not fresher, only another source's
spelling or partial view: a title does not flip with each chart file, the order of loads
does not change a report, and a batch stores what its files stored one by one would.
"""

from .commit import ROW_GROUP_SIZE, Transaction, transaction
from .conform import WarehouseError, conform
from .merge import DIMENSION_TABLES, keep_known_values
from .read import loaded_checksums, read_table, snapshot, state
from .rebuild import rebuild
from .serving import SERVING_FORMAT
from .vacuum import DEFAULT_GRACE, VacuumResult, recover, vacuum
from .versions import (
    Snapshot,
    Version,
    VersionGone,
    current_version,
    files_by_partition,
    read_version,
)
from .write import LoadResult, LogEntry, log_failure, write

__all__ = [
    "DEFAULT_GRACE",
    "DIMENSION_TABLES",
    "ROW_GROUP_SIZE",
    "SERVING_FORMAT",
    "LoadResult",
    "LogEntry",
    "Snapshot",
    "Transaction",
    "VacuumResult",
    "Version",
    "VersionGone",
    "WarehouseError",
    "conform",
    "current_version",
    "files_by_partition",
    "keep_known_values",
    "loaded_checksums",
    "log_failure",
    "read_table",
    "read_version",
    "rebuild",
    "recover",
    "snapshot",
    "state",
    "transaction",
    "vacuum",
    "write",
]

"""Versions and snapshots: what a commit records and what a reader pins.

Each commit writes one manifest, `_versions/<version>.json` (20 digits, so names sort as
numbers): the version number, when it was committed, every table's files in that state,
and the files it added and removed. Renaming that manifest into place is the commit
point. A reader lists `_versions/`, takes the highest version, and reads exactly the
files its manifest lists (`Snapshot`); it never lists data folders, never takes the lock
and never writes, so commits made meanwhile do not change what it reads. Manifests never
change once written, so a parsed one is kept in memory.

A warehouse written by the previous kit has no `_versions/` yet: it is read as it lies
(version 0, the files found in the public tree, a committed journal rolled forward in
memory only) until the first write or `kit vacuum` adopts it (kit/warehouse/legacy.py);
read.py's `snapshot` picks one or the other.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..schema import BASE_VIEWS, DATA_TABLES, TABLES
from .conform import WarehouseError
from .layout import STORE_DIR, VERSIONS_DIR, failpoint, fsync_dir

_MANIFEST = re.compile(r"^(\d{20})\.json$")


class VersionGone(WarehouseError):
    """A pinned version whose manifest `kit vacuum` (or a writer) has since removed."""


@dataclass(frozen=True)
class Version:
    """One commit's manifest. Files are paths inside their table's folder
    (`platform=spotify/month=2026-09/part-….parquet`, or `part-….parquet`)."""

    number: int
    load_id: str
    committed_at: dt.datetime
    tables: Mapping[str, tuple[str, ...]]
    added: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    removed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the latest version whose commit changed a data table (ingest_log aside), and its load
    data_version: int = 0
    data_load: str = ""
    # the format of the serving layer this version holds, complete and current (0: none, as
    # in a version written by an earlier kit: readers answer from the base tables)
    serving: int = 0
    # a version committed by a load of several commits before its last (serving.py): its
    # serving layer, of format `stale_format`, is current but for `stale_months` (per
    # serving table, the platform × months whose rows are stale), which the next commit
    # recomputes with its own; its `serving` is 0 till then, so readers use the base tables
    stale_format: int = 0
    stale_months: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "version": self.number,
            "load_id": self.load_id,
            "committed_at": self.committed_at.isoformat(),
            "data_version": self.data_version,
            "data_load": self.data_load,
            "serving": self.serving,
            "tables": {t: list(f) for t, f in self.tables.items()},
            "added": {t: list(f) for t, f in self.added.items() if f},
            "removed": {t: list(f) for t, f in self.removed.items() if f},
        }
        if self.stale_format:
            data["serving_stale"] = {
                "format": self.stale_format,
                "months": {t: [list(m) for m in ms] for t, ms in self.stale_months.items()},
            }
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Version:
        data = json.loads(text)
        stale = data.get("serving_stale", {})

        def files(key: str) -> dict[str, tuple[str, ...]]:
            return {t: tuple(f) for t, f in data.get(key, {}).items()}

        return cls(
            number=data["version"],
            load_id=data["load_id"],
            committed_at=dt.datetime.fromisoformat(data["committed_at"]),
            tables=files("tables"),
            added=files("added"),
            removed=files("removed"),
            data_version=data["data_version"],
            data_load=data["data_load"],
            serving=data.get("serving", 0),
            stale_format=stale.get("format", 0),
            stale_months={t: tuple(map(tuple, ms)) for t, ms in stale.get("months", {}).items()},
        )


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One committed state of a warehouse, as a reader reads it: each table's files, as
    paths under `root` (store files for a version; the public tree for version 0). Two
    snapshots are equal when they have the same `key`."""

    root: Path
    version: int  # 0: no version committed (a warehouse of the previous kit, or none yet)
    files: Mapping[str, tuple[str, ...]]
    load_id: str = ""  # the commit's load id: no two commits share one
    state: str = ""  # what the data tables hold: see kit.warehouse.state()
    serving: int = 0  # the format of its serving layer (0: none; answer from the base tables)

    @property
    def key(self) -> tuple:
        """Identifies this state for caches: the same key, the same files."""
        if self.version:
            return (str(self.root), self.version, self.load_id)
        return (str(self.root), 0, self.state)

    def paths(self, table: str) -> list[Path]:
        return [self.root / f for f in self.files.get(table, ())]

    def view_paths(self, serving_current: bool) -> dict[str, list[Path]]:
        """The files of every view's table; none of a serving table unless its layer is
        of the current format (another format's files may have other columns)."""
        return {
            name: self.paths(name) if serving_current or not TABLES[name].derived else []
            for name in BASE_VIEWS
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Snapshot) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


# A platform × month partition folder in a file's path.
_PARTITION = re.compile(r"platform=([^/]+)/month=(\d{4}-\d{2})/")


@functools.lru_cache(maxsize=64)
def files_by_partition(
    snapshot: Snapshot, table: str
) -> dict[tuple[str, str] | None, tuple[str, ...]]:
    """A table's files in `snapshot`, as paths, by (platform, month) partition, worked out
    once a version (the files of a version never change); under None, any file outside a
    platform × month folder (a table that is not partitioned, or a file of an earlier
    kit's layout)."""
    found: dict[tuple[str, str] | None, list[str]] = {}
    for rel in snapshot.files.get(table, ()):
        match = _PARTITION.search(rel)
        found.setdefault(match.groups() if match else None, []).append(str(snapshot.root / rel))
    return {partition: tuple(files) for partition, files in found.items()}


# The folders of `_versions` DuckDB spills a serving recompute's statements into
# (kit/warehouse/serving.py): one a writer left behind is removed by the next recovery.
SPILL_PREFIX = ".spill-"


def versions_dir(root: Path) -> Path:
    return root / VERSIONS_DIR


def manifest_path(root: Path, number: int) -> Path:
    return versions_dir(root) / f"{number:020d}.json"


def version_numbers(root: Path) -> list[int]:
    """The versions whose manifests are present, oldest first."""
    try:
        names = os.listdir(versions_dir(root))
    except FileNotFoundError:
        return []
    return sorted(int(m.group(1)) for n in names if (m := _MANIFEST.match(n)))


def current_version(warehouse: str | os.PathLike | None = None) -> int:
    """The latest committed version (0 when none is)."""
    numbers = version_numbers(config.warehouse_path(warehouse))
    return numbers[-1] if numbers else 0


_manifests: dict[tuple, Version] = {}
_manifests_lock = threading.Lock()
_MANIFESTS_KEPT = 256


def read_version(root: Path, number: int) -> Version:
    """Version `number`'s manifest (VersionGone when it is no longer kept)."""
    path = manifest_path(root, number)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise VersionGone(
            f"Version {number} of the warehouse at {root} is no longer kept (a writer or "
            "`kit vacuum` removes versions replaced longer ago than the grace period): ask "
            "for fresh data (build the query again, or q.refresh())."
        ) from None
    # the inode and mtime tell a manifest from one of a warehouse rebuilt under the same path
    key = (str(root), number, st.st_ino, st.st_mtime_ns)
    with _manifests_lock:
        found = _manifests.get(key)
    if found is None:
        found = Version.from_json(path.read_text())
        with _manifests_lock:
            if len(_manifests) >= _MANIFESTS_KEPT:
                _manifests.pop(next(iter(_manifests)))
            _manifests[key] = found
    return found


def latest(root: Path) -> Version | None:
    numbers = version_numbers(root)
    return read_version(root, numbers[-1]) if numbers else None


def snapshot_of(root: Path, version: Version) -> Snapshot:
    files = {
        table: tuple(f"{STORE_DIR}/{table}/{rel}" for rel in version.tables.get(table, ()))
        for table in TABLES
    }
    return Snapshot(
        root,
        version.number,
        files,
        load_id=version.load_id,
        state=f"version {version.data_version} ({version.data_load})",
        serving=version.serving,
    )


def unversioned_snapshot(root: Path, files: Mapping[str, tuple[str, ...]]) -> Snapshot:
    """Version 0: the files as they lie; `state` is a digest of the data tables' names
    (every write of the previous kit gave each rewritten partition a new name)."""
    digest = hashlib.sha256()
    for name in DATA_TABLES:
        for path in files.get(name, ()):
            digest.update(path.encode() + b"\n")
    return Snapshot(root, 0, dict(files), state=digest.hexdigest())


def commit_version(root: Path, version: Version) -> None:
    """Write `version`'s manifest and rename it into place: the commit point. Before the
    rename the warehouse is at the previous version; after it, at this one."""
    folder = versions_dir(root)
    folder.mkdir(exist_ok=True)
    temporary = folder / f".{version.number:020d}.json.tmp"
    with open(temporary, "w") as fh:
        fh.write(version.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    failpoint("manifest-written")
    final = manifest_path(root, version.number)
    if final.exists():  # only a writer holding the lock commits, so this is a bug, not a race
        raise WarehouseError(f"version {version.number} of {root} exists already")
    os.replace(temporary, final)  # the commit point
    fsync_dir(folder)
    failpoint("committed")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

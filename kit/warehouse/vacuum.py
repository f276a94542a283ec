"""Tidying: what an interrupted write left, and the files no recent version refers to.

Readers never tidy. The next writer, before it stages anything, and `kit vacuum` (under
the same lock):

- roll a journal of the previous kit forward and adopt its warehouse (kit/warehouse/legacy.py);
- after an interrupted write (its `.writing-<load>` marker is still there): delete the
  store files no version lists (staged by a write killed before its commit point), and
  make the public tree show the latest version (a write killed while publishing);
- expire: a version replaced longer ago than the grace period is no longer kept; the
  files its successor removed are deleted, then its manifest. A reader that pinned a
  version less than the grace period after it was replaced still finds all its files.

Every writer expires after its commit (cheap: it reads only the manifests it expires);
`kit vacuum` also sweeps the whole store for files no kept version lists.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..schema import TABLES
from .layout import (
    LEGACY_JOURNAL_DIR,
    STORE_DIR,
    failpoint,
    is_kit_file,
    link,
    locked,
    prune_empty,
    public_files,
    public_path,
    store_path,
    unlink,
)
from .legacy import adopt, recover_journal
from .versions import (
    SPILL_PREFIX,
    Version,
    manifest_path,
    now,
    read_version,
    version_numbers,
    versions_dir,
)

DEFAULT_GRACE = dt.timedelta(hours=24)
GRACE_SETTING = "CHARTROOM_VACUUM_GRACE_HOURS"


def grace_setting() -> dt.timedelta:
    """How long a replaced version stays readable: $CHARTROOM_VACUUM_GRACE_HOURS, else 24 h."""
    value = config.setting(GRACE_SETTING)
    if value is None or not value.strip():
        return DEFAULT_GRACE
    try:
        hours = float(value)
    except ValueError:
        raise ValueError(f"{GRACE_SETTING}={value!r}: expected a number of hours") from None
    if hours < 0:
        raise ValueError(f"{GRACE_SETTING}={value!r}: expected zero or more hours")
    return dt.timedelta(hours=hours)


def writing_marker(root: Path, load_id: str) -> Path:
    return versions_dir(root) / f".writing-{load_id}"


@dataclass(frozen=True)
class VacuumResult:
    version: int  # the latest version, kept
    versions_kept: int
    versions_removed: int
    files_removed: int
    bytes_removed: int
    interrupted_writes: int  # writes (or journals of the previous kit) tidied up
    adopted: bool  # a warehouse of the previous kit got its first version


def recover_locked(root: Path, *, full: bool = False) -> tuple[int, bool]:
    """Tidy after interrupted writes (all of it with `full`); the writer lock is held.
    Returns (interrupted writes tidied, whether the warehouse was adopted)."""
    done = 0
    if not version_numbers(root) or (root / LEGACY_JOURNAL_DIR).exists():
        done = recover_journal(root)  # the previous kit's leftovers: none once versioned
    adopted = False
    if not version_numbers(root) and any(
        public_files(root, name, table.partitioned) for name, table in TABLES.items()
    ):
        adopt(root)
        adopted = True
    folder = versions_dir(root)
    markers = list(folder.glob(".writing-*")) if folder.is_dir() else []
    if folder.is_dir():
        for temporary in folder.glob(".*.json.tmp"):
            unlink(temporary)
        # a serving recompute's spill: the writer lock is held, so its writer is gone
        for spill in folder.glob(f"{SPILL_PREFIX}*"):
            shutil.rmtree(spill, ignore_errors=True)
    numbers = version_numbers(root)
    if numbers and (markers or done or full):
        sync_public(root, read_version(root, numbers[-1]))
        sweep_store(root, numbers)
    for marker in markers:
        unlink(marker)
    return len(markers) + done, adopted


def sync_public(root: Path, version: Version) -> None:
    """The public tree made to list exactly `version`'s files."""
    for name, table in TABLES.items():
        wanted = set(version.tables.get(name, ()))
        present = set(public_files(root, name, table.partitioned))
        for rel in sorted(wanted - present):
            link(store_path(root, name, rel), public_path(root, name, rel))
        for rel in sorted(present - wanted):
            if not is_kit_file(rel):
                continue
            path = public_path(root, name, rel)
            unlink(path)
            prune_empty(path.parent, root)
        folder = root / name
        if folder.is_dir():  # temporary names of a link interrupted half-way
            for temporary in folder.glob("**/.part-*.tmp"):
                unlink(temporary)


def _store_files(root: Path) -> list[Path]:
    store = root / STORE_DIR
    found = []
    for folder, _, names in os.walk(store):
        found += [Path(folder) / n for n in names]
    return found


def sweep_store(root: Path, numbers: list[int] | None = None) -> tuple[int, int]:
    """Delete the store files that no present manifest lists; returns (files, bytes)."""
    numbers = version_numbers(root) if numbers is None else numbers
    listed = set()
    for number in numbers:
        version = read_version(root, number)
        for name, rels in version.tables.items():
            listed.update(store_path(root, name, rel) for rel in rels)
    files = removed_bytes = 0
    for path in _store_files(root):
        if path not in listed:
            removed_bytes += path.stat().st_size
            unlink(path)
            prune_empty(path.parent, root / STORE_DIR)
            files += 1
    return files, removed_bytes


def expire(root: Path, cutoff: dt.datetime) -> tuple[int, int, int]:
    """Remove the versions replaced before `cutoff` and the files only they listed;
    returns (versions, files, bytes) removed. The latest version is always kept."""
    numbers = version_numbers(root)
    versions = files = removed_bytes = 0
    for number, successor in zip(numbers, numbers[1:], strict=False):
        replacing = read_version(root, successor)
        if replacing.committed_at >= cutoff:
            break
        # what the successor removed was listed by this version and older ones only
        for name, rels in replacing.removed.items():
            for rel in rels:
                path = store_path(root, name, rel)
                try:
                    removed_bytes += path.stat().st_size
                except FileNotFoundError:
                    continue
                unlink(path)
                prune_empty(path.parent, root / STORE_DIR)
                files += 1
        failpoint("expired-files")
        unlink(manifest_path(root, number))
        versions += 1
    return versions, files, removed_bytes


def vacuum(
    warehouse: str | os.PathLike | None = None, *, grace: dt.timedelta | None = None
) -> VacuumResult:
    """Tidy after interrupted writes, adopt a warehouse of the previous kit, and remove
    the versions replaced longer ago than `grace` (default: grace_setting()) with every
    store file no kept version lists."""
    root = config.warehouse_path(warehouse)
    grace = grace_setting() if grace is None else grace
    if not root.exists():
        raise FileNotFoundError(f"No warehouse at {root}.")
    with locked(root):
        interrupted, adopted = recover_locked(root, full=True)
        versions, files, removed_bytes = expire(root, now() - grace)
        swept, swept_bytes = sweep_store(root)
        numbers = version_numbers(root)
    return VacuumResult(
        version=numbers[-1] if numbers else 0,
        versions_kept=len(numbers),
        versions_removed=versions,
        files_removed=files + swept,
        bytes_removed=removed_bytes + swept_bytes,
        interrupted_writes=interrupted,
        adopted=adopted,
    )


def recover(warehouse: str | os.PathLike | None = None) -> int:
    """Tidy what interrupted writes left (the next writer does it too); returns how many
    were tidied. Versions are not expired: that is `vacuum()`."""
    root = config.warehouse_path(warehouse)
    if not root.exists():
        return 0
    with locked(root):
        return recover_locked(root)[0]

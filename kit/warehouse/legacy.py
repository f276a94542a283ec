"""A warehouse written by the previous kit: read as it lies, adopted by the next writer.

The previous kit kept only the public tree: each write staged hidden
`.part-*.parquet.pending` files beside the partition's file, renamed a journal
(`_journal/<load>.json`) into place as its commit point, then renamed the pending files
and deleted the replaced ones. Its readers rolled a committed journal forward; ours never
write, so `legacy_files` applies such a journal in memory, and the next writer (or `kit
vacuum`) applies it on disk and adopts the warehouse: every public file gets a second name
in the store and version 1 lists them. No data file is rewritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path

from ..schema import TABLES
from .layout import LEGACY_JOURNAL_DIR, link, prune_empty, public_files, store_path, unlink
from .versions import Version, commit_version, now


def _journals(root: Path) -> list[dict]:
    folder = root / LEGACY_JOURNAL_DIR
    if not folder.is_dir():
        return []
    plans = []
    for entry in sorted(folder.glob("*.json")):
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
            plans.append(json.loads(entry.read_text()))
    return plans


def legacy_files(root: Path) -> dict[str, tuple[str, ...]]:
    """Each table's files as the previous kit's readers saw them, paths under `root`: the
    public tree, with any committed journal rolled forward in memory."""
    files = {
        name: [f"{name}/{rel}" for rel in public_files(root, name, t.partitioned)]
        for name, t in TABLES.items()
    }
    for plan in _journals(root):
        for op in plan["ops"]:
            table = op["dir"].split("/", 1)[0]
            if table not in files:
                continue
            gone = {f"{op['dir']}/{name}" for name in op["delete"]}
            kept = [f for f in files[table] if f not in gone]
            pending = f"{op['dir']}/{op['pending']}"
            if (root / pending).exists():  # not renamed yet: read it under its pending name
                kept.append(pending)
            files[table] = sorted(kept)
    return {name: tuple(f) for name, f in files.items()}


def recover_journal(root: Path) -> int:
    """Roll the previous kit's committed journals forward and drop its uncommitted pending
    files (under the writer lock). Returns the number of journals completed."""
    done = 0
    folder = root / LEGACY_JOURNAL_DIR
    if folder.is_dir():
        for entry in sorted(folder.glob("*.json")):
            for op in json.loads(entry.read_text())["ops"]:
                partition = root / op["dir"]
                pending = partition / op["pending"]
                if pending.exists():
                    os.replace(pending, partition / op["final"])
                for old in op["delete"]:
                    unlink(partition / old)
                prune_empty(partition, root)
            entry.unlink()
            done += 1
        for temporary in folder.glob("*.tmp"):
            temporary.unlink()
        with contextlib.suppress(OSError):
            folder.rmdir()
    for stray in root.glob("**/.part-*.pending"):
        stray.unlink()
    return done


def adopt(root: Path) -> Version:
    """Version 1: the public tree as it lies, each file linked into the store (under the
    writer lock, after recover_journal)."""
    tables = {}
    for name, table in TABLES.items():
        rels = public_files(root, name, table.partitioned)
        for rel in rels:
            link(root / name / rel, store_path(root, name, rel))
        tables[name] = tuple(rels)
    load_id = f"adopted-{uuid.uuid4().hex}"
    version = Version(
        number=1,
        load_id=load_id,
        committed_at=now(),
        tables=tables,
        added=tables,
        data_version=1,
        data_load=load_id,
    )
    commit_version(root, version)
    return version

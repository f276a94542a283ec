"""The scale warehouse: the demo generator at benchmark size, built once and reused.

Building ten million chart entries takes minutes, so the warehouse is kept under the
work folder with a note of what made it (the scale, the seed, and a fingerprint of the
generator and the base tables' layout). A run reuses it when the note matches, rebuilds it
otherwise, and the results say which. The serving layer is derived from the base tables:
when only the code that derives it has changed (kit/sql/, the serving layer's modules),
a run recomputes it with `kit.warehouse.rebuild` (minutes) instead of building it all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from kit import config

NOTE = "bench-warehouse.json"
# the files (and packages) whose change makes different base tables: the generator, how
# rows are merged and conformed, and the folder layout (the base tables' schemas, keys and
# sort orders, and the rows per row group, are fingerprinted as values: base_layout())
FINGERPRINTED = (
    "sources/demo",
    "warehouse/merge.py",
    "warehouse/conform.py",
    "warehouse/layout.py",
)
# ... and a different serving layer, recomputed from the same base tables
SERVING_FINGERPRINTED = (
    "sql",
    "duckdb_sql.py",
    "schema.py",
    "warehouse/serving.py",
    "warehouse/rebuild.py",
    "warehouse/commit.py",
)


@dataclass(frozen=True)
class ScaleWarehouse:
    path: Path
    counts: dict[str, int]
    reused: bool
    build_seconds: float
    built_at: str  # ISO timestamp, UTC
    why_built: str  # empty when reused

    serving_rebuilt: str = ""  # on reuse: the serving layer recomputed by this run, and why

    @property
    def how(self) -> str:
        if self.reused:
            return f"reused (built {self.built_at} in {self.build_seconds:,.0f} s){self.serving_rebuilt}"
        return f"built by this run in {self.build_seconds:,.0f} s ({self.why_built})"


def fingerprint(names: tuple[str, ...] = FINGERPRINTED, extra: str = "") -> str:
    """A digest of kit's files `names` (files or packages, those that exist: their .py and
    .sql files) and `extra`."""
    digest = hashlib.sha256(extra.encode())
    for name in names:
        path = config.PACKAGE_DIR / name
        files = sorted([*path.rglob("*.py"), *path.rglob("*.sql")]) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def base_layout() -> str:
    """The base tables as kit/schema.py defines them, and the rows per row group."""
    from kit import warehouse
    from kit.schema import TABLES

    tables = [(t.name, str(t.schema), t.key, t.sort, t.partitioned) for t in TABLES.values() if not t.derived]  # fmt: skip
    return repr((tables, warehouse.ROW_GROUP_SIZE))


def scale_warehouse(folder: Path, scale, seed: int, *, progress: bool = False) -> ScaleWarehouse:
    """The demo warehouse at `scale` in `folder`, reused when a previous run left a matching one."""
    from kit.sources.demo import build_demo

    wanted = {"scale": repr(scale), "seed": seed, "fingerprint": fingerprint(extra=base_layout())}
    serving = fingerprint(SERVING_FINGERPRINTED)
    note_path = folder / NOTE
    root = folder / "warehouse"
    why = "no previous warehouse"
    if note_path.exists():
        note = json.loads(note_path.read_text())
        if note["params"] == wanted and root.is_dir():
            rebuilt = ""
            if note.get("serving") != serving:
                rebuilt = _rebuild_serving(root, note_path, note, serving)
            return ScaleWarehouse(
                root, note["counts"], True, note["build_seconds"], note["built_at"], "", rebuilt
            )
        changed = [k for k in wanted if note["params"].get(k) != wanted[k]]
        why = f"{', '.join(changed) or 'files'} changed since the previous one"
    # the note goes first and comes back last, so a build that dies is never reused
    note_path.unlink(missing_ok=True)
    shutil.rmtree(root, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts = build_demo(root, seed=seed, scale=scale, progress=progress)
    took = time.perf_counter() - started
    built_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    note = {
        "params": wanted,
        "counts": counts,
        "build_seconds": took,
        "built_at": built_at,
        "serving": serving,
    }
    note_path.write_text(json.dumps(note, indent=2))
    return ScaleWarehouse(root, counts, False, took, built_at, why)


def _rebuild_serving(root: Path, note_path: Path, note: dict, serving: str) -> str:
    """Recompute the serving layer of a kept warehouse whose serving code has changed; the
    note says so only once it is done."""
    from kit.warehouse import rebuild

    started = time.perf_counter()
    rebuild(root)
    took = time.perf_counter() - started
    note["serving"] = serving
    note_path.write_text(json.dumps(note, indent=2))
    return f"; its serving layer recomputed by this run in {took:,.0f} s (the code deriving it changed)"

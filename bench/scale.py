"""The scale warehouse: the demo generator at benchmark size, built once and reused.

Building ten million chart entries takes minutes, so the warehouse is kept under the
work folder with a note of what made it (the scale, the seed, and a fingerprint of the
generator and the warehouse layout). A run reuses it when the note matches, rebuilds it
otherwise, and the results say which.
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
# the files (and packages) whose change makes a different warehouse: the generator and the layout
FINGERPRINTED = ("sources/demo", "schema.py", "warehouse")


@dataclass(frozen=True)
class ScaleWarehouse:
    path: Path
    counts: dict[str, int]
    reused: bool
    build_seconds: float
    built_at: str  # ISO timestamp, UTC
    why_built: str  # empty when reused

    @property
    def how(self) -> str:
        if self.reused:
            return f"reused (built {self.built_at} in {self.build_seconds:,.0f} s)"
        return f"built by this run in {self.build_seconds:,.0f} s ({self.why_built})"


def fingerprint(names: tuple[str, ...] = FINGERPRINTED, extra: str = "") -> str:
    """A digest of kit's files `names` (files or packages, those that exist) and `extra`."""
    digest = hashlib.sha256(extra.encode())
    for name in names:
        path = config.PACKAGE_DIR / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def scale_warehouse(folder: Path, scale, seed: int, *, progress: bool = False) -> ScaleWarehouse:
    """The demo warehouse at `scale` in `folder`, reused when a previous run left a matching one."""
    from kit.sources.demo import build_demo

    wanted = {"scale": repr(scale), "seed": seed, "fingerprint": fingerprint()}
    note_path = folder / NOTE
    root = folder / "warehouse"
    why = "no previous warehouse"
    if note_path.exists():
        note = json.loads(note_path.read_text())
        if note["params"] == wanted and root.is_dir():
            return ScaleWarehouse(
                root, note["counts"], True, note["build_seconds"], note["built_at"], ""
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
    note = {"params": wanted, "counts": counts, "build_seconds": took, "built_at": built_at}
    note_path.write_text(json.dumps(note, indent=2))
    return ScaleWarehouse(root, counts, False, took, built_at, why)

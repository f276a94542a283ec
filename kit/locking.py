"""An exclusive lock on a file (fcntl.flock), for the one writer of a warehouse and the
one `kit report` run redrawing an output folder's index at a time. The lock goes with
the process: a writer killed while holding it leaves no stale lock behind."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Hold `lock_file` (made with its folder where missing) until the block ends."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

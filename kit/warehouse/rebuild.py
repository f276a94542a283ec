"""`rebuild()`: the whole serving layer recomputed from the base tables in one commit
(`kit rebuild`), for a warehouse written by a kit without it or one whose serving format
has changed. Every other commit keeps the layer itself (serving.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from .commit import transaction
from .serving import SERVING, mark_current, months_stored, partition_month, refresh


def rebuild(
    warehouse: str | os.PathLike | Path | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> int:
    """Recompute the whole serving layer from the base tables, in one commit. Returns the
    version committed."""
    with transaction(warehouse, maintain_serving=False) as txn:
        wanted = months_stored(txn)
        for table in SERVING:
            for partition in txn.partitions(table):
                if partition_month(partition) not in wanted[table]:
                    txn.drop(table, partition)
        refresh(txn, wanted, progress)
        mark_current(txn)
        number = txn.number
    return number

"""`kit rebuild`: recompute the serving layer from the base tables, in one commit.

Every write keeps the serving layer itself (kit/warehouse/serving.py); a warehouse written
by an earlier kit has none, and answers from its base tables, correctly but slower, until
this command computes it.
"""

from __future__ import annotations

import argparse
import sys

from ..cli import CommandError, add_warehouse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "rebuild",
        help="recompute the serving layer (per-month figures) from the base tables",
        description="Recompute every month of the serving layer — the per-month figures "
        "breakdowns and summaries are put together from — from the base tables, and commit "
        "it as one new version. Needed once for a warehouse written by an earlier kit "
        "(it answers from the base tables until then); every write keeps it afterwards.",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_warehouse(p)
    p.set_defaults(func=_cmd_rebuild)


def _cmd_rebuild(args: argparse.Namespace) -> int:
    import time

    from tqdm.auto import tqdm

    from .. import config, warehouse

    root = config.warehouse_path(args.warehouse)
    if not root.exists():
        raise CommandError(f"No warehouse at {root}: run `kit demo` or ingest data first.")

    def progress(months):
        disable = True if args.no_progress else None
        return tqdm(months, unit="month", desc="serving layer", file=sys.stderr, disable=disable)

    started = time.perf_counter()
    version = warehouse.rebuild(root, progress=progress)
    took = time.perf_counter() - started
    print(f"Version {version}: the serving layer recomputed from the base tables ({took:.1f} s).")
    return 0

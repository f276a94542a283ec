"""`kit vacuum`: tidy the warehouse and remove the files no recent version refers to.

Every write already does the cheap part after its commit; `kit vacuum` also completes a
write that was interrupted, adopts a warehouse of the previous kit, and sweeps the whole
store (kit.warehouse.vacuum).
"""

from __future__ import annotations

import argparse
import datetime as dt

from ..cli import CommandError, add_warehouse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "vacuum",
        help="remove the files of versions replaced longer ago than the grace period",
        description="Complete or undo interrupted writes, then remove the versions of the "
        "warehouse replaced longer ago than the grace period and every data file no kept "
        "version lists. A reader that pinned a version replaced more recently than that "
        "keeps finding all its files.",
    )
    p.add_argument(
        "--grace",
        type=float,
        metavar="HOURS",
        help="keep versions replaced less than HOURS ago (default: "
        "$CHARTROOM_VACUUM_GRACE_HOURS, else 24); 0 keeps only the latest version",
    )
    add_warehouse(p)
    p.set_defaults(func=_cmd_vacuum)


def _cmd_vacuum(args: argparse.Namespace) -> int:
    from .. import config, warehouse

    if args.grace is not None and args.grace < 0:
        raise CommandError("--grace must be 0 or more hours.")
    root = config.warehouse_path(args.warehouse)
    if not root.exists():
        raise CommandError(f"No warehouse at {root}: run `kit demo` or ingest data first.")
    grace = None if args.grace is None else dt.timedelta(hours=args.grace)
    result = warehouse.vacuum(root, grace=grace)
    if result.adopted:
        print("Adopted a warehouse written by an earlier kit: version 1 lists its files.")
    if result.interrupted_writes:
        print(f"Tidied {result.interrupted_writes} interrupted write(s).")
    print(
        f"Version {result.version}: {result.versions_kept} version(s) kept, "
        f"{result.versions_removed} removed; {result.files_removed} file(s) removed "
        f"({result.bytes_removed / 1e6:,.1f} MB)."
    )
    return 0

"""`kit check`: the data checks over the warehouse (kit.checks), one finding a row.

Exit code 1 when any finding is an error, else 0, so cron and CI can stop on it.
"""

from __future__ import annotations

import argparse
import sys

from ..cli import CommandError, add_warehouse, print_frame


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="check the warehouse: keys, empty and unknown values, links, freshness, gaps",
        description="Run the data checks over the warehouse and print one finding a row: "
        "rule, table, severity (error, warn, info), count, example, message. "
        "Exit code 1 when any error is found.",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument(
        "--freshness-days",
        type=int,
        default=7,
        metavar="N",
        help="warn when a source's newest date on a platform is older than N days (default 7)",
    )
    add_warehouse(p)
    p.set_defaults(func=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    from .. import config
    from ..checks import has_errors, run_checks

    if args.freshness_days < 0:
        raise CommandError("--freshness-days must be 0 or more.")
    warehouse = config.warehouse_path(args.warehouse)
    if not warehouse.exists():
        raise CommandError(f"No warehouse at {warehouse}: run `kit demo` or ingest data first.")
    findings = run_checks(warehouse, freshness_days=args.freshness_days)
    print_frame(findings, args.format)
    counts = findings["severity"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warn", "info"))
    print(f"Findings: {summary}.", file=sys.stderr)
    return 1 if has_errors(findings) else 0

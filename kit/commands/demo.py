"""`kit demo`: build the deterministic demo warehouse (and print the default breakdown)."""

from __future__ import annotations

import argparse
import sys

from ..cli import add_warehouse, print_frame


def register(subparsers) -> None:
    p = subparsers.add_parser("demo", help="build the deterministic demo warehouse")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's own)")
    p.add_argument(
        "--show", action="store_true", help="print the default artist's summary and breakdown"
    )
    add_warehouse(p)
    p.set_defaults(func=_cmd_demo)


def _cmd_demo(args: argparse.Namespace) -> int:
    import time

    from .. import config
    from ..sources.demo import (
        DEFAULT_ARTIST,
        DEFAULT_COUNTRY,
        DEFAULT_MONTH,
        DEMO_SEED,
        build_demo,
    )

    seed = DEMO_SEED if args.seed is None else args.seed
    started = time.perf_counter()
    counts = build_demo(args.warehouse, seed=seed, progress=sys.stderr.isatty())
    took = time.perf_counter() - started
    print(f"Demo warehouse at {config.warehouse_path(args.warehouse)} ({took:.1f} s):")
    for table, n in counts.items():
        print(f"  {table:<16} {n:>12,} rows")
    print(f"Default: {DEFAULT_ARTIST!r}, country {DEFAULT_COUNTRY}, month {DEFAULT_MONTH}")
    if args.show:
        from ..query import Query, breakdown, breakdown_totals, summary

        q = Query(DEFAULT_ARTIST, DEFAULT_MONTH, country=DEFAULT_COUNTRY, warehouse=args.warehouse)
        print(f"\nAudience of {DEFAULT_ARTIST} in {q.country_label}, {q.period_label}:")
        print_frame(summary(q).drop(columns=["artist_id"]), "table")
        platform = q.platform_slugs[0]
        print(
            f"\nTracks that carried {DEFAULT_ARTIST} on {platform} in {q.country_label}, {q.period_label}:"
        )
        print_frame(breakdown(q, DEFAULT_ARTIST, platform), "table")
        print()
        print_frame(breakdown_totals(q, DEFAULT_ARTIST, platform), "table")
    return 0

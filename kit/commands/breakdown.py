"""`kit breakdown`: the tracks that carried one artist on one platform (kit.query.breakdown)."""

from __future__ import annotations

import argparse

from ..cli import add_query_args, print_frame, query_from_args


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "breakdown", help="the tracks that carried one artist on one platform"
    )
    add_query_args(p, one_artist=True)
    p.add_argument("--sort", help="column to sort by (default: total_streams)")
    p.add_argument("--search", help="keep titles containing this text")
    p.add_argument("--limit", type=int, help="at most this many rows")
    p.set_defaults(func=_cmd_breakdown)


def _cmd_breakdown(args: argparse.Namespace) -> int:
    from ..query import breakdown

    q = query_from_args(args)
    df = breakdown(
        q, args.artist, args.platform, sort=args.sort, search=args.search, limit=args.limit
    )
    print_frame(df, args.format)
    return 0

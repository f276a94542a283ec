"""`kit movers`: what moved between two periods, and which tracks drove it.

The rows of `kit.query.movers`: one per track of either period's breakdown of one artist
on one platform, with both periods' streams, the change, its share of the artist's total
change, both ranks and a status (new, gone, up, down, same). The table format starts with
a line naming the two periods.
"""

from __future__ import annotations

import argparse

from ..cli import add_query_args, print_frame


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "movers",
        help="what changed since the previous period, and which tracks drove it",
        description="One row per track of either period: streams in both, change, contribution.",
    )
    add_query_args(p, one_artist=True)
    p.add_argument(
        "--compare",
        choices=["previous", "year"],
        default="previous",
        help="previous: the month before, or the same length before (default); year: a year earlier",
    )
    p.add_argument(
        "--sort",
        help="column to sort by (default: the largest change first, up or down)",
    )
    p.add_argument("--limit", type=int, help="at most this many rows")
    p.set_defaults(func=_cmd_movers)


def _cmd_movers(args: argparse.Namespace) -> int:
    from ..period import period_label
    from ..query import Query, movers

    q = Query(
        args.artist,
        args.period,
        platforms=[args.platform],
        country=args.country,
        warehouse=args.warehouse,
    )
    frame = movers(q, args.artist, args.platform, args.compare, sort=args.sort, limit=args.limit)
    if args.format == "table":
        previous = period_label(*frame.attrs["previous_period"])
        print(
            f"{q.artist_name(args.artist)} on {q.platform(args.platform)} in {q.country_label}: "
            f"{q.period_label} compared with {previous}"
        )
    print_frame(frame, args.format)
    return 0

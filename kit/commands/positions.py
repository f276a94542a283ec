"""`kit positions`: a track's chart positions over a period, one row per chart entry.

The rows of `kit.query.positions`: date, country, frequency (daily or weekly, a weekly
row dated on its week's last day), position, on the platform's top chart, in every
country whose chart the track was on (or the `--country` ones). Days off the chart have
no row.
"""

from __future__ import annotations

import argparse

from ..cli import CommandError, add_engine, add_warehouse, print_frame


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "positions",
        help="a track's chart positions per day or week over a period, per country",
        description="Chart positions of one track: one row per chart entry in the period.",
    )
    p.add_argument("--track", required=True, help="track id, or a title of the artist's tracks")
    p.add_argument(
        "--artist", help="artist name or id (needed to find a track by title; default: its own)"
    )
    p.add_argument("--platform", default="spotify", help="platform slug (default: spotify)")
    p.add_argument(
        "--country",
        action="append",
        help="keep this country's chart, ISO 3166-1 alpha-2 or GLOBAL (repeatable; default: all)",
    )
    p.add_argument(
        "--period", required=True, help="YYYY-MM, YYYY-MM-DD:YYYY-MM-DD or 28d:YYYY-MM-DD"
    )
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    add_engine(p)
    add_warehouse(p)
    p.set_defaults(func=_cmd_positions)


def _cmd_positions(args: argparse.Namespace) -> int:
    from ..query import Query, positions, track_artists

    artists = [args.artist] if args.artist else list(track_artists(args.track, args.warehouse))
    if not artists:
        raise CommandError(
            f"No track with id {args.track!r}: give its id, or --artist to find it by title."
        )
    q = Query(artists, args.period, warehouse=args.warehouse, check_data=False)
    frame = positions(q, args.track, args.platform, countries=args.country)
    print_frame(frame, args.format)
    return 0

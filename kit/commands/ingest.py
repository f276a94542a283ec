"""`kit ingest spotify-charts|s4a|table FILE|DIR…`: bring your own files into the warehouse.

Prints each refused file as one line on stderr (file, line, field, what was expected)
and the closing summary on stdout. Exit code 0 when every file loaded or was already
loaded, 1 when any file was refused, 2 when the options themselves are wrong.
"""

from __future__ import annotations

import argparse
import sys

from ..cli import CommandError, add_warehouse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="load Spotify chart CSVs, Spotify for Artists exports or plain tables",
        description="Load files or folders (file by file, sorted) into the warehouse. "
        "Each file is validated completely before anything of it is written.",
    )
    kinds = p.add_subparsers(dest="layout", required=True, metavar="LAYOUT")

    charts = kinds.add_parser("spotify-charts", help="charts.spotify.com / spotifycharts.com CSVs")
    _add_common(charts)
    charts.add_argument("--country", help="country of renamed files (code or name, GLOBAL)")
    charts.add_argument("--frequency", choices=["daily", "weekly"], help="for renamed files")
    charts.add_argument("--date", help="chart date of renamed files, YYYY-MM-DD (weekly: last day)")
    charts.add_argument(
        "--artist-name",
        action="append",
        default=[],
        metavar="NAME",
        help='an artist name containing ", " to keep whole (repeatable)',
    )
    charts.set_defaults(func=_cmd_spotify_charts)

    s4a = kinds.add_parser("s4a", help="Spotify for Artists timeline or songs exports")
    _add_common(s4a)
    s4a.add_argument("--artist", required=True, help="the artist the exports belong to")
    s4a.add_argument("--country", default="GLOBAL", help="country of the figures (default GLOBAL)")
    s4a.set_defaults(func=_cmd_s4a)

    table = kinds.add_parser("table", help="plain audience or track-streams tables (CSV, xlsx)")
    _add_common(table)
    table.add_argument("--kind", required=True, choices=["audience", "track-streams"])
    table.add_argument(
        "--cumulative",
        action="store_true",
        help="values are running totals: store the daily differences",
    )
    table.set_defaults(func=_cmd_table)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="FILE|DIR")
    p.add_argument("--strict", action="store_true", help="stop at the first refused file")
    p.add_argument(
        "--reload", action="store_true", help="load files again even if already in the log"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="the files' encoding when not UTF-8, such as latin-1 or cp1252 "
        "(default: UTF-8, or UTF-16 with a byte-order mark)",
    )
    add_warehouse(p)


def _common(args: argparse.Namespace) -> dict:
    return {
        "warehouse": args.warehouse,
        "strict": args.strict,
        "reload": args.reload,
        "progress": False if args.no_progress else None,
        "encoding": args.encoding,
    }


def _cmd_spotify_charts(args: argparse.Namespace) -> int:
    from ..sources.spotify_charts import load_spotify_charts

    return _run(
        load_spotify_charts,
        args.paths,
        country=args.country,
        frequency=args.frequency,
        date=args.date,
        artist_names=args.artist_name,
        **_common(args),
    )


def _cmd_s4a(args: argparse.Namespace) -> int:
    from ..sources.s4a import load_s4a

    return _run(load_s4a, args.paths, artist=args.artist, country=args.country, **_common(args))


def _cmd_table(args: argparse.Namespace) -> int:
    from ..sources.tables import load_table

    return _run(load_table, args.paths, kind=args.kind, cumulative=args.cumulative, **_common(args))


def _run(load, paths, **options) -> int:
    try:
        summary = load(paths, **options)
    except ValueError as exc:  # a wrong option (country, date…), before any file was read
        raise CommandError(str(exc)) from None
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in summary.errors:
        print(f"error: {error}", file=sys.stderr)
    print(summary)
    return 0 if summary.ok else 1

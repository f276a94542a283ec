"""The `kit` command: `kit demo`, `kit summary`, `kit breakdown`, and the subcommands
that the modules of kit/commands/ register (ingest, fetch, report, bench, positions…).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import pandas as pd


class CommandError(Exception):
    """A refusal to show the user as one line, exit code 2."""


def add_warehouse(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--warehouse",
        metavar="PATH",
        help="warehouse folder (default: $CHARTROOM_WAREHOUSE, else data/warehouse)",
    )


def add_engine(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        help="where the SQL runs (default: $CHARTROOM_ENGINE, else duckdb)",
    )


def add_query_args(p: argparse.ArgumentParser, *, one_artist: bool = False) -> None:
    if one_artist:
        p.add_argument("--artist", required=True, help="artist name or id")
        p.add_argument("--platform", required=True, help="platform slug, e.g. spotify")
    else:
        p.add_argument(
            "--artist", action="append", required=True, help="artist name or id (repeatable)"
        )
        p.add_argument(
            "--platform", action="append", help="platform slug (repeatable; default: all with data)"
        )
    p.add_argument(
        "--country", default="GLOBAL", help="ISO 3166-1 alpha-2 code, or GLOBAL (default)"
    )
    p.add_argument(
        "--period",
        required=True,
        help="YYYY-MM, YYYY-MM-DD:YYYY-MM-DD or 28d:YYYY-MM-DD",
    )
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    add_engine(p)
    add_warehouse(p)


def print_frame(df: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(df.to_json(orient="records", date_format="iso", date_unit="s", indent=2))
    else:
        with pd.option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 250
        ):
            print(df.to_string(index=False, float_format=_readable) if len(df) else "(no rows)")


def _readable(x: float) -> str:
    """Floats for people: large figures to one decimal, fractions to four places."""
    return f"{x:,.1f}" if abs(x) >= 1000 else f"{x:.4f}"


def _cmd_demo(args: argparse.Namespace) -> int:
    import time

    from . import config
    from .sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH, build_demo

    started = time.perf_counter()
    counts = build_demo(args.warehouse, seed=args.seed, progress=sys.stderr.isatty())
    took = time.perf_counter() - started
    print(f"Demo warehouse at {config.warehouse_path(args.warehouse)} ({took:.1f} s):")
    for table, n in counts.items():
        print(f"  {table:<16} {n:>12,} rows")
    print(f"Default: {DEFAULT_ARTIST!r}, country {DEFAULT_COUNTRY}, month {DEFAULT_MONTH}")
    if args.show:
        from .query import Query, breakdown, breakdown_totals, summary

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


def _query(args: argparse.Namespace):
    from .query import Query

    artists = args.artist if isinstance(args.artist, list) else [args.artist]
    platforms = (
        args.platform
        if isinstance(args.platform, list) or args.platform is None
        else [args.platform]
    )
    return Query(
        artists, args.period, platforms=platforms, country=args.country, warehouse=args.warehouse
    )


def _cmd_summary(args: argparse.Namespace) -> int:
    from .query import summary

    print_frame(summary(_query(args)), args.format)
    return 0


def _cmd_breakdown(args: argparse.Namespace) -> int:
    from .query import breakdown

    q = _query(args)
    df = breakdown(
        q, args.artist, args.platform, sort=args.sort, search=args.search, limit=args.limit
    )
    print_frame(df, args.format)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kit",
        description="Chartroom: which songs made up an artist's listeners.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="build the deterministic demo warehouse")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's own)")
    p.add_argument(
        "--show", action="store_true", help="print the default artist's summary and breakdown"
    )
    add_warehouse(p)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("summary", help="audience per artist × platform × metric over a period")
    add_query_args(p)
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser("breakdown", help="the tracks that carried one artist on one platform")
    add_query_args(p, one_artist=True)
    p.add_argument("--sort", help="column to sort by (default: total_streams)")
    p.add_argument("--search", help="keep titles containing this text")
    p.add_argument("--limit", type=int, help="at most this many rows")
    p.set_defaults(func=_cmd_breakdown)

    from . import commands

    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from . import engine
    from .period import PeriodError
    from .query import QueryError
    from .warehouse import WarehouseError

    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "seed", 0) is None:
        from .sources.demo import DEMO_SEED

        args.seed = DEMO_SEED
    try:
        engine_name = getattr(args, "engine", None)
        with engine.using(engine_name) if engine_name else contextlib.nullcontext():
            return int(args.func(args) or 0)
    except (QueryError, PeriodError, WarehouseError, CommandError) as exc:
        print(f"kit {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

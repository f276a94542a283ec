"""The `kit` command: its subcommands, registered in COMMANDS, and the options and output
they share.

Each subcommand is a module of kit/commands/ named after it, whose `register(subparsers)`
adds its parser and sets `func` to a handler taking the parsed arguments and returning
an exit code. Handlers import their heavy dependencies (pandas, DuckDB, papermill…)
inside, so that `kit --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .query import Query

# Every subcommand, in the order `kit --help` lists them: a new command is one more name.
COMMANDS = (
    "demo",
    "summary",
    "breakdown",
    "check",
    "fetch",
    "ingest",
    "positions",
    "movers",
    "alerts",
    "report",
    "vacuum",
)


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
    import pandas as pd

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


def query_from_args(args: argparse.Namespace) -> Query:
    """The Query of add_query_args' options."""
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kit",
        description="Chartroom: which songs made up an artist's listeners.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__package__}.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    engine_name = getattr(args, "engine", None)
    try:
        if engine_name:
            from . import engine

            with engine.using(engine_name):
                return int(args.func(args) or 0)
        return int(args.func(args) or 0)
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if not _is_refusal(exc):
            raise
        print(f"kit {args.command}: {exc}", file=sys.stderr)
        return 2


def _is_refusal(exc: Exception) -> bool:
    """Whether to show `exc` as one line, exit code 2: a query, period or option refused, or
    a write the warehouse refused. (Imported here: `kit --help` needs none of them.)"""
    from .errors import PeriodError, QueryError
    from .warehouse import WarehouseError

    return isinstance(exc, QueryError | PeriodError | WarehouseError | CommandError)


if __name__ == "__main__":
    sys.exit(main())

"""`kit summary`: audience per artist × platform × metric over a period (kit.query.summary)."""

from __future__ import annotations

import argparse

from ..cli import add_query_args, print_frame, query_from_args


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "summary", help="audience per artist × platform × metric over a period"
    )
    add_query_args(p)
    p.set_defaults(func=_cmd_summary)


def _cmd_summary(args: argparse.Namespace) -> int:
    from ..query import summary

    print_frame(summary(query_from_args(args)), args.format)
    return 0

"""`kit bench`: the benchmarks of issue 8, written to bench/results.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    from ..bench import MEASUREMENTS

    p = subparsers.add_parser(
        "bench",
        help="measure the breakdown, summary, ingest, workbook, Explorer, reports and fetch",
        description="Build (or reuse) the scale warehouse, run every measurement side by side "
        "and write the results table.",
    )
    p.add_argument(
        "--small",
        action="store_true",
        help="a tenth of the default scale (about two minutes) instead of 10 M chart entries",
    )
    p.add_argument(
        "--out", type=Path, metavar="PATH", help="results page (default: bench/results.md)"
    )
    p.add_argument(
        "--work",
        type=Path,
        metavar="DIR",
        help="scratch folder; the scale warehouse is kept there and reused (default: bench/work)",
    )
    p.add_argument(
        "--skip",
        action="append",
        choices=MEASUREMENTS,
        default=[],
        metavar="NAME",
        help=f"leave out a measurement (repeatable): {', '.join(MEASUREMENTS)}",
    )
    p.set_defaults(func=_cmd_bench)


def _cmd_bench(args: argparse.Namespace) -> int:
    from ..bench import BenchPlan, run

    plan = BenchPlan.small() if args.small else BenchPlan.default()
    plan = plan.without(*args.skip)
    command = "kit " + " ".join(sys.argv[1:]) if sys.argv[1:2] == ["bench"] else "kit bench"
    done = run(
        plan,
        out=args.out,
        work=args.work,
        command=command,
        log=lambda line: print(line, file=sys.stderr),
    )
    for m in done.measurements:
        print(f"{m.title}: {m.figure} [{m.met_cell}]")
    return 0

"""`python -m bench` (from the repository's root): every measurement, written to
bench/results.md. `make bench` and `make bench-small` run it."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from . import MEASUREMENTS, BenchPlan, run


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Build (or reuse) the scale warehouse, run every measurement side by side "
        "and write the results table.",
    )
    p.add_argument(
        "--small",
        action="store_true",
        help="the same footprint at a tenth of the data (1.07 M chart entries, a 1 M-row file)",
    )
    p.add_argument(
        "--out", type=Path, metavar="PATH", help="results page (default: bench/results.md)"
    )
    p.add_argument(
        "--work",
        type=Path,
        metavar="DIR",
        help="scratch folder; the scale warehouse and the large chart file are kept there and "
        "reused (default: bench/work)",
    )
    p.add_argument(
        "--skip",
        action="append",
        choices=MEASUREMENTS,
        default=[],
        metavar="NAME",
        help=f"leave out a measurement (repeatable): {', '.join(MEASUREMENTS)}",
    )
    p.add_argument(
        "--only",
        action="append",
        choices=MEASUREMENTS,
        default=[],
        metavar="NAME",
        help="run only this measurement (repeatable); the other rows say they were left out",
    )
    return p


def plan_of(args: argparse.Namespace) -> BenchPlan:
    """The run the command line asks for: its scale, less what --skip and --only leave out."""
    plan = BenchPlan.small() if args.small else BenchPlan.default()
    plan = plan.without(*args.skip)
    if args.only:
        plan = plan.without(*(set(MEASUREMENTS) - set(args.only)))
    return plan


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    plan = plan_of(args)
    done = run(
        plan,
        out=args.out,
        work=args.work,
        command=" ".join(["python -m bench", shlex.join(argv)]).strip(),
        log=lambda line: print(line, file=sys.stderr),
    )
    for m in done.measurements:
        print(f"{m.title}: {m.figure} [{m.met_cell}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())

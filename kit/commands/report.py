"""`kit report`: the monthly report for one artist, several, or the list in reports.yaml.

Each report runs notebooks/monthly_report.ipynb with papermill in a fresh kernel and
leaves `<output>/<month>/<slug>/` with the executed notebook, an HTML page without code
cells and the Excel workbook. Made for cron: no display or terminal needed, progress on
stderr, the paths on stdout, exit code 1 when any report failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..cli import CommandError, add_engine, add_warehouse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report",
        help="run the monthly report (notebook, HTML, workbook) for artists or reports.yaml",
        description="Run the monthly report with papermill: one per artist (--artist, "
        "repeatable) or per entry of a reports.yaml (--config).",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--artist", action="append", help="artist name or id; one report each (repeatable)"
    )
    who.add_argument("--config", metavar="YAML", help="a reports.yaml listing the reports")
    p.add_argument(
        "--platforms",
        metavar="LIST",
        help="comma-separated platform slugs, e.g. spotify,youtube (default: all with data)",
    )
    p.add_argument("--country", help="ISO 3166-1 alpha-2 code or GLOBAL (default: GLOBAL)")
    p.add_argument(
        "--month",
        help="YYYY-MM (default: the previous month); also YYYY-MM-DD:YYYY-MM-DD or 28d:YYYY-MM-DD",
    )
    p.add_argument("--top-n", type=int, default=None, help="tracks per stacked chart (default 5)")
    p.add_argument("--jobs", type=int, default=1, help="reports run in parallel (default 1)")
    p.add_argument("--output", metavar="DIR", help="reports folder (default: reports/)")
    add_engine(p)  # kit.cli.main runs the command inside engine.using(): kernels inherit it
    add_warehouse(p)
    p.set_defaults(func=_cmd_report)


def plan(args: argparse.Namespace, today: dt.date | None = None):
    """The reports the arguments ask for, with absolute paths (each kernel runs in its
    own folder, so a relative path would point elsewhere)."""
    from .. import config
    from ..period import previous_month
    from ..report import DEFAULT_TOP_N, ConfigError, ReportPlan, ReportSpec, load_config

    platforms = tuple(p.strip() for p in (args.platforms or "").split(",") if p.strip())
    if args.config:
        try:
            found = load_config(
                args.config,
                month=args.month,
                country=args.country,
                platforms=platforms,
                output=args.output,
                warehouse=args.warehouse,
                today=today,
            )
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        if args.top_n is not None:
            found = ReportPlan(
                tuple(_with_top_n(s, args.top_n) for s in found.specs),
                found.output,
                found.warehouse,
            )
    else:
        period = args.month or previous_month(today)
        top_n = args.top_n if args.top_n is not None else DEFAULT_TOP_N
        specs = tuple(
            ReportSpec((artist,), period, platforms, args.country or "GLOBAL", top_n)
            for artist in dict.fromkeys(args.artist)
        )
        found = ReportPlan(
            specs, Path(args.output) if args.output else config.REPORTS_DIR, args.warehouse
        )
    warehouse = config.warehouse_path(found.warehouse)
    if not warehouse.exists():
        raise CommandError(f"No warehouse at {warehouse}: run `kit demo` or ingest data first.")
    return ReportPlan(found.specs, Path(found.output).resolve(), warehouse)


def _with_top_n(spec, top_n: int):
    from dataclasses import replace

    return replace(spec, top_n=top_n)


def _cmd_report(args: argparse.Namespace) -> int:
    from ..report import run_reports

    if args.jobs < 1:
        raise CommandError("--jobs must be 1 or more.")
    if args.top_n is not None and args.top_n < 1:
        raise CommandError("--top-n must be 1 or more.")
    todo = plan(args)
    results = run_reports(todo.specs, output=todo.output, warehouse=todo.warehouse, jobs=args.jobs)
    failed = [r for r in results if not r.ok]
    for r in results:
        if r.ok:
            print(f"ok      {r.spec.slug} {r.spec.period} ({r.seconds:.1f} s)")
            print(f"  html      {r.html}")
            print(f"  workbook  {r.workbook}")
            print(f"  notebook  {r.notebook}")
        else:
            print(f"FAILED  {r.spec.slug} {r.spec.period}: {r.error}")
            print(f"  notebook  {r.notebook} (partial, for debugging)")
    if failed:
        print(f"{len(failed)} of {len(results)} reports failed.", file=sys.stderr)
        return 1
    return 0

"""`kit report`: the monthly report for one artist, several, or the list in reports.yaml.

Each report runs notebooks/monthly_report.ipynb with papermill in a fresh kernel and
leaves `<output>/<month>/<slug>/` with the executed notebook, an HTML page without code
cells and the Excel workbook; a report unchanged since its last successful run is skipped
(--force runs it); `--mail-to` mails each one. Made for cron: no display or terminal
needed, progress on stderr, the paths on stdout, every run in `<output>/runs.jsonl` and
`<output>/index.html`; exit code 1 when any report failed, else 3 when any mail could not
be sent, else 0.
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
    p.add_argument(
        "--force", action="store_true", help="run reports even when nothing they read changed"
    )
    p.add_argument(
        "--mail-to",
        metavar="ADDR[,ADDR…]",
        help="mail each finished report to these addresses (SMTP: CHARTROOM_SMTP_* settings)",
    )
    p.add_argument(
        "--mail-failures-to",
        metavar="ADDR[,ADDR…]",
        help="where failure notices go (default: the --mail-to addresses)",
    )
    add_engine(p)  # kit.cli.main runs the command inside engine.using(): kernels inherit it
    add_warehouse(p)
    p.set_defaults(func=_cmd_report)


def plan(args: argparse.Namespace, today: dt.date | None = None):
    """The reports the arguments ask for, with absolute paths (each kernel runs in its
    own folder, so a relative path would point elsewhere)."""
    from .. import config
    from ..mail import check_addresses
    from ..period import previous_month
    from ..report import DEFAULT_TOP_N, ConfigError, ReportPlan, ReportSpec, load_config

    platforms = _list(args.platforms)
    try:
        mail_to = check_addresses(_list(args.mail_to), "--mail-to")
        mail_failures_to = check_addresses(_list(args.mail_failures_to), "--mail-failures-to")
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if args.config:
        try:
            found = load_config(
                args.config,
                month=args.month,
                country=args.country,
                platforms=platforms,
                top_n=args.top_n,
                mail_to=mail_to,
                mail_failures_to=mail_failures_to,
                output=args.output,
                warehouse=args.warehouse,
                today=today,
            )
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
    else:
        period = args.month or previous_month(today)
        top_n = args.top_n if args.top_n is not None else DEFAULT_TOP_N
        specs = tuple(
            ReportSpec(
                (artist,),
                period,
                platforms,
                args.country or "GLOBAL",
                top_n,
                mail_to=mail_to,
                mail_failures_to=mail_failures_to,
            )
            for artist in dict.fromkeys(args.artist)
        )
        found = ReportPlan(
            specs, Path(args.output) if args.output else config.REPORTS_DIR, args.warehouse
        )
    warehouse = config.warehouse_path(found.warehouse)
    if not warehouse.exists():
        raise CommandError(f"No warehouse at {warehouse}: run `kit demo` or ingest data first.")
    return ReportPlan(found.specs, Path(found.output).resolve(), warehouse)


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def _cmd_report(args: argparse.Namespace) -> int:
    from .. import report
    from ..mail import MailError, smtp_settings

    if args.jobs < 1:
        raise CommandError("--jobs must be 1 or more.")
    if args.top_n is not None and args.top_n < 1:
        raise CommandError("--top-n must be 1 or more.")
    todo = plan(args)
    smtp = None
    if any(s.mail_to or s.failure_recipients for s in todo.specs):
        try:  # refused before any report runs, not after an hour of them
            smtp = smtp_settings()
        except MailError as exc:
            raise CommandError(str(exc)) from None
    results = report.run_reports(
        todo.specs,
        output=todo.output,
        warehouse=todo.warehouse,
        jobs=args.jobs,
        force=args.force,
        smtp=smtp,
    )
    for r in results:
        what = f"{r.spec.slug} {r.spec.period}"
        if r.ok:
            print(
                f"skipped (unchanged) {what}"
                if r.skipped
                else f"ok      {what} ({r.seconds:.1f} s)"
            )
            print(f"  html      {r.html}")
            print(f"  workbook  {r.workbook}")
            print(f"  notebook  {r.notebook}")
        else:
            print(f"FAILED  {what}: {r.error}")
            print(f"  notebook  {r.notebook} (partial, for debugging)")
        if r.mail and r.mail.status == "sent":
            print(f"  mail      {r.mail.kind} sent to {', '.join(r.mail.to)}")
        elif r.mail:
            print(f"  mail      sent: failed: {r.mail.error}")
    if results:
        print(f"index     {todo.output / 'index.html'}")
    failed = [r for r in results if not r.ok]
    unsent = [r for r in results if r.mail and r.mail.status != "sent"]
    if failed:
        print(f"{len(failed)} of {len(results)} reports failed.", file=sys.stderr)
    if unsent:
        print(f"{len(unsent)} of {len(results)} messages could not be sent.", file=sys.stderr)
    return 1 if failed else 3 if unsent else 0

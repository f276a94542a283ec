"""`kit alerts`: the noteworthy days of a period, as a table or as an HTML digest.

The rows of `kit.query.alerts`: spikes and drops of an artist's audience or of a track's
daily streams against the series' own trailing baseline, and chart entries, exits and new
peaks. The thresholds are the defaults of kit.alerts.AlertRules, replaced by the keys of
`--config alerts.yaml`, replaced by the flags.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import CommandError, add_engine, add_warehouse, print_frame

# flag → (threshold, type, help)
THRESHOLD_FLAGS = {
    "--baseline-days": ("baseline_days", int, "days of the trailing baseline (default 28)"),
    "--min-points": ("min_points", int, "points needed in the baseline (default 14)"),
    "--min-score": ("min_score", float, "robust z-score needed (default 3.5)"),
    "--audience-min-pct": ("audience_min_pct", float, "artist series: relative change needed (default 0.10)"),
    "--audience-min-change": ("audience_min_change", int, "artist series: absolute change needed (default 1000)"),
    "--streams-min-pct": ("streams_min_pct", float, "track streams: relative change needed (default 0.50)"),
    "--streams-min-change": ("streams_min_change", int, "track streams: absolute change needed (default 1000)"),
    "--cooldown-days": ("cooldown_days", int, "days after an unusual day that continue its event (default 7)"),
    "--chart-days": ("chart_days", int, "chart editions off (entry) or on (exit) that make an event (default 7)"),
    "--peak-top": ("peak_top", int, "new best positions reported up to this one (default 10)"),
}  # fmt: skip


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "alerts",
        help="noteworthy days: spikes, drops, chart entries, exits and new peaks",
        description="Unusual days against each series' own trailing baseline, and chart events.",
    )
    p.add_argument("--since", help="first day, YYYY-MM-DD (default: 6 days before --until)")
    p.add_argument("--until", help="last day, YYYY-MM-DD (default: the last day with data)")
    p.add_argument("--artist", action="append", help="artist name or id (repeatable; default: all)")
    p.add_argument("--platform", action="append", help="platform slug (repeatable; default: all)")
    p.add_argument(
        "--country",
        action="append",
        help="ISO 3166-1 alpha-2 code or GLOBAL (repeatable; default: all)",
    )
    p.add_argument("--format", choices=["table", "csv", "json", "html"], default="table")
    p.add_argument("--output", metavar="FILE", help="write to this file instead of stdout")
    p.add_argument("--config", metavar="FILE", help="thresholds from a YAML file (alerts.yaml)")
    for flag, (_, kind, text) in THRESHOLD_FLAGS.items():
        p.add_argument(flag, type=kind, help=text)
    add_engine(p)
    add_warehouse(p)
    p.set_defaults(func=_cmd_alerts)


def _cmd_alerts(args: argparse.Namespace) -> int:
    import contextlib
    import io

    from ..alerts import load_rules
    from ..query import alerts
    from ..render_moved import render_digest

    overrides = {name: getattr(args, name) for name, _, _ in THRESHOLD_FLAGS.values()}
    rules = load_rules(args.config, **overrides)
    frame = alerts(
        args.since,
        args.until,
        artists=args.artist,
        platforms=args.platform,
        countries=args.country,
        rules=rules,
        warehouse=args.warehouse,
    )
    if args.format == "html":
        since, until = frame.attrs["since"], frame.attrs["until"]
        text = render_digest(frame, since=since, until=until, rules=rules)
    else:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            print_frame(frame, args.format)
        text = buffer.getvalue()
    if args.output is None:
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, "utf-8")
        tmp.replace(path)  # a reader never sees half a digest
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
    print(
        f"{len(frame):,} alerts from {frame.attrs['since']} to {frame.attrs['until']}: {path}",
        file=sys.stderr,
    )
    return 0

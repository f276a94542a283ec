"""`kit fetch soundcharts`: an artist's audience, songs, song streams and chart ranks."""

from __future__ import annotations

import argparse
import sys

from ..cli import CommandError, add_warehouse


def register(subparsers) -> None:
    p = subparsers.add_parser("fetch", help="fetch data from a provider's API into the warehouse")
    providers = p.add_subparsers(dest="provider", required=True, metavar="PROVIDER")
    sc = providers.add_parser(
        "soundcharts",
        help="an artist's listeners, followers, songs, song streams and chart ranks",
        description=(
            "Fetch one artist from SoundCharts (credentials: SOUNDCHARTS_APP_ID and "
            "SOUNDCHARTS_API_KEY in the environment or .env). Answers are cached, so running "
            "it again asks nothing twice and resumes an interrupted run."
        ),
    )
    sc.add_argument("--artist", required=True, help="artist name or SoundCharts UUID")
    sc.add_argument(
        "--platforms",
        default="spotify",
        help="comma-separated platform slugs (default: spotify), e.g. spotify,youtube,deezer",
    )
    sc.add_argument(
        "--from",
        dest="start",
        metavar="YYYY-MM-DD",
        help="first day (default: 90 days before --to)",
    )
    sc.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day (default: today)")
    sc.add_argument("--concurrency", type=int, default=8, help="requests at once (default 8)")
    sc.add_argument(
        "--chart-history",
        action="store_true",
        help="also fetch the chart rankings by date (one call per chart, date and 100 positions)",
    )
    sc.add_argument(
        "--refresh",
        action="store_true",
        help="ask again for cached answers that may have changed (today's, song lists, chart ranks)",
    )
    add_warehouse(sc)
    sc.set_defaults(func=_cmd_fetch_soundcharts)


def _cmd_fetch_soundcharts(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..sources.soundcharts import NotFound, SoundChartsError, fetch_artist
    from ..sources.soundcharts.cache import DEFAULT_MAX_AGE

    platforms = [p for p in (s.strip() for s in args.platforms.split(",")) if p]
    try:
        summary = fetch_artist(
            args.artist,
            platforms,
            args.start,
            args.end,
            warehouse=args.warehouse,
            progress=sys.stderr.isatty(),
            concurrency=args.concurrency,
            chart_history=args.chart_history,
            max_age=dt.timedelta(0) if args.refresh else DEFAULT_MAX_AGE,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    except NotFound as exc:
        raise CommandError(str(exc)) from None
    except SoundChartsError as exc:
        raise CommandError(str(exc)) from None
    print(summary)
    return 0 if summary.complete else 1

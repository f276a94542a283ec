"""What is noteworthy: unusual days and chart events."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

import pandas as pd

from .. import config, db, engine, warehouse
from ..countries import country_code
from ..errors import QueryError
from ..period import as_date
from ..warehouse import snapshot as warehouse_snapshot
from . import core
from .catalogue import lookups
from .core import Query, _frame, _resolve_artists

# ---------------------------------------------------------------------------------------
# What is noteworthy: unusual days against each series' own trailing baseline, and chart
# events (kit/sql/series_alerts.sql, kit/sql/chart_alerts.sql; thresholds in kit.alerts).

ALERT_COLUMNS = [
    "date", "artist", "platform", "country", "track", "metric", "kind", "value", "baseline",
    "change", "pct_change", "score", "message", "artist_id", "track_id", "frequency",
]  # fmt: skip
ALERT_DAYS = 7  # without `since`: the week ending on `until`
SERIES_RULES = (
    "baseline_days", "min_points", "min_score", "audience_min_pct", "audience_min_change",
    "streams_min_pct", "streams_min_change", "cooldown_days",
)  # fmt: skip


def alerts(
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    *,
    artists: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    rules=None,
    warehouse: str | os.PathLike | None = None,
    snapshot=None,
) -> pd.DataFrame:
    """The alerts dated from `since` to `until` (both included): one row per spike or drop
    of an audience metric or of a track's counted daily streams, and per chart entry, exit
    or new peak, for the artists (default: all), platforms and countries (default: all with
    data). `until` defaults to the last day with data, `since` to the week ending on it;
    `rules` is a kit.alerts.AlertRules (default: the documented thresholds); `snapshot` a
    version of the warehouse to read (a Query's; default the latest).
    `.attrs` holds since, until and the rules."""
    from ..alerts import AlertRules, alert_messages

    root = config.warehouse_path(warehouse)
    if not root.exists():
        raise QueryError(f"No warehouse at {root}: run `kit demo` or ingest data first.")
    rules = rules or AlertRules()
    snap = snapshot or warehouse_snapshot(root)  # every read below from this one version
    cur = db.cursor(snapshot=snap)
    last = cur.execute("select max(last_date) from data_span").fetchall()[0][0]
    until = _alert_day(until, "until") or last or dt.date.today()
    since = _alert_day(since, "since") or until - dt.timedelta(days=ALERT_DAYS - 1)
    if until < since:
        raise QueryError(f"The alerts' period ends ({until}) before it starts ({since}).")
    if artists:
        artist_ids = list(_resolve_artists(lookups(snap), artists)[0])
    else:
        artist_ids = [r[0] for r in cur.execute("select artist_id from artists").fetchall()]
    slugs = _alert_platforms(platforms)
    try:
        codes = [country_code(c) for c in countries] if countries else None
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    pairs = cur.execute(
        """
        select distinct platform, country from data_span
        where ($platforms is null or list_contains($platforms, platform))
          and ($countries is null or list_contains($countries, country))
        order by platform, country
        """,
        {"platforms": slugs, "countries": codes},
    ).fetchall()
    params: dict = {
        "artists": artist_ids,
        "platforms": sorted({p for p, _ in pairs}),
        "countries": sorted({c for _, c in pairs}),
        "since": since,
        "until": until,
        "chart_days": rules.chart_days,
        "peak_top": rules.peak_top,
    }
    parts = [
        "select * from chart_alerts($artists, $platforms, $countries, $since, $until, $chart_days, $peak_top)"
    ]
    series_rules = {name: getattr(rules, name) for name in SERIES_RULES}
    rules_arguments = ", ".join(f"${name}" for name in SERIES_RULES)
    if _served(snap):
        # every platform × country in one statement; "every artist" as null, not a list of all
        params.update(series_rules, asked=artist_ids if artists else None)
        parts.append(
            f"select * from series_alerts_served($asked, $platforms, $countries, $since, $until, {rules_arguments})"
        )
    else:
        for n, (platform, country) in enumerate(pairs):
            params.update(series_rules, **{f"platform_{n}": platform, f"country_{n}": country})
            parts.append(
                f"select * from series_alerts($artists, $platform_{n}, $country_{n}, $since, $until, {rules_arguments})"
            )
    result = core._run(
        engine.cursor(snapshot=snap),
        f"""
        select * from ({" union all ".join(parts)}) as found
        order by date, artist, artist_id, platform, country, track_id nulls first, metric,
                 frequency nulls first, kind
        """,
        params=params,
    )
    out = _frame(result, [])
    out["message"] = alert_messages(out, rules)
    out = out[ALERT_COLUMNS]
    out.attrs.update(since=since, until=until, rules=rules)
    return out


def period_alerts(q: Query, rules=None) -> pd.DataFrame:
    """The alerts of a query's artists on its platforms in its country, dated inside its
    period, read from the query's version of the warehouse: what the report's "Noteworthy"
    lists and the Explorer's cards count."""
    return alerts(
        q.start,
        q.end,
        artists=list(q.artist_ids),
        platforms=list(q.platform_slugs),
        countries=[q.country_code],
        rules=rules,
        warehouse=q.warehouse_path,
        snapshot=q.snapshot,
    )


def _served(snap) -> bool:
    """Whether the series alerts come from the serving layer (series_alerts_served, one
    statement for every platform and country): the version has one and the engine is
    DuckDB. Otherwise series_alerts runs over the base tables, once per platform ×
    country; both find the same alerts (tests/test_alerts_served.py)."""
    return snap.serving == warehouse.SERVING_FORMAT and engine.engine_name() == "duckdb"


def _alert_day(value: str | dt.date | None, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return as_date(value)
    except ValueError:
        raise QueryError(f"Invalid {what} {value!r}: expected a date, YYYY-MM-DD.") from None


def _alert_platforms(platforms: Sequence[str] | None) -> list[str] | None:
    return list(core.known_platforms(platforms)) if platforms else None

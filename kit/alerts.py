"""Noteworthy: the thresholds of the alerts, their messages and the HTML digest.

The alerts themselves are found by SQL (kit/sql/series_alerts.sql, kit/sql/chart_alerts.sql)
run through `kit.query.alerts`; this module holds what surrounds them: `AlertRules` (the
thresholds, with the defaults of README "What moved and what is noteworthy", read from
flags or an alerts.yaml), the one-line message of each alert, and `digest_context`, the
values of the alerts' HTML page (laid out by kit.render_moved.render_digest).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import fmt
from .countries import country_name
from .errors import QueryError
from .platforms import platform_name


class AlertRulesError(QueryError):
    """Thresholds that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class AlertRules:
    """When a day is unusual (README, "What moved and what is noteworthy")."""

    baseline_days: int = 28  # the baseline: the series' points in the days before the day
    min_points: int = 14  # at least this many points in the baseline, else no alert
    min_score: float = 3.5  # |robust z-score| at least this
    audience_min_pct: float = 0.10  # artist series: |change| at least this share of the baseline
    audience_min_change: int = 1000  # … and at least this much
    streams_min_pct: float = 0.50  # a track's daily streams: the same two minimums
    streams_min_change: int = 1000
    cooldown_days: int = 7  # an unusual day this close after one of its kind continues its event
    chart_days: int = 7  # chart editions off (entry) or on (exit) the chart that make an event
    peak_top: int = 10  # new best positions are reported up to this position

    def __post_init__(self) -> None:
        for name in RULE_NAMES:
            object.__setattr__(self, name, _checked(name, getattr(self, name)))
        if self.min_points > self.baseline_days:
            raise AlertRulesError(
                f"min_points ({self.min_points}) cannot exceed baseline_days ({self.baseline_days})."
            )


RULE_NAMES = tuple(f.name for f in dataclasses.fields(AlertRules))
_AT_LEAST_ONE = {"baseline_days", "min_points", "chart_days", "peak_top"}


def _checked(name: str, value: object) -> int | float:
    """One threshold as the type of its default (int or float), or AlertRulesError."""
    wanted = type(getattr(AlertRules, name))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AlertRulesError(f"{name}: expected a number, got {value!r}.")
    if wanted is int and value != int(value):
        raise AlertRulesError(f"{name}: expected a whole number, got {value!r}.")
    least = 1 if name in _AT_LEAST_ONE else 0
    if value < least:
        raise AlertRulesError(f"{name}: expected {least} or more, got {value!r}.")
    return wanted(value)


def load_rules(
    path: str | os.PathLike | None = None, **overrides: int | float | None
) -> AlertRules:
    """The thresholds: the defaults, replaced by the keys of the YAML file at `path`, then by
    `overrides` that are not None (the command line's flags)."""
    values: dict[str, object] = {}
    if path is not None:
        values.update(_read_rules_file(Path(path)))
    unknown = set(overrides) - set(RULE_NAMES)
    if unknown:
        raise AlertRulesError(f"Unknown threshold(s): {', '.join(sorted(unknown))}.")
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return AlertRules(**values)
    except AlertRulesError as exc:
        raise AlertRulesError(f"{path}: {exc}" if path is not None else str(exc)) from None


def _read_rules_file(path: Path) -> dict[str, object]:
    import yaml

    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise AlertRulesError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise AlertRulesError(f"{path} is not valid YAML: {exc}") from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise AlertRulesError(
            f"{path}, line {root.start_mark.line + 1}: expected a mapping of thresholds."
        )
    found: dict[str, object] = {}
    for key_node, value_node in root.value:
        where = f"{path}, line {key_node.start_mark.line + 1}"
        key = key_node.value
        if key not in RULE_NAMES:
            raise AlertRulesError(
                f"{where}, field {key}: unknown threshold; expected one of {', '.join(RULE_NAMES)}."
            )
        try:
            found[key] = _checked(key, yaml.safe_load(yaml.serialize(value_node)))
        except AlertRulesError as exc:
            raise AlertRulesError(f"{where}, field {exc}") from None
    return found


# ---------------------------------------------------------------------------------------
# Messages


def _where(platform: str, country: str) -> str:
    place = "worldwide" if country == "GLOBAL" else f"in {country_name(country)}"
    return f"on {platform_name(platform)} {place}"


def _chart(platform: str, country: str, frequency: str | None) -> str:
    place = "worldwide" if country == "GLOBAL" else f"for {country_name(country)}"
    return f"{platform_name(platform)}'s {frequency or 'daily'} chart {place}"


def alert_message(row: Mapping, baseline_days: int) -> str:
    """One sentence saying what happened, for the digest and the `message` column."""
    kind, track = row["kind"], row["track"]
    subject = f"“{track}”" if isinstance(track, str) else None
    if kind == "chart_entry":
        return f"{subject} entered {_chart(row['platform'], row['country'], row['frequency'])} at #{row['value']}."
    if kind == "chart_exit":
        return f"{subject} left {_chart(row['platform'], row['country'], row['frequency'])} (last at #{row['value']})."
    if kind == "new_peak":
        return (
            f"{subject} reached #{row['value']} on {_chart(row['platform'], row['country'], row['frequency'])}, "
            f"its best so far (was #{row['baseline']:.0f})."
        )
    where = _where(row["platform"], row["country"])
    pct = row["pct_change"]
    versus = (
        f"{fmt.percent(pct, signed=True, digits=0)} on the {baseline_days}-day median of "
        f"{fmt.count(row['baseline'])}"
        if isinstance(pct, float) and not math.isnan(pct)
        else f"against a {baseline_days}-day median of {fmt.count(row['baseline'])}"
    )
    verb = "rose to" if kind == "spike" else "fell to"
    if subject is None:
        return f"{fmt.metric_label(row['metric']).capitalize()} {where} {verb} {fmt.count(row['value'])}: {versus}."
    return f"{subject} {verb} {fmt.count(row['value'])} streams a day {where}: {versus}."


# the columns a message reads: a month of every artist is tens of thousands of rows, and
# turning each whole row into a dict cost several times the messages themselves
MESSAGE_COLUMNS = ("kind", "track", "platform", "country", "frequency", "value", "baseline", "pct_change", "metric")  # fmt: skip


def alert_messages(frame: pd.DataFrame, rules: AlertRules) -> list[str]:
    columns = [frame[name].tolist() for name in MESSAGE_COLUMNS]
    return [
        alert_message(dict(zip(MESSAGE_COLUMNS, values, strict=True)), rules.baseline_days)
        for values in zip(*columns, strict=True)
    ]


# ---------------------------------------------------------------------------------------
# The HTML digest

KIND_LABELS = {
    "spike": "Spike",
    "drop": "Drop",
    "chart_entry": "Chart entry",
    "chart_exit": "Chart exit",
    "new_peak": "New peak",
}


def _figure(value: object, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if kind in {"chart_entry", "chart_exit", "new_peak"}:
        return f"#{value:.0f}"
    return fmt.count(float(value))


def _percent(value: object) -> str:
    return "" if fmt.is_missing(value) else fmt.percent(value, signed=True, digits=0)


def digest_context(
    alerts: pd.DataFrame, *, since: dt.date, until: dt.date, rules: AlertRules
) -> dict:
    """The values the digest lays out, ready-made: one section per artist, its alerts in
    date order, every figure already written as text."""
    sections = []
    for artist, rows in alerts.groupby("artist", sort=True):
        items = []
        for row in rows.to_dict("records"):
            items.append(
                {
                    "date": pd.Timestamp(row["date"]).date().isoformat(),
                    "kind": row["kind"],
                    "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
                    "where": f"{platform_name(row['platform'])} · {country_name(row['country'])}",
                    "message": row["message"],
                    "value": _figure(row["value"], row["kind"]),
                    "baseline": _figure(row["baseline"], row["kind"]),
                    "pct_change": _percent(row["pct_change"]),
                }
            )
        sections.append({"artist": artist, "alerts": items})
    counts = alerts["kind"].value_counts()
    if len(alerts):
        parts = [f"{KIND_LABELS[k].lower()} {counts[k]:,}" for k in KIND_LABELS if k in counts]
        overview = f"{len(alerts):,} alert{'s' if len(alerts) != 1 else ''}: {', '.join(parts)}."
    else:
        overview = "Nothing unusual in this period."
    return {
        "title": f"Noteworthy, {since.isoformat()} to {until.isoformat()}",
        "overview": overview,
        "sections": sections,
        "rules_note": rules_note(rules),
    }


def rules_note(rules: AlertRules) -> str:
    """The thresholds in one paragraph, for the foot of the digest."""
    return (
        f"A spike or a drop is a day at least {rules.audience_min_pct:.0%} (and "
        f"{rules.audience_min_change:,}) away from the median of the series' previous "
        f"{rules.baseline_days} days for an artist's audience, at least "
        f"{rules.streams_min_pct:.0%} (and {rules.streams_min_change:,}) for a track's daily "
        f"streams, with a robust z-score of at least {rules.min_score:g}: one alert per event. "
        f"A chart entry follows at least {rules.chart_days} editions off the chart, an exit at "
        f"least {rules.chart_days} on it; a new peak is a best position so far, up to "
        f"#{rules.peak_top}."
    )

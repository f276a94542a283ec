"""Data checks over the warehouse, as dbt tests and Soda do them: `kit check`.

Each rule is one SQL definition in kit/sql/checks/ run through DuckDB; the generic ones
(unique key, required values, accepted values, relationships) are called once per table
and column with the keys, required columns and accepted values of kit/schema.py. Every
violation lands in the `check_items` table with its scope; `check_findings` counts them
into findings, one row per rule × table × subject:

    rule, table, severity (error | warn | info), count, example, message

`run_checks` covers the whole warehouse; `report_findings` keeps what concerns one report
(its artists, platforms, country and period), for the report's About sheet and notes.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import duckdb
import pandas as pd

from . import config, db
from .countries import names as country_names
from .platforms import PLATFORMS
from .schema import CHARTS, FREQUENCIES, ROLES, TABLES
from .warehouse import Snapshot, snapshot

CHECKS_DIR = config.SQL_DIR / "checks"
FINDING_COLUMNS = ["rule", "table", "severity", "count", "example", "message"]
SEVERITIES = ("error", "warn", "info")
DEFAULT_FRESHNESS_DAYS = 7


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str
    message: str  # str.format with subject, count and days


RULES = {
    r.name: r
    for r in [
        Rule("unique_key", "error", "{count} key(s) ({subject}) held by more than one row"),
        Rule("not_null", "error", "{subject} is empty in {count} row(s)"),
        Rule("accepted_values", "error", "{subject} is not {accepted} in {count} row(s)"),
        Rule("relationship", "error", "{count} row(s) whose {subject} has no match"),
        Rule(
            "freshness",
            "warn",
            "no data from {subject} for {count} days (more than {days})",
        ),
        Rule(
            "completeness",
            "warn",
            "{count} day(s) missing from the chart series {subject} between its first and last date",
        ),
        Rule(
            "thin_chart_day",
            "info",
            "{count} day(s) of the chart {subject} with under half its usual entries",
        ),
        Rule(
            "load_volume",
            "info",
            "{count} load(s) of {subject} with under half or over twice the rows of its recent loads",
        ),
    ]
}

# Credits and fact rows point at tracks and artists: (table, column, parent, parent column).
RELATIONSHIPS = (
    ("track_credits", "track_id", "tracks", "track_id"),
    ("track_credits", "artist_id", "artists", "artist_id"),
    ("chart_entries", "track_id", "tracks", "track_id"),
    ("track_streams", "track_id", "tracks", "track_id"),
    ("artist_audience", "artist_id", "artists", "artist_id"),
)


def accepted_values() -> dict[str, tuple[str, tuple[str, ...]]]:
    """{column: (what the accepted set is called, its values)}, for every table with it."""
    return {
        "frequency": (" or ".join(FREQUENCIES), FREQUENCIES),
        "chart": (" or ".join(CHARTS), CHARTS),
        "role": (" or ".join(ROLES), ROLES),
        "country": ("an ISO 3166-1 alpha-2 code or GLOBAL", tuple(country_names())),
        "platform": ("a known platform slug (kit/platforms.py)", tuple(PLATFORMS)),
    }


# DuckDB binds a macro's tables when it is created: the table the rules fill and the
# helper they call come before the macros that name them.
DEFINED_FIRST = ("check_items", "check_describe", "check_chart_days")


def _connect(snap: Snapshot) -> duckdb.DuckDBPyConnection:
    """A connection on one version of the warehouse with kit/sql/ and the checks' definitions."""
    con = db.connect(snapshot=snap)
    rest = sorted(p.stem for p in CHECKS_DIR.glob("*.sql") if p.stem not in DEFINED_FIRST)
    for name in (*DEFINED_FIRST, *rest):
        con.execute((CHECKS_DIR / f"{name}.sql").read_text())
    return con


def _collect(con, freshness_days: int, today: dt.date, scope=None) -> None:
    """Run every rule, filling check_items. With a report's `scope` (artists, platforms,
    country, start, end), the rules after freshness read only the rows that can concern
    it (see `_narrow`)."""

    def add(rule: str, macro: str, *args) -> None:
        marks = ", ".join("?" for _ in args)
        con.execute(f"insert into check_items select ?, * from {macro}({marks})", [rule, *args])

    # Freshness is measured per source and platform over every country, so before narrowing.
    add("freshness", "check_freshness", today, freshness_days)
    if scope is not None:
        _narrow(con, *scope)
    accepted = accepted_values()
    for table in TABLES.values():
        key = list(table.key)
        add("unique_key", "check_unique_key", table.name, key)
        for column in dict.fromkeys((*table.key, *table.required)):
            add("not_null", "check_not_null", table.name, column, key)
        for column in table.schema.names:
            if column in accepted:
                values = list(accepted[column][1])
                add("accepted_values", "check_accepted_values", table.name, column, values, key)
    for child, column, parent, parent_column in RELATIONSHIPS:
        key = list(TABLES[child].key)
        add("relationship", "check_relationship", child, column, parent, parent_column, key)
    add("completeness", "check_chart_gaps")
    add("thin_chart_day", "check_thin_chart_days")
    add("load_volume", "check_load_volume")


# The column of each fact table that names whom a row concerns, as check_findings keeps it.
CONCERNS = {
    "chart_entries": "track_id",
    "track_streams": "track_id",
    "artist_audience": "artist_id",
}


def _narrow(
    con, artists: list[str], platforms: list[str], country: str, start: dt.date, end: dt.date
) -> None:
    """Shadow each fact table with a temporary table of the rows a report's findings can
    come from, as check_findings keeps them: on its platforms, in its country (or none),
    dated inside its period (or undated), about its artists or the tracks credited to them
    (or nobody). Each is a column of the table's key, so a repeated key keeps all its
    rows. The series rules still see every day of the report's charts: check_chart_days
    is shadowed by those series' days, counted without copying the rows. The same
    findings, sooner: a report reads one month of its own rows instead of every chart."""
    con.execute(
        "create temp table check_chart_days as select * from main.check_chart_days "
        "where list_contains(?, platform) and (country = ? or country is null)",
        [platforms, country],
    )
    credited = "select track_id from track_credits where list_contains(?, artist_id)"
    for table in TABLES.values():
        if not table.partitioned:  # the fact tables: platform × date
            continue
        whom = CONCERNS[table.name]
        inside = (
            "track_id in (" + credited + ")"
            if whom == "track_id"
            else "list_contains(?, artist_id)"
        )
        # rows are filed under their date's month: the month prunes files before any is read
        con.execute(
            f"create temp table {table.name} as select * from main.{table.name} "
            "where list_contains(?, platform) and (country = ? or country is null) "
            "and month between strftime(?, '%Y-%m') and strftime(?, '%Y-%m') "
            f"and (date is null or date between ? and ?) and ({whom} is null or {inside})",
            [platforms, country, start, end, start, end, artists],
        )


def _findings(counted: pd.DataFrame, freshness_days: int) -> pd.DataFrame:
    """check_findings' rows with their severity and message, errors first."""
    accepted = accepted_values()
    rows = []
    for r in counted.itertuples(index=False):  # one per finding, not per data row
        rule = RULES[r.rule]
        message = rule.message.format(
            subject=r.subject,
            count=f"{r.finding_count:,}",
            days=freshness_days,
            accepted=accepted.get(r.subject, ("accepted", ()))[0],
        )
        if rule.name in {"not_null", "accepted_values"}:
            message = f"{r.tbl}.{message}"
        rows.append((rule.name, r.tbl, rule.severity, int(r.finding_count), r.example, message))
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    out["count"] = out["count"].astype("Int64")
    order = out["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    return (
        out.assign(_order=order)
        .sort_values(["_order", "rule", "table", "message"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def run_checks(
    warehouse: str | os.PathLike | None = None,
    *,
    freshness_days: int = DEFAULT_FRESHNESS_DAYS,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Every finding over the whole warehouse (columns FINDING_COLUMNS), errors first.
    `today` (default: today, UTC) is the day freshness is measured against."""
    return _run(snapshot(warehouse), freshness_days, today, None)


def report_findings(
    q,
    *,
    freshness_days: int = DEFAULT_FRESHNESS_DAYS,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """The findings that concern the report of a `kit.Query`: violations on its platforms
    and country, dated inside its period (or, for freshness, reaching into it), about its
    artists or the tracks credited to them. Same columns as `run_checks`."""
    scope = (list(q.artist_ids), list(q.platform_slugs), q.country_code, q.start, q.end)
    return _run(q.snapshot, freshness_days, today, scope)  # the version the report reads


def _run(snap: Snapshot, freshness_days: int, today: dt.date | None, scope) -> pd.DataFrame:
    if freshness_days < 0:
        raise ValueError(f"freshness_days must be 0 or more, got {freshness_days}.")
    today = today or dt.datetime.now(dt.UTC).date()
    con = _connect(snap)
    try:
        _collect(con, freshness_days, today, scope)
        counted = con.execute(
            "select * from check_findings(?, ?, ?, ?, ?)", list(scope or (None,) * 5)
        ).df()
    finally:
        con.close()
    return _findings(counted, freshness_days)


def has_errors(findings: pd.DataFrame) -> bool:
    return bool((findings["severity"] == "error").any())

"""`kit check`: each rule found once, with its count and example, on a warehouse that
breaks each of them once; the demo warehouse has no error.

The fixture is written through kit.warehouse.write, except the rows the write path refuses
(a repeated natural key, a role outside main/featured), which are committed unmerged as
files beside the merged ones (kit.warehouse.transaction)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow as pa
import pytest

from kit import Query, cli, selection, warehouse
from kit.checks import FINDING_COLUMNS, has_errors, report_findings, run_checks
from kit.schema import CHART_ENTRIES, TRACK_CREDITS, TRACKS
from kit.warehouse import LogEntry

D = dt.date
TODAY = D(2026, 10, 5)
# The chart spotify × IT × top × daily: 12 entries a day from 1 to 10 September, except
# the 5th (missing) and the 8th (one entry).
CHART_DAYS = [D(2026, 9, d) for d in range(1, 11) if d != 5]
TRACK_IDS = [f"t{n:02d}" for n in range(1, 13)]


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    root = tmp_path_factory.mktemp("checks") / "warehouse"
    titles = {t: f"Song {t}" for t in TRACK_IDS} | {"t03": ""}  # an empty title
    chart = [
        {"date": day, "track_id": t, "position": i + 1, "country": "IT"}
        for day in CHART_DAYS
        for i, t in enumerate(TRACK_IDS[:1] if day == D(2026, 9, 8) else TRACK_IDS)
    ]
    chart.append({"date": D(2026, 9, 2), "track_id": "ghost-track", "position": 1, "country": "GB"})
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["alba", "bruno"], "name": ["Alba", "Bruno"]}),
            "tracks": pd.DataFrame({"track_id": list(titles), "title": list(titles.values())}),
            "track_credits": pd.DataFrame(
                {
                    "track_id": ["t01", "t02", "t03", "t99", "t02"],
                    "artist_id": ["alba", "alba", "alba", "alba", "ghost"],
                    "role": ["main", "main", "main", "featured", "featured"],
                    "credit_order": [1, 1, 1, 2, 2],
                }
            ),
            "chart_entries": pd.DataFrame(chart).assign(
                platform="spotify", frequency="daily", chart="top", source="charts"
            ),
            "track_streams": pd.DataFrame(
                {
                    "date": [D(2026, 9, 30)],
                    "platform": "spotify",
                    "country": "XX",  # two capitals, as the write path asks, but no country
                    "track_id": "t01",
                    "streams": [100],
                    "source": "s4a",
                }
            ),
            "artist_audience": pd.DataFrame(
                {
                    "date": [D(2026, 9, 1), D(2026, 9, 30), D(2026, 9, 30)],
                    "platform": ["spotify", "spotify", "myspace"],  # no such platform
                    "country": "IT",
                    "artist_id": ["alba", "alba", "bruno"],
                    "metric": "monthly_listeners",
                    "value": [1000, 1200, 5],
                    "source": "s4a",
                }
            ),
        },
        source="fixture",
        warehouse=root,
    )
    # Four loads of one source: three of about a thousand rows, then one of 40.
    for n, rows in enumerate([1000, 1100, 900, 40], start=1):
        warehouse.write(
            {},
            source="charts",
            warehouse=root,
            log=[LogEntry("charts", f"week-{n}.csv", rows=rows)],
        )
    # What the write path refuses: a second row for a track id, a credit role it does not know,
    # committed as files beside the merged ones (a transaction's `add` does not merge).
    with warehouse.transaction(root) as txn:
        txn.add(
            "tracks",
            "",
            pa.Table.from_pylist([{"track_id": "t01", "title": "Song t01 (again)"}], TRACKS.schema),
        )
        txn.add(
            "track_credits",
            "",
            pa.Table.from_pylist(
                [{"track_id": "t02", "artist_id": "bruno", "role": "producer", "credit_order": 3}],
                TRACK_CREDITS.schema,
            ),
        )
    return root


@pytest.fixture(scope="module")
def findings(broken):
    return run_checks(broken, freshness_days=7, today=TODAY)


def _finding(findings, rule, table, message_part=""):
    rows = findings[
        (findings["rule"] == rule)
        & (findings["table"] == table)
        & findings["message"].str.contains(message_part, regex=False)
    ]
    assert len(rows) == 1, f"{rule} on {table} ({message_part!r}):\n{findings.to_string()}"
    return rows.iloc[0]


def test_findings_have_the_columns_of_a_check_row(findings):
    assert list(findings.columns) == FINDING_COLUMNS


def test_a_repeated_natural_key_is_an_error_with_the_key_as_example(findings):
    row = _finding(findings, "unique_key", "tracks")
    assert (row.severity, row["count"]) == ("error", 1)
    assert row.example == "track_id=t01 (2 rows)"


def test_an_empty_required_value_is_an_error(findings):
    row = _finding(findings, "not_null", "tracks", "tracks.title")
    assert (row.severity, row["count"], row.example) == ("error", 1, "track_id=t03")


@pytest.mark.parametrize(
    ("table", "column", "example"),
    [
        ("track_credits", "role", "'producer' at track_id=t02, artist_id=bruno"),
        ("track_streams", "country", "'XX' at date=2026-09-30, platform=spotify, country=XX, track_id=t01"),
        ("artist_audience", "platform", "'myspace' at date=2026-09-30, platform=myspace, country=IT, artist_id=bruno, metric=monthly_listeners"),
    ],
)  # fmt: skip
def test_a_value_outside_its_accepted_set_is_an_error(findings, table, column, example):
    row = _finding(findings, "accepted_values", table, f"{table}.{column}")
    assert (row.severity, row["count"], row.example) == ("error", 1, example)


@pytest.mark.parametrize(
    ("table", "subject", "example"),
    [
        ("track_credits", "track_id → tracks.track_id", "'t99' at track_id=t99, artist_id=alba"),
        ("track_credits", "artist_id → artists.artist_id", "'ghost' at track_id=t02, artist_id=ghost"),
        ("chart_entries", "track_id → tracks.track_id", "'ghost-track' at date=2026-09-02, platform=spotify, country=GB, frequency=daily, chart=top, track_id=ghost-track"),
    ],
)  # fmt: skip
def test_a_credit_or_fact_row_without_its_track_or_artist_is_an_error(
    findings, table, subject, example
):
    row = _finding(findings, "relationship", table, subject)
    assert (row.severity, row["count"], row.example) == ("error", 1, example)


def test_a_source_without_recent_data_on_a_platform_is_a_warning(findings):
    row = _finding(findings, "freshness", "chart_entries")
    # newest chart date 10 September; 5 October is 25 days later
    assert (row.severity, row["count"]) == ("warn", 25)
    assert row.example == "newest 2026-09-10, 25 days before 2026-10-05"
    assert "charts on spotify" in row.message
    assert len(findings[findings["rule"] == "freshness"]) == 1  # the s4a rows are 5 days old


def test_a_missing_day_inside_a_chart_series_is_a_warning(findings):
    row = _finding(findings, "completeness", "chart_entries")
    assert (row.severity, row["count"], row.example) == ("warn", 1, "2026-09-05")
    assert "spotify × IT × top × daily" in row.message


def test_a_chart_day_with_far_fewer_entries_than_usual_is_noted(findings):
    row = _finding(findings, "thin_chart_day", "chart_entries")
    assert (row.severity, row["count"]) == ("info", 1)
    assert row.example == "2026-09-08: 1 entries, usually 12"


def test_a_load_far_smaller_than_the_recent_ones_of_its_source_is_noted(findings):
    row = _finding(findings, "load_volume", "ingest_log")
    assert (row.severity, row["count"]) == ("info", 1)
    assert row.example.startswith("week-4.csv at ")
    assert row.example.endswith(": 40 rows, recent loads 1000")


def test_nothing_else_is_found_and_errors_come_first(findings):
    # 3 accepted values, 3 relationships, a key, an empty title; freshness, a gap; 2 notes
    assert list(findings["severity"]) == ["error"] * 8 + ["warn"] * 2 + ["info"] * 2
    assert has_errors(findings)


def test_a_report_sees_only_the_findings_about_its_artists_platforms_country_and_period(broken):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=broken)
    found = report_findings(q, today=TODAY)
    assert sorted(zip(found["rule"], found["table"], strict=True)) == [
        ("completeness", "chart_entries"),  # spotify × IT, 5 September
        ("freshness", "chart_entries"),  # no chart since 10 September
        ("not_null", "tracks"),  # t03, credited to Alba
        ("relationship", "track_credits"),  # Alba's credit on t99 (not Bruno's ghost)
        ("thin_chart_day", "chart_entries"),
        ("unique_key", "tracks"),  # t01, credited to Alba
    ]


def test_the_demo_warehouse_has_no_error(demo_warehouse):
    found = run_checks(demo_warehouse, today=D(2026, 11, 1))
    assert not has_errors(found), found.to_string()


def test_kit_check_exits_1_on_errors_and_prints_json_rows(broken, capsys):
    code = cli.main(["check", "--warehouse", str(broken), "--format", "json"])
    out = capsys.readouterr()
    assert code == 1
    rows = json.loads(out.out)
    assert {r["rule"] for r in rows} >= {"unique_key", "not_null", "relationship"}
    assert "8 error" in out.err


def test_kit_check_exits_0_without_errors(demo_warehouse, capsys):
    assert cli.main(["check", "--warehouse", str(demo_warehouse), "--freshness-days", "0"]) == 0
    assert "0 error" in capsys.readouterr().err


def test_kit_check_refuses_a_missing_warehouse(tmp_path, capsys):
    assert cli.main(["check", "--warehouse", str(tmp_path / "none")]) == 2
    assert "No warehouse at" in capsys.readouterr().err


def test_a_report_period_sees_only_the_dated_findings_inside_it(broken):
    """From 6 September: the gap of the 5th is outside, the thin 8th inside, and the
    chart's silence since the 10th reaches into the period; undated findings stay."""
    q = Query("Alba", "2026-09-06:2026-09-30", platforms="spotify", country="IT", warehouse=broken)
    found = report_findings(q, today=TODAY)
    assert sorted(zip(found["rule"], found["table"], strict=True)) == [
        ("freshness", "chart_entries"),
        ("not_null", "tracks"),
        ("relationship", "track_credits"),
        ("thin_chart_day", "chart_entries"),
        ("unique_key", "tracks"),
    ]


@pytest.fixture(scope="module")
def repeated_entry(tmp_path_factory):
    """Alba's t01 and Bruno's t02 on the Italian chart from 1 to 10 September; a second
    row for t01 on 3 September, written beside the committed files as the write path
    would refuse it."""
    root = tmp_path_factory.mktemp("repeated") / "warehouse"
    days = [D(2026, 9, d) for d in range(1, 11)]
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["alba", "bruno"], "name": ["Alba", "Bruno"]}),
            "tracks": pd.DataFrame({"track_id": ["t01", "t02"], "title": ["Uno", "Due"]}),
            "track_credits": pd.DataFrame(
                {
                    "track_id": ["t01", "t02"],
                    "artist_id": ["alba", "bruno"],
                    "role": "main",
                    "credit_order": 1,
                }
            ),  # fmt: skip
            "chart_entries": pd.DataFrame(
                [
                    {"date": d, "track_id": t, "position": p}
                    for d in days
                    for p, t in enumerate(["t01", "t02"], start=1)
                ]
            ).assign(
                platform="spotify", country="IT", frequency="daily", chart="top", source="charts"
            ),  # fmt: skip
        },
        source="fixture",
        warehouse=root,
    )
    again = {"date": D(2026, 9, 3), "country": "IT", "frequency": "daily", "chart": "top",
             "position": 9, "track_id": "t01", "streams": None, "source": "charts"}  # fmt: skip
    with warehouse.transaction(root) as txn:  # beside the merged file, unmerged
        txn.add(
            "chart_entries",
            "platform=spotify/month=2026-09",
            pa.Table.from_pylist([again], CHART_ENTRIES.file_schema),
        )
    return root


@pytest.mark.parametrize(
    ("artist", "period", "found"),
    [
        ("Alba", "2026-09", [("unique_key", "chart_entries")]),  # t01 on 3 September, twice
        ("Alba", "2026-09-04:2026-09-30", []),  # the repeated day is before the period
        ("Bruno", "2026-09", []),  # t02 is not repeated
    ],
)
def test_a_repeated_fact_row_concerns_the_reports_on_its_track_and_day(
    repeated_entry, artist, period, found
):
    q = Query(artist, period, country="IT", warehouse=repeated_entry)
    got = report_findings(q, today=D(2026, 9, 11))
    assert list(zip(got["rule"], got["table"], strict=True)) == found


def test_a_reports_selection_holds_its_findings(broken):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=broken)
    found = selection.load(q, top_tracks=False, today=TODAY).findings
    assert list(found.columns) == FINDING_COLUMNS
    assert list(found["severity"]) == ["error"] * 3 + ["warn"] * 2 + ["info"]
    assert set(found["rule"]) == {
        "completeness", "freshness", "not_null", "relationship", "thin_chart_day", "unique_key",
    }  # fmt: skip

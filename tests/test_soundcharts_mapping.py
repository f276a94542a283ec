"""SoundCharts answers → warehouse rows, date windows and cache keys: plain functions, no HTTP."""

from __future__ import annotations

import datetime as dt
import json

from kit.sources.soundcharts import ResponseCache, date_windows
from kit.sources.soundcharts.cache import request_key
from kit.sources.soundcharts.mapping import (
    chart_entry_row,
    chart_frequency,
    daily_stream_rows,
    listening_rows,
    spotify_id_from_identifiers,
    track_id_for,
)

D = dt.date


def point(date: str, *plots: tuple[str, int]) -> dict:
    return {
        "date": f"{date}T00:00:00+00:00",
        "plots": [{"identifier": i, "value": v} for i, v in plots],
    }


def test_a_year_is_cut_into_windows_of_at_most_90_days_without_gaps_or_overlaps():
    windows = date_windows(D(2025, 1, 1), D(2025, 12, 31))
    assert windows == [
        (D(2025, 1, 1), D(2025, 3, 31)),
        (D(2025, 4, 1), D(2025, 6, 29)),
        (D(2025, 6, 30), D(2025, 9, 27)),
        (D(2025, 9, 28), D(2025, 12, 26)),
        (D(2025, 12, 27), D(2025, 12, 31)),
    ]


def test_daily_streams_are_the_difference_with_the_day_before_and_the_first_point_gives_none():
    items = [
        point("2025-03-01", ("a", 1000)),
        point("2025-03-02", ("a", 1250)),
        point("2025-03-03", ("a", 1600)),
    ]
    rows = daily_stream_rows(items, "t1", "spotify")
    assert [(r["date"], r["streams"]) for r in rows] == [(D(2025, 3, 2), 250), (D(2025, 3, 3), 350)]
    assert {r["country"] for r in rows} == {"GLOBAL"}


def test_a_day_after_a_gap_and_a_falling_total_give_no_row():
    items = [
        point("2025-03-01", ("a", 1000)),
        point("2025-03-02", ("a", 1100)),
        point("2025-03-04", ("a", 1500)),  # 03-03 missing: 03-04's 400 spans two days
        point("2025-03-05", ("a", 1450)),  # a correction downwards
        point("2025-03-06", ("a", 1550)),
    ]
    rows = daily_stream_rows(items, "t1", "spotify")
    assert [(r["date"], r["streams"]) for r in rows] == [(D(2025, 3, 2), 100), (D(2025, 3, 6), 100)]


def test_identifiers_are_differenced_separately_so_a_new_one_is_not_a_days_streams():
    items = [
        point("2025-03-01", ("a", 1000)),
        point("2025-03-02", ("a", 1100), ("b", 50_000)),  # b appears with its lifetime total
        point("2025-03-03", ("a", 1300), ("b", 50_070)),
    ]
    rows = daily_stream_rows(items, "t1", "spotify")
    assert [(r["date"], r["streams"]) for r in rows] == [(D(2025, 3, 2), 100), (D(2025, 3, 3), 270)]


def test_country_plots_become_country_rows_beside_the_worldwide_value():
    items = [
        {"date": "2025-03-03T00:00:00+00:00", "value": 8_500_000,
         "countryPlots": [{"countryCode": "it", "value": 2_100_000}, {"countryCode": None, "value": 5}]},
        {"date": "2025-03-04T00:00:00+00:00", "value": 8_510_000},
    ]  # fmt: skip
    rows = listening_rows(items, "luna-vesper", "spotify", "monthly_listeners")
    assert [(r["date"], r["country"], r["value"]) for r in rows] == [
        (D(2025, 3, 3), "GLOBAL", 8_500_000),
        (D(2025, 3, 3), "IT", 2_100_000),
        (D(2025, 3, 4), "GLOBAL", 8_510_000),
    ]


def test_chart_frequency_comes_from_the_chart_else_from_doc_or_woc():
    assert chart_frequency({"frequency": "daily"}, "WOC") == "daily"
    assert chart_frequency({}, "DOC") == "daily"
    assert chart_frequency({}, "WOC") == "weekly"
    assert chart_frequency({}, None) is None


def test_position_zero_means_the_song_left_the_chart_and_is_not_an_entry():
    chart = {"frequency": "daily", "countryCode": "IT", "type": "top"}
    left = {"position": 0, "oldPosition": 40, "timeOnChartUnit": "DOC"}
    assert chart_entry_row(left, chart, D(2025, 2, 15), "t1", "spotify") is None
    entry = {"position": 5, "oldPosition": 7, "metric": 21_000, "timeOnChartUnit": "DOC"}
    row = chart_entry_row(entry, chart, D(2025, 2, 15), "t1", "spotify")
    assert (row["position"], row["previous_position"], row["streams"], row["frequency"]) == (
        5,
        7,
        21_000,
        "daily",
    )


def test_a_chart_metric_is_streams_only_on_platforms_whose_charts_count_streams():
    chart = {"frequency": "weekly", "countryCode": None}
    entry = {"position": 3, "oldPosition": 0, "metric": 77}
    assert chart_entry_row(entry, chart, D(2025, 2, 13), "t1", "apple_music")["streams"] is None
    row = chart_entry_row(entry, chart, D(2025, 2, 13), "t1", "spotify")
    assert (row["country"], row["streams"], row["previous_position"]) == ("GLOBAL", 77, None)


def test_a_track_is_known_by_its_spotify_id_else_by_its_soundcharts_uuid():
    ids = [{"platformCode": "deezer", "identifier": "9"}, {"platformCode": "spotify", "identifier": "abc"},
           {"platformCode": "spotify", "identifier": "def", "default": True}]  # fmt: skip
    assert spotify_id_from_identifiers(ids) == "def"
    assert track_id_for("u-1", spotify_id_from_identifiers(ids[:1])) == "sc:u-1"


def test_a_request_key_ignores_parameter_order_and_never_contains_credentials():
    a = request_key("GET", "/api/v2/x", {"startDate": "2025-01-01", "offset": 0})
    b = request_key("get", "/api/v2/x", {"offset": 0, "startDate": "2025-01-01"})
    assert a == b
    assert a != request_key("GET", "/api/v2/x", {"offset": 100, "startDate": "2025-01-01"})


def test_a_closed_window_stays_cached_while_an_open_one_expires(tmp_path):
    cache = ResponseCache(tmp_path, max_age=dt.timedelta(hours=1))
    closed = {"startDate": "2025-01-01", "endDate": "2025-03-31"}
    cache.put("GET", "/a", closed, 200, {"items": []}, 10)
    cache.put("GET", "/b", {"offset": 0}, 200, {"items": []}, 10)
    for name in ("/a", "/b"):  # both fetched two days ago
        file = cache.path_for("GET", name, closed if name == "/a" else {"offset": 0})
        entry = json.loads(file.read_text())
        entry["fetched_at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat()
        file.write_text(json.dumps(entry))
    assert cache.get("GET", "/a", closed) is not None
    assert cache.get("GET", "/b", {"offset": 0}) is None

"""Every definition of README, "What the numbers mean" on a tiny fixture, against figures worked out by hand.

The fixture (September 2026, Spotify, Italy unless said otherwise):

  Alba (a) and Bruno (b).
  t1 "Aria"     Alba main.  Daily chart Sep 1–5: 100 110 120 130 140 at positions 10 9 8 7 6.
                Own series Sep 3 = 125, Sep 4 = 135 (own beats chart on those days).
                Counted: 100 + 110 + 125 + 135 + 140 = 610 over 5 days.
                Worldwide chart Sep 1: 1000 at position 40 (never in Italy's figures).
  t2 "Bolero"   Bruno main, Alba featured. Weekly only:
                week ending Sep 3 (Aug 28–Sep 3): 700 at 9   -> counts, 3 days inside
                week ending Sep 10 (Sep 4–10):    7000 at 3  -> counts, 7 days inside
                week ending Oct 1 (Sep 25–Oct 1): 5000 at 1  -> dated outside: not counted
                Total 7700 over 14 days with a value; coverage (3 + 7) / 30.
  t3 "Canzone"  Alba main. Daily chart Sep 12: 50 at 20; weekly ending Sep 17 (Sep 11–17):
                999 at 15 -> dropped, the track has a daily value in that week.
  t4 "Duetto"   Alba main. Own series only: Sep 20 = 300, Sep 25 = 300 (a tie for the peak).
  t5 "Estate"   Alba main. Daily chart Aug 31 = 70, Sep 30 = 80, Oct 1 = 90: only Sep 30 counts.
  Alba's total: 610 + 7700 + 50 + 600 + 80 = 9040.

  Audience, Alba, spotify, IT, monthly_listeners: Aug 31 5000 (outside), Sep 1 1000,
  Sep 2 1500, Sep 5 1500 (tie: peak is Sep 2), Sep 30 1200, Oct 1 9000 (outside).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from kit import Query, breakdown, breakdown_totals, summary, timeseries, track_timeseries, warehouse

D = dt.date


def _chart(rows):
    return [
        {
            "date": d,
            "platform": "spotify",
            "country": country,
            "frequency": freq,
            "position": pos,
            "track_id": t,
            "streams": s,
            "source": "fixture",
        }
        for (t, d, freq, pos, s, country) in rows
    ]


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    return write_metric_fixture(tmp_path_factory.mktemp("metrics") / "warehouse")


def write_metric_fixture(root: Path) -> Path:
    """The fixture of this module's docstring, written to `root` (tests/test_spark.py too)."""
    chart = _chart(
        [
            ("t1", D(2026, 9, 1), "daily", 10, 100, "IT"),
            ("t1", D(2026, 9, 2), "daily", 9, 110, "IT"),
            ("t1", D(2026, 9, 3), "daily", 8, 120, "IT"),
            ("t1", D(2026, 9, 4), "daily", 7, 130, "IT"),
            ("t1", D(2026, 9, 5), "daily", 6, 140, "IT"),
            ("t1", D(2026, 9, 1), "daily", 40, 1000, "GLOBAL"),
            ("t2", D(2026, 9, 3), "weekly", 9, 700, "IT"),
            ("t2", D(2026, 9, 10), "weekly", 3, 7000, "IT"),
            ("t2", D(2026, 10, 1), "weekly", 1, 5000, "IT"),
            ("t3", D(2026, 9, 12), "daily", 20, 50, "IT"),
            ("t3", D(2026, 9, 17), "weekly", 15, 999, "IT"),
            ("t5", D(2026, 8, 31), "daily", 30, 70, "IT"),
            ("t5", D(2026, 9, 30), "daily", 31, 80, "IT"),
            ("t5", D(2026, 10, 1), "daily", 32, 90, "IT"),
        ]
    )
    own = [
        {
            "date": d,
            "platform": "spotify",
            "country": "IT",
            "track_id": t,
            "streams": s,
            "source": "s4a",
        }
        for t, d, s in [
            ("t1", D(2026, 9, 3), 125),
            ("t1", D(2026, 9, 4), 135),
            ("t4", D(2026, 9, 20), 300),
            ("t4", D(2026, 9, 25), 300),
        ]
    ]
    audience = [
        {
            "date": d,
            "platform": "spotify",
            "country": "IT",
            "artist_id": "a",
            "metric": "monthly_listeners",
            "value": v,
            "source": "fixture",
        }
        for d, v in [
            (D(2026, 8, 31), 5000),
            (D(2026, 9, 1), 1000),
            (D(2026, 9, 2), 1500),
            (D(2026, 9, 5), 1500),
            (D(2026, 9, 30), 1200),
            (D(2026, 10, 1), 9000),
        ]
    ]
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["a", "b"], "name": ["Alba", "Bruno"]}),
            "tracks": pd.DataFrame(
                {
                    "track_id": ["t1", "t2", "t3", "t4", "t5"],
                    "title": ["Aria", "Bolero", "Canzone", "Duetto", "Estate"],
                }
            ),
            "track_credits": pd.DataFrame(
                {
                    "track_id": ["t1", "t2", "t2", "t3", "t4", "t5"],
                    "artist_id": ["a", "b", "a", "a", "a", "a"],
                    "role": ["main", "main", "featured", "main", "main", "main"],
                    "credit_order": [1, 1, 2, 1, 1, 1],
                }
            ),
            "chart_entries": pd.DataFrame(chart),
            "track_streams": pd.DataFrame(own),
            "artist_audience": pd.DataFrame(audience),
        },
        source="fixture",
        warehouse=root,
    )
    return root


@pytest.fixture(scope="module")
def alba(wh) -> pd.DataFrame:
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    return breakdown(q, "Alba", "spotify").set_index("title")


def test_the_breakdown_lists_every_credited_track_with_data_most_streams_first(alba):
    assert list(alba.index) == ["Bolero", "Aria", "Duetto", "Estate", "Canzone"]
    assert alba.loc["Bolero", "credit"] == "featured"
    assert alba.loc["Aria", "credit"] == "main"


def test_a_track_on_chart_and_in_its_own_series_counts_once(alba):
    assert alba.loc["Aria", "total_streams"] == 610
    assert alba.loc["Aria", "days_with_value"] == 5
    assert alba.loc["Aria", "avg_daily"] == pytest.approx(122.0)
    assert alba.loc["Aria", "source"] == "daily chart (fixture) + own series (s4a)"
    assert alba.loc["Aria", "coverage"] == pytest.approx(5 / 30)


def test_the_peak_day_is_the_highest_daily_value(alba):
    assert alba.loc["Aria", "peak_streams"] == 140
    assert alba.loc["Aria", "peak_date"] == pd.Timestamp("2026-09-05")
    assert alba.loc["Aria", "peak_kind"] == "day"


def test_a_tie_for_the_peak_takes_the_earliest_date(alba):
    assert alba.loc["Duetto", "peak_streams"] == 300
    assert alba.loc["Duetto", "peak_date"] == pd.Timestamp("2026-09-20")
    assert alba.loc["Duetto", "total_streams"] == 600
    assert alba.loc["Duetto", "coverage"] == pytest.approx(2 / 30)


def test_own_series_only_tracks_are_not_on_chart(alba):
    assert alba.loc["Duetto", "source"] == "own series (s4a)"
    assert pd.isna(alba.loc["Duetto", "best_position"])
    assert alba.loc["Duetto", "days_on_chart"] == 0
    assert pd.isna(alba.loc["Duetto", "first_chart_date"])


def test_weekly_rows_count_when_dated_inside_the_period_with_seven_days_for_the_average(alba):
    bolero = alba.loc["Bolero"]
    assert bolero["total_streams"] == 700 + 7000
    assert bolero["days_with_value"] == 14
    assert bolero["avg_daily"] == pytest.approx(7700 / 14)
    assert bolero["coverage"] == pytest.approx((3 + 7) / 30)
    assert bolero["source"] == "weekly chart (fixture)"


def test_a_weekly_peak_is_labelled_as_a_week(alba):
    assert alba.loc["Bolero", "peak_streams"] == 7000
    assert alba.loc["Bolero", "peak_date"] == pd.Timestamp("2026-09-10")
    assert alba.loc["Bolero", "peak_kind"] == "week"


def test_weekly_chart_days_count_on_chart_inside_the_period(alba):
    bolero = alba.loc["Bolero"]
    assert bolero["best_position"] == 3  # the week ending Oct 1 (position 1) is outside
    assert bolero["days_on_chart"] == 10  # Sep 1–3 and Sep 4–10
    assert bolero["first_chart_date"] == pd.Timestamp("2026-09-01")
    assert bolero["last_chart_date"] == pd.Timestamp("2026-09-10")


def test_a_weekly_row_is_dropped_for_a_week_with_a_daily_value(alba):
    canzone = alba.loc["Canzone"]
    assert canzone["total_streams"] == 50
    assert canzone["source"] == "daily chart (fixture)"
    assert canzone["best_position"] == 15  # the weekly chart still places it
    assert canzone["days_on_chart"] == 7  # Sep 11–17 covered, Sep 12 among them


def test_the_edges_of_the_period_are_included_and_nothing_beyond(alba):
    estate = alba.loc["Estate"]
    assert estate["total_streams"] == 80
    assert estate["first_chart_date"] == pd.Timestamp("2026-09-30")
    assert estate["days_on_chart"] == 1


def test_best_position_and_days_on_chart_of_a_daily_track(alba):
    assert alba.loc["Aria", "best_position"] == 6
    assert alba.loc["Aria", "days_on_chart"] == 5
    assert alba.loc["Aria", "first_chart_date"] == pd.Timestamp("2026-09-01")
    assert alba.loc["Aria", "last_chart_date"] == pd.Timestamp("2026-09-05")


def test_share_is_of_the_artists_total(alba):
    assert alba["share"].sum() == pytest.approx(1.0)
    assert alba.loc["Bolero", "share"] == pytest.approx(7700 / 9040)
    assert alba.loc["Aria", "share"] == pytest.approx(610 / 9040)


def test_the_footer_gives_total_top_track_and_streams_per_listener(wh):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    t = breakdown_totals(q, "Alba", "spotify").iloc[0]
    assert t["total_streams"] == 9040
    assert t["track_count"] == 5
    assert t["partial_tracks"] == 5
    assert t["top_track"] == "Bolero"
    assert t["top_track_streams"] == 7700
    assert t["average_listeners"] == pytest.approx((1000 + 1500 + 1500 + 1200) / 4)
    assert t["streams_per_listener"] == pytest.approx(9040 / 1300)


def test_the_featuring_artist_and_the_main_artist_both_see_the_track(wh):
    q = Query(["Alba", "Bruno"], "2026-09", platforms="spotify", country="IT", warehouse=wh)
    bruno = breakdown(q, "Bruno", "spotify").set_index("title")
    assert list(bruno.index) == ["Bolero"]
    assert bruno.loc["Bolero", "credit"] == "main"
    assert bruno.loc["Bolero", "share"] == pytest.approx(1.0)


def test_worldwide_uses_the_global_chart_only(wh):
    q = Query("Alba", "2026-09", platforms="spotify", country="GLOBAL", warehouse=wh)
    world = breakdown(q, "Alba", "spotify")
    assert list(world["title"]) == ["Aria"]
    assert world.iloc[0]["total_streams"] == 1000
    assert world.iloc[0]["best_position"] == 40


def test_the_28_day_window_ends_on_its_day(wh):
    q = Query("Alba", "28d:2026-09-28", platforms="spotify", country="IT", warehouse=wh)
    assert (q.start, q.end) == (D(2026, 9, 1), D(2026, 9, 28))
    titles = set(breakdown(q, "Alba", "spotify")["title"])
    assert "Estate" not in titles  # its only September value is on the 30th
    assert breakdown(q, "Alba", "spotify").set_index("title").loc[
        "Aria", "coverage"
    ] == pytest.approx(5 / 28)


def test_each_audience_point_names_its_28_day_window(wh):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    ts = timeseries(q)
    assert list(ts["date"]) == [pd.Timestamp(f"2026-09-{d:02d}") for d in (1, 2, 5, 30)]
    assert ts.iloc[0]["window_start"] == pd.Timestamp("2026-08-05")
    assert ts.iloc[-1]["window_start"] == pd.Timestamp("2026-09-03")


def test_the_audience_summary_follows_the_definitions(wh):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    s = summary(q).iloc[0]
    assert (s["artist"], s["platform"], s["metric"]) == ("Alba", "spotify", "monthly_listeners")
    assert s["start_value"] == 1000
    assert s["end_value"] == 1200
    assert s["difference"] == 200
    assert s["pct_change"] == pytest.approx(0.2)
    assert s["average"] == pytest.approx(1300.0)
    assert s["peak_value"] == 1500
    assert s["peak_date"] == pd.Timestamp("2026-09-02")  # tie with Sep 5: the earliest
    assert s["points"] == 4
    assert s["coverage"] == pytest.approx(4 / 30)


def test_counts_stay_integers(wh, alba):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    s = summary(q)
    for col in ("start_value", "end_value", "difference", "peak_value", "points"):
        assert str(s[col].dtype) == "Int64", col
    for col in ("total_streams", "peak_streams"):
        assert str(alba[col].dtype) == "Int64", col
    assert str(alba["best_position"].dtype) == "Int32"


def test_the_track_series_is_what_the_breakdown_sums(wh, alba):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    series = track_timeseries(q, "Alba", "spotify")
    assert series.groupby("title")["streams"].sum().to_dict() == alba["total_streams"].to_dict()
    aria = series[series["title"] == "Aria"]
    assert list(aria["streams"]) == [100, 110, 125, 135, 140]
    assert list(aria["kind"]) == ["daily chart"] * 2 + ["own series"] * 2 + ["daily chart"]


def test_sort_search_and_paging_keep_the_shares_of_the_whole(wh):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    by_position = breakdown(q, "Alba", "spotify", sort="best_position")
    assert list(by_position["title"])[:3] == ["Bolero", "Aria", "Canzone"]
    found = breakdown(q, "Alba", "spotify", search="ARI")
    assert list(found["title"]) == ["Aria"]
    assert found.iloc[0]["share"] == pytest.approx(610 / 9040)
    page = breakdown(q, "Alba", "spotify", offset=1, limit=2)
    assert list(page["title"]) == ["Aria", "Duetto"]

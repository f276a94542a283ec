"""Every definition of README, "What the numbers mean" (docs/metrics.md in full) on a tiny
fixture, against figures worked out by hand.

The fixture (September 2026, Spotify, Italy unless said otherwise):

  Alba (a) and Bruno (b).
  t1 "Aria"     Alba main.  Daily chart Sep 1–5: 100 110 120 130 140 at positions 10 9 8 7 6.
                Own series Sep 3 = 125, Sep 4 = 135 (own beats chart on those days).
                Counted: 100 + 110 + 125 + 135 + 140 = 610 over 5 days.
                Worldwide chart Sep 1: 1000 at position 40 (never in Italy's figures).
                Viral chart, weekly, Sep 4: position 3 (changes nothing: Aria has values).
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

  Carla (c): weekly entries of several sources that overlap, and a viral-only track.
  t6 "Faro"     Carla main. Weekly top chart (week = the seven days ending on the date):
                spotify_charts Sep 10 (Sep 4–10)    7000 at 5 -> stands
                soundcharts    Sep 11 (Sep 5–11)    9999 at 2 -> dropped: shares Sep 5–10
                                                                 with the chart file's week
                soundcharts    Sep 18 (Sep 12–18)   8000 at 3 -> stands: overlaps nothing
                                                                 that ranks first
                soundcharts    Sep 29 (Sep 23–29)   4000 at 6 -> dropped: Oct 1 is later
                soundcharts    Oct 1  (Sep 25–Oct 1) 5000 at 4 -> stands, counted in October
                September: 7000 + 8000 = 15000 over 14 days, coverage 14 / 30, best
                position 3, 14 days on chart (Sep 4–10, 12–18). October: 5000.
                Before the weekly precedence, September counted 28999.
  t7 "Gelso"    Carla main. Weekly: zeta_feed Sep 3 (Aug 28–Sep 3) 300 at 40 and alpha_feed
                Sep 4 (Aug 29–Sep 4) 400 at 45: other sources rank by name, so alpha_feed
                stands: 400 over 7 days, coverage 4 / 30 (Sep 1–4), first chart day Aug 29.
  t8 "Luna"     Carla main. Viral chart only, daily: Sep 20 at 12, Sep 21 at 9.
  Carla's total: 15000 + 400 = 15400, three tracks. Carla's audience: Deezer followers in
  Germany (Sep 5 = 40) and Apple Music followers in Italy in July (Jul 15 = 70) only: in
  Italy in September her only platform with data is Spotify.

  Dario (d): own series only. t9 "Mare", Dario main: Sep 10 = 500, Sep 11 = 600.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from kit import (
    Query,
    QueryError,
    breakdown,
    breakdown_totals,
    config,
    query,
    summary,
    timeseries,
    track_timeseries,
    warehouse,
)
from kit.alerts import AlertRules

D = dt.date


def _chart(rows):
    """Chart entries from (track, date, frequency, position, streams, country[, source[, chart]])."""
    return [
        {
            "date": d,
            "platform": "spotify",
            "country": country,
            "frequency": freq,
            "position": pos,
            "track_id": t,
            "streams": s,
            "source": rest[0] if rest else "fixture",
            "chart": rest[1] if len(rest) > 1 else "top",
        }
        for (t, d, freq, pos, s, country, *rest) in rows
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
            ("t1", D(2026, 9, 4), "weekly", 3, None, "IT", "fixture", "viral"),
            # Carla: overlapping weekly entries of two sources, and a viral-only track
            ("t6", D(2026, 9, 10), "weekly", 5, 7000, "IT", "spotify_charts"),
            ("t6", D(2026, 9, 11), "weekly", 2, 9999, "IT", "soundcharts"),
            ("t6", D(2026, 9, 18), "weekly", 3, 8000, "IT", "soundcharts"),
            ("t6", D(2026, 9, 29), "weekly", 6, 4000, "IT", "soundcharts"),
            ("t6", D(2026, 10, 1), "weekly", 4, 5000, "IT", "soundcharts"),
            ("t7", D(2026, 9, 3), "weekly", 40, 300, "IT", "zeta_feed"),
            ("t7", D(2026, 9, 4), "weekly", 45, 400, "IT", "alpha_feed"),
            ("t8", D(2026, 9, 20), "daily", 12, None, "IT", "spotify_charts", "viral"),
            ("t8", D(2026, 9, 21), "daily", 9, None, "IT", "spotify_charts", "viral"),
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
            ("t9", D(2026, 9, 10), 500),
            ("t9", D(2026, 9, 11), 600),
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
    # Carla's audience, in the same load: rows spanning several platforms and months, each
    # filed under its own month
    elsewhere = [
        {
            "date": d,
            "platform": platform,
            "country": country,
            "artist_id": "c",
            "metric": "followers",
            "value": v,
            "source": "fixture",
        }
        for d, platform, country, v in [
            (D(2026, 9, 5), "deezer", "DE", 40),
            (D(2026, 7, 15), "apple_music", "IT", 70),
        ]
    ]
    warehouse.write(
        {
            "artists": pd.DataFrame(
                {"artist_id": ["a", "b", "c", "d"], "name": ["Alba", "Bruno", "Carla", "Dario"]}
            ),
            "tracks": pd.DataFrame(
                {
                    "track_id": ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"],
                    "title": [
                        "Aria",
                        "Bolero",
                        "Canzone",
                        "Duetto",
                        "Estate",
                        "Faro",
                        "Gelso",
                        "Luna",
                        "Mare",
                    ],
                }
            ),  # fmt: skip
            "track_credits": pd.DataFrame(
                {
                    "track_id": ["t1", "t2", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"],
                    "artist_id": ["a", "b", "a", "a", "a", "a", "c", "c", "c", "d"],
                    "role": ["main", "main", "featured"] + ["main"] * 7,
                    "credit_order": [1, 1, 2] + [1] * 7,
                }
            ),
            "chart_entries": pd.DataFrame(chart),
            "track_streams": pd.DataFrame(own),
            "artist_audience": pd.DataFrame(audience + elsewhere),
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
    for col in ("total_streams", "peak_streams", "best_position", "days_on_chart"):
        assert str(alba[col].dtype) == "Int64", col


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


# ---------------------------------------------------------------- overlapping weekly entries


def _query(wh, artists, period="2026-09", **kw) -> Query:
    return Query(artists, period, country=kw.pop("country", "IT"), warehouse=wh, **kw)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [
        tuple(v.date() if isinstance(v, pd.Timestamp) else v for v in row)
        for row in frame[columns].itertuples(index=False)
    ]


@pytest.fixture(scope="module")
def carla(wh) -> pd.DataFrame:
    return breakdown(_query(wh, "Carla"), "Carla", "spotify").set_index("title")


def test_overlapping_weekly_entries_of_two_sources_count_once(wh, carla):
    faro = carla.loc["Faro"]
    assert faro["total_streams"] == 7000 + 8000
    assert faro["days_with_value"] == 14
    assert faro["avg_daily"] == pytest.approx(15000 / 14)
    assert faro["coverage"] == pytest.approx(14 / 30)
    assert faro["source"] == "weekly chart (soundcharts) + weekly chart (spotify_charts)"
    series = track_timeseries(_query(wh, "Carla"), "Carla", "spotify", tracks=["t6"])
    assert _rows(series, ["date", "streams", "source"]) == [
        (D(2026, 9, 10), 7000, "spotify_charts"),
        (D(2026, 9, 18), 8000, "soundcharts"),
    ]


def test_of_one_sources_overlapping_weeks_the_later_stands_even_outside_the_period(wh, carla):
    # Sep 29 (4000) gives way to Oct 1 (5000), which counts in October only
    october = breakdown(_query(wh, "Carla", "2026-10"), "Carla", "spotify").set_index("title")
    assert october.loc["Faro", "total_streams"] == 5000
    both = breakdown(_query(wh, "Carla", "2026-09-01:2026-10-31"), "Carla", "spotify")
    faro = both.set_index("title").loc["Faro"]
    assert faro["total_streams"] == carla.loc["Faro", "total_streams"] + 5000 == 20000
    assert faro["days_on_chart"] == 21  # Sep 4–10, Sep 12–18, Sep 25–Oct 1


def test_other_sources_rank_after_soundcharts_by_name(carla):
    gelso = carla.loc["Gelso"]
    assert gelso["total_streams"] == 400
    assert gelso["source"] == "weekly chart (alpha_feed)"
    assert gelso["best_position"] == 45
    assert gelso["days_with_value"] == 7
    assert gelso["coverage"] == pytest.approx(4 / 30)


def test_chart_figures_read_only_the_weekly_entries_that_stand(carla):
    faro = carla.loc["Faro"]
    assert faro["best_position"] == 3  # not the dropped entry's 2
    assert faro["days_on_chart"] == 14  # Sep 11 is in no week that stands
    assert faro["first_chart_date"] == pd.Timestamp("2026-09-04")
    assert faro["last_chart_date"] == pd.Timestamp("2026-09-18")
    assert faro["peak_streams"] == 8000
    assert faro["peak_kind"] == "week"


def test_positions_list_one_of_two_overlapping_weekly_entries(wh):
    got = query.positions(_query(wh, "Carla"), "Faro")
    assert _rows(got, ["date", "frequency", "position"]) == [
        (D(2026, 9, 10), "weekly", 5),
        (D(2026, 9, 18), "weekly", 3),
    ]


def test_growth_and_comparison_count_the_same_weeks(wh):
    q = _query(wh, "Carla")
    growth = query.track_growth(q, "Carla", "spotify").set_index("track_id")
    assert (growth.loc["t6", "first_half_streams"], growth.loc["t6", "second_half_streams"]) == (
        7000,
        8000,
    )
    compared = query.track_comparison(q, [("spotify", "Faro"), ("spotify", "Gelso")])
    assert compared.groupby("title")["streams"].sum().to_dict() == {"Faro": 15000, "Gelso": 400}
    entry = query.track_comparison(
        q, [("spotify", "Faro"), ("spotify", "Gelso")], align="chart_entry"
    )
    firsts = entry.groupby("title")["chart_entry_date"].first().dt.date.to_dict()
    assert firsts == {"Faro": D(2026, 9, 4), "Gelso": D(2026, 8, 29)}


def test_the_source_order_names_the_sources_as_their_ingest_writes_them():
    from kit.sources.soundcharts.mapping import SOURCE as SOUNDCHARTS
    from kit.sources.spotify_charts import SOURCE as CHART_FILES

    order = config.SQL_DIR.joinpath("standing_chart_entries.sql").read_text()
    assert f"when '{CHART_FILES}' then 1 when '{SOUNDCHARTS}' then 2 else 3" in order


# ---------------------------------------------------------------- viral-only tracks


def test_a_viral_only_track_is_listed_without_streams_or_top_chart_figures(carla):
    assert list(carla.index) == ["Faro", "Gelso", "Luna"]
    luna = carla.loc["Luna"]
    assert luna["source"] == "viral chart only (best position 9)"
    assert pd.isna(luna["total_streams"])
    assert pd.isna(luna["best_position"])
    assert luna["days_on_chart"] == 0
    assert pd.isna(luna["first_chart_date"])
    assert pd.isna(luna["share"])
    assert luna["coverage"] == 0


def test_a_viral_only_track_counts_in_the_footer_without_streams(wh):
    t = breakdown_totals(_query(wh, "Carla"), "Carla", "spotify").iloc[0]
    assert t["total_streams"] == 15400
    assert t["track_count"] == 3
    assert t["tracks_without_streams"] == 1
    assert t["partial_tracks"] == 3
    assert t["top_track"] == "Faro"


def test_viral_entries_change_nothing_for_a_track_with_values(alba):
    aria = alba.loc["Aria"]
    assert (aria["best_position"], aria["days_on_chart"]) == (6, 5)  # not the viral 3
    assert aria["source"] == "daily chart (fixture) + own series (s4a)"


# ---------------------------------------------------------------- platforms with data


def test_an_artist_with_only_own_series_data_is_answered(wh):
    q = _query(wh, "Dario")
    assert q.platform_slugs == ("spotify",)
    mare = breakdown(q, "Dario", "spotify").iloc[0]
    assert (mare["title"], mare["total_streams"], mare["source"]) == (
        "Mare",
        1100,
        "own series (s4a)",
    )


def test_default_platforms_are_those_with_data_in_the_query_country_and_period(wh):
    assert _query(wh, "Carla").platform_slugs == ("spotify",)
    assert _query(wh, "Carla", country="DE").platform_slugs == ("deezer",)
    assert _query(wh, "Carla", "2026-07").platform_slugs == ("apple_music",)


def test_platforms_with_data_gives_rows_and_dates_per_platform(wh):
    got = query.platforms_with_data(_query(wh, ["Carla", "Dario"], platforms="spotify"))
    # Carla's 8 chart entries dated in September (not Oct 1), Dario's 2 own-series values
    assert got.to_dict("records") == [
        {
            "platform": "spotify",
            "row_count": 10,
            "first_date": pd.Timestamp("2026-09-03"),
            "last_date": pd.Timestamp("2026-09-29"),
        }
    ]


def test_a_platform_with_data_only_in_another_country_is_refused_by_name(wh):
    with pytest.raises(
        QueryError,
        match=r"^No data for Carla on deezer in IT from 2026-09-01 to 2026-09-30\. "
        r"The warehouse has data for them in IT from 2026-07-15 to 2026-10-01\.$",
    ):
        _query(wh, "Carla", platforms="deezer")


def test_a_period_without_data_in_the_country_is_refused_with_what_there_is(wh):
    with pytest.raises(
        QueryError,
        match=r"^No data for Carla on any platform in DE from 2026-08-01 to 2026-08-31\. "
        r"The warehouse has data for them in DE from 2026-09-05 to 2026-09-05\.$",
    ):
        _query(wh, "Carla", "2026-08", country="DE")


# ---------------------------------------------------------------- the contract, as documented

ROOT = Path(__file__).resolve().parent.parent
METRICS_DOC = ROOT / "docs" / "metrics.md"
# the types docs/metrics.md names, as pandas spells them
DOCUMENTED_TYPES = {
    "text": "str", "Int64": "Int64", "float64": "float64", "date": "datetime64", "bool": "bool",
}  # fmt: skip


def _documented_frames() -> dict[str, list[tuple[str, str]]]:
    """docs/metrics.md, "Interfaces": each function's columns and types, in order."""
    interfaces = METRICS_DOC.read_text().split("\n## Interfaces\n", 1)[1]
    frames = {}
    for part in re.split(r"^### ", interfaces, flags=re.M)[1:]:
        name = re.match(r"`(\w+)\(", part).group(1)
        frames[name] = re.findall(r"^\| `(\w+)` \| (\w+) \|$", part, flags=re.M)
    return frames


_EAGER_RULES = AlertRules(
    min_points=1, min_score=0, audience_min_pct=0, audience_min_change=0, streams_min_pct=0,
    streams_min_change=0, chart_days=1, peak_top=200,
)  # fmt: skip


def _answers(wh) -> dict[str, pd.DataFrame]:
    q = _query(wh, ["Alba", "Carla"])
    return {
        "summary": summary(q),
        "breakdown": breakdown(q, "Alba", "spotify"),
        "breakdown_totals": breakdown_totals(q, "Alba", "spotify"),
        "timeseries": timeseries(q, None),
        "track_timeseries": track_timeseries(q, "Alba", "spotify"),
        "sources": query.sources(q),
        "platforms_with_data": query.platforms_with_data(q),
        "positions": query.positions(q, "Aria"),
        "track_growth": query.track_growth(q, "Alba", "spotify"),
        "track_comparison": query.track_comparison(q, [("spotify", "Aria"), ("spotify", "Faro")]),
        "audience_comparison": query.audience_comparison(q),
        "movers": query.movers(q, "Alba", "spotify"),
        "movers_totals": query.movers_totals(q, "Alba", "spotify"),
        # thresholds low enough for the fixture's few points to make alerts
        "alerts": query.alerts("2026-09-01", "2026-09-30", rules=_EAGER_RULES, warehouse=wh),
    }


def test_every_frame_has_the_columns_and_types_docs_metrics_md_lists(wh):
    documented = _documented_frames()
    answers = _answers(wh)
    assert set(documented) == set(answers)
    for name, frame in answers.items():
        assert len(frame) > 0, name
        assert list(frame.columns) == [c for c, _ in documented[name]], name
        got = {c: str(t) for c, t in frame.dtypes.items()}
        for column, kind in documented[name]:
            assert got[column].startswith(DOCUMENTED_TYPES[kind]), (name, column, got[column])


def test_the_readme_lists_each_frames_columns_in_order(wh):
    readme = (ROOT / "README.md").read_text()
    documented = _documented_frames()
    for name in ("summary", "breakdown", "breakdown_totals", "platforms_with_data"):
        listing = re.search(rf"^`{name}\([^`]*\)` columns:(.*?)\n\n", readme, re.M | re.S)
        assert listing, f"README lists no columns for {name}"
        columns = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", listing.group(1)))
        assert columns == [c for c, _ in documented[name]], name


def test_every_definition_cites_the_section_of_docs_metrics_md_it_implements():
    headings = set(re.findall(r"^#+ (.+)$", METRICS_DOC.read_text(), re.M))
    for path in sorted(config.SQL_DIR.glob("*.sql")):
        header = " ".join(
            line.removeprefix("--").strip()
            for line in path.read_text().splitlines()
            if line.startswith("--")
        )
        cited = re.findall(r'docs/metrics\.md, ((?:"[^"]+"(?: and )?)+)', header)
        assert cited, f"{path.name} cites no section of docs/metrics.md"
        for sections in cited:
            for section in re.findall(r'"([^"]+)"', sections):
                assert section in headings, f"{path.name} cites a missing section {section!r}"

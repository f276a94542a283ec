"""What moved: comparison periods, the movers of a breakdown and the audience beside it,
on a fixture whose figures are worked out by hand below.

The fixture (Spotify, Italy; September 2026 compared with August 2026 unless said):

  Alba (a), Bruno (b), Carla (c). Own series (track_streams) every day unless said.
  m1 "Alpha"    Alba main. Aug 100/day = 3100, Sep 150/day = 4500: +1400, +1400/3100.
                Daily chart Aug 1 at #5, Sep 1 at #3 (its streams lose to the own series).
                Sep 2025: 50/day = 1500 (for compare="year").
  m2 "Beta"     Alba main. Aug 200/day = 6200, Sep 100/day = 3000: −3200.
  m3 "Gamma"    Alba main. Sep 16–30 only, 100/day = 1500: new, coverage 15/30.
  m4 "Delta"    Alba main. Aug 1–10 only, 50/day = 500: gone, its August coverage 10/31.
  m5 "Epsilon"  Bruno main, Alba featured. Aug 10/day = 310; Sep 1 = 20, then 10/day = 310: same.
  m6 "Zeta"     Alba main. Chart positions without streams: Aug 5 at #50, Sep 5 at #40: up.
  m7 "Eta"      Alba main. Aug 0/day = 0, Sep 10/day = 300: +300 on a base of zero.
  Alba's totals: Sep 4500 + 3000 + 1500 + 310 + 300 = 9610; Aug 3100 + 6200 + 500 + 310 = 10110;
  total change −500, so contributions are change ÷ −500.
  Sep order: m1, m2, m3, m5, m7, m6 (no streams last); Aug order: m2, m1, m4, m5, m7, m6.
  m8 "Theta"    Carla main. Aug 10/day = 310; Sep 1 = 20, then 10/day = 310: total change 0.

  Audience, Alba, monthly_listeners: Aug 1 = 1000, Aug 31 = 1200, Sep 1 = 1300, Sep 30 = 1500.
  followers: Aug 31 = 0, Sep 30 = 50 (a base of zero).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from kit import Query, QueryError, breakdown, breakdown_totals, cli, query, warehouse
from kit.period import PeriodError, comparison_period

D = dt.date


# ---------------------------------------------------------------------------------------
# Comparison periods


@pytest.mark.parametrize(
    ("start", "end", "compare", "expected"),
    [
        # a calendar month: the calendar month before, whatever their lengths
        (D(2026, 9, 1), D(2026, 9, 30), "previous", (D(2026, 8, 1), D(2026, 8, 31))),
        (D(2026, 3, 1), D(2026, 3, 31), "previous", (D(2026, 2, 1), D(2026, 2, 28))),
        (D(2024, 3, 1), D(2024, 3, 31), "previous", (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2026, 1, 1), D(2026, 1, 31), "previous", (D(2025, 12, 1), D(2025, 12, 31))),
        # any other period: the same number of days, ending the day before it starts
        (D(2026, 9, 3), D(2026, 9, 30), "previous", (D(2026, 8, 6), D(2026, 9, 2))),
        (D(2026, 3, 1), D(2026, 3, 7), "previous", (D(2026, 2, 22), D(2026, 2, 28))),
        (D(2026, 7, 1), D(2026, 9, 30), "previous", (D(2026, 3, 31), D(2026, 6, 30))),
        # a year earlier: the same dates; 29 February becomes 28 February
        (D(2026, 9, 1), D(2026, 9, 30), "year", (D(2025, 9, 1), D(2025, 9, 30))),
        (D(2024, 2, 29), D(2024, 2, 29), "year", (D(2023, 2, 28), D(2023, 2, 28))),
        (D(2024, 2, 1), D(2024, 2, 29), "year", (D(2023, 2, 1), D(2023, 2, 28))),
        (D(2024, 2, 20), D(2024, 3, 5), "year", (D(2023, 2, 20), D(2023, 3, 5))),
        # whole months a year earlier stay whole months: February 2025 → 1–29 February 2024
        (D(2025, 2, 1), D(2025, 2, 28), "year", (D(2024, 2, 1), D(2024, 2, 29))),
    ],
)
def test_the_comparison_period(start, end, compare, expected):
    assert comparison_period(start, end, compare) == expected


def test_an_unknown_comparison_is_refused_naming_the_choices():
    with pytest.raises(
        PeriodError, match=r"Unknown comparison 'month': expected 'previous' or 'year'"
    ):
        comparison_period(D(2026, 9, 1), D(2026, 9, 30), "month")


# ---------------------------------------------------------------------------------------
# The fixture


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _own(track: str, first: dt.date, last: dt.date, value: int) -> list[dict]:
    return [
        {"date": d, "platform": "spotify", "country": "IT", "track_id": track, "streams": value, "source": "s4a"}
        for d in _days(first, last)
    ]  # fmt: skip


def write_movers_fixture(root: Path) -> Path:
    """The fixture of this module's docstring, written to `root`."""
    aug, sep = (D(2026, 8, 1), D(2026, 8, 31)), (D(2026, 9, 1), D(2026, 9, 30))
    own = [
        *_own("m1", *aug, 100), *_own("m1", *sep, 150), *_own("m1", D(2025, 9, 1), D(2025, 9, 30), 50),
        *_own("m2", *aug, 200), *_own("m2", *sep, 100),
        *_own("m3", D(2026, 9, 16), D(2026, 9, 30), 100),
        *_own("m4", D(2026, 8, 1), D(2026, 8, 10), 50),
        *_own("m5", *aug, 10), *_own("m5", D(2026, 9, 1), D(2026, 9, 1), 20),
        *_own("m5", D(2026, 9, 2), D(2026, 9, 30), 10),
        *_own("m7", *aug, 0), *_own("m7", *sep, 10),
        *_own("m8", *aug, 10), *_own("m8", D(2026, 9, 1), D(2026, 9, 1), 20),
        *_own("m8", D(2026, 9, 2), D(2026, 9, 30), 10),
    ]  # fmt: skip
    chart = pd.DataFrame(
        {
            "date": [D(2026, 8, 1), D(2026, 9, 1), D(2026, 8, 5), D(2026, 9, 5)],
            "platform": "spotify",
            "country": "IT",
            "frequency": "daily",
            "position": [5, 3, 50, 40],
            "track_id": ["m1", "m1", "m6", "m6"],
            "streams": pd.array([100, 150, None, None], dtype="Int64"),
            "source": "fixture",
        }
    )
    audience = pd.DataFrame(
        {
            "date": [D(2026, 8, 1), D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 30), D(2026, 8, 31), D(2026, 9, 30)],
            "platform": "spotify",
            "country": "IT",
            "artist_id": "a",
            "metric": ["monthly_listeners"] * 4 + ["followers"] * 2,
            "value": [1000, 1200, 1300, 1500, 0, 50],
            "source": "fixture",
        }
    )  # fmt: skip
    tracks = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["a", "b", "c"], "name": ["Alba", "Bruno", "Carla"]}),
            "tracks": pd.DataFrame(
                {"track_id": tracks, "title": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]}
            ),
            "track_credits": pd.DataFrame(
                {
                    "track_id": [*tracks[:5], "m5", "m6", "m7", "m8"],
                    "artist_id": ["a", "a", "a", "a", "b", "a", "a", "a", "c"],
                    "role": ["main"] * 5 + ["featured"] + ["main"] * 3,
                    "credit_order": [1] * 5 + [2] + [1] * 3,
                }
            ),
            "track_streams": pd.DataFrame(own),
            "chart_entries": chart,
            "artist_audience": audience,
        },
        source="fixture",
        warehouse=root,
    )  # fmt: skip
    return root


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    return write_movers_fixture(tmp_path_factory.mktemp("movers") / "warehouse")


@pytest.fixture(scope="module")
def q(wh) -> Query:
    return Query(["Alba", "Carla"], "2026-09", platforms="spotify", country="IT", warehouse=wh)


@pytest.fixture(scope="module")
def alba(q) -> pd.DataFrame:
    return query.movers(q, "Alba", "spotify")


def _by_title(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("title")


def _plain(values) -> list:
    """Values as Python numbers, None where empty."""
    return [None if pd.isna(v) else v for v in values]


# ---------------------------------------------------------------------------------------
# Movers


def test_movers_have_one_row_per_track_of_either_period_largest_change_first(alba):
    assert list(alba.columns) == query.MOVERS_COLUMNS
    assert list(alba["title"]) == ["Beta", "Gamma", "Alpha", "Delta", "Eta", "Epsilon", "Zeta"]
    assert alba.attrs["previous_period"] == (D(2026, 8, 1), D(2026, 8, 31))


def test_streams_change_and_percent_change_per_track(alba):
    rows = _by_title(alba)
    got = rows.loc[
        ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"], ["streams", "previous_streams", "change"]
    ]
    assert [_plain(row) for row in got.itertuples(index=False)] == [
        [4500, 3100, 1400],
        [3000, 6200, -3200],
        [1500, None, 1500],
        [None, 500, -500],
        [310, 310, 0],
    ]  # fmt: skip
    assert rows.loc["Alpha", "pct_change"] == pytest.approx(1400 / 3100)
    assert rows.loc["Beta", "pct_change"] == pytest.approx(-3200 / 6200)
    assert rows.loc["Delta", "pct_change"] == pytest.approx(-1.0)
    assert rows.loc["Epsilon", "pct_change"] == 0


def test_a_percentage_on_a_base_of_zero_or_none_is_empty(alba):
    rows = _by_title(alba)
    assert (rows.loc["Eta", "previous_streams"], rows.loc["Eta", "change"]) == (0, 300)
    assert pd.isna(rows.loc["Eta", "pct_change"])  # a base of zero: never infinite
    assert pd.isna(rows.loc["Gamma", "pct_change"])  # new: no base


def test_contributions_are_each_change_over_the_total_change_and_add_up_to_one(alba):
    rows = _by_title(alba)
    expected = {
        "Alpha": 1400,
        "Beta": -3200,
        "Gamma": 1500,
        "Delta": -500,
        "Epsilon": 0,
        "Eta": 300,
    }
    for title, change in expected.items():
        assert rows.loc[title, "contribution"] == pytest.approx(change / -500)
    assert alba["contribution"].sum() == pytest.approx(1.0)


def test_a_track_without_stream_counts_moves_by_its_position(alba):
    zeta = _by_title(alba).loc["Zeta"]
    assert (
        pd.isna(zeta["streams"]) and pd.isna(zeta["previous_streams"]) and pd.isna(zeta["change"])
    )
    assert pd.isna(zeta["contribution"])
    assert (zeta["best_position"], zeta["previous_best_position"], zeta["status"]) == (40, 50, "up")


def test_each_track_has_a_status(alba):
    assert dict(zip(alba["title"], alba["status"], strict=True)) == {
        "Alpha": "up", "Beta": "down", "Gamma": "new", "Delta": "gone",
        "Epsilon": "same", "Zeta": "up", "Eta": "up",
    }  # fmt: skip


def test_ranks_are_the_places_in_each_periods_breakdown_order(alba):
    ranks = {
        title: _plain(r)
        for title, *r in alba[["title", "rank", "previous_rank"]].itertuples(index=False)
    }
    assert ranks == {
        "Alpha": [1, 2], "Beta": [2, 1], "Gamma": [3, None], "Epsilon": [4, 4],
        "Eta": [5, 5], "Zeta": [6, 6], "Delta": [None, 3],
    }  # fmt: skip


def test_best_positions_and_credits_come_from_each_period(alba):
    rows = _by_title(alba)
    assert (rows.loc["Alpha", "best_position"], rows.loc["Alpha", "previous_best_position"]) == (
        3,
        5,
    )
    assert rows.loc["Epsilon", "credit"] == "featured"
    assert rows.loc["Delta", "credit"] == "main"  # a gone track keeps its credit


def test_a_partial_comparison_period_is_flagged_on_the_row(alba):
    rows = _by_title(alba)
    assert rows.loc["Delta", "previous_coverage"] == pytest.approx(10 / 31)
    assert bool(rows.loc["Delta", "previous_partial"]) is True  # 10 days of 31
    assert bool(rows.loc["Zeta", "previous_partial"]) is True  # positions without stream counts
    assert bool(rows.loc["Alpha", "previous_partial"]) is False
    assert bool(rows.loc["Gamma", "previous_partial"]) is False  # absent, not partial
    assert rows.loc["Gamma", "coverage"] == pytest.approx(15 / 30)


def test_a_total_change_of_zero_leaves_contributions_empty(q):
    carla = query.movers(q, "Carla", "spotify")
    assert carla[["title", "change", "status"]].values.tolist() == [["Theta", 0, "same"]]
    assert pd.isna(carla.loc[0, "contribution"])


def test_compared_with_a_year_earlier(q):
    moved = _by_title(query.movers(q, "Alba", "spotify", "year"))
    assert moved.attrs["previous_period"] == (D(2025, 9, 1), D(2025, 9, 30))
    assert (moved.loc["Alpha", "previous_streams"], moved.loc["Alpha", "change"]) == (1500, 3000)
    assert (moved["status"] == "new").sum() == 5  # only Alpha was there in September 2025
    assert moved["change"].sum() == 9610 - 1500


def test_any_other_period_compares_with_the_days_just_before(wh):
    q = Query("Alba", "2026-09-01:2026-09-10", platforms="spotify", country="IT", warehouse=wh)
    moved = _by_title(query.movers(q, "Alba", "spotify"))
    assert moved.attrs["previous_period"] == (D(2026, 8, 22), D(2026, 8, 31))
    assert (moved.loc["Alpha", "streams"], moved.loc["Alpha", "previous_streams"]) == (1500, 1000)


def test_sort_and_limit(q):
    by_contribution = query.movers(q, "Alba", "spotify", sort="contribution", limit=3)
    assert list(by_contribution["title"]) == ["Beta", "Delta", "Epsilon"]  # 6.4, 1.0, 0.0
    by_rank = query.movers(q, "Alba", "spotify", sort="rank")
    assert list(by_rank["title"]) == ["Alpha", "Beta", "Gamma", "Epsilon", "Eta", "Zeta", "Delta"]
    rising = query.movers(q, "Alba", "spotify", sort="change", limit=2)
    assert list(rising["title"]) == ["Gamma", "Alpha"]


def test_a_status_sorts_the_gains_first_then_the_largest_change(q):
    # new, up (Alpha +1400, Eta +300, Zeta by position: no change, last), same, down, gone
    by_status = query.movers(q, "Alba", "spotify", sort="status")
    assert list(by_status["title"]) == ["Gamma", "Alpha", "Eta", "Zeta", "Epsilon", "Beta", "Delta"]
    losses_first = query.movers(q, "Alba", "spotify", sort="status", descending=True)
    assert list(losses_first["title"]) == [
        "Delta",
        "Beta",
        "Epsilon",
        "Alpha",
        "Eta",
        "Zeta",
        "Gamma",
    ]


@pytest.mark.parametrize("column", query.MOVERS_COLUMNS)
def test_fetched_movers_re_sorted_by_kit_query_come_in_the_sql_order(alba, q, column):
    for descending in (True, False):
        keys = query.movers_order(column, descending)
        sql = query.movers(q, "Alba", "spotify", sort=column, descending=descending)
        assert list(query.order_movers(alba, keys)["track_id"]) == list(sql["track_id"]), column


def test_the_movers_order_is_the_sort_column_then_the_largest_change():
    assert query.movers_order("contribution") == [
        ("contribution", True), ("abs_change", True), ("rank", False), ("previous_rank", False),
        ("track_id", False),
    ]  # fmt: skip
    assert query.movers_order("title", True)[0] == ("title", True)
    assert query.movers_order()[0] == ("abs_change", True)


def test_the_footer_of_the_movers_holds_both_totals_and_the_tracks_by_status(q):
    # September 9610 against August 10110 (the module docstring): −500; six tracks in each
    # period; Gamma new, Delta gone, Alpha Zeta Eta up, Beta down, Epsilon the same; Delta
    # (10 days of 31) and Zeta (positions without stream counts) incomplete in August
    (alba,) = query.movers_totals(q, "Alba", "spotify").to_dict("records")
    assert alba == {
        "streams": 9610, "previous_streams": 10110, "change": -500,
        "pct_change": pytest.approx(-500 / 10110), "tracks": 6, "previous_tracks": 6,
        "new_tracks": 1, "gone_tracks": 1, "up_tracks": 3, "down_tracks": 1, "same_tracks": 1,
        "previous_partial_tracks": 2,
    }  # fmt: skip
    (carla,) = query.movers_totals(q, "Carla", "spotify").to_dict("records")
    assert (carla["streams"], carla["previous_streams"], carla["change"], carla["pct_change"]) == (
        310,
        310,
        0,
        0,
    )
    assert list(query.movers_totals(q, "Alba", "spotify").columns) == query.MOVERS_TOTALS_COLUMNS


def test_the_footer_is_refused_without_a_comparison_period_as_the_movers_are(wh):
    q = Query("Alba", "2026-08", platforms="spotify", country="IT", warehouse=wh)
    with pytest.raises(QueryError, match=r"No data for Alba on spotify in IT from 2025-08-01"):
        query.movers_totals(q, "Alba", "spotify", "year")


def test_the_period_alerts_are_those_of_the_query(q):
    found = query.period_alerts(q)
    assert (found.attrs["since"], found.attrs["until"]) == (q.start, q.end)
    assert list(found.columns) == query.ALERT_COLUMNS


def test_an_unknown_sort_column_is_refused(q):
    with pytest.raises(QueryError, match=r"Cannot sort by 'streamz': expected one of track_id"):
        query.movers(q, "Alba", "spotify", sort="streamz")


def test_a_comparison_period_without_data_is_refused(wh):
    q = Query("Alba", "2026-08", platforms="spotify", country="IT", warehouse=wh)
    with pytest.raises(
        QueryError, match=r"No data for Alba on spotify in IT from 2025-08-01 to 2025-08-31"
    ):
        query.movers(q, "Alba", "spotify", "year")


def test_an_unknown_comparison_is_refused_as_a_query_error(q):
    with pytest.raises(QueryError, match="Unknown comparison 'last'"):
        query.movers(q, "Alba", "spotify", "last")


# ---------------------------------------------------------------------------------------
# The invariants: the movers are the two breakdowns, side by side


def _assert_movers_match_the_breakdowns(q: Query, artist: str, platform: str, compare: str) -> int:
    moved = query.movers(q, artist, platform, compare)
    start, end = moved.attrs["previous_period"]
    before = q.replace(period=(start, end), check_data=False)
    totals_now = breakdown_totals(q, artist, platform)["total_streams"].iloc[0]
    totals_before = breakdown_totals(before, artist, platform)["total_streams"].iloc[0]
    assert moved["change"].sum() == (0 if pd.isna(totals_now) else totals_now) - (
        0 if pd.isna(totals_before) else totals_before
    )
    for frame, column, rank in ((breakdown(q, artist, platform), "streams", "rank"),
                                (breakdown(before, artist, platform), "previous_streams", "previous_rank")):  # fmt: skip
        present = moved.dropna(subset=[rank]).set_index("track_id")
        assert len(present) == len(frame)
        expected = frame.set_index("track_id")["total_streams"]
        pd.testing.assert_series_equal(
            present.loc[expected.index, column], expected, check_names=False
        )
        assert list(present.sort_values(rank).index) == list(frame["track_id"])
    return len(moved)


def test_the_changes_add_up_to_the_difference_of_the_breakdown_totals(q):
    assert _assert_movers_match_the_breakdowns(q, "Alba", "spotify", "previous") == 7
    assert _assert_movers_match_the_breakdowns(q, "Alba", "spotify", "year") == 6


@pytest.mark.parametrize("platform", ["spotify", "youtube", "apple_music"])
def test_on_the_demo_the_movers_are_the_two_breakdowns_side_by_side(demo_warehouse, platform):
    from kit.sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH

    q = Query(DEFAULT_ARTIST, DEFAULT_MONTH, country=DEFAULT_COUNTRY, warehouse=demo_warehouse)
    assert _assert_movers_match_the_breakdowns(q, DEFAULT_ARTIST, platform, "previous") > 3
    assert _assert_movers_match_the_breakdowns(q, DEFAULT_ARTIST, platform, "year") > 3


# ---------------------------------------------------------------------------------------
# The audience beside it


def test_summary_with_a_comparison_appends_the_previous_periods_figures(q):
    plain = query.summary(q)
    compared = query.summary(q, compare="previous")
    assert list(compared.columns) == query.AUDIENCE_COMPARISON_COLUMNS
    assert list(compared.columns[: len(plain.columns)]) == list(plain.columns)
    pd.testing.assert_frame_equal(compared[plain.columns], plain)
    listeners = compared.set_index("metric").loc["monthly_listeners"]
    assert (listeners["end_value"], listeners["previous_end_value"], listeners["end_change"]) == (
        1500,
        1200,
        300,
    )
    assert listeners["end_pct_change"] == pytest.approx(0.25)
    assert (listeners["average"], listeners["previous_average"]) == (1400, 1100)
    assert listeners["average_change"] == pytest.approx(300)
    assert listeners["average_pct_change"] == pytest.approx(300 / 1100)
    assert listeners["previous_coverage"] == pytest.approx(2 / 31)


def test_the_audience_change_on_a_base_of_zero_has_no_percentage(q):
    followers = query.summary(q, compare="previous").set_index("metric").loc["followers"]
    assert (followers["previous_end_value"], followers["end_change"]) == (0, 50)
    assert pd.isna(followers["end_pct_change"]) and pd.isna(followers["average_pct_change"])


def test_a_metric_without_points_in_the_comparison_period_has_empty_previous_figures(wh):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    compared = query.summary(q, compare="year").set_index("metric")
    assert pd.isna(compared.loc["monthly_listeners", "previous_end_value"])
    assert pd.isna(compared.loc["monthly_listeners", "end_change"])


# ---------------------------------------------------------------------------------------
# kit movers


def _kit(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_kit_movers_as_csv_has_the_python_columns_and_figures(wh, capsys):
    code, out, _ = _kit(
        capsys, "movers", "--artist", "Alba", "--platform", "spotify", "--country", "it",
        "--period", "2026-09", "--format", "csv", "--limit", "2", "--warehouse", str(wh),
    )  # fmt: skip
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == query.MOVERS_COLUMNS
    rows = df[["title", "streams", "previous_streams", "change", "status"]].itertuples(index=False)
    assert [_plain(row) for row in rows] == [
        ["Beta", 3000, 6200, -3200, "down"],
        ["Gamma", 1500, None, 1500, "new"],
    ]


def test_kit_movers_as_a_table_names_the_two_periods(wh, capsys):
    code, out, _ = _kit(
        capsys, "movers", "--artist", "Alba", "--platform", "spotify", "--country", "IT",
        "--period", "2026-09", "--compare", "year", "--sort", "rank", "--warehouse", str(wh),
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Alba on spotify in Italy: September 2026 compared with September 2025"
    assert lines[1].split()[:3] == ["track_id", "title", "credit"]
    assert lines[2].split()[:2] == ["m1", "Alpha"]


def test_kit_movers_as_json(wh, capsys):
    code, out, _ = _kit(
        capsys, "movers", "--artist", "Carla", "--platform", "spotify", "--country", "IT",
        "--period", "2026-09", "--format", "json", "--warehouse", str(wh),
    )  # fmt: skip
    assert code == 0
    (row,) = json.loads(out)
    assert (row["title"], row["change"], row["contribution"]) == ("Theta", 0, None)


def test_kit_movers_refuses_a_period_without_a_comparison_in_one_line(wh, capsys):
    code, out, err = _kit(
        capsys, "movers", "--artist", "Alba", "--platform", "spotify", "--country", "IT",
        "--period", "2026-08", "--compare", "year", "--warehouse", str(wh),
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith(
        "kit movers: No data for Alba on spotify in IT from 2025-08-01 to 2025-08-31"
    )
    assert err.count("\n") == 1


def test_the_readme_documents_every_column_of_the_movers_and_the_audience_comparison():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for column in [*query.MOVERS_COLUMNS, *query.AUDIENCE_COMPARISON_COLUMNS]:
        assert f"`{column}`" in readme, column

"""Whether an artist has data on a platform in a country and period, read from the base
tables' files (kit/query/period_files.py), is what period_rows says (kit/sql/period_rows.sql,
through platforms_with_data), and a movers query refuses a comparison period by it.

The small warehouses below (Spotify unless said; September 2026 compared with August):

  Alba (a): track a1, own series in Italy 1-30 September, 100/day.
  Bruno (b): track b1, own series in Italy in September and August; a daily chart entry of
      b1 in Germany on 5 August.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from serving_checks import statements_run
from test_metrics import _chart, write_metric_fixture

from kit import Query, QueryError, query, warehouse
from kit.query import month_rows, movers, parts, period_files, stored
from kit.query.catalogue import Lookups, lookups

D = dt.date
PERIODS = [
    (D(2026, 8, 1), D(2026, 8, 31)),
    (D(2026, 9, 1), D(2026, 9, 30)),
    (D(2026, 10, 1), D(2026, 10, 31)),
    (D(2026, 9, 3), D(2026, 9, 30)),  # 28 days
    (D(2026, 8, 29), D(2026, 10, 4)),  # cuts three months
    (D(2026, 9, 3), D(2026, 9, 5)),
    (D(2025, 9, 1), D(2025, 9, 30)),  # a year earlier: before any data
    (D(2026, 1, 1), D(2026, 12, 31)),
]


def _answers_both_ways(root: Path, artists: list[str], countries: list[str]) -> tuple[int, int]:
    """has_rows against platforms_with_data for every artist, country, period and platform
    of the warehouse, on its served version and on the same files read as a version
    without a serving layer; a whole month whose stored breakdown holds none of the
    artist's rows is asked again as movers ask it (breakdown_empty). (How many had data,
    how many had none.)"""
    snap = warehouse.snapshot(root)
    assert snap.serving == warehouse.SERVING_FORMAT
    unserved = dataclasses.replace(snap, serving=0)
    known = lookups(snap)
    platforms = known.catalogue().platforms
    counted = [0, 0]
    for name in artists:
        (artist_id,) = Query(name, "2026-09", warehouse=root, check_data=False).artist_ids
        for country in countries:
            for start, end in PERIODS:
                with_data = set(known.platforms_with_data((artist_id,), country, start, end))
                for platform in platforms:
                    expected = platform in with_data
                    where = (name, country, start, end, platform)
                    found = period_files.has_rows(snap, artist_id, platform, country, start, end)
                    assert found == expected, where
                    assert period_files.has_rows(unserved, artist_id, platform, country, start, end) == expected, where  # fmt: skip
                    if parts.one_month(start, end) and not _stored_breakdown(snap, artist_id, platform, country, start):  # fmt: skip
                        again = period_files.has_rows(
                            snap, artist_id, platform, country, start, end, breakdown_empty=True
                        )
                        assert again == expected, where
                    counted[not found] += 1
    return counted[0], counted[1]


def _stored_breakdown(snap, artist_id: str, platform: str, country: str, start: dt.date) -> int:
    """How many stored breakdown rows (artist_track_month) the artist has in the month."""
    rows = month_rows.month_rows(snap, platform, f"{start:%Y-%m}", country, artist_id, ("track_id",))  # fmt: skip
    return 0 if rows is None else rows.num_rows


def test_the_metric_fixture_s_data_read_from_its_files_is_period_rows(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    with_data, without = _answers_both_ways(root, ["Alba", "Bruno", "Carla", "Dario"], ["IT", "GLOBAL", "DE"])  # fmt: skip
    assert with_data > 0 and without > 0


def test_the_demo_s_data_read_from_its_files_is_period_rows(demo_warehouse):
    from kit.sources.demo import DEFAULT_ARTIST

    names = warehouse.read_table("artists", demo_warehouse).column("name").to_pylist()
    artists = [DEFAULT_ARTIST, *sorted(n for n in names if n != DEFAULT_ARTIST)[:3]]
    with_data, without = _answers_both_ways(demo_warehouse, artists, ["IT", "GLOBAL", "US"])
    assert with_data > 0 and without > 0


def _own(track: str, first: dt.date, days: int, country: str = "IT") -> list[dict]:
    return [
        {"date": first + dt.timedelta(days=n), "platform": "spotify", "country": country,
         "track_id": track, "streams": 100, "source": "s4a"}
        for n in range(days)
    ]  # fmt: skip


def _write(root: Path, **tables: pd.DataFrame) -> Path:
    """Alba and Bruno, their tracks a1 and b1, and `tables`, written to `root`."""
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["a", "b"], "name": ["Alba", "Bruno"]}),
            "tracks": pd.DataFrame({"track_id": ["a1", "b1"], "title": ["Aria", "Bolero"]}),
            "track_credits": pd.DataFrame(
                {"track_id": ["a1", "b1"], "artist_id": ["a", "b"], "role": "main", "credit_order": 1}
            ),
            **tables,
        },
        source="fixture",
        warehouse=root,
    )  # fmt: skip
    return root


def _september(root: Path) -> Query:
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=root)
    assert parts.served(q)
    return q


def _alba_in_september(**more: list[dict]) -> dict[str, pd.DataFrame]:
    rows = {"track_streams": _own("a1", D(2026, 9, 1), 30), **more}
    return {name: pd.DataFrame(table) for name, table in rows.items()}


def test_a_comparison_month_with_only_audience_points_is_compared_with(tmp_path):
    audience = [{"date": D(2026, 8, 31), "platform": "spotify", "country": "IT", "artist_id": "a",
                 "metric": "followers", "value": 10, "source": "fixture"}]  # fmt: skip
    q = _september(_write(tmp_path / "wh", **_alba_in_september(artist_audience=audience)))
    moved = query.movers(q, "Alba", "spotify")
    assert moved[["track_id", "streams", "status"]].values.tolist() == [["a1", 3000, "new"]]
    assert moved["previous_rank"].isna().all()
    assert query.movers_totals(q, "Alba", "spotify")["new_tracks"].iloc[0] == 1


def test_a_comparison_month_with_nothing_at_all_is_refused(tmp_path):
    q = _september(_write(tmp_path / "wh", **_alba_in_september()))
    message = r"No data for Alba on spotify in IT from 2026-08-01 to 2026-08-31.*nothing to compare"
    with pytest.raises(QueryError, match=message):
        query.movers(q, "Alba", "spotify")
    with pytest.raises(QueryError, match=message):
        query.movers_totals(q, "Alba", "spotify")


def test_a_comparison_month_with_only_chart_entries_of_another_country_is_refused(tmp_path):
    """Alba's a1 is on the German chart in August, and Bruno's b1 on the Italian one: August
    has chart files, but no row of Alba's in Italy."""
    chart = _chart([("a1", D(2026, 8, 5), "daily", 3, 500, "DE"), ("b1", D(2026, 8, 5), "daily", 4, 400, "IT")])  # fmt: skip
    audience = [{"date": D(2026, 8, 5), "platform": "spotify", "country": "DE", "artist_id": "a",
                 "metric": "followers", "value": 10, "source": "fixture"}]  # fmt: skip
    q = _september(
        _write(tmp_path / "wh", **_alba_in_september(chart_entries=chart, artist_audience=audience))
    )
    with pytest.raises(QueryError, match=r"No data for Alba on spotify in IT from 2026-08-01"):
        query.movers(q, "Alba", "spotify")


def test_a_comparison_month_whose_only_row_counts_for_nothing_is_compared_with(tmp_path):
    """a1's only August row is a weekly entry of 2 August from SoundCharts, which the
    preferred source's weekly entry of 29 July overlaps: it does not stand, so August has
    no breakdown row of Alba's (the serving layer stores none), yet it is data."""
    chart = _chart(
        [("a1", D(2026, 7, 29), "weekly", 5, 700, "IT", "spotify_charts"),
         ("a1", D(2026, 8, 2), "weekly", 4, 800, "IT", "soundcharts")]
    )  # fmt: skip
    q = _september(_write(tmp_path / "wh", **_alba_in_september(chart_entries=chart)))
    august = q.replace(period="2026-08", check_data=False)
    assert query.breakdown(august, "Alba", "spotify").empty
    moved = query.movers(q, "Alba", "spotify")
    assert moved[["track_id", "status"]].values.tolist() == [["a1", "new"]]


def test_a_refused_comparison_month_runs_no_statement(tmp_path, monkeypatch):
    """On a version whose files are filed per platform and month, the refusal reads the
    files' footers and the row groups they name; neither the movers' statement nor the
    look-ups' is run."""
    chart = _chart([("b1", D(2026, 8, 5), "daily", 4, 400, "IT")])
    q = _september(_write(tmp_path / "wh", **_alba_in_september(chart_entries=chart)))
    ran = statements_run(monkeypatch)

    def no_statement(*args, **kwargs):
        raise AssertionError("the look-ups' statement was run")

    monkeypatch.setattr(Lookups, "platforms_present", no_statement)
    with pytest.raises(QueryError, match="nothing to compare with"):
        movers(q, "Alba", "spotify")
    assert ran == []


def test_a_file_outside_the_platform_and_month_folders_leaves_the_answer_to_the_statement(
    tmp_path, monkeypatch
):
    root = _write(tmp_path / "wh", **_alba_in_september())
    snap = warehouse.snapshot(root)
    filed = warehouse.files_by_partition(snap, "track_streams")
    monkeypatch.setattr(
        period_files.warehouse,
        "files_by_partition",
        lambda snap, table: {None: (), **filed} if table == "track_streams" else {},
    )
    assert period_files.has_rows(snap, "a", "spotify", "IT", D(2026, 8, 1), D(2026, 8, 31)) is None


def test_a_comparison_month_whose_only_row_is_a_viral_entry_that_does_not_stand_is_compared_with(
    tmp_path,
):
    """The viral chart's weeks overlap as the top chart's do: a1's SoundCharts entry of 2
    August gives way to the chart files' entry of 29 July, so August has no stored row of
    Alba's, yet the entry is August's data."""
    chart = _chart(
        [("a1", D(2026, 7, 29), "weekly", 9, None, "IT", "spotify_charts", "viral"),
         ("a1", D(2026, 8, 2), "weekly", 8, None, "IT", "soundcharts", "viral")]
    )  # fmt: skip
    q = _september(_write(tmp_path / "wh", **_alba_in_september(chart_entries=chart)))
    assert not _stored_breakdown(q.snapshot, "a", "spotify", "IT", D(2026, 8, 1))
    moved = query.movers(q, "Alba", "spotify")
    assert moved[["track_id", "status"]].values.tolist() == [["a1", "new"]]
    assert query.movers_totals(q, "Alba", "spotify")["new_tracks"].iloc[0] == 1


def test_a_comparison_month_whose_only_row_is_a_daily_viral_entry_has_data(tmp_path):
    chart = _chart([("a1", D(2026, 8, 20), "daily", 30, None, "IT", "fixture", "viral")])
    q = _september(_write(tmp_path / "wh", **_alba_in_september(chart_entries=chart)))
    assert period_files.has_rows(q.snapshot, "a", "spotify", "IT", D(2026, 8, 1), D(2026, 8, 31))
    moved = query.movers(q, "Alba", "spotify")
    assert moved[["track_id", "status", "previous_rank"]].values.tolist() == [["a1", "up", 1]]


def test_a_weekly_entry_of_early_september_is_no_data_of_august_whose_days_it_covers(tmp_path):
    """a1's weekly entry of 2 September covers 27 August to 2 September: the data there is
    is dated in the period, so August has none of Alba's and is refused."""
    chart = _chart([("a1", D(2026, 9, 2), "weekly", 6, 700, "IT")])
    q = _september(_write(tmp_path / "wh", **_alba_in_september(chart_entries=chart)))
    august = (D(2026, 8, 1), D(2026, 8, 31))
    assert period_files.has_rows(q.snapshot, "a", "spotify", "IT", *august) is False
    assert not lookups(q.snapshot).platforms_with_data(("a",), "IT", *august)
    with pytest.raises(QueryError, match=r"No data for Alba on spotify in IT from 2026-08-01"):
        query.movers(q, "Alba", "spotify")


def test_a_credit_added_later_makes_the_track_s_entry_of_august_the_artist_s_data(tmp_path):
    """Bruno's b2 has one August row, a weekly entry that gives way to an earlier one of
    July. Refused for Alba until a later commit credits her on b2 (featured): then August
    holds her data though no stored breakdown row of hers."""
    chart = _chart(
        [("b2", D(2026, 7, 29), "weekly", 5, 700, "IT", "spotify_charts"),
         ("b2", D(2026, 8, 2), "weekly", 4, 800, "IT", "soundcharts")]
    )  # fmt: skip
    root = _write(tmp_path / "wh", **_alba_in_september(chart_entries=chart))
    warehouse.write(
        {
            "tracks": pd.DataFrame({"track_id": ["b2"], "title": ["Bossa"]}),
            "track_credits": pd.DataFrame(
                {"track_id": ["b2"], "artist_id": ["b"], "role": "main", "credit_order": 1}
            ),
        },
        source="fixture",
        warehouse=root,
    )
    with pytest.raises(QueryError, match="nothing to compare with"):
        query.movers(_september(root), "Alba", "spotify")
    warehouse.write(
        {
            "track_credits": pd.DataFrame(
                {"track_id": ["b2"], "artist_id": ["a"], "role": "featured", "credit_order": 2}
            )
        },
        source="fixture",
        warehouse=root,
    )
    q = _september(root)
    assert not _stored_breakdown(q.snapshot, "a", "spotify", "IT", D(2026, 8, 1))
    moved = query.movers(q, "Alba", "spotify")
    assert moved[["track_id", "status"]].values.tolist() == [["a1", "new"]]


def test_a_refused_whole_month_reads_the_serving_layer_not_the_points_or_the_own_series(
    tmp_path, monkeypatch
):
    """August has Bruno's own series, points and a weekly entry in Italy, and Alba's points
    in Germany: whether Alba has data in Italy is read from audience_month and the
    month's weekly chart entries, every one of which stands (chart_week), not from
    artist_audience's or track_streams' row groups, nor from the credits."""
    audience = [
        {"date": D(2026, 8, 5), "platform": "spotify", "country": country, "artist_id": artist,
         "metric": "followers", "value": 10, "source": "fixture"}
        for artist, country in (("a", "DE"), ("b", "IT"))
    ]  # fmt: skip
    chart = _chart([("b1", D(2026, 8, 7), "weekly", 4, 400, "IT")])
    own = _alba_in_september()["track_streams"].to_dict("records") + _own("b1", D(2026, 8, 1), 31)
    root = _write(
        tmp_path / "wh",
        track_streams=pd.DataFrame(own),
        chart_entries=pd.DataFrame(chart),
        artist_audience=pd.DataFrame(audience),
    )
    q = _september(root)
    read = []
    group = stored.group
    monkeypatch.setattr(
        stored, "group", lambda path, *args, **kwargs: read.append(path) or group(path, *args, **kwargs)
    )  # fmt: skip
    with pytest.raises(QueryError, match="nothing to compare with"):
        query.movers(q, "Alba", "spotify")
    # a version's files lie under a folder named after their table
    tables = {part for path in read for part in Path(path).parts}
    assert {"audience_month", "chart_entries", "chart_week"} <= tables
    assert not tables & {"artist_audience", "track_streams", "track_credits"}

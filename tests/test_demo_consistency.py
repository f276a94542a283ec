"""On the demo warehouse, breakdown and summary equal an independent pandas computation
written here from the raw Parquet files (README, "What the numbers mean" and docs/metrics.md
read afresh, not the SQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from kit import Query, breakdown, summary
from kit.sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH

START, END = (
    pd.Timestamp(f"{DEFAULT_MONTH}-01"),
    pd.Timestamp(f"{DEFAULT_MONTH}-01") + pd.offsets.MonthEnd(0),
)
N_DAYS = (END - START).days + 1


def _read(root: Path, table: str) -> pd.DataFrame:
    df = pd.read_parquet(root / table)
    for col in ("platform", "month"):
        if col in df.columns:
            df[col] = df[col].astype(str)
    if "date" in df.columns:
        df["date"] = pd.to_datetime(df["date"])
    return df


@pytest.fixture(scope="module")
def raw(demo_warehouse):
    return {
        t: _read(demo_warehouse, t)
        for t in (
            "artists",
            "tracks",
            "track_credits",
            "chart_entries",
            "track_streams",
            "artist_audience",
        )
    }


SOURCE_RANK = {"spotify_charts": 1, "soundcharts": 2}  # any other source: 3, then by name


def _standing_weeks(entries: pd.DataFrame, start, end) -> pd.DataFrame:
    """The weekly entries dated inside the period that no overlapping weekly entry of the
    same track and chart (their dates at most six days apart) ranks before: by source
    rank, then source name, then the later date. Entries up to six days either side of the
    period take part."""
    near = entries[
        (entries.frequency == "weekly")
        & entries.date.between(start - pd.Timedelta(days=6), end + pd.Timedelta(days=6))
    ].copy()
    near["rank"] = near.source.map(SOURCE_RANK).fillna(3)
    pairs = near.merge(near, on=["track_id", "chart"], suffixes=("", "_other"))
    apart = (pairs.date - pairs.date_other).dt.days.abs()
    first = (pairs.rank_other < pairs["rank"]) | (
        (pairs.rank_other == pairs["rank"])
        & (
            (pairs.source_other < pairs.source)
            | ((pairs.source_other == pairs.source) & (pairs.date_other > pairs.date))
        )
    )
    beaten = pairs[(apart >= 1) & (apart <= 6) & first][["track_id", "chart", "date"]]
    standing = near.merge(beaten.drop_duplicates(), how="left", indicator=True)
    standing = standing[standing["_merge"] == "left_only"].drop(columns=["_merge", "rank"])
    return standing[standing.date.between(start, end)]


def _expected_breakdown(
    raw, artist_id: str, platform: str, country: str, start=START, end=END
) -> pd.DataFrame:
    credits = raw["track_credits"][raw["track_credits"]["artist_id"] == artist_id][
        ["track_id", "role"]
    ]
    lo_week = start - pd.Timedelta(days=6)
    own = raw["track_streams"]
    own = own[
        (own.platform == platform) & (own.country == country) & own.date.between(lo_week, end)
    ]
    own = own[["track_id", "date", "streams"]].assign(kind="own")
    every_chart = raw["chart_entries"]
    every_chart = every_chart[(every_chart.platform == platform) & (every_chart.country == country)]
    weeks = _standing_weeks(every_chart, start, end)
    ch = every_chart[every_chart.chart == "top"]
    chart_daily = ch[(ch.frequency == "daily") & ch.streams.notna() & ch.date.between(lo_week, end)]
    chart_daily = chart_daily[["track_id", "date", "streams"]].merge(
        own[["track_id", "date"]], on=["track_id", "date"], how="left", indicator=True
    )
    chart_daily = (
        chart_daily[chart_daily["_merge"] == "left_only"]
        .drop(columns="_merge")
        .assign(kind="chart")
    )
    daily = pd.concat([own, chart_daily], ignore_index=True)
    weekly = weeks[(weeks.chart == "top") & weeks.streams.notna()]
    weekly = weekly[["track_id", "date", "streams"]]
    # a weekly row survives only when the track has no daily value in its seven days
    pairs = weekly.merge(daily[["track_id", "date"]].rename(columns={"date": "d"}), on="track_id")
    covered = pairs[(pairs.d >= pairs.date - pd.Timedelta(days=6)) & (pairs.d <= pairs.date)]
    weekly = weekly.merge(
        covered[["track_id", "date"]].drop_duplicates(), how="left", indicator=True
    )
    weekly = weekly[weekly["_merge"] == "left_only"].drop(columns="_merge")
    daily = daily[daily.date.between(start, end)].assign(days=1, cover=1)
    weekly = weekly.assign(
        days=7,
        cover=(weekly.date - (weekly.date - pd.Timedelta(days=6)).clip(lower=start)).dt.days + 1,
    )
    values = pd.concat([daily, weekly], ignore_index=True).merge(credits, on="track_id")
    per = values.groupby("track_id").agg(
        total_streams=("streams", "sum"), days=("days", "sum"), cover=("cover", "sum")
    )
    per["avg_daily"] = per.total_streams / per.days
    per["coverage"] = per.cover / ((end - start).days + 1)
    per["share"] = per.total_streams / per.total_streams.sum()
    peak = values.sort_values(
        ["track_id", "days", "streams", "date"], ascending=[True, True, False, True]
    )
    peak = peak.drop_duplicates("track_id").set_index("track_id")
    per["peak_streams"] = peak["streams"]
    per["peak_date"] = peak["date"]
    # chart entries inside the period: daily ones, and the weekly ones that stand
    entries = pd.concat(
        [
            every_chart[(every_chart.frequency == "daily") & every_chart.date.between(start, end)],
            weeks,
        ]
    ).merge(credits, on="track_id")
    best = entries[entries.chart == "top"].groupby("track_id")["position"].min()
    # a track listed for its viral entries alone has no top-chart position
    listed = set(per.index) | set(entries.track_id)
    out = pd.DataFrame(index=sorted(listed))
    out = out.join(per).join(best.rename("best_position"))
    return out


def _demo_query(demo_warehouse, **kw) -> Query:
    args = {
        "artists": DEFAULT_ARTIST,
        "period": DEFAULT_MONTH,
        "country": DEFAULT_COUNTRY,
        "warehouse": demo_warehouse,
    }
    args.update(kw)
    return Query(**args)


@pytest.mark.parametrize("country", [DEFAULT_COUNTRY, "GLOBAL"])
def test_the_demo_breakdown_equals_an_independent_pandas_computation(demo_warehouse, raw, country):
    q = _demo_query(demo_warehouse, country=country)
    checked = 0
    for platform in q.platform_slugs:
        got = breakdown(q, DEFAULT_ARTIST, platform).set_index("track_id").sort_index()
        want = _expected_breakdown(raw, q.artist_ids[0], platform, country)
        assert list(got.index) == list(want.index), platform
        if want["total_streams"].notna().any():
            assert got["total_streams"].astype("float").tolist() == pytest.approx(
                want["total_streams"].astype("float").tolist(), nan_ok=True
            )
            assert got["avg_daily"].tolist() == pytest.approx(
                want["avg_daily"].tolist(), nan_ok=True
            )
            assert got["coverage"].fillna(0).tolist() == pytest.approx(
                want["coverage"].fillna(0).tolist()
            )
            assert got["share"].tolist() == pytest.approx(want["share"].tolist(), nan_ok=True)
            assert got["peak_streams"].astype("float").tolist() == pytest.approx(
                want["peak_streams"].astype("float").tolist(), nan_ok=True
            )
            assert list(got["peak_date"].fillna(pd.Timestamp(0))) == list(
                pd.to_datetime(want["peak_date"]).fillna(pd.Timestamp(0))
            )
            checked += 1
        assert got["best_position"].astype("float").tolist() == pytest.approx(
            want["best_position"].astype("float").tolist(), nan_ok=True
        )
    assert checked >= 1  # at least one platform with streams was compared


def test_the_demo_summary_equals_an_independent_pandas_computation(demo_warehouse, raw):
    q = _demo_query(demo_warehouse)
    got = summary(q).set_index(["platform", "metric"]).sort_index()
    aud = raw["artist_audience"]
    aud = aud[
        (aud.artist_id == q.artist_ids[0])
        & (aud.country == DEFAULT_COUNTRY)
        & aud.date.between(START, END)
    ]
    aud = aud.sort_values("date")
    g = aud.groupby(["platform", "metric"])
    want = pd.DataFrame(
        {
            "start_value": g["value"].first(),
            "end_value": g["value"].last(),
            "average": g["value"].mean(),
            "points": g["value"].size(),
        }
    )
    peaks = aud.sort_values(["value", "date"], ascending=[False, True]).drop_duplicates(
        ["platform", "metric"]
    )
    want = want.join(
        peaks.set_index(["platform", "metric"])[["value", "date"]].rename(
            columns={"value": "peak_value", "date": "peak_date"}
        )
    )
    want = want.sort_index()
    assert list(got.index) == list(want.index)
    assert len(got) >= 2
    for col in ("start_value", "end_value", "peak_value", "points"):
        assert got[col].astype("int64").tolist() == want[col].astype("int64").tolist(), col
    assert got["average"].tolist() == pytest.approx(want["average"].tolist())
    assert list(got["peak_date"]) == list(want["peak_date"])
    assert got["coverage"].tolist() == pytest.approx((want["points"] / N_DAYS).tolist())
    assert (got["difference"] == got["end_value"] - got["start_value"]).all()


def test_the_demo_has_partial_coverage_somewhere(demo_warehouse):
    q = _demo_query(demo_warehouse)
    assert (summary(q)["coverage"] < 1).any()
    assert dt.date.fromisoformat(f"{DEFAULT_MONTH}-01") == q.start


def test_the_independent_computation_agrees_on_overlapping_weeks_and_a_viral_only_track(
    tmp_path,
):
    # the demo has one chart source and no viral chart: the metric fixture of
    # tests/test_metrics.py has both
    from test_metrics import write_metric_fixture

    root = write_metric_fixture(tmp_path / "warehouse")
    raw = {t: _read(root, t) for t in ("track_credits", "chart_entries", "track_streams")}
    start, end = pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-30")
    for artist in ("Alba", "Carla"):
        q = Query(artist, "2026-09", platforms="spotify", country="IT", warehouse=root)
        got = breakdown(q, artist, "spotify").set_index("track_id").sort_index()
        want = _expected_breakdown(raw, q.artist_ids[0], "spotify", "IT", start, end)
        assert list(got.index) == list(want.index), artist
        for column in ("total_streams", "best_position", "avg_daily", "share"):
            assert got[column].astype("float").tolist() == pytest.approx(
                want[column].astype("float").tolist(), nan_ok=True
            ), (artist, column)
        assert got["coverage"].tolist() == pytest.approx(want["coverage"].fillna(0).tolist())

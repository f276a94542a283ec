"""The demo warehouse: its shape, its determinism, and what the default view needs.

The Parquet files are read directly with DuckDB (hive partitioning), not through
kit.query, so these tests say what is on disk. Expected figures are written out.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kit.schema import DATA_TABLES, TABLES
from kit.sources.demo import (
    DEFAULT_ARTIST,
    DEFAULT_COUNTRY,
    DEFAULT_MONTH,
    DemoScale,
    build_demo,
)

SMALL = DemoScale.small()
# Determinism does not depend on size: three months of short charts build in a second.
TINY = DemoScale(n_filler_artists=40, n_tracks=400, chart_size=10, start=date(2026, 8, 1))
# The default view's tests read Spotify and YouTube only. Each platform's rows come from
# its own random stream, so these are the rows `kit demo` writes for those platforms.
DEFAULT_VIEW = DemoScale(platforms=("spotify", "youtube"))
DEFAULT_ARTIST_ID = "nico-ardenza"


def _connect(*warehouses: tuple[str, Path]) -> duckdb.DuckDBPyConnection:
    """A connection with one view per table and warehouse, named `<prefix>_<table>`."""
    con = duckdb.connect()
    for prefix, root in warehouses:
        for name in DATA_TABLES:
            if TABLES[name].partitioned:
                source = f"read_parquet('{root}/{name}/*/*/*.parquet', hive_partitioning = true)"
            else:
                source = f"read_parquet('{root}/{name}/*.parquet')"
            con.execute(f"create view {prefix}_{name} as select * from {source}")
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()


def _build(tmp_path_factory, name: str, scale: DemoScale) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp(name) / "warehouse"
    return root, build_demo(root, scale=scale)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    return _build(tmp_path_factory, "demo_small", SMALL)


@pytest.fixture(scope="module")
def db(small) -> duckdb.DuckDBPyConnection:
    return _connect(("w", small[0]))


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The default scale, built once."""
    return _connect(("w", _build(tmp_path_factory, "demo_default", DEFAULT_VIEW)[0]))


# ---------------------------------------------------------------- determinism and counts


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """Builds `a` and `b` with the demo's seed, `c` with another."""
    other = tmp_path_factory.mktemp("demo_c") / "warehouse"
    build_demo(other, seed=1, scale=TINY)
    return _connect(
        ("a", _build(tmp_path_factory, "demo_a", TINY)[0]),
        ("b", _build(tmp_path_factory, "demo_b", TINY)[0]),
        ("c", other),
    )


def test_the_same_seed_builds_the_same_tables(tiny):
    for name in DATA_TABLES:
        rows_a = _one(tiny, f"select count(*) from a_{name}")[0]
        rows_b = _one(tiny, f"select count(*) from b_{name}")[0]
        only_a = _one(tiny, f"select count(*) from (from a_{name} except all from b_{name})")[0]
        only_b = _one(tiny, f"select count(*) from (from b_{name} except all from a_{name})")[0]
        assert rows_a > 0, name
        assert (rows_a, only_a, only_b) == (rows_b, 0, 0), name


def test_another_seed_builds_other_tracks_for_the_same_named_artists(tiny):
    shared = _one(tiny, "select count(*) from a_tracks join c_tracks using (track_id)")[0]
    named = _one(
        tiny,
        "select count(*) from a_artists join c_artists using (artist_id, name) where artist_id = ?",
        [DEFAULT_ARTIST_ID],
    )[0]
    assert shared == 0
    assert named == 1


def test_the_counts_returned_are_the_rows_in_the_warehouse(small, db):
    _, counts = small
    assert set(counts) == set(DATA_TABLES)
    for name, n in counts.items():
        assert _one(db, f"select count(*) from w_{name}")[0] == n, name


def test_every_build_is_logged_as_a_demo_load(small):
    con = duckdb.connect()
    rows = con.execute(
        f"select source, file, outcome, count(*) from read_parquet('{small[0]}/ingest_log/*.parquet') "
        "group by all"
    ).fetchall()
    # one load for the catalogue, one per platform
    assert rows == [("demo", "demo seed=20260918", "ok", 5)]


# ---------------------------------------------------------------- the cast


def test_there_are_at_least_twelve_focus_artists_with_featured_credits_between_them(db):
    focus = _one(db, "select count(distinct artist_id) from w_artist_audience")[0]
    between = _one(
        db,
        """
        select count(*) from w_track_credits f join w_track_credits m using (track_id)
        where f.role = 'featured' and m.role = 'main'
          and f.artist_id in (select artist_id from w_artist_audience)
          and m.artist_id in (select artist_id from w_artist_audience)
        """,
    )[0]
    assert focus >= 12
    assert between >= 20


def test_credits_are_one_main_artist_first_then_featured_ones(db):
    per_track = db.execute(
        """
        select count(*) filter (where role = 'main'),
               min(credit_order) filter (where role = 'main'),
               min(credit_order) filter (where role = 'featured'),
               count(*)
        from w_track_credits group by track_id
        """
    ).fetchall()
    assert {(mains, first) for mains, first, _, _ in per_track} == {(1, 1)}
    assert {feat for _, _, feat, _ in per_track} == {None, 2}
    assert {n for *_, n in per_track} == {1, 2, 3}


def test_artist_ids_are_slugs_of_fictional_names(db):
    names = dict(db.execute("select artist_id, name from w_artists").fetchall())
    assert names[DEFAULT_ARTIST_ID] == DEFAULT_ARTIST
    assert names["solene-garnier"] == "Solène Garnier"
    assert names["rocco-e-i-lampioni"] == "Rocco e i Lampioni"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", k) for k in names)
    assert len(set(names.values())) == len(names)


def test_tracks_have_spotify_like_ids_isrcs_titles_and_release_dates(db):
    rows = db.execute("select track_id, title, isrc, release_date from w_tracks").fetchall()
    assert len(rows) == SMALL.n_tracks
    assert len({r[0] for r in rows}) == len(rows)
    assert all(re.fullmatch(r"[0-9A-Za-z]{22}", r[0]) for r in rows)
    assert all(re.fullmatch(r"[A-Z]{2}[0-9A-Z]{3}[0-9]{7}", r[2]) for r in rows)
    assert all(r[1] and r[3] for r in rows)
    assert len({r[1] for r in rows}) > len(rows) / 3  # varied titles


def test_some_tracks_are_released_inside_the_period_on_fridays(db):
    inside, fridays = _one(
        db,
        "select count(*), count(*) filter (where dayofweek(release_date) = 5) from w_tracks "
        "where release_date between date '2024-11-01' and date '2026-10-31'",
    )
    assert inside > SMALL.n_tracks / 10
    assert fridays == inside


# ---------------------------------------------------------------- charts


def test_four_platforms_and_nine_countries_including_global(db):
    platforms = {
        r[0] for r in db.execute("select distinct platform from w_chart_entries").fetchall()
    }
    countries = {
        r[0] for r in db.execute("select distinct country from w_chart_entries").fetchall()
    }
    assert platforms == {"spotify", "youtube", "apple_music", "deezer"}
    assert countries == {"IT", "US", "GB", "DE", "FR", "ES", "BR", "SE", "GLOBAL"}


def test_spotify_and_youtube_charts_carry_streams_apple_music_and_deezer_do_not(db):
    rows = db.execute(
        "select platform, count(streams), count(*) - count(streams) from w_chart_entries group by all"
    ).fetchall()
    with_streams = {p for p, n, _ in rows if n}
    without = {p for p, n, nulls in rows if not n and nulls}
    assert with_streams == {"spotify", "youtube"}
    assert without == {"apple_music", "deezer"}
    assert all(nulls == 0 for p, _, nulls in rows if p in with_streams)


def test_daily_charts_cover_two_years_of_days(db):
    first, last, days = _one(
        db,
        "select min(date), max(date), count(distinct date) from w_chart_entries where frequency = 'daily'",
    )
    assert (first, last, days) == (date(2024, 11, 1), date(2026, 10, 31), 730)


def test_every_chart_has_positions_one_to_n_at_most_chart_size(db):
    bad, biggest, charts = _one(
        db,
        """
        select count(*) filter (where n <> distinct_positions or lowest <> 1 or highest <> n),
               max(n), count(*)
        from (
            select platform, country, frequency, date, count(*) as n,
                   count(distinct position) as distinct_positions,
                   min(position) as lowest, max(position) as highest
            from w_chart_entries group by all
        )
        """,
    )
    # 4 platforms × 9 charts × 730 days, and 2 platforms × 9 charts × 104 weeks
    assert charts == 4 * 9 * 730 + 2 * 9 * 104
    assert bad == 0
    assert biggest == SMALL.chart_size


def test_positions_follow_the_streams(db):
    out_of_order = _one(
        db,
        """
        select count(*) from (
            select streams, lag(streams) over (
                partition by platform, country, frequency, date order by position) as above
            from w_chart_entries where streams is not null
        ) where streams > above
        """,
    )[0]
    assert out_of_order == 0


def test_no_track_charts_before_its_release(db):
    early = _one(
        db,
        "select count(*) from w_chart_entries join w_tracks using (track_id) where date < release_date",
    )[0]
    assert early == 0


def test_previous_position_is_the_position_on_the_chart_before(db):
    total, wrong = _one(
        db,
        """
        select count(*), count(*) filter (where t.previous_position is distinct from y.position)
        from w_chart_entries as t
        left join w_chart_entries as y
          on y.platform = t.platform and y.country = t.country and y.frequency = t.frequency
         and y.track_id = t.track_id
         and y.date = t.date - case t.frequency when 'daily' then 1 else 7 end
        where t.date > date '2024-11-07'
        """,
    )
    assert total > 0
    assert wrong == 0


def test_weekly_charts_are_dated_on_thursdays_for_spotify_and_youtube(db):
    rows = db.execute(
        "select platform, min(date), max(date), count(distinct date), "
        "count(*) filter (where dayofweek(date) <> 4) "
        "from w_chart_entries where frequency = 'weekly' group by all order by platform"
    ).fetchall()
    # the first whole Friday–Thursday week ends on 2024-11-07, the last on 2026-10-29
    assert rows == [
        ("spotify", date(2024, 11, 7), date(2026, 10, 29), 104, 0),
        ("youtube", date(2024, 11, 7), date(2026, 10, 29), 104, 0),
    ]


def test_a_weekly_value_is_the_sum_of_its_seven_daily_values(db):
    checked, differ = _one(
        db,
        """
        with weekly as (select * from w_chart_entries where frequency = 'weekly'),
        days as (
            select w.platform, w.country, w.date, w.track_id, sum(d.streams) as seven_days
            from weekly as w
            join w_chart_entries as d
              on d.frequency = 'daily' and d.platform = w.platform and d.country = w.country
             and d.track_id = w.track_id and d.date between w.date - 6 and w.date
            group by all
            having count(*) = 7
        )
        select count(*), count(*) filter (where w.streams <> days.seven_days)
        from weekly as w join days using (platform, country, date, track_id)
        """,
    )
    assert checked > 1000
    assert differ == 0


def test_global_streams_are_at_least_the_sum_of_the_countries(db):
    checked, below = _one(
        db,
        """
        select count(*), count(*) filter (where g.streams < c.countries)
        from w_chart_entries as g
        join (
            select platform, frequency, date, track_id, sum(streams) as countries
            from w_chart_entries where country <> 'GLOBAL' and streams is not null group by all
        ) as c using (platform, frequency, date, track_id)
        where g.country = 'GLOBAL'
        """,
    )
    assert checked > 1000
    assert below == 0


def test_fridays_stream_more_than_sundays(db):
    friday, sunday = _one(
        db,
        """
        select avg(streams) filter (where dayofweek(date) = 5),
               avg(streams) filter (where dayofweek(date) = 0)
        from w_chart_entries
        where platform = 'spotify' and country = 'GLOBAL' and frequency = 'daily' and position <= 10
        """,
    )
    assert friday > 1.05 * sunday


def test_a_release_spikes_then_decays(db):
    first_week, eighth_week = _one(
        db,
        """
        with released as (
            select track_id, release_date from w_tracks
            where release_date between date '2024-11-01' and date '2026-08-01'
        ),
        own as (
            select s.track_id, s.streams, datediff('day', r.release_date, s.date) as age
            from w_track_streams as s join released as r using (track_id)
            where s.country = 'GLOBAL'
        )
        select avg(streams) filter (where age < 7), avg(streams) filter (where age between 49 and 55)
        from own
        """,
    )
    assert first_week > 1.3 * eighth_week


# ---------------------------------------------------------------- own series


def test_own_series_exist_for_spotify_in_the_default_country_and_globally(db):
    rows = {
        (p, c, s)
        for p, c, s in db.execute(
            "select distinct platform, country, source from w_track_streams"
        ).fetchall()
    }
    assert ("spotify", DEFAULT_COUNTRY, "s4a") in rows
    assert ("spotify", "GLOBAL", "s4a") in rows
    assert {p for p, _, _ in rows} == {"spotify"}


def test_an_own_value_differs_slightly_from_the_chart_value(db):
    both, equal, lowest, highest = _one(
        db,
        """
        select count(*), count(*) filter (where o.streams = c.streams),
               min(o.streams / c.streams), max(o.streams / c.streams)
        from w_track_streams as o
        join w_chart_entries as c using (platform, country, date, track_id)
        where c.frequency = 'daily'
        """,
    )
    assert both > 1000
    assert equal == 0
    assert 1.0 < lowest and highest < 1.04


def test_own_series_have_missing_days(db):
    gaps = _one(
        db,
        """
        select count(*) from (
            select s.track_id, s.country, count(*) as days,
                   datediff('day', greatest(min(t.release_date), date '2024-11-01'), date '2026-10-31') + 1
                       as days_since_release
            from w_track_streams as s join w_tracks as t using (track_id)
            group by all
        ) where days < days_since_release
        """,
    )[0]
    series = _one(
        db, "select count(*) from (select distinct track_id, country from w_track_streams)"
    )[0]
    assert gaps == series  # every series misses some days


# ---------------------------------------------------------------- audience


def test_audience_metrics_per_platform(db):
    rows = set(db.execute("select distinct platform, metric from w_artist_audience").fetchall())
    assert rows == {
        ("spotify", "monthly_listeners"),
        ("spotify", "followers"),
        ("youtube", "monthly_listeners"),
        ("apple_music", "followers"),
        ("deezer", "followers"),
    }


def test_global_audience_is_never_below_a_countrys(db):
    checked, below = _one(
        db,
        """
        select count(*), count(*) filter (where g.value < c.value)
        from w_artist_audience as g
        join w_artist_audience as c using (artist_id, platform, metric, date)
        where g.country = 'GLOBAL' and c.country <> 'GLOBAL'
        """,
    )
    assert checked > 100_000
    assert below == 0


def test_followers_never_fall_and_grow_slowly(db):
    falls, typical, largest = _one(
        db,
        """
        select count(*) filter (where value < before),
               quantile_cont((value - before) / before, 0.99),
               max((value - before) / before)
        from (
            select *, lag(value) over (partition by artist_id, platform, country order by date) as before
            from w_artist_audience where metric = 'followers'
        ) where before > 0
        """,
    )
    assert falls == 0
    assert typical < 0.01  # under 1 % a day, on 99 days in 100
    assert largest < 0.1  # a hit brings followers, but not overnight


# ---------------------------------------------------------------- the default view (default scale)


def test_the_default_artist_has_millions_of_monthly_listeners_in_the_default_country(full):
    lowest, highest, days = _one(
        full,
        """
        select min(value), max(value), count(*) from w_artist_audience
        where artist_id = ? and platform = 'spotify' and country = ? and metric = 'monthly_listeners'
          and strftime(date, '%Y-%m') = ?
        """,
        [DEFAULT_ARTIST_ID, DEFAULT_COUNTRY, DEFAULT_MONTH],
    )
    assert days == 30
    assert lowest >= 3_000_000 and highest <= 20_000_000


def test_monthly_listeners_are_fewer_than_the_streams_of_the_28_days_to_that_day(full):
    # The default artist's tracks all have an own series (chart value + 0.5–3 %, some
    # days missing), which is a fair floor for the artist's own streams.
    checked, too_many = _one(
        full,
        """
        with mine as (select track_id from w_track_credits where artist_id = ?),
        listeners as (
            select date, country, value from w_artist_audience
            where artist_id = ? and platform = 'spotify' and metric = 'monthly_listeners'
              and country in ('IT', 'GLOBAL') and strftime(date, '%Y-%m') = ?
        ),
        streams as (
            select l.date, l.country, l.value, sum(s.streams) as in_28_days
            from listeners as l
            join w_track_streams as s
              on s.country = l.country and s.date between l.date - 27 and l.date
             and s.track_id in (select track_id from mine)
            group by all
        )
        select count(*), count(*) filter (where value >= in_28_days) from streams
        """,
        [DEFAULT_ARTIST_ID, DEFAULT_ARTIST_ID, DEFAULT_MONTH],
    )
    assert checked == 60
    assert too_many == 0


def test_the_default_artist_charts_with_many_tracks_main_and_featured(full):
    tracks, featured = _one(
        full,
        """
        select count(distinct e.track_id), count(distinct e.track_id) filter (where c.role = 'featured')
        from w_chart_entries as e join w_track_credits as c using (track_id)
        where c.artist_id = ? and e.platform = 'spotify' and e.country = ? and e.frequency = 'daily'
          and strftime(e.date, '%Y-%m') = ?
        """,
        [DEFAULT_ARTIST_ID, DEFAULT_COUNTRY, DEFAULT_MONTH],
    )
    assert tracks >= 25
    assert featured >= 3


def test_the_default_artist_streams_on_youtube_in_the_default_country(full):
    streams = _one(
        full,
        """
        select sum(e.streams) from w_chart_entries as e join w_track_credits as c using (track_id)
        where c.artist_id = ? and e.platform = 'youtube' and e.country = ? and e.frequency = 'daily'
          and strftime(e.date, '%Y-%m') = ?
        """,
        [DEFAULT_ARTIST_ID, DEFAULT_COUNTRY, DEFAULT_MONTH],
    )[0]
    assert streams > 1_000_000


def test_a_single_released_in_the_default_month_starts_late(full):
    rows = full.execute(
        """
        select t.release_date, min(e.date), count(*)
        from w_tracks as t
        join w_track_credits as c using (track_id)
        join w_chart_entries as e using (track_id)
        where c.artist_id = ? and c.role = 'main' and strftime(t.release_date, '%Y-%m') = ?
          and e.platform = 'spotify' and e.country = ? and e.frequency = 'daily'
        group by all
        """,
        [DEFAULT_ARTIST_ID, DEFAULT_MONTH, DEFAULT_COUNTRY],
    ).fetchall()
    # the third Friday of September 2026; on the chart every day from then to 31 October
    assert (date(2026, 9, 18), date(2026, 9, 18), 44) in rows


def test_youtube_audience_in_the_default_country_misses_four_days_of_the_default_month(full):
    dates = {
        r[0]
        for r in full.execute(
            """
            select date from w_artist_audience
            where artist_id = ? and platform = 'youtube' and country = ?
              and strftime(date, '%Y-%m') = ?
            """,
            [DEFAULT_ARTIST_ID, DEFAULT_COUNTRY, DEFAULT_MONTH],
        ).fetchall()
    }
    missing = {date(2026, 9, d) for d in range(1, 31)} - dates
    assert missing == {date(2026, 9, d) for d in (14, 15, 16, 17)}


def test_the_default_scale_fills_charts_of_200(full):
    biggest, full_charts, charts = _one(
        full,
        """
        select max(n), count(*) filter (where n = 200), count(*)
        from (select platform, country, frequency, date, count(*) as n from w_chart_entries group by all)
        """,
    )
    assert biggest == 200
    assert full_charts == charts


# ---------------------------------------------------------------- scales


def test_the_bench_scale_is_sized_by_row_counts():
    scale = DemoScale.bench(chart_entries=10_700_000, audience_points=20_000_000, tracks=200_000)
    # 13 months, 2025-10-01 to 2026-10-31: 396 days, 56 Friday–Thursday weeks. Charts per
    # position of Spotify's: 71 × (396 + 56) on Spotify, and at half the length 31 × 452 on
    # YouTube (weekly too), 41, 21 and 11 × 396 on Apple Music, Deezer and Amazon Music:
    # 32,092 + (14,012 + 16,236 + 8,316 + 4,356) / 2 = 53,552; 10,700,000 / 53,552 = 199.8
    assert (scale.days, scale.weeks) == (396, 56)
    assert scale.chart_size_of("spotify") == 200
    assert {scale.chart_size_of(p) for p in ("youtube", "apple_music", "deezer")} == {100}
    assert [len(scale.countries_of(p)) for p in scale.platforms] == [70, 30, 40, 20, 10]
    # audience: 396 days × (71 × 2 Spotify metrics + 31 + 41 + 21 + 11) = 97,416 per artist
    assert scale.n_artists == 205  # 20,000,000 / 97,416
    assert scale.n_tracks == 200_000
    assert scale.own_series_share == 0.02


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_tracks": 100}, "n_tracks must be ≥"),
        ({"countries": ("IT", "GLOBAL")}, "ISO alpha-2"),
        ({"countries": ("it",)}, "ISO alpha-2"),
        ({"platforms": ("Apple Music",)}, "lowercase slugs"),
        ({"start": date(2026, 1, 1), "end": date(2025, 1, 1)}, "before start"),
        ({"chart_size": 0}, "chart_size"),
        ({"n_artists": 0}, "n_artists"),
    ],
)
def test_a_scale_that_cannot_be_built_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DemoScale(**kwargs)


# ---------------------------------------------------------------- the planted events


@pytest.fixture(scope="module")
def without_events(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """TINY built twice, once as it is (`e`) and once with no event planted (`n`)."""
    from kit.sources.demo import events

    planned = _build(tmp_path_factory, "demo_events", TINY)[0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events, "plan", lambda cast, scale, tl: ())
        plain = _build(tmp_path_factory, "demo_no_events", TINY)[0]
    return _connect(("e", planned), ("n", plain))


def test_the_events_change_nothing_before_the_8th_of_the_default_month(without_events):
    for name in ("chart_entries", "track_streams", "artist_audience"):
        first, changed = _one(
            without_events,
            f"select min(date), count(*) from (from e_{name} except all from n_{name})",
        )
        assert changed > 0, name
        assert first >= date(2026, 9, 8), name


def test_the_events_touch_three_tracks_of_the_default_artist_and_only_their_artists(
    without_events,
):
    touched = {
        r[0]
        for r in without_events.execute(
            "select distinct track_id from (from e_track_streams except all from n_track_streams)"
        ).fetchall()
    }
    credited = {
        r[0]
        for r in without_events.execute(
            "select track_id from e_track_credits where artist_id = ?", [DEFAULT_ARTIST_ID]
        ).fetchall()
    }
    assert len(touched) == 3 and touched <= credited
    moved_audience = {
        r[0]
        for r in without_events.execute(
            "select distinct artist_id from (from e_artist_audience except all from n_artist_audience)"
        ).fetchall()
    }
    on_touched = {
        r[0]
        for r in without_events.execute(
            "select artist_id from e_track_credits where list_contains(?, track_id)",
            [sorted(touched)],
        ).fetchall()
    }
    assert DEFAULT_ARTIST_ID in moved_audience and moved_audience <= on_touched


def _own_ratio(full, title: str, weeks: tuple[str, str, str, str]) -> float:
    """A default-artist track's own Spotify series in the default country: the streams of
    one week over those of another."""
    return _one(
        full,
        """
        select sum(s.streams) filter (where s.date between ?::date and ?::date)
             / sum(s.streams) filter (where s.date between ?::date and ?::date)
        from w_track_streams as s join w_tracks as t using (track_id)
        join w_track_credits as c using (track_id)
        where t.title = ? and c.artist_id = ? and s.country = ?
        """,
        [*weeks, title, DEFAULT_ARTIST_ID, DEFAULT_COUNTRY],
    )[0]


def test_an_old_track_goes_viral_in_the_default_country_from_the_8th(full):
    # "Senza Luna" (2020): ×1 before the 8th, ×9 from the 14th, fading by e^(−days/45)
    # after: about ×8.7 over 14–20 September against the same weekdays of late August
    assert 7 < _own_ratio(full, "Senza Luna", ("2026-09-14", "2026-09-20", "2026-08-25", "2026-08-31")) < 10  # fmt: skip
    before, during = _one(
        full,
        """
        select min(e.position) filter (where e.date < date '2026-09-08'),
               min(e.position) filter (where e.date >= date '2026-09-08')
        from w_chart_entries as e join w_tracks as t using (track_id)
        where t.title = 'Senza Luna' and e.platform = 'spotify' and e.country = ?
          and e.frequency = 'daily' and e.date <= date '2026-09-30'
        """,
        [DEFAULT_COUNTRY],
    )
    assert before > 100 and during <= 5


def test_a_catalogue_hit_drops_to_about_a_third_on_spotify_in_the_default_country_from_the_14th(
    full,
):
    # "Mille volte": ×0.35 on Spotify from the 14th; YouTube is not touched
    assert 0.3 < _own_ratio(full, "Mille volte", ("2026-09-21", "2026-09-27", "2026-09-07", "2026-09-13")) < 0.4  # fmt: skip
    on_youtube = _one(
        full,
        """
        select sum(e.streams) filter (where e.date between date '2026-09-21' and date '2026-09-27')
             / sum(e.streams) filter (where e.date between date '2026-09-07' and date '2026-09-13')
        from w_chart_entries as e join w_tracks as t using (track_id)
        where t.title = 'Mille volte' and e.platform = 'youtube' and e.country = ?
          and e.frequency = 'daily'
        """,
        [DEFAULT_COUNTRY],
    )[0]
    assert 0.8 < on_youtube < 1.25


def test_a_featured_track_is_taken_down_everywhere_on_the_21st(full):
    last_day, after, own_after, own_largest = _one(
        full,
        """
        with besos as (select track_id from w_tracks where title = 'Besos de Calle')
        select (select max(date) from w_chart_entries
                where frequency = 'daily' and track_id in (from besos)),
               (select count(*) from w_chart_entries
                where frequency = 'daily' and date >= date '2026-09-21' and track_id in (from besos)),
               (select count(*) from w_track_streams
                where date >= date '2026-09-21' and track_id in (from besos)),
               (select max(streams) from w_track_streams
                where date >= date '2026-09-21' and track_id in (from besos))
        """,
    )
    assert (last_day, after) == (date(2026, 9, 20), 0)
    assert own_after > 90 and own_largest == 0  # its Spotify for Artists series reads 0

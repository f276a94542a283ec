"""A whole month's breakdown read as stored, without a statement (kit/query/month_rows.py):
the same frame as the statement over the same stored rows (kit/sql/track_breakdown_month.sql)
and as the definition over the base tables, in every order and page; row groups chosen by
their statistics; nothing kept across versions that a commit changed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from serving_checks import assert_same_both_ways, statements_run
from test_metrics import _chart, write_metric_fixture
from test_serving import assert_moved_the_same_both_ways

from kit import Query, breakdown, cli, warehouse
from kit.errors import QueryError
from kit.query import BREAKDOWN_COLUMNS, month_rows, movers, movers_totals, period_files, stored
from kit.query.catalogue import lookups
from kit.warehouse import commit


@pytest.fixture(scope="module")
def metric_wh(tmp_path_factory) -> Path:
    return write_metric_fixture(tmp_path_factory.mktemp("month-rows") / "warehouse")


SORTS = [(None, None), ("title", None), ("title", True), ("coverage", False), ("peak_date", None)]
PAGES = [(0, None), (0, 2), (1, 1), (3, None), (0, 0)]


def _by_statement(q: Query, artist: str, platform: str, **kwargs) -> pd.DataFrame:
    """The breakdown of `q` by the statement over the stored rows, not by Arrow."""
    read = month_rows.month_rows
    month_rows.month_rows = lambda *args: None
    try:
        return breakdown(q, artist, platform, **kwargs)
    finally:
        month_rows.month_rows = read


def assert_read_as_the_statement_reads(q: Query, artist: str, platform: str) -> int:
    rows = 0
    for sort, descending in SORTS:
        for offset, limit in PAGES:
            order = dict(sort=sort, descending=descending, offset=offset, limit=limit)
            read = breakdown(q, artist, platform, **order)
            pd.testing.assert_frame_equal(
                read, _by_statement(q, artist, platform, **order), check_exact=True
            )
            rows += len(read)
    return rows


def test_a_month_of_the_demo_reads_as_the_statement_and_the_definition(demo_warehouse, monkeypatch):
    from kit.sources.demo import DEFAULT_ARTIST

    ran = statements_run(monkeypatch)
    rows = 0
    for country in ("IT", "GLOBAL", "US"):
        for month in ("2026-08", "2026-09"):
            q = Query(DEFAULT_ARTIST, month, country=country, warehouse=demo_warehouse)
            for platform in q.platform_slugs:
                ran.clear()
                read = breakdown(q, DEFAULT_ARTIST, platform)
                assert ran == [], "a stored month is read without a statement"
                assert list(read.columns) == BREAKDOWN_COLUMNS
                rows += assert_read_as_the_statement_reads(q, DEFAULT_ARTIST, platform)
                assert_same_both_ways(breakdown, q, DEFAULT_ARTIST, platform)
    assert rows > 100


def test_a_search_or_a_period_other_than_a_month_is_a_statement(demo_warehouse, monkeypatch):
    from kit.sources.demo import DEFAULT_ARTIST

    ran = statements_run(monkeypatch)
    q = Query(DEFAULT_ARTIST, "2026-09", country="IT", warehouse=demo_warehouse)
    breakdown(q, DEFAULT_ARTIST, "spotify", search="a")
    q = Query(DEFAULT_ARTIST, "2026-09-02:2026-09-30", country="IT", warehouse=demo_warehouse)
    breakdown(q, DEFAULT_ARTIST, "spotify")
    assert len(ran) == 2


@pytest.fixture
def small_groups_wh(tmp_path, monkeypatch) -> Path:
    """The metric fixture with its serving files written in row groups of 2 rows, so an
    artist's rows of a month lie across several groups, and most groups hold none of them."""
    monkeypatch.setattr(commit, "SERVING_ROW_GROUP_SIZE", 2)
    return write_metric_fixture(tmp_path / "warehouse")


def test_an_artist_s_rows_across_several_row_groups_are_all_read(small_groups_wh):
    snap = warehouse.snapshot(small_groups_wh)
    files = warehouse.files_by_partition(snap, "artist_track_month")[("spotify", "2026-09")]
    groups = sum(stored.footer(path, ())[0].num_row_groups for path in files)
    assert groups >= 4
    for artist in ("Alba", "Bruno", "Carla", "Dario"):
        for month in ("2026-08", "2026-09", "2026-10"):
            q = Query(artist, month, platforms="spotify", country="IT", warehouse=small_groups_wh, check_data=False)  # fmt: skip
            assert_read_as_the_statement_reads(q, artist, "spotify")
            assert_same_both_ways(breakdown, q, artist, "spotify")
    # the fixture's worked figures (tests/test_metrics.py): Alba's September, most first
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=small_groups_wh)
    read = breakdown(q, "Alba", "spotify")
    assert read["track_id"].tolist() == ["t2", "t1", "t4", "t5", "t3"]
    assert read["total_streams"].tolist() == [7700, 610, 600, 80, 50]
    # Carla's: Faro 7000 + 8000, Gelso 400, and Luna with viral chart positions only
    q = Query("Carla", "2026-09", platforms="spotify", country="IT", warehouse=small_groups_wh)
    read = breakdown(q, "Carla", "spotify")
    assert read["track_id"].tolist() == ["t6", "t7", "t8"]
    assert read["total_streams"].tolist()[:2] == [15000, 400]
    assert pd.isna(read["total_streams"].iloc[2])


def test_groups_kept_stay_within_their_bound_and_answers_do_not_change(
    small_groups_wh, monkeypatch
):
    monkeypatch.setattr(stored, "GROUPS_KEPT_BYTES", 1)
    stored._groups.clear()
    monkeypatch.setattr(stored, "_groups_bytes", 0)
    for artist in ("Alba", "Bruno", "Carla"):
        q = Query(artist, "2026-09", platforms="spotify", country="IT", warehouse=small_groups_wh, check_data=False)  # fmt: skip
        assert_read_as_the_statement_reads(q, artist, "spotify")
        assert len(stored._groups) == 1  # the last read only


def test_a_commit_that_changes_a_month_is_read_at_once(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=root)
    before = breakdown(q, "Alba", "spotify")
    assert before["total_streams"].tolist() == [7700, 610, 600, 80, 50]
    # one more daily value of Aria (t1) in September: 7 September, position 5, 1,000 streams
    warehouse.write(
        {
            "chart_entries": pd.DataFrame(
                _chart([("t1", dt.date(2026, 9, 7), "daily", 5, 1000, "IT")])
            )
        },
        source="fixture",
        warehouse=root,
    )
    after = breakdown(Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=root), "Alba", "spotify")  # fmt: skip
    assert after["track_id"].tolist() == ["t2", "t1", "t4", "t5", "t3"]
    assert after["total_streams"].tolist() == [7700, 1610, 600, 80, 50]
    # the Query pinned to the earlier version still reads it
    pd.testing.assert_frame_equal(breakdown(q, "Alba", "spotify"), before)


def test_movers_of_two_whole_months_read_both_as_stored_in_one_statement(metric_wh, monkeypatch):
    ran = statements_run(monkeypatch)
    q = Query("Alba", "2026-10", platforms="spotify", country="IT", warehouse=metric_wh)
    moved = movers(q, "Alba", "spotify")
    footer = movers_totals(q, "Alba", "spotify")
    # the movers against the month before are stored (artist_track_movers): no statement;
    # the footer's breakdown rows go in as lists (track_movers_breakdown), compared by the
    # served twin
    assert [re.findall(r"from (\w+)\(", sql) for sql in ran] == [
        ["track_movers_breakdown", "track_movers_breakdown", "track_movers_totals_served"],
    ]
    # Alba's September (tests/test_metrics.py): 9,040 over five tracks
    assert footer["previous_streams"].iloc[0] == 9040
    assert set(moved["track_id"]) == {"t1", "t2", "t3", "t4", "t5"}
    assert_moved_the_same_both_ways(q, "Alba", "spotify", "previous")


def test_a_comparison_month_without_any_file_is_refused_without_a_statement(metric_wh, monkeypatch):
    ran = statements_run(monkeypatch)
    q = Query("Alba", "2026-08", platforms="spotify", country="IT", warehouse=metric_wh)
    with pytest.raises(QueryError, match="nothing to compare with"):
        movers(q, "Alba", "spotify", "year")
    # the two months as stored, the comparison month empty: refused before any statement
    assert ran == []
    found = lookups(q.snapshot).platforms_with_files(dt.date(2025, 8, 1), dt.date(2025, 8, 31))
    assert found == frozenset()
    assert "spotify" in lookups(q.snapshot).platforms_with_files(dt.date(2026, 8, 1), dt.date(2026, 9, 30))  # fmt: skip


def test_a_version_no_longer_kept_is_said_so_when_its_month_is_read(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    pinned = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=root)
    warehouse.write(
        {
            "chart_entries": pd.DataFrame(
                _chart([("t1", dt.date(2026, 9, 7), "daily", 5, 1000, "IT")])
            )
        },
        source="fixture",
        warehouse=root,
    )
    assert cli.main(["vacuum", "--grace", "0", "--warehouse", str(root)]) == 0
    stored._groups.clear()
    stored._footers.clear()
    with pytest.raises(warehouse.VersionGone, match="no longer kept"):
        breakdown(pinned, "Alba", "spotify")


def _sorted_file(path: str) -> pa.Table:
    """A file sorted by country and artist in row groups of three rows:
    DE a, FR c, FR d | FR e, GB a, GB b | GB b, GB c, IT a | IT z, US a, US a | US b.
    Each key's statistics are its own column's, so a group that spans countries is named
    for keys it does not hold (group 1's bounds, FR a to GB e, name FR c)."""
    keys = [
        ("DE", "a"), ("FR", "c"), ("FR", "d"), ("FR", "e"), ("GB", "a"), ("GB", "b"),
        ("GB", "b"), ("GB", "c"), ("IT", "a"), ("IT", "z"), ("US", "a"), ("US", "a"),
        ("US", "b"),
    ]  # fmt: skip
    rows = pa.table({
        "country": [c for c, _ in keys],
        "artist_id": [a for _, a in keys],
        "n": list(range(len(keys))),
    })  # fmt: skip
    pq.write_table(rows, path, row_group_size=3)
    return rows


def _of(rows: pa.Table, wanted: tuple[str, str]) -> pa.Table:
    return rows.filter(
        pc.and_(pc.equal(rows["country"], wanted[0]), pc.equal(rows["artist_id"], wanted[1]))
    )


KEYS = [(c, a) for c in ("AT", "DE", "FR", "GB", "IT", "US", "ZW") for a in "abcdeyz"]


def test_a_key_s_rows_are_the_whole_file_s_and_a_group_that_cannot_hold_them_is_not_read_whole(
    tmp_path, monkeypatch
):
    path = str(tmp_path / "sorted.parquet")
    rows = _sorted_file(path)
    read_whole = []
    group = stored.group

    def counted(p, metadata, index, columns=None, dictionary=()):
        if columns is None:
            read_whole.append(index)
        return group(p, metadata, index, columns, dictionary)

    monkeypatch.setattr(stored, "group", counted)
    for wanted in KEYS:
        expected = _of(rows, wanted)
        read_whole.clear()
        found = stored.rows_with(path, ("country", "artist_id"), wanted)
        if expected.num_rows:
            assert found is not None and found.equals(expected), wanted
            # the groups that hold them, and at most the last group the bounds name
            held = {n // 3 for n in expected["n"].to_pylist()}
            assert held <= set(read_whole), wanted
            assert set(read_whole) - held in (set(), {max(read_whole)}), wanted
        else:
            assert found is None or not found.num_rows, wanted
    # FR c, named by groups 0 and 1, ends inside group 0: group 1 is not read whole
    read_whole.clear()
    assert stored.rows_with(path, ("country", "artist_id"), ("FR", "c"))["n"].to_pylist() == [1]
    assert read_whole == [0]
    # GB b runs from the end of group 1 into group 2
    read_whole.clear()
    assert stored.rows_with(path, ("country", "artist_id"), ("GB", "b"))["n"].to_pylist() == [5, 6]
    assert read_whole == [1, 2]


def test_the_groups_period_files_reads_for_a_key_hold_every_row_of_it(tmp_path):
    path = str(tmp_path / "sorted.parquet")
    rows = _sorted_file(path)
    keys = ("country", "artist_id")
    for wanted in KEYS:
        among = {"country": pa.array([wanted[0]]), "artist_id": pa.array([wanted[1]])}
        read = list(period_files._rows_of([path], keys, wanted, ()))
        assert sum(period_files._matches(r, among) for r in read) == _of(rows, wanted).num_rows
    # FR c ends inside group 0, which group 1's bounds name too: group 1 is not read
    assert len(list(period_files._rows_of([path], keys, ("FR", "c"), ()))) == 1
    # GB b runs from group 1 into group 2
    assert len(list(period_files._rows_of([path], keys, ("GB", "b"), ()))) == 2

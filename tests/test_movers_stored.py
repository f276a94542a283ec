"""Movers of a calendar month against the month before, read as the serving layer stores
them (artist_track_movers), against the statement that answers any other comparison."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from serving_checks import assert_serving_matches_base, statements_run
from test_metrics import write_metric_fixture
from test_serving import _chart_row

from kit import Query, breakdown, db, warehouse
from kit.errors import QueryError
from kit.query import moved, movers

D = dt.date
# orders and pages the API offers: (sort, descending, limit)
ORDERS = [
    (None, None, None), (None, None, 2), ("status", None, None), ("title", None, 3),
    ("title", True, None), ("pct_change", None, None), ("previous_partial", None, None),
    ("rank", False, 1), ("previous_best_position", True, None), ("change", None, 0),
]  # fmt: skip


@pytest.fixture(scope="module")
def metric_wh(tmp_path_factory) -> Path:
    return write_metric_fixture(tmp_path_factory.mktemp("movers-stored") / "warehouse")


def _answer(q: Query, artist: str, platform: str, **order) -> pd.DataFrame | str:
    """movers against the month before, or the refusal's message."""
    try:
        return movers(q, artist, platform, "previous", **order)
    except QueryError as exc:
        return str(exc)


def _by_statement(q: Query, artist: str, platform: str, **order) -> pd.DataFrame | str:
    """The movers of `q` by the statement over the two months' stored breakdowns."""
    read = moved._stored_movers
    moved._stored_movers = lambda q, params: None
    try:
        return _answer(q, artist, platform, **order)
    finally:
        moved._stored_movers = read


def _stored_keys(root: Path) -> list[tuple[str, str, str, str]]:
    """(platform, month, country, artist name) of every artist's stored movers."""
    return _stored(root, "select distinct m.platform, m.month, m.country, a.name")


def _stored(root: Path, columns: str) -> list[tuple]:
    """`columns` of the latest version's artist_track_movers rows (m) and their artist (a)."""
    con = db.connect(snapshot=warehouse.snapshot(root))
    try:
        return con.sql(
            f"{columns} from artist_track_movers as m join artists as a using (artist_id) "
            "order by all"
        ).fetchall()
    finally:
        con.close()


def assert_read_as_the_statement_reads(root: Path, key, orders=ORDERS) -> int:
    """Each order's movers read as stored equal the statement's exactly (or are refused
    alike); the rows compared."""
    platform, month, country, artist = key
    q = Query(artist, month, platforms=platform, country=country, warehouse=root, check_data=False)  # fmt: skip
    rows = 0
    for sort, descending, limit in orders:
        order = dict(sort=sort, descending=descending, limit=limit)
        read, expected = _answer(q, artist, platform, **order), _by_statement(q, artist, platform, **order)  # fmt: skip
        if isinstance(expected, str):
            assert read == expected
            continue
        pd.testing.assert_frame_equal(read, expected, check_dtype=True, check_exact=True)
        assert read.attrs == expected.attrs
        rows += len(read)
    return rows


def test_every_stored_month_of_the_metric_fixture_reads_as_the_statement(metric_wh):
    keys = _stored_keys(metric_wh)
    assert {m for _, m, _, _ in keys} >= {"2026-08", "2026-09", "2026-10", "2026-11"}
    assert sum(assert_read_as_the_statement_reads(metric_wh, key) for key in keys) > 0


def test_every_stored_month_of_three_demo_artists_reads_as_the_statement(demo_warehouse):
    """Every platform × country × month of three of the demo's artists (the whole table is
    compared with its recomputation by tests/test_serving.py), some in every order."""
    from kit.sources.demo import DEFAULT_ARTIST

    artists = [DEFAULT_ARTIST, *sorted({a for *_, a in _stored_keys(demo_warehouse)} - {DEFAULT_ARTIST})[:2]]  # fmt: skip
    keys = [key for key in _stored_keys(demo_warehouse) if key[3] in artists]
    assert len({country for _, _, country, _ in keys}) > 1
    rows = sum(
        assert_read_as_the_statement_reads(
            demo_warehouse, key, ORDERS if n % 20 == 0 else ORDERS[:1]
        )
        for n, key in enumerate(keys)
    )
    assert rows > 0


def test_movers_against_the_month_before_run_no_statement(metric_wh, monkeypatch):
    ran = statements_run(monkeypatch)
    q = Query("Alba", "2026-10", platforms="spotify", country="IT", warehouse=metric_wh)
    got = movers(q, "Alba", "spotify", sort="title")
    assert ran == []
    # September's Aria, Canzone and Duetto are gone in October (tests/test_metrics.py)
    gone = got[got["status"] == "gone"]
    assert list(gone["title"]) == ["Aria", "Canzone", "Duetto"]
    assert list(gone["previous_streams"]) == [610, 50, 600]
    # a period other than a calendar month: the statement
    other = Query("Alba", "2026-09-15:2026-10-14", platforms="spotify", country="IT", warehouse=metric_wh)  # fmt: skip
    movers(other, "Alba", "spotify")
    assert len(ran) == 1


def test_the_first_month_is_stored_all_new_and_refused_as_before(metric_wh):
    months = sorted({m for _, m, _, _ in _stored_keys(metric_wh)})
    assert months[0] == "2026-08"
    first = _stored(
        metric_wh, "select m.status, m.previous_rank, m.month = '2026-08' as first_month"
    )
    assert {(status, rank) for status, rank, first_month in first if first_month} == {("new", None)}
    q = Query("Alba", "2026-08", platforms="spotify", country="IT", warehouse=metric_wh)
    with pytest.raises(QueryError, match="from 2026-07-01 to 2026-07-31, the period August"):
        movers(q, "Alba", "spotify")
    assert _by_statement(q, "Alba", "spotify") == _answer(q, "Alba", "spotify")


def _aria_in_october(root: Path) -> pd.Series:
    q = Query("Alba", "2026-10", platforms="spotify", country="IT", warehouse=root)
    assert assert_read_as_the_statement_reads(root, ("spotify", "2026-10", "IT", "Alba")) > 0
    return movers(q, "Alba", "spotify").set_index("track_id").loc["t1"]


def test_a_commit_in_one_month_changes_the_stored_movers_of_the_month_after(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    before = _aria_in_october(root)
    # Aria's September: 100 … 140 on 1-5 September (610), and now 200 on 6 September
    rows = pd.DataFrame([_chart_row("t1", D(2026, 9, 6), "daily", 5, 200)])
    warehouse.write({"chart_entries": rows}, source="spotify_charts", warehouse=root)
    assert_serving_matches_base(root)
    after = _aria_in_october(root)
    assert (before["previous_streams"], after["previous_streams"]) == (610, 810)
    assert (before["change"], after["change"]) == (-610, -810)
    assert after["status"] == "gone"


def test_a_new_credit_reaches_the_stored_movers_of_the_month_after(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    key = ("spotify", "2026-10", "IT", "Dario")
    q = Query("Dario", "2026-10", platforms="spotify", country="IT", warehouse=root, check_data=False)  # fmt: skip
    assert assert_read_as_the_statement_reads(root, key) > 0
    # Dario's Mare is only in September: gone in October
    before = movers(q, "Dario", "spotify")
    assert (list(before["title"]), list(before["status"])) == (["Mare"], ["gone"])
    # Dario turns out to be featured on Carla's Faro (weeks in September and October): a
    # write of that credit alone changes both months' breakdown rows, and so October's
    # movers, compared with September's
    credit = pd.DataFrame(
        {"track_id": ["t6"], "artist_id": ["d"], "role": ["featured"], "credit_order": [2]}
    )
    warehouse.write({"track_credits": credit}, source="credits", warehouse=root)
    assert_serving_matches_base(root)
    assert assert_read_as_the_statement_reads(root, key) > 0
    faro = movers(q.refresh(), "Dario", "spotify").set_index("title").loc["Faro"]
    # Faro's September as tests/test_metrics.py works it out: 7,000 + 8,000
    assert (faro["credit"], faro["previous_streams"]) == ("featured", 15000)


def test_thirteen_months_from_october_to_october_are_not_read_as_one_stored_month(tmp_path):
    """A period from 1 October 2025 to 31 October 2026 starts and ends in an October: it
    is thirteen months, whose breakdown and movers add up all of them, not October 2025's
    stored rows. a1: 100 streams on 5 October 2025, 7 on 1 March 2026, 50 on 5 October
    2026; 40 on 15 September 2025, in the comparison period (the 396 days before it, 31
    August 2024 to 30 September 2025)."""
    own = [
        {"date": day, "platform": "spotify", "country": "IT", "track_id": "a1",
         "streams": streams, "source": "s4a"}
        for day, streams in ((D(2025, 9, 15), 40), (D(2025, 10, 5), 100), (D(2026, 3, 1), 7), (D(2026, 10, 5), 50))
    ]  # fmt: skip
    root = tmp_path / "wh"
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["a"], "name": ["Alba"]}),
            "tracks": pd.DataFrame({"track_id": ["a1"], "title": ["Aria"]}),
            "track_credits": pd.DataFrame(
                {"track_id": ["a1"], "artist_id": ["a"], "role": "main", "credit_order": 1}
            ),
            "track_streams": pd.DataFrame(own),
        },
        source="fixture",
        warehouse=root,
    )
    q = Query("Alba", "2025-10-01:2026-10-31", platforms="spotify", country="IT", warehouse=root)
    assert q.snapshot.serving == warehouse.SERVING_FORMAT
    assert breakdown(q, "Alba", "spotify")["total_streams"].tolist() == [157]
    moved_rows = movers(q, "Alba", "spotify")
    assert moved_rows.attrs["previous_period"] == (D(2024, 8, 31), D(2025, 9, 30))
    assert moved_rows[["track_id", "streams", "previous_streams"]].values.tolist() == [
        ["a1", 157, 40]
    ]

"""A load written in several commits (a large file) keeps the serving layer once, at its
last commit (kit/warehouse/serving.py): the versions before it record the months they left
stale and answer from the base tables; the last, or the next writer's after a load that
died halfway, is served again and holds what a rebuild of the same base tables holds.

The file is the one of tests/test_ingest_large_files.py, with its lowered thresholds: 288
rows over August, September and October 2026, written one month a commit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from serving_checks import assert_serving_matches_base
from test_ingest_large_files import _file, _lower_limits, _rows, cut_short
from test_metrics import write_metric_fixture

from kit import Query, breakdown, db, summary, warehouse
from kit.query import parts
from kit.sources.spotify_charts import load_spotify_charts
from kit.warehouse import versions

SERVING_TABLES = ("track_day", "chart_week", "track_month", "audience_month", "artist_track_day")
CHART_SERVING = ("track_day", "chart_week", "track_month", "artist_track_month", "artist_track_day")
# the file's months (August to October) and the month either side of them
FILE_MONTHS = {("spotify", m) for m in ("2026-07", "2026-08", "2026-09", "2026-10", "2026-11")}


@pytest.fixture
def small_limits(monkeypatch):
    _lower_limits(monkeypatch)


def _serving_rows(root: Path) -> dict[str, pd.DataFrame]:
    """Every serving table of the latest version, partition columns included, sorted."""
    out = {}
    for name in SERVING_TABLES:
        df = warehouse.read_table(name, root).to_pandas()
        df = df.map(lambda v: tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else v)
        out[name] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return out


def _assert_equal_to_a_rebuild(root: Path) -> None:
    """The latest version's serving tables, row for row, are those `rebuild()` computes
    from the same base tables (in a copy, so the warehouse itself is left as it is)."""
    copy = root.parent / f"{root.name}-rebuilt"
    shutil.copytree(root, copy)
    warehouse.rebuild(copy)
    rebuilt = _serving_rows(copy)
    for name, rows in _serving_rows(root).items():
        pd.testing.assert_frame_equal(rows, rebuilt[name], check_exact=True)
    shutil.rmtree(copy)


def _file_months(root: Path, version: int) -> set[tuple[str, str]]:
    """The platform × months of the file's chart entries (its track ids have 22 characters,
    the metric fixture's two) that a version holds, and their neighbours."""
    con = db.connect(snapshot=warehouse.snapshot(root, version))
    sql = "select distinct platform, month from chart_entries where length(track_id) = 22"
    months = set()
    for platform, month in con.sql(sql).fetchall():
        first = dt.date(int(month[:4]), int(month[5:7]), 1)
        for day in (first - dt.timedelta(days=1), first, first + dt.timedelta(days=40)):
            months.add((platform, day.strftime("%Y-%m")))
    return months


def test_the_commits_before_the_last_leave_their_months_stale_and_the_last_is_served(
    tmp_path, small_limits
):
    root = tmp_path / "wh"
    assert load_spotify_charts(_file(tmp_path / "combined.csv", _rows()), root, progress=False).ok
    last = warehouse.current_version(root)
    assert last == 4  # a commit per month, then the ingest_log row
    for number in range(1, last):
        version = versions.read_version(root, number)
        assert (version.serving, version.stale_format) == (0, warehouse.SERVING_FORMAT)
        assert not any(t in version.added for t in SERVING_TABLES)  # nothing recomputed yet
        assert "audience_month" not in version.stale_months  # the file has no audience
        for table in CHART_SERVING:
            assert set(version.stale_months[table]) == _file_months(root, number)
    assert set(versions.read_version(root, last - 1).stale_months["track_day"]) == FILE_MONTHS
    final = versions.read_version(root, last)
    assert (final.serving, final.stale_format, dict(final.stale_months)) == (
        warehouse.SERVING_FORMAT,
        0,
        {},
    )
    # the whole layer, in the last commit (daily charts only: no weekly entry to stand)
    assert {"track_day", "track_month"} <= set(final.added)
    assert "chart_week" not in final.tables or not final.tables["chart_week"]
    assert_serving_matches_base(root)
    _assert_equal_to_a_rebuild(root)


def test_a_version_between_answers_from_the_base_tables_what_a_served_one_answers(
    tmp_path, monkeypatch
):
    root = write_metric_fixture(tmp_path / "wh")
    _lower_limits(monkeypatch)
    calls = []
    write = warehouse.write

    def dies_at_the_third(tables, **options):
        calls.append(options)
        if len(calls) == 3:
            raise RuntimeError("the machine went down")
        return write(tables, **options)

    monkeypatch.setattr(warehouse, "write", dies_at_the_third)
    with pytest.raises(RuntimeError, match="went down"):
        load_spotify_charts(_file(tmp_path / "combined.csv", _rows()), root, progress=False)
    monkeypatch.setattr(warehouse, "write", write)
    between = versions.read_version(root, warehouse.current_version(root))
    assert (between.serving, between.stale_format) == (0, warehouse.SERVING_FORMAT)
    # the metric fixture's months stay current: only the two commits' months are stale
    assert set(between.stale_months["track_day"]) == _file_months(root, between.number)
    assert len(between.stale_months["track_day"]) in (4, 5)  # two months and neighbours

    served = tmp_path / "served"
    shutil.copytree(root, served)
    warehouse.rebuild(served)
    for artist, period in [
        ("Artist 1", "2026-08-01:2026-10-31"),
        ("Carla", "2026-09-20:2026-10-31"),
    ]:
        q = Query(artist, period, platforms="spotify", country="IT", warehouse=root)
        reference = Query(artist, period, platforms="spotify", country="IT", warehouse=served)
        assert not parts.served(q) and parts.served(reference)
        expected = breakdown(reference, artist, "spotify")
        assert len(expected)  # the artist has tracks in that period
        pd.testing.assert_frame_equal(breakdown(q, artist, "spotify"), expected, check_exact=True)
        pd.testing.assert_frame_equal(summary(q), summary(reference), check_exact=True)


def test_a_load_killed_between_its_commits_is_served_again_after_the_next_write(tmp_path):
    root = write_metric_fixture(tmp_path / "wh")
    before = warehouse.current_version(root)
    path = _file(tmp_path / "combined.csv", _rows())
    assert cut_short(path, root) == -9
    left = versions.read_version(root, warehouse.current_version(root))
    assert left.number == before + 1  # its first commit, and no more
    assert (left.serving, left.stale_format) == (0, warehouse.SERVING_FORMAT)
    assert set(left.stale_months["chart_week"]) == _file_months(root, left.number)
    assert len(left.stale_months["chart_week"]) == 3  # one month and its neighbours
    # any next write, here one that touches no month at all
    artist = pd.DataFrame({"artist_id": ["e"], "name": ["Ettore"]})
    warehouse.write({"artists": artist}, source="next", warehouse=root)
    after = versions.read_version(root, warehouse.current_version(root))
    assert (after.serving, after.stale_format, dict(after.stale_months)) == (
        warehouse.SERVING_FORMAT,
        0,
        {},
    )
    assert_serving_matches_base(root)
    _assert_equal_to_a_rebuild(root)


def _manifest(root: Path) -> tuple[Path, dict]:
    path = versions.manifest_path(root, warehouse.current_version(root))
    return path, json.loads(path.read_text())


def _rewrite(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data))
    os.utime(path, ns=(1, 1))  # a manifest read before is read again


def test_a_version_without_a_serving_layer_defers_nothing_and_keeps_none(tmp_path):
    root = write_metric_fixture(tmp_path / "wh")
    path, data = _manifest(root)  # as an earlier kit wrote it: no serving layer
    del data["serving"]
    _rewrite(path, data)
    rows = pd.DataFrame({"artist_id": ["e"], "name": ["Ettore"]})
    warehouse.write({"artists": rows}, source="a", warehouse=root, defer_serving=True)
    version = versions.read_version(root, warehouse.current_version(root))
    assert (version.serving, version.stale_format, dict(version.stale_months)) == (0, 0, {})
    warehouse.write({"artists": rows}, source="b", warehouse=root)
    assert warehouse.snapshot(root).serving == 0  # until `kit rebuild`


def test_months_left_stale_by_a_serving_layer_of_another_format_are_not_trusted(tmp_path):
    root = write_metric_fixture(tmp_path / "wh")
    rows = pd.DataFrame({"artist_id": ["e"], "name": ["Ettore"]})
    warehouse.write({"artists": rows}, source="a", warehouse=root)
    path, data = _manifest(root)
    data["serving"] = 0
    data["serving_stale"] = {"format": warehouse.SERVING_FORMAT + 1, "months": {}}
    _rewrite(path, data)
    warehouse.write({"artists": rows}, source="b", warehouse=root)
    version = versions.read_version(root, warehouse.current_version(root))
    assert (version.serving, version.stale_format) == (0, 0)

"""The one write path: idempotent on natural keys, atomic, and honest about refusals."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from serving_checks import assert_serving_matches_base

from kit import cli, db, warehouse
from kit.warehouse import WarehouseError
from kit.warehouse.merge import sorted_keys_unique, sorted_rows

D = dt.date


def _rows(n_days: int = 5, value: int = 10) -> dict[str, pd.DataFrame]:
    return {
        "artists": pd.DataFrame({"artist_id": ["a"], "name": ["Alba"]}),
        "artist_audience": pd.DataFrame(
            {
                "date": [D(2026, 9, 28) + dt.timedelta(days=i) for i in range(n_days)],
                "platform": "spotify",
                "country": "it",
                "artist_id": "a",
                "metric": "followers",
                "value": [value + i for i in range(n_days)],
                "source": "test",
            }
        ),
    }


def _snapshot(root: Path) -> dict[str, list]:
    """Every data table's rows, sorted, as plain Python values."""
    out = {}
    for name in ("artists", "artist_audience"):
        t = warehouse.read_table(name, root).to_pandas()
        out[name] = sorted(map(tuple, t.astype(str).values.tolist()))
    return out


def _files(root: Path) -> set[str]:
    """The public tree's files: what a plain Parquet reader globs."""
    return {
        str(p.relative_to(root))
        for p in root.rglob("*.parquet")
        if not p.relative_to(root).parts[0].startswith("_")
    }


def test_partitions_follow_platform_and_month_in_hive_style(empty_warehouse):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    folders = {
        str(Path(f).parent) for f in _files(empty_warehouse) if f.startswith("artist_audience")
    }
    assert folders == {
        "artist_audience/platform=spotify/month=2026-09",
        "artist_audience/platform=spotify/month=2026-10",
    }
    data = pq.read_table(empty_warehouse / "artist_audience").to_pandas()
    assert set(data["platform"].astype(str)) == {"spotify"}
    assert set(data["country"]) == {"IT"}


def test_loading_the_same_rows_twice_changes_nothing(empty_warehouse):
    first = warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    before = _snapshot(empty_warehouse)
    files = _files(empty_warehouse)
    second = warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    assert first.total_written == 6
    assert second.total_written == 0
    assert _snapshot(empty_warehouse) == before
    data_files = {f for f in _files(empty_warehouse) if not f.startswith("ingest_log")}
    assert data_files == {f for f in files if not f.startswith("ingest_log")}


def test_a_row_with_a_known_key_replaces_the_old_one(empty_warehouse):
    warehouse.write(_rows(value=10), source="test", warehouse=empty_warehouse)
    warehouse.write(_rows(n_days=1, value=99), source="test", warehouse=empty_warehouse)
    values = warehouse.read_table("artist_audience", empty_warehouse).to_pandas()
    assert sorted(values["value"]) == [11, 12, 13, 14, 99]


def test_every_load_adds_one_ingest_log_row(empty_warehouse):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse, file="a.csv", checksum="x")
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse, file="a.csv", checksum="x")
    log = warehouse.read_table("ingest_log", empty_warehouse).to_pandas()
    assert len(log) == 2
    assert list(log["rows"]) == [6, 6]
    assert list(log["rows_written"]) == [6, 0]
    assert warehouse.loaded_checksums(empty_warehouse) == {"x"}


def test_a_load_in_several_writes_logs_itself_once_with_its_own_totals(empty_warehouse):
    # log=(): the rows are written, no ingest_log row; the last write logs the whole load
    warehouse.write(_rows(3), source="test", warehouse=empty_warehouse, log=())
    assert warehouse.read_table("ingest_log", empty_warehouse).num_rows == 0
    assert len(warehouse.read_table("artist_audience", empty_warehouse)) == 3
    entry = warehouse.LogEntry("test", "big.csv", "y", rows=3, rows_written=4)  # 3 + 1 artist
    warehouse.write({}, source="test", warehouse=empty_warehouse, log=[entry])
    log = warehouse.read_table("ingest_log", empty_warehouse).to_pandas()
    assert list(zip(log["file"], log["rows"], log["rows_written"], strict=True)) == [
        ("big.csv", 3, 4)
    ]
    assert warehouse.loaded_checksums(empty_warehouse) == {"y"}


def test_worldwide_is_never_null(empty_warehouse):
    rows = _rows()
    rows["artist_audience"].loc[0, "country"] = None
    with pytest.raises(
        WarehouseError, match=r"artist_audience\.country: 1 row\(s\) have no value .*GLOBAL"
    ):
        warehouse.write(rows, source="test", warehouse=empty_warehouse)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("country", "ITA", r"artist_audience\.country: 'ITA' is not an ISO 3166-1 alpha-2 code"),
        ("value", "many", r"artist_audience\.value: expected int64"),
    ],
)
def test_a_refused_write_leaves_the_warehouse_as_it_was(empty_warehouse, column, value, message):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    before, files = _snapshot(empty_warehouse), _files(empty_warehouse)
    rows = _rows(value=50)
    rows["artist_audience"][column] = rows["artist_audience"][column].astype(object)
    rows["artist_audience"].loc[1, column] = value
    with pytest.raises(WarehouseError, match=message):
        warehouse.write(rows, source="test", warehouse=empty_warehouse)
    assert _snapshot(empty_warehouse) == before
    assert _files(empty_warehouse) == files


def test_an_unknown_column_is_refused_by_name(empty_warehouse):
    rows = _rows()
    rows["artists"]["genre"] = "pop"
    with pytest.raises(WarehouseError, match=r"artists: unknown column\(s\) \['genre'\]"):
        warehouse.write(rows, source="test", warehouse=empty_warehouse)


def _every_file(root: Path) -> dict[str, int]:
    """Every file under the warehouse, hidden ones included, with its inode: what a reader
    must leave exactly as it found it."""
    return {str(p.relative_to(root)): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def _store_is_what_the_versions_list(root: Path) -> None:
    listed = set()
    for manifest in (root / "_versions").glob("*.json"):
        for table, rels in json.loads(manifest.read_text())["tables"].items():
            listed.update(f"_files/{table}/{rel}" for rel in rels)
    stored = {str(p.relative_to(root)) for p in (root / "_files").rglob("*") if p.is_file()}
    assert stored == listed
    assert not list((root / "_versions").glob(".*"))  # no marker, no half-written manifest


def test_an_exception_half_way_removes_what_was_staged(empty_warehouse, monkeypatch):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    before, files = _snapshot(empty_warehouse), _every_file(empty_warehouse)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kit.warehouse.commit.commit_version", boom)
    with pytest.raises(OSError, match="disk full"):
        warehouse.write(_rows(value=70), source="test", warehouse=empty_warehouse)
    assert _snapshot(empty_warehouse) == before
    assert _every_file(empty_warehouse) == files


def test_a_file_that_fails_on_the_writer_thread_fails_the_write_and_removes_what_was_staged(
    empty_warehouse, monkeypatch
):
    from kit.warehouse import commit

    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    before, files = _snapshot(empty_warehouse), _every_file(empty_warehouse)
    write_file, calls = commit._write_file, []

    def second_fails(table, rows, path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        write_file(table, rows, path)

    monkeypatch.setattr(commit, "_write_file", second_fails)
    # 40 days from 28 Sep: three months of artist_audience, each a file of its own
    with pytest.raises(OSError, match="disk full"):
        warehouse.write(_rows(n_days=40, value=70), source="test", warehouse=empty_warehouse)
    assert len(calls) >= 2
    assert _snapshot(empty_warehouse) == before
    assert _every_file(empty_warehouse) == files


def test_an_error_after_the_commit_point_keeps_the_committed_version(empty_warehouse, monkeypatch):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)

    def failing_fsync(path):
        raise OSError("fsync failed")

    monkeypatch.setattr("kit.warehouse.versions.fsync_dir", failing_fsync)
    with pytest.raises(OSError, match="fsync failed"):
        warehouse.write(_rows(value=70), source="test", warehouse=empty_warehouse)
    monkeypatch.undo()
    # the manifest was renamed into place: its files stay, and the next writer publishes them
    assert sorted(
        warehouse.read_table("artist_audience", empty_warehouse)["value"].to_pylist()
    ) == [
        70,
        71,
        72,
        73,
        74,
    ]
    warehouse.write({"artists": _rows()["artists"]}, source="next", warehouse=empty_warehouse)
    assert _plain_values(empty_warehouse) == [70, 71, 72, 73, 74]
    _store_is_what_the_versions_list(empty_warehouse)


_KILLED_WRITE = """
import sys, datetime as dt, pandas as pd
from kit import warehouse
rows = pd.DataFrame({"date": [dt.date(2026, 9, 28), dt.date(2026, 10, 2)], "platform": "spotify",
    "country": "IT", "artist_id": "a", "metric": "followers", "value": [500, 501], "source": "killed"})
warehouse.write({"artist_audience": rows}, source="killed", warehouse=sys.argv[1])
"""
# the audience values before the killed write (_rows: 10 to 14 from 28 September) and after
# it (28 September and 2 October replaced by 500 and 501)
OLD_VALUES = [10, 11, 12, 13, 14]
NEW_VALUES = [11, 12, 13, 500, 501]
BEFORE_THE_COMMIT_POINT = ["staged", "manifest-written"]
AFTER_THE_COMMIT_POINT = ["committed", "publishing", "published", "vacuumed"]


def _killed_write(root: Path, failpoint: str) -> int:
    env = {**os.environ, "CHARTROOM_FAILPOINT": failpoint}
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITE, str(root)], env=env, capture_output=True
    )
    return proc.returncode


def _kit_values(root: Path) -> list[int]:
    """The audience values as kit's readers see them: a fresh DuckDB connection."""
    con = db.connect(root)
    return [
        r[0] for r in con.execute("select value from artist_audience order by value").fetchall()
    ]


def _plain_values(root: Path) -> list[int]:
    """The audience values as a plain Parquet reader globbing the public tree sees them."""
    return sorted(pq.read_table(root / "artist_audience").column("value").to_pylist())


@pytest.mark.parametrize("failpoint", BEFORE_THE_COMMIT_POINT + AFTER_THE_COMMIT_POINT)
def test_a_write_killed_at_any_step_leaves_the_old_or_the_new_state_whole(
    empty_warehouse, failpoint
):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    public_before = _files(empty_warehouse)
    assert _killed_write(empty_warehouse, failpoint) == -9
    committed = failpoint in AFTER_THE_COMMIT_POINT
    expected = NEW_VALUES if committed else OLD_VALUES

    # kit's readers see one whole state at once, and write nothing to see it; its serving
    # layer is the one of that state
    files = _every_file(empty_warehouse)
    assert _kit_values(empty_warehouse) == expected
    assert_serving_matches_base(empty_warehouse)
    assert sorted(
        warehouse.read_table("artist_audience", empty_warehouse)["value"].to_pylist()
    ) == (expected)
    assert _every_file(empty_warehouse) == files
    if not committed:  # a plain reader too, before anyone tidies
        assert _files(empty_warehouse) == public_before
        assert _plain_values(empty_warehouse) == OLD_VALUES

    # the next writer tidies: plain readers see the state kit's readers saw
    warehouse.write({"artists": _rows()["artists"]}, source="next", warehouse=empty_warehouse)
    assert _kit_values(empty_warehouse) == expected
    assert _plain_values(empty_warehouse) == expected
    assert_serving_matches_base(empty_warehouse)
    _store_is_what_the_versions_list(empty_warehouse)


@pytest.mark.parametrize("failpoint", AFTER_THE_COMMIT_POINT)
def test_kit_vacuum_completes_a_write_killed_after_its_commit(empty_warehouse, failpoint):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    assert _killed_write(empty_warehouse, failpoint) == -9
    assert cli.main(["vacuum", "--warehouse", str(empty_warehouse)]) == 0
    assert _plain_values(empty_warehouse) == NEW_VALUES
    assert _kit_values(empty_warehouse) == NEW_VALUES
    _store_is_what_the_versions_list(empty_warehouse)


def test_recover_drops_what_a_write_killed_before_its_commit_staged(empty_warehouse):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    before = _snapshot(empty_warehouse)
    assert _killed_write(empty_warehouse, "staged") == -9
    assert len(list((empty_warehouse / "_versions").glob(".writing-*"))) == 1
    assert warehouse.recover(empty_warehouse) == 1
    assert _snapshot(empty_warehouse) == before
    _store_is_what_the_versions_list(empty_warehouse)


def test_within_one_load_the_later_row_of_a_key_wins(empty_warehouse):
    rows = _rows(n_days=1, value=10)
    rows["artist_audience"] = pd.concat(
        [rows["artist_audience"], rows["artist_audience"].assign(value=77)], ignore_index=True
    )
    warehouse.write(rows, source="test", warehouse=empty_warehouse)
    values = warehouse.read_table("artist_audience", empty_warehouse).to_pandas()
    assert values["value"].tolist() == [77]


def test_a_new_partition_s_sorted_rows_repeat_a_key_only_next_to_itself():
    key, order = ["date", "country", "track_id"], ["country", "track_id", "date"]
    d1, d2 = dt.date(2026, 9, 1), dt.date(2026, 9, 2)

    def rows(tracks, dates):
        return pa.table({"country": ["IT"] * len(tracks), "track_id": tracks, "date": dates})

    assert sorted_keys_unique(rows(["a", "a", "b"], [d1, d2, d1]), key, order)
    assert not sorted_keys_unique(rows(["a", "a", "b"], [d1, d1, d1]), key, order)
    assert not sorted_keys_unique(rows(["a", "b", "b"], [d2, d2, d2]), key, order)
    assert sorted_keys_unique(rows(["a"], [d1]), key, order)
    # an empty key value: grouped as by keys_unique, two empty ones are one key
    assert not sorted_keys_unique(rows(["a", None, None], [d1, d1, d1]), key, order)
    # sorted on other columns than the key's: grouped
    assert not sorted_keys_unique(rows(["a", "b", "a"], [d1, d1, d1]), key, ["date"])


def test_sorted_rows_orders_as_arrow_s_stable_sort_does():
    rng = np.random.default_rng(7)
    n = 2_000
    texts = ["", "a", "ab", "b", "Z", "é", "a\x00", "ß"]
    rows = pa.table(
        {
            "country": pa.array(rng.choice(texts, n).tolist()),
            "date": pa.array(rng.integers(20_000, 20_040, n), pa.int32()).cast(pa.date32()),
            "position": pa.array(rng.integers(1, 4, n), pa.int32()),
            "big": pa.array(rng.choice([-(2**63), 2**63 - 1, 0, 5], n), pa.int64()),
            "seq": pa.array(np.arange(n)),  # shows the order of rows whose keys tie
        }
    )
    chunked = pa.Table.from_batches(rows.to_batches(max_chunksize=97))
    for columns in (["country"], ["country", "date"], ["position", "big", "country", "date"]):
        sort = [(c, "ascending") for c in columns]
        assert sorted_rows(chunked, sort).equals(rows.sort_by(sort)), columns
    # an empty value (and a descending order) are left to Arrow's sort, which places it last
    holes = pa.table({"country": ["b", None, "a"], "seq": [0, 1, 2]})
    assert sorted_rows(holes, [("country", "ascending")])["seq"].to_pylist() == [2, 0, 1]
    assert sorted_rows(rows, [("seq", "descending")])["seq"][0].as_py() == n - 1


def test_sorted_rows_of_a_month_s_size_and_columns_of_one_value_order_as_arrow_does():
    # past 65,536 rows the order is a radix sort of 16 bits at a time; a column holding
    # one value (a file's source) is kept in place, not reordered
    rng = np.random.default_rng(11)
    n = 150_000
    rows = pa.table(
        {
            "country": pa.array(rng.choice(["IT", "FR", "GLOBAL"], n).tolist()),
            "track_id": pa.array([f"t{i}" for i in rng.integers(0, 40_000, n)]),
            "date": pa.array(rng.integers(20_000, 20_031, n), pa.int32()).cast(pa.date32()),
            "source": pa.array(["spotify_charts"] * n),
            "chart": pa.array(["top"] * n),
            "seq": pa.array(np.arange(n)),
        }
    )
    chunked = pa.Table.from_batches(rows.to_batches(max_chunksize=40_000))
    for columns in (["country", "chart", "track_id", "date"], ["chart", "source"], ["seq"]):
        sort = [(c, "ascending") for c in columns]
        assert sorted_rows(chunked, sort).equals(rows.sort_by(sort)), columns


def test_one_load_over_several_platforms_and_months_files_each_row_under_its_own_month(
    empty_warehouse,
):
    # the groups of this load come out of a hash group-by in another order than the rows
    days = [
        ("apple_music", dt.date(2026, 7, 15)),
        ("deezer", dt.date(2026, 9, 5)),
        ("spotify", dt.date(2026, 8, 31)),
        *[("spotify", dt.date(2026, 9, d)) for d in (1, 2, 5, 30)],
        ("spotify", dt.date(2026, 10, 1)),
    ]
    audience = pd.DataFrame(
        {
            "date": [d for _, d in days],
            "platform": [p for p, _ in days],
            "country": "IT",
            "artist_id": "a",
            "metric": "monthly_listeners",
            "value": range(len(days)),
            "source": "test",
        }
    )
    warehouse.write({"artist_audience": audience}, source="test", warehouse=empty_warehouse)
    for platform, day in days:
        folder = empty_warehouse / "artist_audience" / f"platform={platform}" / f"month={day:%Y-%m}"
        dates = pq.read_table(next(folder.glob("*.parquet"))).column("date").to_pylist()
        assert day in dates, (platform, day, dates)
    assert sorted(
        p.parent.name
        for p in (empty_warehouse / "artist_audience").glob("platform=spotify/*/*.parquet")
    ) == ["month=2026-08", "month=2026-09", "month=2026-10"]


# ---------------------------------------------------------------- dimension rows


def _tracks(root: Path) -> dict[str, tuple]:
    t = warehouse.read_table("tracks", root).to_pandas().set_index("track_id")
    return {
        k: tuple(None if pd.isna(v) else v for v in row)
        for k, row in t[["title", "isrc", "release_date"]].iterrows()
    }


def test_a_known_track_keeps_its_values_and_only_its_empty_columns_are_filled(empty_warehouse):
    first = {"track_id": ["t1"], "title": ["Glass"], "isrc": ["GBAAA2600001"]}
    warehouse.write({"tracks": pd.DataFrame(first)}, source="a", warehouse=empty_warehouse)
    second = {
        "track_id": ["t1", "t2"],
        "title": ["GLASS (Remastered)", "Tide"],
        "isrc": [None, None],
        "release_date": [D(2026, 9, 4), D(2026, 9, 11)],
    }
    result = warehouse.write(
        {"tracks": pd.DataFrame(second)}, source="b", warehouse=empty_warehouse
    )
    assert _tracks(empty_warehouse) == {
        # title: both sources gave one, the stored one stays; isrc: an empty never replaces
        # a value; release_date: the stored row had none, so the second source fills it
        "t1": ("Glass", "GBAAA2600001", D(2026, 9, 4)),
        "t2": ("Tide", None, D(2026, 9, 11)),
    }
    assert result.rows_written["tracks"] == 2  # t1 filled in, t2 new
    again = warehouse.write({"tracks": pd.DataFrame(second)}, source="b", warehouse=empty_warehouse)
    assert again.rows_written["tracks"] == 0


def test_a_known_artist_and_credit_keep_their_values(empty_warehouse):
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["a"], "name": ["Alba"], "spotify_id": ["sp-a"]}),
            "track_credits": pd.DataFrame(
                {"track_id": ["t1"], "artist_id": ["a"], "role": ["featured"], "credit_order": [2]}
            ),
        },
        source="charts",
        warehouse=empty_warehouse,
    )
    warehouse.write(
        {
            "artists": pd.DataFrame(
                {
                    "artist_id": ["a"],
                    "name": ["ALBA"],
                    "spotify_id": [None],
                    "soundcharts_uuid": ["u"],
                }
            ),
            "track_credits": pd.DataFrame(
                {"track_id": ["t1"], "artist_id": ["a"], "role": ["main"], "credit_order": [1]}
            ),
        },
        source="s4a",
        warehouse=empty_warehouse,
    )
    artists = warehouse.read_table("artists", empty_warehouse).to_pylist()
    assert artists == [
        {"artist_id": "a", "name": "Alba", "spotify_id": "sp-a", "soundcharts_uuid": "u"}
    ]
    credits = warehouse.read_table("track_credits", empty_warehouse).to_pylist()
    assert credits == [{"track_id": "t1", "artist_id": "a", "role": "featured", "credit_order": 2}]


def test_within_one_load_a_dimension_column_takes_its_first_non_empty_value(empty_warehouse):
    rows = {"track_id": ["t1", "t1", "t1"], "title": ["A", "B", "C"], "isrc": [None, "X", "Y"]}
    warehouse.write({"tracks": pd.DataFrame(rows)}, source="test", warehouse=empty_warehouse)
    assert _tracks(empty_warehouse) == {"t1": ("A", "X", None)}

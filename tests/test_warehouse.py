"""The one write path: idempotent on natural keys, atomic, and honest about refusals."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kit import db, warehouse
from kit.warehouse import WarehouseError

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
    return {str(p.relative_to(root)) for p in root.rglob("*.parquet")}


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


def test_an_exception_half_way_removes_what_was_staged(empty_warehouse, monkeypatch):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    before, files = _snapshot(empty_warehouse), _files(empty_warehouse)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(warehouse, "_commit", boom)
    with pytest.raises(OSError, match="disk full"):
        warehouse.write(_rows(value=70), source="test", warehouse=empty_warehouse)
    assert _snapshot(empty_warehouse) == before
    assert _files(empty_warehouse) == files
    assert not list(empty_warehouse.rglob("*.pending"))


_KILLED_WRITE = """
import sys, datetime as dt, pandas as pd
from kit import warehouse
rows = pd.DataFrame({"date": [dt.date(2026, 9, 28), dt.date(2026, 10, 2)], "platform": "spotify",
    "country": "IT", "artist_id": "a", "metric": "followers", "value": [500, 501], "source": "killed"})
warehouse.write({"artist_audience": rows}, source="killed", warehouse=sys.argv[1])
"""


def _killed_write(root: Path, failpoint: str) -> int:
    env = {**os.environ, "CHARTROOM_FAILPOINT": failpoint}
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITE, str(root)], env=env, capture_output=True
    )
    return proc.returncode


def test_a_write_killed_before_its_commit_leaves_the_previous_state(empty_warehouse):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    before, files = _snapshot(empty_warehouse), _files(empty_warehouse)
    assert _killed_write(empty_warehouse, "staged") == -9
    # readable as it was by any Parquet reader, before any recovery ran
    assert _files(empty_warehouse) == files
    assert pq.read_table(empty_warehouse / "artist_audience").num_rows == 5
    assert _snapshot(empty_warehouse) == before
    warehouse.recover(empty_warehouse)
    assert not list(empty_warehouse.rglob("*.pending"))
    assert _snapshot(empty_warehouse) == before


def test_a_write_killed_after_its_commit_is_completed_on_the_next_open(empty_warehouse):
    warehouse.write(_rows(), source="test", warehouse=empty_warehouse)
    assert _killed_write(empty_warehouse, "committed") == -9
    con = db.connect(empty_warehouse)  # rolls the journal forward
    values = con.execute(
        "select date, value from artist_audience where source = 'killed' order by date"
    ).fetchall()
    assert values == [(D(2026, 9, 28), 500), (D(2026, 10, 2), 501)]
    assert con.execute("select count(*) from artist_audience").fetchall()[0][0] == 5
    assert not list((empty_warehouse / "_journal").glob("*.json"))


def test_within_one_load_the_later_row_of_a_key_wins(empty_warehouse):
    rows = _rows(n_days=1, value=10)
    rows["artist_audience"] = pd.concat(
        [rows["artist_audience"], rows["artist_audience"].assign(value=77)], ignore_index=True
    )
    warehouse.write(rows, source="test", warehouse=empty_warehouse)
    values = warehouse.read_table("artist_audience", empty_warehouse).to_pandas()
    assert values["value"].tolist() == [77]


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

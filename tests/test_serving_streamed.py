"""The serving recompute streams each statement's result to the writer thread in record
batches (kit/warehouse/serving.py, `_stage_run`; kit/warehouse/commit.py,
`replace_batches`), on a connection whose memory DuckDB bounds (SERVING_MEMORY): the
files are those one write of the whole result makes, a stream that fails leaves nothing
behind, and a statement DuckDB cannot fit in the bound is run again without it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from serving_checks import assert_serving_matches_base
from test_metrics import write_metric_fixture

from kit import warehouse
from kit.schema import TABLES
from kit.warehouse import serving
from kit.warehouse.commit import transaction

PARTITION = "platform=spotify/month=2026-09"


def _track_day_rows(n: int) -> pa.Table:
    """`n` rows of track_day's file schema, every value of them different."""
    first = dt.date(2026, 9, 1)
    return _file_rows(
        "track_day",
        {
            "country": [f"C{i // 1000:03d}" for i in range(n)],
            "track_id": [f"t{i:06d}" for i in range(n)],
            "date": [first + dt.timedelta(days=i % 30) for i in range(n)],
            "streams": list(range(n)),
            "days": [1 + 6 * (i % 2) for i in range(n)],
            "kind": ["daily chart"] * n,
            "source": [f"s{i % 7}" for i in range(n)],
        },
    )


def _file_rows(table: str, columns: dict[str, list]) -> pa.Table:
    """The `columns` as a table of `table`'s file schema, in its column order."""
    schema = TABLES[table].file_schema
    return pa.table({name: columns[name] for name in schema.names}).cast(schema)


def _groups(path) -> list[int]:
    meta = pq.read_metadata(path)
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def _store_files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in (root / "_files").rglob("*") if p.is_file()}


def test_a_partition_staged_from_uneven_batches_is_the_file_one_write_of_its_rows_makes(
    empty_warehouse,
):
    rows = _track_day_rows(40_000)  # track_day's groups hold 16,384 rows: 16,384 + 16,384 + 7,232
    cuts = [(0, 5_000), (5_000, 12_000), (17_000, 23_000)]  # no cut at a group's edge
    batches = [b for start, size in cuts for b in rows.slice(start, size).to_batches()]
    with transaction(empty_warehouse, maintain_serving=False) as txn:
        txn.replace_batches("track_day", PARTITION, iter(batches))
        (streamed,) = txn.partition_files("track_day", PARTITION)
        txn.replace("track_day", "platform=spotify/month=2026-10", rows)
        (whole,) = txn.partition_files("track_day", "platform=spotify/month=2026-10")
        assert _groups(streamed) == _groups(whole) == [16_384, 16_384, 7_232]
        assert pq.read_table(streamed).equals(pq.read_table(whole))
        assert pq.read_table(streamed).equals(rows)


def _artist_track_day_rows(n: int) -> pa.Table:
    """`n` rows of artist_track_day's file schema, sorted as the serving layer sorts them."""
    first = dt.date(2026, 9, 1)
    return _file_rows(
        "artist_track_day",
        {
            "country": [f"C{i // 50_000:03d}" for i in range(n)],
            "artist_id": [f"a{i // 500:05d}" for i in range(n)],
            "track_id": [f"t{i // 30:06d}" for i in range(n)],
            "date": [first + dt.timedelta(days=i % 30) for i in range(n)],
            "streams": list(range(n)),
            "days": [1] * n,
            "kind": ["daily chart"] * n,
            "source": [f"s{i % 7}" for i in range(n)],
            "position": [i % 200 + 1 for i in range(n)],
            "viral_position": [None] * n,
            "week_position": [None] * n,
            "week_viral_position": [None] * n,
        },
    )


def test_artist_track_day_is_written_in_large_groups_with_a_page_index_streamed_or_not(
    empty_warehouse,
):
    """A period's edges read an artist's rows of three or four artist_track_day files, and
    DuckDB pays for every row group of a file it reads: its files hold 65,536-row groups
    whose pages of 4,096 rows a page index names (kit/warehouse/commit.py), the same
    whether its rows are streamed or written at once."""
    rows = _artist_track_day_rows(140_000)  # 65,536 + 65,536 + 8,928
    batches = [
        b for start in range(0, 140_000, 9_000) for b in rows.slice(start, 9_000).to_batches()
    ]
    with transaction(empty_warehouse, maintain_serving=False) as txn:
        txn.replace_batches("artist_track_day", PARTITION, iter(batches))
        (streamed,) = txn.partition_files("artist_track_day", PARTITION)
        txn.replace("artist_track_day", "platform=spotify/month=2026-10", rows)
        (whole,) = txn.partition_files("artist_track_day", "platform=spotify/month=2026-10")
        for path in (streamed, whole):
            assert _groups(path) == [65_536, 65_536, 8_928]
            footer = pq.read_metadata(path)
            chunks = [
                footer.row_group(g).column(c) for g in range(3) for c in range(footer.num_columns)
            ]
            assert all(chunk.has_column_index and chunk.has_offset_index for chunk in chunks)
        assert pq.read_table(streamed).equals(pq.read_table(whole))
        assert pq.read_table(streamed).equals(rows)


def test_batches_that_fail_half_way_leave_no_file_and_no_commit(empty_warehouse):
    warehouse.write(
        {"artists": pa.table({"artist_id": ["a"], "name": ["Alba"]})},
        source="test",
        warehouse=empty_warehouse,
    )
    files, version = _store_files(empty_warehouse), warehouse.current_version(empty_warehouse)

    def failing():
        yield from _track_day_rows(20_000).to_batches(max_chunksize=3_000)
        raise RuntimeError("the statement failed")

    with (
        pytest.raises(RuntimeError, match="the statement failed"),
        transaction(empty_warehouse, maintain_serving=False) as txn,
    ):
        txn.replace_batches("track_day", PARTITION, failing())
    assert _store_files(empty_warehouse) == files
    assert warehouse.current_version(empty_warehouse) == version


def test_statements_over_the_memory_bound_run_again_unbounded_and_store_the_same_rows(
    tmp_path, monkeypatch
):
    stage_run, failed = serving._stage_run, []

    def counted(*args):
        try:
            stage_run(*args)
        except Exception as exc:
            failed.append(type(exc).__name__)
            raise

    spills, temporary_directory = [], serving.tempfile.TemporaryDirectory

    def recorded(*args, **kwargs):
        spill = temporary_directory(*args, **kwargs)
        spills.append(Path(spill.name))
        return spill

    monkeypatch.setattr(serving, "_stage_run", counted)
    monkeypatch.setattr(serving.tempfile, "TemporaryDirectory", recorded)
    # a megabyte: DuckDB cannot run the serving statements in it, even spilling
    monkeypatch.setattr(serving, "SERVING_MEMORY", "1MB")
    root = write_metric_fixture(tmp_path / "wh")
    assert failed and set(failed) == {"OutOfMemoryException"}
    assert_serving_matches_base(root)
    # DuckDB spilled inside the warehouse, and each commit removed its folder
    assert spills and {p.parent for p in spills} == {root / "_versions"}
    assert not any(p.exists() for p in spills)


def test_a_spill_folder_a_killed_writer_left_is_removed_by_the_next_write(tmp_path):
    root = write_metric_fixture(tmp_path / "wh")
    left = root / "_versions" / f"{serving.SPILL_PREFIX}killed"
    left.mkdir()
    (left / "duckdb_temp_block-0.block").write_bytes(b"x" * 4096)
    with transaction(root, maintain_serving=False):
        pass
    assert not left.exists()
    assert_serving_matches_base(root)

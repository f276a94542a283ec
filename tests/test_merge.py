"""A partition's merge by sorting gives exactly what DuckDB's merge gives: the same rows in
the same order, the same schema and the same count of rows new or changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kit.schema import ARTIST_AUDIENCE, CHART_ENTRIES, INGEST_LOG, TRACK_STREAMS, Table
from kit.warehouse.merge import _merged_by_duckdb, merge_partition, merged_in_order, read_files

COUNTRIES = ["IT", "FR", "GLOBAL", "é", "Z"]


def _key_pool(table: Table, rng: np.random.Generator) -> pa.Table:
    """Every distinct key of a small partition of `table`, shuffled."""
    days = [dt.date(2026, 9, d) for d in (1, 2, 30)]
    values = {
        "date": days,
        "country": COUNTRIES[: rng.integers(1, len(COUNTRIES) + 1)],
        "frequency": ["daily", "weekly"],
        "chart": ["top", "viral"],
        "track_id": [f"t{i}" for i in range(int(rng.integers(1, 6)))],
        "artist_id": ["a1", "a2", "a10"],
        "metric": ["followers", "monthly_listeners"],
    }
    columns = [k for k in table.key if k in table.file_schema.names]
    grids = np.meshgrid(*[np.arange(len(values[c])) for c in columns], indexing="ij")
    pool = {c: [values[c][i] for i in g.ravel()] for c, g in zip(columns, grids, strict=True)}
    keys = pa.table({c: pa.array(v, table.file_schema.field(c).type) for c, v in pool.items()})
    return keys.take(pa.array(rng.permutation(keys.num_rows)))


def _values(table: Table, keys: pa.Table, rng: np.random.Generator) -> pa.Table:
    """Rows of `table` for `keys`, their other columns drawn from few values, some empty."""
    n = keys.num_rows
    columns = {}
    for field in table.file_schema:
        if field.name in keys.column_names:
            columns[field.name] = keys.column(field.name)
        elif pa.types.is_string(field.type):
            choice = rng.choice(["x", "y", "spotify_charts"], n).tolist()
            if field.name not in table.required:
                choice = [None if rng.random() < 0.2 else v for v in choice]
            columns[field.name] = pa.array(choice, field.type)
        else:
            numbers = rng.integers(1, 4, n).tolist()
            if field.name not in table.required:
                numbers = [None if rng.random() < 0.3 else v for v in numbers]
            columns[field.name] = pa.array(numbers, field.type)
    return pa.table(columns, schema=table.file_schema)


def _stored_files(rows: pa.Table, folder: Path, rng: np.random.Generator) -> list[Path]:
    """`rows` written as one to three files (a partition read as their concatenation)."""
    folder.mkdir(parents=True, exist_ok=True)
    cuts = sorted(rng.integers(0, rows.num_rows + 1, int(rng.integers(0, 3))).tolist())
    files = []
    for i, (start, end) in enumerate(zip([0, *cuts], [*cuts, rows.num_rows], strict=True)):
        files.append(folder / f"part-{i}.parquet")
        pq.write_table(rows.slice(start, end - start), files[-1])
    return files


def _both(table: Table, files: list[Path], new: pa.Table) -> tuple:
    """(merge_partition's answer, DuckDB's answer) for `new` merged into `files`."""
    schema = table.file_schema
    key = [k for k in table.key if k in schema.names]
    sort = [(k, "ascending") for k in table.sort if k in schema.names]
    con = duckdb.connect()
    fast = merge_partition(lambda: con, files, new, table)
    slow = _merged_by_duckdb(con, read_files(files, table), new, schema, key, sort)
    return fast, slow


def _assert_same(fast: tuple, slow: tuple) -> None:
    assert fast[1] == slow[1]
    if slow[0] is None:
        assert fast[0] is None
    else:
        assert fast[0].schema == slow[0].schema
        assert fast[0].to_pylist() == slow[0].to_pylist()


@pytest.mark.parametrize("table", [CHART_ENTRIES, TRACK_STREAMS, ARTIST_AUDIENCE])
def test_a_merge_by_sorting_gives_duckdb_s_rows_order_and_count(table, tmp_path):
    rng = np.random.default_rng(13)
    schema = table.file_schema
    key = [k for k in table.key if k in schema.names]
    sort = [(k, "ascending") for k in table.sort if k in schema.names]
    counts = {"written": 0, "unchanged": 0}
    for case in range(80):
        pool = _key_pool(table, rng)
        n_stored = int(rng.integers(0, pool.num_rows + 1))
        stored = _values(table, pool.slice(0, n_stored), rng)
        if rng.random() < 0.5:  # a partition as written: sorted
            stored = stored.sort_by(sort)
        files = _stored_files(stored, tmp_path / str(case), rng)
        # new rows: keys stored and not, repeated, some rows exactly as stored
        picks = rng.integers(0, pool.num_rows, int(rng.integers(1, 2 * pool.num_rows + 1)))
        new = _values(table, pool.take(pa.array(picks)), rng)
        mode = rng.random()
        if n_stored and mode < 0.6:
            again = rng.integers(0, n_stored, int(rng.integers(1, n_stored + 1)))
            # a quarter of the loads hold only rows as stored (some of them repeated)
            new = pa.concat_tables(
                [new.slice(0, 0 if mode < 0.25 else None), stored.take(pa.array(again))]
            )
            new = new.take(pa.array(rng.permutation(new.num_rows)))
        fast, slow = _both(table, files, new)
        _assert_same(fast, slow)
        # the merge by sorting answered (DuckDB's was not taken for it)
        stored_rows = read_files(files, table)
        assert merged_in_order(stored_rows, new, schema, key, sort) == fast
        counts["written" if slow[1] else "unchanged"] += 1
        # the same rows loaded again change nothing
        if fast[0] is not None:
            again_files = _stored_files(fast[0], tmp_path / f"{case}-again", rng)
            assert _both(table, again_files, new) == ((None, 0), (None, 0))
    assert counts["written"] > 30 and counts["unchanged"] > 5, counts


def test_the_last_new_row_of_a_key_wins_over_the_earlier_and_the_stored_one(tmp_path):
    schema = TRACK_STREAMS.file_schema

    def rows(tracks, streams):
        n = len(tracks)
        return pa.table(
            {
                "date": [dt.date(2026, 9, 1)] * n,
                "country": ["IT"] * n,
                "track_id": tracks,
                "streams": streams,
                "source": ["test"] * n,
            },
            schema=schema,
        )

    files = _stored_files(rows(["a", "b"], [1, 5]), tmp_path, np.random.default_rng(1))
    merged, written = merge_partition(None, files, rows(["b", "a", "a"], [6, 2, 3]), TRACK_STREAMS)
    assert merged["streams"].to_pylist() == [3, 6] and written == 2
    # the last new row of "a" is the stored one: only "b" changes
    merged, written = merge_partition(None, files, rows(["a", "b", "a"], [9, 6, 1]), TRACK_STREAMS)
    assert merged["streams"].to_pylist() == [1, 6] and written == 1
    # a repeated key whose last row is as stored: nothing changes, nothing is rewritten
    assert merge_partition(None, files, rows(["a", "a"], [2, 1]), TRACK_STREAMS) == (None, 0)
    # an empty value equals an empty one, differs from a value
    files = _stored_files(rows(["a"], [None]), tmp_path / "empty", np.random.default_rng(1))
    assert merge_partition(None, files, rows(["a"], [None]), TRACK_STREAMS) == (None, 0)
    assert merge_partition(None, files, rows(["a"], [0]), TRACK_STREAMS)[1] == 1


def test_a_key_stored_twice_or_a_sort_on_other_columns_is_left_to_duckdb(tmp_path):
    rng = np.random.default_rng(3)
    pool = _key_pool(TRACK_STREAMS, rng)
    stored = _values(TRACK_STREAMS, pool.slice(0, 4), rng)
    # two stored files holding a key each: DuckDB keeps both stored rows
    twice = pa.concat_tables([stored, stored.slice(0, 1)])
    files = _stored_files(twice, tmp_path / "twice", rng)
    new = _values(TRACK_STREAMS, pool.slice(2, 4), rng)
    schema, key = TRACK_STREAMS.file_schema, ["date", "country", "track_id"]
    sort = [("country", "ascending"), ("track_id", "ascending"), ("date", "ascending")]
    assert merged_in_order(read_files(files, TRACK_STREAMS), new, schema, key, sort) is None
    fast, slow = _both(TRACK_STREAMS, files, new)
    _assert_same(fast, slow)
    # ingest_log sorts on loaded_at, not its key
    log = INGEST_LOG.schema.empty_table()
    assert (
        merged_in_order(log, log, INGEST_LOG.schema, ["load_id"], [("loaded_at", "ascending")])
        is None
    )


def test_a_merge_by_sorting_of_a_month_s_size_gives_duckdb_s_rows(tmp_path):
    # past 65,536 rows the sort is a radix sort of 16 bits at a time
    rng = np.random.default_rng(5)
    n = 90_000
    schema = TRACK_STREAMS.file_schema

    def rows(tracks, days, streams):
        return pa.table(
            {
                "date": pa.array(days, pa.int32()).cast(pa.date32()),
                "country": pa.array(rng.choice(["IT", "FR"], len(tracks)).tolist()),
                "track_id": pa.array([f"t{i}" for i in tracks]),
                "streams": pa.array(streams, pa.int64()),
                "source": pa.array(["spotify_charts"] * len(tracks)),
            },
            schema=schema,
        )

    stored = rows(np.arange(n) // 30, 20_697 + np.arange(n) % 30, rng.integers(0, 3, n))
    # (each track and day once: the keys are distinct whatever the country)
    stored = stored.sort_by([(k, "ascending") for k in TRACK_STREAMS.sort])
    files = _stored_files(stored, tmp_path, rng)
    m = 60_000
    new = rows(rng.integers(0, n // 20, m), 20_697 + rng.integers(0, 30, m), rng.integers(0, 3, m))
    fast, slow = _both(TRACK_STREAMS, files, new)
    assert 0 < fast[1] < m
    _assert_same(fast, slow)

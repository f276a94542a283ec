"""New rows merged into a partition on the table's natural key.

Loading the same rows twice changes nothing: a row whose key is stored replaces the
stored one, and within one load the later row of a key wins. `rows_written` counts the
rows that are new or changed: the kept row of a key not stored, or whose other columns
differ from the stored row's (a partition none of whose rows changed is not rewritten).
A fact partition is merged by one stable sort of its stored rows followed by the new ones
on the sort columns, which are the key's (`merged_in_order`): each key's rows sit
together, the last is kept and compared with the first, the stored one. Other tables, and
keys or values that sort cannot order or compare exactly, are merged by DuckDB, joining
the latest new row of each key to the stored rows. Dimension rows (artists, tracks,
track_credits) are first merged column by column (`keep_known_values`, README "How
writes behave").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..schema import Table
from .layout import partition_rel

# tables whose rows describe what the facts name: merged column by column (keep_known_values)
DIMENSION_TABLES = frozenset({"artists", "tracks", "track_credits"})


def split_partitions(table: Table, rows: pa.Table) -> Iterator[tuple[str, pa.Table]]:
    """(partition folder inside the table, its rows without the partition columns)."""
    if not table.partitioned:
        yield partition_rel(None, None), rows
        return
    # an integer year * 100 + month sorts and groups far faster than a formatted string
    dates = rows.column("date")
    month = pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates))
    order = [("platform", "ascending"), ("_month", "ascending")]
    rows = rows.append_column("_month", month)
    if not in_partition_order(rows.column("platform"), month):
        # (a large file's commits come by partition already: sorting them again would
        # copy every row for nothing)
        rows = rows.sort_by(order)
    # after sorting, each platform × month is one contiguous slice
    for platform, month_, offset, count in partition_runs(
        rows.column("platform"), rows.column("_month")
    ):
        part = rows.slice(offset, count).drop_columns(["platform", "_month"])
        yield partition_rel(platform, f"{month_ // 100:04d}-{month_ % 100:02d}"), part


def partition_runs(
    platform: pa.ChunkedArray, month: pa.ChunkedArray
) -> list[tuple[str, int, int, int]]:
    """(platform, month, first row, rows) of each platform × month of rows in that order
    (`in_partition_order`), in order: where either changes from one row to the next."""
    n = len(platform)
    if not n:
        return []
    change = pc.or_(
        pc.not_equal(platform.slice(1), platform.slice(0, n - 1)),
        pc.not_equal(month.slice(1), month.slice(0, n - 1)),
    )
    starts = np.flatnonzero(pc.fill_null(change, True).to_numpy(zero_copy_only=False)) + 1
    starts = [0, *starts.tolist()]
    ends = [*starts[1:], n]
    platforms = platform.take(pa.array(starts)).to_pylist()
    months = month.take(pa.array(starts)).to_pylist()
    return [
        (p, m, start, end - start)
        for p, m, start, end in zip(platforms, months, starts, ends, strict=True)
    ]


def in_partition_order(platform: pa.ChunkedArray, month: pa.ChunkedArray) -> bool:
    """Whether the rows are sorted by platform, then month already (the sort is stable,
    so such rows keep their order, and so the later row of a key stays the later)."""
    n = len(platform)
    if n < 2 or platform.null_count:
        return n < 2
    p0, p1 = platform.slice(0, n - 1), platform.slice(1)
    after = pc.or_(
        pc.less(p0, p1),
        pc.and_(pc.equal(p0, p1), pc.less_equal(month.slice(0, n - 1), month.slice(1))),
    )
    return pc.all(after).as_py()


def sorted_rows(rows: pa.Table, sort: list[tuple[str, str]]) -> pa.Table:
    """`rows.sort_by(sort)`, the same rows in the same order (a stable sort, strings by
    their bytes), sorting one 64-bit integer per row: each column's values numbered in
    their order and the numbers combined. Arrow's sort of several columns, strings among
    them, takes several times as long. Other column types, empty values or descending
    orders: Arrow's sort."""
    same = {name for name in rows.column_names if _one_value(rows.column(name))}
    key = _sort_key(rows, sort, same)
    if key is None:
        return rows.sort_by(sort)
    order = pa.array(_stable_order(key))
    # a column of one value (a file's platform, source, frequency or chart) is the same
    # in any order: only the others are reordered
    return pa.Table.from_arrays(
        [rows[n] if n in same else rows[n].take(order) for n in rows.column_names],
        schema=rows.schema,
    )


def _stable_order(key: np.ndarray) -> np.ndarray:
    """`np.argsort(key, kind="stable")` of non-negative keys, as a radix sort: stable sorts
    of 16 bits at a time, lowest first, which numpy does in one pass each (its stable sort
    of wider integers compares them: two to three times slower on a month's rows)."""
    if len(key) < 2**16:
        return np.argsort(key, kind="stable")
    key = key.astype(np.uint64, copy=False)
    order = None
    for shift in range(0, max(int(key.max()).bit_length(), 1), 16):
        digit = ((key >> np.uint64(shift)) & np.uint64(0xFFFF)).astype(np.uint16)
        if order is None:
            order = np.argsort(digit, kind="stable")
        else:
            order = order[np.argsort(digit[order], kind="stable")]
    return order


def _one_value(column: pa.ChunkedArray) -> bool:
    """Whether every row holds the same value, none empty (one comparison per row, far
    cheaper than reordering or numbering the column's text)."""
    kind = column.type
    exact = (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_date(kind)
    )  # (not floats: 0.0 equals -0.0)
    if not exact or not len(column) or column.null_count:
        return False
    return pc.all(pc.equal(column, column[0])).as_py()


def _sort_key(rows: pa.Table, sort: list[tuple[str, str]], same: set[str]) -> np.ndarray | None:
    """One integer per row that orders the rows as `sort` does, or None; the columns of
    `same` hold one value (they order nothing)."""
    if rows.num_rows < 2 or any(order != "ascending" for _, order in sort):
        return None
    key = np.zeros(rows.num_rows, np.int64)
    size = 1
    for name, _ in sort:
        if name in same:
            continue
        found = _ordinals(rows.column(name))
        if found is None:
            return None
        codes, count = found
        if size * count >= 2**62:
            _, key = np.unique(key, return_inverse=True)  # renumbered: ordered the same
            size = int(key.max()) + 1
            if size * count >= 2**62:
                return None
        key = key * count + codes
        size *= count
    return key


def _ordinals(column: pa.ChunkedArray) -> tuple[np.ndarray, int] | None:
    """Each value's place among the column's values (equal values equal, order kept) and
    how many places there are; None for a type or values this does not order."""
    if column.null_count:
        return None
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        # the chunks share one memo table: the last chunk's dictionary holds every value,
        # at the code each chunk uses (no copy of the column into one chunk)
        chunks = pc.dictionary_encode(column).chunks
        if not all(c.dictionary.equals(chunks[-1].dictionary) for c in chunks):
            return None  # an Arrow that gives each chunk its own dictionary
        # the distinct values sorted as Arrow sorts strings (by their bytes)
        order = pc.sort_indices(chunks[-1].dictionary).to_numpy()
        place = np.empty(len(order), np.int64)
        place[order] = np.arange(len(order))
        codes = np.concatenate([c.indices.to_numpy() for c in chunks])
        return place[codes], max(len(order), 1)
    if pa.types.is_date32(kind) or (pa.types.is_integer(kind) and kind != pa.uint64()):
        values = column.combine_chunks()
        if pa.types.is_date32(kind):
            values = values.cast(pa.int32())
        numbers = values.to_numpy().astype(np.int64)
        low, high = int(numbers.min()), int(numbers.max())
        if high - low < 2**31:
            return numbers - low, high - low + 1
        _, codes = np.unique(numbers, return_inverse=True)
        return codes.astype(np.int64), int(codes.max()) + 1
    return None


def keys_unique(rows: pa.Table, key_columns: list[str]) -> bool:
    groups = rows.select(key_columns).group_by(key_columns, use_threads=False).aggregate([])
    return groups.num_rows == rows.num_rows


def sorted_keys_unique(rows: pa.Table, key_columns: list[str], sort_columns: list[str]) -> bool:
    """`keys_unique` of rows sorted on `sort_columns`: when those are the key's columns, a
    repeated key sits next to itself, and comparing each row with the one before is far
    cheaper than grouping (a key with an empty value: grouped, as keys_unique does)."""
    if set(key_columns) != set(sort_columns) or any(rows.column(k).null_count for k in key_columns):
        return keys_unique(rows, key_columns)
    if rows.num_rows < 2:
        return True
    same = None
    for k in key_columns:
        column = rows.column(k)
        equal = pc.equal(column.slice(1), column.slice(0, rows.num_rows - 1))
        same = equal if same is None else pc.and_(same, equal)
    return not pc.any(same).as_py()


def keep_known_values(
    table: Table,
    stored: pa.Table,
    new: pa.Table,
    con: duckdb.DuckDBPyConnection,
    *,
    changed_only: bool = False,
) -> pa.Table:
    """The rows of `new` as a load stores them (see "Dimension rows"): one per key, each
    column's stored value if any, else its first non-empty value in `new`. `changed_only`
    leaves out rows stored exactly so already. All tables have `table`'s columns."""
    if not new.num_rows or (not stored.num_rows and keys_unique(new, list(table.key))):
        return new  # nothing stored, each key once: the rows are what the rule stores
    key = ", ".join(f'"{k}"' for k in table.key)
    values = ", ".join(
        f'"{c}"'
        if c in table.key
        else f'arg_min("{c}", _order) filter (where "{c}" is not null) as "{c}"'
        for c in new.column_names
    )
    columns = ", ".join(f'"{c}"' for c in new.column_names)
    unchanged = f"except select {columns} from kept_stored" if changed_only else ""
    con.register("kept_new", new.append_column("_order", pa.array(range(new.num_rows), pa.int64())))
    con.register(
        "kept_stored", stored.append_column("_order", pa.repeat(pa.scalar(-1), stored.num_rows))
    )
    rows = con.sql(
        f"select {values} from (select * from kept_stored semi join kept_new using ({key}) "
        f"union all by name select * from kept_new) group by {key} {unchanged}"
    ).to_arrow_table()
    con.unregister("kept_new")
    con.unregister("kept_stored")
    return rows.cast(new.schema)


def read_files(files: list[Path], table: Table) -> pa.Table:
    schema = table.file_schema
    if not files:
        return schema.empty_table()
    return pa.concat_tables([pq.read_table(f, schema=schema) for f in files])


def merge_partition(
    connect: Callable[[], duckdb.DuckDBPyConnection],
    old_files: list[Path],
    new: pa.Table,
    table: Table,
) -> tuple[pa.Table | None, int]:
    """The partition's rows once `new` is merged into its stored files, sorted for the
    readers, and how many of `new`'s rows are new or changed (None, 0: nothing changes).
    `connect()` gives the DuckDB connection a merge runs on where `merged_in_order` does
    not apply."""
    schema = table.file_schema
    key_columns = [k for k in table.key if k in schema.names]
    sort = [(k, "ascending") for k in table.sort if k in schema.names]
    stored = read_files(old_files, table)
    if table.name in DIMENSION_TABLES:
        new = keep_known_values(table, stored, new, connect())
    if not stored.num_rows:
        # a new partition whose keys are all distinct needs no merge: sorting is enough
        merged = sorted_rows(new, sort).cast(schema)
        if sorted_keys_unique(merged, key_columns, [k for k, _ in sort]):
            return merged, merged.num_rows
    if table.name not in DIMENSION_TABLES:
        found = merged_in_order(stored, new, schema, key_columns, sort)
        if found is not None:
            return found
    return _merged_by_duckdb(connect(), stored, new, schema, key_columns, sort)


# column types whose values Arrow compares exactly as DuckDB's `is distinct from` does
# (not floats: DuckDB holds NaN equal to NaN)
def _compared_exactly(kind: pa.DataType) -> bool:
    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_date(kind)
        or pa.types.is_boolean(kind)
    )


def merged_in_order(
    stored: pa.Table,
    new: pa.Table,
    schema: pa.Schema,
    key_columns: list[str],
    sort: list[tuple[str, str]],
) -> tuple[pa.Table | None, int] | None:
    """`merge_partition`'s answer, found by sorting: the stored rows, then the new ones, in
    one stable sort on the sort columns (the key's columns), so each key's rows sit
    together, stored first, then the new ones in the order given; the last of each key is
    kept. None where that does not apply: a sort on other columns than the key's, an empty
    key value, a column `sorted_rows` cannot number or Arrow not compare exactly, or a key
    stored twice (left to DuckDB, which keeps both)."""
    names = [k for k, _ in sort]
    if (
        not key_columns
        or set(names) != set(key_columns)
        or any(order != "ascending" for _, order in sort)
        or not set(schema.names) <= set(new.column_names)
        or not all(_compared_exactly(f.type) for f in schema if f.name not in key_columns)
    ):
        return None
    rows = pa.concat_tables([stored, new.select(schema.names).cast(schema)])
    if any(rows.column(k).null_count for k in key_columns):
        return None
    same = {name for name in rows.column_names if _one_value(rows.column(name))}
    key = _sort_key(rows, sort, same)
    if key is None:
        return None
    order = _stable_order(key)
    key = key[order]
    # the last row of each key, and the first (a stored row, where the key is stored)
    last = np.empty(len(key), bool)
    last[-1] = True
    np.not_equal(key[1:], key[:-1], out=last[:-1])
    del key
    first = np.empty(len(last), bool)
    first[0] = True
    first[1:] = last[:-1]
    n_stored = stored.num_rows
    if np.any(~first & (order < n_stored)):
        return None  # a stored row after one of its key: a key stored twice
    kept, firsts = order[last], order[first]
    del order, last, first
    replacing = kept >= n_stored
    known = firsts < n_stored
    written = int(np.count_nonzero(replacing & ~known))
    both = replacing & known
    written += _count_changed(
        rows,
        [c for c in schema.names if c not in key_columns and c not in same],
        pa.array(kept[both]),
        pa.array(firsts[both]),
    )
    if not written:
        return None, 0
    taken = pa.array(kept)
    # a column of one value is the same in any order: only cut to the kept rows' count
    return pa.Table.from_arrays(
        [rows[n].slice(0, len(kept)) if n in same else rows[n].take(taken) for n in schema.names],
        schema=schema,
    ), written


def _count_changed(rows: pa.Table, columns: list[str], new: pa.Array, stored: pa.Array) -> int:
    """How many of the rows `new` differ from the rows `stored` (pairwise) in any of
    `columns`, an empty value equal to an empty one (DuckDB's `is distinct from`)."""
    if not len(new):
        return 0
    changed = None
    for name in columns:
        a, b = rows.column(name).take(new), rows.column(name).take(stored)
        differs = pc.or_(
            pc.fill_null(pc.not_equal(a, b), False), pc.xor(pc.is_null(a), pc.is_null(b))
        )
        changed = differs if changed is None else pc.or_(changed, differs)
    return 0 if changed is None else int(pc.sum(changed.cast(pa.int64())).as_py() or 0)


def _merged_by_duckdb(
    con: duckdb.DuckDBPyConnection,
    stored: pa.Table,
    new: pa.Table,
    schema: pa.Schema,
    key_columns: list[str],
    sort: list[tuple[str, str]],
) -> tuple[pa.Table | None, int]:
    """`merge_partition`'s answer, found by DuckDB: the latest new row of each key, joined
    to the stored rows to count the new or changed ones, then the stored rows no new row
    replaces and the new ones, sorted."""
    key = ", ".join(f'"{k}"' for k in key_columns)
    order = ", ".join(f'"{k}"' for k, _ in sort)
    # within one load, the later row of a key wins: _seq keeps the order rows were given in
    con.register("new_seq", new.append_column("_seq", pa.array(range(new.num_rows), pa.int64())))
    con.register("stored_rows", stored)
    try:
        latest = con.sql(
            f"select * exclude (_seq) from new_seq "
            f"qualify row_number() over (partition by {key} order by _seq desc) = 1"
        ).to_arrow_table()
        con.register("latest_rows", latest)
        on = " and ".join(f'n."{k}" = s."{k}"' for k in key_columns)
        differs = " or ".join(
            f'n."{c}" is distinct from s."{c}"' for c in schema.names if c not in key_columns
        )
        written = con.execute(
            f"select count(*) from latest_rows as n left join "
            f"(select *, true as _stored from stored_rows) as s on {on} "
            f"where s._stored is null {f'or {differs}' if differs else ''}"
        ).fetchall()[0][0]
        if written == 0:
            return None, 0
        merged = con.sql(
            f"select * from stored_rows anti join latest_rows using ({key}) "
            f"union all by name select * from latest_rows order by {order}"
        ).to_arrow_table()
    finally:
        for name in ("new_seq", "stored_rows", "latest_rows"):
            con.unregister(name)
    return merged.select(schema.names).cast(schema), int(written)

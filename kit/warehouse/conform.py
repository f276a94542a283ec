"""Rows made to fit a warehouse table, or refused with the table, column and what was
expected (nothing is written then)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import CHARTS, FREQUENCIES, GLOBAL, ROLES, Table


class WarehouseError(ValueError):
    """Rows that do not fit a warehouse table; nothing was written."""


def conform(table: Table, rows: pa.Table | pd.DataFrame) -> pa.Table:
    """`rows` cast to `table`'s schema, with codes normalised, or a WarehouseError."""
    if isinstance(rows, pd.DataFrame):
        rows = _from_pandas(table, rows)
    unknown = [c for c in rows.column_names if c not in table.schema.names]
    if unknown:
        raise WarehouseError(
            f"{table.name}: unknown column(s) {unknown}; expected {table.schema.names}"
        )
    columns = {}
    for f in table.schema:
        if f.name in rows.column_names:
            col = rows.column(f.name)
            if _text_dictionary(col) and f.type == pa.string():
                # a column of few distinct values (a country, given as a dictionary over
                # them): normalised and checked once per value, then spread over the rows
                columns[f.name] = col
                continue
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise WarehouseError(
                    f"{table.name}.{f.name}: expected {f.type}, got {col.type} ({exc})"
                ) from exc
        else:
            col = pa.nulls(rows.num_rows, f.type)
        columns[f.name] = col

    if "country" in columns:
        columns["country"] = _each_value(columns["country"], pc.utf8_upper)
    if "platform" in columns:
        columns["platform"] = _each_value(columns["platform"], pc.utf8_lower)
    if table.name == "chart_entries" and rows.num_rows:
        # a chart row without a chart name is from the main (top) chart
        columns["chart"] = pc.fill_null(_decoded(columns["chart"]), "top")

    for name in (*table.key, *table.required):
        nulls = _null_count(columns[name])
        if nulls:
            hint = f" (worldwide is {GLOBAL!r}, never empty)" if name == "country" else ""
            raise WarehouseError(f"{table.name}.{name}: {nulls} row(s) have no value{hint}")
    for name, allowed in (("frequency", FREQUENCIES), ("role", ROLES), ("chart", CHARTS)):
        if name in columns:
            columns[name] = _check_values(table, columns[name], name, allowed, rows.num_rows)
    if "country" in columns and rows.num_rows:
        columns["country"] = _check_countries(table, columns["country"])
    return pa.Table.from_arrays(
        [_decoded(columns[f.name]) for f in table.schema], schema=table.schema
    )


def _text_dictionary(col: pa.ChunkedArray | pa.Array) -> bool:
    kind = col.type
    return pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type)


def _each_value(col: pa.ChunkedArray, convert) -> pa.ChunkedArray:
    """`convert` (text to text) applied to each row: to each distinct value of a dictionary."""
    if not _text_dictionary(col):
        return convert(col)
    return pa.chunked_array(
        [pa.DictionaryArray.from_arrays(c.indices, convert(c.dictionary)) for c in col.chunks],
        col.type,
    )


def _decoded(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary column as its values, row by row; another as it is."""
    return col.cast(col.type.value_type) if _text_dictionary(col) else col


def _null_count(col: pa.ChunkedArray) -> int:
    if _text_dictionary(col) and any(c.dictionary.null_count for c in col.chunks):
        return _decoded(col).null_count  # a value of the dictionary may be empty
    return col.null_count


def _values_hold(col: pa.ChunkedArray, good) -> bool:
    """Whether every distinct value of a dictionary column passes `good` (False: look at
    its rows; the dictionary may hold values no row uses)."""
    return _text_dictionary(col) and all(
        pc.all(pc.fill_null(good(c.dictionary), True)).as_py() for c in col.chunks
    )


def _check_countries(table: Table, col: pa.ChunkedArray) -> pa.ChunkedArray:
    def good(values):
        return pc.or_(pc.equal(values, GLOBAL), pc.match_substring_regex(values, r"^[A-Z]{2}$"))

    if _values_hold(col, good):
        return col
    col = _decoded(col)
    bad = pc.invert(good(col))
    if pc.any(bad).as_py():
        first = col.filter(bad)[0].as_py()
        raise WarehouseError(
            f"{table.name}.country: {first!r} is not an ISO 3166-1 alpha-2 code or {GLOBAL!r}"
        )
    return col


def _from_pandas(table: Table, frame: pd.DataFrame) -> pa.Table:
    arrays, names = [], []
    for name in frame.columns:
        try:
            arrays.append(pa.array(frame[name], from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            expected = table.schema.field(name).type if name in table.schema.names else "?"
            raise WarehouseError(f"{table.name}.{name}: expected {expected} ({exc})") from None
        names.append(str(name))
    return pa.Table.from_arrays(arrays, names=names)


def _check_values(
    table: Table, col: pa.ChunkedArray, column: str, allowed: Sequence[str], rows: int
) -> pa.ChunkedArray:
    if not rows:
        return col
    value_set = pa.array(list(allowed))
    if _values_hold(col, lambda values: pc.is_in(values, value_set=value_set)):
        return col
    col = _decoded(col)
    bad = pc.invert(pc.is_in(col, value_set=value_set))
    bad = pc.and_(bad, pc.is_valid(col))
    if pc.any(bad).as_py():
        first = col.filter(bad)[0].as_py()
        raise WarehouseError(f"{table.name}.{column}: {first!r} is not one of {list(allowed)}")
    return col

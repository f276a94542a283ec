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
    columns = []
    for f in table.schema:
        if f.name in rows.column_names:
            col = rows.column(f.name)
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise WarehouseError(
                    f"{table.name}.{f.name}: expected {f.type}, got {col.type} ({exc})"
                ) from exc
        else:
            col = pa.nulls(rows.num_rows, f.type)
        columns.append(col)
    out = pa.Table.from_arrays(columns, schema=table.schema)

    for name in ("country",):
        if name in out.column_names:
            out = out.set_column(
                out.schema.get_field_index(name), name, pc.utf8_upper(out.column(name))
            )
    if "platform" in out.column_names:
        i = out.schema.get_field_index("platform")
        out = out.set_column(i, "platform", pc.utf8_lower(out.column("platform")))

    if table.name == "chart_entries" and out.num_rows:
        # a chart row without a chart name is from the main (top) chart
        i = out.schema.get_field_index("chart")
        out = out.set_column(i, "chart", pc.fill_null(out.column("chart"), "top"))

    for name in (*table.key, *table.required):
        nulls = out.column(name).null_count
        if nulls:
            hint = f" (worldwide is {GLOBAL!r}, never empty)" if name == "country" else ""
            raise WarehouseError(f"{table.name}.{name}: {nulls} row(s) have no value{hint}")
    _check_values(table, out, "frequency", FREQUENCIES)
    _check_values(table, out, "role", ROLES)
    _check_values(table, out, "chart", CHARTS)
    if "country" in out.column_names and out.num_rows:
        bad = pc.invert(
            pc.or_(
                pc.equal(out.column("country"), GLOBAL),
                pc.match_substring_regex(out.column("country"), r"^[A-Z]{2}$"),
            )
        )
        if pc.any(bad).as_py():
            first = out.column("country").filter(bad)[0].as_py()
            raise WarehouseError(
                f"{table.name}.country: {first!r} is not an ISO 3166-1 alpha-2 code or {GLOBAL!r}"
            )
    return out


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


def _check_values(table: Table, rows: pa.Table, column: str, allowed: Sequence[str]) -> None:
    if column not in rows.column_names or not rows.num_rows:
        return
    col = rows.column(column)
    bad = pc.invert(pc.is_in(col, value_set=pa.array(list(allowed))))
    bad = pc.and_(bad, pc.is_valid(col))
    if pc.any(bad).as_py():
        first = col.filter(bad)[0].as_py()
        raise WarehouseError(f"{table.name}.{column}: {first!r} is not one of {list(allowed)}")

"""Validating text columns, vectorised: each check refuses the first bad row by file and line.

Headers, whole numbers, dates, non-empty and patterned values, mapped values (a country
name to its code…), repeated keys, and running totals turned into daily values. Each
check runs over whole columns (a batch of files at once for charts) and, when a row is
bad, raises the FileRejected of its file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import cumulative
from ..arrow_sql import arrow_sql, quoted
from .errors import IngestError
from .reading import BatchRows, InputFile


def check_header(
    file: InputFile,
    rows: pa.Table,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    line: int = 1,
) -> None:
    """Refuse a header that lacks a required column or has one nobody expects."""
    have = rows.column_names
    missing = [c for c in required if c not in have]
    unknown = [c for c in have if c not in required and c not in optional]
    if missing or unknown:
        problem = []
        if missing:
            problem.append(f"missing {', '.join(missing)}")
        if unknown:
            problem.append(f"unexpected {', '.join(unknown)}")
        expected = ",".join(required) + (f" (optional: {','.join(optional)})" if optional else "")
        raise file.error(
            line,
            (missing or unknown)[0],
            f"expected the header {expected}; {'; '.join(problem)}",
        )
    if not rows.num_rows:
        raise file.error(line, None, "the file has a header but no data rows")


# ---------------------------------------------------------------- vectorised checks

_WHOLE = r"^-?[0-9]+(\.0*)?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def first_true(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """The index of the first True, or None."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return None
    return pc.index(mask, True).as_py()


def text(rows: pa.Table, column: str) -> pa.ChunkedArray:
    return pc.utf8_trim_whitespace(rows.column(column))


def whole_numbers(
    file: InputFile | BatchRows,
    rows: pa.Table,
    column: str,
    *,
    minimum: int | None = 0,
    empty_ok: bool = False,
) -> pa.ChunkedArray:
    """A text column as int64 ('12', ' 12 ', '12.0'); empty cells are null when `empty_ok`."""
    try:
        # the common case, plain digits on every row, takes one pass
        numbers = pc.cast(rows.column(column), pa.int64())
    except pa.ArrowInvalid:
        numbers = _whole_numbers_located(file, rows, column, empty_ok)
    if minimum is not None:
        row = first_true(pc.less(numbers, minimum))
        if row is not None:
            got = rows.column(column)[row].as_py()
            raise file.reject_row(row, column, f"expected a whole number ≥ {minimum}, got {got!r}")
    return numbers


def _whole_numbers_located(
    file: InputFile | BatchRows, rows: pa.Table, column: str, empty_ok: bool
) -> pa.ChunkedArray:
    """Whole numbers written otherwise ('12.0', padded, empty), or the first bad value refused."""
    values = text(rows, column)
    empty = pc.equal(values, "")
    bad = pc.invert(pc.match_substring_regex(values, _WHOLE))
    bad = pc.and_(bad, pc.invert(empty)) if empty_ok else bad
    row = first_true(bad)
    if row is not None:
        got = rows.column(column)[row].as_py()
        raise file.reject_row(row, column, f"expected a whole number, got {got!r}")
    digits = pc.replace_substring_regex(values, r"\.0*$", "")
    digits = pc.if_else(empty, pa.scalar(None, pa.string()), digits)
    try:
        return pc.cast(digits, pa.int64())
    except pa.ArrowInvalid:
        row = first_true(pc.greater(pc.utf8_length(digits), 18)) or 0
        got = rows.column(column)[row].as_py()
        raise file.reject_row(
            row, column, f"expected a whole number, got {got!r} (too large)"
        ) from None


def dates(
    file: InputFile | BatchRows, rows: pa.Table, column: str, *, empty_ok: bool = False
) -> pa.ChunkedArray:
    """A text column of YYYY-MM-DD dates as date32; empty cells are null when `empty_ok`."""
    values = text(rows, column)
    parsed = pc.strptime(values, format="%Y-%m-%d", unit="s", error_is_null=True)
    bad = pc.or_(pc.invert(pc.match_substring_regex(values, _DATE)), pc.is_null(parsed))
    if empty_ok:
        bad = pc.and_(bad, pc.not_equal(values, ""))
    row = first_true(bad)
    if row is not None:
        got = rows.column(column)[row].as_py()
        raise file.reject_row(row, column, f"expected a date YYYY-MM-DD, got {got!r}")
    return pc.cast(parsed, pa.date32())


def non_empty(
    file: InputFile | BatchRows, rows: pa.Table, column: str, what: str
) -> pa.ChunkedArray:
    values = text(rows, column)
    row = first_true(pc.equal(values, ""))
    if row is not None:
        raise file.reject_row(row, column, f"expected {what}, got an empty value")
    return values


def matching(
    file: InputFile | BatchRows, rows: pa.Table, column: str, pattern: str, what: str
) -> pa.ChunkedArray:
    values = text(rows, column)
    row = first_true(pc.invert(pc.match_substring_regex(values, pattern)))
    if row is not None:
        got = rows.column(column)[row].as_py()
        raise file.reject_row(row, column, f"expected {what}, got {got!r}")
    return values


def mapped(
    file: InputFile | BatchRows,
    rows: pa.Table,
    column: str,
    convert: Callable[[str], str],
    values: pa.ChunkedArray | None = None,
) -> pa.ChunkedArray:
    """Each distinct value converted once (a country name to its code…); ValueError → refusal."""
    values = text(rows, column) if values is None else values
    distinct = pc.unique(values).to_pylist()
    out = {}
    for value in distinct:
        try:
            out[value] = convert(value)
        except ValueError as exc:
            row = pc.index(values, value).as_py()
            raise file.reject_row(row, column, str(exc)) from None
    return pc.take(
        pa.array(list(out.values()), pa.string()), pc.index_in(values, pa.array(list(out)))
    )


def duplicates(
    file: InputFile | BatchRows,
    keys: pa.Table,
    field_name: str,
    describe: Callable[[dict], str],
) -> None:
    """Refuse the first row whose key (all columns of `keys`) appeared on an earlier row."""
    if not keys.num_rows:
        return
    numbered = keys.append_column("_row", pa.array(np.arange(keys.num_rows)))
    repeats = arrow_sql(
        f"""
        select * from (
            select *, min(_row) over (partition by {quoted(keys.column_names)}) as _first
            from numbered
        )
        where _row > _first
        order by _row
        limit 1
        """,
        numbered=numbered,
    ).to_pylist()
    if repeats:
        # the second occurrence is the line the user must look at
        dup = repeats[0]
        raise file.reject_row(
            dup["_row"],
            field_name,
            f"{describe(dup)} appears twice in this file "
            f"(first on line {file.line_of(dup['_first'])})",
        )


def daily_from_cumulative(
    file: InputFile, rows: pa.Table, series: Sequence[str], value: str
) -> tuple[pa.Table, list[IngestError]]:
    """Running totals → daily values (kit.sources.cumulative): a decrease is refused.

    `rows` has `date`, `value` and `_row` (the data row, in order, to name its line). The
    first date of a series has no day before and is dropped; so is a value after a gap in
    the dates (its difference covers several days), with a warning. A total lower than
    the one before is refused, naming both lines."""
    try:
        daily = cumulative.daily_from_cumulative(rows, series, value, on_decrease="refuse")
    except cumulative.Decrease as down:
        previous_row = rows.column("_row")[down.previous_position].as_py()
        raise file.reject_row(
            down.row["_row"],
            value,
            f"expected a running total that never decreases, got {down.row[value]:,} on "
            f"{down.row['date']} after {down.previous_value:,} on {down.previous_date} "
            f"(line {file.line_of(previous_row)})",
        ) from None
    warnings = []
    if daily.after_gap:
        warnings.append(
            IngestError(
                file.shown,
                None,
                value,
                f"{daily.after_gap} running total(s) follow a gap in the dates and were dropped: "
                "their difference covers several days, not one",
            )
        )
    return daily.rows, warnings

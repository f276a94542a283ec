"""Validating text columns, vectorised: each check refuses the first bad row by file and line.

Headers, whole numbers, dates, non-empty and patterned values, mapped values (a country
name to its code…), repeated keys, and running totals turned into daily values. Each
check runs over whole columns (a batch of files at once for charts) and, when a row is
bad, raises the FileRejected of its file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
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
    """Refuse a header that lacks a required column or has one nobody expects, and a file
    without data rows."""
    check_header_names(file, rows.column_names, required, optional, line=line)
    if not rows.num_rows:
        raise file.error(line, None, "the file has a header but no data rows")


def check_header_names(
    file: InputFile,
    have: Sequence[str],
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    line: int = 1,
) -> None:
    """Refuse a header (lower-cased names) that lacks a required column or has one nobody
    expects."""
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


class Distinct:
    """A text column as its distinct values, trimmed, and each row's place among them: a
    check or conversion runs once per distinct value (a file repeats its dates, tracks,
    titles and countries on many rows), and a bad value is placed at its first row."""

    def __init__(self, column: pa.ChunkedArray | pa.Array) -> None:
        # one hash pass gives both (unique, then index_in, hashed every row twice); a
        # chunked column's chunks share one memo table, so its last chunk's dictionary
        # holds every value at the code each chunk uses
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        if isinstance(encoded, pa.ChunkedArray):
            chunks = encoded.chunks
            self.raw = chunks[-1].dictionary if chunks else pa.array([], column.type)
            self.index = pa.chunked_array([c.indices for c in chunks], pa.int32())
        else:
            self.raw, self.index = encoded.dictionary, encoded.indices
        self.values = pc.utf8_trim_whitespace(self.raw)

    def first_row(self, bad: pa.Array) -> int | None:
        """The first row whose value is one of the distinct values where `bad` is True."""
        codes = np.flatnonzero(pc.fill_null(bad, False).to_numpy(zero_copy_only=False))
        if not len(codes):
            return None
        return first_true(pc.is_in(self.index, value_set=pa.array(codes, self.index.type)))

    def rows(self, converted: pa.Array, *, encoded: bool = False) -> pa.ChunkedArray:
        """One converted value per distinct value, spread over the rows; `encoded`: as a
        dictionary array over the distinct values, which costs no copy of the text."""
        if not encoded:
            return pc.take(converted, self.index)
        index = (
            self.index
            if isinstance(self.index, pa.ChunkedArray)
            else pa.chunked_array([self.index])
        )
        return pa.chunked_array(
            [pa.DictionaryArray.from_arrays(chunk, converted) for chunk in index.chunks],
            pa.dictionary(index.type, converted.type),
        )


def dates(
    file: InputFile | BatchRows, rows: pa.Table, column: str, *, empty_ok: bool = False
) -> pa.ChunkedArray:
    """A text column of YYYY-MM-DD dates as date32; empty cells are null when `empty_ok`."""
    distinct = Distinct(rows.column(column))
    values = distinct.values
    parsed = pc.strptime(values, format="%Y-%m-%d", unit="s", error_is_null=True)
    bad = pc.or_(pc.invert(pc.match_substring_regex(values, _DATE)), pc.is_null(parsed))
    if empty_ok:
        bad = pc.and_(bad, pc.not_equal(values, ""))
    row = distinct.first_row(bad)
    if row is not None:
        got = rows.column(column)[row].as_py()
        raise file.reject_row(row, column, f"expected a date YYYY-MM-DD, got {got!r}")
    return distinct.rows(pc.cast(parsed, pa.date32()))


def non_empty(
    file: InputFile | BatchRows, rows: pa.Table, column: str, what: str, *, encoded: bool = False
) -> pa.ChunkedArray:
    distinct = Distinct(rows.column(column))
    row = distinct.first_row(pc.equal(distinct.values, ""))
    if row is not None:
        raise file.reject_row(row, column, f"expected {what}, got an empty value")
    return distinct.rows(distinct.values, encoded=encoded)


def matching(
    file: InputFile | BatchRows,
    rows: pa.Table,
    column: str,
    pattern: str,
    what: str,
    *,
    extract: str | None = None,
    encoded: bool = False,
) -> pa.ChunkedArray:
    """The trimmed values, each matching `pattern`; with `extract`, the value of that named
    group of `pattern` instead."""
    distinct = Distinct(rows.column(column))
    values = distinct.values
    row = distinct.first_row(pc.invert(pc.match_substring_regex(values, pattern)))
    if row is not None:
        got = rows.column(column)[row].as_py()
        raise file.reject_row(row, column, f"expected {what}, got {got!r}")
    if extract is not None:
        values = pc.struct_field(pc.extract_regex(values, pattern), extract)
    return distinct.rows(values, encoded=encoded)


def mapped(
    file: InputFile | BatchRows,
    rows: pa.Table,
    column: str,
    convert: Callable[[str], str],
    values: pa.ChunkedArray | None = None,
    *,
    encoded: bool = False,
) -> pa.ChunkedArray:
    """Each distinct value converted once (a country name to its code…); ValueError → refusal."""
    distinct = Distinct(rows.column(column) if values is None else values)
    out = []
    for i, value in enumerate(distinct.values.to_pylist()):
        try:
            out.append(convert(value))
        except ValueError as exc:
            row = distinct.first_row(pa.array(np.arange(len(distinct.raw)) == i))
            raise file.reject_row(row, column, str(exc)) from None
    return distinct.rows(pa.array(out, pa.string()), encoded=encoded)


def duplicates(
    file: InputFile | BatchRows,
    keys: pa.Table,
    field_name: str,
    describe: Callable[[dict], str],
) -> None:
    """Refuse the first row whose key (all columns of `keys`) appeared on an earlier row."""
    repeat = first_repeat(keys, pa.array(np.arange(keys.num_rows)))
    if repeat is not None:
        # the second occurrence is the line the user must look at
        row, first, dup = repeat
        raise file.reject_row(
            row,
            field_name,
            f"{describe(dup)} appears twice in this file (first on line {file.line_of(first)})",
        )


def first_repeat(keys: pa.Table, rows: pa.Array) -> tuple[int, int, dict] | None:
    """(row, first row, key) of the earliest row whose key (all columns of `keys`) appeared
    on an earlier row, `rows` numbering them; None when every key is distinct."""
    if not keys.num_rows or not has_repeats(keys):
        return None
    numbered = keys.append_column("_row", rows)
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
    dup = repeats[0]
    return dup["_row"], dup["_first"], dup


def has_repeats(keys: pa.Table) -> bool:
    """Whether some key (all columns of `keys`) appears on more than one row. A 64-bit hash
    per row, sorted, answers the common case (no repeat) in a fraction of the time a
    distinct count takes; equal hashes are confirmed by comparing the keys themselves."""
    hashes = arrow_sql(
        f"select hash({quoted(keys.column_names)}) as h from key_rows", key_rows=keys
    ).column("h")
    ordered = np.sort(hashes.to_numpy())
    if not (ordered[1:] == ordered[:-1]).any():
        return False
    distinct = arrow_sql(
        f"select count(*) as n from (select distinct {quoted(keys.column_names)} from key_rows)",
        key_rows=keys,
    )
    return distinct.column("n")[0].as_py() < keys.num_rows


def first_of_each(*columns: pa.ChunkedArray) -> pa.Array:
    """The rows where each distinct combination of `columns` first appears, ascending.

    Dictionary-encoded columns (Distinct.rows(..., encoded=True)) are compared by their
    codes, without hashing their text again; equal values under different codes count as
    different, so a caller that needs exact distinct values dedupes the (few) rows kept."""
    coded = [_codes(column) for column in columns]
    first = _first_of_leading(coded)
    if first is not None:
        return pa.array(first)
    key = np.zeros(len(columns[0]), np.int64)
    size = 1
    for codes, values in coded:
        if size * max(values, 1) >= 2**62:
            _, key = np.unique(key, return_inverse=True)  # renumbered, so it cannot overflow
            size = int(key.max()) + 1 if len(key) else 1
        key = key * max(values, 1) + codes.astype(np.int64)
        size *= max(values, 1)
    # a hash of the integer keys, in one pass (np.unique would sort them)
    return pa.array(np.flatnonzero(~pd.Series(key).duplicated().to_numpy()))


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    """Each row's code among the column's values, and how many values there are."""
    if pa.types.is_dictionary(column.type):
        codes = np.concatenate([c.indices.to_numpy() for c in column.chunks] or [[]])
        return codes, len(column.chunks[0].dictionary) if column.num_chunks else 0
    distinct = pc.unique(column)
    return pc.index_in(column, value_set=distinct).to_numpy(), len(distinct)


def _first_of_leading(coded: list[tuple[np.ndarray, int]]) -> np.ndarray | None:
    """`first_of_each`'s rows when each value of the first column comes with the same
    values of the others on every row (a chart's track with its title and artists), found
    without hashing: the first row of each first value; None when some row differs."""
    lead, values = coded[0]
    if not len(lead):
        return None
    rows = np.arange(len(lead))
    first = np.full(max(values, 1), len(lead), np.int64)
    np.minimum.at(first, lead, rows)
    at = first[lead]  # each row's first row of its first value
    if not all(np.array_equal(codes[at], codes) for codes, _ in coded[1:]):
        return None
    return np.sort(first[first < len(lead)])


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

"""Whether an artist has data on one platform in a country and period, read from the base
tables' files with Arrow, without a statement.

"The data there is" has one definition, kit/sql/period_rows.sql (docs/metrics.md,
"Platforms with data"): the artist's audience points (artist_audience), and the chart
entries (chart_entries) and own-series values (track_streams) of the tracks credited to
them (track_credits), in the country, dated inside the period. A movers query refuses a
comparison period without any such row on its platform; asked of the statement that
lists them, that costs 15-20 ms at the benchmark's scale, more than the movers themselves.

Each of those tables is filed per platform × month, so the version's file list names the
files that can hold such a row, and a period none of whose months has a file of the
platform holds none. Each file is sorted (kit/schema.py): artist_audience and
track_credits by artist first, chart_entries and track_streams by country first. So a
row group's statistics of that column say whether it can hold the artist's (or the
country's) rows, and only the groups that can are decoded, the few columns the test needs
(the artist, the country, the track and the date), then kept: files are never rewritten.
A whole calendar month of a version with a serving layer is answered from it instead, as
the serving layer keeps it per artist × country × month in files sorted by country and
artist (`month_has_rows`): the month's audience_month and artist_track_month rows of the
artist, and the weekly chart entries, the one kind of row neither keeps in every case.
tests/test_period_files.py compares the answers with platforms_with_data's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from .. import warehouse
from ..period import month_bounds, months_of
from ..warehouse import Snapshot
from . import stored

# The tables period_rows reads rows of.
AUDIENCE, CHARTS, OWN_SERIES, CREDITS = (
    "artist_audience", "chart_entries", "track_streams", "track_credits",
)  # fmt: skip
# The serving tables a whole month's answer reads: two sorted by country and artist first,
# and the weekly chart entries that stand, by country first.
AUDIENCE_MONTH, BREAKDOWN_MONTH, STANDING_WEEKS = (
    "audience_month",
    "artist_track_month",
    "chart_week",
)


def has_rows(
    snap: Snapshot,
    artist_id: str,
    platform: str,
    country: str,
    start: dt.date,
    end: dt.date,
    *,
    breakdown_empty: bool = False,
) -> bool | None:
    """True when period_rows(artist, country, start, end) holds a row on `platform`; None
    when a file of its tables is not in a platform × month folder (it may hold any
    platform and date: only the statement can say). A whole calendar month of a version
    with a serving layer is read from it (`month_has_rows`); `breakdown_empty` says the
    caller has read the artist's stored breakdown rows of that month (artist_track_month)
    and found none, so they are not read again."""
    months = months_of(start, end)
    files = {}
    for table in (AUDIENCE, CHARTS, OWN_SERIES):
        by_partition = warehouse.files_by_partition(snap, table)
        if None in by_partition:
            return None
        files[table] = [path for m in months for path in by_partition.get((platform, m), ())]
    if not any(files.values()):
        return False
    country = country.upper()
    if snap.serving == warehouse.SERVING_FORMAT and (start, end) == month_bounds(months[0]):
        return month_has_rows(snap, artist_id, platform, country, months[0], breakdown_empty)
    low, high = pa.scalar(start, pa.date32()), pa.scalar(end, pa.date32())
    # artist_audience is sorted by artist first, chart_entries and track_streams by country
    artist, country_ = pa.array([artist_id]), pa.array([country])
    for rows in _rows_of(files[AUDIENCE], ("artist_id",), (artist_id,), ("country", "date")):
        if _any(rows, {"artist_id": artist, "country": country_}, low, high):
            return True
    tracks = None
    for table in (CHARTS, OWN_SERIES):
        for rows in _rows_of(files[table], ("country",), (country,), ("track_id", "date")):
            if tracks is None:
                tracks = credited_tracks(snap, artist_id)
            if not len(tracks):
                return False  # no track of theirs: no chart entry or own series either
            if _any(rows, {"country": country_, "track_id": tracks}, low, high):
                return True
    return False


def month_has_rows(
    snap: Snapshot,
    artist_id: str,
    platform: str,
    country: str,
    month: str,
    breakdown_empty: bool = False,
) -> bool:
    """Whether period_rows of the calendar `month` ('YYYY-MM') holds a row of the artist on
    `platform` in `country` (upper case), asked of a version with a serving layer.

    The month's period_rows are the artist's audience points, the own-series values and the
    chart entries of their credited tracks. audience_month has a row of the artist and
    country exactly when there is a point (one per metric with a point in the month).
    artist_track_month has one exactly when a credited track has a counted value or a
    standing entry dated in the month: every own-series value counts, every daily entry
    stands, and a counted value or a standing entry is a row of chart_entries or
    track_streams. What neither keeps is a weekly entry that does not stand (a
    higher-ranked weekly entry of the track, perhaps in the next or previous month,
    overlaps it) when it is the track's only row of the month. chart_week keeps those that
    stand: when it holds as many of the country's weekly entries of the month as
    chart_entries does, every one stands, and none is the artist's. Otherwise the
    country's weekly entries are read from chart_entries (sorted by country and frequency
    first, so the footer names the few row groups that hold them) and matched with the
    credited tracks."""
    where = ("country", "artist_id"), (country, artist_id)
    if _count(snap, AUDIENCE_MONTH, platform, month, *where):
        return True
    if not breakdown_empty and _count(snap, BREAKDOWN_MONTH, platform, month, *where):
        return True
    weekly = ("country", "frequency"), (country, "weekly")
    entries = _count(snap, CHARTS, platform, month, *weekly)
    if not entries or entries == _count(snap, STANDING_WEEKS, platform, month, ("country",), (country,)):  # fmt: skip
        return False
    paths = warehouse.files_by_partition(snap, CHARTS).get((platform, month), ())
    tracks = credited_tracks(snap, artist_id)
    among = {"country": pa.array([country]), "frequency": pa.array(["weekly"]), "track_id": tracks}
    return len(tracks) > 0 and any(
        _matches(rows, among) for rows in _rows_of(paths, *weekly, ("track_id",))
    )


def _count(
    snap: Snapshot, table: str, platform: str, month: str, keys: tuple[str, ...], values: tuple
) -> int:
    """How many rows of `table`'s files of `platform` × `month`, sorted by `keys` first,
    have `values` as their `keys` (only those columns of the groups that can hold one)."""
    paths = warehouse.files_by_partition(snap, table).get((platform, month), ())
    among = {key: pa.array([value]) for key, value in zip(keys, values, strict=True)}
    return sum(_matches(rows, among) for rows in _rows_of(paths, keys, values, ()))


def credited_tracks(snap: Snapshot, artist_id: str) -> pa.Array:
    """The ids of the tracks credited to the artist, main or featured (track_credits)."""
    paths = [path for paths in warehouse.files_by_partition(snap, CREDITS).values() for path in paths]  # fmt: skip
    artist = pa.array([artist_id])
    pieces = [
        rows.filter(_among(rows["artist_id"], artist))["track_id"].cast(pa.string())
        # the ids of one group's tracks are nearly all distinct: read plain, not as a dictionary
        for rows in _rows_of(
            paths, ("artist_id",), (artist_id,), ("track_id",), plain=("track_id",)
        )
    ]
    return pa.chunked_array(pieces, pa.string()).combine_chunks()


def _matches(rows: pa.Table, among: dict[str, pa.Array]) -> int:
    """How many rows of `rows` have, in each column of `among`, one of its values."""
    return int(pc.sum(pc.cast(_mask(rows, among), pa.int64())).as_py() or 0)


def _mask(rows: pa.Table, among: dict[str, pa.Array], mask=None) -> pa.ChunkedArray:
    """Whether each row of `rows` has, in each column of `among`, one of its values (and
    is in `mask`, when given)."""
    for column, values in among.items():
        found = _among(rows[column], values)
        mask = found if mask is None else pc.and_(mask, found)
    return mask


def _any(rows: pa.Table, among: dict[str, pa.Array], low: pa.Scalar, high: pa.Scalar) -> bool:
    """Whether a row of `rows` is dated in [low, high] and has, in each column of `among`,
    one of its values."""
    dated = pc.and_(pc.greater_equal(rows["date"], low), pc.less_equal(rows["date"], high))
    return bool(pc.any(_mask(rows, among, dated)).as_py())


def _among(column: pa.ChunkedArray, values: pa.Array) -> pa.ChunkedArray:
    """Whether each value of a dictionary-encoded `column` is one of `values`: asked of
    its dictionary (the distinct values of a row group), then spread to its rows."""
    return pa.chunked_array(
        [pc.take(pc.is_in(chunk.dictionary, value_set=values), chunk.indices) for chunk in column.chunks],
        pa.bool_(),
    )  # fmt: skip


def _rows_of(
    paths,
    keys: tuple[str, ...],
    values: tuple,
    columns: tuple[str, ...],
    plain: tuple[str, ...] = (),
) -> Iterator[pa.Table]:
    """`keys` and `columns` of each row group of the files, sorted by `keys` first, that
    can hold rows whose `keys` are `values`; the strings as dictionaries, but those named
    `plain`."""
    # the ids and countries as dictionaries, which a row group's strings mostly repeat
    read = (*keys, *columns)
    dictionary = tuple(c for c in read if c != "date" and c not in plain)
    for path in paths:
        metadata, bounds = stored.footer(path, keys)
        for group, (low, high) in enumerate(bounds):
            if low is None or low <= values <= high:
                rows = stored.group(path, metadata, group, read, dictionary)
                yield rows
                # sorted by `keys` first: no later group holds them once a row is past them
                if rows.num_rows and stored.last_keys(rows, keys) > values:
                    break

"""Artists, tracks and credits: who and what the files name, as warehouse rows.

Splitting artist names. Chart files join a track's artists with ", " although some
names contain ", " themselves ("Tyler, The Creator"). `ArtistNames.split` reads the
pieces left to right and at each piece takes the longest run of pieces that, joined
with ", ", is a known artist name with a comma; every other piece is an artist of
its own. Known names: artists already in the warehouse, `NAMES_WITH_COMMAS`, names
passed as `artist_names=`, and single-artist fields read in the same call.

A file names its tracks and their credited artists (`track_artists`); `Dimensions`
turns a batch's names into artists, tracks and track_credits rows. How they meet the
rows already stored is the write path's one rule for dimension rows, the same for every
source (kit.warehouse.keep_known_values): a known value is never replaced by an empty
one, and the stored value wins over a different one. Only rows that rule would change
are handed to the write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ... import ids, warehouse
from ...schema import ARTISTS, TABLES, TRACK_CREDITS, TRACKS, Table
from ..arrow_sql import arrow_sql, connection, quoted
from .parsed import ParsedFile

# Well-known artist names that contain ", ", so that they stay one artist even in a
# fresh warehouse. Any other such name is learnt from the warehouse or `artist_names=`.
NAMES_WITH_COMMAS = (
    "Tyler, The Creator",
    "Earth, Wind & Fire",
    "Crosby, Stills, Nash & Young",
    "Crosby, Stills & Nash",
    "Emerson, Lake & Palmer",
    "Blood, Sweat & Tears",
    "Peter, Paul and Mary",
    "Black Country, New Road",
    "Now, Now",
)


DIMENSIONS = (ARTISTS, TRACKS, TRACK_CREDITS)


# ---------------------------------------------------------------- artists and tracks


class ArtistNames:
    """Splits ", "-joined artist credits, keeping known names that contain ", " whole."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._with_comma: dict[str, str] = {}
        self._memo: dict[str, list[str]] = {}
        self.learn(NAMES_WITH_COMMAS)
        self.learn(known)

    def learn(self, names: Iterable[str]) -> None:
        added = False
        for name in names:
            if name and ", " in name:
                key = ids.artist_id(name)
                if key not in self._with_comma:
                    self._with_comma[key] = name.strip()
                    added = True
        if added:
            self._memo.clear()

    def split(self, joined: str) -> list[str]:
        """'Tyler, The Creator, Kali Uchis' → ['Tyler, The Creator', 'Kali Uchis']."""
        found = self._memo.get(joined)
        if found is not None:
            return found
        pieces = [p.strip() for p in joined.split(", ") if p.strip()]
        names, i = [], 0
        while i < len(pieces):
            for j in range(len(pieces), i + 1, -1):
                candidate = ", ".join(pieces[i:j])
                if ids.artist_id(candidate) in self._with_comma:
                    names.append(candidate)
                    i = j
                    break
            else:
                names.append(pieces[i])
                i += 1
        self._memo[joined] = names
        return names


# How a `track_artists` row's `artists` text is split into names.
SPLIT_COMMA = "comma"  # ", "-joined, resolved with ArtistNames
SPLIT_SEMICOLON = "semicolon"  # "; "-joined, unambiguous
SPLIT_SINGLE = "single"  # one name

TRACK_ARTISTS = pa.schema(
    [
        ("track_id", pa.string()),
        ("title", pa.string()),
        ("artists", pa.string()),
        ("split", pa.string()),
        ("isrc", pa.string()),
        ("release_date", pa.date32()),
    ]
)


def track_artists(
    track_id: pa.ChunkedArray | pa.Array,
    title: pa.ChunkedArray | pa.Array,
    artists: pa.ChunkedArray | pa.Array,
    split: str,
    *,
    isrc: pa.ChunkedArray | pa.Array | None = None,
    release_date: pa.ChunkedArray | pa.Array | None = None,
) -> pa.Table:
    """The distinct (track, title, credited artists) of a file, resolved at write time.

    In the order they first appear: where rows disagree about a track, the write path
    keeps the first value given (kit.warehouse.keep_known_values), as it would had the
    rows been loaded one by one."""
    columns = {"track_id": track_id, "title": title, "artists": artists}
    if isrc is not None:
        columns["isrc"] = isrc
    if release_date is not None:
        columns["release_date"] = release_date
    rows = pa.table(columns)
    distinct = arrow_sql(
        "select * exclude (_first) from ("
        "select * exclude (_row), min(_row) as _first from track_rows group by all"
        ") order by _first",
        track_rows=rows.append_column("_row", pa.array(np.arange(rows.num_rows))),
    )
    n = distinct.num_rows
    return pa.table(
        {
            "track_id": distinct.column("track_id"),
            "title": distinct.column("title"),
            "artists": distinct.column("artists"),
            "split": pa.repeat(pa.scalar(split, pa.string()), n),
            "isrc": distinct.column("isrc") if isrc is not None else pa.nulls(n, pa.string()),
            "release_date": distinct.column("release_date")
            if release_date is not None
            else pa.nulls(n, pa.date32()),
        },
        schema=TRACK_ARTISTS,
    )


class Dimensions:
    """The warehouse's artists, tracks and credits, kept in memory during one ingest."""

    def __init__(self, root: Path) -> None:
        self.existing = {t.name: warehouse.read_table(t.name, root) for t in DIMENSIONS}
        self.names = ArtistNames(self.existing["artists"].column("name").to_pylist())

    def rows_for(self, batch: Sequence[ParsedFile]) -> dict[str, pa.Table]:
        """New or filled-in artists, tracks and credits for a batch of files, in file order."""
        artist_names = [n for p in batch for n in p.artist_names]
        parts = [p.track_artists for p in batch if p.track_artists is not None]
        track_rows = pa.concat_tables(parts) if parts else TRACK_ARTISTS.empty_table()
        credits = self._credits(track_rows)
        names = pa.concat_arrays(
            [
                pa.array(artist_names, pa.string()),
                credits.column("name").combine_chunks().cast(pa.string()),
            ]
        )
        artists = _distinct_first(pa.table({"name": names}), "name")
        artists = artists.add_column(0, "artist_id", artist_ids(artists.column("name")))
        out = {
            "artists": artists,
            "tracks": track_rows.select(["track_id", "title", "isrc", "release_date"]),
            "track_credits": pa.table(
                {
                    "track_id": credits.column("track_id"),
                    "artist_id": artist_ids(credits.column("name")),
                    "role": credits.column("role"),
                    "credit_order": credits.column("credit_order"),
                }
            ),
        }
        return {name: self._changes(TABLES[name], rows) for name, rows in out.items()}

    def _credits(self, track_rows: pa.Table) -> pa.Table:
        """(track_id, name, role, credit_order): first-named artist main, the rest featured."""
        exploded: dict[str, list] = {"artists": [], "split": [], "name": [], "credit_order": []}
        pairs = track_rows.select(["artists", "split"])
        pairs = pairs.group_by(pairs.column_names, use_threads=False).aggregate([])
        # one Python step per distinct credit text, never per row
        for joined, how in zip(
            pairs.column("artists").to_pylist(), pairs.column("split").to_pylist(), strict=True
        ):
            if how == SPLIT_COMMA:
                names = self.names.split(joined)
            elif how == SPLIT_SEMICOLON:
                names = [n.strip() for n in joined.split(";") if n.strip()]
            else:
                names = [joined.strip()]
            for order, name in enumerate(names, start=1):
                exploded["artists"].append(joined)
                exploded["split"].append(how)
                exploded["name"].append(name)
                exploded["credit_order"].append(order)
        names = pa.table(
            exploded,
            schema=pa.schema(
                [
                    ("artists", pa.string()),
                    ("split", pa.string()),
                    ("name", pa.string()),
                    ("credit_order", pa.int16()),
                ]
            ),
        )
        in_order = track_rows.select(["track_id", "artists", "split"])
        joined = (
            in_order.append_column("_row", pa.array(np.arange(in_order.num_rows)))
            .join(names, ["artists", "split"])
            .sort_by([("_row", "ascending"), ("credit_order", "ascending")])
        )
        role = pc.if_else(pc.equal(joined.column("credit_order"), 1), "main", "featured")
        return pa.table(
            {
                "track_id": joined.column("track_id"),
                "name": joined.column("name"),
                "role": role,
                "credit_order": joined.column("credit_order"),
            }
        )

    def _changes(self, table: Table, new: pa.Table) -> pa.Table:
        """The rows a write of `new` would change, by the write path's own rule for
        dimension rows (kit.warehouse.keep_known_values) on the copy in memory: rows the
        warehouse already holds as they would be stored are not written again."""
        new = warehouse.conform(table, new)
        return warehouse.keep_known_values(
            table, self.existing[table.name], new, connection(), changed_only=True
        )

    def written(self, tables: dict[str, pa.Table]) -> None:
        """Take rows that reached the warehouse into the in-memory copy."""
        for table in DIMENSIONS:
            rows = tables.get(table.name)
            if rows is None or not rows.num_rows:
                continue
            old = self.existing[table.name]
            keep = _anti_join(old, rows, list(table.key))
            self.existing[table.name] = pa.concat_tables([keep, rows.cast(table.schema)])
        self.names.learn(self.existing["artists"].column("name").to_pylist())


def artist_ids(names: pa.ChunkedArray | pa.Array) -> pa.Array:
    """kit.ids.artist_id of each name, worked out once per distinct name."""
    distinct = pc.unique(names)
    ids_ = pa.array([ids.artist_id(n) for n in distinct.to_pylist()], pa.string())
    return pc.take(ids_, pc.index_in(names, distinct))


def _distinct_first(rows: pa.Table, key: str | list[str]) -> pa.Table:
    """The first row of each key."""
    if not rows.num_rows:
        return rows
    keys = [key] if isinstance(key, str) else key
    numbered = rows.append_column("_row", pa.array(np.arange(rows.num_rows)))
    firsts = arrow_sql(
        f"""
        select * exclude (_row) from numbered
        qualify row_number() over (partition by {quoted(keys)} order by _row) = 1
        order by _row
        """,
        numbered=numbered,
    )
    return firsts.cast(rows.schema)


def derived_track_id(title: str, artists: Sequence[str]) -> str:
    """The id of a track known only by title and artists: 'title:<artists>/<title>' in slugs."""
    return f"title:{ids.slug(' '.join(artists))}/{ids.slug(title)}"


def _anti_join(old: pa.Table, new: pa.Table, keys: list[str]) -> pa.Table:
    if not old.num_rows:
        return old
    marked = new.select(keys).append_column("_new", pa.array([True] * new.num_rows))
    joined = old.join(marked, keys, join_type="left outer")
    return joined.filter(pc.is_null(joined.column("_new"))).select(old.column_names)

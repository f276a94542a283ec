"""A Query, validated once against one version of the warehouse and pinned to it, and how
kit.query runs SQL on the engine in force: `_run` (Arrow) and `_frame` (typed pandas).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from .. import config, warehouse
from ..countries import country_code, country_name
from ..errors import QueryError
from ..period import PeriodError, PeriodLike, parse_period, period_label
from ..platforms import PLATFORMS, normalise_platform
from ..schema import GLOBAL
from ..warehouse import Snapshot
from .catalogue import Lookups, lookups, platforms_in_order

SUMMARY_COLUMNS = [
    "artist", "platform", "metric", "start_value", "end_value", "difference", "pct_change",
    "average", "peak_value", "peak_date", "points", "coverage", "artist_id",
]  # fmt: skip
BREAKDOWN_COLUMNS = [
    "track_id", "title", "credit", "total_streams", "avg_daily", "peak_streams", "peak_date",
    "best_position", "days_on_chart", "first_chart_date", "last_chart_date", "share", "source",
    "coverage", "peak_kind", "days_with_value",
]  # fmt: skip
TOTALS_COLUMNS = [
    "total_streams", "track_count", "partial_tracks", "tracks_without_streams", "top_track_id",
    "top_track", "top_track_streams", "top_track_share", "average_listeners", "listener_points",
    "streams_per_listener",
]  # fmt: skip
TIMESERIES_COLUMNS = [
    "artist_id", "artist", "platform", "country", "metric", "date", "value", "source", "window_start",
]  # fmt: skip
TRACK_TIMESERIES_COLUMNS = [
    "track_id",
    "title",
    "credit",
    "date",
    "streams",
    "days",
    "kind",
    "source",
]

_TYPES = {
    pa.int64(): pd.Int64Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int16(): pd.Int16Dtype(),
}


@dataclass(frozen=True)
class Query:
    """What the analyst asks about: artists (names or ids), platforms, a country, a period.

    `period` is 'YYYY-MM', 'YYYY-MM-DD:YYYY-MM-DD', a (start, end) pair, or '28d:YYYY-MM-DD'
    (the 28 days that make up the monthly listeners of that day). `platforms` defaults to
    every platform with data for these artists in the country and period (kit/sql/
    platforms_with_data.sql); `country` to GLOBAL (worldwide).

    A Query is pinned to the version of the warehouse it was validated on (`snapshot`):
    every answer asked of it reads that version's files, whatever is committed meanwhile,
    until `refresh()` (or `replace(...)`) gives a query on the latest version."""

    artists: str | Sequence[str]
    period: PeriodLike
    platforms: str | Sequence[str] | None = None
    country: str = GLOBAL
    warehouse: str | os.PathLike | None = None
    check_data: bool = True

    artist_ids: tuple[str, ...] = field(init=False)
    artist_names: tuple[str, ...] = field(init=False)
    platform_slugs: tuple[str, ...] = field(init=False)
    country_code: str = field(init=False)
    start: dt.date = field(init=False)
    end: dt.date = field(init=False)
    warehouse_path: Path = field(init=False)
    snapshot: Snapshot = field(init=False, repr=False)

    def __post_init__(self) -> None:
        root = config.warehouse_path(self.warehouse)
        if not root.exists():
            raise QueryError(f"No warehouse at {root}: run `kit demo` or ingest data first.")
        set_ = object.__setattr__
        set_(self, "warehouse_path", root)
        set_(self, "snapshot", warehouse.snapshot(root))
        known = lookups(self.snapshot)

        def window_start(d: dt.date) -> dt.date:
            cur = known.cursor()
            return cur.execute("select listeners_window_start(?)", [d]).fetchall()[0][0]

        try:
            start, end = parse_period(self.period, window_start)
        except PeriodError as exc:
            raise QueryError(str(exc)) from None
        set_(self, "start", start)
        set_(self, "end", end)
        try:
            set_(self, "country_code", country_code(self.country))
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        ids, names = _resolve_artists(known, self.artists)
        set_(self, "artist_ids", ids)
        set_(self, "artist_names", names)
        set_(
            self,
            "platform_slugs",
            _resolve_platforms(known, self.platforms, ids, self.country_code, start, end),
        )
        if self.check_data:
            _require_data(known, self)

    @property
    def version(self) -> int:
        """The version of the warehouse this query reads (0: one of the previous kit)."""
        return self.snapshot.version

    @property
    def period_label(self) -> str:
        return period_label(self.start, self.end)

    @property
    def country_label(self) -> str:
        return country_name(self.country_code)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def artist_id(self, artist: str) -> str:
        """The id of one of this query's artists, given by name or id."""
        for aid, name in zip(self.artist_ids, self.artist_names, strict=True):
            if artist in (aid, name) or artist.casefold() == name.casefold():
                return aid
        raise QueryError(
            f"Artist {artist!r} is not part of this query ({', '.join(self.artist_names)})."
        )

    def artist_name(self, artist: str) -> str:
        return self.artist_names[self.artist_ids.index(self.artist_id(artist))]

    def platform(self, platform: str) -> str:
        slug = normalise_platform(platform)
        if slug not in self.platform_slugs:
            raise QueryError(
                f"Platform {platform!r} is not part of this query ({', '.join(self.platform_slugs)})."
            )
        return slug

    def replace(self, **changes) -> Query:
        """A new query with some fields changed, validated on the latest version."""
        fields = {
            "artists": self.artists,
            "period": self.period,
            "platforms": self.platforms,
            "country": self.country,
            "warehouse": self.warehouse_path,
            "check_data": self.check_data,
        }
        fields.update(changes)
        return Query(**fields)

    def refresh(self) -> Query:
        """The same query on the latest version of the warehouse (validated again)."""
        return self.replace()


def _resolve_artists(
    known: Lookups, artists: str | Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    wanted = [artists] if isinstance(artists, str) else list(artists)
    if not wanted:
        raise QueryError("No artist given: name at least one artist.")
    by_id, by_name = known.by_id, known.by_name
    ids, names = [], []
    for w in wanted:
        text = str(w).strip()
        if text in by_id:
            ids.append(text)
            names.append(by_id[text])
        elif text.casefold() in by_name:
            a, n = by_name[text.casefold()]
            ids.append(a)
            names.append(n)
        else:
            close = difflib.get_close_matches(text, [n for _, n in known.artists], n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise QueryError(f"Unknown artist {text!r}.{hint}")
    return tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(names))


def _resolve_platforms(
    known: Lookups,
    platforms: str | Sequence[str] | None,
    artist_ids: tuple[str, ...],
    country: str,
    start: dt.date,
    end: dt.date,
) -> tuple[str, ...]:
    if platforms is None or platforms == [] or platforms == ():
        return platforms_in_order(known.platforms_present(artist_ids, country, start, end))
    return known_platforms([platforms] if isinstance(platforms, str) else platforms)


def known_platforms(platforms: Sequence[object]) -> tuple[str, ...]:
    """The platforms' slugs in the order given, once each; an unknown name is refused with
    the known ones and the closest."""
    out = []
    for p in platforms:
        slug = normalise_platform(str(p))
        if slug not in PLATFORMS:
            close = difflib.get_close_matches(slug, list(PLATFORMS), n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise QueryError(
                f"Unknown platform {p!r}: expected one of {', '.join(PLATFORMS)}.{hint}"
            )
        out.append(slug)
    return tuple(dict.fromkeys(out))


_platforms_in_order = platforms_in_order


def _require_data(known: Lookups, q: Query) -> None:
    if q.platform_slugs and not q.platforms:
        return  # the default platforms are those with data (platforms_with_data)
    # The About sheet's list of sources (period_sources) is exactly "the data there is":
    # none means no answer. Both it and platforms_with_data count the rows of period_rows,
    # so it has rows on the query's platforms exactly when one of them has data.
    with_data = known.platforms_present(
        q.artist_ids, q.country_code, q.start, q.end, among=q.platform_slugs
    )
    if with_data:
        return
    span = known.data_span(q.artist_ids, q.country_code)
    where = (
        f" The warehouse has data for them in {q.country_code} from {span[0]} to {span[1]}."
        if span and span[0]
        else f" The warehouse has no data for them in {q.country_code}."
    )
    raise QueryError(
        f"No data for {', '.join(q.artist_names)} on {', '.join(q.platform_slugs) or 'any platform'} "
        f"in {q.country_code} from {q.start} to {q.end}.{where}"
    )


def _run(cur, sql: str, params: dict | None = None) -> pa.Table:
    """The answer of `sql` as Arrow, on the engine in force.

    On DuckDB, execute() binds and plans the query once, where a relation from .sql() parses
    and binds it again when fetched (about a fifth more CPU per breakdown, measured by the
    benchmark); the copy DuckDB warns about costs less than that for answers this size.
    Only the `params` that `sql` names are passed: DuckDB refuses others, and a statement
    may leave some out (rows read as stored are of the platform already)."""
    if params:
        params = {k: v for k, v in params.items() if re.search(rf"\${re.escape(k)}\b", sql)}
    if isinstance(cur, duckdb.DuckDBPyConnection):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
            return cur.execute(sql, params).to_arrow_table()
    return cur.sql(sql, params=params).to_arrow_table()


def _frame(table: pa.Table, columns: list[str]) -> pd.DataFrame:
    # the columns are picked in Arrow: pandas would copy every column to reorder them
    return (table.select(columns) if columns else table).to_pandas(
        types_mapper=_TYPES.get, date_as_object=False
    )


def _base_params(q: Query) -> dict:
    return {"country": q.country_code, "start": q.start, "end": q.end}


def _selection_params(q: Query) -> dict:
    """The query's artists, platforms, country and period, as the macros take them."""
    return {"artists": list(q.artist_ids), "platforms": list(q.platform_slugs), **_base_params(q)}

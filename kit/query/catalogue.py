"""What a warehouse holds, read once per version in a process: the artists and their
names, the platforms with data for a selection, the data spans, the pickers' catalogue.

A Query is validated against these (kit/query/core.py). They are kept per snapshot
(kit.warehouse: warehouse and version), so nothing goes stale: a commit, by this process
or another, is a new version, and the next Query built reads the new one. The answers
come from the same SQL as always (kit/sql/platforms_with_data.sql, data_span.sql); only
the reading is not repeated.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from .. import config, db, warehouse
from ..period import months_of, serving_months
from ..platforms import PLATFORMS
from ..warehouse import Snapshot
from . import stored

# snapshots whose lookups are kept, the least recently used dropped
SNAPSHOTS_KEPT = 8
# selections whose platforms with data are kept per snapshot
SELECTIONS_KEPT = 4096
# The tables kit/sql/period_rows.sql reads rows of.
PERIOD_ROWS_TABLES = ("artist_audience", "chart_entries", "track_streams")
# The most artist × month × platform reads of stored breakdown rows a Query's check makes
# before its statement (Lookups._breakdown_stored): each costs up to a row group's
# decoding (0.3-1 ms) where the statement costs 10-20 ms at the benchmark's scale, and a
# platform without rows is read in every month before the statement answers it.
STORED_CHECK_READS = 12
# A period that holds every date the warehouse can carry: "anywhere in the warehouse".
ALL_TIME = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))


@dataclass(frozen=True)
class Catalogue:
    """What a warehouse holds, for pickers: artists (id, name) by name, the platforms and
    countries with dated data, and the first and last date with data anywhere."""

    artists: tuple[tuple[str, str], ...]
    platforms: tuple[str, ...]
    countries: tuple[str, ...]
    first_date: dt.date | None
    last_date: dt.date | None


def platforms_in_order(slugs) -> tuple[str, ...]:
    """Known platforms in the order of kit.platforms, then any others by name."""
    found = set(slugs)
    return tuple([p for p in PLATFORMS if p in found] + sorted(found - set(PLATFORMS)))


@dataclass
class Lookups:
    """One snapshot's answers to what validating a Query asks, each read once."""

    snapshot: Snapshot
    artists: tuple[tuple[str, str], ...]  # (artist_id, name), by name then id
    by_id: dict[str, str] = field(init=False)
    by_name: dict[str, tuple[str, str]] = field(init=False)  # casefolded name → (id, name)
    _platforms: OrderedDict = field(init=False, default_factory=OrderedDict)
    _served: OrderedDict = field(init=False, default_factory=OrderedDict)
    _catalogue: Catalogue | None = field(init=False, default=None)
    _filed: tuple[dict[str, frozenset[str]] | None] | None = field(init=False, default=None)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.by_id = dict(self.artists)
        self.by_name = {n.casefold(): (a, n) for a, n in self.artists}

    def cursor(self):
        return db.cursor(snapshot=self.snapshot)

    def platforms_with_data(
        self,
        artist_ids: tuple[str, ...],
        country: str,
        start: dt.date,
        end: dt.date,
        among: tuple[str, ...] | None = None,
    ) -> dict[str, tuple[dt.date, dt.date]]:
        """{platform: (first date, last date)} with rows of period_rows for these artists
        in the country and period (kit/sql/platforms_with_data.sql); with `among`, only
        those of these platforms (the files of the others are not read)."""
        return self._platforms_with_data(tuple(artist_ids), country, start, end, among, ())

    def _platforms_with_data(
        self,
        artist_ids: tuple[str, ...],
        country: str,
        start: dt.date,
        end: dt.date,
        among: tuple[str, ...] | None,
        excluding: tuple[str, ...],
    ) -> dict[str, tuple[dt.date, dt.date]]:
        every = (artist_ids, country, start, end, None, ())
        key = (*every[:4], among and tuple(among), tuple(excluding))
        with self._lock:
            found = self._platforms.get(key)
            if found is None and every in self._platforms:
                found = {
                    p: s
                    for p, s in self._platforms[every].items()
                    if (among is None or p in among) and p not in excluding
                }
        if found is None:
            rows = self.cursor().execute(
                "select platform, first_date, last_date "
                "from platforms_with_data($artists, $country, $start, $end) "
                "where ($among is null or list_contains($among, platform)) "
                "and not list_contains($excluding, platform)",
                {
                    "artists": list(artist_ids),
                    "country": country,
                    "start": start,
                    "end": end,
                    "among": None if among is None else list(among),
                    "excluding": list(excluding),
                },
            )
            found = {p: (first, last) for p, first, last in rows.fetchall()}
            self._keep(self._platforms, key, found)
        return found

    def platforms_present(
        self,
        artist_ids: tuple[str, ...],
        country: str,
        start: dt.date,
        end: dt.date,
        among: tuple[str, ...] | None = None,
    ) -> frozenset[str]:
        """The platforms of platforms_with_data (among `among`), without their dates. On a
        version with a serving layer, its whole months show most of them in one small read
        (kit/sql/platforms_served.sql, only the files of `among`'s platforms); only the
        platforms they do not show are looked for in the base tables, and not at all when
        they show every platform of `among`."""
        among = None if among is None else tuple(sorted(set(among)))
        filed = self.platforms_with_files(start, end)
        if filed is not None:
            # a platform without a file in the period's months has no rows in it
            among = tuple(sorted(p for p in (filed if among is None else among) if p in filed))
            if not among:
                return frozenset()
        shown = self._platforms_served(tuple(artist_ids), country, start, end, among)
        if among is not None and len(shown) == len(among):
            return shown
        rest = self._platforms_with_data(
            tuple(artist_ids), country, start, end, among, tuple(sorted(shown))
        )
        return shown | frozenset(rest)

    def _platforms_served(
        self,
        artist_ids: tuple[str, ...],
        country: str,
        start: dt.date,
        end: dt.date,
        among: tuple[str, ...] | None = None,
    ) -> frozenset[str]:
        first, last = serving_months(start, end)
        if self.snapshot.serving != warehouse.SERVING_FORMAT or first is None:
            return frozenset()
        every = (artist_ids, country, first, last, None)
        key = (*every[:4], among)
        with self._lock:
            found = self._served.get(key)
            if found is None and every in self._served:
                found = self._served[every] & frozenset(among or ())
        reads = len(artist_ids) * len(months_of(first, last)) * len(among or ())
        if found is None and 0 < reads <= STORED_CHECK_READS:
            # the artists' stored breakdown rows show most platforms without a statement;
            # once one is not shown, the statement answers them all
            if all(self._breakdown_stored(artist_ids, country, first, last, p) for p in among):
                found = frozenset(among)
                self._keep(self._served, key, found)
        if found is None:
            # platform is a partition column: with `among`, only its platforms' files are read
            rows = self.cursor().execute(
                "select platform from platforms_served($artists, $country, $first, $last)"
                + ("" if among is None else " where list_contains($among, platform)"),
                {
                    "artists": list(artist_ids),
                    "country": country,
                    "first": first,
                    "last": last,
                    **({} if among is None else {"among": list(among)}),
                },
            )
            found = frozenset(p for (p,) in rows.fetchall())
            self._keep(self._served, key, found)
        return found

    def _breakdown_stored(
        self,
        artist_ids: tuple[str, ...],
        country: str,
        first: dt.date,
        last: dt.date,
        platform: str,
    ) -> bool:
        """Whether artist_track_month holds a row of one of the artists on `platform` in
        the country in a month from `first` to `last`: a row of track_month of one of
        their tracks with a value or a chart entry dated in the month, the rows
        platforms_served's track_platforms finds (kit/sql/artist_track_month_rows.sql
        keeps those, once per credited artist). Read with Arrow from the row groups the
        footers name (kit/query/stored.py), as a month's breakdown is: a fraction of the
        statement's cost."""
        return any(
            (rows := stored.artist_month_rows(
                self.snapshot, "artist_track_month", platform, month, country.upper(), artist_id,
                ("track_id",),
            )) is not None and rows.num_rows
            for month in months_of(first, last)
            for artist_id in artist_ids
        )  # fmt: skip

    def platforms_with_files(self, start: dt.date, end: dt.date) -> frozenset[str] | None:
        """The platforms with a file of the tables period_rows reads (artist_audience,
        chart_entries, track_streams) in a month of [start, end], from the snapshot's file
        list alone; None when a file of theirs is not in a platform × month folder (it may
        hold any platform and date)."""
        if self._filed is None:
            self._filed = (months_filed(self.snapshot),)
        (filed,) = self._filed
        if filed is None:
            return None
        first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
        return frozenset(
            p for p, months in filed.items() if any(first <= m <= last for m in months)
        )

    def _keep(self, kept: OrderedDict, key: tuple, value) -> None:
        with self._lock:
            kept[key] = value
            while len(kept) > SELECTIONS_KEPT:
                kept.popitem(last=False)

    def data_span(
        self, artist_ids: tuple[str, ...], country: str
    ) -> tuple[dt.date | None, dt.date | None]:
        """The first and last date with data for these artists in the country, anywhere."""
        spans = self.platforms_with_data(artist_ids, country, *ALL_TIME).values()
        if not spans:
            return None, None
        return min(first for first, _ in spans), max(last for _, last in spans)

    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            # data_span reads every dated row of the warehouse: once, not once per answer
            platforms, countries, first, last = (
                self.cursor()
                .execute(
                    """
                    with spans as materialized (select * from data_span)
                    select
                        (select list(distinct platform order by platform) from spans),
                        (select list(distinct country order by country) from spans),
                        (select min(first_date) from spans),
                        (select max(last_date) from spans)
                    """
                )
                .fetchall()[0]
            )
            self._catalogue = Catalogue(
                artists=self.artists,
                platforms=platforms_in_order(platforms or ()),
                countries=tuple(countries or ()),
                first_date=first,
                last_date=last,
            )
        return self._catalogue


def months_filed(snap: Snapshot) -> dict[str, frozenset[str]] | None:
    """{platform: the months with a file} of the tables period_rows reads, from the
    snapshot's file list; None when one of their files is not in a platform × month folder."""
    filed: dict[str, set[str]] = {}
    for table in PERIOD_ROWS_TABLES:
        for partition in warehouse.files_by_partition(snap, table):
            if partition is None:
                return None
            filed.setdefault(partition[0], set()).add(partition[1])
    return {platform: frozenset(months) for platform, months in filed.items()}


_kept: OrderedDict[tuple, Lookups] = OrderedDict()
_kept_lock = threading.Lock()


def lookups(snap: Snapshot) -> Lookups:
    """The lookups of one snapshot, read on first use and kept."""
    with _kept_lock:
        found = _kept.get(snap.key)
        if found is not None:
            _kept.move_to_end(snap.key)
            return found
    artists = (
        db.cursor(snapshot=snap)
        .execute("select artist_id, name from artists order by name, artist_id")
        .fetchall()
    )
    found = Lookups(snap, tuple((a, n) for a, n in artists))
    with _kept_lock:
        found = _kept.setdefault(snap.key, found)
        while len(_kept) > SNAPSHOTS_KEPT:
            _kept.popitem(last=False)
    return found


def catalogue(warehouse_dir: str | os.PathLike | None = None) -> Catalogue:
    """The warehouse's artists, platforms, countries and date span (kit/sql/data_span.sql),
    as of its latest version."""
    return lookups(warehouse.snapshot(config.warehouse_path(warehouse_dir))).catalogue()

"""Shared checks of the serving layer: answers computed both ways, and stored serving rows
against rows recomputed from the base tables of the same version."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from kit import db, warehouse
from kit.query import parts
from kit.schema import TABLES

SERVING_MACROS = {
    "track_day": "track_day_rows",
    "chart_week": "chart_week_rows",
    "track_month": "track_month_rows",
    "audience_month": "audience_month_rows",
    "artist_track_month": "artist_track_month_rows",
    "artist_track_day": "artist_track_day_rows",
    "artist_track_movers": "artist_track_movers_rows",
}
# the macros that compute a run of months, from the first's first day to the last's last
SPANNING_MACROS = {
    "track_day_rows", "chart_week_rows", "artist_track_month_rows", "artist_track_day_rows",
    "artist_track_movers_rows",
}  # fmt: skip


@contextlib.contextmanager
def from_the_base_tables() -> Iterator[None]:
    """Inside the block, kit.query answers from the definitions over the base tables."""
    served = parts.served
    parts.served = lambda q: False
    try:
        yield
    finally:
        parts.served = served


def both_ways(answer, *args, **kwargs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(from the base tables, from the serving layer) of one answer."""
    q = args[0]
    assert parts.served(q), "the query's version has no serving layer"
    with from_the_base_tables():
        base = answer(*args, **kwargs)
    return base, answer(*args, **kwargs)


def assert_same_both_ways(answer, *args, **kwargs) -> pd.DataFrame:
    base, served = both_ways(answer, *args, **kwargs)
    pd.testing.assert_frame_equal(served, base, check_dtype=True, check_exact=True)
    return base


def _rows(con, sql: str, params=None) -> pd.DataFrame:
    df = con.sql(sql, params=params).df()
    df = df.map(lambda v: tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else v)
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def assert_serving_matches_base(root: Path) -> None:
    """The latest version's serving rows are exactly what its base tables give, for every
    platform × month, and the version says it has a serving layer."""
    snap = warehouse.snapshot(root)
    assert snap.serving == warehouse.SERVING_FORMAT
    con = db.connect(snapshot=snap)
    for table, macro in SERVING_MACROS.items():
        columns = ", ".join(f'"{c}"' for c in TABLES[table].file_schema.names)
        stored = _rows(con, f"select platform, month, {columns} from {table}")
        months = con.sql(
            "select distinct platform, month from chart_entries union "
            "select distinct platform, month from track_streams union "
            "select distinct platform, month from artist_audience"
        ).fetchall()
        # and the neighbours a month's weekly figures reach, and the month after those,
        # whose movers compare with them
        wanted = set()
        for platform, month in months:
            first = dt.date(int(month[:4]), int(month[5:7]), 1)
            after = (first + dt.timedelta(days=40), first + dt.timedelta(days=70))
            for day in (first - dt.timedelta(days=1), first, *after):
                wanted.add((platform, day.replace(day=1)))
        # a month at a time (the macros of several months at once: from its first day to
        # its last)
        spans = ", last_day(cast('{m}' as date))" if macro in SPANNING_MACROS else ""
        parts = [
            f"select '{p}' as platform, strftime(cast('{m}' as date), '%Y-%m') as month, {columns} "
            f"from {macro}('{p}', cast('{m}' as date){spans.format(m=m)})"
            for p, m in sorted(wanted)
        ]
        recomputed = _rows(con, " union all ".join(parts))
        pd.testing.assert_frame_equal(stored, recomputed, check_exact=True)
    con.close()


def statements_run(monkeypatch) -> list[str]:
    """The SQL of every statement kit.query runs from now on (its one execution helper,
    kit.query.core._run, counted), in order."""
    from kit.query import core

    ran: list[str] = []
    run = core._run

    def counted(cur, sql, params=None):
        ran.append(sql)
        return run(cur, sql, params)

    monkeypatch.setattr(core, "_run", counted)
    return ran

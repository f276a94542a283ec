"""What moved: a period against the period it is compared with."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .. import db, engine
from ..errors import QueryError
from ..period import PeriodError, comparison_period
from . import core
from .core import SUMMARY_COLUMNS, Query, _base_params, _frame, _selection_params

# ---------------------------------------------------------------------------------------
# What moved: a period against the period it is compared with (README, "What moved and
# what is noteworthy"). The comparison period is kit.period.comparison_period's.

AUDIENCE_COMPARISON_COLUMNS = [
    *SUMMARY_COLUMNS, "previous_end_value", "previous_average", "previous_coverage",
    "end_change", "end_pct_change", "average_change", "average_pct_change",
]  # fmt: skip
MOVERS_COLUMNS = [
    "track_id", "title", "credit", "streams", "previous_streams", "change", "pct_change",
    "contribution", "best_position", "previous_best_position", "rank", "previous_rank",
    "status", "coverage", "previous_coverage", "previous_partial",
]  # fmt: skip
# Sorting by these puts the largest first; by any other column, the smallest.
_LARGEST_FIRST = {
    "streams", "previous_streams", "change", "pct_change", "contribution", "coverage",
    "previous_coverage", "previous_partial",
}  # fmt: skip


def previous_period(q: Query, compare: str = "previous") -> tuple[dt.date, dt.date]:
    """The period the query's period is compared with (kit.period.comparison_period)."""
    try:
        return comparison_period(q.start, q.end, compare)
    except PeriodError as exc:
        raise QueryError(str(exc)) from None


def audience_comparison(q: Query, compare: str = "previous") -> pd.DataFrame:
    """summary(q) with the comparison period's end value, average and coverage beside each
    row, and the changes: one row per artist × platform × metric with points in the period."""
    previous_start, previous_end = previous_period(q, compare)
    cur = engine.cursor(q.warehouse_path)
    result = core._run(
        cur,
        """
        select * from audience_comparison(
            $artists, $platforms, $country, $start, $end, $previous_start, $previous_end)
        """,
        params={
            **_selection_params(q),
            "previous_start": previous_start,
            "previous_end": previous_end,
        },
    )
    out = _frame(result, AUDIENCE_COMPARISON_COLUMNS)
    out.attrs["previous_period"] = (previous_start, previous_end)
    return out


def movers(
    q: Query,
    artist: str,
    platform: str,
    compare: str = "previous",
    *,
    sort: str | None = None,
    descending: bool | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """What moved between the comparison period and the query's period: one row per track
    of either period's breakdown of `artist` on `platform` (kit/sql/track_movers.sql).

    Default order: the largest change first, up or down. `sort` names any column (change,
    contribution, pct_change… largest first; rank, title… smallest first); `limit` keeps
    the first rows. `.attrs["previous_period"]` is the comparison period (start, end).
    A comparison period without any data for the artist on the platform in the country is
    refused: every track would look new."""
    artist_id, slug = q.artist_id(artist), q.platform(platform)
    previous_start, previous_end = previous_period(q, compare)
    cur = engine.cursor(q.warehouse_path)
    params = {
        "artist": artist_id,
        "platform": slug,
        **_base_params(q),
        "previous_start": previous_start,
        "previous_end": previous_end,
    }
    order = ""
    if sort is not None:
        if sort not in MOVERS_COLUMNS:
            raise QueryError(
                f"Cannot sort by {sort!r}: expected one of {', '.join(MOVERS_COLUMNS)}."
            )
        largest_first = sort in _LARGEST_FIRST if descending is None else descending
        direction = "desc" if largest_first else "asc"
        order = (
            f'order by "{sort}" {direction} nulls last, abs(change) desc nulls last, '
            "rank asc nulls last, previous_rank asc nulls last, track_id"
        )
    page = ""
    if limit is not None:
        if limit < 0:
            raise QueryError("limit must be zero or more.")
        page = "limit $limit"
        params["limit"] = int(limit)
    result = core._run(
        cur,
        f"""
        select * from track_movers(
            $artist, $platform, $country, $start, $end, $previous_start, $previous_end)
        {order} {page}
        """,
        params=params,
    )
    out = _frame(result, MOVERS_COLUMNS)
    if out["previous_rank"].isna().all():  # no track then: is there any data at all?
        _require_comparison_data(q, artist_id, slug, previous_start, previous_end)
    out.attrs["previous_period"] = (previous_start, previous_end)
    return out


def _require_comparison_data(
    q: Query, artist_id: str, platform: str, start: dt.date, end: dt.date
) -> None:
    cur = db.cursor(q.warehouse_path)
    params = {
        "artists": [artist_id],
        "platforms": [platform],
        "country": q.country_code,
        "start": start,
        "end": end,
    }
    found = cur.execute(
        "select count(*) from period_sources($artists, $platforms, $country, $start, $end)",
        params,
    ).fetchall()[0][0]
    if not found:
        raise QueryError(
            f"No data for {q.artist_name(artist_id)} on {platform} in {q.country_code} "
            f"from {start} to {end}, the period {q.period_label} is compared with: nothing "
            "to compare with. Pick another period or comparison."
        )

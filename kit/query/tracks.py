"""Track detail: a track by id or title, its chart positions, its growth over the period, and
tracks compared side by side.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from .. import config, db, engine
from ..countries import country_code
from ..errors import QueryError
from ..platforms import PLATFORMS, normalise_platform
from . import answers, core, parts
from .core import (
    BREAKDOWN_COLUMNS,
    TOTALS_COLUMNS,
    TRACK_TIMESERIES_COLUMNS,
    Query,
    _base_params,
    _frame,
)

POSITIONS_COLUMNS = [
    "date", "country", "frequency", "position", "chart", "track_id", "title", "streams",
]  # fmt: skip
GROWTH_COLUMNS = [
    "track_id", "half_days", "first_half_streams", "second_half_streams", "half_change",
]  # fmt: skip
COMPARISON_COLUMNS = [
    "track_id", "title", "date", "streams", "days", "kind", "source", "release_date",
    "chart_entry_date", "days_since_release", "days_since_chart_entry",
]  # fmt: skip
ALIGNMENTS = {
    "date": "date",
    "release": "days_since_release",
    "chart_entry": "days_since_chart_entry",
}


def resolve_track(q: Query, track: str) -> str:
    """The id of a track given by id, or by title among the tracks credited to the query's
    artists (case-insensitive). An unknown or ambiguous title raises QueryError."""
    cur = db.cursor(snapshot=q.snapshot)
    text = str(track).strip()
    if cur.execute("select 1 from tracks where track_id = ?", [text]).fetchall():
        return text
    known = cur.execute(
        """
        select distinct t.track_id, t.title from tracks as t
        join track_credits as tc on tc.track_id = t.track_id
        where list_contains(?, tc.artist_id)
        order by t.title, t.track_id
        """,
        [list(q.artist_ids)],
    ).fetchall()
    found = [tid for tid, title in known if (title or "").casefold() == text.casefold()]
    if len(found) == 1:
        return found[0]
    if found:
        raise QueryError(
            f"Several tracks of {', '.join(q.artist_names)} are titled {text!r} "
            f"({', '.join(found)}): give the track id."
        )
    close = difflib.get_close_matches(text, [title for _, title in known if title], n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise QueryError(f"No track {text!r} of {', '.join(q.artist_names)}.{hint}")


def positions(
    q: Query,
    track: str,
    platform: str = "spotify",
    *,
    countries: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The chart positions of one track (id, or title of a track of the query's artists) on
    the platform's top chart over the query's period: one row per entry, in every country
    whose chart it was on (the query's country does not restrict it; `countries` does),
    daily and weekly (a weekly row is dated on its week's last day). Days off the chart
    have no row (kit/sql/track_positions.sql)."""
    slug = normalise_platform(platform)
    if slug not in PLATFORMS:
        raise QueryError(f"Unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}.")
    try:
        wanted = [country_code(c) for c in countries] if countries else None
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
        cur,
        """
        select * from track_positions($track, $platform, $start, $end)
        where $countries is null or list_contains($countries, country)
        order by country, frequency, date
        """,
        params={
            "track": resolve_track(q, track),
            "platform": slug,
            "countries": wanted,
            "start": q.start,
            "end": q.end,
        },
    )
    return _frame(result, POSITIONS_COLUMNS)


def track_growth(q: Query, artist: str, platform: str) -> pd.DataFrame:
    """Per track of the artist's breakdown: its counted streams in the first and second
    half of the period and the change between them (kit/sql/track_growth.sql; from the
    serving layer when the query's version has one, kit/sql/track_growth_served.sql)."""
    params = {"artist": q.artist_id(artist), "platform": q.platform(platform), **_base_params(q)}
    macro = "track_growth_served" if parts.served(q) else "track_growth"
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
        cur,
        f"select * from {macro}($artist, $platform, $country, $start, $end) order by track_id",
        params=params,
    )
    return _frame(result, GROWTH_COLUMNS)


def track_series_and_growth(
    q: Query, artist: str, platform: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(track_timeseries(q, artist, platform), track_growth(q, artist, platform)): the same
    two frames, read in one statement when the query's version has a serving layer
    (kit/sql/artist_track_daily_growth.sql: the series' rows, each with its track's growth;
    the growth frame is each track's first row), else by the two answers."""
    if not parts.served(q):
        return answers.track_timeseries(q, artist, platform), track_growth(q, artist, platform)
    params = {"artist": q.artist_id(artist), "platform": q.platform(platform), **_base_params(q)}
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
        cur,
        """
        select * from artist_track_daily_growth($artist, $platform, $country, $start, $end)
        order by track_id, date
        """,
        params=params,
    )
    return _series_and_growth(_frame(result, []))


def _series_and_growth(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of artist_track_daily_growth as the two frames: the series, and the growth
    of each track (its first row's growth columns)."""
    growth = rows.drop_duplicates("track_id")[GROWTH_COLUMNS].reset_index(drop=True)
    return rows[TRACK_TIMESERIES_COLUMNS], growth


class BreakdownAndSeries(NamedTuple):
    """What one artist × platform row shows: the four answers of breakdown_and_series."""

    breakdown: pd.DataFrame  # breakdown(q, artist, platform), in its default order
    totals: pd.DataFrame  # breakdown_totals(q, artist, platform): the footer, one row
    series: pd.DataFrame  # track_timeseries(q, artist, platform)
    growth: pd.DataFrame  # track_growth(q, artist, platform)


def breakdown_and_series(q: Query, artist: str, platform: str) -> BreakdownAndSeries:
    """(breakdown, breakdown_totals, track_timeseries, track_growth) of one artist ×
    platform, the same four frames, read in one statement when the query's version has a
    serving layer (kit/sql/breakdown_and_series.sql: one row holding each answer's rows as a
    list), else by the answers themselves. What an Explorer row and the report's rows show."""
    aid, slug = q.artist_id(artist), q.platform(platform)
    if not parts.served(q):
        series, growth = track_series_and_growth(q, aid, slug)
        return BreakdownAndSeries(
            answers.breakdown(q, aid, slug), answers.breakdown_totals(q, aid, slug), series, growth
        )
    params = {"artist": aid, "platform": slug, **_base_params(q)}
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
        cur,
        f"""
        with {parts.served_totals_parts(q, params)},
        series as (select * from artist_track_daily_served($artist, $platform, $country, $start, $end))
        select * from breakdown_and_series('breakdown', 'listener_parts', 'series', $start, $end)
        """,
        params=params,
    )
    return BreakdownAndSeries(
        _frame(_listed_rows(result, "breakdown"), BREAKDOWN_COLUMNS),
        _frame(_listed_rows(result, "totals"), TOTALS_COLUMNS),
        _frame(_listed_rows(result, "series"), TRACK_TIMESERIES_COLUMNS),
        _frame(_listed_rows(result, "growth"), GROWTH_COLUMNS),
    )


def _listed_rows(result: pa.Table, column: str) -> pa.Table:
    """The rows held by `column` of a one-row result, a list of rows (none where it is
    null: an empty list) or one row, as a table of their columns."""
    values = result.column(column).combine_chunks()
    if pa.types.is_list(values.type):
        values = values.flatten()
    return pa.Table.from_struct_array(values)


def track_comparison(
    q: Query,
    tracks: Sequence[tuple[str, str]],
    *,
    align: str = "date",
) -> pd.DataFrame:
    """The counted streams of 2–6 tracks, each given as (platform, track id or title), in
    the query's country, one row per track × day (or week, days = 7) as the breakdown
    counts them (kit/sql/track_comparison.sql); the tracks may be any artists'.

    `align` says which days are compared and what `x` holds:
    - "date": the query's period for every track; x is the date;
    - "release": each track's first N days from its release date, N = the query's days
      (day 0 = release day); x is days since release;
    - "chart_entry": likewise from the track's first day on the platform's top chart for
      the country anywhere in the warehouse (kit/sql/track_milestones.sql).
    A track whose release or chart-entry day is unknown has no rows under that alignment;
    its title is listed in `.attrs["unaligned"]`; `.attrs["titles"]` lists every track's."""
    if align not in ALIGNMENTS:
        raise QueryError(f"Unknown alignment {align!r}: expected one of {', '.join(ALIGNMENTS)}.")
    if not 2 <= len(tracks) <= 6:
        raise QueryError(f"Pick 2 to 6 tracks to compare ({len(tracks)} picked).")
    cur = engine.cursor(snapshot=q.snapshot)
    frames, titles, unaligned = [], [], []
    for platform, track in tracks:
        slug = normalise_platform(platform)
        if slug not in PLATFORMS:
            raise QueryError(
                f"Unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}."
            )
        params = {"track": resolve_track(q, track), "platform": slug, "country": q.country_code}
        milestones = _frame(
            core._run(
                cur, "select * from track_milestones($track, $platform, $country)", params=params
            ),
            [],
        )
        titles.append(milestones["title"].iloc[0])
        start, end = q.start, q.end
        if align != "date":
            day = milestones[f"{align}_date"].iloc[0]
            if pd.isna(day):
                unaligned.append(titles[-1])
                continue
            start = pd.Timestamp(day).date()
            end = start + dt.timedelta(days=q.days - 1)
        result = core._run(
            cur,
            """
            select * from track_comparison($track, $platform, $country, $start, $end)
            order by date
            """,
            params={**params, "start": start, "end": end},
        )
        frames.append(_frame(result, COMPARISON_COLUMNS).assign(platform=slug))
    columns = ["platform", *COMPARISON_COLUMNS]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out = out[columns]
    out["x"] = out[ALIGNMENTS[align]]
    out.attrs["titles"] = titles
    out.attrs["unaligned"] = unaligned
    return out


def track_artists(track_id: str, warehouse: str | os.PathLike | None = None) -> tuple[str, ...]:
    """The ids of the artists credited on a track, main artists first; () when unknown."""
    cur = db.cursor(config.warehouse_path(warehouse))
    rows = cur.execute(
        """
        select artist_id from track_credits where track_id = ?
        order by role = 'main' desc, artist_id
        """,
        [str(track_id).strip()],
    ).fetchall()
    return tuple(dict.fromkeys(r[0] for r in rows))

"""From SoundCharts answers to warehouse rows: what each endpoint means in our tables.

Plain functions over the JSON the API documents; no HTTP here. Each returns a list of row
dicts for one warehouse table, with `source = 'soundcharts'`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ...platforms import PLATFORMS
from ...schema import GLOBAL
from .. import cumulative
from ..arrow_sql import arrow_sql

SOURCE = "soundcharts"


@dataclass(frozen=True)
class ScPlatform:
    """What SoundCharts offers for one of our platforms (from its endpoint documentation)."""

    code: str  # SoundCharts' platform code
    listening_metric: str | None  # /streaming/{code}/listening: what `value` measures
    local_listening: bool  # /streaming/{code} carries countryPlots (Spotify, YouTube)
    followers: bool  # /audience/{code}: followerCount
    song_audience: bool  # /song/{uuid}/audience/{code}: cumulative streams/plays/views
    charts: bool  # song charts exist on this platform


SC_PLATFORMS: dict[str, ScPlatform] = {
    "spotify": ScPlatform("spotify", "monthly_listeners", True, True, True, True),
    "youtube": ScPlatform("youtube", "views", True, True, True, True),
    "apple_music": ScPlatform("apple-music", None, False, False, False, True),
    "deezer": ScPlatform("deezer", None, False, True, False, True),
    "amazon_music": ScPlatform("amazon", None, False, False, False, True),
    "soundcloud": ScPlatform("soundcloud", None, False, True, True, True),
    "tidal": ScPlatform("tidal", None, False, False, False, True),
}


def day(value: object) -> dt.date | None:
    """The date of an API datetime ('2026-09-01T00:00:00+00:00' → 2026-09-01)."""
    if not value:
        return None
    return dt.date.fromisoformat(str(value)[:10])


def track_id_for(song_uuid: str, spotify_id: str | None) -> str:
    """The Spotify track id when SoundCharts knows one (it joins chart CSVs), else sc:<uuid>."""
    return spotify_id or f"sc:{song_uuid}"


def spotify_id_from_identifiers(items: Iterable[dict]) -> str | None:
    """The song's Spotify track id from /song/{uuid}/identifiers: the default one, else the first."""
    spotify = [i for i in items if str(i.get("platformCode", "")).lower() == "spotify"]
    spotify.sort(key=lambda i: not i.get("default", False))
    for item in spotify:
        ident = item.get("identifier")
        if ident:
            return str(ident)
    return None


# ---------------------------------------------------------------- audience


def listening_rows(items: Iterable[dict], artist_id: str, platform: str, metric: str) -> list[dict]:
    """Monthly listeners (or views…): `value` is worldwide, countryPlots are per country.

    Per-country values come weekly and only for the artist's top countries: stored as
    they are, so coverage tells how complete a country's series is."""
    rows = []
    for item in items:
        date = day(item.get("date"))
        if date is None:
            continue
        if item.get("value") is not None:
            rows.append(_audience(date, platform, GLOBAL, artist_id, metric, item["value"]))
        for plot in item.get("countryPlots") or []:
            code = str(plot.get("countryCode") or "").upper()
            value = plot.get("value")
            if len(code) == 2 and code.isalpha() and value is not None:
                rows.append(_audience(day(plot.get("date")) or date, platform, code, artist_id,
                                      metric, value))  # fmt: skip
    return rows


def follower_rows(items: Iterable[dict], artist_id: str, platform: str) -> list[dict]:
    """Followers from /artist/{uuid}/audience/{platform} (`followerCount`, worldwide)."""
    rows = []
    for item in items:
        date = day(item.get("date"))
        value = item.get("followerCount", item.get("value"))
        if date is not None and value is not None:
            rows.append(_audience(date, platform, GLOBAL, artist_id, "followers", value))
    return rows


def _audience(date, platform, country, artist_id, metric, value) -> dict:
    return {
        "date": date,
        "platform": platform,
        "country": country,
        "artist_id": artist_id,
        "metric": metric,
        "value": int(round(float(value))),
        "source": SOURCE,
    }


# ---------------------------------------------------------------- song streams


def daily_stream_rows(items: Iterable[dict], track_id: str, platform: str) -> list[dict]:
    """Daily streams from a song's cumulative audience: value(D) − value(D − 1).

    The API gives cumulative totals per platform identifier (`plots`), or one `value`.
    Each identifier is differenced on its own (kit.sources.cumulative), then the
    identifiers are added up, so a new identifier appearing does not read as a day's
    streams. A day counts only when the day before has a value too (the first point, and
    a point after a gap, give no row: nothing is interpolated); a negative difference (a
    correction) gives no row."""
    dates, identifiers, values = [], [], []
    for item in items:  # reading the JSON answer: one step per point it holds
        date = day(item.get("date"))
        if date is None:
            continue
        plots = item.get("plots")
        if plots is None and item.get("value") is not None:
            plots = [{"identifier": "", "value": item["value"]}]
        for plot in plots or []:
            if plot.get("value") is not None:
                dates.append(date)
                identifiers.append(str(plot.get("identifier") or ""))
                values.append(float(plot["value"]))
    points = pa.table(
        {
            "identifier": pa.array(identifiers, pa.string()),
            "date": pa.array(dates, pa.date32()),
            "streams": pa.array(values, pa.float64()),
            "_order": pa.array(range(len(dates)), pa.int64()),
        }
    )
    # an identifier's date given twice (answers that overlap): the later answer counts
    points = arrow_sql(
        "select identifier, date, streams from points "
        "qualify row_number() over (partition by identifier, date order by _order desc) = 1",
        points=points,
    )
    daily = cumulative.daily_from_cumulative(points, ["identifier"], "streams", on_decrease="skip")
    per_day = arrow_sql(
        "select date, sum(streams) as streams from daily group by date order by date",
        daily=daily.rows,
    )
    n = per_day.num_rows
    return pa.table(
        {
            "date": per_day.column("date"),
            "platform": pa.repeat(pa.scalar(platform, pa.string()), n),
            "country": pa.repeat(pa.scalar(GLOBAL, pa.string()), n),
            "track_id": pa.repeat(pa.scalar(track_id, pa.string()), n),
            "streams": pc.round(per_day.column("streams"), round_mode="half_to_even").cast(
                pa.int64()
            ),
            "source": pa.repeat(pa.scalar(SOURCE, pa.string()), n),
        }
    ).to_pylist()


# ---------------------------------------------------------------- charts


def chart_frequency(chart: dict, unit: object) -> str | None:
    """daily | weekly, from the chart's frequency, else timeOnChartUnit (DOC / WOC)."""
    freq = str(chart.get("frequency") or "").lower()
    if freq.startswith("daily") or freq == "day":
        return "daily"
    if freq.startswith("weekly") or freq == "week":
        return "weekly"
    unit = str(unit or "").upper()
    if unit.startswith("D"):  # DOC: days on chart
        return "daily"
    if unit.startswith("W"):  # WOC: weeks on chart
        return "weekly"
    return None


def chart_kind(chart: dict) -> str:
    text = " ".join(str(chart.get(k) or "") for k in ("type", "slug", "name")).lower()
    return "viral" if "viral" in text else "top"


def chart_country(chart: dict) -> str | None:
    """The chart's country, GLOBAL for a worldwide chart, None for a city chart (not stored)."""
    if chart.get("cityName"):
        return None
    code = str(chart.get("countryCode") or "").upper()
    if not code or code in {"WW", "GLOBAL", "XX"}:
        return GLOBAL
    return code if len(code) == 2 and code.isalpha() else None


def chart_entry_row(
    item: dict, chart: dict, date: dt.date | None, track_id: str, platform: str
) -> dict | None:
    """One chart_entries row; None for position 0 (the song has left the chart)."""
    position = item.get("position")
    frequency = chart_frequency(chart, item.get("timeOnChartUnit"))
    country = chart_country(chart)
    if not position or int(position) <= 0 or date is None or frequency is None or country is None:
        return None
    old = item.get("oldPosition")
    metric = item.get("metric")
    reports_streams = PLATFORMS[platform].reports_streams if platform in PLATFORMS else False
    return {
        "date": date,
        "platform": platform,
        "country": country,
        "frequency": frequency,
        "position": int(position),
        "track_id": track_id,
        "streams": int(metric) if (metric is not None and reports_streams) else None,
        "source": SOURCE,
        "chart": chart_kind(chart),
        "previous_position": int(old) if old and int(old) > 0 else None,
    }

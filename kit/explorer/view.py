"""The Explorer's view: builders that take data and return HTML, through the templates of
kit/templates/ that the monthly report uses (kit.render), plus the Explorer's own pieces
(messages, the comparison's picks, a track's chart entries, the download link).

An open row shows what the report shows under the same row (its notes, its tracks with
the same columns and marks, streams per listener), only paged and sortable: the first
rows of the same table with a "Showing N of M" line.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import fmt, render, render_moved
from ..countries import country_name
from ..errors import QueryError
from ..platforms import platform_name, track_url
from .model import COMPARE_MAX, COMPARE_MIN, BreakdownState, TrackPick, TrackPositions

if TYPE_CHECKING:
    from ..query import Query
    from ..selection import PlatformData

STYLE = render.style(explorer=True)


def _piece(name: str, *args) -> str:
    return str(render.macro("explorer.html.j2", name)(*args))


LOADING = _piece("loading", "Loading tracks…")


def render_loading(text: str) -> str:
    return _piece("loading", text)


def render_note(text: str) -> str:
    """A quiet line of text, such as what a fetch brought."""
    return _piece("muted", text)


# new artists named in the note after a commit; the rest are counted
NEW_ARTISTS_NAMED = 3


def render_catalogue_change(added: Sequence[str], gone: Sequence[str]) -> str:
    """The notes after the warehouse's catalogue changed: the picked artists it no longer
    holds (taken off the selection) and the artists that are new in it; nothing when
    neither (a commit of new figures for known artists)."""
    lines = []
    if gone:
        lines.append(f"No longer in the warehouse, taken off the selection: {', '.join(gone)}.")
    if added:
        named = ", ".join(added[:NEW_ARTISTS_NAMED])
        more = len(added) - NEW_ARTISTS_NAMED
        lines.append(f"New in the warehouse: {named}" + (f" and {more} more." if more > 0 else "."))
    return "".join(render_note(line) for line in lines)


def render_error(message: str) -> str:
    return _piece("error", message)


def describe_failure(exc: BaseException) -> str:
    """What to tell the analyst: our own refusals as they are, anything else by its kind."""
    if isinstance(exc, QueryError | ValueError):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}): {exc}"


def render_heading(q: Query, anchor: dt.date) -> str:
    """The selection shown: artists, country and period, its dates, and the presets' anchor."""
    title = f"{', '.join(q.artist_names)} · {q.country_label} · {q.period_label}"
    params = [
        ("Period", f"{q.start} to {q.end} ({q.days} days)"),
        ("Platforms", ", ".join(platform_name(p) for p in q.platform_slugs) or fmt.MISSING),
        ("Presets count back from", anchor.isoformat()),
    ]
    return render.heading(title, params)


def render_cards(
    summary: pd.DataFrame,
    q: Query,
    *,
    audience_change: pd.DataFrame | None = None,
    previous: str = "",
    alerts: pd.DataFrame | None = None,
) -> str:
    """Each artist's audience cards, as in the report's section of that artist: with
    `audience_change` (summary(q, compare=…)) a line against the `previous` period, and
    with `alerts` a badge on the cards of each platform with alerts in the period."""
    versus = render_moved.card_changes(audience_change, previous)
    badges = render_moved.card_alerts(alerts)
    parts = []
    for aid, name in zip(q.artist_ids, q.artist_names, strict=True):
        parts.append(render.section(f"{name}: audience by platform"))
        parts.append(
            render.cards(summary[summary["artist_id"] == aid], versus=versus, alerts=badges)
        )
    return "".join(parts)


def render_row_head() -> str:
    """The Artist × Platform table's header, above the rows."""
    return render.platform_line_html(None)


def render_row_cells(
    artist: str,
    artist_id: str,
    platform: str,
    listeners: pd.Series | None,
    data: PlatformData | None = None,
) -> str:
    """One Artist × Platform row, as the report's table has it: monthly listeners from the
    summary, and its streams, tracks and top track once the row's breakdown is loaded."""
    footer = None if data is None else data.footer
    return render.platform_line_html(
        render.platform_line(artist, artist_id, platform, listeners, footer)
    )


def render_breakdown(state: BreakdownState) -> str:
    """An open row's notes and its track table: the visible rows of the state, in its
    order, and how many of how many tracks are shown; where the Explorer compares the
    period with another, each track's change since then."""
    data = state.data
    notes = tuple(render.partial_notes(data))
    if data.breakdown.empty:
        return render.fold_html(render.Fold(notes=notes))
    comparison = render_moved.track_changes(state.moved)
    matching = state.matching()
    search = state.search.strip()
    if matching.empty:
        table = render.track_table(
            data,
            matching,
            empty=f"No track title contains “{search}”.",
            comparison=comparison,
        )
    else:
        within = f" matching “{search}” (of {len(data.breakdown)})" if search else ""
        shown = min(state.shown, len(matching))
        table = render.track_table(
            data,
            matching.head(state.shown),
            showing=f"Showing {shown} of {len(matching)} tracks{within}.",
            comparison=comparison,
        )
    return render.fold_html(render.Fold(notes=notes, table=table))


def render_changes(state: BreakdownState) -> str:
    """Under an open row compared with another period: the streams change, the tracks gone
    since then (they have no row in the table), and where the comparison period's figures
    are incomplete; or why there is nothing to compare with. Empty without a comparison."""
    return render_moved.row_changes_html(state.data, state.moved)


def render_totals(data: PlatformData) -> str:
    """Under the table: streams per listener (approximate), as the report says it."""
    return render.fold_html(render.Fold(per_listener=render.per_listener(data)))


def render_picks(picks: Sequence[TrackPick]) -> str:
    """The tracks picked for the comparison, or how to pick them."""
    return _piece("picks", [p.label for p in picks], COMPARE_MIN, COMPARE_MAX)


@dataclass(frozen=True)
class PositionsView:
    title: str
    url: str | None
    platform_label: str
    entries: tuple[tuple[str, str, str, str], ...]  # date, country, chart, position
    summary: str  # "7 chart entries"


def render_positions(found: TrackPositions, title: str) -> str:
    """Where a track's chart positions come from: its link, and the entries themselves in
    a fold (date, country, daily or weekly, position), as kit.query.positions returns them."""
    entries = tuple(
        (fmt.day(r.date), country_name(r.country), str(r.frequency), fmt.count(r.position))
        for r in found.entries.itertuples(index=False)
    )
    said = "1 chart entry" if len(entries) == 1 else f"{fmt.count(len(entries))} chart entries"
    view = PositionsView(
        title,
        track_url(found.platform, found.track_id),
        platform_name(found.platform),
        entries,
        said,
    )
    return _piece("positions", view)


def render_download(path: Path) -> str:
    """A link that downloads the workbook from the page itself (data: URI), so it works in
    JupyterLab and in Voilà alike, and where the file was written."""
    payload = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _piece("download", str(path), path.name, f"data:{mime};base64,{payload}")

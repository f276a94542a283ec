"""The Explorer's widgets: pick artists, platforms, a country and a period, then open any
Artist × Platform row into the tracks that carried it (README, "The Explorer").

`BreakdownRow` and `Explorer` wire ipywidgets controls to the model (kit.explorer.model)
and show what the view builds (kit.explorer.view): the report's own page parts, plus the
controls. Widgets are filled by setting their values (HTML.value, Image.value), never
through `with output:`, so a test reads them without a kernel. Every handler reports
failures in an error box inside the widget, never as a traceback.

Periods are counted back from the anchor day: the day before `today` when it is given,
else the last date with data in the warehouse. "Last month" is the last calendar month
complete on the anchor day; "last 28 days" is the listeners window ending on it
("28d:<anchor>"); "last 90 days" is the 90 days ending on it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from .. import config, render
from ..countries import country_code, country_name
from ..period import PRESET_PERIODS
from ..platforms import normalise_platform, platform_name
from ..query import Query, QueryError
from ..schema import GLOBAL
from .model import (
    COMPARE_MAX,
    PAGE,
    SORT_COLUMNS,
    BreakdownState,
    ExplorerModel,
    Fetcher,
    TrackPick,
    TrackPositions,
    default_fetcher,
)
from .view import (
    LOADING,
    STYLE,
    describe_failure,
    render_breakdown,
    render_cards,
    render_download,
    render_error,
    render_heading,
    render_loading,
    render_note,
    render_picks,
    render_positions,
    render_row_cells,
    render_row_head,
    render_totals,
)

ALIGN_OPTIONS = [
    ("by date", "date"),
    ("by days since release", "release"),
    ("by days since chart entry", "chart_entry"),
]
CUSTOM = "custom"


class BreakdownRow(widgets.VBox):
    """One Artist × Platform row: its figures, a toggle, and the breakdown under it, which
    is queried on the first opening only."""

    def __init__(
        self,
        model: ExplorerModel,
        q: Query,
        artist_id: str,
        platform: str,
        listeners: pd.Series | None,
        fetcher: Fetcher | None = None,
        on_pick: Callable[[TrackPick], None] | None = None,
    ) -> None:
        self.model, self.q, self.artist_id, self.platform = model, q, artist_id, platform
        self.listeners = listeners
        self.fetcher = fetcher
        self.on_pick = on_pick
        self.state: BreakdownState | None = None
        self.toggle = widgets.ToggleButton(
            description="▸ tracks", tooltip="Show the tracks", layout=widgets.Layout(width="90px")
        )
        self.cells = widgets.HTML(self._cells())
        self.message = widgets.HTML()
        self.sort = widgets.Dropdown(
            options=SORT_COLUMNS,
            value="total_streams",
            description="Sort by",
            layout=widgets.Layout(width="220px"),
        )
        self.direction = widgets.Dropdown(
            options=[("descending", True), ("ascending", False)],
            value=True,
            layout=widgets.Layout(width="120px"),
        )
        self.search = widgets.Text(
            placeholder="Search titles", layout=widgets.Layout(width="200px")
        )
        self.tracks = widgets.HTML()
        self.more = widgets.Button(description=f"Load more (+{PAGE})")
        self.totals = widgets.HTML()
        self.charts = widgets.HBox()
        self.fetch = widgets.Button(
            description="Fetch track data", icon="download", layout=widgets.Layout(width="170px")
        )
        self.fetch.layout.display = "" if self.fetch_available() else "none"
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Fetching")
        self.progress.layout.display = "none"
        toolbar = widgets.HBox([self.sort, self.direction, self.search, self.fetch])
        # Track detail: a click on a track in this list shows its chart positions; the
        # button adds it to the Explorer's comparison.
        self.picker = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="300px"))
        self.add_to_compare = widgets.Button(
            description="Add to comparison", icon="plus", layout=widgets.Layout(width="170px")
        )
        self.history = widgets.Image(format="png", layout=widgets.Layout(width="820px"))
        self.history.layout.display = "none"
        self.history_rows = widgets.HTML()
        # Classes that name the parts, so a browser (and its test) can find them.
        self.picker.add_class("kit-track-picker")
        self.add_to_compare.add_class("kit-add-to-compare")
        self.history.add_class("kit-history")
        detail = widgets.HBox(
            [
                widgets.VBox(
                    [
                        widgets.HTML(render_note("Click a track for its chart positions")),
                        self.picker,
                        self.add_to_compare,
                    ]
                ),
                widgets.VBox([self.history, self.history_rows]),
            ]
        )
        self.body = widgets.VBox(
            [
                self.message,
                toolbar,
                self.progress,
                self.tracks,
                self.more,
                self.totals,
                self.charts,
                detail,
            ],
            layout=widgets.Layout(display="none", margin="0 0 8px 24px"),
        )
        super().__init__([widgets.HBox([self.toggle, self.cells]), self.body])
        self.toggle.observe(self._on_toggle, "value")
        for control, handler in [
            (self.sort, self._on_sort),
            (self.direction, self._on_direction),
            (self.search, self._on_search),
        ]:
            control.observe(lambda change, h=handler: self._safely(lambda: h(change)), "value")
        self.more.on_click(lambda _: self._safely(self._load_more))
        self.fetch.on_click(lambda _: self._safely(self._fetch))
        self.picker.observe(lambda change: self._safely(lambda: self._on_pick(change)), "value")
        self.add_to_compare.on_click(lambda _: self._safely(self._add_to_compare))

    def fetch_available(self) -> bool:
        return self.fetcher is not None and bool(self.fetcher.is_configured())

    def _safely(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # shown in the row: the analyst never sees a traceback
            self.message.value = render_error(describe_failure(exc))

    def _on_toggle(self, change: dict) -> None:
        opened = change["new"]
        self.toggle.description = "▾ tracks" if opened else "▸ tracks"
        self.body.layout.display = "" if opened else "none"
        if opened and self.state is None:
            self._safely(self.load)

    def _cells(self) -> str:
        data = None if self.state is None else self.state.data
        name = self.q.artist_name(self.artist_id)
        return render_row_cells(name, self.artist_id, self.platform, self.listeners, data)

    def load(self) -> None:
        """Query the row's figures (or take them from the cache), then show them and its
        charts: the row's own streams, tracks and top track, its notes, tracks and footer."""
        self.message.value = LOADING
        data = self.model.load_breakdown(self.q, self.artist_id, self.platform)
        self.state = BreakdownState(data)
        self.sort.value, self.direction.value, self.search.value = "total_streams", True, ""
        self.message.value = ""
        self.cells.value = self._cells()
        self.show()
        self.totals.value = render_totals(data)
        pngs = self.model.load_charts(self.q, self.artist_id, self.platform)
        self.charts.children = [
            widgets.Image(value=png, format="png", layout=widgets.Layout(max_width="48%"))
            for png in pngs
        ]

    def show(self) -> None:
        if self.state is None:
            return
        self.tracks.value = render_breakdown(self.state)
        hidden = self.state.shown >= len(self.state.matching())
        self.more.layout.display = "none" if hidden else ""
        visible = self.state.visible()
        chosen = self.picker.value
        self.picker.options = list(zip(visible["title"], visible["track_id"], strict=True))
        self.picker.value = chosen if chosen in set(visible["track_id"]) else None

    def show_positions(self, track_id: str) -> TrackPositions:
        """The chart position history of one of the row's tracks, under the table."""
        found = self.model.load_positions(self.q, track_id, self.platform)
        self.history.value = found.png
        self.history.layout.display = ""
        self.history_rows.value = render_positions(found, self._title(track_id))
        return found

    def _title(self, track_id: str) -> str:
        assert self.state is not None
        tracks = self.state.data.breakdown
        return str(tracks.loc[tracks["track_id"] == track_id, "title"].iloc[0])

    def _on_pick(self, change: dict) -> None:
        if change["new"] is not None:
            self.show_positions(change["new"])

    def _add_to_compare(self) -> None:
        track_id = self.picker.value
        if track_id is None:
            raise QueryError("Click a track in the list first, then add it to the comparison.")
        if self.on_pick is not None:
            artist = self.q.artist_name(self.artist_id)
            self.on_pick(TrackPick(artist, self.platform, track_id, self._title(track_id)))

    def _on_sort(self, change: dict) -> None:
        if self.state is not None:
            self.state.set_sort(change["new"])
            self.direction.value = self.state.descending
            self.show()

    def _on_direction(self, change: dict) -> None:
        if self.state is not None:
            self.state.descending = change["new"]
            self.show()

    def _on_search(self, change: dict) -> None:
        if self.state is not None:
            self.state.set_search(change["new"])
            self.show()

    def _load_more(self) -> None:
        if self.state is not None:
            self.state.load_more()
            self.show()

    def _fetch(self) -> None:
        """Ask the provider for the tracks' missing daily streams, then re-query the row."""
        assert self.fetcher is not None
        self.progress.value, self.progress.max = 0, 1
        self.progress.layout.display = ""

        def progress(done: int, total: int) -> None:
            self.progress.max = max(total, 1)
            self.progress.value = min(done, self.progress.max)

        result = self.fetcher.fetch_missing_tracks(
            self.q, self.q.artist_name(self.artist_id), self.platform, progress=progress
        )
        self.progress.layout.display = "none"
        self.model.forget(self.q, self.artist_id, self.platform)
        self.load()
        self.message.value = render_note(f"Fetched: {result}")


class Explorer(widgets.VBox):
    """Pick artists, platforms, a country and a period; read the per-platform cards and
    open any Artist × Platform row into its tracks.

    `period` is "last_month", "28d", "90d" (counted back from the last day with data, or
    from the day before `today`), a (start, end) pair, or any period Query accepts.
    `artists` defaults to the warehouse's first artist by name; `platforms` to every
    platform with data for them. `fetcher` is the provider behind "Fetch track data"
    (default: kit.sources.soundcharts when present and configured)."""

    def __init__(
        self,
        artists: str | Sequence[str] | None = None,
        platforms: str | Sequence[str] | None = None,
        country: str = GLOBAL,
        period: str | Sequence = "last_month",
        warehouse: str | os.PathLike | None = None,
        today: dt.date | str | None = None,
        *,
        fetcher: Fetcher | None = None,
        export_dir: str | os.PathLike | None = None,
    ) -> None:
        self.error = widgets.HTML()
        self.status = widgets.HTML()
        self.export_link = widgets.HTML()
        self.heading = widgets.HTML()
        self.cards = widgets.HTML()
        self.rows: list[BreakdownRow] = []
        self.table = widgets.VBox()
        self.q: Query | None = None
        self.picks: list[TrackPick] = []
        self.picked = widgets.HTML(render_picks([]))
        self.align = widgets.Dropdown(options=ALIGN_OPTIONS, value="date", description="Align")
        self.compare_button = widgets.Button(
            description="Compare", button_style="info", icon="line-chart"
        )
        self.clear_picks = widgets.Button(description="Clear", icon="times")
        self.comparison = widgets.Image(format="png", layout=widgets.Layout(max_width="900px"))
        self.comparison.layout.display = "none"
        self.comparison.add_class("kit-comparison")
        self.compare_button.on_click(lambda _: self._safely(self.compare))
        self.clear_picks.on_click(lambda _: self._safely(self.clear_comparison))
        self.fetcher = fetcher if fetcher is not None else default_fetcher()
        self.export_dir = Path(export_dir) if export_dir else config.REPORTS_DIR / "exports"
        try:
            self.model: ExplorerModel | None = ExplorerModel(warehouse, today)
        except Exception as exc:
            self.model = None
            self.error.value = render_error(describe_failure(exc))
        self._build_controls(artists, platforms, country, period)
        super().__init__(
            [
                widgets.HTML(STYLE),
                widgets.HBox([self.artist_input, self.add_artist, self.artists]),
                widgets.HBox([self.platforms, widgets.VBox([self.country, self.period])]),
                widgets.HBox([self.start, self.end]),
                widgets.HBox([self.update, self.export, self.status]),
                self.error,
                self.export_link,
                self.heading,
                self.cards,
                self.table,
                widgets.HTML(render.section("Compare tracks")),
                self.picked,
                widgets.HBox([self.align, self.compare_button, self.clear_picks]),
                self.comparison,
            ]
        )
        # "cr" scopes the report's stylesheet, which the Explorer shares, to the widget.
        self.add_class("kit-explorer")
        self.add_class("cr")
        if self.model is not None:
            self.refresh()

    def _build_controls(
        self,
        artists: str | Sequence[str] | None,
        platforms: str | Sequence[str] | None,
        country: str,
        period: str | Sequence,
    ) -> None:
        cat = self.model.catalogue if self.model else None
        names = self.model.artist_names() if self.model else []
        if isinstance(artists, str):
            artists = [artists]
        chosen = list(artists) if artists is not None else names[:1]
        self.artist_input = widgets.Combobox(
            options=names,
            placeholder="Type an artist",
            ensure_option=False,
            description="Artist",
            layout=widgets.Layout(width="280px"),
        )
        self.add_artist = widgets.Button(description="Add", layout=widgets.Layout(width="60px"))
        # Names that are not in the warehouse are kept so that Update says what is wrong.
        self.artists = widgets.TagsInput(
            value=chosen, allowed_tags=list(dict.fromkeys(names + chosen)), allow_duplicates=False
        )
        if isinstance(platforms, str):
            platforms = [platforms]
        wanted = [normalise_platform(p) for p in platforms] if platforms else []
        # what the picker offers comes with each Update: the platforms with data for the
        # chosen artists, country and period; until the first, the platforms asked for
        self._platforms_offered = False
        self.platforms = widgets.SelectMultiple(
            options=[(platform_name(s), s) for s in wanted],
            value=wanted,
            rows=min(max(len(wanted), 2), 6),
            description="Platforms",
        )
        try:
            code = country_code(country)
        except ValueError as exc:
            self.error.value = render_error(str(exc))
            code = GLOBAL
        codes = [c for c in (cat.countries if cat else ()) if c != GLOBAL]
        if code != GLOBAL and code not in codes:
            codes.append(code)
        options = [("Worldwide", GLOBAL)] + sorted(
            ((country_name(c), c) for c in codes), key=lambda o: o[0]
        )
        self.country = widgets.Dropdown(options=options, value=code, description="Country")
        period_options = [(label, key) for key, label in PRESET_PERIODS.items()]
        period_options.append(("Custom dates", CUSTOM))
        start = end = None
        if isinstance(period, tuple | list):
            value = CUSTOM
            start, end = (_as_date(d) for d in period)
        elif period in PRESET_PERIODS:
            value = period
        else:
            value = str(period)
            period_options.insert(0, (f"Period {value}", value))
        self.period = widgets.Dropdown(options=period_options, value=value, description="Period")
        self.start = widgets.DatePicker(value=start, description="From")
        self.end = widgets.DatePicker(value=end, description="To")
        self._show_dates()
        self.period.observe(lambda _: self._show_dates(), "value")
        self.update = widgets.Button(description="Update", button_style="primary", icon="refresh")
        self.export = widgets.Button(description="Export to Excel", icon="file-excel-o")
        self.update.on_click(lambda _: self.refresh())
        self.export.on_click(lambda _: self._safely(self._export))
        self.add_artist.on_click(lambda _: self._safely(self._add_typed_artist))

    def _show_dates(self) -> None:
        display = "" if self.period.value == CUSTOM else "none"
        self.start.layout.display = self.end.layout.display = display

    def _safely(self, action: Callable[[], None]) -> bool:
        self.error.value = ""
        try:
            action()
        except Exception as exc:  # shown in the widget: the analyst never sees a traceback
            self.error.value = render_error(describe_failure(exc))
            return False
        return True

    def selected_period(self) -> str | tuple:
        if self.period.value == CUSTOM:
            return (self.start.value, self.end.value)
        return self.period.value

    def build_query(self) -> Query:
        """The Query the controls describe, after offering in the platform picker the
        platforms with data for its artists, country and period (kit.query.
        platforms_with_data); QueryError says what to change. Every platform picked, or
        none, is Query's default: the platforms with data."""
        if self.model is None:
            raise QueryError("No warehouse to explore.")
        if not self.artists.value:
            raise QueryError("Pick at least one artist.")
        chosen = self._chosen_platforms()
        everything = self.model.make_query(
            self.artists.value, None, self.country.value, self.selected_period()
        )
        self._offer_platforms(self.model.platforms_with_data(everything), chosen)
        if chosen is None:
            return everything
        return everything.replace(platforms=list(chosen))

    def _chosen_platforms(self) -> tuple[str, ...] | None:
        """The platforms picked, or None for every platform (all of those offered, or none)."""
        picked = tuple(self.platforms.value)
        offered = {slug for _, slug in self.platforms.options}
        if not picked or (self._platforms_offered and set(picked) >= offered):
            return None
        return picked

    def _offer_platforms(self, with_data: Sequence[str], chosen: tuple[str, ...] | None) -> None:
        """Offer the platforms with data, and keep those picked that have none (marked),
        so that the query names them and says where their data is."""
        missing = [p for p in chosen or () if p not in with_data]
        options = [(platform_name(p), p) for p in with_data]
        options += [(f"{platform_name(p)} (no data)", p) for p in missing]
        self.platforms.options = options
        self.platforms.value = tuple(with_data) if chosen is None else chosen
        self.platforms.rows = min(max(len(options), 2), 6)
        self._platforms_offered = True

    def refresh(self) -> None:
        """Run the summary for the controls' selection and rebuild the cards and rows."""
        self.status.value = render_loading("Loading…")
        if not self._safely(self._refresh):
            self.q = None
            self.heading.value = self.cards.value = ""
            self.rows = []
            self.table.children = []
        self.status.value = ""

    def _refresh(self) -> None:
        assert self.model is not None
        q = self.build_query()
        summary = self.model.summary(q)
        self.q = q
        self.heading.value = render_heading(q, self.model.anchor)
        self.cards.value = render_cards(summary, q)
        self.rows = [
            BreakdownRow(
                self.model,
                q,
                aid,
                slug,
                render.listeners_row(summary, aid, slug),
                fetcher=self.fetcher,
                on_pick=self.pick,
            )
            for aid in q.artist_ids
            for slug in q.platform_slugs
        ]
        self.table.children = [widgets.HTML(render_row_head()), *self.rows]

    def row(self, artist: str, platform: str) -> BreakdownRow:
        """The row of one artist (name or id) on one platform."""
        if self.q is None:
            raise QueryError("Nothing is shown yet: fix the error above and press Update.")
        aid, slug = self.q.artist_id(artist), self.q.platform(platform)
        for r in self.rows:
            if (r.artist_id, r.platform) == (aid, slug):
                return r
        raise QueryError(f"No row for {artist} on {platform}.")

    def pick(self, track: TrackPick) -> None:
        """Add a track (from any row) to the comparison; at most COMPARE_MAX."""
        if track in self.picks:
            return
        if len(self.picks) >= COMPARE_MAX:
            raise QueryError(
                f"At most {COMPARE_MAX} tracks fit on one comparison: clear it or compare these."
            )
        self.picks.append(track)
        self.picked.value = render_picks(self.picks)

    def clear_comparison(self) -> None:
        self.picks = []
        self.picked.value = render_picks(self.picks)
        self.comparison.layout.display = "none"

    def compare(self) -> None:
        """Draw the picked tracks' daily streams on one chart, aligned as chosen."""
        if self.q is None:
            raise QueryError("Nothing is shown yet: fix the error above and press Update.")
        assert self.model is not None
        self.comparison.value = self.model.compare(self.q, self.picks, self.align.value)
        self.comparison.layout.display = ""

    def _add_typed_artist(self) -> None:
        assert self.model is not None
        typed = self.artist_input.value.strip()
        if not typed:
            return
        name = self.model.check_artist(typed)
        if name not in self.artists.value:
            self.artists.value = [*self.artists.value, name]
        self.artist_input.value = ""

    def _export(self) -> None:
        if self.q is None:
            raise QueryError("Nothing to export: fix the selection and press Update first.")
        assert self.model is not None
        self.export_link.value = render_loading("Writing the workbook…")
        try:
            path = self.model.export_workbook(self.q, self.export_dir)
        except Exception:
            self.export_link.value = ""
            raise
        self.export_link.value = render_download(path)


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))

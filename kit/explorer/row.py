"""One Artist × Platform row of the Explorer (README, "The Explorer"): its figures, a
toggle, and under it the breakdown, queried on the first opening only, with its sort,
search, paging, charts, track detail and, when the Explorer compares the period with
another, each track's change since then.

Widgets are filled by setting their values, never through `with output:`, so a test reads
them without a kernel; every handler reports failures in the row, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd

from ..query import Query, QueryError
from ..selection import Moved
from .model import (
    CHANGE_SORT_COLUMNS,
    PAGE,
    SORT_COLUMNS,
    BreakdownState,
    ExplorerModel,
    Fetcher,
    TrackPick,
    TrackPositions,
)
from .view import (
    LOADING,
    describe_failure,
    render_breakdown,
    render_changes,
    render_error,
    render_note,
    render_positions,
    render_row_cells,
    render_totals,
)


class BreakdownRow(widgets.VBox):
    """One Artist × Platform row: its figures, a toggle, and the breakdown under it, which
    is queried on the first opening only. With `compare` ("previous" or "year"), each track's
    change since the comparison period follows its streams (movers cached per row ×
    comparison by the model)."""

    def __init__(
        self,
        model: ExplorerModel,
        q: Query,
        artist_id: str,
        platform: str,
        listeners: pd.Series | None,
        fetcher: Fetcher | None = None,
        on_pick: Callable[[TrackPick], None] | None = None,
        compare: str | None = None,
    ) -> None:
        self.model, self.q, self.artist_id, self.platform = model, q, artist_id, platform
        self.compare = compare
        self._syncing = False  # set while the sort controls follow the state
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
            options=self._sort_options(),
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
        self.changes = widgets.HTML()  # against the comparison period: totals, gone tracks
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
                self.changes,
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
        self.state = BreakdownState(data, moved=self._moved())
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

    def _sort_options(self) -> list[tuple[str, str]]:
        return SORT_COLUMNS + (CHANGE_SORT_COLUMNS if self.compare else [])

    def _moved(self) -> Moved | None:
        if self.compare is None:
            return None
        return self.model.load_moved(self.q, self.artist_id, self.platform, self.compare)

    def set_compare(self, compare: str | None) -> None:
        """Compare the row with another period ("previous", "year") or with none: the
        change columns come and go, and the sort picker offers them while they show. An
        opened row takes its movers from the model's cache once they have been fetched."""
        self.compare = compare
        self._syncing = True
        try:
            if self.state is not None:
                self.state.set_moved(self._moved())
            self.sort.options = self._sort_options()
            if self.state is not None:
                self.sort.value, self.direction.value = self.state.sort, self.state.descending
        finally:
            self._syncing = False
        self.show()

    def show(self) -> None:
        if self.state is None:
            return
        self.tracks.value = render_breakdown(self.state)
        self.changes.value = render_changes(self.state)
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
        if self.state is not None and not self._syncing:
            self.state.set_sort(change["new"])
            self.direction.value = self.state.descending
            self.show()

    def _on_direction(self, change: dict) -> None:
        if self.state is not None and not self._syncing:
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
        self.q = self.q.refresh()  # the fetched rows are in a newer version
        self.load()
        self.message.value = render_note(f"Fetched: {result}")

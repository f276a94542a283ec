"""The Explorer's widgets: pick artists, platforms, a country and a period, then open any
Artist × Platform row into the tracks that carried it (README, "The Explorer").

`Explorer` (and each of its rows, kit.explorer.row's `BreakdownRow`) wires ipywidgets
controls to the model (kit.explorer.model) and shows what the view builds
(kit.explorer.view): the report's own page parts, plus the controls. Widgets are filled by setting their values (HTML.value, Image.value), never
through `with output:`, so a test reads them without a kernel. Every handler reports
failures in an error box inside the widget, never as a traceback.

Update follows the warehouse: after a commit (any process's), the pickers offer what the
latest version holds, the selection stays where it still exists, and the notes say what
changed (README, "The Explorer").

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

from .. import config, render
from ..countries import country_code, country_name
from ..period import PRESET_PERIODS, period_label
from ..platforms import normalise_platform, platform_name
from ..query import Catalogue, Query, QueryError, previous_period
from ..schema import GLOBAL
from .model import (
    COMPARE_MAX,
    CatalogueChange,
    ExplorerModel,
    Fetcher,
    TrackPick,
    default_fetcher,
)
from .row import BreakdownRow
from .view import (
    STYLE,
    describe_failure,
    render_cards,
    render_catalogue_change,
    render_download,
    render_error,
    render_heading,
    render_loading,
    render_picks,
    render_row_head,
)

ALIGN_OPTIONS = [
    ("by date", "date"),
    ("by days since release", "release"),
    ("by days since chart entry", "chart_entry"),
]
CUSTOM = "custom"
# "Compare with": the period before (kit.period.comparison_period) or a year earlier
COMPARE_OPTIONS = [
    ("none", "none"),
    ("the previous period", "previous"),
    ("a year earlier", "year"),
]


class Explorer(widgets.VBox):
    """Pick artists, platforms, a country and a period; read the per-platform cards and
    open any Artist × Platform row into its tracks.

    `period` is "last_month", "28d", "90d" (counted back from the last day with data, or
    from the day before `today`), a (start, end) pair, or any period Query accepts.
    `artists` defaults to the warehouse's first artist by name; `platforms` to every
    platform with data for them. `compare` ("previous", "year" or None) is what the
    period is compared with ("Compare with"). `fetcher` is the provider behind "Fetch track
    data" (default: kit.sources.soundcharts when present and configured)."""

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
        compare: str | None = None,
    ) -> None:
        self.error = widgets.HTML()
        # what changed in the warehouse's catalogue on the last Update (or Add)
        self.notes = widgets.HTML()
        self.compare_with = widgets.Dropdown(
            options=COMPARE_OPTIONS,
            value=compare or "none",
            description="Compare with",
            style={"description_width": "initial"},
        )
        self.compare_with.observe(lambda _: self._safely(self._on_compare), "value")
        self._summary = None
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
                widgets.HBox([self.update, self.export, self.compare_with, self.status]),
                self.error,
                self.notes,
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
        # the catalogue the pickers offer; Update follows the warehouse's (_follow_catalogue)
        self._offered: Catalogue | None = cat
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
        self.country = widgets.Dropdown(
            options=_country_options(cat, code), value=code, description="Country"
        )
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
        """The Query the controls describe, on the warehouse's latest version, after
        offering in the pickers what that version holds (_follow_catalogue) and in the
        platform picker the platforms with data for its artists, country and period
        (kit.query.platforms_with_data); QueryError says what to change. Every platform
        picked, or none, is Query's default: the platforms with data."""
        if self.model is None:
            raise QueryError("No warehouse to explore.")
        self._follow_catalogue()
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

    def _follow_catalogue(self) -> None:
        """Offer in the artist and country pickers what the warehouse holds now: after a
        commit (by this process or another, such as `kit ingest` in a terminal), its
        artists and countries. The artists and country picked stay picked; a picked artist
        the warehouse no longer holds is taken off, and the notes say so and name the
        artists that are new. On the version already offered, nothing is read or reset."""
        assert self.model is not None
        change = CatalogueChange(self._offered, self.model.refresh_catalogue())
        if not change.changed:
            return
        gone = change.artists_gone(self.artists.value)
        kept = [name for name in self.artists.value if name not in gone]
        names = self.model.artist_names()
        self.artist_input.options = names
        # allowed before the value: TagsInput refuses a value outside its allowed tags
        self.artists.allowed_tags = list(dict.fromkeys(names + kept))
        self.artists.value = kept
        code = self.country.value
        self.country.options = _country_options(change.after, code)
        self.country.value = code
        self._offered = change.after
        self.notes.value = render_catalogue_change(change.artists_added, gone)

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
        self.notes.value = ""
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
        self.q, self._summary = q, summary
        self.heading.value = render_heading(q, self.model.anchor)
        self.cards.value = self._cards()
        self.rows = [
            BreakdownRow(
                self.model,
                q,
                aid,
                slug,
                render.listeners_row(summary, aid, slug),
                fetcher=self.fetcher,
                on_pick=self.pick,
                compare=self.compared_with(),
            )
            for aid in q.artist_ids
            for slug in q.platform_slugs
        ]
        self.table.children = [widgets.HTML(render_row_head()), *self.rows]

    def compared_with(self) -> str | None:
        """What the period is compared with: "previous", "year", or None."""
        return None if self.compare_with.value == "none" else self.compare_with.value

    def _cards(self) -> str:
        """The cards of the selection shown: a change line against the comparison period
        (when there is one) and a badge where the period has alerts (fetched once)."""
        assert self.model is not None and self.q is not None
        compare = self.compared_with()
        return render_cards(
            self._summary,
            self.q,
            audience_change=None
            if compare is None
            else self.model.audience_change(self.q, compare),
            previous="" if compare is None else period_label(*previous_period(self.q, compare)),
            alerts=self.model.alerts(self.q),
        )

    def _on_compare(self) -> None:
        """Compare with another period, or with none: the cards and every row follow; what
        was fetched for a comparison before is not fetched again."""
        if self.q is None:
            return
        self.cards.value = self._cards()
        for row in self.rows:
            row.set_compare(self.compared_with())

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
        self.notes.value = ""
        # an artist committed since the last Update is checked, and offered, on that version
        self._follow_catalogue()
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
            path = self.model.export_workbook(
                self.q, self.export_dir, self.compared_with() or "previous"
            )
        except Exception:
            self.export_link.value = ""
            raise
        self.export_link.value = render_download(path)


def _country_options(cat: Catalogue | None, code: str) -> list[tuple[str, str]]:
    """Worldwide, then the countries the catalogue holds by name, with `code` (the one
    picked) kept where the catalogue does not hold it."""
    codes = [c for c in (cat.countries if cat else ()) if c != GLOBAL]
    if code != GLOBAL and code not in codes:
        codes.append(code)
    return [("Worldwide", GLOBAL)] + sorted(
        ((country_name(c), c) for c in codes), key=lambda o: o[0]
    )


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))

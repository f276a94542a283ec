"""The Explorer, driven as an analyst would: set controls, click, read what the widgets show.

No kernel and no browser: widgets are filled by value, so a test reads them directly.

The fixture (worldwide unless said otherwise, September 2026, data up to Sep 30):

  Luna Vesper, Spotify: 23 tracks with their own daily series.
    "Moonlight"  1,000 a day on all 30 days      -> 30,000, the top track
    "Moonrise"     500 a day on Sep 1-15 only    ->  7,500, coverage 50 %
    "Song 01".."Song 21": 10 x k a day, 30 days  ->  300 x k (Song 21: 6,300)
    monthly listeners: Sep 1 = 1,000, Sep 30 = 1,500 (+50.0 %, average 1,250)
  Luna Vesper, Apple Music: "Moonlight" on the daily chart Sep 1-3 at positions 3, 2, 1,
    without stream counts.
  Luna Vesper, Spotify, Italy: monthly listeners Sep 1 = 300.
  Marco Sole, Spotify: monthly listeners Sep 1 = 200, Sep 30 = 100, and no tracks.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kit import config, query, warehouse
from kit.explorer import BreakdownState, Explorer
from kit.explorer.model import SORT_COLUMNS
from kit.period import anchor_day, preset_period

D = dt.date
SEPTEMBER = [D(2026, 9, d) for d in range(1, 31)]


def _streams(track_id: str, per_day: int, days: list[dt.date]) -> list[dict]:
    return [
        {
            "date": d,
            "platform": "spotify",
            "country": "GLOBAL",
            "track_id": track_id,
            "streams": per_day,
            "source": "fixture",
        }
        for d in days
    ]


def _audience(artist_id: str, country: str, points: dict[dt.date, int]) -> list[dict]:
    return [
        {
            "date": d,
            "platform": "spotify",
            "country": country,
            "artist_id": artist_id,
            "metric": "monthly_listeners",
            "value": v,
            "source": "fixture",
        }
        for d, v in points.items()
    ]


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("explorer") / "warehouse"
    songs = [(f"song-{k:02d}", f"Song {k:02d}", 10 * k) for k in range(1, 22)]
    tracks = [("moonlight", "Moonlight"), ("moonrise", "Moonrise")] + [(t, n) for t, n, _ in songs]
    streams = _streams("moonlight", 1000, SEPTEMBER) + _streams("moonrise", 500, SEPTEMBER[:15])
    for track_id, _, per_day in songs:
        streams += _streams(track_id, per_day, SEPTEMBER)
    warehouse.write(
        {
            "artists": pd.DataFrame(
                {"artist_id": ["luna-vesper", "marco-sole"], "name": ["Luna Vesper", "Marco Sole"]}
            ),
            "tracks": pd.DataFrame(tracks, columns=["track_id", "title"]),
            "track_credits": pd.DataFrame(
                {
                    "track_id": [t for t, _ in tracks],
                    "artist_id": "luna-vesper",
                    "role": "main",
                    "credit_order": 1,
                }
            ),
            "track_streams": pd.DataFrame(streams),
            "chart_entries": pd.DataFrame(
                {
                    "date": SEPTEMBER[:3],
                    "platform": "apple_music",
                    "country": "GLOBAL",
                    "frequency": "daily",
                    "chart": "top",
                    "position": [3, 2, 1],
                    "track_id": "moonlight",
                    "streams": None,
                    "source": "fixture",
                }
            ),
            "artist_audience": pd.DataFrame(
                _audience("luna-vesper", "GLOBAL", {D(2026, 9, 1): 1000, D(2026, 9, 30): 1500})
                + _audience("luna-vesper", "IT", {D(2026, 9, 1): 300})
                + _audience("marco-sole", "GLOBAL", {D(2026, 9, 1): 200, D(2026, 9, 30): 100})
            ),
        },
        source="fixture",
        warehouse=root,
    )
    return root


class FakeFetcher:
    """Stands in for the provider only to test the widget's own behaviour around it."""

    def __init__(self, configured: bool = True, total: int = 4) -> None:
        self.configured, self.total = configured, total
        self.calls: list[tuple[str, str]] = []
        self.seen_progress: list[tuple[int, int, str]] = []
        self.row = None

    def is_configured(self) -> bool:
        return self.configured

    def fetch_missing_tracks(self, q, artist, platform, progress):
        self.calls.append((artist, platform))
        for done in range(self.total + 1):
            progress(done, self.total)
            bar = self.row.progress
            self.seen_progress.append((bar.value, bar.max, bar.layout.display))
        return f"{self.total} tracks fetched"


@pytest.fixture
def counted(monkeypatch):
    """Records every breakdown query, independently of the model's own counter (the
    charts draw from the row's breakdown and run none of their own): a breakdown alone,
    or with its footer, series and growth as an opened row reads it."""
    calls = []

    def counting(real):
        def answer(*args, **kwargs):
            calls.append((*args[1:3], kwargs.get("limit")))
            return real(*args, **kwargs)

        return answer

    monkeypatch.setattr(query, "breakdown", counting(query.breakdown))
    monkeypatch.setattr(query, "breakdown_and_series", counting(query.breakdown_and_series))
    return calls


def explorer(wh, **kwargs) -> Explorer:
    kwargs.setdefault("artists", ["Luna Vesper"])
    kwargs.setdefault("fetcher", FakeFetcher(configured=False))
    return Explorer(warehouse=wh, **kwargs)


def page(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def text(html: str) -> str:
    """What a widget's HTML reads as, entities decoded."""
    return page(html).get_text(" ", strip=True)


def track_rows(row) -> list:
    return page(row.tracks.value).select("table.tracks tbody tr")


def titles(row) -> list[str]:
    return [next(tr.find_all("td")[1].stripped_strings) for tr in track_rows(row)]


def cells(html: str) -> list[str]:
    return [td.get_text(" ", strip=True) for td in page(html).find("tr", class_="ap")("td")]


def opened(ex: Explorer, artist: str = "Luna Vesper", platform: str = "spotify"):
    row = ex.row(artist, platform)
    row.toggle.value = True
    return row


def test_the_explore_notebook_is_thin_and_committed_without_outputs():
    notebook = nbformat.read(config.NOTEBOOKS_DIR / "explore.ipynb", as_version=4)
    assert notebook.metadata.kernelspec.name == "python3"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.tags
    for name in ["artists", "platforms", "country", "period", "warehouse"]:
        assert re.search(rf"^{name}\b", code[0].source, re.MULTILINE)
    assert code[-1].source.startswith("Explorer(")
    assert all(c.outputs == [] and c.execution_count is None for c in code)


# -- controls, cards and rows --------------------------------------------------------------


def test_last_month_is_the_last_month_complete_in_the_warehouse():
    assert preset_period("last_month", D(2026, 9, 30)) == "2026-09"
    assert preset_period("last_month", D(2026, 10, 14)) == "2026-09"


def test_presets_count_back_from_the_day_before_today_when_today_is_given():
    assert anchor_day(D(2026, 9, 30), today="2026-10-01") == D(2026, 9, 30)
    assert preset_period("last_month", anchor_day(None, D(2026, 10, 1))) == "2026-09"
    assert preset_period("90d", D(2026, 9, 30)) == (D(2026, 7, 3), D(2026, 9, 30))
    assert preset_period("28d", D(2026, 9, 30)) == "28d:2026-09-30"


def test_the_explorer_opens_on_the_warehouses_last_complete_month(wh):
    ex = explorer(wh)
    assert (ex.q.start, ex.q.end) == (D(2026, 9, 1), D(2026, 9, 30))
    assert "Luna Vesper · Worldwide · September 2026" in ex.heading.value


def test_the_presets_count_back_from_the_day_before_today_when_it_is_given(wh):
    ex = explorer(wh, today="2026-10-01", period="28d")
    assert "2026-09-03 to 2026-09-30 (28 days)" in ex.heading.value
    ex.period.value = "90d"
    ex.update.click()
    assert "2026-07-03 to 2026-09-30 (90 days)" in ex.heading.value


def test_the_country_picker_names_the_countries_in_the_warehouse(wh):
    ex = explorer(wh)
    assert ex.country.options == (("Worldwide", "GLOBAL"), ("Italy", "IT"))


def test_the_platform_picker_shows_display_names(wh):
    ex = explorer(wh)
    assert ex.platforms.options == (("Spotify", "spotify"), ("Apple Music", "apple_music"))


def test_the_platform_picker_offers_the_platforms_with_data_for_the_chosen_selection(wh):
    ex = explorer(wh, artists=["Marco Sole"])
    assert ex.platforms.options == (("Spotify", "spotify"),)  # Marco: listeners only
    ex.artists.value = ["Marco Sole", "Luna Vesper"]
    ex.update.click()
    assert ex.platforms.options == (("Spotify", "spotify"), ("Apple Music", "apple_music"))
    assert ex.platforms.value == ("spotify", "apple_music")
    ex.country.value = "IT"  # in Italy only Luna's Spotify listeners
    ex.update.click()
    assert ex.platforms.options == (("Spotify", "spotify"),)
    assert [r.platform for r in ex.rows] == ["spotify", "spotify"]


def test_every_platform_picked_is_querys_default(wh):
    ex = explorer(wh)
    assert ex.q.platforms is None and ex.q.platform_slugs == ("spotify", "apple_music")
    ex.platforms.value = ()
    ex.update.click()
    assert ex.q.platforms is None and ex.platforms.value == ("spotify", "apple_music")


def test_a_picked_platform_stays_picked_and_is_marked_where_it_has_no_data(wh):
    ex = explorer(wh)
    ex.platforms.value = ("apple_music",)
    ex.update.click()
    assert ex.q.platforms == ["apple_music"]
    ex.country.value = "IT"
    ex.update.click()
    assert ex.platforms.options == (
        ("Spotify", "spotify"),
        ("Apple Music (no data)", "apple_music"),
    )
    assert ex.platforms.value == ("apple_music",)
    assert "No data for Luna Vesper on apple_music in IT" in text(ex.error.value)


def test_each_artist_and_platform_gets_a_row_with_its_audience(wh):
    ex = explorer(wh, artists=["Luna Vesper", "Marco Sole"])
    assert [(r.artist_id, r.platform) for r in ex.rows] == [
        ("luna-vesper", "spotify"),
        ("luna-vesper", "apple_music"),
        ("marco-sole", "spotify"),
        ("marco-sole", "apple_music"),
    ]
    # as in the report's table: listeners at the end, change, average, coverage (2 of 30
    # days); streams, tracks, top track and streams per listener once the row is opened
    luna = cells(ex.row("Luna Vesper", "spotify").cells.value)
    assert luna == ["Luna Vesper", "Spotify", "1,500", "+500 (+50.0 %)", "1,250"] + [""] * 4 + [
        "7 %"
    ]
    apple = cells(ex.row("Luna Vesper", "apple_music").cells.value)
    assert apple[2:5] + apple[-1:] == ["—"] * 4  # no monthly listeners on Apple Music
    marco = cells(ex.row("Marco Sole", "spotify").cells.value)
    assert marco[2:5] == ["100", "-100 (-50.0 %)", "150"]


def test_a_card_per_platform_shows_start_end_change_average_peak_and_coverage(wh):
    ex = explorer(wh)
    card = page(ex.cards.value).find(
        "div", class_="card", attrs={"data-platform": "spotify", "data-metric": "monthly_listeners"}
    )
    assert card.find(class_="what").get_text() == "Spotify · monthly listeners"
    assert [tr.get_text(" ", strip=True) for tr in card("tr")] == [
        "Start 1,000",
        "End 1,500",
        "Difference +500 (+50.0 %)",
        "Average 1,250",
        "Peak 1,500 on 2026-09-30",
        "Coverage 7 % (2 days)",
    ]
    assert "warn" in card("tr")[-1]("td")[1]["class"]  # partial: flagged as the report does


def test_picking_another_country_and_pressing_update_shows_its_figures(wh):
    ex = explorer(wh)
    ex.country.value = "IT"
    ex.update.click()
    assert ex.q.country_code == "IT"
    assert "Luna Vesper · Italy" in ex.heading.value
    assert cells(ex.row("Luna Vesper", "spotify").cells.value)[2] == "300"


def test_picking_one_platform_limits_the_rows_to_it(wh):
    ex = explorer(wh)
    ex.platforms.value = ("apple_music",)
    ex.update.click()
    assert [r.platform for r in ex.rows] == ["apple_music"]


# -- the breakdown: lazy, cached, paged, sorted, searched ---------------------------------


def test_no_breakdown_is_queried_before_a_row_is_opened(wh, counted):
    ex = explorer(wh)
    assert counted == []
    assert ex.row("Luna Vesper", "spotify").tracks.value == ""


def test_opening_a_row_shows_its_top_twenty_tracks_with_the_top_one_starred(wh, counted):
    row = opened(explorer(wh))
    assert ("luna-vesper", "spotify", None) in counted
    expected = ["Moonlight", "Moonrise"] + [f"Song {k:02d}" for k in range(21, 3, -1)]
    assert titles(row) == expected
    (top,) = page(row.tracks.value).select("tr.top")
    assert top["data-track-id"] == "moonlight"
    assert "★ top" in top.get_text()
    assert top("td")[3].get_text() == "30,000"
    assert "Showing 20 of 23 tracks." in row.tracks.value


def test_the_row_says_it_is_loading_while_its_breakdown_is_queried(wh, monkeypatch):
    ex = explorer(wh)
    row = ex.row("Luna Vesper", "spotify")
    seen = []
    real = query.breakdown_and_series

    def breakdown_and_series(*args, **kwargs):
        seen.append((row.message.value, row.body.layout.display))
        return real(*args, **kwargs)

    monkeypatch.setattr(query, "breakdown_and_series", breakdown_and_series)
    row.toggle.value = True
    assert seen == [('<div class="kit-loading">Loading tracks…</div>', "")]
    assert "Loading" not in row.message.value


def test_a_second_opening_runs_no_query(wh, counted):
    ex = explorer(wh)
    row = opened(ex)
    runs = ex.model.queries_run
    queried = len(counted)
    row.toggle.value = False
    assert row.body.layout.display == "none"
    row.toggle.value = True
    assert len(counted) == queried
    assert ex.model.queries_run == runs
    assert titles(row)[:2] == ["Moonlight", "Moonrise"]


def test_opening_a_row_runs_each_of_its_queries_once(wh, monkeypatch):
    ex = explorer(wh)
    runs = []
    real = query.core._run

    def counted_run(cur, sql, params=None):
        # the row's four answers in one statement, by the macro that holds them; a served
        # answer (kit.query.parts.served; a calendar month's breakdown as stored) by the
        # definition it equals
        served = (
            re.search(r"\bfrom\s+(breakdown_and_series)\(", sql)
            or re.search(r"\bfrom\s+(\w+)_served\(", sql)
            or re.search(r"\bfrom\s+(\w+)_month\(", sql)
        )
        runs.append(served.group(1) if served else re.search(r"\bfrom\s+(\w+)", sql).group(1))
        return real(cur, sql, params)

    monkeypatch.setattr(query.core, "_run", counted_run)
    opened(ex)
    # the table (breakdown, footer, daily streams with their growth: one statement from
    # the serving layer) and the audience chart; the stacked chart draws from the row's own
    # series, and no track detail is fetched
    assert sorted(runs) == ["audience_daily", "breakdown_and_series"]


def test_the_cache_outlives_an_update_of_the_same_selection(wh, counted):
    ex = explorer(wh)
    opened(ex)
    queried = len(counted)
    ex.update.click()
    opened(ex)
    assert len(counted) == queried


def test_an_opened_row_draws_its_audience_and_its_top_tracks_daily_streams(wh):
    row = opened(explorer(wh))
    assert [image.format for image in row.charts.children] == ["png", "png"]
    assert all(bytes(image.value).startswith(b"\x89PNG") for image in row.charts.children)


def test_load_more_adds_the_remaining_tracks_and_then_goes_away(wh):
    row = opened(explorer(wh))
    assert row.more.layout.display == ""
    row.more.click()
    assert titles(row)[20:] == ["Song 03", "Song 02", "Song 01"]
    assert "Showing 23 of 23 tracks." in row.tracks.value
    assert row.more.layout.display == "none"


def test_sorting_by_title_lists_tracks_alphabetically_and_flips_with_the_direction(wh):
    row = opened(explorer(wh))
    row.sort.value = "title"
    assert row.direction.value is False
    assert titles(row)[:3] == ["Moonlight", "Moonrise", "Song 01"]
    row.direction.value = True
    assert titles(row)[:3] == ["Song 21", "Song 20", "Song 19"]


def test_sorting_by_coverage_puts_the_partial_track_last(wh):
    row = opened(explorer(wh))
    row.sort.value = "coverage"
    row.direction.value = False
    assert titles(row)[0] == "Moonrise"


def test_search_keeps_titles_containing_the_text_in_any_case(wh, counted):
    row = opened(explorer(wh))
    queried = len(counted)
    row.search.value = "MOON"
    assert titles(row) == ["Moonlight", "Moonrise"]
    assert "Showing 2 of 2 tracks matching “MOON” (of 23)." in row.tracks.value
    assert row.more.layout.display == "none"
    assert len(counted) == queried


@pytest.mark.parametrize("descending", [None, True, False])
@pytest.mark.parametrize("column", [column for _, column in SORT_COLUMNS])
def test_sorting_the_cached_rows_gives_the_order_the_sql_gives(wh, column, descending):
    # Many ties (21 songs share a credit, a source and a coverage): the tie-breaks count.
    ex = explorer(wh)
    q = ex.q
    data = ex.model.load_breakdown(q, "luna-vesper", "spotify")
    state = BreakdownState(data)
    state.set_sort(column, descending)
    state.shown = len(data.breakdown)
    sql = query.breakdown(q, "luna-vesper", "spotify", sort=column, descending=descending)
    assert list(state.visible()["track_id"]) == list(sql["track_id"])


def test_sorting_by_an_unknown_column_is_refused(wh):
    row = opened(explorer(wh))
    with pytest.raises(query.QueryError, match="Cannot sort by 'plays'"):
        row.state.set_sort("plays")


def test_a_search_that_matches_nothing_says_so(wh):
    row = opened(explorer(wh))
    row.search.value = "zzz"
    assert titles(row) == []
    assert "No track title contains “zzz”." in row.tracks.value


def test_a_partial_track_is_flagged_and_the_notes_count_it(wh):
    row = opened(explorer(wh))
    moonrise = page(row.tracks.value).find("tr", attrs={"data-track-id": "moonrise"})
    coverage = moonrise("td")[-1]
    assert coverage.get_text() == "50 %" and "warn" in coverage["class"]
    notes = [li.get_text() for li in page(row.tracks.value).select("ul.notes li")]
    assert notes == [
        "1 of 23 tracks have values on fewer than the period's 30 days (coverage below "
        "100 %): released during the period, on the chart on some days only, or with "
        "missing days.",
        "Monthly listeners have values on 2 of 30 days.",
    ]


def test_the_footer_shows_total_track_count_top_track_and_streams_per_listener(wh):
    row = opened(explorer(wh))
    # 30,000 + 7,500 + 300 x (1 + … + 21) = 37,500 + 69,300 = 106,800; 106,800 / 1,250
    foot = page(row.tracks.value).select_one("table.tracks tfoot")
    assert foot.get_text(" ", strip=True) == "Total: 23 tracks 106,800"
    # the row itself now shows the breakdown's streams, tracks and top track
    assert cells(row.cells.value)[5:9] == ["106,800", "23", "Moonlight", "85.44"]
    top = page(row.tracks.value).select_one("tr.top")("td")
    assert (top[3].get_text(), top[12].get_text()) == ("30,000", "28.1 %")
    assert text(row.totals.value) == (
        "Streams per listener ≈ 85.44 (approximate: 106,800 streams ÷ 1,250 average monthly "
        "listeners; listeners are unique over rolling 28 days, streams are not)."
    )


def test_a_platform_whose_charts_carry_no_streams_says_so(wh):
    row = opened(explorer(wh), platform="apple_music")
    assert titles(row) == ["Moonlight"]
    assert [li.get_text() for li in page(row.tracks.value).select("ul.notes li")] == [
        "No streams on Apple Music in this period (Apple Music's charts carry no stream "
        "counts): its tracks are listed by chart position only, and streams per listener "
        "cannot be computed."
    ]
    assert page(row.tracks.value).select("tr.top") == []  # no streams: no ★
    assert "Total: 1 track" in text(row.tracks.value)
    assert text(row.totals.value) == ""  # no streams per listener to give


def test_a_row_without_tracks_shows_an_empty_state(wh):
    row = opened(explorer(wh, artists=["Marco Sole"]), artist="Marco Sole")
    assert text(row.tracks.value) == (
        "No tracks of Marco Sole on Spotify in this period: no chart entries and no stream counts."
    )
    assert row.message.value == ""


# -- errors stay inside the widget ---------------------------------------------------------


def test_a_period_without_data_shows_an_error_box_and_no_rows(wh):
    ex = explorer(wh, period="2026-07")
    assert 'class="kit-error"' in ex.error.value
    assert "No data for Luna Vesper" in ex.error.value
    assert ex.rows == [] and ex.cards.value == ""


def test_a_custom_period_that_ends_before_it_starts_is_refused_inside_the_widget(wh):
    ex = explorer(wh)
    ex.period.value = "custom"
    assert ex.start.layout.display == ""
    ex.start.value, ex.end.value = D(2026, 9, 30), D(2026, 9, 1)
    ex.update.click()
    assert "it ends (2026-09-01) before it starts (2026-09-30)" in ex.error.value
    assert ex.rows == []


def test_a_custom_period_without_an_end_date_asks_for_one(wh):
    ex = explorer(wh)
    ex.period.value = "custom"
    ex.start.value = D(2026, 9, 1)
    ex.update.click()
    assert "Pick both a start date and an end date." in ex.error.value


def test_a_custom_period_shows_its_dates(wh):
    ex = explorer(wh, period=("2026-09-01", "2026-09-15"))
    assert "2026-09-01 to 2026-09-15 (15 days)" in ex.heading.value


def test_an_unknown_artist_typed_is_refused_with_close_matches(wh):
    ex = explorer(wh)
    ex.artist_input.value = "Luna Vespa"
    ex.add_artist.click()
    assert "Unknown artist 'Luna Vespa'. Did you mean: Luna Vesper?" in text(ex.error.value)
    assert ex.artists.value == ["Luna Vesper"]


def test_a_known_artist_typed_in_any_case_is_added(wh):
    ex = explorer(wh)
    ex.artist_input.value = "marco sole"
    ex.add_artist.click()
    assert ex.error.value == ""
    assert ex.artists.value == ["Luna Vesper", "Marco Sole"]
    ex.update.click()
    assert {r.artist_id for r in ex.rows} == {"luna-vesper", "marco-sole"}


def test_an_unknown_artist_given_to_the_explorer_is_refused_inside_it(wh):
    ex = explorer(wh, artists=["Nobody Here"])
    assert "Unknown artist 'Nobody Here'." in text(ex.error.value)


def test_no_artist_picked_asks_for_one(wh):
    ex = explorer(wh)
    ex.artists.value = []
    ex.update.click()
    assert "Pick at least one artist." in ex.error.value


def test_a_missing_warehouse_is_reported_inside_the_widget(tmp_path):
    ex = Explorer(warehouse=tmp_path / "nowhere", fetcher=FakeFetcher(configured=False))
    assert "No warehouse at" in ex.error.value
    assert ex.rows == []


def test_an_error_clears_once_the_selection_is_fixed(wh):
    ex = explorer(wh, period="2026-07")
    ex.period.value = "last_month"
    ex.update.click()
    assert ex.error.value == ""
    assert len(ex.rows) == 2


# -- export ------------------------------------------------------------------------------


def test_export_to_excel_writes_the_selections_workbook_and_links_to_it(wh, tmp_path):
    ex = explorer(wh, export_dir=tmp_path / "exports")
    ex.export.click()
    name = "chartroom_luna-vesper_GLOBAL_2026-09-01_2026-09-30.xlsx"
    path = tmp_path / "exports" / name
    assert ex.error.value == ""
    assert f"<code>{path}</code>" in ex.export_link.value
    assert f'download="{name}"' in ex.export_link.value
    payload = re.search(r'base64,([^"]+)"', ex.export_link.value).group(1)
    assert base64.b64decode(payload) == path.read_bytes()
    summary = openpyxl.load_workbook(path, read_only=True)["Summary"]
    values = [cell for row in summary.iter_rows(values_only=True) for cell in row]
    assert "Luna Vesper" in values and 1500 in values


def test_export_without_a_valid_selection_is_refused_inside_the_widget(wh, tmp_path):
    ex = explorer(wh, period="2026-07", export_dir=tmp_path / "exports")
    ex.export.click()
    assert "Nothing to export: fix the selection and press Update first." in ex.error.value
    assert not (tmp_path / "exports").exists()


# -- fetch track data ----------------------------------------------------------------------


def test_fetch_track_data_is_hidden_without_a_configured_provider(wh):
    row = explorer(wh, fetcher=FakeFetcher(configured=False)).row("Luna Vesper", "spotify")
    assert row.fetch.layout.display == "none"


def test_fetch_track_data_is_offered_where_a_provider_is_configured(wh):
    row = explorer(wh, fetcher=FakeFetcher(configured=True)).row("Luna Vesper", "spotify")
    assert row.fetch.layout.display == ""


def test_fetching_shows_progress_then_queries_the_row_again(wh, counted):
    fetcher = FakeFetcher(configured=True, total=4)
    ex = explorer(wh, fetcher=fetcher)
    row = opened(ex)
    fetcher.row = row
    queried = len(counted)
    row.fetch.click()
    assert fetcher.calls == [("Luna Vesper", "spotify")]
    assert fetcher.seen_progress[0] == (0, 4, "")
    assert fetcher.seen_progress[-1] == (4, 4, "")
    assert row.progress.layout.display == "none"
    assert counted[queried : queried + 1] == [("luna-vesper", "spotify", None)]
    assert "Fetched: 4 tracks fetched" in row.message.value
    assert titles(row)[0] == "Moonlight"


def test_a_failing_fetch_is_reported_in_its_row(wh):
    class Broken(FakeFetcher):
        def fetch_missing_tracks(self, q, artist, platform, progress):
            raise RuntimeError("provider said 503")

    row = opened(explorer(wh, fetcher=Broken(configured=True)))
    row.fetch.click()
    assert "Something went wrong (RuntimeError): provider said 503" in row.message.value

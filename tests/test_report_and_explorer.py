"""One selection shown both ways, on the small demo: the monthly report's HTML and the
Explorer's widgets (comparing with the previous period, as the report does) show the same
figures, labels, marks and notes, row by row, because both render the same data
(kit.selection) through the same templates (kit.render, kit.render_moved)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from kit import Query, query, report, selection
from kit.explorer import BreakdownState, Explorer
from kit.explorer.model import CHANGE_SORT_COLUMNS, SORT_COLUMNS


class NoFetcher:
    def is_configured(self) -> bool:
        return False


@pytest.fixture(scope="module")
def q(demo_warehouse) -> Query:
    from kit.sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH

    return Query(DEFAULT_ARTIST, DEFAULT_MONTH, country=DEFAULT_COUNTRY, warehouse=demo_warehouse)


@pytest.fixture(scope="module")
def report_page(q) -> BeautifulSoup:
    parts = report.artist_section(report.load(q), q.artist_ids[0])
    html = "".join(p.data for p in parts if type(p).__name__ == "HTML")
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def explorer(q) -> Explorer:
    """The Explorer on the same query, every row opened and every track loaded."""
    ex = Explorer(
        [q.artist_names[0]],
        country=q.country_code,
        period=q.period,
        warehouse=q.warehouse_path,
        fetcher=NoFetcher(),
        compare="previous",
    )
    assert ex.error.value == ""
    for row in ex.rows:
        row.toggle.value = True
        while row.more.layout.display != "none":
            row.more.click()
    return ex


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def texts(cells) -> list[str]:
    return [c.get_text(" ", strip=True) for c in cells]


def track_lines(part) -> list[tuple]:
    """Each track row as shown: its id, its marks (classes), every cell's text and the
    sparkline's values."""
    lines = []
    for tr in part.select("table.tracks tbody tr"):
        svg = tr.find("svg")
        lines.append(
            (
                tr["data-track-id"],
                tuple(tr.get("class", [])),
                tuple(texts(tr("td"))),
                svg["data-values"] if svg else None,
            )
        )
    return lines


def test_both_show_the_same_platforms(q, report_page, explorer):
    in_report = [(tr["data-artist-id"], tr["data-platform"]) for tr in report_page("tr", "ap")]
    assert in_report == [(r.artist_id, r.platform) for r in explorer.rows]
    assert len(in_report) == len(q.platform_slugs) > 1


def test_both_show_the_same_cards(report_page, explorer):
    def cards(page) -> list[tuple]:
        return [
            (c["data-platform"], c["data-metric"], c.get_text(" ", strip=True))
            for c in page.find_all("div", class_="card")
        ]

    assert cards(soup(explorer.cards.value)) == cards(report_page)
    assert len(cards(report_page)) >= 4


def test_both_show_the_same_artist_and_platform_rows(report_page, explorer):
    for row in explorer.rows:
        shown = soup(row.cells.value).find("tr", class_="ap")
        reported = report_page.find(
            "tr",
            class_="ap",
            attrs={"data-artist-id": row.artist_id, "data-platform": row.platform},
        )
        assert texts(shown("td")) == texts(reported("td"))
        assert [td.get("class") for td in shown("td")] == [td.get("class") for td in reported("td")]


def test_both_show_the_same_notes_tracks_marks_and_totals(report_page, explorer):
    compared = notes = 0
    for row in explorer.rows:
        fold = report_page.find(
            "details", attrs={"data-artist-id": row.artist_id, "data-platform": row.platform}
        )
        opened = soup(row.tracks.value)
        assert texts(opened.select("ul.notes li")) == texts(fold.select("ul.notes li"))
        assert track_lines(opened) == track_lines(fold)
        assert texts(opened.select("table.tracks tfoot td")) == texts(
            fold.select("table.tracks tfoot td")
        )
        assert texts(soup(row.totals.value)("p")) == texts(fold.select("p.per-listener"))
        compared += len(track_lines(fold))
        notes += len(fold.select("ul.notes li"))
    assert compared > 50 and notes > 0


def test_the_explorer_pages_the_same_table_the_report_shows_whole(q, report_page):
    ex = Explorer(
        [q.artist_names[0]],
        country=q.country_code,
        period=q.period,
        warehouse=q.warehouse_path,
        fetcher=NoFetcher(),
        compare="previous",
    )
    row = ex.row(q.artist_names[0], "spotify")
    row.toggle.value = True
    fold = report_page.find("details", attrs={"data-platform": "spotify"})
    every = track_lines(fold)
    assert len(every) > 20
    assert track_lines(soup(row.tracks.value)) == every[:20]
    assert f"Showing 20 of {len(every)} tracks." in row.tracks.value


@pytest.mark.parametrize("platform", ["spotify", "apple_music"])
def test_re_sorting_the_cached_rows_matches_the_sql_order_on_the_demo(q, platform):
    data = selection.load_platform(q, q.artist_ids[0], platform, top_tracks=False)
    for _, column in SORT_COLUMNS:
        for descending in (True, False):
            state = BreakdownState(data)
            state.set_sort(column, descending)
            state.shown = len(data.breakdown)
            sql = query.breakdown(q, q.artist_ids[0], platform, sort=column, descending=descending)
            assert list(state.visible()["track_id"]) == list(sql["track_id"]), column


def test_both_show_the_change_of_every_track_since_the_previous_month(report_page, explorer):
    compared = 0
    for row in explorer.rows:
        fold = report_page.find(
            "details", attrs={"data-artist-id": row.artist_id, "data-platform": row.platform}
        )
        shown = [th.get_text() for th in soup(row.tracks.value).select("table.tracks thead th")]
        assert shown == [th.get_text() for th in fold.select("table.tracks thead th")]
        compared += "Previous streams" in shown
    assert compared >= 2  # Spotify and YouTube count streams; the others compare positions


@pytest.mark.parametrize("platform", ["spotify", "apple_music"])
def test_re_sorting_the_cached_rows_by_a_change_matches_the_movers_sql_order(q, platform):
    data = selection.load_platform(q, q.artist_ids[0], platform, top_tracks=False)
    moved = selection.load_moved(q, q.artist_ids[0], platform)
    for _, column in CHANGE_SORT_COLUMNS:
        for descending in (True, False):
            state = BreakdownState(data, moved=moved)
            state.set_sort(column, descending)
            state.shown = len(data.breakdown)
            sql = query.movers(q, q.artist_ids[0], platform, sort=column, descending=descending)
            in_period = sql[sql["rank"].notna()]
            assert list(state.visible()["track_id"]) == list(in_period["track_id"]), column

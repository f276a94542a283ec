"""What moved and what is noteworthy, as the Explorer, the report and the workbook show
them, on the hand-worked fixtures of tests/test_movers.py and tests/test_alerts.py.

Movers fixture (Spotify, Italy, September 2026 against August; see test_movers.py):
Alba's tracks Alpha 3,100 → 4,500 (+1,400), Beta 6,200 → 3,000 (−3,200), Gamma new
(1,500), Delta gone (500, on 10 of August's 31 days), Epsilon 310 → 310, Zeta positions
only (#50 → #40), Eta 0 → 300. Totals 10,110 → 9,610: −500 (−4.9 %); contributions are
change ÷ −500. Largest gains: Gamma, Alpha, Eta; losses: Beta, Delta. Monthly listeners
1,200 (Aug 31) → 1,500 (Sep 30): +300 (+25.0 %), averages 1,100 and 1,400 (+27.3 %), on
2 of August's 31 days (6 %); followers 0 → 50 (no percentage on a base of zero), 1 day
of 31 (3 %).
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from test_alerts import write_alerts_fixture
from test_movers import write_movers_fixture

from kit import Query, query, report, selection
from kit.explorer import Explorer


class NoFetcher:
    def is_configured(self) -> bool:
        return False


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return write_movers_fixture(tmp_path_factory.mktemp("moved") / "warehouse")


@pytest.fixture(scope="module")
def alerts_wh(tmp_path_factory):
    return write_alerts_fixture(tmp_path_factory.mktemp("noteworthy") / "warehouse")


def explorer(wh, period="2026-09", **kwargs) -> Explorer:
    ex = Explorer(
        ["Alba"], country="IT", period=period, warehouse=wh, fetcher=NoFetcher(), **kwargs
    )
    assert ex.error.value == "", ex.error.value
    return ex


def opened(ex: Explorer, artist: str = "Alba", platform: str = "spotify"):
    row = ex.row(artist, platform)
    row.toggle.value = True
    return row


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def headers(html: str) -> list[str]:
    return [th.get_text() for th in soup(html).select("table.tracks thead th")]


def by_title(html: str) -> dict[str, list[str]]:
    """Each track row's cells, by the title in its second cell."""
    rows = {}
    for tr in soup(html).select("table.tracks tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        rows[cells[1].removesuffix(" ★ top")] = cells
    return rows


def lines(html: str, selector: str) -> list[str]:
    return [li.get_text(" ", strip=True) for li in soup(html).select(selector)]


CHANGE_HEADERS = ["Previous streams", "Change", "% change", "Contribution", "Status"]


# ---------------------------------------------------------------- the Explorer


def test_without_a_comparison_a_row_and_its_cards_show_no_change(wh):
    ex = explorer(wh)
    row = opened(ex)
    assert ex.compare_with.value == "none"
    assert not set(CHANGE_HEADERS) & set(headers(row.tracks.value))
    assert "vs August 2026" not in ex.cards.value
    assert row.changes.value == ""


def test_comparing_with_the_previous_period_adds_each_tracks_change_after_its_growth(wh):
    ex = explorer(wh)
    row = opened(ex)
    ex.compare_with.value = "previous"
    assert headers(row.tracks.value)[6:11] == CHANGE_HEADERS
    cells = by_title(row.tracks.value)
    changes = {title: cells[title][6:11] for title in cells}
    assert changes["Alpha"] == ["3,100", "+1,400", "+45.2 %", "-280.0 %", "▲ up top gain"]
    assert changes["Beta"] == ["6,200", "-3,200", "-51.6 %", "+640.0 %", "▼ down top loss"]
    assert changes["Gamma"] == ["—", "+1,500", "—", "-300.0 %", "● new top gain"]
    assert changes["Eta"] == ["0", "+300", "—", "-60.0 %", "▲ up top gain"]
    assert changes["Zeta"] == ["—", "—", "—", "—", "▲ up"]  # by its position, #50 → #40
    assert "Delta" not in cells  # gone: not in September's breakdown


def test_the_largest_gains_and_losses_are_marked_on_their_change(wh):
    ex = explorer(wh, compare="previous")
    row = opened(ex)
    marked = {
        tr.find_all("td")[1].get_text(" ", strip=True).removesuffix(" ★ top"): td["class"][-1]
        for tr in soup(row.tracks.value).select("table.tracks tbody tr")
        for td in tr.find_all("td")[7:8]
        if {"gain", "loss"} & set(td["class"])
    }
    assert marked == {"Gamma": "gain", "Alpha": "gain", "Eta": "gain", "Beta": "loss"}


def test_the_total_change_the_gone_track_and_the_incomplete_august_are_said_under_the_table(wh):
    row = opened(explorer(wh, compare="previous"))
    assert lines(row.changes.value, "ul.moved-lines li") == [
        "Against August 2026: streams -500 (-4.9 %); 1 new, 1 gone, 3 up, 1 down.",
        "Gone since August 2026: Delta (500 streams).",
    ]
    assert lines(row.changes.value, "ul.notes li") == [
        "2 of 6 tracks have incomplete figures in August 2026 (coverage below 100 % or chart "
        "positions without stream counts): their changes rest on fewer days."
    ]


@pytest.mark.parametrize(
    ("column", "descending", "expected"),
    [
        ("change", True, ["Gamma", "Alpha", "Eta", "Epsilon", "Beta", "Zeta"]),
        ("change", False, ["Beta", "Epsilon", "Eta", "Alpha", "Gamma", "Zeta"]),
        ("status", False, ["Gamma", "Alpha", "Eta", "Zeta", "Epsilon", "Beta"]),
        ("previous_streams", True, ["Beta", "Alpha", "Epsilon", "Eta", "Gamma", "Zeta"]),
    ],
)
def test_sorting_by_a_change_column_follows_the_movers_order(wh, column, descending, expected):
    row = opened(explorer(wh, compare="previous"))
    row.sort.value = column
    row.direction.value = descending
    assert list(row.state.visible()["title"]) == expected
    assert list(by_title(row.tracks.value)) == expected


def test_the_change_columns_are_sortable_only_while_compared(wh):
    ex = explorer(wh, compare="previous")
    row = opened(ex)
    row.sort.value = "contribution"
    ex.compare_with.value = "none"
    assert "contribution" not in [value for _, value in row.sort.options]
    assert (row.sort.value, row.state.sort) == ("total_streams", "total_streams")
    assert list(by_title(row.tracks.value))[:2] == ["Alpha", "Beta"]  # most streams first


def test_switching_back_to_a_comparison_already_shown_runs_no_query(wh, monkeypatch):
    ex = explorer(wh)
    row = opened(ex)
    ran = []
    real = query.core._run

    def counted(cur, sql, params=None):
        ran.append(sql)
        return real(cur, sql, params)

    monkeypatch.setattr(query.core, "_run", counted)
    # the cards' audience comparison and the row's footer; its movers against the month
    # before are read as stored (artist_track_movers), without a statement
    ex.compare_with.value = "previous"
    assert len(ran) == 2
    ex.compare_with.value = "none"
    ex.compare_with.value = "previous"
    assert len(ran) == 2
    ex.compare_with.value = "year"  # and the movers against a year before, by a statement
    assert len(ran) == 5
    assert "Against September 2025" in row.changes.value


def test_each_card_gets_a_line_against_the_comparison_period(wh):
    ex = explorer(wh, compare="previous")
    cards = {
        c["data-metric"]: c.find("tr", class_="versus").get_text(" ", strip=True)
        for c in soup(ex.cards.value).find_all("div", class_="card")
    }
    assert cards == {
        "monthly_listeners": "vs August 2026 +300 (+25.0 %)",
        "followers": "vs August 2026 +50 (—)",
    }


def test_a_comparison_period_without_data_is_said_in_the_row(wh):
    row = opened(explorer(wh, period="2026-08", compare="previous"))
    assert lines(row.changes.value, "ul.moved-lines li") == [
        "No data for Alba on spotify in IT from 2026-07-01 to 2026-07-31, the period August "
        "2026 is compared with: nothing to compare with. Pick another period or comparison."
    ]
    assert not set(CHANGE_HEADERS) & set(headers(row.tracks.value))


def test_the_exported_workbook_holds_the_movers_and_the_alerts(wh, tmp_path):
    ex = explorer(wh, compare="previous", export_dir=tmp_path)
    ex.export.click()
    (path,) = tmp_path.glob("*.xlsx")
    book = load_workbook(path)
    titles = [r[3] for r in book["Movers"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Beta", "Gamma", "Alpha", "Delta", "Eta", "Epsilon", "Zeta"]
    assert "Noteworthy" in book.sheetnames


def test_the_cards_of_a_platform_with_alerts_carry_a_badge(alerts_wh):
    # Alba's monthly listeners step up on 15 March: one spike, on Spotify, in March
    ex = Explorer(
        ["Alba"], country="IT", period="2026-03", warehouse=alerts_wh, fetcher=NoFetcher()
    )
    badges = [
        (c["data-metric"], c.find("div", class_="alerts"))
        for c in soup(ex.cards.value).find_all("div", class_="card")
    ]
    assert [(metric, b.get_text()) for metric, b in badges] == [
        ("monthly_listeners", "⚑ 1 alert"),
        ("followers", "⚑ 1 alert"),
    ]
    assert "Monthly listeners on Spotify in Italy rose to 150,500" in badges[0][1]["title"]
    quiet = Explorer(
        ["Alba"], country="IT", period="2026-02", warehouse=alerts_wh, fetcher=NoFetcher()
    )
    assert 'class="alerts"' not in quiet.cards.value


# ---------------------------------------------------------------- the report


@pytest.fixture(scope="module")
def compared(wh):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    return selection.load(q, compare="previous")


def test_what_moved_says_the_audience_the_streams_and_the_new_and_gone_tracks(compared):
    (part,) = report.what_moved(compared, "Alba")
    page = soup(part.data)
    assert page.find("h3").get_text() == "Alba: what moved since August 2026"
    block = page.find("div", class_="moved-platform", attrs={"data-platform": "spotify"})
    assert lines(str(block), "ul.moved-lines li") == [
        "Monthly listeners: 1,500 at the end of September 2026 against 1,200 at the end of "
        "August 2026: +300 (+25.0 %); average 1,400 against 1,100 (+27.3 %).",
        "Followers: 50 at the end of September 2026 against 0 at the end of August 2026: +50 (—); "
        "average 50 against 0 (—).",
        "Streams: 9,610 in September 2026 against 10,110 in August 2026: -500 (-4.9 %); 6 tracks "
        "(6 in August 2026): 1 new, 1 gone, 3 up, 1 down, 1 the same.",
        "New in September 2026: Gamma (1,500 streams).",
        "Gone since August 2026: Delta (500 streams).",
    ]


def test_what_moved_notes_where_august_is_incomplete(compared):
    (part,) = report.what_moved(compared, "Alba")
    assert lines(part.data, "ul.notes li") == [
        "2 of 6 tracks have incomplete figures in August 2026 (coverage below 100 % or chart "
        "positions without stream counts): their changes rest on fewer days.",
        "Monthly listeners on Spotify have values on 6 % of the days of August 2026.",
        "Followers on Spotify have values on 3 % of the days of August 2026.",
    ]


def test_what_moved_lists_the_five_largest_changes_up_or_down(compared):
    (part,) = report.what_moved(compared, "Alba")
    rows = soup(part.data).select("table.movers tbody tr")
    assert [r.find("td").get_text() for r in rows] == ["Beta", "Gamma", "Alpha", "Delta", "Eta"]
    assert [r["data-status"] for r in rows] == ["down", "new", "up", "gone", "up"]


def test_the_report_fold_and_cards_carry_the_comparison(compared):
    parts = report.artist_section(compared, "Alba")
    page = soup("".join(p.data for p in parts if type(p).__name__ == "HTML"))
    fold = page.find("details", attrs={"data-artist-id": "a", "data-platform": "spotify"})
    assert headers(str(fold))[6:11] == CHANGE_HEADERS
    assert by_title(str(fold))["Alpha"][6:11] == ["3,100", "+1,400", "+45.2 %", "-280.0 %", "▲ up top gain"]  # fmt: skip
    assert "vs August 2026" in page.find("div", class_="card").get_text(" ", strip=True)


def test_noteworthy_lists_the_artists_alerts_of_the_period_with_the_thresholds(alerts_wh):
    q = Query("Alba", "2026-03", country="IT", warehouse=alerts_wh)
    (part,) = report.noteworthy(selection.load(q, compare="previous"), "Alba")
    page = soup(part.data)
    assert page.find("h3").get_text() == "Alba: noteworthy in Italy in March 2026"
    (row,) = page.select("table.alerts tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert cells[:3] == ["2026-03-15", "Spike", "Spotify · Italy"]
    assert cells[3].startswith("Monthly listeners on Spotify in Italy rose to 150,500")
    assert "robust z-score of at least 3.5" in page.get_text()


def test_a_month_without_alerts_says_so(alerts_wh):
    q = Query("Alba", "2026-02", country="IT", warehouse=alerts_wh)
    (part,) = report.noteworthy(selection.load(q, compare="previous"), "Alba")
    page = soup(part.data)
    assert page.find("table") is None
    assert "Nothing unusual in Italy in February 2026: no alert." in page.get_text()


def test_without_a_comparison_the_report_blocks_show_nothing(wh):
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=wh)
    data = selection.load(q)
    assert report.what_moved(data, "Alba") == [] and report.noteworthy(data, "Alba") == []

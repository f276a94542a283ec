"""The report's static HTML: formatting, the top track mark, notes where data is partial,
and breakdowns that open without JavaScript. Frames are written out by hand."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kit import fmt, render
from kit.query import (
    BREAKDOWN_COLUMNS,
    GROWTH_COLUMNS,
    SUMMARY_COLUMNS,
    TOTALS_COLUMNS,
    TRACK_TIMESERIES_COLUMNS,
)
from kit.selection import PlatformData

D = pd.Timestamp
SEPTEMBER = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def _breakdown(rows: list[dict]) -> pd.DataFrame:
    base = {c: None for c in BREAKDOWN_COLUMNS}
    return pd.DataFrame([{**base, **r} for r in rows], columns=BREAKDOWN_COLUMNS)


def _totals(**values) -> pd.DataFrame:
    base = {c: None for c in TOTALS_COLUMNS}
    return pd.DataFrame([{**base, **values}], columns=TOTALS_COLUMNS)


SPOTIFY = _breakdown(
    [
        dict(
            track_id="t1",
            title="Notte <Blu>",
            credit="main",
            total_streams=6000,
            avg_daily=300.0,
            peak_streams=450,
            peak_date=D("2026-09-05"),
            best_position=3,
            days_on_chart=20,
            first_chart_date=D("2026-09-01"),
            last_chart_date=D("2026-09-20"),
            share=0.75,
            source="own series (s4a)",
            coverage=1.0,
            peak_kind="day",
            days_with_value=30,
        ),
        dict(
            track_id="t2",
            title="Sole & Mare",
            credit="featured",
            total_streams=2000,
            avg_daily=1000.0,
            peak_streams=1400,
            peak_date=D("2026-09-10"),
            best_position=8,
            days_on_chart=7,
            first_chart_date=D("2026-09-04"),
            last_chart_date=D("2026-09-10"),
            share=0.25,
            source="weekly chart (demo)",
            coverage=7 / 30,
            peak_kind="week",
            days_with_value=7,
        ),
    ]
)
SPOTIFY_TOTALS = _totals(
    total_streams=8000,
    track_count=2,
    partial_tracks=1,
    tracks_without_streams=0,
    top_track_id="t1",
    top_track="Notte <Blu>",
    top_track_streams=6000,
    top_track_share=0.75,
    average_listeners=2000.0,
    listener_points=26,
    streams_per_listener=4.0,
)
LISTENERS = {
    "artist": "Luna Vesper",
    "platform": "spotify",
    "metric": "monthly_listeners",
    "start_value": 1800,
    "end_value": 2100,
    "difference": 300,
    "pct_change": 1 / 6,
    "average": 2000.0,
    "peak_value": 2150,
    "peak_date": D("2026-09-28"),
    "points": 26,
    "coverage": 26 / 30,
    "artist_id": "luna-vesper",
}
APPLE = _breakdown(
    [
        dict(
            track_id="t3",
            title="Eco",
            credit="main",
            best_position=9,
            days_on_chart=1,
            first_chart_date=D("2026-09-03"),
            last_chart_date=D("2026-09-03"),
            source="chart positions only",
            coverage=0.0,
            days_with_value=0,
        )
    ]
)
APPLE_TOTALS = _totals(
    track_count=1,
    partial_tracks=1,
    tracks_without_streams=1,
    top_track_id="t3",
    top_track="Eco",
    listener_points=0,
)


def _summary(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=SUMMARY_COLUMNS)


def _platform(artist_id, name, platform, breakdown, totals) -> PlatformData:
    """A breakdown and its footer, without daily series or growth (drawn as blanks)."""
    return PlatformData(
        name,
        artist_id,
        platform,
        *SEPTEMBER,
        breakdown=breakdown,
        totals=totals,
        series=pd.DataFrame(columns=TRACK_TIMESERIES_COLUMNS),
        growth=pd.DataFrame(columns=GROWTH_COLUMNS),
    )


def _rows() -> list[PlatformData]:
    return [
        _platform("luna-vesper", "Luna Vesper", "spotify", SPOTIFY, SPOTIFY_TOTALS),
        _platform("luna-vesper", "Luna Vesper", "apple_music", APPLE, APPLE_TOTALS),
    ]


@pytest.fixture(scope="module")
def table() -> BeautifulSoup:
    html = render.artist_platform_table(_rows(), _summary(LISTENERS))
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize(
    ("value", "text"),
    [(8_512_004, "8.5M"), (912_300, "912.3K"), (12_000, "12K"), (740, "740"), (None, "—")],
)
def test_compact_numbers_read_as_people_say_them(value, text):
    assert fmt.compact(value) == text


def test_counts_percentages_and_dates_are_formatted_for_reading():
    assert fmt.count(8512004) == "8,512,004"
    assert fmt.count(pd.NA) == "—"
    assert fmt.percent(0.253) == "25.3 %"
    assert fmt.percent(-0.04, signed=True) == "-4.0 %"
    assert fmt.percent(0.04, signed=True) == "+4.0 %"
    assert fmt.day(D("2026-09-18")) == "2026-09-18"
    assert fmt.day(dt.date(2026, 9, 1)) == "2026-09-01"


def test_one_track_is_one_track():
    assert fmt.plural(1, "track") == "1 track"
    assert fmt.plural(23, "track") == "23 tracks"


def test_the_question_quotes_the_listeners_the_country_and_the_month():
    assert (
        render.question("Achille Lauro", 8_512_004, "Italy", "September 2026")
        == "Which songs made up Achille Lauro's 8.5M monthly listeners in Italy in September 2026?"
    )


def test_the_question_says_worldwide_and_drops_the_figure_without_listeners():
    assert (
        render.question("Eco", None, "Worldwide", "September 2026")
        == "Which songs made up Eco's audience worldwide in September 2026?"
    )


def test_every_artist_platform_row_has_its_breakdown_in_a_details_element(table):
    details = table.find_all("details")
    assert [(d["data-artist-id"], d["data-platform"]) for d in details] == [
        ("luna-vesper", "spotify"),
        ("luna-vesper", "apple_music"),
    ]
    for d in details:
        assert d.find(recursive=False).name == "summary"  # the clickable line, no script
        assert not d.has_attr("open")


def test_the_breakdown_lists_every_track_in_order_with_titles_escaped(table):
    spotify = table.find("details", attrs={"data-platform": "spotify"})
    rows = spotify.find("tbody").find_all("tr")
    assert [r["data-track-id"] for r in rows] == ["t1", "t2"]
    cells = [c.get_text(" ", strip=True) for c in rows[0].find_all("td")]
    assert cells[1] == "Notte <Blu> ★ top"  # parsed back from &lt;Blu&gt;
    assert cells[3] == "6,000"
    assert cells[4:6] == ["", "—"]  # no daily series: no sparkline, no change
    assert cells[6] == "300"
    assert cells[12:] == ["75.0 %", "own series (s4a)", "100 %"]
    assert "<Blu>" not in str(table).replace("&lt;Blu&gt;", "")


def test_only_the_top_track_is_marked(table):
    spotify = table.find("details", attrs={"data-platform": "spotify"})
    marked = [r["data-track-id"] for r in spotify.find_all("tr", class_="top")]
    assert marked == ["t1"]


def test_a_top_track_without_streams_is_tinted_but_not_starred(table):
    apple = table.find("details", attrs={"data-platform": "apple_music"})
    assert apple.find("tr", class_="top") is None
    assert [r["data-track-id"] for r in apple.find_all("tr", class_="lead")] == ["t3"]
    assert "★" not in apple.find("tbody").get_text()


def test_a_weekly_peak_is_labelled_as_a_week(table):
    row = table.find("tr", attrs={"data-track-id": "t2"})
    assert row.find_all("td")[8].get_text() == "week to 2026-09-10"


def test_the_footer_gives_the_total_and_approximate_streams_per_listener(table):
    spotify = table.find("details", attrs={"data-platform": "spotify"})
    assert spotify.find("tfoot").get_text(" ", strip=True) == "Total: 2 tracks 8,000"
    assert "Streams per listener ≈ 4.00 (approximate" in spotify.get_text()
    apple = table.find("details", attrs={"data-platform": "apple_music"})
    assert apple.find("tfoot").get_text(" ", strip=True) == "Total: 1 track —"


def test_partial_data_is_noted_in_plain_words(table):
    spotify = table.find("details", attrs={"data-platform": "spotify"})
    notes = [li.get_text() for li in spotify.find_all("li")]
    assert notes == [
        "1 of 2 tracks have values on fewer than the period's 30 days (coverage below 100 %): "
        "released during the period, on the chart on some days only, or with missing days.",
        "Monthly listeners have values on 26 of 30 days.",
        "Some values come from weekly charts: each covers the seven days ending on its date, "
        "and a weekly peak is shown as 'week to' that date.",
    ]


def test_a_platform_without_stream_counts_says_so(table):
    apple = table.find("details", attrs={"data-platform": "apple_music"})
    notes = [li.get_text() for li in apple.find_all("li")]
    assert notes == [  # and no coverage note: positions only have no days with a value
        "No streams on Apple Music in this period (Apple Music's charts carry no stream "
        "counts): its tracks are listed by chart position only, and streams per listener "
        "cannot be computed."
    ]
    assert (
        "Tracks behind Luna Vesper on Apple Music: 1 track, no streams" in apple.summary.get_text()
    )


def test_a_complete_breakdown_has_no_notes():
    complete = SPOTIFY.iloc[:1].assign(coverage=1.0)
    totals = SPOTIFY_TOTALS.assign(partial_tracks=0, track_count=1, listener_points=30)
    row = _platform("luna-vesper", "Luna Vesper", "spotify", complete, totals)
    assert render.partial_notes(row) == []


def test_the_artist_platform_row_shows_listeners_streams_and_the_top_track(table):
    row = table.find("tr", attrs={"data-platform": "spotify", "class": "ap"})
    cells = [c.get_text(" ", strip=True) for c in row.find_all("td")]
    assert cells == [
        "Luna Vesper",
        "Spotify",
        "2,100",
        "+300 (+16.7 %)",
        "2,000",
        "8,000",
        "2",
        "Notte <Blu>",
        "4.00",
        "87 %",
    ]


def test_the_html_has_no_script():
    page = (
        render.style()
        + render.artist_platform_table(_rows(), _summary(LISTENERS))
        + render.explanation()
    )
    assert "<script" not in page.lower()


def test_cards_put_monthly_listeners_first_on_each_platform():
    summary = pd.DataFrame(
        {
            "artist": "Luna Vesper",
            "platform": ["spotify", "spotify", "deezer"],
            "metric": ["followers", "monthly_listeners", "followers"],
            "start_value": [10, 1800, 5],
            "end_value": [12, 2100, 6],
            "difference": [2, 300, 1],
            "pct_change": [0.2, 1 / 6, 0.2],
            "average": [11.0, 2000.0, 5.5],
            "peak_value": [12, 2150, 6],
            "peak_date": [D("2026-09-30"), D("2026-09-28"), D("2026-09-30")],
            "points": [30, 26, 30],
            "coverage": [1.0, 26 / 30, 1.0],
            "artist_id": "luna-vesper",
        }
    )
    soup = BeautifulSoup(render.cards(summary), "html.parser")
    cards = soup.find_all("div", class_="card")
    assert [(c["data-platform"], c["data-metric"]) for c in cards] == [
        ("spotify", "monthly_listeners"),
        ("spotify", "followers"),
        ("deezer", "followers"),
    ]
    lines = [tr.get_text(" ", strip=True) for tr in cards[0].find_all("tr")]
    assert lines == [
        "Start 1,800",
        "End 2,100",
        "Difference +300 (+16.7 %)",
        "Average 2,000",
        "Peak 2,150 on 2026-09-28",
        "Coverage 87 % (26 days)",
    ]


def test_a_metric_name_is_escaped_on_its_card():
    summary = _summary({**LISTENERS, "metric": "<b>saves</b>"})
    soup = BeautifulSoup(render.cards(summary), "html.parser")
    assert soup.find("b") is None
    assert soup.find("div", class_="what").get_text() == "Spotify · <b>saves</b>"


def _track(track_id: str, title: str, **values) -> dict:
    return {"track_id": track_id, "title": title, "credit": "main", "days_with_value": 0, **values}


HIT = _track("t1", "Notte", total_streams=6000, source="own series (s4a)", coverage=1.0,
             days_with_value=30, best_position=3, peak_kind="day")  # fmt: skip
CHARTED = _track("t2", "Sole", best_position=7, source="chart positions only", coverage=0.0)
VIRAL = _track("t3", "Eco", source="viral chart only (best position 12)", coverage=0.0)


def _notes(tracks: list[dict], **totals) -> list[str]:
    totals = {"listener_points": 30, "average_listeners": 2000.0, **totals}
    row = _platform("luna-vesper", "Luna Vesper", "spotify", _breakdown(tracks), _totals(**totals))
    return render.partial_notes(row)


def test_tracks_with_top_chart_positions_only_are_noted_as_such():
    notes = _notes([HIT, CHARTED], total_streams=6000, track_count=2, partial_tracks=1,
                   tracks_without_streams=1)  # fmt: skip
    assert notes == [
        "1 of 2 tracks have chart positions but no stream counts.",
        "1 of 2 tracks have values on fewer than the period's 30 days (coverage below 100 %): "
        "released during the period, on the chart on some days only, with missing days, or "
        "without stream counts.",
    ]


def test_viral_only_tracks_are_counted_with_the_tracks_without_streams_in_true_words():
    notes = _notes([HIT, CHARTED, VIRAL], total_streams=6000, track_count=3, partial_tracks=2,
                   tracks_without_streams=2)  # fmt: skip
    assert notes[:2] == [
        "2 of 3 tracks have chart positions (top or viral chart) but no stream counts.",
        "Tracks whose source reads 'viral chart only' were on the viral chart alone: their "
        "best viral position is given there, never as a top-chart position.",
    ]


def test_a_platform_with_viral_only_tracks_and_no_streams_says_both():
    notes = _notes([VIRAL], track_count=1, partial_tracks=1, tracks_without_streams=1)
    assert notes[0].startswith("No streams on Spotify in this period")
    assert notes[1].startswith("Tracks whose source reads 'viral chart only'")


FINDINGS = pd.DataFrame(
    [
        ("unique_key", "chart_entries", "error", 1,
         "date=2026-09-03, track_id=t01 (2 rows)", "1 key(s) (date, track_id) held by more than one row"),
        ("completeness", "chart_entries", "warn", 1, "2026-09-05",
         "1 day(s) missing from the chart series spotify × IT × top × daily <between> …"),
        ("thin_chart_day", "chart_entries", "info", 1, None, "1 day(s) of the chart … with few entries"),
    ],
    columns=["rule", "table", "severity", "count", "example", "message"],
)  # fmt: skip


def test_the_data_checks_findings_are_listed_under_the_heading_errors_first():
    soup = BeautifulSoup(render.data_checks(FINDINGS), "html.parser")
    assert (
        soup.find(class_="checks")
        .get_text(" ", strip=True)
        .startswith("Data checks: 3 findings concern these artists, platforms, country and period:")
    )
    lines = soup.find_all("li")
    assert [(li["class"], li["data-rule"]) for li in lines] == [
        (["error"], "unique_key"),
        (["warn"], "completeness"),
        (["info"], "thin_chart_day"),
    ]
    assert lines[0].get_text() == (
        "Error: 1 key(s) (date, track_id) held by more than one row "
        "(for example date=2026-09-03, track_id=t01 (2 rows))"
    )
    assert "<between>" in lines[1].get_text()  # escaped text, not markup
    assert lines[2].get_text() == "Note: 1 day(s) of the chart … with few entries"


def test_data_checks_that_found_nothing_say_so():
    html = render.data_checks(FINDINGS.iloc[0:0])
    assert BeautifulSoup(html, "html.parser").get_text(" ", strip=True) == (
        "Data checks: nothing found that concerns these artists, platforms, country and period."
    )
    one = BeautifulSoup(render.data_checks(FINDINGS.iloc[:1]), "html.parser")
    assert "1 finding concerns these" in one.get_text()


def test_a_platform_without_tracks_says_so_instead_of_an_empty_table():
    empty = _breakdown([])
    totals = _totals(track_count=0, partial_tracks=0, tracks_without_streams=0)
    row = _platform("marco-sole", "Marco Sole", "spotify", empty, totals)
    html = render.artist_platform_table([row], _summary())
    soup = BeautifulSoup(html, "html.parser")
    details = soup.find("details")
    assert details.find("table") is None
    assert [li.get_text() for li in details.find_all("li")] == [
        "No tracks of Marco Sole on Spotify in this period: no chart entries and no stream counts."
    ]


def test_a_period_that_is_not_a_month_is_asked_about_from_start_to_end():
    assert render.question("Eco", 1500, "Italy", "2026-09-03 to 2026-09-30") == (
        "Which songs made up Eco's 1.5K monthly listeners in Italy from 2026-09-03 to 2026-09-30?"
    )


def _runtime_imports(tree: ast.AST) -> set[str]:
    """The modules a file imports when it runs (not those named for type checking only)."""
    found = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            continue
        if isinstance(node, ast.ImportFrom):
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module or ""}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        found |= _runtime_imports(node)
    return found


@pytest.mark.parametrize(
    "module", ["render.py", "plots.py", "export.py", "sparkline.py", "explorer/view.py"]
)
def test_the_page_parts_the_charts_and_the_workbook_run_no_query(module):
    """They take kit.selection's objects and frames; only kit.selection and the Explorer's
    model call kit.query."""
    tree = ast.parse((Path(render.__file__).parent / module).read_text())
    assert [m for m in _runtime_imports(tree) if m.split(".")[-1] == "query"] == []

"""Track detail: chart positions, sparklines, the half-on-half change, the comparison,
links to the platform and the top tracks, on a fixture worked out by hand.

The fixture (Spotify, top chart unless said otherwise; the period is 2026-09-01 to 09-07):

  Alba (a1) main artist of:
    "Onda"  id 4uLU6hMCjMI75M1A2tKUQC (a Spotify id), released 2026-09-03.
       Italy, daily:  Aug 25 #50 (55 streams);
                      Sep 1 #5 (100), Sep 2 #3 (200), Sep 3 #1 (300),
                      off the chart Sep 4 and 5,
                      back Sep 6 #8 (600), Sep 7 #6 (700)           <- a gap, then a re-entry
       Italy, weekly: week to Sep 7 #4 (7,000 streams; not counted: the week has daily values)
       Italy, viral chart: Sep 4 #2                                  <- not a top-chart position
       Germany, daily: Sep 2 #20 (no streams)
    "Sole"  id title:sole (no link), released 2026-08-31; own daily series in Italy:
       40 on Aug 31, then 50 a day Sep 1-7.
    "Nuovo" id isrc:ITX000000001, released 2026-09-05; own series in Italy Sep 5-7: 10, 20, 30.
    "Luce"  id sc:luce, no release date; Italy, weekly: week to Sep 3 #12 (700 streams).
  Bruno (b1) main artist of "Vento", id 0aB1cD2eF3gH4iJ5kL6mN7 (Spotify id), own series in
    Italy Sep 1-7: 1,000 a day; released 2026-09-01.

Breakdown of Alba in Italy, Sep 1-7, by streams: Onda 1,900 (100+200+300+600+700),
Luce 700 (weekly), Sole 350, Nuovo 60. Top tracks (first three): Onda, Luce, Sole.

Halves of 7 days: h = 3; first half Sep 1-3, second half Sep 5-7, Sep 4 in neither.
  Onda: 600 vs 1,300 -> +116.7 %;  Sole: 150 vs 150 -> 0;  Nuovo: 0 vs 60 -> none;
  Luce: its weekly value is dated Sep 3, in the first half: 700 vs 0 -> -100 %.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kit import cli, plots, query, render, report, selection, warehouse
from kit.explorer import Explorer, TrackPick
from kit.platforms import track_url
from kit.query import Query, QueryError
from kit.sparkline import sparklines

svg = render.macro("macros.html.j2", "sparkline")  # as the track tables draw a sparkline

D = dt.date
ONDA, SOLE, NUOVO, LUCE = "4uLU6hMCjMI75M1A2tKUQC", "title:sole", "isrc:ITX000000001", "sc:luce"
VENTO = "0aB1cD2eF3gH4iJ5kL6mN7"
PERIOD = ("2026-09-01", "2026-09-07")


def _entry(track, date, position, streams=None, country="IT", frequency="daily", chart="top"):
    return {
        "date": date,
        "platform": "spotify",
        "country": country,
        "frequency": frequency,
        "chart": chart,
        "position": position,
        "track_id": track,
        "streams": streams,
        "source": "fixture",
    }


def _own(track, values: dict[dt.date, int]) -> list[dict]:
    return [
        {
            "date": d,
            "platform": "spotify",
            "country": "IT",
            "track_id": track,
            "streams": v,
            "source": "fixture",
        }
        for d, v in values.items()
    ]


def write_track_fixture(root: Path) -> Path:
    sep = [D(2026, 9, d) for d in range(1, 8)]
    entries = [
        _entry(ONDA, D(2026, 8, 25), 50, 55),
        _entry(ONDA, sep[0], 5, 100),
        _entry(ONDA, sep[1], 3, 200),
        _entry(ONDA, sep[2], 1, 300),
        _entry(ONDA, sep[5], 8, 600),
        _entry(ONDA, sep[6], 6, 700),
        _entry(ONDA, sep[6], 4, 7000, frequency="weekly"),
        _entry(ONDA, sep[3], 2, None, chart="viral"),
        _entry(ONDA, sep[1], 20, None, country="DE"),
        _entry(LUCE, sep[2], 12, 700, frequency="weekly"),
    ]
    own = (
        _own(SOLE, {D(2026, 8, 31): 40} | {d: 50 for d in sep})
        + _own(NUOVO, {sep[4]: 10, sep[5]: 20, sep[6]: 30})
        + _own(VENTO, {d: 1000 for d in sep})
    )
    tracks = [
        (ONDA, "Onda", D(2026, 9, 3)),
        (SOLE, "Sole", D(2026, 8, 31)),
        (NUOVO, "Nuovo", D(2026, 9, 5)),
        (LUCE, "Luce", None),
        (VENTO, "Vento", D(2026, 9, 1)),
    ]
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["a1", "b1"], "name": ["Alba", "Bruno"]}),
            "tracks": pd.DataFrame(tracks, columns=["track_id", "title", "release_date"]),
            "track_credits": pd.DataFrame(
                {
                    "track_id": [ONDA, SOLE, NUOVO, LUCE, VENTO],
                    "artist_id": ["a1", "a1", "a1", "a1", "b1"],
                    "role": "main",
                    "credit_order": 1,
                }
            ),
            "chart_entries": pd.DataFrame(entries),
            "track_streams": pd.DataFrame(own),
        },
        source="fixture",
        warehouse=root,
    )
    return root


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    return write_track_fixture(tmp_path_factory.mktemp("track-detail") / "warehouse")


@pytest.fixture(scope="module")
def q(wh) -> Query:
    return Query(["Alba", "Bruno"], PERIOD, platforms="spotify", country="IT", warehouse=wh)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    out = []
    for row in frame[columns].itertuples(index=False):
        out.append(tuple(v.date() if isinstance(v, pd.Timestamp) else v for v in row))
    return out


# ---------------------------------------------------------------- positions


def test_positions_list_every_country_daily_and_weekly_with_days_off_the_chart_absent(q):
    got = query.positions(q, ONDA)
    assert _rows(got, ["date", "country", "frequency", "position"]) == [
        (D(2026, 9, 2), "DE", "daily", 20),
        (D(2026, 9, 1), "IT", "daily", 5),
        (D(2026, 9, 2), "IT", "daily", 3),
        (D(2026, 9, 3), "IT", "daily", 1),
        (D(2026, 9, 6), "IT", "daily", 8),  # re-entry after two days off
        (D(2026, 9, 7), "IT", "daily", 6),
        (D(2026, 9, 7), "IT", "weekly", 4),
    ]
    assert set(got["chart"]) == {"top"}
    assert list(got.columns[:4]) == ["date", "country", "frequency", "position"]


def test_positions_keep_only_the_countries_asked_for(q):
    got = query.positions(q, ONDA, countries=["de"])
    assert _rows(got, ["date", "country", "position"]) == [(D(2026, 9, 2), "DE", 20)]


def test_a_track_is_found_by_its_title_among_the_query_artists_tracks(q):
    assert list(query.positions(q, "onda")["track_id"].unique()) == [ONDA]


def test_an_unknown_title_is_refused_with_close_matches(q):
    with pytest.raises(QueryError, match=r"No track 'Ondaa' of Alba, Bruno\. Did you mean: Onda\?"):
        query.positions(q, "Ondaa")


def test_the_position_chart_puts_1_on_top_leaves_days_off_the_chart_as_gaps_and_marks_weeks(q):
    fig = plots.position_history_chart(query.positions(q, ONDA), q, track=ONDA, platform="spotify")
    ax = fig.axes[0]
    assert ax.yaxis_inverted()
    assert ax.get_ylim()[1] < 1 < ax.get_ylim()[0]  # position 1 inside the axes, at the top
    daily = [line for line in ax.lines if line.get_linestyle() == "-"]
    weekly = [line for line in ax.lines if line.get_marker() == "s"]
    assert [list(line.get_ydata()) for line in weekly] == [[4]]
    assert weekly[0].get_linestyle() == "None"
    germany, italy = ([None if pd.isna(v) else v for v in line.get_ydata()] for line in daily)
    assert germany == [None, 20, None, None, None, None, None]
    assert italy == [5, 3, 1, None, None, 8, 6]
    assert weekly[0].get_color() == daily[1].get_color()  # a country keeps its colour
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Germany", "Italy", "daily", "weekly (week to the date)"]


def test_kit_positions_prints_the_entries_as_csv(wh, capsys):
    code = cli.main(
        ["positions", "--track", ONDA, "--period", "2026-09-06:2026-09-07", "--warehouse", str(wh)]
        + ["--format", "csv", "--country", "IT"]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("date,country,frequency,position,chart,track_id")
    assert [",".join(line.split(",")[:4]) for line in out[1:]] == [
        "2026-09-06,IT,daily,8",
        "2026-09-07,IT,daily,6",
        "2026-09-07,IT,weekly,4",
    ]


def test_kit_positions_refuses_a_title_without_an_artist(wh, capsys):
    code = cli.main(["positions", "--track", "Onda", "--period", "2026-09", "--warehouse", str(wh)])
    assert code == 2
    assert "No track with id 'Onda': give its id, or --artist" in capsys.readouterr().err


# ---------------------------------------------------------------- growth and sparklines


def test_the_change_compares_equal_halves_and_counts_a_weekly_value_on_its_date(q):
    got = query.track_growth(q, "Alba", "spotify").set_index("track_id")
    assert got.loc[ONDA, ["half_days", "first_half_streams", "second_half_streams"]].tolist() == [
        3,
        600,
        1300,
    ]
    assert got.loc[ONDA, "half_change"] == pytest.approx(1300 / 600 - 1)
    assert got.loc[SOLE, "half_change"] == 0
    assert got.loc[LUCE, ["first_half_streams", "second_half_streams"]].tolist() == [700, 0]
    assert got.loc[LUCE, "half_change"] == -1
    assert got.loc[NUOVO, "first_half_streams"] == 0
    assert pd.isna(got.loc[NUOVO, "half_change"])


def test_the_sparkline_carries_exactly_the_daily_rows_of_the_tracks_series(q):
    series = query.track_timeseries(q, "Alba", "spotify", tracks=[SOLE])
    line = str(svg(sparklines(series, q.start, q.end)[SOLE]))
    drawn = [float(v) for v in re.search(r'data-values="([^"]*)"', line).group(1).split(",")]
    assert drawn == [float(v) for v in series[series["days"] == 1]["streams"]]
    assert drawn == [50.0] * 7


def test_the_sparkline_draws_the_tracks_daily_series_with_gaps(q):
    series = query.track_timeseries(q, "Alba", "spotify", tracks=[ONDA, LUCE])
    lines = {t: str(svg(s)) for t, s in sparklines(series, q.start, q.end).items()}
    assert re.search(r'data-values="100,200,300,,,600,700"', lines[ONDA])
    assert lines[ONDA].count("<polyline") == 2  # broken at the two days without a value
    assert lines[LUCE] == ""  # weekly values only: nothing drawn as days


# ---------------------------------------------------------------- comparison


def test_the_comparison_aligned_by_release_counts_days_from_each_release(q):
    got = query.track_comparison(q, [("spotify", ONDA), ("spotify", "Sole")], align="release")
    onda = got[got["track_id"] == ONDA]
    sole = got[got["track_id"] == SOLE]
    # Onda: released Sep 3, its first 7 days are Sep 3-9
    assert _rows(onda, ["x", "streams"]) == [(0, 300), (3, 600), (4, 700)]
    # Sole: released Aug 31, its first 7 days are Aug 31-Sep 6
    assert _rows(sole, ["x", "streams"]) == [(0, 40)] + [(k, 50) for k in range(1, 7)]


def test_the_comparison_aligned_by_chart_entry_starts_at_the_first_entry_in_the_warehouse(q):
    got = query.track_comparison(q, [("spotify", ONDA), ("spotify", LUCE)], align="chart_entry")
    # Onda first charted in Italy on Aug 25, before the period; Luce's weekly entry to
    # Sep 3 covers Aug 28-Sep 3, so its chart entry is Aug 28 and the value sits on day 6.
    assert _rows(got, ["track_id", "x", "days", "streams"]) == [
        (ONDA, 0, 1, 55),
        (LUCE, 6, 7, 700),
    ]


def test_the_comparison_leaves_out_and_names_a_track_without_a_release_date(q):
    got = query.track_comparison(q, [("spotify", ONDA), ("spotify", LUCE)], align="release")
    assert set(got["track_id"]) == {ONDA}
    assert got.attrs["unaligned"] == ["Luce"]


def test_the_comparison_by_date_takes_tracks_of_several_artists(q):
    got = query.track_comparison(q, [("spotify", ONDA), ("spotify", VENTO)])
    assert got.groupby("track_id")["streams"].sum().to_dict() == {ONDA: 1900, VENTO: 7000}


@pytest.mark.parametrize(
    ("tracks", "align", "message"),
    [
        ([("spotify", ONDA)], "date", "Pick 2 to 6 tracks to compare \\(1 picked\\)"),
        ([("spotify", ONDA)] * 7, "date", "Pick 2 to 6 tracks to compare \\(7 picked\\)"),
        ([("spotify", ONDA), ("spotify", SOLE)], "launch", "Unknown alignment 'launch'"),
    ],
)
def test_a_comparison_that_cannot_be_drawn_is_refused(q, tracks, align, message):
    with pytest.raises(QueryError, match=message):
        query.track_comparison(q, tracks, align=align)


def test_the_comparison_chart_names_the_tracks_it_cannot_draw(q):
    picked = [("spotify", ONDA), ("spotify", LUCE), ("spotify", NUOVO)]
    series = query.track_comparison(q, picked, align="chart_entry")
    fig = plots.comparison_chart(series, q, align="chart_entry")
    # Luce's only value is weekly; Nuovo never charted in Italy.
    assert fig.axes[0].get_title(loc="right") == (
        "not drawn, no chart entry known: Nuovo; no daily streams in the window: Luce; "
        "weekly chart values are not drawn as days"
    )


def test_the_comparison_chart_draws_one_line_of_daily_values_per_track(q):
    series = query.track_comparison(q, [("spotify", ONDA), ("spotify", SOLE)], align="release")
    fig = plots.comparison_chart(series, q, align="release")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["Onda", "Sole"]
    onda = [None if pd.isna(v) else v for v in ax.lines[0].get_ydata()]
    assert onda == [300, None, None, 600, 700, None, None]


# ---------------------------------------------------------------- links and top tracks


def test_only_a_platforms_own_track_id_gets_a_link():
    assert track_url("spotify", ONDA) == f"https://open.spotify.com/track/{ONDA}"
    assert track_url("spotify", "isrc:ITX000000001") is None
    assert track_url("spotify", "title:sole") is None
    assert track_url("spotify", "sc:" + ONDA[:19]) is None
    assert track_url("apple_music", ONDA) is None


@pytest.fixture(scope="module")
def figures(q) -> selection.Selection:
    return selection.load(q)


@pytest.fixture(scope="module")
def report_table(figures) -> BeautifulSoup:
    html = render.artist_platform_table(figures.rows("Alba"), figures.summary)
    return BeautifulSoup(html, "html.parser")


def test_the_report_links_a_track_to_its_platform_page(report_table):
    onda = report_table.find("tr", attrs={"data-track-id": ONDA})
    assert onda.find("a")["href"] == f"https://open.spotify.com/track/{ONDA}"
    assert report_table.find("tr", attrs={"data-track-id": SOLE}).find("a") is None


def test_the_report_shows_each_tracks_sparkline_and_change(report_table):
    onda = report_table.find("tr", attrs={"data-track-id": ONDA})
    cells = onda.find_all("td")
    assert cells[4].find("svg")["data-values"] == "100,200,300,,,600,700"
    assert cells[5].get_text() == "+116.7 %"
    nuovo = report_table.find("tr", attrs={"data-track-id": NUOVO}).find_all("td")
    assert nuovo[5].get_text() == "—"


def test_the_report_tints_the_top_three_tracks_and_stars_the_first(report_table):
    tinted = [r["data-track-id"] for r in report_table.find_all("tr", class_=["top", "lead"])]
    assert tinted == [ONDA, LUCE, SOLE]
    assert [r["data-track-id"] for r in report_table.find_all("tr", class_="top")] == [ONDA]


def test_the_report_draws_the_positions_of_the_top_tracks(figures):
    parts = report.track_detail(figures, "Alba")
    images = [p for p in parts if type(p).__name__ == "Image"]
    assert len(images) == 3 + 1  # three position charts, one comparison from release


@pytest.fixture(scope="module")
def book(figures, tmp_path_factory) -> openpyxl.Workbook:
    from kit.export import workbook

    path = workbook(figures, tmp_path_factory.mktemp("track-detail-book") / "tracks.xlsx")
    return openpyxl.load_workbook(path)


def test_the_workbook_links_titles_to_the_platform_where_the_id_allows(book):
    ws = book["Track Breakdown"]
    header = [c.value for c in ws[1]]
    title_col = header.index("title") + 1
    links = {
        ws.cell(row=r, column=title_col).value: ws.cell(row=r, column=title_col).hyperlink
        for r in range(2, ws.max_row + 1)
    }
    assert links["Onda"].target == f"https://open.spotify.com/track/{ONDA}"
    assert links["Vento"].target == f"https://open.spotify.com/track/{VENTO}"
    assert links["Sole"] is None and links["Luce"] is None and links["Nuovo"] is None


def test_the_workbook_tints_the_same_top_tracks(book):
    ws = book["Track Breakdown"]
    header = [c.value for c in ws[1]]
    title_col = header.index("title") + 1
    titles = [
        ws.cell(row=r, column=title_col).value
        for r in range(2, ws.max_row + 1)
        if ws.cell(row=r, column=1).fill.fgColor.rgb == "00FFF6D6"
    ]
    assert titles == ["Onda", "Luce", "Sole", "Vento"]


# ---------------------------------------------------------------- the Explorer


class NoFetcher:
    def is_configured(self) -> bool:
        return False


@pytest.fixture
def explorer(wh) -> Explorer:
    return Explorer(
        ["Alba", "Bruno"], country="IT", period=PERIOD, warehouse=wh, fetcher=NoFetcher()
    )


def test_clicking_a_track_in_the_explorer_shows_its_position_history(explorer):
    row = explorer.row("Alba", "spotify")
    row.toggle.value = True
    assert row.history.layout.display == "none"
    row.picker.value = ONDA
    assert row.history.layout.display == ""
    assert bytes(row.history.value).startswith(b"\x89PNG")
    shown = BeautifulSoup(row.history_rows.value, "html.parser")
    assert shown.find("summary").get_text() == "7 chart entries"
    entries = [[td.get_text() for td in tr.find_all("td")] for tr in shown.find_all("tr")[1:]]
    assert entries == [
        ["2026-09-02", "Germany", "daily", "20"],
        ["2026-09-01", "Italy", "daily", "5"],
        ["2026-09-02", "Italy", "daily", "3"],
        ["2026-09-03", "Italy", "daily", "1"],
        ["2026-09-06", "Italy", "daily", "8"],
        ["2026-09-07", "Italy", "daily", "6"],
        ["2026-09-07", "Italy", "weekly", "4"],
    ]
    assert f"https://open.spotify.com/track/{ONDA}" in row.history_rows.value


def test_the_explorer_table_shows_sparklines_changes_and_links(explorer):
    row = explorer.row("Alba", "spotify")
    row.toggle.value = True
    table = BeautifulSoup(row.tracks.value, "html.parser")
    onda = table.find("tr", attrs={"data-track-id": ONDA})
    assert onda.find("svg")["data-values"] == "100,200,300,,,600,700"
    assert "+116.7 %" in onda.get_text()
    assert onda.find("a")["href"] == f"https://open.spotify.com/track/{ONDA}"
    tinted = [r["data-track-id"] for r in table.find_all("tr", class_=["top", "lead"])]
    assert tinted == [ONDA, LUCE, SOLE]


def test_tracks_of_two_artists_are_compared_on_one_chart(explorer):
    alba, bruno = explorer.row("Alba", "spotify"), explorer.row("Bruno", "spotify")
    for row, track in [(alba, ONDA), (bruno, VENTO)]:
        row.toggle.value = True
        row.picker.value = track
        row.add_to_compare.click()
    assert explorer.picks == [
        TrackPick("Alba", "spotify", ONDA, "Onda"),
        TrackPick("Bruno", "spotify", VENTO, "Vento"),
    ]
    explorer.align.value = "release"
    explorer.compare_button.click()
    assert explorer.error.value == ""
    assert explorer.comparison.layout.display == ""
    assert bytes(explorer.comparison.value).startswith(b"\x89PNG")


def test_comparing_a_single_track_is_refused_in_the_widget(explorer):
    row = explorer.row("Alba", "spotify")
    row.toggle.value = True
    row.picker.value = ONDA
    row.add_to_compare.click()
    explorer.compare_button.click()
    assert "Pick 2 to 6 tracks to compare (1 picked)." in explorer.error.value
    assert explorer.comparison.layout.display == "none"


def test_adding_to_the_comparison_without_a_track_clicked_says_what_to_do(explorer):
    row = explorer.row("Alba", "spotify")
    row.toggle.value = True
    row.add_to_compare.click()
    assert "Click a track in the list first" in row.message.value
    assert explorer.picks == []

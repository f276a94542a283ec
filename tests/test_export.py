"""The workbook holds the query results cell by cell, as numbers with formats."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from kit import (
    Query,
    breakdown,
    breakdown_totals,
    export,
    query,
    selection,
    summary,
    timeseries,
    track_timeseries,
)
from kit import warehouse as wh
from kit.export import Sheet, sheet_parts, workbook

D = dt.date
SEPTEMBER = [D(2026, 9, 1) + dt.timedelta(days=i) for i in range(30)]


@pytest.fixture(scope="module")
def tiny_selection(tmp_path_factory):
    """Luna Vesper in Italy, September 2026: listeners 1,000 rising by 10 a day; 'Notte'
    has its own series on 20 days (300 a day); 'Sole' is on the daily chart on two days
    (800 and 900 streams, positions 5 and 4); 'Eco' charts on Apple Music without streams."""
    root = tmp_path_factory.mktemp("export") / "warehouse"
    wh.write(
        {
            "artists": pd.DataFrame({"artist_id": ["luna"], "name": ["Luna Vesper"]}),
            "tracks": pd.DataFrame(
                {"track_id": ["t1", "t2", "t3"], "title": ["Notte", "Sole", "Eco"]}
            ),
            "track_credits": pd.DataFrame(
                {
                    "track_id": ["t1", "t2", "t3"],
                    "artist_id": "luna",
                    "role": ["main", "main", "featured"],
                    "credit_order": [1, 1, 2],
                }
            ),
            "artist_audience": pd.DataFrame(
                {
                    "date": SEPTEMBER,
                    "platform": "spotify",
                    "country": "IT",
                    "artist_id": "luna",
                    "metric": "monthly_listeners",
                    "value": [1000 + 10 * i for i in range(30)],
                    "source": "test",
                }
            ),
            "track_streams": pd.DataFrame(
                {
                    "date": SEPTEMBER[:20],
                    "platform": "spotify",
                    "country": "IT",
                    "track_id": "t1",
                    "streams": 300,
                    "source": "s4a",
                }
            ),
            "chart_entries": pd.DataFrame(
                {
                    "date": [D(2026, 9, 3), D(2026, 9, 4), D(2026, 9, 3)],
                    "platform": ["spotify", "spotify", "apple_music"],
                    "country": "IT",
                    "frequency": "daily",
                    "position": [5, 4, 9],
                    "track_id": ["t2", "t2", "t3"],
                    "streams": [800, 900, None],
                    "source": "test",
                    "chart": "top",
                }
            ),
        },
        source="test",
        warehouse=root,
    )
    q = Query("Luna Vesper", "2026-09", country="IT", warehouse=root)
    return selection.load(q, today=D(2026, 10, 1))  # the day after the month, as cron runs it


@pytest.fixture(scope="module")
def tiny(tiny_selection, tmp_path_factory):
    path = tmp_path_factory.mktemp("export_out") / "tiny.xlsx"
    return load_workbook(workbook(tiny_selection, path))


@pytest.fixture(scope="module")
def tiny_compared(tiny_selection, tmp_path_factory):
    """The same selection loaded with a comparison: August has no data to compare with."""
    data = selection.load(tiny_selection.query, today=D(2026, 10, 1), compare="previous")
    return load_workbook(workbook(data, tmp_path_factory.mktemp("export_out") / "compared.xlsx"))


def _records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_the_workbook_has_its_sheets_in_order(tiny):
    assert tiny.sheetnames == [
        "Summary",
        "Totals",
        "Track Breakdown",
        "Daily",
        "Track Daily",
        "About",
    ]


def test_with_a_comparison_the_workbook_adds_noteworthy_and_movers_where_there_is_a_past(
    tiny_compared,
):
    # no data in August 2026: nothing to compare with, so no Movers sheet
    assert tiny_compared.sheetnames == [
        "Summary",
        "Totals",
        "Track Breakdown",
        "Daily",
        "Track Daily",
        "Noteworthy",
        "About",
    ]
    # 'Sole' climbs from #5 on 3 September to #4 on the 4th: a new best (up to #10)
    (peak,) = _records(tiny_compared["Noteworthy"])
    assert (peak["date"], peak["track"], peak["kind"], peak["value"], peak["baseline"]) == (
        dt.datetime(2026, 9, 4),
        "Sole",
        "new_peak",
        4,
        5,
    )
    about = {r[0]: r[1] for r in tiny_compared["About"].iter_rows(values_only=True) if r[0]}
    assert about["Compared with"] == "August 2026 (2026-08-01 to 2026-08-31; previous)"
    assert about["Alerts"].startswith("A spike or a drop is a day at least 10% (and 1,000)")


def test_the_summary_sheet_holds_the_audience_figures_worked_out_by_hand(tiny):
    (row,) = _records(tiny["Summary"])
    assert row == {
        "artist": "Luna Vesper",
        "platform": "spotify",
        "metric": "monthly_listeners",
        "start_value": 1000,
        "end_value": 1290,
        "difference": 290,
        "pct_change": pytest.approx(0.29),
        "average": pytest.approx(1145.0),
        "peak_value": 1290,
        "peak_date": dt.datetime(2026, 9, 30),
        "points": 30,
        "coverage": 1,
    }


def test_the_track_breakdown_sheet_holds_every_track_of_every_platform(tiny):
    rows = _records(tiny["Track Breakdown"])
    assert [(r["platform"], r["title"], r["total_streams"]) for r in rows] == [
        ("spotify", "Notte", 6000),
        ("spotify", "Sole", 1700),
        ("apple_music", "Eco", None),
    ]
    notte = rows[0]
    assert notte["coverage"] == pytest.approx(20 / 30)
    assert notte["share"] == pytest.approx(6000 / 7700)
    assert rows[1]["best_position"] == 4
    assert rows[1]["first_chart_date"] == dt.datetime(2026, 9, 3)


def test_the_totals_sheet_holds_the_footer_with_streams_per_listener(tiny):
    spotify, apple = _records(tiny["Totals"])
    assert (spotify["total_streams"], spotify["track_count"], spotify["top_track"]) == (
        7700,
        2,
        "Notte",
    )
    assert spotify["streams_per_listener"] == pytest.approx(7700 / 1145)
    assert (apple["total_streams"], apple["tracks_without_streams"]) == (None, 1)


def test_the_daily_sheets_hold_one_row_per_point(tiny):
    daily = _records(tiny["Daily"])
    assert [r["value"] for r in daily] == [1000 + 10 * i for i in range(30)]
    assert daily[0]["date"] == dt.datetime(2026, 9, 1)
    track_daily = _records(tiny["Track Daily"])
    assert sum(r["streams"] for r in track_daily if r["title"] == "Notte") == 6000
    assert len(track_daily) == 22


@pytest.mark.parametrize(
    ("sheet", "column", "number_format"),
    [
        ("Summary", "end_value", "#,##0"),
        ("Summary", "average", "#,##0.0"),
        ("Summary", "pct_change", "0.0%"),
        ("Summary", "peak_date", "yyyy-mm-dd"),
        ("Track Breakdown", "share", "0.0%"),
        ("Track Breakdown", "coverage", "0.0%"),
        ("Track Breakdown", "total_streams", "#,##0"),
        ("Totals", "streams_per_listener", "0.00"),
        ("Daily", "date", "yyyy-mm-dd"),
    ],
)
def test_numbers_and_dates_carry_number_formats(tiny, sheet, column, number_format):
    ws = tiny[sheet]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index(column) + 1)
    assert not isinstance(cell.value, str)
    assert cell.number_format == number_format


@pytest.mark.parametrize("sheet", ["Summary", "Totals", "Track Breakdown", "Daily", "Track Daily"])
def test_data_sheets_freeze_the_header_filter_every_row_and_size_columns(tiny, sheet):
    ws = tiny[sheet]
    assert ws.freeze_panes == "A2"
    assert (
        ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=ws.max_column).column_letter}{ws.max_row}"
    )
    assert all(ws.column_dimensions[c.column_letter].width >= 12 for c in ws[1])


def test_the_about_sheet_holds_parameters_definitions_sources_coverage_and_time(tiny):
    about = {r[0]: r[1] for r in tiny["About"].iter_rows(values_only=True) if r[0]}
    assert about["Artists"] == "Luna Vesper"
    assert about["Country"] == "Italy (IT)"
    assert about["Start"] == dt.datetime(2026, 9, 1)
    assert about["Days"] == 30
    assert "Streams per listener (approximate)" in about
    assert {"Sources: rows for these artists in the country and period", "track_streams"} <= set(
        about
    )
    assert "Coverage of the audience (points ÷ days in the period)" in about
    generated = about["Generated at"]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert dt.timedelta(0) <= now - generated < dt.timedelta(minutes=10)


# ---------------------------------------------------------------- on the demo


def _cell(value):
    """A DataFrame value as openpyxl reads it back."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12)
    return a == b


@pytest.fixture(scope="module")
def demo(demo_warehouse, tmp_path_factory):
    from kit.sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH

    q = Query(
        [DEFAULT_ARTIST, "Sid Vettore"],
        DEFAULT_MONTH,
        country=DEFAULT_COUNTRY,
        warehouse=demo_warehouse,
    )
    path = tmp_path_factory.mktemp("demo_export") / "demo.xlsx"
    book = load_workbook(workbook(selection.load(q, compare="previous"), path))
    return q, book


def _expected(q: Query, sheet: str) -> pd.DataFrame:
    pairs = [(a, p) for a in q.artist_names for p in q.platform_slugs]

    def stacked(fn) -> pd.DataFrame:
        frames = []
        for a, p in pairs:
            f = fn(q, a, p)
            f.insert(0, "platform", p)
            f.insert(0, "artist", a)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    return {
        "Summary": lambda: summary(q).drop(columns=["artist_id"]),
        "Totals": lambda: stacked(breakdown_totals),
        "Track Breakdown": lambda: stacked(breakdown),
        "Daily": lambda: timeseries(q, None).drop(columns=["artist_id"]),
        "Track Daily": lambda: stacked(track_timeseries),
        "Movers": lambda: stacked(query.movers),
        "Noteworthy": lambda: query.alerts(
            q.start,
            q.end,
            artists=list(q.artist_ids),
            platforms=list(q.platform_slugs),
            countries=[q.country_code],
            warehouse=q.warehouse_path,
        ),
    }[sheet]()


SHEETS = ["Summary", "Totals", "Track Breakdown", "Daily", "Track Daily", "Movers", "Noteworthy"]


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_sheet_equals_the_query_results_cell_by_cell(demo, sheet):
    q, book = demo
    expected = _expected(q, sheet)
    rows = list(book[sheet].iter_rows(values_only=True))
    assert list(rows[0]) == list(expected.columns)
    assert len(rows) - 1 == len(expected) > 0
    for got, want in zip(rows[1:], expected.itertuples(index=False), strict=True):
        want = [_cell(v) for v in want]
        mismatched = [
            (c, g, w)
            for c, g, w in zip(expected.columns, got, want, strict=True)
            if not _same(g, w)
        ]
        assert not mismatched, mismatched


INTEGER, DECIMAL, PERCENT, DATE = "#,##0", "#,##0.0", "0.0%", "yyyy-mm-dd"
COUNTS = ["total_streams", "peak_streams", "best_position", "days_on_chart", "days_with_value"]
# The number format of each column of each data sheet that has one; text columns show
# 'General'. Written out from the sheets' columns: counts as integers, averages with one
# decimal, fractions as percentages, dates as dates.
NUMBER_FORMATS = {
    "Summary": {
        **dict.fromkeys(
            ["start_value", "end_value", "difference", "peak_value", "points"], INTEGER
        ),
        "pct_change": PERCENT,
        "average": DECIMAL,
        "peak_date": DATE,
        "coverage": PERCENT,
    },
    "Totals": {
        **dict.fromkeys(
            ["total_streams", "track_count", "partial_tracks", "tracks_without_streams"], INTEGER
        ),
        **dict.fromkeys(["top_track_streams", "listener_points"], INTEGER),
        "top_track_share": PERCENT,
        "average_listeners": DECIMAL,
        "streams_per_listener": "0.00",
    },
    "Track Breakdown": {
        **dict.fromkeys(COUNTS, INTEGER),
        "avg_daily": DECIMAL,
        **dict.fromkeys(["peak_date", "first_chart_date", "last_chart_date"], DATE),
        "share": PERCENT,
        "coverage": PERCENT,
    },
    "Daily": {"date": DATE, "value": INTEGER, "window_start": DATE},
    "Track Daily": {"date": DATE, "streams": INTEGER, "days": INTEGER},
    "Movers": {
        **dict.fromkeys(
            ["streams", "previous_streams", "change", "rank", "previous_rank"], INTEGER
        ),
        **dict.fromkeys(["best_position", "previous_best_position"], INTEGER),
        **dict.fromkeys(["pct_change", "contribution", "coverage", "previous_coverage"], PERCENT),
    },
    "Noteworthy": {
        "date": DATE,
        "value": INTEGER,
        **dict.fromkeys(["baseline", "change", "score"], DECIMAL),
        "pct_change": PERCENT,
    },
}


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_cell_of_the_demo_carries_its_columns_number_format_and_type(demo, sheet):
    _, book = demo
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    formats = NUMBER_FORMATS[sheet]
    assert set(formats) <= set(header)
    written = 0
    for row in ws.iter_rows(min_row=2):
        for column, cell in zip(header, row, strict=True):
            if cell.value is None:
                continue
            written += 1
            fmt = formats.get(column, "General")
            assert (column, cell.number_format) == (column, fmt)
            if fmt == DATE:
                assert (column, cell.data_type, type(cell.value)) == (column, "d", dt.datetime)
            elif fmt != "General":
                assert cell.data_type == "n" and type(cell.value) in (int, float), column
            else:
                assert cell.data_type in ("s", "b"), column
    assert written > 0


def test_the_demos_top_tracks_are_tinted_cell_for_cell_and_their_titles_linked(demo):
    """The first three tracks of each artist × platform (the report's top tracks) are
    tinted across the row, empty cells too (a fill without a number format); the other
    rows have no fill; Spotify titles link to the track's page in the link style."""
    _, book = demo
    ws = book["Track Breakdown"]
    header = [c.value for c in ws[1]]
    at = {name: i for i, name in enumerate(header)}
    seen: dict[tuple, int] = {}
    tinted = linked = empty_tinted = 0
    for row in ws.iter_rows(min_row=2):
        key = (row[at["artist"]].value, row[at["platform"]].value)
        seen[key] = seen.get(key, 0) + 1
        top = seen[key] <= 3
        fills = {(c.fill.fill_type, c.fill.fgColor.rgb) for c in row}
        assert fills == ({("solid", "00FFF6D6")} if top else {(None, "00000000")}), key
        tinted += top
        empty = [c for c in row if c.value is None]
        if top:
            assert all(c.number_format == "General" for c in empty)
            empty_tinted += len(empty)
        title = row[at["title"]]
        if key[1] == "spotify":
            url = f"https://open.spotify.com/track/{row[at['track_id']].value}"
            assert title.hyperlink.target == url
            assert (title.font.color.rgb, title.font.u) == ("000563C1", "single")
            linked += 1
        else:
            assert title.hyperlink is None
    assert tinted == 3 * len(seen) and linked > 0 and empty_tinted > 0


def test_the_about_sheet_lists_each_source_with_its_rows_and_dates(tiny):
    rows = list(tiny["About"].iter_rows(values_only=True))
    start = rows.index(("data", "platform", "source", "row_count", "first_date", "last_date"))
    sources = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        sources.append(row)
    d = dt.datetime
    assert sources == [
        ("artist_audience", "spotify", "test", 30, d(2026, 9, 1), d(2026, 9, 30)),
        ("chart_entries", "apple_music", "test", 1, d(2026, 9, 3), d(2026, 9, 3)),
        ("chart_entries", "spotify", "test", 2, d(2026, 9, 3), d(2026, 9, 4)),
        ("track_streams", "spotify", "s4a", 20, d(2026, 9, 1), d(2026, 9, 20)),
    ]


# ---------------------------------------------------------------- Excel's limits


def _data_rows(book, titles) -> list[tuple]:
    """The data rows of worksheets read one after the other, checking each repeats the header."""
    header = next(book[titles[0]].iter_rows(values_only=True))
    out = []
    for title in titles:
        rows = list(book[title].iter_rows(values_only=True))
        assert rows[0] == header, title
        out += rows[1:]
    return out


def test_a_sheet_past_the_row_limit_continues_on_numbered_sheets_with_its_header(
    tiny_selection, tiny, tmp_path, monkeypatch
):
    monkeypatch.setattr(export, "MAX_ROWS", 11)  # a header and 10 data rows a sheet
    book = load_workbook(workbook(tiny_selection, tmp_path / "split.xlsx"))
    # Daily: 30 points; Track Daily: 22 track days (see the fixture); the rest fits
    assert book.sheetnames == [
        "Summary",
        "Totals",
        "Track Breakdown",
        "Daily",
        "Daily 2",
        "Daily 3",
        "Track Daily",
        "Track Daily 2",
        "Track Daily 3",
        "About",
    ]
    assert [book[t].max_row for t in ["Daily", "Daily 2", "Daily 3"]] == [11, 11, 11]
    assert [book[t].max_row for t in ["Track Daily", "Track Daily 2", "Track Daily 3"]] == [
        11,
        11,
        3,
    ]
    for name, titles in [
        ("Daily", ["Daily", "Daily 2", "Daily 3"]),
        ("Track Daily", ["Track Daily", "Track Daily 2", "Track Daily 3"]),
    ]:
        assert _data_rows(book, titles) == list(tiny[name].iter_rows(values_only=True))[1:]
    ws = book["Track Daily 3"]
    assert (ws.freeze_panes, ws.auto_filter.ref) == (
        "A2",
        f"A1:{ws.cell(1, ws.max_column).column_letter}3",
    )


def test_the_about_sheet_says_which_sheets_continue_which(tiny_selection, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 11)
    book = load_workbook(workbook(tiny_selection, tmp_path / "split.xlsx"))
    about = list(book["About"].iter_rows(values_only=True))
    firsts = [r[0] for r in about]
    start = firsts.index(
        "Sheets continued (Excel holds at most 11 rows and 16,384 columns a sheet)"
    )
    assert [r[:2] for r in about[start + 1 : start + 5]] == [
        ("Daily 2", "Daily, continued: rows 11 to 20 of its data, under the same header"),
        ("Daily 3", "Daily, continued: rows 21 to 30 of its data, under the same header"),
        (
            "Track Daily 2",
            "Track Daily, continued: rows 11 to 20 of its data, under the same header",
        ),
        (
            "Track Daily 3",
            "Track Daily, continued: rows 21 to 22 of its data, under the same header",
        ),
    ]


def test_a_workbook_within_the_limits_says_nothing_of_continued_sheets(tiny):
    about = [r[0] for r in tiny["About"].iter_rows(values_only=True) if r[0]]
    assert not any(str(r).startswith("Sheets continued") for r in about)


def test_a_sheet_past_the_column_limit_continues_with_the_next_columns(
    tiny_selection, tiny, tmp_path, monkeypatch
):
    monkeypatch.setattr(export, "MAX_COLUMNS", 8)
    book = load_workbook(workbook(tiny_selection, tmp_path / "wide.xlsx"))
    whole = list(tiny["Track Breakdown"].iter_rows(values_only=True))
    width = len(whole[0])  # artist, platform and the breakdown's columns
    titles = ["Track Breakdown"] + [f"Track Breakdown {n}" for n in range(2, -(-width // 8) + 1)]
    assert [t for t in book.sheetnames if t.startswith("Track Breakdown")] == titles
    side_by_side = [
        sum((list(r) for r in rows), [])
        for rows in zip(*(book[t].iter_rows(values_only=True) for t in titles), strict=True)
    ]
    assert side_by_side == [list(r) for r in whole]


def test_a_long_title_is_cut_to_excels_31_characters_and_keeps_its_number(monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 3)
    sheet = Sheet("Track Daily of every artist and platform", pd.DataFrame({"n": range(5)}))
    assert [p.title for p in sheet_parts(sheet)] == [
        "Track Daily of every artist and",
        "Track Daily of every artist a 2",
        "Track Daily of every artist a 3",
    ]
    assert all(len(p.title) <= 31 for p in sheet_parts(sheet))


def test_at_excels_real_row_limit_one_data_row_more_needs_a_second_sheet():
    """With the real limit: 1,048,576 rows a sheet, the header included, hold 1,048,575
    data rows. (Writing the 1,048,576 rows for real takes over 30 s with openpyxl, so
    this checks the split only; the tests above write split workbooks with a lower limit.)"""
    assert export.MAX_ROWS == 1_048_576
    parts = sheet_parts(Sheet("Track Daily", pd.DataFrame({"n": range(1_048_576)})))
    assert [(p.title, p.rows) for p in parts] == [
        ("Track Daily", range(0, 1_048_575)),
        ("Track Daily 2", range(1_048_575, 1_048_576)),
    ]
    exact = sheet_parts(Sheet("Track Daily", pd.DataFrame({"n": range(1_048_575)})))
    assert [(p.title, p.rows) for p in exact] == [("Track Daily", range(0, 1_048_575))]


# ---------------------------------------------------------------- data checks


def _about_section(book, title: str) -> list[tuple]:
    rows = list(book["About"].iter_rows(values_only=True))
    start = [r[0] for r in rows].index(title)
    out = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        out.append(tuple(v for v in row if v is not None))
    return out


CHECKS = "Data checks: findings that concern these artists, platforms, country and period"


def test_the_about_sheet_lists_the_data_checks_findings(tiny_selection, tmp_path):
    findings = pd.DataFrame(
        [("completeness", "chart_entries", "warn", 2, "2026-09-05", "2 day(s) missing …")],
        columns=["rule", "table", "severity", "count", "example", "message"],
    ).astype({"count": "Int64"})
    data = dataclasses.replace(tiny_selection, findings=findings)
    book = load_workbook(workbook(data, tmp_path / "checked.xlsx"))
    assert _about_section(book, CHECKS) == [
        ("rule", "message", "severity", "count", "table", "example"),
        ("completeness", "2 day(s) missing …", "warn", 2, "chart_entries", "2026-09-05"),
    ]


def test_the_about_sheet_lists_the_findings_of_the_checks_run_for_the_report(tiny):
    """On 1 October the fixture's charts (last 3 and 4 September) and own series (last 20
    September) are older than 7 days; its audience (30 September) is not."""
    assert _about_section(tiny, CHECKS) == [
        ("rule", "message", "severity", "count", "table", "example"),
        ("freshness", "no data from test on apple_music for 28 days (more than 7)", "warn", 28,
         "chart_entries", "newest 2026-09-03, 28 days before 2026-10-01"),
        ("freshness", "no data from test on spotify for 27 days (more than 7)", "warn", 27,
         "chart_entries", "newest 2026-09-04, 27 days before 2026-10-01"),
        ("freshness", "no data from s4a on spotify for 11 days (more than 7)", "warn", 11,
         "track_streams", "newest 2026-09-20, 11 days before 2026-10-01"),
    ]  # fmt: skip


def test_the_about_sheet_says_when_the_checks_found_nothing(tiny_selection, tmp_path):
    data = dataclasses.replace(tiny_selection, findings=tiny_selection.findings.iloc[0:0])
    book = load_workbook(workbook(data, tmp_path / "clean.xlsx"))
    assert _about_section(book, CHECKS) == [
        ("None", "kit check's rules found nothing that concerns this report.")
    ]


def _sheet_xml(sheet: Sheet, path) -> bytes:
    import zipfile

    from openpyxl import Workbook

    from kit import export

    book = Workbook(write_only=True)
    export._write_table(book, sheet)
    book.save(path)
    with zipfile.ZipFile(path) as saved:
        return b"".join(
            saved.read(name) for name in sorted(saved.namelist()) if name.startswith("xl/")
        )


def test_the_data_rows_are_written_byte_for_byte_as_openpyxl_writes_them(tmp_path, monkeypatch):
    from openpyxl.worksheet._writer import WorksheetWriter

    from kit import export

    day = dt.date(2026, 9, 1)
    frame = pd.DataFrame({
        "title": [" lead space", "tail ", "", "=1+1", "#N/A", "a & <b> \"c\" é 😀", "x\ty\nz", None],
        "streams": pd.array([1, None, 3, 12345678901234567, -5, 0, 7, 8], dtype="Int64"),
        "share": [0.5, float("nan"), float("inf"), 1e-300, -0.0, 2.25, 1 / 3, 7.0],
        "peak_date": pd.to_datetime([day, None, day, day, day, day, day, day]),
        "mixed": [day, "text", 3, 2.5, True, dt.datetime(2026, 9, 1, 12, 30), None, day],
        "flag": [True, False, True, False, True, False, True, False],
    })  # fmt: skip
    sheet = Sheet(
        "Track Breakdown",
        frame,
        links=[
            "https://example.com/1",
            None,
            "https://example.com/3",
            None,
            None,
            None,
            None,
            None,
        ],
        tinted=[True, True, False, False, True, False, False, True],
    )
    fast = _sheet_xml(sheet, tmp_path / "fast.xlsx")
    monkeypatch.setattr(
        export._RowCells, "write_row",
        lambda self, xf, cells, row_idx: WorksheetWriter.write_row(self.ws._writer, xf, cells, row_idx),
    )  # fmt: skip
    assert fast == _sheet_xml(sheet, tmp_path / "openpyxl.xlsx")
    assert b'xml:space="preserve"> lead space' in fast  # the cases above were written

"""`load_table`: plain audience and track-streams tables, CSV and xlsx, and --cumulative."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from chart_files import log, snapshot, write_bytes

from kit import warehouse
from kit.sources.tables import load_table

D = dt.date

AUDIENCE = """artist,platform,country,date,metric,value
Nora Quinn,Apple Music,Italy,2026-09-01,followers,100
Nora Quinn,spotify,GLOBAL,2026-09-01,Monthly Listeners,8500000
Ezra Vale,deezer,fr,2026-09-02,followers,7
"""
STREAMS = """track,artists,platform,country,date,streams,isrc,spotify_uri
Glass,Nora Quinn; Ezra Vale,spotify,IT,2026-09-01,100,,spotify:track:{sp}
Glass,Nora Quinn; Ezra Vale,spotify,IT,2026-09-02,150,,https://open.spotify.com/track/{sp}?si=x
Harbour,Ezra Vale,youtube,IT,2026-09-01,40,GB-AAA-26-00001,
Tide,Nora Quinn,deezer,GLOBAL,2026-09-01,5,,
""".replace("{sp}", "4uLU6hMCjMI75M1A2tKUQC")


def _rows(root, table: str, columns: list[str]) -> set[tuple]:
    frame = warehouse.read_table(table, root).to_pandas()
    return set(map(tuple, frame[columns].values.tolist()))


def test_an_audience_table_maps_platform_and_country_names(tmp_path):
    root = tmp_path / "warehouse"
    summary = load_table(
        write_bytes(tmp_path / "a.csv", AUDIENCE.encode()), root, kind="audience", progress=False
    )
    assert (summary.loaded, summary.rows, summary.errors) == (1, 3, [])
    cols = ["date", "platform", "country", "artist_id", "metric", "value", "source"]
    assert _rows(root, "artist_audience", cols) == {
        (D(2026, 9, 1), "apple_music", "IT", "nora-quinn", "followers", 100, "table"),
        (D(2026, 9, 1), "spotify", "GLOBAL", "nora-quinn", "monthly_listeners", 8_500_000, "table"),
        (D(2026, 9, 2), "deezer", "FR", "ezra-vale", "followers", 7, "table"),
    }
    assert _rows(root, "artists", ["artist_id", "name"]) == {
        ("nora-quinn", "Nora Quinn"),
        ("ezra-vale", "Ezra Vale"),
    }


def test_track_ids_come_from_the_spotify_uri_else_the_isrc_else_title_and_artists(tmp_path):
    root = tmp_path / "warehouse"
    summary = load_table(
        write_bytes(tmp_path / "s.csv", STREAMS.encode()),
        root,
        kind="track-streams",
        progress=False,
    )
    assert summary.errors == []
    # four lines, four streams values; three tracks of two artists, all new
    assert (summary.fact_rows, summary.fact_rows_written) == (4, 4)
    assert (summary.new_tracks, summary.new_artists) == (3, 2)
    assert _rows(root, "track_streams", ["date", "platform", "country", "track_id", "streams"]) == {
        (D(2026, 9, 1), "spotify", "IT", "4uLU6hMCjMI75M1A2tKUQC", 100),
        (D(2026, 9, 2), "spotify", "IT", "4uLU6hMCjMI75M1A2tKUQC", 150),
        (D(2026, 9, 1), "youtube", "IT", "isrc:GBAAA2600001", 40),
        (D(2026, 9, 1), "deezer", "GLOBAL", "title:nora-quinn/tide", 5),
    }
    assert _rows(root, "track_credits", ["track_id", "artist_id", "role", "credit_order"]) == {
        ("4uLU6hMCjMI75M1A2tKUQC", "nora-quinn", "main", 1),
        ("4uLU6hMCjMI75M1A2tKUQC", "ezra-vale", "featured", 2),
        ("isrc:GBAAA2600001", "ezra-vale", "main", 1),
        ("title:nora-quinn/tide", "nora-quinn", "main", 1),
    }
    tracks = warehouse.read_table("tracks", root).to_pandas().set_index("track_id")
    assert tracks.loc["isrc:GBAAA2600001", "isrc"] == "GBAAA2600001"


def test_an_unknown_platform_is_refused_naming_the_line(tmp_path):
    root = tmp_path / "warehouse"
    bad = AUDIENCE.replace("deezer", "myspace")
    summary = load_table(
        write_bytes(tmp_path / "a.csv", bad.encode()), root, kind="audience", progress=False
    )
    assert str(summary.errors[0]).startswith(
        f"{tmp_path / 'a.csv'}, line 4, field platform: expected a platform such as spotify"
    )
    assert snapshot(root)["files"] == []
    assert log(root)["outcome"].tolist() == ["failed"]


def test_the_same_series_and_date_twice_is_refused(tmp_path):
    root = tmp_path / "warehouse"
    bad = AUDIENCE + "Ezra Vale,Deezer,FR,2026-09-02,followers,8\n"
    summary = load_table(
        write_bytes(tmp_path / "a.csv", bad.encode()), root, kind="audience", progress=False
    )
    assert str(summary.errors[0]).endswith(
        "a.csv, line 5, field date: followers of ezra-vale on deezer in FR on 2026-09-02 "
        "appears twice in this file (first on line 4)"
    )
    assert snapshot(root)["files"] == []


def test_an_unknown_kind_is_refused_before_any_file_is_read():
    with pytest.raises(ValueError, match="expected audience or track-streams"):
        load_table("x.csv", kind="charts")


CUMULATIVE = """track,artists,platform,country,date,streams
Glass,Nora Quinn,spotify,IT,2026-09-01,1000
Glass,Nora Quinn,spotify,IT,2026-09-02,1150
Glass,Nora Quinn,spotify,IT,2026-09-03,1400
Glass,Nora Quinn,spotify,GB,2026-09-02,50
Glass,Nora Quinn,spotify,GB,2026-09-03,80
"""


def test_cumulative_totals_become_daily_differences_and_each_first_date_is_dropped(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(tmp_path / "c.csv", CUMULATIVE.encode())
    summary = load_table(path, root, kind="track-streams", cumulative=True, progress=False)
    assert (summary.rows, summary.errors, summary.warnings) == (5, [], [])
    assert _rows(root, "track_streams", ["date", "country", "streams"]) == {
        (D(2026, 9, 2), "IT", 150),
        (D(2026, 9, 3), "IT", 250),
        (D(2026, 9, 3), "GB", 30),
    }


def test_a_cumulative_total_after_a_gap_is_dropped_with_a_warning(tmp_path):
    root = tmp_path / "warehouse"
    text = CUMULATIVE.replace("2026-09-03,1400", "2026-09-05,1400")
    path = write_bytes(tmp_path / "c.csv", text.encode())
    summary = load_table(path, root, kind="track-streams", cumulative=True, progress=False)
    assert [str(w) for w in summary.warnings] == [
        f"{path}, field streams: 1 running total(s) follow a gap in the dates and were dropped: "
        "their difference covers several days, not one"
    ]
    assert _rows(root, "track_streams", ["date", "country", "streams"]) == {
        (D(2026, 9, 2), "IT", 150),
        (D(2026, 9, 3), "GB", 30),
    }


def test_a_decreasing_cumulative_total_is_refused_naming_both_lines(tmp_path):
    root = tmp_path / "warehouse"
    text = CUMULATIVE.replace("2026-09-03,1400", "2026-09-03,1100")
    path = write_bytes(tmp_path / "c.csv", text.encode())
    summary = load_table(path, root, kind="track-streams", cumulative=True, progress=False)
    assert [str(e) for e in summary.errors] == [
        f"{path}, line 4, field streams: expected a running total that never decreases, "
        "got 1,100 on 2026-09-03 after 1,150 on 2026-09-02 (line 3)"
    ]
    assert snapshot(root)["files"] == []


def test_a_cumulative_audience_table_differences_each_series(tmp_path):
    root = tmp_path / "warehouse"
    text = """artist,platform,country,date,metric,value
Nora Quinn,youtube,GLOBAL,2026-09-02,views,130
Nora Quinn,youtube,GLOBAL,2026-09-01,views,100
"""
    path = write_bytes(tmp_path / "a.csv", text.encode())
    load_table(path, root, kind="audience", cumulative=True, progress=False)
    assert _rows(root, "artist_audience", ["date", "metric", "value"]) == {
        (D(2026, 9, 2), "views", 30)
    }


def _workbook(path, rows) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_an_xlsx_table_with_date_cells_loads(tmp_path):
    root = tmp_path / "warehouse"
    path = tmp_path / "streams.xlsx"
    _workbook(
        path,
        [
            ["track", "artists", "platform", "country", "date", "streams"],
            ["Glass", "Nora Quinn", "Spotify", "Italy", dt.datetime(2026, 9, 1), 1000],
            ["Glass", "Nora Quinn", "Spotify", "Italy", dt.datetime(2026, 9, 2), 1250.0],
        ],
    )
    summary = load_table(path, root, kind="track-streams", cumulative=True, progress=False)
    assert summary.errors == []
    assert _rows(root, "track_streams", ["date", "platform", "country", "streams"]) == {
        (D(2026, 9, 2), "spotify", "IT", 250)
    }


def test_an_xlsx_error_names_the_sheet_row(tmp_path):
    root = tmp_path / "warehouse"
    path = tmp_path / "audience.xlsx"
    _workbook(
        path,
        [
            ["artist", "platform", "country", "date", "metric", "value"],
            ["Nora Quinn", "spotify", "IT", dt.date(2026, 9, 1), "followers", 10],
            [None, None, None, None, None, None],
            ["Nora Quinn", "spotify", "IT", dt.date(2026, 9, 2), "followers", "ten"],
        ],
    )
    summary = load_table(path, root, kind="audience", progress=False)
    assert [str(e) for e in summary.errors] == [
        f"{path}, line 4, field value: expected a whole number, got 'ten'"
    ]
    assert snapshot(root)["files"] == []

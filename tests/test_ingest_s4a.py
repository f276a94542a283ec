"""`load_s4a`: Spotify for Artists timelines and songs tables, for one named artist."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from chart_files import log, snapshot, write_bytes

from kit import warehouse
from kit.sources.s4a import load_s4a

D = dt.date

TIMELINE = """date,listeners,streams,followers
2026-09-01,1200,3400,500
2026-09-02,1300,,510
2026-09-03,0,3100,515
"""
SONGS = """song,listeners,streams,saves,release_date
Glass,0,125000,0,2025-03-14
"Harbour, Again",0,9000,0,
"""


def _audience(root) -> set[tuple]:
    a = warehouse.read_table("artist_audience", root).to_pandas()
    return set(
        zip(a.date, a.platform, a.country, a.artist_id, a.metric, a.value, a.source, strict=True)
    )


def test_a_timeline_becomes_daily_listeners_streams_and_followers(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(tmp_path / "timeline.csv", TIMELINE.encode())
    summary = load_s4a(path, root, artist="Nora Quinn", progress=False)
    assert (summary.loaded, summary.rows, summary.errors) == (1, 3, [])
    row = ("spotify", "GLOBAL", "nora-quinn")
    assert _audience(root) == {
        (D(2026, 9, 1), *row, "listeners", 1200, "s4a"),
        (D(2026, 9, 2), *row, "listeners", 1300, "s4a"),
        (D(2026, 9, 3), *row, "listeners", 0, "s4a"),
        (D(2026, 9, 1), *row, "streams", 3400, "s4a"),
        (D(2026, 9, 3), *row, "streams", 3100, "s4a"),
        (D(2026, 9, 1), *row, "followers", 500, "s4a"),
        (D(2026, 9, 2), *row, "followers", 510, "s4a"),
        (D(2026, 9, 3), *row, "followers", 515, "s4a"),
    }
    assert warehouse.read_table("artists", root).to_pandas()["name"].tolist() == ["Nora Quinn"]
    # three lines of the file hold eight points: listeners 3, streams 2, followers 3
    assert (summary.fact_rows, summary.fact_rows_written) == (8, 8)
    assert (summary.new_artists, summary.new_tracks) == (1, 0)


def test_a_timeline_loaded_again_reads_its_points_and_changes_none(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(tmp_path / "timeline.csv", TIMELINE.encode())
    load_s4a(path, root, artist="Nora Quinn", progress=False)
    again = load_s4a(path, root, artist="Nora Quinn", progress=False, reload=True)
    assert (again.rows, again.fact_rows, again.fact_rows_written) == (3, 8, 0)
    assert (again.new_artists, again.new_tracks, again.rows_written) == (0, 0, 0)


def test_the_timeline_is_never_stored_as_monthly_listeners(tmp_path):
    root = tmp_path / "warehouse"
    load_s4a(write_bytes(tmp_path / "t.csv", TIMELINE.encode()), root, artist="N", progress=False)
    assert "monthly_listeners" not in {m for *_, m, _, _ in _audience(root)}


def test_a_timeline_takes_the_country_option(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(tmp_path / "timeline.csv", TIMELINE.encode())
    load_s4a(path, root, artist="Nora Quinn", country="it", progress=False)
    assert {c for _, _, c, *_ in _audience(root)} == {"IT"}


def test_a_songs_table_stores_tracks_and_credits_but_not_its_all_time_totals(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(tmp_path / "songs.csv", SONGS.encode())
    summary = load_s4a(path, root, artist="Nora Quinn", progress=False)
    assert (summary.loaded, summary.rows, summary.errors) == (1, 2, [])
    assert "all-time totals" in str(summary.warnings[0])
    # the totals are not stored: no fact row, two new tracks of one new artist
    assert (summary.fact_rows, summary.new_tracks, summary.new_artists) == (0, 2, 1)
    tracks = warehouse.read_table("tracks", root).to_pandas().sort_values("title")
    assert tracks[["track_id", "title"]].values.tolist() == [
        ["title:nora-quinn/glass", "Glass"],
        ["title:nora-quinn/harbour-again", "Harbour, Again"],
    ]
    assert tracks["release_date"].tolist()[0] == D(2025, 3, 14)
    assert pd.isna(tracks["release_date"].tolist()[1])
    credits = warehouse.read_table("track_credits", root).to_pandas()
    assert set(zip(credits.track_id, credits.artist_id, credits.role, strict=True)) == {
        ("title:nora-quinn/glass", "nora-quinn", "main"),
        ("title:nora-quinn/harbour-again", "nora-quinn", "main"),
    }
    for table in ("track_streams", "chart_entries", "artist_audience"):
        assert warehouse.read_table(table, root).num_rows == 0


def test_a_song_matches_the_artists_known_track_with_the_same_title(tmp_path):
    root = tmp_path / "warehouse"
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["nora-quinn"], "name": ["Nora Quinn"]}),
            "tracks": pd.DataFrame({"track_id": ["sp1"], "title": ["GLASS"]}),
            "track_credits": pd.DataFrame(
                {
                    "track_id": ["sp1"],
                    "artist_id": "nora-quinn",
                    "role": "featured",
                    "credit_order": 2,
                }
            ),
        },
        source="test",
        warehouse=root,
    )
    load_s4a(
        write_bytes(tmp_path / "songs.csv", SONGS.encode()),
        root,
        artist="Nora Quinn",
        progress=False,
    )
    tracks = warehouse.read_table("tracks", root).to_pandas().set_index("track_id")
    assert tracks.loc["sp1", "title"] == "GLASS"  # the known title is kept
    assert tracks.loc["sp1", "release_date"] == D(2025, 3, 14)  # the empty date is filled
    credits = warehouse.read_table("track_credits", root).to_pandas().set_index("track_id")
    assert credits.loc["sp1", "role"] == "featured"


def test_an_artist_is_required():
    with pytest.raises(ValueError, match="An artist name is required"):
        load_s4a("timeline.csv", artist=" ")


def test_a_bad_date_in_a_timeline_is_refused_and_changes_nothing(tmp_path):
    root = tmp_path / "warehouse"
    load_s4a(
        write_bytes(tmp_path / "good.csv", TIMELINE.encode()), root, artist="N", progress=False
    )
    before = snapshot(root)
    bad = TIMELINE.replace("2026-09-03", "03/09/2026")
    summary = load_s4a(
        write_bytes(tmp_path / "bad.csv", bad.encode()), root, artist="N", progress=False
    )
    assert [str(e) for e in summary.errors] == [
        f"{tmp_path / 'bad.csv'}, line 4, field date: expected a date YYYY-MM-DD, got '03/09/2026'"
    ]
    assert snapshot(root) == before
    assert sorted(log(root)["outcome"]) == ["failed", "ok"]


def test_negative_streams_in_a_songs_table_are_refused(tmp_path):
    root = tmp_path / "warehouse"
    bad = SONGS.replace("9000", "-9000")
    summary = load_s4a(
        write_bytes(tmp_path / "songs.csv", bad.encode()), root, artist="N", progress=False
    )
    assert str(summary.errors[0]).endswith(
        "songs.csv, line 3, field streams: expected a whole number ≥ 0, got '-9000'"
    )
    assert snapshot(root)["files"] == []


def test_an_export_with_an_unknown_header_is_refused(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(tmp_path / "x.csv", b"day,plays\n2026-09-01,3\n")
    summary = load_s4a(path, root, artist="N", progress=False)
    assert "x.csv, line 1: expected the header of an audience timeline" in str(summary.errors[0])

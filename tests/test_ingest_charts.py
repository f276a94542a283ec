"""`load_spotify_charts`: the three layouts, what real files contain, and every refusal."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from chart_files import (
    CHARTS_COM_HEADER,
    chart_row,
    charts_com_bytes,
    log,
    quoted,
    snapshot,
    track_uri,
    write_bytes,
)

from kit import query, warehouse
from kit.sources import ingest
from kit.sources.spotify_charts import load_spotify_charts
from kit.sources.tables import load_table

D = dt.date
IT_DAY = "regional-it-daily-2026-09-01.csv"


def _table(root, name) -> pd.DataFrame:
    return warehouse.read_table(name, root).to_pandas()


def _credits(root) -> set[tuple]:
    c = _table(root, "track_credits")
    return set(zip(c.track_id, c.artist_id, c.role, c.credit_order, strict=True))


@pytest.fixture
def loaded(tmp_path):
    """A warehouse holding one good daily chart, and its snapshot."""
    root = tmp_path / "warehouse"
    good = write_bytes(
        tmp_path / "good" / IT_DAY,
        charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 1000)]),
    )
    assert load_spotify_charts(good, root, progress=False).ok
    return root, snapshot(root)


def _refused(tmp_path, loaded, name: str, data: bytes, **options) -> str:
    """Ingest one bad file; check the warehouse is unchanged and the log says failed."""
    root, before = loaded
    path = write_bytes(tmp_path / "bad" / name, data)
    summary = load_spotify_charts(path, root, progress=False, **options)
    assert summary.loaded == 0
    assert len(summary.errors) == 1
    assert snapshot(root) == before
    failed = log(root).query("outcome == 'failed'")
    assert list(failed["message"]) == [str(summary.errors[0])]
    return str(summary.errors[0])


# ---------------------------------------------------------------- charts.spotify.com


def test_a_charts_spotify_com_download_with_bom_crlf_and_quotes_loads_every_row(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(
        tmp_path / IT_DAY,
        charts_com_bytes(
            [
                chart_row(1, 1, "Nora Quinn", 'Glass "Live, 2026"', 1200, previous=-1),
                chart_row(2, 2, "Ezra Vale", "Harbour", 900, previous=1),
            ]
        ),
    )
    summary = load_spotify_charts(path, root, progress=False)
    assert (summary.files, summary.loaded, summary.rows, summary.errors) == (1, 1, 2, [])
    entries = _table(root, "chart_entries").sort_values("position")
    assert entries["date"].tolist() == [D(2026, 9, 1)] * 2
    assert entries["country"].tolist() == ["IT", "IT"]
    assert entries["frequency"].tolist() == ["daily", "daily"]
    assert entries["chart"].tolist() == ["top", "top"]
    assert entries["source"].tolist() == ["spotify_charts"] * 2
    assert entries["track_id"].tolist() == [f"{1:0>22}", f"{2:0>22}"]
    assert entries["streams"].tolist() == [1200, 900]
    assert entries["previous_position"].isna().tolist() == [True, False]
    assert entries["previous_position"].iloc[1] == 1
    titles = dict(zip(*_table(root, "tracks")[["track_id", "title"]].T.values, strict=True))
    assert titles[f"{1:0>22}"] == 'Glass "Live, 2026"'


def test_the_first_named_artist_is_main_and_the_others_featured(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(
        tmp_path / IT_DAY, charts_com_bytes([chart_row(1, 1, "Anna, Bob, Cleo", "Trio", 10)])
    )
    load_spotify_charts(path, root, progress=False)
    t = f"{1:0>22}"
    assert _credits(root) == {
        (t, "anna", "main", 1),
        (t, "bob", "featured", 2),
        (t, "cleo", "featured", 3),
    }


def test_a_known_artist_name_with_a_comma_stays_one_artist(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(
        tmp_path / IT_DAY,
        charts_com_bytes([chart_row(1, 1, "Tyler, The Creator, Kali Uchis", "See You Again", 10)]),
    )
    load_spotify_charts(path, root, progress=False)
    t = f"{1:0>22}"
    assert _credits(root) == {
        (t, "tyler-the-creator", "main", 1),
        (t, "kali-uchis", "featured", 2),
    }
    assert set(_table(root, "artists")["name"]) == {"Tyler, The Creator", "Kali Uchis"}


def test_an_unknown_comma_joined_credit_is_split_into_separate_artists(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(
        tmp_path / IT_DAY, charts_com_bytes([chart_row(1, 1, "Salt, Pepper", "Spice", 10)])
    )
    load_spotify_charts(path, root, progress=False)
    assert set(_table(root, "artists")["name"]) == {"Salt", "Pepper"}


def test_a_declared_artist_name_with_a_comma_stays_whole(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(
        tmp_path / IT_DAY,
        charts_com_bytes([chart_row(1, 1, "Ezra Vale, Salt, Pepper", "Spice", 10)]),
    )
    load_spotify_charts(path, root, progress=False, artist_names=["Salt, Pepper"])
    t = f"{1:0>22}"
    assert _credits(root) == {(t, "ezra-vale", "main", 1), (t, "salt-pepper", "featured", 2)}


def test_an_artist_name_with_a_comma_already_in_the_warehouse_stays_whole(tmp_path):
    root = tmp_path / "warehouse"
    warehouse.write(
        {"artists": pd.DataFrame({"artist_id": ["salt-pepper"], "name": ["Salt, Pepper"]})},
        source="test",
        warehouse=root,
    )
    path = write_bytes(
        tmp_path / IT_DAY, charts_com_bytes([chart_row(1, 1, "Salt, Pepper", "Spice", 10)])
    )
    load_spotify_charts(path, root, progress=False)
    assert _credits(root) == {(f"{1:0>22}", "salt-pepper", "main", 1)}


def test_a_load_keeps_what_other_sources_stored_about_a_known_artist_and_track(tmp_path):
    root = tmp_path / "warehouse"
    t = f"{1:0>22}"
    warehouse.write(
        {
            "artists": pd.DataFrame(
                {"artist_id": ["nora-quinn"], "name": ["Nora Quinn"], "spotify_id": ["sp-nora"]}
            ),
            "tracks": pd.DataFrame({"track_id": [t], "title": ["Glass"], "isrc": ["GBAAA2600001"]}),
        },
        source="test",
        warehouse=root,
    )
    path = write_bytes(
        tmp_path / IT_DAY, charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 10)])
    )
    load_spotify_charts(path, root, progress=False)
    assert _table(root, "artists")["spotify_id"].tolist() == ["sp-nora"]
    assert _table(root, "tracks")["isrc"].tolist() == ["GBAAA2600001"]


# Two sources describe track 1 differently: the chart names it "Glass (feat. Ezra Vale)"
# with Ezra featured and gives no ISRC; the plain table names it "Glass", credits Ezra as
# main and gives the ISRC. Neither gives a release date.
DISAGREEING_CHART = charts_com_bytes(
    [chart_row(1, 1, "Nora Quinn, Ezra Vale", "Glass (feat. Ezra Vale)", 10)]
)
DISAGREEING_TABLE = f"""track,artists,platform,country,date,streams,isrc,spotify_uri
Glass,Ezra Vale; Nora Quinn,spotify,IT,2026-09-01,12,GBAAA2600001,{track_uri(1)}
""".encode()


def _track_and_credits(root) -> tuple[dict, set[tuple]]:
    tracks = _table(root, "tracks").set_index("track_id")
    row = tracks.loc[f"{1:0>22}"]
    return {c: (None if pd.isna(v) else v) for c, v in row.items()}, _credits(root)


def test_the_stored_value_wins_and_an_empty_one_never_replaces_it_chart_then_table(tmp_path):
    root = tmp_path / "warehouse"
    load_spotify_charts(write_bytes(tmp_path / IT_DAY, DISAGREEING_CHART), root, progress=False)
    summary = load_table(
        write_bytes(tmp_path / "t.csv", DISAGREEING_TABLE),
        root,
        kind="track-streams",
        progress=False,
    )
    assert summary.ok
    track, credits = _track_and_credits(root)
    assert track == {
        "title": "Glass (feat. Ezra Vale)",  # both gave one: the stored title stays
        "isrc": "GBAAA2600001",  # the chart had none: the table fills it
        "release_date": None,  # neither gave one
        "soundcharts_uuid": None,
    }
    # both gave a role and an order for each credit: the chart's, stored first, stay
    assert credits == {
        (f"{1:0>22}", "nora-quinn", "main", 1),
        (f"{1:0>22}", "ezra-vale", "featured", 2),
    }


def test_the_stored_value_wins_and_an_empty_one_never_replaces_it_table_then_chart(tmp_path):
    root = tmp_path / "warehouse"
    load_table(
        write_bytes(tmp_path / "t.csv", DISAGREEING_TABLE),
        root,
        kind="track-streams",
        progress=False,
    )
    before = len(log(root))
    summary = load_spotify_charts(
        write_bytes(tmp_path / IT_DAY, DISAGREEING_CHART), root, progress=False
    )
    track, credits = _track_and_credits(root)
    assert track == {
        "title": "Glass",  # the table's title, stored first, stays
        "isrc": "GBAAA2600001",  # the chart gives none: the ISRC is kept
        "release_date": None,
        "soundcharts_uuid": None,
    }
    assert credits == {
        (f"{1:0>22}", "ezra-vale", "main", 1),
        (f"{1:0>22}", "nora-quinn", "featured", 2),
    }
    # only the chart row is new: no artist, track or credit was rewritten
    assert summary.rows_written == 1 and len(log(root)) == before + 1
    assert (summary.fact_rows_written, summary.new_artists, summary.new_tracks) == (1, 0, 0)


def test_files_of_one_call_meet_a_track_as_files_loaded_one_by_one_would(tmp_path):
    days = {
        "regional-it-daily-2026-09-01.csv": "Glass",
        "regional-it-daily-2026-09-02.csv": "Glass - Remastered",  # a later file renames it
    }
    paths = [
        write_bytes(
            tmp_path / "csv" / name, charts_com_bytes([chart_row(1, 1, "Nora Quinn", title, 5)])
        )
        for name, title in days.items()
    ]
    together, one_by_one = tmp_path / "together", tmp_path / "one_by_one"
    load_spotify_charts(tmp_path / "csv", together, progress=False)
    for path in paths:
        load_spotify_charts(path, one_by_one, progress=False)
    # the first title stored stays, in one call as in two
    assert _table(together, "tracks")["title"].tolist() == ["Glass"]
    assert _table(one_by_one, "tracks")["title"].tolist() == ["Glass"]


def test_a_chart_with_missing_ranks_loads_the_rows_it_has(tmp_path):
    root = tmp_path / "warehouse"
    rows = [
        chart_row(rank, rank, f"Artist {rank}", f"Song {rank}", 1000 - rank)
        for rank in range(1, 201)
        if rank != 57
    ]
    path = write_bytes(tmp_path / IT_DAY, charts_com_bytes(rows))
    summary = load_spotify_charts(path, root, progress=False)
    assert (summary.rows, summary.errors) == (199, [])
    positions = set(_table(root, "chart_entries")["position"])
    assert len(positions) == 199 and 57 not in positions


def test_a_viral_chart_has_no_streams(tmp_path):
    root = tmp_path / "warehouse"
    header = tuple(h for h in CHARTS_COM_HEADER if h != "streams")  # viral: no streams
    path = write_bytes(
        tmp_path / "viral-gb-daily-2026-09-03.csv",
        charts_com_bytes([(1, track_uri(1), "Nora Quinn", "Glass", "Label", 1, -1, 1)], header),
    )
    summary = load_spotify_charts(path, root, progress=False)
    assert summary.ok
    entries = _table(root, "chart_entries")
    assert entries["chart"].tolist() == ["viral"]
    assert entries["country"].tolist() == ["GB"]
    assert entries["streams"].isna().all()


def test_a_renamed_file_takes_country_frequency_and_date_from_the_options(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(
        tmp_path / "my chart.csv",
        charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 10)], weekly=True),
    )
    summary = load_spotify_charts(path, root, progress=False, country="Italy", date="2026-09-10")
    assert summary.ok
    entry = _table(root, "chart_entries").iloc[0]
    assert (entry["country"], entry["frequency"], entry["date"]) == ("IT", "weekly", D(2026, 9, 10))


def test_a_global_chart_is_stored_as_worldwide(tmp_path):
    root = tmp_path / "warehouse"
    path = write_bytes(
        tmp_path / "regional-global-daily-2026-09-01.csv",
        charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 10)]),
    )
    load_spotify_charts(path, root, progress=False)
    assert _table(root, "chart_entries")["country"].tolist() == ["GLOBAL"]


# ---------------------------------------------------------------- refusals


def test_non_numeric_streams_are_refused_naming_file_line_and_field(tmp_path, loaded):
    rows = [chart_row(r, r, "Nora Quinn", f"Song {r}", 100) for r in range(1, 14)]
    rows.append(chart_row(14, 14, "Nora Quinn", "Song 14", "n/a"))
    message = _refused(tmp_path, loaded, IT_DAY, charts_com_bytes(rows))
    assert message == (
        f"{tmp_path / 'bad' / IT_DAY}, line 15, field streams: expected a whole number, got 'n/a'"
    )


def test_an_empty_file_is_refused(tmp_path, loaded):
    message = _refused(tmp_path, loaded, IT_DAY, b"")
    assert message.endswith(f"{IT_DAY}: the file is empty: expected a header line and chart rows")


def test_a_file_with_a_header_and_no_rows_is_refused(tmp_path, loaded):
    message = _refused(tmp_path, loaded, IT_DAY, charts_com_bytes([]))
    assert message.endswith(f"{IT_DAY}, line 1: the file has a header but no data rows")


def test_a_truncated_last_line_is_refused_naming_the_line(tmp_path, loaded):
    data = charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 10)])
    data += b'"2","spotify:track:0000000000000000000002","Ezra Va'
    message = _refused(tmp_path, loaded, IT_DAY, data)
    assert message.endswith(
        f"{IT_DAY}, line 3, field artist_names: a quoted field is not closed: "
        "the file looks truncated at its last line"
    )


def test_a_line_with_too_few_fields_is_refused_naming_the_line(tmp_path, loaded):
    data = charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 10)])
    data += quoted([2, track_uri(2), "Ezra Vale"]).encode() + b"\r\n"
    message = _refused(tmp_path, loaded, IT_DAY, data)
    assert message.endswith(
        f"{IT_DAY}, line 3, field track_name: expected 9 fields, got 3 (the line looks truncated)"
    )


def test_a_wrong_header_is_refused_naming_the_field(tmp_path, loaded):
    header = tuple("stream" if h == "streams" else h for h in CHARTS_COM_HEADER)
    data = charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 10)], header)
    message = _refused(tmp_path, loaded, IT_DAY, data)
    assert f"{IT_DAY}, line 1, field streams: expected the header rank,uri," in message
    assert message.endswith("missing streams; unexpected stream")


def test_an_unrecognised_header_is_refused(tmp_path, loaded):
    message = _refused(tmp_path, loaded, IT_DAY, b"a,b,c\r\n1,2,3\r\n")
    assert f"{IT_DAY}, line 1: expected the header of a charts.spotify.com file" in message


def test_an_unknown_country_code_in_the_file_name_is_refused(tmp_path, loaded):
    name = "regional-xx-daily-2026-09-01.csv"
    message = _refused(tmp_path, loaded, name, charts_com_bytes([chart_row(1, 1, "A", "B", 10)]))
    assert message == (
        f"{tmp_path / 'bad' / name}, field file name: unknown country code 'xx' in the file name: "
        "expected an ISO 3166-1 alpha-2 code such as 'it', or 'global'"
    )


def test_a_renamed_file_without_country_and_date_is_refused(tmp_path, loaded):
    message = _refused(
        tmp_path, loaded, "chart.csv", charts_com_bytes([chart_row(1, 1, "A", "B", 10)])
    )
    assert "chart.csv, field file name: cannot tell the chart's country and date" in message


def test_a_bad_track_uri_is_refused(tmp_path, loaded):
    row = (1, "https://example.com/x", "Nora Quinn", "Glass", "Label", 1, -1, 1, 10)
    message = _refused(tmp_path, loaded, IT_DAY, charts_com_bytes([row]))
    assert message.endswith(
        f"{IT_DAY}, line 2, field uri: expected a Spotify track URI spotify:track:<id>, "
        "got 'https://example.com/x'"
    )


def test_the_same_track_twice_in_one_chart_is_refused(tmp_path, loaded):
    rows = [
        chart_row(1, 1, "A", "B", 10),
        chart_row(2, 2, "C", "D", 9),
        chart_row(3, 1, "A", "B", 8),
    ]
    message = _refused(tmp_path, loaded, IT_DAY, charts_com_bytes(rows))
    assert message.endswith(
        f"{IT_DAY}, line 4, field uri: track {1:0>22} on the top chart of IT, 2026-09-01 "
        "appears twice in this file (first on line 2)"
    )


def test_a_file_that_is_not_utf8_is_refused_at_its_first_bad_line(tmp_path, loaded):
    text = charts_com_bytes([chart_row(1, 1, "Beyoncé", "Halo", 10)]).decode("utf-8-sig")
    message = _refused(tmp_path, loaded, IT_DAY, text.encode("latin-1"))
    # é is the byte 0xe9 in Latin-1, inside artist_names on line 2
    assert (
        f"{IT_DAY}, line 2, field artist_names: the file is not UTF-8: byte 0xe9 is not valid "
        "UTF-8; if you know its encoding, give it with --encoding"
    ) in message


# ---------------------------------------------------------------- the same file twice


def test_loading_the_same_file_twice_changes_nothing(tmp_path, loaded):
    root, before = loaded
    log_before = log(root)
    summary = load_spotify_charts(tmp_path / "good" / IT_DAY, root, progress=False)
    assert (summary.files, summary.loaded, summary.duplicates, summary.rows) == (1, 0, 1, 0)
    assert snapshot(root) == before
    assert len(log(root)) == len(log_before)


def test_reload_loads_a_file_again(tmp_path, loaded):
    root, before = loaded
    summary = load_spotify_charts(tmp_path / "good" / IT_DAY, root, progress=False, reload=True)
    assert (summary.loaded, summary.duplicates, summary.rows_written) == (1, 0, 0)
    assert snapshot(root)["tables"] == before["tables"]


# ---------------------------------------------------------------- older and combined layouts

OLD_NOTE = ',,,"Note that these figures are generated using a formula that protects against any artificial inflation of chart positions.",'


def test_an_older_spotifycharts_com_file_names_only_the_main_artist(tmp_path):
    root = tmp_path / "warehouse"
    text = "\n".join(
        [
            OLD_NOTE,
            "Position,Track Name,Artist,Streams,URL",
            f'1,"Glass, Again",Nora Quinn,5000,https://open.spotify.com/track/{1:0>22}',
            f'2,Harbour,"Tyler, The Creator",4000,https://open.spotify.com/track/{2:0>22}',
        ]
    )
    path = write_bytes(tmp_path / "regional-us-daily-2020-01-01.csv", text.encode())
    summary = load_spotify_charts(path, root, progress=False)
    assert summary.ok
    entries = _table(root, "chart_entries").sort_values("position")
    assert entries["streams"].tolist() == [5000, 4000]
    assert entries["country"].tolist() == ["US", "US"]
    assert _credits(root) == {
        (f"{1:0>22}", "nora-quinn", "main", 1),
        (f"{2:0>22}", "tyler-the-creator", "main", 1),
    }


def test_an_older_file_counts_its_note_line_in_error_lines(tmp_path, loaded):
    text = "\n".join(
        [
            OLD_NOTE,
            "Position,Track Name,Artist,Streams,URL",
            f"1,Glass,Nora Quinn,5000,https://open.spotify.com/track/{1:0>22}",
            f"2,Harbour,Ezra Vale,lots,https://open.spotify.com/track/{2:0>22}",
        ]
    )
    message = _refused(tmp_path, loaded, "regional-us-daily-2020-01-01.csv", text.encode())
    assert message.endswith("line 4, field streams: expected a whole number, got 'lots'")


def test_an_older_weekly_range_name_is_dated_on_the_last_day_of_its_week(tmp_path):
    root = tmp_path / "warehouse"
    text = "\n".join(
        [
            OLD_NOTE,
            "Position,Track Name,Artist,Streams,URL",
            f"1,Glass,Nora Quinn,35000,https://open.spotify.com/track/{1:0>22}",
        ]
    )
    path = write_bytes(
        tmp_path / "regional-global-weekly-2019-12-27--2020-01-03.csv", text.encode()
    )
    load_spotify_charts(path, root, progress=False)
    entry = _table(root, "chart_entries").iloc[0]
    assert (entry["frequency"], entry["date"], entry["country"]) == (
        "weekly",
        D(2020, 1, 2),
        "GLOBAL",
    )


def test_the_combined_layout_maps_region_names_and_chart_names(tmp_path):
    root = tmp_path / "warehouse"
    text = "\n".join(
        [
            "title,rank,date,artist,url,region,chart,trend,streams",
            f'Glass,1,2021-01-01,"Nora Quinn, Ezra Vale",https://open.spotify.com/track/{1:0>22},Italy,top200,SAME_POSITION,5000.0',
            f'Glass,1,2021-01-01,"Nora Quinn, Ezra Vale",https://open.spotify.com/track/{1:0>22},United States,top200,NEW_ENTRY,7000',
            f"Harbour,3,2021-01-02,Ezra Vale,https://open.spotify.com/track/{2:0>22},Global,viral50,MOVE_UP,",
        ]
    )
    path = write_bytes(tmp_path / "charts.csv", text.encode())
    summary = load_spotify_charts(path, root, progress=False)
    assert summary.ok
    entries = _table(root, "chart_entries").sort_values(["date", "country"])
    assert entries[["date", "country", "chart", "position"]].values.tolist() == [
        [D(2021, 1, 1), "IT", "top", 1],
        [D(2021, 1, 1), "US", "top", 1],
        [D(2021, 1, 2), "GLOBAL", "viral", 3],
    ]
    assert entries["streams"].tolist()[:2] == [5000, 7000]
    assert pd.isna(entries["streams"].tolist()[2])
    assert (f"{1:0>22}", "ezra-vale", "featured", 2) in _credits(root)


def test_the_combined_layout_refuses_an_unknown_region(tmp_path, loaded):
    text = "\n".join(
        [
            "title,rank,date,artist,url,region,chart,trend,streams",
            f"Glass,1,2021-01-01,Nora Quinn,https://open.spotify.com/track/{1:0>22},Narnia,top200,SAME_POSITION,5000",
        ]
    )
    message = _refused(tmp_path, loaded, "charts.csv", text.encode())
    assert (
        "charts.csv, line 2, field region: expected a country name or code: Unknown country 'Narnia'"
        in message
    )


def test_the_combined_layout_refuses_a_top_chart_row_without_streams(tmp_path, loaded):
    text = "\n".join(
        [
            "title,rank,date,artist,url,region,chart,trend,streams",
            f"Glass,1,2021-01-01,Nora Quinn,https://open.spotify.com/track/{1:0>22},Italy,top200,SAME_POSITION,",
        ]
    )
    message = _refused(tmp_path, loaded, "charts.csv", text.encode())
    assert message.endswith("charts.csv, line 2, field streams: expected a whole number, got ''")


# ---------------------------------------------------------------- weekly charts in a breakdown


def test_a_breakdown_over_ingested_weekly_charts_equals_the_sums_of_their_rows(tmp_path):
    root = tmp_path / "warehouse"
    weeks = {
        # week's last day: [(rank, track, artists, title, streams)]
        "2026-09-10": [
            (1, 1, "Nora Quinn", "Glass", 70_000),
            (2, 2, "Ezra Vale, Nora Quinn", "Harbour", 35_000),
        ],
        "2026-09-17": [
            (1, 2, "Ezra Vale, Nora Quinn", "Harbour", 49_000),
            (2, 1, "Nora Quinn", "Glass", 42_000),
        ],
        "2026-09-24": [(1, 1, "Nora Quinn", "Glass", 14_000)],
        "2026-10-01": [(1, 1, "Nora Quinn", "Glass", 99_000)],  # outside September
    }
    for day, rows in weeks.items():
        write_bytes(
            tmp_path / "weekly" / f"regional-global-weekly-{day}.csv",
            charts_com_bytes([chart_row(r, n, a, t, s) for r, n, a, t, s in rows], weekly=True),
        )
    summary = load_spotify_charts(tmp_path / "weekly", root, progress=False)
    assert (summary.loaded, summary.rows) == (4, 6)
    q = query.Query("Nora Quinn", "2026-09", platforms=["spotify"], warehouse=root)
    got = query.breakdown(q, "Nora Quinn", "spotify").set_index("track_id")
    glass, harbour = f"{1:0>22}", f"{2:0>22}"
    assert got.loc[glass, "total_streams"] == 70_000 + 42_000 + 14_000
    assert got.loc[harbour, "total_streams"] == 35_000 + 49_000
    assert got.loc[harbour, "credit"] == "featured"
    assert got.loc[glass, "best_position"] == 1
    assert got.loc[harbour, "peak_kind"] == "week"


# ---------------------------------------------------------------- folders


def _folder_with_one_bad_file(tmp_path):
    folder = tmp_path / "charts"
    for day in (1, 2, 3):
        streams = "n/a" if day == 2 else 100 * day
        write_bytes(
            folder / f"regional-it-daily-2026-09-0{day}.csv",
            charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", streams)]),
        )
    return folder


def test_a_folder_with_one_bad_file_loads_the_others_and_reports_it(tmp_path):
    root = tmp_path / "warehouse"
    summary = load_spotify_charts(_folder_with_one_bad_file(tmp_path), root, progress=False)
    assert (summary.files, summary.loaded, summary.rows, len(summary.errors)) == (3, 2, 2, 1)
    assert "regional-it-daily-2026-09-02.csv, line 2, field streams" in str(summary.errors[0])
    assert not summary.ok
    assert sorted(_table(root, "chart_entries")["streams"]) == [100, 300]
    assert sorted(log(root)["outcome"]) == ["failed", "ok", "ok"]


def test_strict_stops_at_the_first_bad_file_of_a_folder(tmp_path):
    root = tmp_path / "warehouse"
    summary = load_spotify_charts(
        _folder_with_one_bad_file(tmp_path), root, progress=False, strict=True
    )
    assert (summary.files, summary.loaded, len(summary.errors), summary.stopped) == (2, 1, 1, True)
    assert _table(root, "chart_entries")["streams"].tolist() == [100]


def test_a_failed_batch_write_falls_back_to_writing_file_by_file(tmp_path, monkeypatch):
    root = tmp_path / "warehouse"
    folder = tmp_path / "charts"
    for day in (1, 2, 3):
        write_bytes(
            folder / f"regional-it-daily-2026-09-0{day}.csv",
            charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 100 * day)]),
        )
    real_write = warehouse.write

    def refuse_batches(tables, **kwargs):
        if len(kwargs.get("log") or []) > 1:
            raise warehouse.WarehouseError("batch refused")
        return real_write(tables, **kwargs)

    monkeypatch.setattr(warehouse, "write", refuse_batches)
    summary = load_spotify_charts(folder, root, progress=False)
    assert (summary.loaded, summary.errors) == (3, [])
    assert sorted(_table(root, "chart_entries")["streams"]) == [100, 200, 300]


def test_a_missing_path_is_reported_as_an_error(tmp_path):
    summary = load_spotify_charts(tmp_path / "nowhere.csv", tmp_path / "wh", progress=False)
    assert [str(e) for e in summary.errors] == [
        f"{tmp_path / 'nowhere.csv'}: no such file or folder"
    ]


def test_a_thousand_daily_files_ingest_in_one_call(tmp_path):
    folder = tmp_path / "daily"
    start = D(2024, 1, 1)
    for i in range(1000):
        day = start + dt.timedelta(days=i)
        rows = [
            chart_row(
                r, (i * 7 + r) % 400, f"Artist {r % 30}", f"Song {(i * 7 + r) % 400}", 5000 + i - r
            )
            for r in range(1, 51)
        ]
        write_bytes(folder / f"regional-global-daily-{day}.csv", charts_com_bytes(rows))
    root = tmp_path / "warehouse"
    summary = load_spotify_charts(folder, root, progress=False)
    assert (summary.files, summary.loaded, summary.rows, summary.errors) == (1000, 1000, 50_000, [])
    entries = warehouse.read_table("chart_entries", root)
    assert entries.num_rows == 50_000
    assert len(log(root)) == 1000


def test_artist_names_split_by_the_longest_known_name_from_the_left():
    names = ingest.ArtistNames(["A, B", "A, B, C", "C, D"])
    assert names.split("A, B, C, D") == ["A, B, C", "D"]
    assert names.split("X, A, B") == ["X", "A, B"]
    assert names.split("B, C, D") == ["B", "C, D"]


def test_when_two_files_of_one_call_hold_the_same_chart_the_later_file_wins(tmp_path):
    root = tmp_path / "warehouse"
    write_bytes(
        tmp_path / "charts" / "a" / IT_DAY,
        charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 100)]),
    )
    write_bytes(
        tmp_path / "charts" / "b" / IT_DAY,
        charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 120)]),
    )
    summary = load_spotify_charts(tmp_path / "charts", root, progress=False)
    assert (summary.loaded, summary.rows) == (2, 2)
    assert _table(root, "chart_entries")["streams"].tolist() == [120]


def test_a_header_in_other_case_with_spaces_is_accepted(tmp_path):
    root = tmp_path / "warehouse"
    header = tuple(f" {h.upper()} " for h in CHARTS_COM_HEADER)
    path = write_bytes(
        tmp_path / IT_DAY, charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", 7)], header)
    )
    assert load_spotify_charts(path, root, progress=False).ok
    assert _table(root, "chart_entries")["streams"].tolist() == [7]


def test_the_good_files_of_a_batch_with_a_bad_file_are_written_together(tmp_path, monkeypatch):
    root = tmp_path / "warehouse"
    real_write = warehouse.write
    data_writes = []

    def count_writes(tables, **kwargs):
        if tables:
            data_writes.append(len(kwargs["log"]))
        return real_write(tables, **kwargs)

    monkeypatch.setattr(warehouse, "write", count_writes)
    summary = load_spotify_charts(_folder_with_one_bad_file(tmp_path), root, progress=False)
    assert (summary.loaded, len(summary.errors)) == (2, 1)
    assert data_writes == [2]

"""SoundCharts partial failures: a refused dataset of one song skips that dataset only.

Against the local server (tests/soundcharts_server.py), told to refuse some requests as
the API does. The catalogue: songs 0-2 are Luna Vesper's own, song 3 features her; song
2 has no Spotify id; song k streams 1,000·(k+1) a day (see the server's docstring)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

from kit import cli
from kit.sources.soundcharts import (
    Credentials,
    ResponseCache,
    RetryPolicy,
    SoundChartsClient,
    fetch_artist,
)
from kit.warehouse import read_table

sys.path.insert(0, str(Path(__file__).parent))
from soundcharts_server import (  # noqa: E402
    API_KEY,
    APP_ID,
    ARTIST_NAME,
    Reply,
    SoundChartsServer,
    song_uuid,
    spotify_id,
)

D = dt.date
WEEK = [D(2025, 3, d) for d in range(1, 8)]


@pytest.fixture
def server(monkeypatch, tmp_path):
    with SoundChartsServer() as srv:
        monkeypatch.setenv("SOUNDCHARTS_BASE_URL", srv.url)
        monkeypatch.setenv("SOUNDCHARTS_APP_ID", APP_ID)
        monkeypatch.setenv("SOUNDCHARTS_API_KEY", API_KEY)
        monkeypatch.setenv("CHARTROOM_CACHE", str(tmp_path / "cache"))
        yield srv


def fetch_week(warehouse, **kw):
    return fetch_artist(ARTIST_NAME, ["spotify"], "2025-03-01", "2025-03-07",
                        warehouse=warehouse, progress=False, **kw)  # fmt: skip


def table(name: str, warehouse) -> pd.DataFrame:
    return read_table(name, warehouse).to_pandas()


def streams_per_track(warehouse) -> dict[str, list[int]]:
    rows = table("track_streams", warehouse).sort_values(["track_id", "date"])
    return {t: list(g["streams"]) for t, g in rows.groupby("track_id")}


def test_a_song_whose_identifiers_are_refused_is_stored_as_sc_uuid_and_another_without_audience_keeps_its_track(
    server, tmp_path
):
    server.refuse(rf"/api/v2/song/{song_uuid(1)}/identifiers$")
    server.refuse(rf"/api/v2/song/{song_uuid(3)}/audience/spotify$")
    summary = fetch_week(tmp_path / "wh")

    sc1, sc2 = f"sc:{song_uuid(1)}", f"sc:{song_uuid(2)}"
    credits = table("track_credits", tmp_path / "wh").set_index("track_id")["role"].to_dict()
    assert credits == {spotify_id(0): "main", sc1: "main", sc2: "main", spotify_id(3): "featured"}
    titles = table("tracks", tmp_path / "wh").set_index("track_id")["title"].to_dict()
    assert titles == {
        spotify_id(0): "Song 0",
        sc1: "Song 1",
        sc2: "Song 2",
        spotify_id(3): "Song 3",
    }
    # song k streams 1,000·(k+1) a day; song 3's audience was refused: no streams
    assert streams_per_track(tmp_path / "wh") == {
        spotify_id(0): [1_000] * 7,
        sc1: [2_000] * 7,
        sc2: [3_000] * 7,
    }
    assert summary.skipped == [
        f"identifiers of song 'Song 1' ({song_uuid(1)}) (HTTP 404: Song not found): stored as {sc1}",
        f"spotify audience of song 'Song 3' ({song_uuid(3)}) (HTTP 404: Song not found): "
        "no streams stored for it; its track and credit are stored",
    ]
    assert summary.failed == [] and summary.complete
    assert summary.rows["tracks"] == 4 and summary.rows["track_streams"] == 21


def test_identifiers_refused_for_every_song_still_leave_the_artist_its_tracks(server, tmp_path):
    server.refuse(r"/api/v2/song/[^/]+/identifiers$", 403, "This endpoint is not in your plan")
    summary = fetch_week(tmp_path / "wh")

    tracks = sorted(table("tracks", tmp_path / "wh")["track_id"])
    assert tracks == [f"sc:{song_uuid(k)}" for k in range(4)]
    assert sorted(streams_per_track(tmp_path / "wh").items()) == [
        (f"sc:{song_uuid(k)}", [1_000 * (k + 1)] * 7) for k in range(4)
    ]
    assert len(summary.skipped) == 4
    assert all("(HTTP 403: This endpoint is not in your plan)" in s for s in summary.skipped)
    assert summary.complete


def test_a_refused_chart_ranks_request_skips_the_charts_only(server, tmp_path):
    server.refuse(r"/charts/song/ranks/spotify$", 400, "Unknown platform")
    summary = fetch_week(tmp_path / "wh")

    assert len(table("tracks", tmp_path / "wh")) == 4
    assert len(table("track_streams", tmp_path / "wh")) == 4 * 7  # every song, every day
    assert len(table("artist_audience", tmp_path / "wh")) > 0
    assert [s for s in summary.skipped if "ranks" in s] == [
        "GET /api/v2/artist/11e81bcc-9c1c-ce38-b96b-a0369fe50396/charts/song/ranks/spotify"
        "?currentOnly=0&limit=100&offset=0&sortBy=rankDate&sortOrder=desc: not found; "
        "HTTP 400; API says: Unknown platform"
    ]


def test_a_song_whose_identifiers_fail_with_server_errors_waits_for_the_next_run(server, tmp_path):
    """A failure is not a refusal: storing the song as sc:<uuid> now would give it a
    second id once SoundCharts answers with its Spotify id."""
    server.script(rf"/api/v2/song/{song_uuid(1)}/identifiers$", *[Reply(status=503)] * 2)
    client = SoundChartsClient(
        Credentials(APP_ID, API_KEY, server.url),
        cache=ResponseCache(tmp_path / "cache"),
        retry=RetryPolicy(attempts=2, backoff_base=0.001),
        sleep=lambda s: None,
    )
    with client:
        summary = fetch_week(tmp_path / "wh", client=client)

    tracks = set(table("tracks", tmp_path / "wh")["track_id"])
    assert tracks == {spotify_id(0), f"sc:{song_uuid(2)}", spotify_id(3)}
    assert len(summary.failed) == 1 and "identifiers" in summary.failed[0]
    assert not summary.complete


def test_kit_fetch_soundcharts_names_the_skipped_datasets_and_exits_0(server, tmp_path, capsys):
    server.refuse(rf"/api/v2/song/{song_uuid(1)}/identifiers$")
    server.refuse(rf"/api/v2/song/{song_uuid(3)}/audience/spotify$")
    code = cli.main(["fetch", "soundcharts", "--artist", ARTIST_NAME, "--platforms", "spotify",
                     "--from", "2025-03-01", "--to", "2025-03-07", "--warehouse", str(tmp_path / "wh")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert f"  skipped: identifiers of song 'Song 1' ({song_uuid(1)})" in out
    assert f"  skipped: spotify audience of song 'Song 3' ({song_uuid(3)})" in out

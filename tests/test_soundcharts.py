"""SoundCharts against a real HTTP server on 127.0.0.1 (tests/soundcharts_server.py).

The server speaks the documented shapes with known numbers (see its docstring); the
expected figures below are worked out from those formulas by hand."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kit import cli
from kit.query import Query, breakdown
from kit.sources.soundcharts import (
    AuthError,
    BadResponse,
    Credentials,
    NotFound,
    RateLimited,
    ResponseCache,
    RetryPolicy,
    ServerError,
    SoundChartsClient,
    Timeout,
    fetch_artist,
    fetch_missing_tracks,
    is_configured,
)
from kit.sources.tables import load_table
from kit.warehouse import read_table, write

sys.path.insert(0, str(Path(__file__).parent))
from soundcharts_server import (  # noqa: E402
    API_KEY,
    APP_ID,
    ARTIST_NAME,
    ARTIST_UUID,
    FakeCatalogue,
    Reply,
    SoundChartsServer,
    spotify_id,
)

D = dt.date
TABLES = ["artists", "tracks", "track_credits", "artist_audience", "track_streams", "chart_entries"]
LISTENING = r"/api/v2/artist/[^/]+/streaming/spotify$"


@pytest.fixture
def server(monkeypatch, tmp_path):
    with SoundChartsServer() as srv:
        monkeypatch.setenv("SOUNDCHARTS_BASE_URL", srv.url)
        monkeypatch.setenv("SOUNDCHARTS_APP_ID", APP_ID)
        monkeypatch.setenv("SOUNDCHARTS_API_KEY", API_KEY)
        monkeypatch.setenv("CHARTROOM_CACHE", str(tmp_path / "cache"))
        yield srv


def client_for(server, tmp_path, *, timeout=5.0, attempts=5):
    sleeps: list[float] = []
    client = SoundChartsClient(
        Credentials(APP_ID, API_KEY, server.url),
        cache=ResponseCache(tmp_path / "client-cache"),
        timeout=timeout,
        retry=RetryPolicy(attempts=attempts, backoff_base=0.001),
        sleep=lambda s: sleeps.append(s),
        seed=1,
    )
    return client, sleeps


def frame(name: str, warehouse) -> pd.DataFrame:
    df = read_table(name, warehouse).to_pandas()
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def q1_fetch(warehouse, **kw):
    return fetch_artist(ARTIST_NAME, ["spotify", "youtube"], "2025-01-01", "2025-03-31",
                        warehouse=warehouse, progress=False, chart_history=True, **kw)  # fmt: skip


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    """One uninterrupted fetch: Spotify and YouTube, 2025 Q1, chart history included."""
    root = tmp_path_factory.mktemp("sc")
    env = {
        "SOUNDCHARTS_APP_ID": APP_ID,
        "SOUNDCHARTS_API_KEY": API_KEY,
        "CHARTROOM_CACHE": str(root / "cache"),
    }
    saved = {k: os.environ.get(k) for k in [*env, "SOUNDCHARTS_BASE_URL"]}
    with SoundChartsServer() as srv:
        os.environ.update(env, SOUNDCHARTS_BASE_URL=srv.url)
        try:
            summary = q1_fetch(root / "warehouse")
            calls = srv.calls
            again = q1_fetch(root / "warehouse")
            calls_again = srv.calls - calls
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return {"warehouse": root / "warehouse", "cache": root / "cache", "summary": summary,
            "calls": calls, "again": again, "calls_again": calls_again}  # fmt: skip


# ---------------------------------------------------------------- what lands where


def test_the_artist_its_songs_and_their_credits_are_written(fetched):
    wh = fetched["warehouse"]
    artists = frame("artists", wh)
    assert artists[["artist_id", "name", "soundcharts_uuid"]].values.tolist() == [
        ["luna-vesper", ARTIST_NAME, ARTIST_UUID]
    ]
    credits = frame("track_credits", wh).set_index("track_id")["role"].to_dict()
    # songs 0-2 are the artist's own, song 3 features it; song 2 has no Spotify id
    assert credits == {
        spotify_id(0): "main",
        spotify_id(1): "main",
        "sc:7d534228-5165-11e9-9c1c-000000000002": "main",
        spotify_id(3): "featured",
    }


def test_monthly_listeners_are_daily_worldwide_and_weekly_per_country(fetched):
    aud = frame("artist_audience", fetched["warehouse"])
    spotify = aud[(aud.platform == "spotify") & (aud.metric == "monthly_listeners")]
    world = spotify[spotify.country == "GLOBAL"].set_index("date")["value"]
    assert len(world) == 90  # every day of Q1 2025
    assert world[D(2025, 3, 1)] == 1_000_000 + 1_000 * 59
    italy = spotify[spotify.country == "IT"].set_index("date")["value"]
    mondays = [D(2025, 1, 6) + dt.timedelta(weeks=w) for w in range(13)]
    assert list(italy.index) == mondays
    assert italy[D(2025, 3, 3)] == 300_000 + 100 * 61


def test_followers_and_youtube_views_are_stored_as_their_own_metrics(fetched):
    aud = frame("artist_audience", fetched["warehouse"])
    followers = aud[(aud.platform == "spotify") & (aud.metric == "followers")].set_index("date")[
        "value"
    ]
    assert len(followers) == 90 and followers[D(2025, 1, 31)] == 500_000 + 50 * 30
    views = aud[(aud.platform == "youtube") & (aud.country == "GLOBAL")]
    assert set(views.metric) == {"views", "followers"}


def test_song_streams_are_the_daily_differences_of_the_cumulative_audience(fetched):
    streams = frame("track_streams", fetched["warehouse"])
    song1 = streams[(streams.platform == "spotify") & (streams.track_id == spotify_id(1))]
    # the first day of the period counts: its day before was asked for too
    assert song1.date.min() == D(2025, 1, 1) and song1.date.max() == D(2025, 3, 31)
    assert len(song1) == 90 and set(song1.streams) == {2_000}
    assert set(streams.country) == {"GLOBAL"}


def test_chart_ranks_and_rankings_by_date_become_chart_entries(fetched):
    charts = frame("chart_entries", fetched["warehouse"])
    it = charts[(charts.platform == "spotify") & (charts.country == "IT")].set_index("date")
    # on the Italian daily chart from its entry (2025-01-20) to the last ranking (2025-03-31)
    assert len(it) == 71 and it.index.min() == D(2025, 1, 20)
    assert (it.loc[D(2025, 3, 31), "position"], it.loc[D(2025, 3, 31), "previous_position"]) == (
        5,
        6,
    )
    assert it.loc[D(2025, 2, 10), "position"] == 5 + 49 % 3  # 49 days before 2025-03-31
    assert pd.isna(it.loc[D(2025, 1, 20), "previous_position"])  # its first day on the chart
    assert it.loc[D(2025, 2, 10), "streams"] == 20_000 + 10
    assert set(it.frequency) == {"daily"}
    weekly = charts[(charts.platform == "spotify") & (charts.country == "GLOBAL")]
    assert weekly.date.tolist() == [D(2025, 3, 20), D(2025, 3, 27)]
    assert set(weekly.frequency) == {"weekly"} and set(weekly.position) == {12}
    assert weekly.previous_position.isna().tolist() == [True, False]


def test_a_song_that_left_the_chart_has_no_entry(fetched):
    charts = frame("chart_entries", fetched["warehouse"])
    assert spotify_id(1) not in set(charts.track_id)


def test_a_second_run_makes_no_calls_and_changes_nothing(fetched):
    assert fetched["calls_again"] == 0
    again = fetched["again"]
    first = fetched["summary"]
    assert again.calls == 0 and again.cached == first.calls + first.cached
    assert sum(again.rows_written.values()) == 0


def test_the_progress_bar_shows_calls_and_the_quota_left(server, tmp_path, capsys):
    fetch_artist(ARTIST_NAME, ["spotify"], "2025-03-01", "2025-03-02", warehouse=tmp_path / "wh")
    err = capsys.readouterr().err
    assert "SoundCharts" in err and f"calls={server.calls}" in err
    assert f"quota={1_000_000 - server.calls:,}" in err


def test_the_summary_counts_calls_rows_and_the_quota(fetched):
    summary = fetched["summary"]
    assert summary.calls == fetched["calls"]
    assert summary.quota_remaining == 1_000_000 - fetched["calls"]
    assert summary.stopped_reason is None and summary.failed == []
    assert summary.rows["track_streams"] == 4 * 90 * 2  # 4 songs × 90 days × 2 platforms


# ---------------------------------------------------------------- requests


def test_a_long_period_is_asked_in_windows_of_at_most_90_days(server, tmp_path):
    fetch_artist(
        ARTIST_NAME,
        ["spotify"],
        "2025-01-01",
        "2025-06-30",
        warehouse=tmp_path / "wh",
        progress=False,
    )
    windows = sorted((q["startDate"], q["endDate"]) for _, q in server.paths(LISTENING))
    assert windows == [
        ("2025-01-01", "2025-03-31"),
        ("2025-04-01", "2025-06-29"),
        ("2025-06-30", "2025-06-30"),
    ]
    song = sorted(
        (q["startDate"], q["endDate"]) for _, q in server.paths("000000000001/audience/spotify")
    )
    assert song == [
        ("2024-12-31", "2025-03-30"),
        ("2025-03-31", "2025-06-28"),
        ("2025-06-29", "2025-06-30"),
    ]


def test_pages_of_100_are_followed_to_the_end(monkeypatch, tmp_path):
    with SoundChartsServer(FakeCatalogue(main=130, featured=0)) as srv:
        monkeypatch.setenv("SOUNDCHARTS_BASE_URL", srv.url)
        monkeypatch.setenv("SOUNDCHARTS_APP_ID", APP_ID)
        monkeypatch.setenv("SOUNDCHARTS_API_KEY", API_KEY)
        monkeypatch.setenv("CHARTROOM_CACHE", str(tmp_path / "cache"))
        fetch_artist(ARTIST_NAME, ["spotify"], "2025-03-30", "2025-03-31", warehouse=tmp_path / "wh",
                     progress=False, chart_history=True)  # fmt: skip
        pages = sorted(
            (q["offset"], q["limit"]) for _, q in srv.paths("/songs$") if q["mainPerformer"] == "1"
        )
        assert pages == [("0", "100"), ("100", "100")]
        ranking = sorted(q["offset"] for p, q in srv.paths("/ranking/2025-03-31"))
        assert ranking == ["0", "100"]  # 151 positions
    assert len(read_table("tracks", tmp_path / "wh")) == 130


def test_parameters_worth_zero_are_sent(server, tmp_path):
    fetch_artist(
        ARTIST_NAME,
        ["spotify"],
        "2025-03-01",
        "2025-03-02",
        warehouse=tmp_path / "wh",
        progress=False,
    )
    assert {q["mainPerformer"] for _, q in server.paths("/songs$")} == {"0", "1"}
    assert {q["currentOnly"] for _, q in server.paths("/charts/song/ranks/")} == {"0"}
    assert {q["offset"] for _, q in server.paths(LISTENING)} == {"0"}


def test_an_artist_can_be_given_by_uuid(server, tmp_path):
    summary = fetch_artist(
        ARTIST_UUID,
        ["spotify"],
        "2025-03-01",
        "2025-03-02",
        warehouse=tmp_path / "wh",
        progress=False,
    )
    assert summary.artist == ARTIST_NAME and not server.paths("/search/")


def test_a_name_without_an_exact_match_is_refused_with_the_candidates(server, tmp_path):
    with pytest.raises(NotFound) as info:
        fetch_artist("Luna", ["spotify"], "2025-03-01", "2025-03-02", warehouse=tmp_path / "wh",
                     progress=False)  # fmt: skip
    assert str(info.value) == (
        "artist search: no SoundCharts artist is named 'Luna'. Candidates: "
        f"Luna Vesper ({ARTIST_UUID}), Luna Vesper Tribute (00000000-0000-0000-0000-00000000beef). "
        "Give the UUID instead."
    )
    assert server.calls == 1


def test_an_unknown_artist_is_refused_with_the_apis_message(server, tmp_path):
    with pytest.raises(NotFound, match="Artist not found") as info:
        fetch_artist("11111111-2222-3333-4444-555555555555", ["spotify"], "2025-03-01", "2025-03-02",
                     warehouse=tmp_path / "wh", progress=False)  # fmt: skip
    assert "/api/v2.9/artist/11111111-2222-3333-4444-555555555555" in str(info.value)
    assert not (tmp_path / "wh").exists()


# ---------------------------------------------------------------- errors and retries


def test_a_429_waits_for_retry_after_then_succeeds(server, tmp_path):
    server.script(
        LISTENING,
        Reply(429, {"Retry-After": "0.05"}, {"errors": [{"message": "Too many requests"}]}),
    )
    client, sleeps = client_for(server, tmp_path)
    body = client.get(
        f"/api/v2/artist/{ARTIST_UUID}/streaming/spotify",
        {"startDate": "2025-01-01", "endDate": "2025-01-02"},
    )
    assert [i["value"] for i in body["items"]] == [1_000_000, 1_001_000]
    assert sleeps == [0.05] and server.calls == 2


def test_a_429_without_retry_after_waits_for_the_rate_limit_reset(server, tmp_path):
    server.script(
        LISTENING,
        Reply(
            429, {"x-ratelimit-reset": "0.02"}, {"errors": [{"message": "maximum request count"}]}
        ),
    )
    client, sleeps = client_for(server, tmp_path)
    client.get(
        f"/api/v2/artist/{ARTIST_UUID}/streaming/spotify",
        {"startDate": "2025-01-01", "endDate": "2025-01-01"},
    )
    assert sleeps == [0.02] and server.calls == 2


def test_a_429_asking_for_too_long_a_wait_raises_rate_limited_without_sleeping(server, tmp_path):
    server.script(
        LISTENING, Reply(429, {"Retry-After": "3600"}, {"errors": [{"message": "slow down"}]})
    )
    client, sleeps = client_for(server, tmp_path)
    with pytest.raises(RateLimited, match="slow down"):
        client.get(
            f"/api/v2/artist/{ARTIST_UUID}/streaming/spotify",
            {"startDate": "2025-01-01", "endDate": "2025-01-01"},
        )
    assert sleeps == [] and server.calls == 1


def test_a_500_is_retried_after_a_backoff(server, tmp_path):
    server.script(LISTENING, Reply(500, body={"errors": [{"message": "boom"}]}))
    client, sleeps = client_for(server, tmp_path)
    body = client.get(
        f"/api/v2/artist/{ARTIST_UUID}/streaming/spotify",
        {"startDate": "2025-01-01", "endDate": "2025-01-01"},
    )
    assert body["items"][0]["value"] == 1_000_000
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.002 and client.stats.retries == 1


def test_5xx_beyond_the_attempts_raise_a_server_error_with_the_endpoint_and_message(
    server, tmp_path
):
    server.script(LISTENING, *[Reply(503, body={"errors": [{"message": "maintenance"}]})] * 3)
    client, _ = client_for(server, tmp_path, attempts=3)
    with pytest.raises(ServerError) as info:
        client.get(
            f"/api/v2/artist/{ARTIST_UUID}/streaming/spotify",
            {"startDate": "2025-01-01", "endDate": "2025-01-01"},
        )
    text = str(info.value)
    assert "streaming/spotify?endDate=2025-01-01&startDate=2025-01-01" in text
    assert "HTTP 503" in text and "maintenance" in text and server.calls == 3


def test_a_timeout_is_retried_then_reported(server, tmp_path):
    server.script(LISTENING, Reply(delay=0.6), Reply(delay=0.6))
    client, sleeps = client_for(server, tmp_path, timeout=0.2, attempts=2)
    with pytest.raises(Timeout, match="no answer after 2 attempts"):
        client.get(
            f"/api/v2/artist/{ARTIST_UUID}/streaming/spotify",
            {"startDate": "2025-01-01", "endDate": "2025-01-01"},
        )
    assert len(sleeps) == 1


def test_malformed_json_is_a_bad_response_and_is_not_cached(server, tmp_path):
    server.script(LISTENING, Reply(200, body='{"items": [ {"date": '))
    client, _ = client_for(server, tmp_path)
    params = {"startDate": "2025-01-01", "endDate": "2025-01-01"}
    with pytest.raises(BadResponse, match="not JSON"):
        client.get(f"/api/v2/artist/{ARTIST_UUID}/streaming/spotify", params)
    assert client.get(f"/api/v2/artist/{ARTIST_UUID}/streaming/spotify", params)["items"]
    assert server.calls == 2


def test_wrong_credentials_raise_an_auth_error_that_names_the_endpoint(
    server, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOUNDCHARTS_API_KEY", "wrong-key-123")
    with pytest.raises(AuthError, match="HTTP 401") as info:
        fetch_artist(
            ARTIST_NAME,
            ["spotify"],
            "2025-03-01",
            "2025-03-02",
            warehouse=tmp_path / "wh",
            progress=False,
        )
    assert "/api/v2/artist/search/Luna%20Vesper" in str(info.value)
    assert "wrong-key-123" not in str(info.value) + repr(info.value)


def test_a_quota_remaining_of_zero_stops_the_run_before_another_call(monkeypatch, tmp_path):
    monkeypatch.setenv("SOUNDCHARTS_APP_ID", APP_ID)
    monkeypatch.setenv("SOUNDCHARTS_API_KEY", API_KEY)
    monkeypatch.setenv("CHARTROOM_CACHE", str(tmp_path / "cache"))
    with SoundChartsServer(quota=60) as srv:
        monkeypatch.setenv("SOUNDCHARTS_BASE_URL", srv.url)
        summary = q1_fetch(tmp_path / "wh", concurrency=1)
    # the 60th answer said x-quota-remaining: 0, so no 61st request was sent (at concurrency
    # n, up to n - 1 requests already on their way still arrive)
    assert summary.stopped_reason == "quota" and summary.quota_remaining == 0
    assert srv.calls == 60 and summary.calls == 60
    assert frame("artists", tmp_path / "wh").name.tolist() == [ARTIST_NAME]


def test_a_quota_429_stops_cleanly_keeps_what_was_fetched_and_a_rerun_completes(
    fetched, server, tmp_path
):
    wh = tmp_path / "wh"
    quota_spent = {
        "errors": [{"key": "quota", "code": 429, "message": "Quota exceeded for this month"}]
    }
    server.script("000000000003/audience/youtube", Reply(429, {}, quota_spent))
    first = q1_fetch(wh, concurrency=1)
    assert first.stopped_reason == "quota" and first.quota_remaining == 0
    assert server.requests[-1][0].endswith(
        "000000000003/audience/youtube"
    )  # nothing asked after it
    kept = frame("artist_audience", wh)
    assert len(kept) > 0 and frame("artists", wh).name.tolist() == [ARTIST_NAME]
    second = q1_fetch(wh)
    assert second.stopped_reason is None
    assert first.calls + second.calls == fetched["summary"].calls + 1  # the refused request, again
    for name in TABLES:
        pd.testing.assert_frame_equal(frame(name, wh), frame(name, fetched["warehouse"]))


def test_a_crash_half_way_then_a_rerun_gives_the_same_warehouse_as_an_uninterrupted_run(
    fetched, tmp_path
):
    wh, cache = tmp_path / "wh", tmp_path / "cache"
    script = (
        "from kit.sources.soundcharts import fetch_artist\n"
        f"fetch_artist({ARTIST_NAME!r}, ['spotify', 'youtube'], '2025-01-01', '2025-03-31',"
        f" warehouse={str(wh)!r}, progress=False, chart_history=True, concurrency=4)\n"
    )
    with SoundChartsServer() as srv:
        env = {**os.environ, "SOUNDCHARTS_BASE_URL": srv.url, "SOUNDCHARTS_APP_ID": APP_ID,
               "SOUNDCHARTS_API_KEY": API_KEY, "CHARTROOM_CACHE": str(cache)}  # fmt: skip
        proc = subprocess.Popen([sys.executable, "-c", script], env=env)
        srv.on_call(100, lambda: os.kill(proc.pid, signal.SIGKILL))
        assert proc.wait(timeout=60) == -signal.SIGKILL
        crashed_at = srv.calls
        assert not (wh / "artist_audience").exists()  # nothing was written before the crash
        os.environ.update(
            {
                k: env[k]
                for k in (
                    "SOUNDCHARTS_BASE_URL",
                    "SOUNDCHARTS_APP_ID",
                    "SOUNDCHARTS_API_KEY",
                    "CHARTROOM_CACHE",
                )
            }
        )
        try:
            resumed = q1_fetch(wh)
        finally:
            for k in (
                "SOUNDCHARTS_BASE_URL",
                "SOUNDCHARTS_APP_ID",
                "SOUNDCHARTS_API_KEY",
                "CHARTROOM_CACHE",
            ):
                os.environ.pop(k, None)
    assert crashed_at >= 100
    assert resumed.cached > 0 and resumed.calls < fetched["summary"].calls
    for name in TABLES:
        pd.testing.assert_frame_equal(frame(name, wh), frame(name, fetched["warehouse"]))


# ---------------------------------------------------------------- the key stays secret


def test_the_api_key_appears_in_no_warehouse_file_cache_file_or_log(
    fetched, server, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    server.script(
        LISTENING, Reply(429, {"Retry-After": "0"}), Reply(500), Reply(200, body="not json")
    )
    fetch_artist(
        ARTIST_NAME,
        ["spotify"],
        "2025-01-01",
        "2025-01-31",
        warehouse=tmp_path / "wh",
        progress=False,
    )
    client = SoundChartsClient()
    texts = [caplog.text, repr(client), repr(Credentials.from_env()), str(client.stats)]
    files = [*fetched["warehouse"].rglob("*"), *fetched["cache"].rglob("*"), *(tmp_path / "wh").rglob("*"),
             *(tmp_path / "cache").rglob("*")]  # fmt: skip
    assert len([f for f in files if f.is_file()]) > 50
    secret = API_KEY.encode()
    leaks = [str(f) for f in files if f.is_file() and secret in f.read_bytes()]
    assert leaks == []
    assert not any(API_KEY in t for t in texts)
    assert "GET /api/v2/artist/" in caplog.text  # the log names requests, without the key


def test_the_api_key_appears_nowhere_in_an_executed_notebook(server, tmp_path):
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("warehouse = ''", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import logging\nlogging.basicConfig(level=logging.DEBUG)\n"
            "from kit.sources.soundcharts import fetch_artist, SoundChartsClient, Credentials\n"
            f"summary = fetch_artist({ARTIST_NAME!r}, ['spotify'], '2025-03-01', '2025-03-07', warehouse=warehouse)\n"
            "print(summary)\nprint(repr(Credentials.from_env()), SoundChartsClient())\nsummary"
        ),
    ]
    source, out = tmp_path / "fetch.ipynb", tmp_path / "fetch-out.ipynb"
    nbformat.write(nb, source)
    papermill.execute_notebook(str(source), str(out), parameters={"warehouse": str(tmp_path / "wh")},
                               kernel_name="python3", cwd=str(tmp_path), progress_bar=False)  # fmt: skip
    text = out.read_text()
    assert "SoundCharts fetch of Luna Vesper" in text  # it ran inside a kernel's event loop
    assert API_KEY not in text


# ---------------------------------------------------------------- the Explorer's button and the CLI


def test_fetch_missing_tracks_fills_the_own_series_of_tracks_known_only_from_charts(
    server, tmp_path
):
    wh = tmp_path / "wh"
    days = pd.date_range("2025-03-01", "2025-03-31").date
    write(
        {
            "artists": pd.DataFrame({"artist_id": ["luna-vesper"], "name": [ARTIST_NAME]}),
            "tracks": pd.DataFrame(
                {"track_id": [spotify_id(0), spotify_id(1)], "title": ["Song 0", "Song 1"]}
            ),
            "track_credits": pd.DataFrame(
                {
                    "track_id": [spotify_id(0), spotify_id(1)],
                    "artist_id": "luna-vesper",
                    "role": "main",
                    "credit_order": 1,
                }
            ),  # fmt: skip
            "chart_entries": pd.DataFrame(
                {
                    "date": days[:10],
                    "platform": "spotify",
                    "country": "GLOBAL",
                    "frequency": "daily",
                    "position": 3,
                    "track_id": spotify_id(0),
                    "streams": 5,
                    "source": "test",
                }
            ),  # fmt: skip
            "track_streams": pd.DataFrame(
                {
                    "date": days,
                    "platform": "spotify",
                    "country": "GLOBAL",
                    "track_id": spotify_id(1),
                    "streams": 7,
                    "source": "test",
                }
            ),  # fmt: skip
        },
        source="test",
        warehouse=wh,
    )
    q = Query(ARTIST_NAME, "2025-03", platforms=["spotify"], warehouse=wh)
    seen = []
    summary = fetch_missing_tracks(
        q, ARTIST_NAME, "spotify", progress=lambda done, total: seen.append((done, total))
    )
    assert summary.complete and summary.rows["track_streams"] == 31
    # song 1 already had a complete own series: only song 0 was looked up and fetched
    assert [p for p, _ in server.paths("/song/")] == [
        f"/api/v2.25/song/by-platform/spotify/{spotify_id(0)}",
        "/api/v2/song/7d534228-5165-11e9-9c1c-000000000000/audience/spotify",
    ]
    assert seen[-1] == (2, 2)
    row = breakdown(q.replace(), ARTIST_NAME, "spotify").set_index("track_id").loc[spotify_id(0)]
    assert row["total_streams"] == 31 * 1_000 and row["coverage"] == 1
    assert "own series (soundcharts)" in row["source"]


# Another source (a plain table) describes song 0 differently: another title, an ISRC
# (which SoundCharts does not give), no release date and no SoundCharts UUID (which it does).
OTHER_SOURCE = f"""track,artists,platform,country,date,streams,isrc,spotify_uri
Song 0 (Radio Edit),{ARTIST_NAME},spotify,IT,2025-03-01,12,ITABC2500001,spotify:track:{spotify_id(0)}
"""


def _song_0(wh) -> dict:
    row = frame("tracks", wh).set_index("track_id").loc[spotify_id(0)]
    return {c: (None if pd.isna(v) else v) for c, v in row.items()}


def test_a_fetch_fills_only_empty_columns_of_a_track_another_source_stored(server, tmp_path):
    wh = tmp_path / "wh"
    (tmp_path / "other.csv").write_text(OTHER_SOURCE)
    assert load_table(tmp_path / "other.csv", wh, kind="track-streams", progress=False).ok
    fetch_artist(ARTIST_NAME, ["spotify"], "2025-03-01", "2025-03-02", warehouse=wh, progress=False)
    assert _song_0(wh) == {
        "title": "Song 0 (Radio Edit)",  # both gave a title: the stored one stays
        "isrc": "ITABC2500001",  # SoundCharts gives none: kept
        "release_date": D(2024, 1, 15),  # the table gave none: SoundCharts fills it
        "soundcharts_uuid": "7d534228-5165-11e9-9c1c-000000000000",
    }
    artist = frame("artists", wh).set_index("artist_id").loc["luna-vesper"]
    assert (artist["name"], artist["soundcharts_uuid"]) == (ARTIST_NAME, ARTIST_UUID)


def test_a_table_loaded_after_a_fetch_fills_only_what_soundcharts_left_empty(server, tmp_path):
    wh = tmp_path / "wh"
    fetch_artist(ARTIST_NAME, ["spotify"], "2025-03-01", "2025-03-02", warehouse=wh, progress=False)
    (tmp_path / "other.csv").write_text(OTHER_SOURCE)
    assert load_table(tmp_path / "other.csv", wh, kind="track-streams", progress=False).ok
    assert _song_0(wh) == {
        "title": "Song 0",  # SoundCharts' title, stored first, stays
        "isrc": "ITABC2500001",  # SoundCharts gave none: the table fills it
        "release_date": D(2024, 1, 15),  # the table gives none: kept
        "soundcharts_uuid": "7d534228-5165-11e9-9c1c-000000000000",
    }


def test_is_configured_follows_the_environment(monkeypatch):
    monkeypatch.setenv("SOUNDCHARTS_APP_ID", APP_ID)
    monkeypatch.setenv("SOUNDCHARTS_API_KEY", API_KEY)
    assert is_configured()
    monkeypatch.setenv("SOUNDCHARTS_API_KEY", "")
    assert not is_configured()


def test_kit_fetch_soundcharts_fetches_and_prints_the_summary(server, tmp_path, capsys):
    code = cli.main(["fetch", "soundcharts", "--artist", ARTIST_NAME, "--platforms", "spotify,apple-music",
                     "--from", "2025-03-01", "--to", "2025-03-07", "--warehouse", str(tmp_path / "wh")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert f"SoundCharts fetch of {ARTIST_NAME}" in out and "track_streams" in out
    assert "apple_music: SoundCharts has no per-song streams" in out


def test_kit_fetch_soundcharts_without_credentials_says_how_to_set_them(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("SOUNDCHARTS_APP_ID", "")
    monkeypatch.setenv("SOUNDCHARTS_API_KEY", "")
    code = cli.main(["fetch", "soundcharts", "--artist", "X", "--warehouse", str(tmp_path / "wh")])
    assert code == 2
    assert "set SOUNDCHARTS_APP_ID and SOUNDCHARTS_API_KEY" in capsys.readouterr().err


def test_kit_fetch_soundcharts_refuses_an_unknown_platform(server, tmp_path, capsys):
    code = cli.main(["fetch", "soundcharts", "--artist", ARTIST_NAME, "--platforms", "myspace",
                     "--warehouse", str(tmp_path / "wh")])  # fmt: skip
    assert code == 2 and "Unknown platform(s) ['myspace']" in capsys.readouterr().err
    assert server.calls == 0

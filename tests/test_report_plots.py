"""The growth charts: Figures built from kit.query's frames, returned and never shown."""

from __future__ import annotations

import datetime as dt

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from kit import Query, selection, timeseries, warehouse
from kit.plots import audience_chart, png, track_stack_chart

D = dt.date
DAYS = [D(2026, 9, 1) + dt.timedelta(days=i) for i in range(30)]


@pytest.fixture(scope="module")
def q(tmp_path_factory) -> Query:
    """Luna in Italy, September 2026: Spotify listeners on every day, YouTube's on 28;
    three Spotify tracks with their own series (a: 100 a day, b: 50, c: 10 on days 1–10)
    and one weekly chart value for d (700, week to 2026-09-10)."""
    root = tmp_path_factory.mktemp("plots") / "warehouse"
    audience = pd.concat(
        [
            pd.DataFrame({"date": DAYS, "platform": "spotify", "value": range(1000, 1030)}),
            pd.DataFrame({"date": DAYS[:28], "platform": "youtube", "value": 500}),
        ]
    ).assign(country="IT", artist_id="luna", metric="monthly_listeners", source="test")
    streams = pd.concat(
        [
            pd.DataFrame({"date": DAYS, "track_id": "a", "streams": 100}),
            pd.DataFrame({"date": DAYS, "track_id": "b", "streams": 50}),
            pd.DataFrame({"date": DAYS[:10], "track_id": "c", "streams": 10}),
        ]
    ).assign(platform="spotify", country="IT", source="s4a")
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["luna"], "name": ["Luna Vesper"]}),
            "tracks": pd.DataFrame({"track_id": list("abcd"), "title": ["A", "B", "C", "D"]}),
            "track_credits": pd.DataFrame(
                {"track_id": list("abcd"), "artist_id": "luna", "role": "main", "credit_order": 1}
            ),
            "artist_audience": audience,
            "track_streams": streams,
            "chart_entries": pd.DataFrame(
                {
                    "date": [D(2026, 9, 10)],
                    "platform": "spotify",
                    "country": "IT",
                    "frequency": "weekly",
                    "position": [3],
                    "track_id": ["d"],
                    "streams": [700],
                    "source": "test",
                    "chart": "top",
                }
            ),
        },
        source="test",
        warehouse=root,
    )
    return Query("Luna Vesper", "2026-09", country="IT", warehouse=root)


def audience(q: Query):
    return audience_chart(timeseries(q), q, who="Luna Vesper")


def stack(q: Query, platform: str, **kwargs):
    data = selection.load_platform(q, "Luna Vesper", platform, top_tracks=False)
    return track_stack_chart(data, q, **kwargs)


def test_the_audience_chart_draws_one_line_per_platform_with_gaps_left_open(q):
    fig = audience(q)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["Spotify", "YouTube"]
    spotify, youtube = (line.get_ydata() for line in ax.get_lines())
    assert list(spotify[[0, 29]]) == [1000.0, 1029.0]
    assert np.isnan(youtube[28:]).all() and not np.isnan(youtube[:28]).any()
    assert ax.get_title(loc="left") == "Monthly listeners of Luna Vesper, Italy, September 2026"


def test_the_stack_chart_stacks_the_top_tracks_daily_streams(q):
    fig = stack(q, "spotify", top=2)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["B", "A"]  # top drawn on top
    bottom, top = ax.collections
    # a (3,000 streams) at the bottom, b stacked on it: 100 and then 150 a day
    assert bottom.get_paths()[0].vertices[:, 1].max() == pytest.approx(100)
    assert top.get_paths()[0].vertices[:, 1].max() == pytest.approx(150)
    assert ax.get_title(loc="left") == (
        "Daily streams of Luna Vesper's top 2 tracks on Spotify, Italy, September 2026"
    )


def test_a_weekly_value_is_not_drawn_as_a_day_and_the_chart_says_so(q):
    fig = stack(q, "spotify", top=4)
    ax = fig.axes[0]
    assert len(ax.collections) == 4  # a, b, d (700 in one week) and c: the breakdown order
    notes = [t.get_text() for t in ax.texts]
    assert notes == ["weekly chart values are not drawn as days"]
    stacked_top = ax.collections[-1].get_paths()[0].vertices[:, 1].max()
    assert stacked_top == pytest.approx(160)  # 100 + 50 + 10, never 700


def test_a_platform_without_streams_gets_an_empty_chart_that_says_so(q):
    fig = stack(q, "youtube")
    assert [t.get_text() for t in fig.axes[0].texts] == ["No streams in this period"]


def test_charts_are_built_without_pyplot_so_nothing_is_shown_or_kept_open(q):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    audience(q)
    stack(q, "spotify")
    assert plt.get_fignums() == before
    assert matplotlib.get_backend()  # whatever the backend, no display was needed


def test_a_chart_renders_as_png(q):
    assert png(audience(q))[:8] == b"\x89PNG\r\n\x1a\n"

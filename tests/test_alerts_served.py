"""The alerts from the serving layer (kit/sql/series_alerts_served.sql: every platform and
country in one statement, the tracks' values from track_day, the baselines from window
functions) are the alerts of the definition (kit/sql/series_alerts.sql over the base
tables, once per platform × country), row for row: on the alerts fixture, on the demo and
on a hand-made case of one artist in two countries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from test_alerts import write_alerts_fixture

from kit import query, warehouse
from kit.alerts import AlertRules
from kit.query import noteworthy

D = dt.date
# thresholds that let nearly every wobble through: many alerts, many events cut by the cooldown
LOOSE = AlertRules(
    min_points=1, min_score=0.5, audience_min_pct=0.0, audience_min_change=0,
    streams_min_pct=0.0, streams_min_change=0, cooldown_days=2,
)  # fmt: skip
NO_COOLDOWN = AlertRules(min_points=3, min_score=1.0, cooldown_days=0, baseline_days=5)


def _both_ways(monkeypatch, root: Path, *args, **kwargs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The alerts from the serving layer, then from the base tables, on the same version."""
    snap = warehouse.snapshot(root)
    assert noteworthy._served(snap)
    served = query.alerts(*args, warehouse=root, snapshot=snap, **kwargs)
    with monkeypatch.context() as patched:
        patched.setattr(noteworthy, "_served", lambda snap: False)
        base = query.alerts(*args, warehouse=root, snapshot=snap, **kwargs)
    return served, base


def _assert_same(served: pd.DataFrame, base: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(served, base, check_exact=True)
    assert served.attrs == base.attrs


@pytest.fixture(scope="module")
def alerts_wh(tmp_path_factory) -> Path:
    return write_alerts_fixture(tmp_path_factory.mktemp("alerts-served") / "warehouse")


@pytest.mark.parametrize(
    "rules", [None, LOOSE, NO_COOLDOWN], ids=["default", "loose", "no-cooldown"]
)
def test_the_alerts_fixture_gives_the_same_alerts_from_the_serving_layer(
    monkeypatch, alerts_wh, rules
):
    served, base = _both_ways(monkeypatch, alerts_wh, "2026-01-01", "2026-12-31", rules=rules)
    _assert_same(served, base)
    assert (served["score"].notna()).sum() >= 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"artists": ["Alba"]},
        {"artists": ["Alba", "Flat"], "platforms": ["spotify"], "countries": ["IT"]},
        {"platforms": ["deezer"]},
        {"countries": ["DE"]},
    ],
    ids=["all", "one-artist", "filters", "one-platform", "no-data"],
)
def test_the_filters_keep_the_same_alerts_from_the_serving_layer(monkeypatch, alerts_wh, kwargs):
    served, base = _both_ways(monkeypatch, alerts_wh, "2026-03-01", "2026-09-30", rules=LOOSE, **kwargs)  # fmt: skip
    _assert_same(served, base)


def test_the_demo_gives_the_same_alerts_from_the_serving_layer(monkeypatch, demo_warehouse):
    served, base = _both_ways(monkeypatch, demo_warehouse, "2026-09-01", "2026-09-30", rules=LOOSE)
    _assert_same(served, base)
    assert (served["score"].notna()).sum() > 0
    one_artist = served["artist"].iloc[0]
    served, base = _both_ways(monkeypatch, demo_warehouse, "2026-09-01", "2026-09-30", rules=LOOSE, artists=[one_artist])  # fmt: skip
    _assert_same(served, base)
    assert set(served["artist"]) == {one_artist}


# ---------------------------------------------------------------------------------------
# One artist in two countries: each series against its own baseline only.
# Alba's monthly listeners on Spotify, Jan 1 – Feb 28 2026: Italy 100,000 a day but
# 150,000 on Feb 10; Germany 200,000 a day. Her track k1's own series: Italy 10,000 a day
# but 30,000 on Feb 20; Germany 50,000 a day. A flat baseline has a MAD of 0, floored at
# 1 % of the baseline:
#   Feb 10 IT  baseline 100,000, change +50,000 (+50 %), score 50,000 ÷ (1.4826 × 1,000) = 33.725
#   Feb 20 IT  baseline 10,000, change +20,000 (+200 %), score 20,000 ÷ (1.4826 × 100) = 134.899
# Germany's flat series make none; mixed into Italy's baselines they would make many.

DAYS = [D(2026, 1, 1) + dt.timedelta(days=n) for n in range(59)]


def _two_countries(root: Path) -> Path:
    listeners = {"IT": {d: 150_000 if d == D(2026, 2, 10) else 100_000 for d in DAYS},
                 "DE": {d: 200_000 for d in DAYS}}  # fmt: skip
    streams = {"IT": {d: 30_000 if d == D(2026, 2, 20) else 10_000 for d in DAYS},
               "DE": {d: 50_000 for d in DAYS}}  # fmt: skip
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["a"], "name": ["Alba"]}),
            "tracks": pd.DataFrame({"track_id": ["k1"], "title": ["Luce"]}),
            "track_credits": pd.DataFrame([("k1", "a", "main", 1)], columns=["track_id", "artist_id", "role", "credit_order"]),
            "artist_audience": pd.DataFrame(
                [{"date": d, "platform": "spotify", "country": c, "artist_id": "a", "metric": "monthly_listeners",
                  "value": v, "source": "fixture"} for c, points in listeners.items() for d, v in points.items()]
            ),
            "track_streams": pd.DataFrame(
                [{"date": d, "platform": "spotify", "country": c, "track_id": "k1", "streams": v, "source": "s4a"}
                 for c, points in streams.items() for d, v in points.items()]
            ),
        },
        source="fixture",
        warehouse=root,
    )  # fmt: skip
    return root


def test_each_country_s_series_alerts_against_its_own_baseline_only(monkeypatch, tmp_path):
    root = _two_countries(tmp_path / "warehouse")
    served, base = _both_ways(monkeypatch, root, "2026-02-01", "2026-02-28")
    _assert_same(served, base)
    found = [
        (r.date.date(), r.artist, r.platform, r.country, r.track if isinstance(r.track, str) else None,
         r.metric, r.kind, r.value, r.baseline, r.change, round(r.score, 3))
        for r in served.itertuples()
    ]  # fmt: skip
    assert found == [
        (D(2026, 2, 10), "Alba", "spotify", "IT", None, "monthly_listeners", "spike", 150_000, 100_000.0, 50_000.0, 33.725),
        (D(2026, 2, 20), "Alba", "spotify", "IT", "Luce", "streams", "spike", 30_000, 10_000.0, 20_000.0, 134.898),
    ]  # fmt: skip

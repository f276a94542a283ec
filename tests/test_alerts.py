"""What is noteworthy: planted events are found on their day, once; flat, noisy and sparse
series give no alert; the thresholds, the digest and `kit alerts`.

The fixture (2026, Spotify, Italy unless said). A 7-day cycle C = [0, +1000, −1000, +500,
−500, 0, 0] by (date − 2026-01-01) mod 7 makes the numbers easy: over any 28 days its
median is 0 and its MAD 500 (twelve 0s, eight 500s, eight 1000s).

  Alba (a)
    monthly_listeners  Jan 1–Apr 30: 100,000 + C; a step to 150,000 + C from Mar 15 (day 73,
                       C = +500). Mar 15: baseline 100,000, value 150,500, change +50,500
                       (+50.5 %), MAD 500 floored at 1 % of the baseline = 1,000, score
                       50,500 ÷ 1,482.6 = 34.06: one spike, then the same event while the
                       baseline catches up.
    followers          10,000 × 1.001^day all year: a smooth trend, no alert.
    k1 "Luce & <Ombra>"  own series 10,000 + C/10 all year; Jun 10 = 40,000: baseline 10,000,
                       MAD 50 floored at 100, change +30,000 (+300 %), score 30,000 ÷ 148.26
                       = 202.35: one spike; Jun 11 is back to normal.
    k2 "Dune"          own series Jan 1–Sep 30: 20,000 + C/5, from Aug 1 (day 212, C/5 = −200)
                       5,000 + C/5. Aug 1: value 4,800, baseline 20,000, change −15,200
                       (−76 %), MAD 100 floored at 200, score −15,200 ÷ 296.52 = −51.26: one drop.
    k6 "Piccola"       own series 100/day, Jul 1 = 400: +300 %, but only +300 streams: no alert.
    k3 "Salita"        Alba main, Bruno featured. Daily chart (IT, Spotify; published every
                       day: Zed's "Sempre" is #1 all year): May 1–10 #50, May 11 #8, May 12
                       #5, May 13–20 #5. Entry May 1 (#50), a climb of new bests May 11–12:
                       one new peak on May 12 (#5, was #50), exit May 21 (last at #5).
  Bruno (b): the same chart events of k3, as its featured artist.
  Flat (f): monthly_listeners, followers and a track's streams, each ±3 % noise around a
    flat level all year: no alert.
  Sparse (s): weekly monthly_listeners; daily followers with gaps; a track on Deezer's
    Italian chart on every published day from the chart's first edition, the chart missing
    from the warehouse Jun 1–20: no alert.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kit import QueryError, cli, query, warehouse
from kit.alerts import RULE_NAMES, AlertRules, AlertRulesError, load_rules
from kit.commands.alerts import THRESHOLD_FLAGS
from kit.render_moved import render_digest

D = dt.date
YEAR = [D(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]
CYCLE = [0, 1000, -1000, 500, -500, 0, 0]
ROOT = Path(__file__).resolve().parent.parent


def _c(day: dt.date, scale: float = 1.0) -> int:
    return int(CYCLE[(day - D(2026, 1, 1)).days % 7] * scale)


def _audience(artist: str, metric: str, points: dict[dt.date, int], platform: str = "spotify"):
    return [
        {"date": d, "platform": platform, "country": "IT", "artist_id": artist, "metric": metric,
         "value": int(v), "source": "fixture"}
        for d, v in points.items()
    ]  # fmt: skip


def _own(track: str, points: dict[dt.date, int]):
    return [
        {"date": d, "platform": "spotify", "country": "IT", "track_id": track, "streams": int(v),
         "source": "s4a"}
        for d, v in points.items()
    ]  # fmt: skip


def _chart(track: str, points: dict[dt.date, int], platform: str = "spotify"):
    return [
        {"date": d, "platform": platform, "country": "IT", "frequency": "daily", "position": p,
         "track_id": track, "streams": None, "source": "fixture"}
        for d, p in points.items()
    ]  # fmt: skip


def write_alerts_fixture(root: Path) -> Path:
    """The fixture of this module's docstring, written to `root`."""
    rng = np.random.default_rng(16)

    def noisy(level: float) -> dict[dt.date, int]:
        return {d: round(level * (1 + rng.uniform(-0.03, 0.03))) for d in YEAR}

    step = {
        d: (150_000 if d >= D(2026, 3, 15) else 100_000) + _c(d)
        for d in YEAR
        if d <= D(2026, 4, 30)
    }
    k1 = {d: 10_000 + _c(d, 0.1) for d in YEAR} | {D(2026, 6, 10): 40_000}
    k2 = {
        d: (5_000 if d >= D(2026, 8, 1) else 20_000) + _c(d, 0.2)
        for d in YEAR
        if d <= D(2026, 9, 30)
    }
    k6 = {d: 100 for d in YEAR} | {D(2026, 7, 1): 400}
    k3 = (
        {D(2026, 5, d): 50 for d in range(1, 11)}
        | {D(2026, 5, 11): 8}
        | {D(2026, 5, d): 5 for d in range(12, 21)}
    )
    published = [d for d in YEAR if not D(2026, 6, 1) <= d <= D(2026, 6, 20)]
    weekly = {d: v for d, v in noisy(300_000).items() if d.weekday() == 0}
    gappy = {
        d: v
        for d, v in noisy(10_000).items()
        if not (D(2026, 3, 1) <= d <= D(2026, 3, 20) or D(2026, 7, 10) <= d <= D(2026, 8, 5))
        and rng.uniform() > 0.2
    }
    audience = [
        *_audience("a", "monthly_listeners", step),
        *_audience("a", "followers", {d: round(10_000 * 1.001**n) for n, d in enumerate(YEAR)}),
        *_audience("f", "monthly_listeners", noisy(200_000)),
        *_audience("f", "followers", noisy(50_000)),
        *_audience("s", "monthly_listeners", weekly),
        *_audience("s", "followers", gappy),
    ]
    chart = [
        *_chart("z1", {d: 1 for d in YEAR}),
        *_chart("k3", k3),
        *_chart("z2", {d: 1 for d in published}, "deezer"),
        *_chart("k4", {d: 20 for d in published}, "deezer"),
    ]
    own = [*_own("k1", k1), *_own("k2", k2), *_own("k6", k6), *_own("k5", noisy(30_000))]
    credits = [
        ("k1", "a", "main", 1),
        ("k2", "a", "main", 1),
        ("k6", "a", "main", 1),
        ("k3", "a", "main", 1),
        ("k3", "b", "featured", 2),
        ("z1", "z", "main", 1),
        ("z2", "z", "main", 1),
        ("k5", "f", "main", 1),
        ("k4", "s", "main", 1),
    ]
    titles = {"k1": "Luce & <Ombra>", "k2": "Dune", "k3": "Salita", "k4": "Rada", "k5": "Piana",
              "k6": "Piccola", "z1": "Sempre", "z2": "Sempre Deezer"}  # fmt: skip
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": list("abfsz"), "name": ["Alba", "Bruno", "Flat", "Sparse", "Zed"]}),
            "tracks": pd.DataFrame({"track_id": list(titles), "title": list(titles.values())}),
            "track_credits": pd.DataFrame(credits, columns=["track_id", "artist_id", "role", "credit_order"]),
            "artist_audience": pd.DataFrame(audience),
            "chart_entries": pd.DataFrame(chart).astype({"streams": "Int64"}),
            "track_streams": pd.DataFrame(own),
        },
        source="fixture",
        warehouse=root,
    )  # fmt: skip
    return root


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    return write_alerts_fixture(tmp_path_factory.mktemp("alerts") / "warehouse")


@pytest.fixture(scope="module")
def year(wh) -> pd.DataFrame:
    return query.alerts("2026-01-01", "2026-12-31", warehouse=wh)


def _events(frame: pd.DataFrame) -> list[tuple]:
    return [
        (r.date.date().isoformat(), r.artist, r.track if isinstance(r.track, str) else None,
         r.metric, r.kind, int(r.value))
        for r in frame.itertuples()
    ]  # fmt: skip


PLANTED = [
    ("2026-03-15", "Alba", None, "monthly_listeners", "spike", 150_500),
    ("2026-05-01", "Alba", "Salita", "position", "chart_entry", 50),
    ("2026-05-01", "Bruno", "Salita", "position", "chart_entry", 50),
    ("2026-05-12", "Alba", "Salita", "position", "new_peak", 5),
    ("2026-05-12", "Bruno", "Salita", "position", "new_peak", 5),
    ("2026-05-21", "Alba", "Salita", "position", "chart_exit", 5),
    ("2026-05-21", "Bruno", "Salita", "position", "chart_exit", 5),
    ("2026-06-10", "Alba", "Luce & <Ombra>", "streams", "spike", 40_000),
    ("2026-08-01", "Alba", "Dune", "streams", "drop", 4_800),
]


# ---------------------------------------------------------------------------------------
# The planted events, and nothing else


def test_every_planted_event_is_found_on_its_day_once_and_nothing_else(year):
    assert list(year.columns) == query.ALERT_COLUMNS
    assert _events(year) == PLANTED


def test_a_step_up_is_one_spike_against_the_median_of_the_previous_28_days(year):
    (step,) = year[year["metric"] == "monthly_listeners"].itertuples()
    assert (step.baseline, step.change) == (100_000, 50_500)
    assert step.pct_change == pytest.approx(0.505)
    assert step.score == pytest.approx(50_500 / (1.4826 * 1_000))
    assert (step.platform, step.country, step.artist_id) == ("spotify", "IT", "a")
    assert pd.isna(step.track) and pd.isna(step.track_id)
    assert step.message == (
        "Monthly listeners on Spotify in Italy rose to 150,500: +50 % on the 28-day median of 100,000."
    )


def test_a_one_day_spike_and_a_drop_in_a_tracks_streams(year):
    spike, drop = year[year["metric"] == "streams"].itertuples()
    assert (spike.baseline, spike.change, spike.track_id) == (10_000, 30_000, "k1")
    assert spike.pct_change == pytest.approx(3.0)
    assert spike.score == pytest.approx(30_000 / (1.4826 * 100))
    assert (drop.baseline, drop.change) == (20_000, -15_200)
    assert drop.pct_change == pytest.approx(-0.76)
    assert drop.score == pytest.approx(-15_200 / (1.4826 * 200))
    assert drop.message == (
        "“Dune” fell to 4,800 streams a day on Spotify in Italy: -76 % on the 28-day median of 20,000."
    )


def test_chart_events_carry_their_positions(year):
    chart = year[(year["artist"] == "Alba") & (year["metric"] == "position")]
    assert [(r.kind, r.value, r.frequency) for r in chart.itertuples()] == [
        ("chart_entry", 50, "daily"), ("new_peak", 5, "daily"), ("chart_exit", 5, "daily"),
    ]  # fmt: skip
    peak = chart[chart["kind"] == "new_peak"].iloc[0]
    assert (peak["baseline"], peak["change"]) == (50, -45)  # the best before the climb
    assert pd.isna(peak["score"]) and pd.isna(peak["pct_change"])
    assert chart["message"].tolist() == [
        "“Salita” entered Spotify's daily chart for Italy at #50.",
        "“Salita” reached #5 on Spotify's daily chart for Italy, its best so far (was #50).",
        "“Salita” left Spotify's daily chart for Italy (last at #5).",
    ]


def test_flat_noisy_and_sparse_series_give_no_alert(year):
    assert not set(year["artist"]) & {"Flat", "Sparse", "Zed"}


def test_a_tiny_series_does_not_alert_however_large_its_relative_change(wh):
    found = query.alerts("2026-07-01", "2026-07-01", artists=["Alba"], warehouse=wh)
    assert found.empty
    # the same +300 streams clears a lowered absolute minimum
    rules = AlertRules(streams_min_change=300)
    found = query.alerts("2026-07-01", "2026-07-01", artists=["Alba"], rules=rules, warehouse=wh)
    assert _events(found) == [("2026-07-01", "Alba", "Piccola", "streams", "spike", 400)]


def test_an_event_begun_before_the_period_is_not_reported_again(wh):
    # Mar 20 is still unusual (the baseline has not caught up), but the event began on Mar 15
    found = query.alerts("2026-03-16", "2026-03-31", artists=["Alba"], warehouse=wh)
    assert found.empty


def test_without_a_cooldown_the_days_while_the_baseline_catches_up_alert_too(wh):
    rules = AlertRules(cooldown_days=0)
    found = query.alerts("2026-03-15", "2026-03-31", artists=["Alba"], rules=rules, warehouse=wh)
    assert len(found) > 5  # what one alert per event prevents
    assert set(found["kind"]) == {"spike"}


def test_the_filters_keep_artists_platforms_and_countries(wh, year):
    deezer = query.alerts("2026-01-01", "2026-12-31", platforms=["Deezer"], warehouse=wh)
    assert deezer.empty
    bruno = query.alerts(
        "2026-01-01", "2026-12-31", artists=["bruno"], countries=["Italy"], warehouse=wh
    )
    assert _events(bruno) == [e for e in PLANTED if e[1] == "Bruno"]
    assert query.alerts("2026-01-01", "2026-12-31", countries=["DE"], warehouse=wh).empty


def test_the_default_period_is_the_week_ending_on_the_last_day_with_data(wh):
    found = query.alerts(warehouse=wh)
    assert (found.attrs["since"], found.attrs["until"]) == (D(2026, 12, 25), D(2026, 12, 31))
    found = query.alerts(until="2026-05-21", warehouse=wh)
    assert found.attrs["since"] == D(2026, 5, 15)
    assert _events(found) == [e for e in PLANTED if e[0] == "2026-05-21"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"artists": ["Albaa"]}, r"Unknown artist 'Albaa'\. Did you mean: Alba\?"),
        ({"platforms": ["spotfy"]}, r"Unknown platform 'spotfy'.*Did you mean: spotify\?"),
        ({"countries": ["Atlantis"]}, "Atlantis"),
        ({"since": "2026-13-01"}, r"Invalid since '2026-13-01': expected a date, YYYY-MM-DD\."),
        ({"since": "2026-05-02", "until": "2026-05-01"}, r"ends \(2026-05-01\) before it starts"),
    ],
)
def test_a_refused_alerts_query_says_what_to_change(wh, kwargs, message):
    with pytest.raises(QueryError, match=message):
        query.alerts(warehouse=wh, **kwargs)


# ---------------------------------------------------------------------------------------
# The thresholds


def test_the_committed_alerts_yaml_holds_the_documented_defaults():
    assert load_rules(ROOT / "alerts.yaml") == AlertRules()


def test_thresholds_come_from_the_file_then_from_the_flags(tmp_path):
    path = tmp_path / "alerts.yaml"
    path.write_text("min_score: 5\nstreams_min_pct: 0.8\npeak_top: 3\n")
    assert load_rules(path, peak_top=20, min_points=None) == AlertRules(
        min_score=5.0, streams_min_pct=0.8, peak_top=20
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("min_score: 5\nmin_scor: 4\n", r"alerts\.yaml, line 2, field min_scor: unknown threshold"),
        (
            "chart_days: seven\n",
            r"alerts\.yaml, line 1, field chart_days: expected a number, got 'seven'",
        ),
        (
            "\n\nbaseline_days: 2.5\n",
            r"line 3, field baseline_days: expected a whole number, got 2\.5",
        ),
        ("min_points: 0\n", r"line 1, field min_points: expected 1 or more, got 0"),
        ("streams_min_pct: -1\n", r"line 1, field streams_min_pct: expected 0 or more"),
        ("min_points: 30\n", r"alerts\.yaml: min_points \(30\) cannot exceed baseline_days \(28\)"),
        ("- 1\n- 2\n", r"alerts\.yaml, line 1: expected a mapping of thresholds"),
        ("min_score: [\n", r"alerts\.yaml is not valid YAML"),
    ],
)
def test_a_bad_thresholds_file_is_refused_naming_line_and_field(tmp_path, text, message):
    path = tmp_path / "alerts.yaml"
    path.write_text(text)
    with pytest.raises(AlertRulesError, match=message):
        load_rules(path)


def test_stricter_thresholds_drop_the_smaller_events(wh):
    rules = AlertRules(streams_min_pct=3.5, audience_min_pct=0.6, peak_top=4)
    found = query.alerts("2026-01-01", "2026-12-31", artists=["Alba"], rules=rules, warehouse=wh)
    assert [e[4] for e in _events(found)] == ["chart_entry", "chart_exit"]


# ---------------------------------------------------------------------------------------
# The digest


@pytest.fixture(scope="module")
def digest(year) -> str:
    return render_digest(year, since=D(2026, 1, 1), until=D(2026, 12, 31), rules=AlertRules())


def test_the_digest_lists_every_alert_under_its_artist(digest):
    assert "<title>Noteworthy, 2026-01-01 to 2026-12-31</title>" in digest
    assert "9 alerts: spike 2, drop 1, chart entry 2, chart exit 2, new peak 2." in digest
    alba, bruno = digest.index(">Alba</h2>"), digest.index(">Bruno</h2>")
    assert alba < digest.index("rose to 150,500") < bruno
    assert digest.count("entered Spotify&#39;s daily chart for Italy at #50.") == 2
    assert "at least 50% (and 1,000) for a track&#39;s daily streams" in digest


def test_the_digest_escapes_what_it_is_given(digest):
    assert "“Luce &amp; &lt;Ombra&gt;” rose to 40,000 streams a day" in digest
    assert "<Ombra>" not in digest


def test_the_digest_reads_in_a_mail_client_without_scripts_or_outside_resources(digest):
    lowered = digest.lower()
    for forbidden in (
        "<script",
        "<link",
        "<style",
        "<img",
        "<iframe",
        "javascript:",
        "@import",
        "url(",
    ):
        assert forbidden not in lowered
    assert not re.search(r"""(src|href)\s*=""", lowered)
    assert not re.search(r"https?://", lowered)
    assert 'style="' in digest  # every style is inline


def test_a_digest_without_alerts_says_so(year):
    html = render_digest(
        year.iloc[0:0], since=D(2026, 1, 1), until=D(2026, 1, 7), rules=AlertRules()
    )
    assert "Nothing unusual in this period." in html
    assert "<table" not in html


# ---------------------------------------------------------------------------------------
# kit alerts


def _kit(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_kit_alerts_as_csv_has_the_python_columns_and_rows(wh, capsys):
    code, out, _ = _kit(capsys, "alerts", "--since", "2026-01-01", "--until", "2026-12-31",
                        "--format", "csv", "--warehouse", str(wh))  # fmt: skip
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == query.ALERT_COLUMNS
    assert df[["date", "artist", "kind", "value"]].values.tolist() == [
        [d, a, k, v] for d, a, _, _, k, v in PLANTED
    ]


def test_kit_alerts_takes_thresholds_from_a_file_and_flags(wh, tmp_path, capsys):
    path = tmp_path / "alerts.yaml"
    path.write_text("streams_min_change: 100000\n")
    argv = ["alerts", "--since", "2026-01-01", "--until", "2026-12-31", "--artist", "Alba",
            "--format", "json", "--warehouse", str(wh), "--config", str(path)]  # fmt: skip
    code, out, _ = _kit(capsys, *argv)
    assert code == 0
    assert "streams" not in {row["metric"] for row in json.loads(out)}
    code, out, _ = _kit(capsys, *argv, "--streams-min-change", "300")
    assert [row["track"] for row in json.loads(out) if row["metric"] == "streams"] == [
        "Luce & <Ombra>", "Piccola", "Dune",
    ]  # fmt: skip


def test_kit_alerts_writes_the_html_digest_to_a_file(wh, tmp_path, capsys):
    path = tmp_path / "digests" / "week.html"
    code, out, err = _kit(capsys, "alerts", "--since", "2026-05-15", "--until", "2026-05-21",
                          "--format", "html", "--output", str(path), "--warehouse", str(wh))  # fmt: skip
    assert (code, out) == (0, "")
    assert err == f"2 alerts from 2026-05-15 to 2026-05-21: {path}\n"
    html = path.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "left Spotify&#39;s daily chart for Italy (last at #5)." in html
    assert not list(path.parent.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--artist", "Nobody"], "kit alerts: Unknown artist 'Nobody'.\n"),
        (["--min-points", "40"], "kit alerts: min_points (40) cannot exceed baseline_days (28).\n"),
        (["--config", "/nonexistent/alerts.yaml"], "kit alerts: Cannot read /nonexistent/alerts.yaml: No such file or directory.\n"),
    ],
)  # fmt: skip
def test_kit_alerts_refuses_in_one_line(wh, capsys, argv, message):
    code, out, err = _kit(capsys, "alerts", "--warehouse", str(wh), *argv)
    assert (code, out, err) == (2, "", message)


def test_the_readme_documents_every_column_and_threshold_of_the_alerts():
    readme = (ROOT / "README.md").read_text()
    for name in [*query.ALERT_COLUMNS, *RULE_NAMES]:
        assert f"`{name}`" in readme, name
    for flag in THRESHOLD_FLAGS:
        assert f"`{flag}`" in readme, flag

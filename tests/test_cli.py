"""`kit summary` and `kit breakdown` print the columns of the Python functions."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from kit import cli, query, warehouse

D = dt.date


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli") / "warehouse"
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["nora"], "name": ["Nora Quinn"]}),
            "tracks": pd.DataFrame(
                {"track_id": ["x1", "x2"], "title": ["Glass", "Harbour, Again"]}
            ),
            "track_credits": pd.DataFrame(
                {"track_id": ["x1", "x2"], "artist_id": "nora", "role": "main", "credit_order": 1}
            ),
            "chart_entries": pd.DataFrame(
                {
                    "date": [D(2026, 9, 1), D(2026, 9, 2), D(2026, 9, 1)],
                    "platform": "spotify",
                    "country": "GB",
                    "frequency": "daily",
                    "position": [1, 2, 3],
                    "track_id": ["x1", "x1", "x2"],
                    "streams": [500, 400, 300],
                    "source": "test",
                }
            ),
            "artist_audience": pd.DataFrame(
                {
                    "date": [D(2026, 9, 1), D(2026, 9, 2)],
                    "platform": "spotify",
                    "country": "GB",
                    "artist_id": "nora",
                    "metric": "monthly_listeners",
                    "value": [100, 130],
                    "source": "test",
                }
            ),
        },
        source="test",
        warehouse=root,
    )
    return root


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_breakdown_as_csv_has_the_python_columns_and_figures(wh, capsys):
    code, out, _ = _run(
        capsys, "breakdown", "--artist", "Nora Quinn", "--platform", "spotify", "--country", "gb",
        "--period", "2026-09", "--format", "csv", "--warehouse", str(wh),
    )  # fmt: skip
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == query.BREAKDOWN_COLUMNS
    assert df[["title", "total_streams", "best_position"]].values.tolist() == [
        ["Glass", 900, 1],
        ["Harbour, Again", 300, 3],
    ]


def test_summary_as_json_has_the_python_columns(wh, capsys):
    code, out, _ = _run(
        capsys, "summary", "--artist", "nora", "--country", "GB", "--period", "2026-09",
        "--format", "json", "--warehouse", str(wh),
    )  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    assert list(rows[0]) == query.SUMMARY_COLUMNS
    assert (rows[0]["start_value"], rows[0]["end_value"], rows[0]["points"]) == (100, 130, 2)
    assert rows[0]["peak_date"].startswith("2026-09-02")


def test_the_table_format_prints_every_track(wh, capsys):
    code, out, _ = _run(
        capsys, "breakdown", "--artist", "Nora Quinn", "--platform", "spotify", "--country", "GB",
        "--period", "2026-09", "--warehouse", str(wh),
    )  # fmt: skip
    assert code == 0
    assert "Glass" in out and "Harbour, Again" in out
    assert out.splitlines()[0].split()[:3] == ["track_id", "title", "credit"]


def test_a_refused_query_prints_one_line_and_exits_2(wh, capsys):
    code, out, err = _run(
        capsys, "summary", "--artist", "Nora Quin", "--country", "GB", "--period", "2026-09",
        "--warehouse", str(wh),
    )  # fmt: skip
    assert code == 2
    assert out == ""
    assert err == "kit summary: Unknown artist 'Nora Quin'. Did you mean: Nora Quinn?\n"

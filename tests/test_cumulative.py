"""Running totals into daily values: the one function behind plain tables and SoundCharts."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from kit.sources.cumulative import Decrease, daily_from_cumulative

D = dt.date


def _points(*rows: tuple[str, dt.date, int]) -> pa.Table:
    return pa.table(
        {
            "series": pa.array([r[0] for r in rows], pa.string()),
            "date": pa.array([r[1] for r in rows], pa.date32()),
            "total": pa.array([r[2] for r in rows], pa.int64()),
            "note": pa.array([f"row {i}" for i in range(len(rows))], pa.string()),
        }
    )


def test_each_point_becomes_its_difference_with_the_day_before_in_its_own_series():
    points = _points(
        ("a", D(2026, 9, 2), 130),
        ("b", D(2026, 9, 1), 1_000),
        ("a", D(2026, 9, 1), 100),
        ("b", D(2026, 9, 2), 1_040),
        ("a", D(2026, 9, 3), 175),
    )
    daily = daily_from_cumulative(points, ["series"], "total", on_decrease="refuse")
    # 130 − 100, 1,040 − 1,000, 175 − 130; the first day of each series has no day before
    assert daily.rows.to_pylist() == [
        {"series": "a", "date": D(2026, 9, 2), "total": 30, "note": "row 0"},
        {"series": "b", "date": D(2026, 9, 2), "total": 40, "note": "row 3"},
        {"series": "a", "date": D(2026, 9, 3), "total": 45, "note": "row 4"},
    ]
    assert daily.after_gap == 0


def test_a_point_after_a_gap_gives_no_row_and_is_counted():
    points = _points(
        ("a", D(2026, 9, 1), 100), ("a", D(2026, 9, 4), 400), ("a", D(2026, 9, 5), 450)
    )
    daily = daily_from_cumulative(points, ["series"], "total", on_decrease="refuse")
    assert [(r["date"], r["total"]) for r in daily.rows.to_pylist()] == [(D(2026, 9, 5), 50)]
    assert daily.after_gap == 1


def test_refuse_raises_at_the_first_decrease_with_the_point_before_it():
    points = _points(
        ("a", D(2026, 9, 1), 100),
        ("a", D(2026, 9, 2), 90),
        ("b", D(2026, 9, 1), 50),
        ("b", D(2026, 9, 2), 40),
    )
    with pytest.raises(Decrease) as caught:
        daily_from_cumulative(points, ["series"], "total", on_decrease="refuse")
    down = caught.value
    assert (down.position, down.row["total"], down.row["note"]) == (1, 90, "row 1")
    assert (down.previous_position, down.previous_value, down.previous_date) == (
        0,
        100,
        D(2026, 9, 1),
    )


def test_skip_drops_a_decrease_and_keeps_the_rest_of_the_series():
    points = _points(
        ("a", D(2026, 9, 1), 100),
        ("a", D(2026, 9, 2), 90),
        ("a", D(2026, 9, 3), 120),
    )
    daily = daily_from_cumulative(points, ["series"], "total", on_decrease="skip")
    # 90 < 100 is a correction: no row; the next day counts from the corrected 90
    assert [(r["date"], r["total"]) for r in daily.rows.to_pylist()] == [(D(2026, 9, 3), 30)]


def test_an_unknown_decrease_rule_is_refused():
    with pytest.raises(ValueError, match="on_decrease"):
        daily_from_cumulative(_points(), ["series"], "total", on_decrease="keep")

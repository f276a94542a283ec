"""Track detail on Apache Spark: positions, growth and the comparison are the same frames
as on DuckDB, on the hand-worked fixture of tests/test_track_detail.py."""

from __future__ import annotations

import pandas as pd
import pytest
from test_track_detail import LUCE, ONDA, PERIOD, SOLE, write_track_fixture

from kit import engine, query
from kit.query import Query

ANSWERS = {
    "positions": lambda q: query.positions(q, ONDA),
    "positions of one country": lambda q: query.positions(q, ONDA, countries=["DE"]),
    "track_growth": lambda q: query.track_growth(q, "Alba", "spotify"),
    "comparison by date": lambda q: query.track_comparison(
        q, [("spotify", ONDA), ("spotify", SOLE)]
    ),
    "comparison by release": lambda q: query.track_comparison(
        q, [("spotify", ONDA), ("spotify", SOLE)], align="release"
    ),
    "comparison by chart entry": lambda q: query.track_comparison(
        q, [("spotify", ONDA), ("spotify", LUCE)], align="chart_entry"
    ),
}


@pytest.fixture(scope="module")
def q(tmp_path_factory) -> Query:
    root = write_track_fixture(tmp_path_factory.mktemp("track-detail-spark") / "warehouse")
    return Query(["Alba", "Bruno"], PERIOD, platforms="spotify", country="IT", warehouse=root)


@pytest.fixture(scope="module")
def spark_session():
    """The process's Spark session: the one tests/test_spark.py started when it ran first
    (starting one takes 5–15 s), and that its session-wide fixture stops at the end."""
    from kit import spark as kit_spark

    return kit_spark.session()


@pytest.mark.spark
@pytest.mark.parametrize("name", list(ANSWERS))
def test_track_detail_is_the_same_frame_on_spark(spark_session, q: Query, name: str):
    with engine.using("duckdb"):
        on_duckdb = ANSWERS[name](q)
    with engine.using("spark"):
        on_spark = ANSWERS[name](q)
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)

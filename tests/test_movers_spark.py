"""What moved and what is noteworthy on Apache Spark: the movers, the audience comparison
and the alerts are the same frames as on DuckDB, on the hand-worked fixtures of
tests/test_movers.py and tests/test_alerts.py."""

from __future__ import annotations

import pandas as pd
import pytest
from test_alerts import PLANTED, write_alerts_fixture
from test_movers import write_movers_fixture

from kit import engine, query
from kit.query import Query


@pytest.fixture(scope="module")
def spark_session():
    """The process's Spark session: the one tests/test_spark.py started when it ran first
    (starting one takes 5–15 s), and that its session-wide fixture stops at the end."""
    from kit import spark as kit_spark

    return kit_spark.session()


@pytest.fixture(scope="module")
def q(tmp_path_factory) -> Query:
    root = write_movers_fixture(tmp_path_factory.mktemp("movers-spark") / "warehouse")
    return Query(["Alba", "Carla"], "2026-09", platforms="spotify", country="IT", warehouse=root)


@pytest.fixture(scope="module")
def alerts_warehouse(tmp_path_factory):
    return write_alerts_fixture(tmp_path_factory.mktemp("alerts-spark") / "warehouse")


def _on_both(answer) -> tuple[pd.DataFrame, pd.DataFrame]:
    with engine.using("duckdb"):
        on_duckdb = answer()
    with engine.using("spark"):
        on_spark = answer()
    return on_duckdb, on_spark


ANSWERS = {
    "movers": lambda q: query.movers(q, "Alba", "spotify"),
    "movers a year earlier, by contribution": lambda q: query.movers(
        q, "Alba", "spotify", "year", sort="contribution"
    ),
    "summary with the previous period": lambda q: query.summary(q, compare="previous"),
    "movers by status": lambda q: query.movers(q, "Alba", "spotify", sort="status"),
}


@pytest.mark.spark
def test_the_footer_of_the_movers_is_the_same_row_on_spark(spark_session, q):
    on_duckdb, on_spark = _on_both(lambda: query.movers_totals(q, "Alba", "spotify"))
    assert len(on_duckdb) == 1
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)


@pytest.mark.spark
@pytest.mark.parametrize("name", list(ANSWERS))
def test_movers_and_the_audience_comparison_are_the_same_frames_on_spark(spark_session, q, name):
    on_duckdb, on_spark = _on_both(lambda: ANSWERS[name](q))
    assert len(on_duckdb) > 1
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)


@pytest.mark.spark
def test_the_alerts_are_the_same_frame_on_spark(spark_session, alerts_warehouse):
    on_duckdb, on_spark = _on_both(
        lambda: query.alerts("2026-01-01", "2026-12-31", warehouse=alerts_warehouse)
    )
    assert len(on_duckdb) == len(PLANTED)
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)

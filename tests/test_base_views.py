"""The base views: one description per warehouse table (kit.schema.BASE_VIEWS) that DuckDB
(kit/db.py) and Spark (kit/spark.py) each render into their own SQL, with the same columns
and the same types on both, whether the table has files or not."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from kit import db, warehouse
from kit import spark as kit_spark
from kit.schema import BASE_VIEWS, TABLES

# chart_entries as DuckDB describes its view: the schema, then `month` from the folders
CHART_ENTRIES = [
    ("date", "DATE"),
    ("platform", "VARCHAR"),
    ("country", "VARCHAR"),
    ("frequency", "VARCHAR"),
    ("position", "INTEGER"),
    ("track_id", "VARCHAR"),
    ("streams", "BIGINT"),
    ("source", "VARCHAR"),
    ("chart", "VARCHAR"),
    ("previous_position", "INTEGER"),
    ("month", "VARCHAR"),
]
TRACK_CREDITS = [
    ("track_id", "VARCHAR"),
    ("artist_id", "VARCHAR"),
    ("role", "VARCHAR"),
    ("credit_order", "SMALLINT"),
]


def _write_one_chart_entry(root) -> None:
    warehouse.write(
        {
            "tracks": pd.DataFrame({"track_id": ["t1"], "title": ["Glass"]}),
            "chart_entries": pd.DataFrame(
                {
                    "date": [dt.date(2026, 9, 1)],
                    "platform": "spotify",
                    "country": "IT",
                    "frequency": "daily",
                    "position": [1],
                    "track_id": ["t1"],
                    "streams": [500],
                    "source": "test",
                }
            ),
        },
        source="test",
        warehouse=root,
    )


def test_a_partitioned_table_is_read_from_its_partition_folders_with_month_as_a_column():
    view = BASE_VIEWS["chart_entries"]
    assert view.files == "chart_entries/platform=*/month=*/*.parquet"
    assert view.partitions == ("platform", "month")
    assert [name for name, _ in view.columns] == [name for name, _ in CHART_ENTRIES]


def test_a_table_without_partitions_is_read_from_its_own_folder():
    view = BASE_VIEWS["track_credits"]
    assert view.files == "track_credits/*.parquet"
    assert view.partitions == ()
    assert [name for name, _ in view.columns] == [name for name, _ in TRACK_CREDITS]


def test_every_table_has_a_base_view():
    assert list(BASE_VIEWS) == list(TABLES)


@pytest.mark.parametrize("filled", [False, True], ids=["without files", "with files"])
def test_duckdb_views_have_the_described_columns_and_types(tmp_path, filled):
    root = tmp_path / "warehouse"
    root.mkdir()
    if filled:
        _write_one_chart_entry(root)
    con = db.connect(root)
    for table, expected in (("chart_entries", CHART_ENTRIES), ("track_credits", TRACK_CREDITS)):
        described = [(row[0], row[1]) for row in con.execute(f"describe {table}").fetchall()]
        assert described == expected
    assert con.execute("select count(*) from chart_entries").fetchone()[0] == (1 if filled else 0)
    if filled:
        assert con.execute("select platform, month from chart_entries").fetchall() == [
            ("spotify", "2026-09")
        ]


def _arrow(t: pa.DataType) -> pa.DataType:
    """The type without a time zone: DuckDB labels instants with its connection's time
    zone, Spark with its session's (UTC); the instants are the same."""
    return pa.timestamp(t.unit) if pa.types.is_timestamp(t) else t


def _arrow_schema(cursor, table: str) -> list[tuple[str, pa.DataType]]:
    schema = cursor.sql(f"select * from {table}").to_arrow_table().schema
    return [(f.name, _arrow(f.type)) for f in schema]


@pytest.mark.spark
@pytest.mark.parametrize("filled", [False, True], ids=["without files", "with files"])
def test_spark_views_have_the_columns_and_types_of_duckdbs(tmp_path, filled):
    root = tmp_path / "warehouse"
    root.mkdir()
    if filled:
        _write_one_chart_entry(root)
    kit_spark.session()  # left running: tests/test_spark.py's session fixture reuses it
    for table in TABLES:
        on_duckdb = _arrow_schema(db.connect(root), table)
        assert on_duckdb == [(name, _arrow(t)) for name, t in BASE_VIEWS[table].columns]
        assert _arrow_schema(kit_spark.cursor(root), table) == on_duckdb, table

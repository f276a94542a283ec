"""Measurement 5: loading Spotify chart CSVs, against DuckDB reading them into Parquet.

The files are written from the scale warehouse's own Spotify charts: one country's daily
charts for a year, one file per day in today's charts.spotify.com layout (BOM, CRLF,
every field quoted, `regional-<cc>-daily-<date>.csv`), and the other countries' charts
of the same year in one large combined file (`title,rank,date,artist,url,region,chart,
trend,streams`), the layout of the long-running community dumps.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from kit import db
from kit.countries import country_name
from kit.schema import GLOBAL
from kit.sources.spotify_charts import CHART_COLUMNS, COMBINED_COLUMNS

from .results import Measurement, secs, times

Clock = Callable[[], float]

# the layouts kit reads, so the benchmark writes exactly what an analyst downloads
DAILY_HEADER = [*CHART_COLUMNS, "days_on_chart", "streams"]
COMBINED_HEADER = list(COMBINED_COLUMNS)
LABEL = "Chartroom Demo Records"  # the `source` column: the label that delivered the track

# One row per Spotify daily chart entry of the year, with the columns both layouts need.
_CHART_ROWS = """
with
named as (
    select tc.track_id, string_agg(a.name, ', ' order by tc.credit_order) as artist_names
    from track_credits as tc
    join artists as a on a.artist_id = tc.artist_id
    group by tc.track_id
),
history as (
    select
        c.*,
        min(c.position) over w as peak_rank,
        count(*) over w as days_on_chart
    from chart_entries as c
    where c.platform = 'spotify' and c.frequency = 'daily' and c.chart = 'top'
      and c.date <= $end
    window w as (partition by c.country, c.track_id order by c.date
                 rows between unbounded preceding and current row)
)
select
    h.date, h.country, h.position, h.track_id, coalesce(t.title, h.track_id) as title,
    coalesce(n.artist_names, '') as artist_names, h.peak_rank, h.previous_position,
    h.days_on_chart, h.streams
from history as h
left join tracks as t on t.track_id = h.track_id
left join named as n on n.track_id = h.track_id
where h.date between $start and $end
order by h.date, h.country, h.position
"""


@dataclass(frozen=True)
class ChartFiles:
    daily: list[Path]
    combined: Path
    daily_rows: int
    combined_rows: int
    country: str
    start: dt.date
    end: dt.date

    @property
    def rows(self) -> int:
        return self.daily_rows + self.combined_rows


def write_chart_files(root: Path, folder: Path, country: str, days: int) -> ChartFiles:
    """The CSV files of the benchmark, from the warehouse at `root`, into `folder`."""
    cur = db.cursor(root)
    end = cur.execute(
        "select max(date) from chart_entries where platform = 'spotify' and frequency = 'daily'"
    ).fetchall()[0][0]
    start = end - dt.timedelta(days=days - 1)
    rows = cur.sql(_CHART_ROWS, params={"start": start, "end": end}).to_arrow_table()
    shutil.rmtree(folder, ignore_errors=True)
    daily_dir = folder / "daily"
    daily_dir.mkdir(parents=True)

    columns = {name: rows.column(name).to_pylist() for name in rows.column_names}
    by_day: dict[dt.date, list[list[object]]] = {}
    combined_path = folder / "combined.csv"
    combined_rows = 0
    with open(combined_path, "w", newline="", encoding="utf-8") as combined:
        out = csv.writer(combined)
        out.writerow(COMBINED_HEADER)
        for i in range(rows.num_rows):
            date, code = columns["date"][i], columns["country"][i]
            previous = columns["previous_position"][i]
            if code == country:
                by_day.setdefault(date, []).append(
                    [
                        columns["position"][i],
                        f"spotify:track:{columns['track_id'][i]}",
                        columns["artist_names"][i],
                        columns["title"][i],
                        LABEL,
                        columns["peak_rank"][i],
                        -1 if previous is None else previous,
                        columns["days_on_chart"][i],
                        columns["streams"][i],
                    ]
                )
                continue
            position = columns["position"][i]
            trend = (
                "NEW_ENTRY"
                if previous is None
                else "MOVE_UP"
                if position < previous
                else "MOVE_DOWN"
                if position > previous
                else "SAME_POSITION"
            )
            out.writerow(
                [
                    columns["title"][i],
                    position,
                    date.isoformat(),
                    columns["artist_names"][i],
                    f"https://open.spotify.com/track/{columns['track_id'][i]}",
                    "Global" if code == GLOBAL else country_name(code),
                    "top200",
                    trend,
                    columns["streams"][i],
                ]
            )
            combined_rows += 1
    daily: list[Path] = []
    for date in sorted(by_day):
        path = daily_dir / f"regional-{country.lower()}-daily-{date.isoformat()}.csv"
        with open(path, "w", newline="", encoding="utf-8-sig") as fh:
            out = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            out.writerow(DAILY_HEADER)
            out.writerows(by_day[date])
        daily.append(path)
    daily_rows = sum(len(v) for v in by_day.values())
    return ChartFiles(daily, combined_path, daily_rows, combined_rows, country, start, end)


def kit_ingest_seconds(files: ChartFiles, warehouse: Path, clock: Clock) -> float:
    """kit's loader, into a fresh warehouse: the daily files, then the combined file."""
    from kit.sources.spotify_charts import load_spotify_charts

    shutil.rmtree(warehouse, ignore_errors=True)
    warehouse.mkdir(parents=True)
    started = clock()
    load_spotify_charts(files.daily, warehouse=warehouse, progress=False)
    load_spotify_charts([files.combined], warehouse=warehouse, progress=False)
    return clock() - started


def duckdb_ingest_seconds(files: ChartFiles, folder: Path, clock: Clock) -> float:
    """DuckDB's read_csv of the same files straight into Parquet: no validation, no ids,
    no merge — what reading and writing the bytes costs."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    started = clock()
    con.execute(
        f"copy (select * from read_csv($files, header = true, filename = true)) "
        f"to '{folder / 'daily.parquet'}' (format parquet)",
        {"files": [str(p) for p in files.daily]},
    )
    con.execute(
        f"copy (select * from read_csv($file, header = true)) "
        f"to '{folder / 'combined.parquet'}' (format parquet)",
        {"file": str(files.combined)},
    )
    took = clock() - started
    con.close()
    return took


def ingest_measurement(files: ChartFiles, kit_seconds: float, duckdb_seconds: float) -> Measurement:
    kit_rate = files.rows / kit_seconds
    duck_rate = files.rows / duckdb_seconds
    ratio = kit_rate / duck_rate
    return Measurement(
        "ingest",
        f"5. Ingest: {len(files.daily)} daily chart CSVs ({files.country}) + 1 combined file, "
        f"{files.rows:,} rows",
        f"kit {kit_rate:,.0f} rows/s ({secs(kit_seconds)}) · DuckDB read_csv → Parquet "
        f"{duck_rate:,.0f} rows/s ({secs(duckdb_seconds)})",
        f"kit rate ÷ DuckDB rate: {times(ratio)}",
        "≥ 0.5× DuckDB's rate",
        ratio >= 0.5,
        values={
            "kit_rows_per_s": kit_rate,
            "duckdb_rows_per_s": duck_rate,
            "ratio": ratio,
            "rows": files.rows,
        },
    )

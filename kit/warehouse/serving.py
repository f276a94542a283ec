"""The serving layer: per platform × month, the figures of breakdowns and audience summaries
that add up month by month, computed by the SQL of kit/sql/ from the base tables and
committed in the same version as the base rows they come from.

- `track_day` (kit/sql/track_day_rows.sql: the counted values of track_values) and
  `chart_week` (chart_week_rows.sql: the weekly entries that stand) from chart_entries and
  track_streams, then `track_month` (track_month_rows.sql) from those. A month's rows
  depend on the base rows of the month before and after it too: a weekly value covers
  seven days, whether it counts depends on the daily values of the six days before it,
  and whether a weekly entry stands on the entries six days either side. So a commit that
  changes a base month recomputes that month and its two neighbours.
- `audience_month` (kit/sql/audience_month_rows.sql) from artist_audience: a month's rows
  depend on that month's points only.
- `artist_track_month` (kit/sql/artist_track_month_rows.sql): a whole month's breakdown
  rows per artist, from the month's track_month rows and the tracks' titles and credits.
  So it is recomputed with track_month, and also in every month holding a track whose
  title or credits a commit changes (`months_of_changed_tracks`).
- `artist_track_day` (kit/sql/artist_track_day_rows.sql): the month's track_day and
  chart_week rows and daily chart entries, once per artist credited on the track, in the
  order one artist's rows are read in (the days of a period around its whole months). It
  is recomputed with track_day, and in every month holding a track whose credits change.
- `artist_track_movers` (kit/sql/artist_track_movers_rows.sql): each whole month's movers
  against the month before, per artist, from artist_track_month's rows of the two months.
  So it is recomputed in each month whose artist_track_month rows are, and in the month
  after (`FOLLOWS`).

Each commit (`maintain`, called by kit.warehouse.transaction before its commit point)
recomputes the months its staged base files touch, on the staged state, and stages the
results into the same commit: a reader sees base and serving rows of one version, or of
the one before, never a mix. A version records the serving layer's format (`serving`);
one without it (written by an earlier kit, or adopted from one) has none, its readers
answer from the base tables, and its writes keep it so until `rebuild` recomputes it all.

A load written in several commits (a large file, kit/sources/ingest/batch.py) pays the
layer once, at its last: its commits before that defer their months, and their versions
record them as stale (`stale_months`, with the format of the layer that is current but
for them) and have serving 0, so their readers answer from the base tables. The next
commit that does not defer, the load's last or, if the load died halfway, any later
writer's, recomputes its own months and the stale ones, and its version is served again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import tempfile
from collections.abc import Callable, Iterable, Iterator

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..duckdb_sql import base_view_sql, connect_files, sql_string
from ..schema import BASE_VIEWS, TABLES
from .layout import partition_rel
from .merge import sorted_rows
from .versions import SPILL_PREFIX, snapshot_of, versions_dir

# Bumped when what the serving tables hold changes: a version of another format has none.
# 2: artist_track_month.
# 3: artist_track_day, artist_track_movers
# 4: artist_track_day a row per artist × track × day, its facts side by side (format 3: a row
#    per fact)
SERVING_FORMAT = 4

# serving table: (its macro of kit/sql/, the base tables it comes from, months either side
# a base month's rows reach, whether its macro computes several consecutive months in one
# statement, from a first day to a last day, with a leading month column). In stages:
# track_month and artist_track_day are computed from the track_day and chart_week rows
# staged before them, artist_track_month from track_month's, artist_track_movers from
# artist_track_month's. A month's track_month and
# audience_month rows are figures over the month as a period, one statement each.
SERVING = {
    "track_day": ("track_day_rows", ("chart_entries", "track_streams"), 1, True),
    "chart_week": ("chart_week_rows", ("chart_entries",), 1, True),
    "audience_month": ("audience_month_rows", ("artist_audience",), 0, False),
    "track_month": ("track_month_rows", ("chart_entries", "track_streams"), 1, False),
    "artist_track_month": ("artist_track_month_rows", ("chart_entries", "track_streams"), 1, True),
    "artist_track_day": ("artist_track_day_rows", ("chart_entries", "track_streams"), 1, True),
    "artist_track_movers": (
        "artist_track_movers_rows",
        ("chart_entries", "track_streams"),
        2,
        True,
    ),
}
# serving table: (the serving table its rows come from, the months after one of its months
# whose rows it changes). A month's movers compare its artist_track_month rows with the
# month before's: its months are artist_track_month's and the months after them, whatever
# the base months (the reach above bounds them and sizes its statements).
FOLLOWS = {"artist_track_movers": ("artist_track_month", 1)}
# Base rows one statement over several months reads at most: about a month of the
# benchmark's big file (71 daily charts of 200), so a statement's memory stays what one
# month's needs, whatever the file's size, while a run of small months is one statement.
SPAN_ROWS = 500_000
# ... but a statement of these tables reads the months' rows of a serving table, not their
# base rows: about a twentieth of them (the benchmark's big file: 19 k track_month rows a
# month of 426 k base rows), so months of this many times SPAN_ROWS base rows share one.
# artist_track_day's rows are about its base rows, but its statement pays a part of its
# cost once (the credits ranked, the sort set up): two months of the big file in one
# statement took about a fifth less CPU than in two.
SPAN_SCALE = {"artist_track_month": 10, "artist_track_movers": 10, "artist_track_day": 2}
# DuckDB's memory for the serving statements of a commit, on their connection alone (its
# own database: readers' connections keep DuckDB's default). Without it, DuckDB keeps
# much of what a statement freed for the next one, so a load's peak grew with its number
# of statements (the benchmark's big file, 24 months: 150-300 MB kept between them, a
# peak of luck); at the bound, DuckDB hands what it freed back to the system before it
# takes more, and a statement over it spills to a temporary folder. A month of the big
# file, bounded so, raised the process's peak by about 300 MB, the full file's as its
# tenth's, for no measurable CPU (bench/README.md).
SERVING_MEMORY = "256MB"
# Rows per record batch of a statement's streamed result: a multiple of every serving
# table's row group size (kit/warehouse/commit.py), so whole groups are written as the
# batches come.
STREAM_ROWS = 131_072
# Whether a platform's months, from the first day of the first to the first day of the
# last ($2, $3), hold no own series (nor the six days before them) and no weekly chart
# entry: then track_values over them is the daily chart's values alone.
_CHARTS_ONLY = """
select not exists (
    select 1 from track_streams
    where platform = lower($1)
      and month between strftime(cast($2 as date) - interval 6 day, '%Y-%m')
                    and strftime(cast($3 as date), '%Y-%m')
      and date between cast(cast($2 as date) - interval 6 day as date)
                   and last_day(cast($3 as date))
) and not exists (
    select 1 from chart_entries
    where platform = lower($1)
      and month between strftime(cast($2 as date), '%Y-%m') and strftime(cast($3 as date), '%Y-%m')
      and frequency = 'weekly'
)
"""
# Whether a platform's month (first day $2 = $3) holds no own series and no weekly chart
# entry is dated in it or in the six days after it: then its counted values are the daily
# chart's and no weekly entry stands near it.
_DAILY_MONTH = """
select not exists (
    select 1 from track_streams
    where platform = lower($1)
      and month = strftime(cast($2 as date), '%Y-%m')
      and date between cast($2 as date) and last_day(cast($3 as date))
) and not exists (
    select 1 from chart_entries
    where platform = lower($1)
      and month between strftime(cast($2 as date), '%Y-%m')
                    and strftime(last_day(cast($3 as date)) + interval 6 day, '%Y-%m')
      and frequency = 'weekly'
      and date between cast($2 as date)
                   and cast(last_day(cast($3 as date)) + interval 6 day as date)
)
"""
# serving table: (a macro of kit/sql/ giving its rows of a statement's months when the
# statement below finds them simpler, that statement, the keys the macro's rows must come
# in order of, if it leaves them unsorted). The same rows as the table's own macro there
# (each macro's header says why): a shortcut of the benchmark's big file, daily charts
# alone, whose months have neither own series nor weekly entries.
SHORTCUTS = {
    "track_day": ("track_day_chart_rows", _CHARTS_ONLY, ("month", "country", "track_id", "date")),
    "track_month": ("track_month_chart_rows", _DAILY_MONTH, ()),
    "artist_track_day": ("artist_track_day_chart_rows", _CHARTS_ONLY, ()),
}
# serving table: the columns its shortcut's rows, which the macro leaves unsorted, are
# sorted by here (merge.sorted_rows), the first a month's first day: whole numbers in the
# order of the table's own macro. DuckDB's sort of artist_track_day's rows, a month's text,
# a country's, an artist's and a track's and a day per row and the rows' other columns
# carried along, took about two thirds of its statement's CPU; these are numbered and
# sorted in a few passes, and the statement's rows are held whole meanwhile (two months of
# the benchmark's big file: about 930 k rows, 140 MB in Arrow).
SORTED_HERE = {"artist_track_day": ("month_day", "country", "credit", "date")}
# serving table: a statement whose true says the table's macro gives no row over a
# platform's months (first days $2, $3), whose statement is then not run: chart_week holds
# the weekly entries dated in its months (the benchmark's big file, daily charts alone,
# had 24 statements of none).
NONE_WHEN = {
    "chart_week": """
select not exists (
    select 1 from chart_entries
    where platform = lower($1)
      and month between strftime(cast($2 as date), '%Y-%m') and strftime(cast($3 as date), '%Y-%m')
      and frequency = 'weekly'
      and date between cast($2 as date) and last_day(cast($3 as date))
)
"""
}
STAGES = (
    ("track_day", "chart_week", "audience_month"),
    ("track_month", "artist_track_day"),
    ("artist_track_month",),
    ("artist_track_movers",),
)

# The dimension columns artist_track_month's rows carry (artist_track_day's, the credits):
# a change to one of them changes the rows of every month holding the track.
TRACK_DIMENSIONS = {
    "tracks": ("track_id", "title"),
    "track_credits": ("track_id", "artist_id", "role"),
}

Month = tuple[str, str]  # (platform, 'YYYY-MM')


def partition_month(rel_or_partition: str) -> Month:
    parts = dict(p.split("=", 1) for p in rel_or_partition.split("/") if "=" in p)
    return parts["platform"], parts["month"]


def _shift(month: str, by: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + mon - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_touched(txn) -> dict[str, set[Month]]:
    """Per serving table, the platform × months a commit must recompute: those whose base
    files it adds or removes, and their neighbours as far as a base month's rows reach."""
    out: dict[str, set[Month]] = {}
    for table, (_, bases, reach, _) in SERVING.items():
        found: set[Month] = set()
        for base in bases:
            for rel in (*txn.added[base], *txn.removed[base]):
                platform, month = partition_month(rel)
                found.update((platform, _shift(month, d)) for d in range(-reach, reach + 1))
        out[table] = found
    changed = months_of_changed_tracks(txn)
    out["artist_track_month"] |= changed
    # a month's day facts are filed under its tracks' credited artists; a track with a
    # fact in a month has a track_month row there, so the same months hold them
    out["artist_track_day"] |= changed
    return _followed(out)


def _followed(months: dict[str, set[Month]]) -> dict[str, set[Month]]:
    """`months` with those of each table of FOLLOWS made its source's and the months after."""
    for table, (source, after) in FOLLOWS.items():
        months[table] = {
            (platform, _shift(month, d))
            for platform, month in months.get(source, ())
            for d in range(after + 1)
        }
    return months


def months_of_changed_tracks(txn) -> set[Month]:
    """The platform × months of track_month that hold a track whose title or credits the
    commit changes (TRACK_DIMENSIONS): rows in the base version's dimension files and not
    in the staged ones, or the other way round."""
    if not any(txn.added[t] or txn.removed[t] for t in TRACK_DIMENSIONS):
        return set()
    staged = txn.snapshot()
    before = snapshot_of(txn.root, txn.base) if txn.base is not None else None
    # a bare connection: only track_month's view is read, none of kit/sql/
    con = duckdb.connect()
    con.execute(base_view_sql(BASE_VIEWS["track_month"], staged.paths("track_month")))
    try:
        changed = []
        for table, columns in TRACK_DIMENSIONS.items():
            old = _rows_sql(before.paths(table) if before else [], columns)
            new = _rows_sql(staged.paths(table), columns)
            changed.append(f"(({old} except {new}) union all ({new} except {old}))")
        rows = con.sql(
            "select distinct platform, month from track_month where track_id in ("
            + " union all ".join(f"select track_id from {c}" for c in changed)
            + ")"
        ).fetchall()
    finally:
        con.close()
    return {(platform, month) for platform, month in rows}


def _rows_sql(files: list, columns: tuple[str, ...]) -> str:
    """The rows of `columns` in exactly `files` (none: no rows)."""
    if not files:
        nulls = ", ".join(f'cast(null as varchar) as "{c}"' for c in columns)
        return f"select {nulls} where false"
    listed = ", ".join(sql_string(str(f)) for f in files)
    return f"select {', '.join(columns)} from read_parquet([{listed}])"


def months_stored(txn) -> dict[str, set[Month]]:
    """Per serving table, every platform × month its base tables hold in the staged state,
    and the neighbours their rows reach."""
    out: dict[str, set[Month]] = {}
    for table, (_, bases, reach, _) in SERVING.items():
        found: set[Month] = set()
        for base in bases:
            for partition in txn.partitions(base):
                platform, month = partition_month(partition)
                found.update((platform, _shift(month, d)) for d in range(-reach, reach + 1))
        out[table] = found
    return _followed(out)


def refresh(
    txn,
    months: dict[str, set[Month]],
    progress: Callable[[Iterable], Iterable] | None = None,
) -> None:
    """Recompute the serving rows of `months` from the staged state and stage them into
    the same commit (a month left without rows loses its partition). A table whose macro
    takes several months computes each platform's run of consecutive months in one
    statement, and its rows are filed month by month."""

    def base_rows(table: str, month: Month) -> int:
        partition = partition_rel(*month)
        return sum(
            pq.read_metadata(path).num_rows
            for base in SERVING[table][1]
            for path in txn.partition_files(base, partition)
        )

    work = [
        (t, p, run)
        for stage in STAGES
        for t in stage
        for p, run in month_runs(
            months.get(t, ()),
            (lambda m, t=t: base_rows(t, m) // SPAN_SCALE.get(t, 1)) if SERVING[t][3] else None,
        )
    ]
    if not work:
        return
    done: set[str] = set()
    con = None
    # DuckDB spills inside the warehouse, where the next writer's recovery removes what a
    # killed one left (kit/warehouse/vacuum.py, SPILL_PREFIX)
    spill = tempfile.TemporaryDirectory(prefix=SPILL_PREFIX, dir=versions_dir(txn.root))
    try:
        for table, platform, run in progress(work) if progress else work:
            if con is None:
                snap = txn.snapshot()
                # serving files of another format are not read: rebuild recomputes them all
                current = txn.base is not None and SERVING_FORMAT in (txn.base.serving, txn.base.stale_format)  # fmt: skip
                con = connect_files(snap.view_paths(current))
                con.execute("set enable_progress_bar = false")
                con.execute(f"set temp_directory = {sql_string(spill.name)}")
                con.execute(f"set memory_limit = '{SERVING_MEMORY}'")
            elif any(t in done for t in _before(table)):
                # the views of the tables staged since are pointed at their staged files (as
                # a new connection would be, without reading kit/sql/ again)
                snap = txn.snapshot()
                for name in done:
                    con.execute(base_view_sql(BASE_VIEWS[name], snap.paths(name)))
                done.clear()
            try:
                _stage_run(txn, con, table, platform, run)
            except duckdb.OutOfMemoryException:
                # a statement DuckDB cannot fit in the bound, even spilling: run unbounded
                con.execute("reset memory_limit")
                _stage_run(txn, con, table, platform, run)
                con.execute(f"set memory_limit = '{SERVING_MEMORY}'")
            done.add(table)
    finally:
        if con is not None:
            con.close()
        spill.cleanup()


def _stage_run(
    txn, con: duckdb.DuckDBPyConnection, table: str, platform: str, run: list[str]
) -> None:
    """One statement's months of `table` computed and staged. Its result is streamed in
    record batches, month by month (a statement over several months orders its rows by
    month), to the writer thread: memory holds the statement's own working state and a
    few batches, never the whole result (nor a copy of it in Arrow), whatever the months'
    size; a large load's peak of memory is one of these statements. Months a table's
    shortcut fits (SHORTCUTS) are computed by it; if its unsorted rows come out of order,
    the months are computed again by the table's own macro; a shortcut whose rows are
    sorted here (SORTED_HERE) holds its statement's result, a few months' at most
    (SPAN_SCALE). A table's months whose rows NONE_WHEN finds none run no statement."""
    macro = SERVING[table][0]
    start = dt.date(int(run[0][:4]), int(run[0][5:7]), 1)
    end = dt.date(int(run[-1][:4]), int(run[-1][5:7]), 1)
    empty = NONE_WHEN.get(table)
    if empty and con.sql(empty, params=[platform, start, end]).fetchall()[0][0]:
        for month in run:
            txn.drop(table, partition_rel(platform, month))
        return
    shortcut = SHORTCUTS.get(table)
    if shortcut and con.sql(shortcut[1], params=[platform, start, end]).fetchall()[0][0]:
        try:
            sort = SORTED_HERE.get(table, ())
            _stage_rows(txn, con, table, platform, run, shortcut[0], start, end, shortcut[2], sort)
            return
        except _OutOfOrder:
            pass
    _stage_rows(txn, con, table, platform, run, macro, start, end)


def _stage_rows(
    txn,
    con: duckdb.DuckDBPyConnection,
    table: str,
    platform: str,
    run: list[str],
    macro: str,
    start: dt.date,
    end: dt.date,
    order: tuple[str, ...] = (),
    sort: tuple[str, ...] = (),
) -> None:
    """`_stage_run` of one statement: `macro` over the run's months (of one month, if the
    table's statements are), its rows checked to come in `order`, if given, or held and
    sorted by `sort`."""
    spans = SERVING[table][3]
    if spans:
        rows = con.sql(
            f"select * from {macro}(?, ?, last_day(cast(? as date)))",
            params=[platform, start, end],
        )
    else:
        rows = con.sql(f"select * from {macro}(?, ?)", params=[platform, start])
    names = TABLES[table].file_schema.names
    staged = set()
    # closed however the batches end: the connection runs no other statement until then
    with rows.to_arrow_reader(STREAM_ROWS) as reader:
        if sort:
            pieces = _sorted_pieces(reader.read_all(), names, sort)
        else:
            batches = _in_order(reader, order) if order else reader
            pieces = _month_pieces(batches, None if spans else run[0])
        for month, month_batches in itertools.groupby(pieces, key=operator.itemgetter(0)):
            txn.replace_batches(
                table, partition_rel(platform, month), (b.select(names) for _, b in month_batches)
            )
            staged.add(month)
    for month in run:
        if month not in staged:
            txn.drop(table, partition_rel(platform, month))


class _OutOfOrder(Exception):
    """A shortcut's rows did not come in the order the table's files are sorted in."""


def _in_order(batches: Iterable[pa.RecordBatch], keys: tuple[str, ...]) -> Iterator[pa.RecordBatch]:
    """The batches, raising _OutOfOrder at the first row not strictly after the one before
    it by `keys` (compared in order, as DuckDB's `order by` compares them)."""
    last = None
    for batch in batches:
        if not batch.num_rows:
            continue
        columns = [batch.column(k) for k in keys]
        if any(c.null_count for c in columns):
            raise _OutOfOrder
        first = tuple(c[0].as_py() for c in columns)
        if last is not None and not last < first:
            raise _OutOfOrder
        if batch.num_rows > 1:
            before = [c.slice(0, batch.num_rows - 1) for c in columns]
            after = [c.slice(1) for c in columns]
            # strictly after: greater on a key, equal on every key before it
            later = pc.less(before[-1], after[-1])
            for b, a in zip(reversed(before[:-1]), reversed(after[:-1]), strict=True):
                later = pc.or_(pc.less(b, a), pc.and_(pc.equal(b, a), later))
            if not pc.all(later, skip_nulls=False).as_py():
                raise _OutOfOrder
        last = tuple(c[-1].as_py() for c in columns)
        yield batch


def _sorted_pieces(
    rows: pa.Table, names: list[str], keys: tuple[str, ...]
) -> Iterator[tuple[str, pa.RecordBatch]]:
    """(month, rows) of a statement's rows sorted by `keys`, the first a month's first day
    (a stable sort: rows equal on every key, the same row repeated, stay as they are)."""
    kept = list(dict.fromkeys((*names, *keys)))
    rows = sorted_rows(rows.select(kept), [(k, "ascending") for k in keys])
    runs = pc.run_end_encode(rows.column(keys[0]).combine_chunks())
    offset = 0
    for first, end in zip(runs.values.to_pylist(), runs.run_ends.to_pylist(), strict=True):
        for batch in rows.slice(offset, end - offset).to_batches(STREAM_ROWS):
            yield f"{first:%Y-%m}", batch
        offset = end


def _month_pieces(
    batches: Iterable[pa.RecordBatch], month: str | None
) -> Iterator[tuple[str, pa.RecordBatch]]:
    """(month, rows) of a statement's batches: each batch cut where its leading `month`
    column ('YYYY-MM', by which the rows are ordered) changes; all of `month`'s, when
    given (a statement of one month, without the column)."""
    for batch in batches:
        if not batch.num_rows:
            continue
        if month is not None:
            yield month, batch
            continue
        runs = pc.run_end_encode(batch.column("month"))
        offset = 0
        for value, end in zip(runs.values.to_pylist(), runs.run_ends.to_pylist(), strict=True):
            yield value, batch.slice(offset, end - offset)
            offset = end


def month_runs(
    months: Iterable[Month], base_rows: Callable[[Month], int] | None = None
) -> list[tuple[str, list[str]]]:
    """(platform, its months in order) for each run of consecutive months of one platform
    in `months` whose base tables hold at most SPAN_ROWS rows together (a month over it
    runs alone); without `base_rows`, a run per month."""
    runs: list[tuple[str, list[str]]] = []
    held = 0
    for platform, month in sorted(months):
        rows = base_rows((platform, month)) if base_rows else SPAN_ROWS + 1
        if (
            runs
            and runs[-1][0] == platform
            and _shift(runs[-1][1][-1], 1) == month
            and held + rows <= SPAN_ROWS
        ):
            runs[-1][1].append(month)
            held += rows
        else:
            runs.append((platform, [month]))
            held = rows
    return runs


def _before(table: str) -> tuple[str, ...]:
    """The serving tables of the stages before `table`'s."""
    for i, stage in enumerate(STAGES):
        if table in stage:
            return tuple(t for earlier in STAGES[:i] for t in earlier)
    return ()


def maintain(txn, defer: bool = False) -> None:
    """Keep the serving layer of a commit: recompute the months its base changes touch and
    those its base version left stale, when that version's layer is current but for them
    (or there is none yet). `defer`: record those months as stale instead (serving 0:
    readers answer from the base tables), for the next commit to recompute."""
    months = months_touched(txn)
    base = txn.base
    if base is not None and base.serving != SERVING_FORMAT:
        if base.stale_format != SERVING_FORMAT:  # none, or one of another format
            txn.serving, txn.stale_format, txn.stale_months = 0, 0, {}
            return
        for table, stale in base.stale_months.items():
            months.setdefault(table, set()).update(stale)
    if defer and any(months.values()):
        txn.serving, txn.stale_format = 0, SERVING_FORMAT
        txn.stale_months = {t: tuple(sorted(m)) for t, m in months.items() if m}
        return
    refresh(txn, months)
    mark_current(txn)


def mark_current(txn) -> None:
    """The commit's serving layer is whole and current."""
    txn.serving, txn.stale_format, txn.stale_months = SERVING_FORMAT, 0, {}

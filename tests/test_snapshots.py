"""Snapshot reads: every reader answers from one committed version while writers commit,
never writes, and finds its files until the grace period after its version was replaced.

The two known states, A and B, are in tests/snapshot_states.py; their answers are worked
out here by hand."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from snapshot_states import DAYS, PERIOD, answer, tables, write_state

from kit import Query, QueryError, cli, db, warehouse
from kit.query import catalogue
from kit.report import ReportSpec, run_reports
from kit.schema import SERVING_TABLES, TABLES

STATES_SCRIPT = Path(__file__).with_name("snapshot_states.py")

# Query("Alba", 2026-08-31:2026-09-01, IT): each track's streams over both days (t3 from its
# own series), and her monthly listeners on the first and the last day
ANSWER_A = {
    "platforms": ["spotify"],
    "tracks": {"t1": 100 + 200, "t2": 10 + 20, "t3": 5 + 6},
    "listeners": [1000, 1100],
}
ANSWER_B = {
    "platforms": ["spotify"],
    "tracks": {"t1": 1000 + 2000, "t2": 1 + 2, "t3": 50 + 60},
    "listeners": [2000, 2500],
}


def _every_file(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(STATES_SCRIPT), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _wait_for_lines(paths: list[Path], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not all(_lines(p) for p in paths):
        assert time.monotonic() < deadline, "a reader never answered"
        time.sleep(0.2)


def test_the_two_states_give_the_answers_worked_out_by_hand(empty_warehouse):
    write_state(empty_warehouse, "A")
    assert answer(empty_warehouse) == ANSWER_A
    write_state(empty_warehouse, "B")
    assert answer(empty_warehouse) == ANSWER_B


def test_readers_answer_from_one_whole_state_while_a_writer_commits_100_loads(
    empty_warehouse, tmp_path
):
    write_state(empty_warehouse, "A")
    stop = tmp_path / "stop"
    outputs = [tmp_path / f"reader-{i}.jsonl" for i in range(2)]
    readers = [_start("read", str(empty_warehouse), str(out), str(stop)) for out in outputs]
    try:
        _wait_for_lines(outputs)
        first = warehouse.current_version(empty_warehouse)
        for i in range(100):
            write_state(empty_warehouse, "BA"[i % 2])
        assert warehouse.current_version(empty_warehouse) == first + 100
        time.sleep(0.5)  # the readers answer once more from the last state
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=120)
    lines = [line for out in outputs for line in _lines(out)]
    errors = [line["error"] for line in lines if "error" in line]
    assert errors == []
    answers = [line["answer"] for line in lines]
    assert all(a in (ANSWER_A, ANSWER_B) for a in answers), [
        a for a in answers if a not in (ANSWER_A, ANSWER_B)
    ]
    assert ANSWER_A in answers and ANSWER_B in answers
    assert len(answers) >= 10


def _workbook_figures(path: Path) -> dict:
    tracks = pd.read_excel(path, sheet_name="Track Breakdown")
    audience = pd.read_excel(path, sheet_name="Summary")
    return {
        "tracks": dict(zip(tracks["track_id"], tracks["total_streams"].astype(int), strict=True)),
        "listeners": int(
            audience.loc[audience["metric"] == "monthly_listeners", "end_value"].iloc[0]
        ),
    }


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_report_run_during_an_ingest_finishes_and_shows_one_state(empty_warehouse, tmp_path):
    write_state(empty_warehouse, "A")
    stop = tmp_path / "stop"
    writer = _start("write", str(empty_warehouse), str(stop))
    try:
        spec = ReportSpec(("Alba",), "2026-09", country="IT")
        (result,) = run_reports([spec], output=tmp_path / "reports", warehouse=empty_warehouse)
        written_meanwhile = warehouse.current_version(empty_warehouse)
    finally:
        stop.touch()
        writer.wait(timeout=120)
    assert result.ok, result.error
    assert written_meanwhile > 2  # the writer committed while the report ran
    figures = _workbook_figures(spec.folder(tmp_path / "reports") / f"{spec.stem}.xlsx")
    # September only: 1 September of each state
    assert figures in (
        {"tracks": {"t1": 200, "t2": 20, "t3": 6}, "listeners": 1100},
        {"tracks": {"t1": 2000, "t2": 2, "t3": 60}, "listeners": 2500},
    )


def test_reading_writes_nothing_even_after_an_interrupted_write(empty_warehouse):
    write_state(empty_warehouse, "A")
    script = (
        "import sys; sys.path.insert(0, sys.argv[2]); from snapshot_states import write_state; "
        "from pathlib import Path; write_state(Path(sys.argv[1]), 'B')"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script, str(empty_warehouse), str(STATES_SCRIPT.parent)],
        env={**os.environ, "CHARTROOM_FAILPOINT": "publishing"},
        capture_output=True,
    )
    assert killed.returncode == -9
    files = _every_file(empty_warehouse)
    assert answer(empty_warehouse) == ANSWER_B
    assert warehouse.read_table("track_streams", empty_warehouse)["streams"].to_pylist() == [50, 60]
    assert warehouse.state(empty_warehouse)
    assert _every_file(empty_warehouse) == files


def _load_in_another_process(root: Path, state: str) -> None:
    subprocess.run([sys.executable, str(STATES_SCRIPT), "load", str(root), state], check=True)


def test_a_held_query_answers_from_its_version_until_it_asks_for_fresh_data(empty_warehouse):
    write_state(empty_warehouse, "A")
    held = Query("Alba", PERIOD, country="IT", warehouse=empty_warehouse)
    _load_in_another_process(empty_warehouse, "B")
    assert answer(empty_warehouse, held) == ANSWER_A
    fresh = Query("Alba", PERIOD, country="IT", warehouse=empty_warehouse)
    assert fresh.version == held.version + 1
    assert answer(empty_warehouse, fresh) == ANSWER_B
    assert answer(empty_warehouse, held.refresh()) == ANSWER_B
    assert answer(empty_warehouse, held.replace(country="it")) == ANSWER_B
    assert answer(empty_warehouse, held) == ANSWER_A


def test_a_commit_by_another_process_makes_the_kept_catalogue_give_way(empty_warehouse):
    write_state(empty_warehouse, "A")
    assert catalogue(empty_warehouse).artists == (("alba", "Alba"),)
    with pytest.raises(QueryError, match=r"^Unknown artist 'Bruno'\.$"):
        Query("Bruno", PERIOD, country="IT", warehouse=empty_warehouse)
    bruno = (
        "import sys, datetime as dt, pandas as pd; from kit import warehouse; "
        "warehouse.write({'artists': pd.DataFrame({'artist_id': ['bruno'], 'name': ['Bruno']}), "
        "'artist_audience': pd.DataFrame({'date': [dt.date(2026, 9, 1)], 'platform': 'deezer', "
        "'country': 'IT', 'artist_id': 'bruno', 'metric': 'followers', 'value': [7], "
        "'source': 'test'})}, source='test', warehouse=sys.argv[1])"
    )
    subprocess.run([sys.executable, "-c", bruno, str(empty_warehouse)], check=True)
    assert catalogue(empty_warehouse).artists == (("alba", "Alba"), ("bruno", "Bruno"))
    assert catalogue(empty_warehouse).platforms == ("spotify", "deezer")
    q = Query("Bruno", PERIOD, country="IT", warehouse=empty_warehouse)
    assert q.platform_slugs == ("deezer",)


def test_the_catalogue_of_an_empty_warehouse_has_no_platforms_countries_or_dates(
    empty_warehouse,
):
    found = catalogue(empty_warehouse)
    assert (found.artists, found.platforms, found.countries) == ((), (), ())
    assert (found.first_date, found.last_date) == (None, None)


def test_the_kept_catalogue_gives_another_process_s_countries_and_dates(empty_warehouse):
    write_state(empty_warehouse, "A")
    before = catalogue(empty_warehouse)
    assert (before.countries, before.first_date, before.last_date) == (("IT",), *DAYS)
    later = (
        "import sys, datetime as dt, pandas as pd; from kit import warehouse; "
        "warehouse.write({'artist_audience': pd.DataFrame({'date': [dt.date(2026, 9, 5)], "
        "'platform': 'deezer', 'country': 'FR', 'artist_id': 'alba', 'metric': 'followers', "
        "'value': [7], 'source': 'test'})}, source='test', warehouse=sys.argv[1])"
    )
    subprocess.run([sys.executable, "-c", later, str(empty_warehouse)], check=True)
    after = catalogue(empty_warehouse)
    assert after.countries == ("FR", "IT")
    assert (after.first_date, after.last_date) == (DAYS[0], dt.date(2026, 9, 5))
    assert after.platforms == ("spotify", "deezer")


def test_a_query_naming_its_platforms_sees_data_another_process_committed_on_them(
    empty_warehouse,
):
    write_state(empty_warehouse, "A")
    refusal = (
        r"^No data for Alba on deezer in IT from 2026-08-31 to 2026-09-01\. The warehouse "
        r"has data for them in IT from 2026-08-31 to 2026-09-01\.$"
    )
    with pytest.raises(QueryError, match=refusal):
        Query("Alba", PERIOD, platforms=["deezer"], country="IT", warehouse=empty_warehouse)
    deezer = (
        "import sys, datetime as dt, pandas as pd; from kit import warehouse; "
        "warehouse.write({'artist_audience': pd.DataFrame({'date': [dt.date(2026, 9, 1)], "
        "'platform': 'deezer', 'country': 'IT', 'artist_id': 'alba', 'metric': 'followers', "
        "'value': [7], 'source': 'test'})}, source='test', warehouse=sys.argv[1])"
    )
    subprocess.run([sys.executable, "-c", deezer, str(empty_warehouse)], check=True)
    q = Query("Alba", PERIOD, platforms=["deezer"], country="IT", warehouse=empty_warehouse)
    assert q.platform_slugs == ("deezer",)
    assert Query("Alba", PERIOD, country="IT", warehouse=empty_warehouse).platform_slugs == (
        "spotify",
        "deezer",
    )


def test_a_query_naming_its_platforms_reads_nothing_once_every_platform_is_known(
    empty_warehouse, monkeypatch
):
    write_state(empty_warehouse, "A")
    Query("Alba", PERIOD, country="IT", warehouse=empty_warehouse)  # every platform with data
    reads = []
    real_cursor = db.cursor
    monkeypatch.setattr(db, "cursor", lambda *a, **k: reads.append(1) or real_cursor(*a, **k))
    q = Query("Alba", PERIOD, platforms=["spotify"], country="IT", warehouse=empty_warehouse)
    assert q.platform_slugs == ("spotify",)
    assert reads == []


def test_building_the_same_query_again_on_one_version_reads_nothing(empty_warehouse, monkeypatch):
    write_state(empty_warehouse, "A")

    def build_all() -> Query:
        with pytest.raises(QueryError, match=r"^No data for Alba on deezer in IT from 2026-08-31"):
            Query("Alba", PERIOD, platforms=["deezer"], country="IT", warehouse=empty_warehouse)
        Query("Alba", PERIOD, platforms=["spotify"], country="IT", warehouse=empty_warehouse)
        return Query("Alba", PERIOD, country="IT", warehouse=empty_warehouse)

    build_all()
    reads = []
    real_cursor = db.cursor

    def counted(*args, **kwargs):
        reads.append(args or kwargs)
        return real_cursor(*args, **kwargs)

    monkeypatch.setattr(db, "cursor", counted)
    assert build_all().platform_slugs == ("spotify",)
    assert reads == []
    write_state(empty_warehouse, "B")  # a new version: read once more
    Query("Alba", PERIOD, country="IT", warehouse=empty_warehouse)
    assert len(reads) == 2  # the artists, then the platforms with data


def test_rows_computed_with_sql_over_the_staged_state_join_the_same_commit(empty_warehouse):
    """How a table derived from others (a serving layer) is kept by the write path: staged
    from SQL over the state the commit will have, before it is committed."""
    write_state(empty_warehouse, "A")
    before = warehouse.current_version(empty_warehouse)
    daily = "select date, sum(streams) as streams from chart_entries group by date order by date"
    with warehouse.transaction(empty_warehouse) as txn:
        txn.merge(
            TABLES["chart_entries"],
            warehouse.conform(TABLES["chart_entries"], tables("B")["chart_entries"]),
        )
        staged = db.connect(snapshot=txn.snapshot())
        # the staged state has B's chart; every reader still has version `before`, A's
        assert staged.execute(daily).fetchall() == [(DAYS[0], 1000 + 1), (DAYS[1], 2000 + 2)]
        assert db.cursor(empty_warehouse).execute(daily).fetchall() == [
            (DAYS[0], 100 + 10),
            (DAYS[1], 200 + 20),
        ]
        # a stand-in derived table: each day's chart streams, as a metric of the audience
        derived = staged.sql(
            f"select date, 'spotify' as platform, 'IT' as country, 'alba' as artist_id, "
            f"'chart_streams' as metric, streams as value, 'derived' as source from ({daily})"
        ).to_arrow_table()
        txn.merge(TABLES["artist_audience"], warehouse.conform(TABLES["artist_audience"], derived))
    assert warehouse.current_version(empty_warehouse) == before + 1
    assert db.cursor(empty_warehouse).execute(
        "select date, value from artist_audience where metric = 'chart_streams' order by date"
    ).fetchall() == [(DAYS[0], 1001), (DAYS[1], 2002)]


# ---------------------------------------------------------------- vacuum


def _store(root: Path) -> set[str]:
    return {str(p.relative_to(root / "_files")) for p in (root / "_files").rglob("*.parquet")}


def _listed(root: Path, version: int) -> set[str]:
    manifest = json.loads((root / "_versions" / f"{version:020d}.json").read_text())
    return {f"{table}/{rel}" for table, rels in manifest["tables"].items() for rel in rels}


def test_a_replaced_version_and_its_files_are_kept_for_the_grace_period_then_removed(
    empty_warehouse,
):
    write_state(empty_warehouse, "A")
    a = warehouse.current_version(empty_warehouse)
    a_files = _listed(empty_warehouse, a)
    write_state(empty_warehouse, "B")
    b = warehouse.current_version(empty_warehouse)
    assert _store(empty_warehouse) == a_files | _listed(empty_warehouse, b)

    kept = warehouse.vacuum(empty_warehouse, grace=dt.timedelta(seconds=3))
    assert (kept.versions_removed, kept.files_removed) == (0, 0)
    assert _store(empty_warehouse) == a_files | _listed(empty_warehouse, b)
    time.sleep(3.5)
    removed = warehouse.vacuum(empty_warehouse, grace=dt.timedelta(seconds=3))
    # A's six fact partitions and its ingest_log: B rewrote them all; and the serving
    # layer's months computed from them, which B recomputed
    serving = {f for f in a_files if f.split("/")[0] in SERVING_TABLES}
    assert serving and not serving & _listed(empty_warehouse, b)
    assert (removed.versions_removed, removed.files_removed) == (1, 7 + len(serving))
    assert _store(empty_warehouse) == _listed(empty_warehouse, b)
    assert sorted(p.name for p in (empty_warehouse / "_versions").iterdir()) == [f"{b:020d}.json"]


def test_a_reader_pinned_within_the_grace_period_still_answers(empty_warehouse):
    write_state(empty_warehouse, "A")
    pinned = warehouse.snapshot(empty_warehouse)
    for state in "BABA":
        write_state(empty_warehouse, state)
    write_state(empty_warehouse, "B")
    assert cli.main(["vacuum", "--grace", "1", "--warehouse", str(empty_warehouse)]) == 0
    con = db.cursor(snapshot=pinned)
    streams = "select sum(streams) from chart_entries where track_id = 't1'"
    assert con.execute(streams).fetchall() == [(300,)]
    assert db.cursor(empty_warehouse).execute(streams).fetchall() == [(3000,)]

    assert cli.main(["vacuum", "--grace", "0", "--warehouse", str(empty_warehouse)]) == 0
    with pytest.raises(
        warehouse.VersionGone, match=r"Version 1 of the warehouse .* no longer kept"
    ):
        db.cursor(snapshot=pinned)


def test_every_writer_expires_the_versions_replaced_before_the_grace_period(
    empty_warehouse, monkeypatch
):
    monkeypatch.setenv("CHARTROOM_VACUUM_GRACE_HOURS", "0")
    for state in "ABAB":
        write_state(empty_warehouse, state)
    last = warehouse.current_version(empty_warehouse)
    assert last == 4
    assert [p.name for p in (empty_warehouse / "_versions").iterdir()] == [f"{last:020d}.json"]
    assert _store(empty_warehouse) == _listed(empty_warehouse, last)


def test_a_grace_setting_that_is_not_a_number_of_hours_is_refused(empty_warehouse, monkeypatch):
    monkeypatch.setenv("CHARTROOM_VACUUM_GRACE_HOURS", "a day")
    with pytest.raises(
        ValueError, match=r"CHARTROOM_VACUUM_GRACE_HOURS='a day': expected a number"
    ):
        write_state(empty_warehouse, "A")


def test_kit_vacuum_refuses_a_negative_grace(empty_warehouse, capsys):
    assert cli.main(["vacuum", "--grace", "-1", "--warehouse", str(empty_warehouse)]) == 2
    assert "--grace must be 0 or more hours" in capsys.readouterr().err


# ---------------------------------------------------------------- the previous kit's warehouse


def _legacy_warehouse(root: Path) -> None:
    """State A as the previous kit left it: the public tree only, one file per partition."""
    from kit.schema import TABLES
    from kit.warehouse.merge import split_partitions

    for name, rows in tables("A").items():
        table = TABLES[name]
        conformed = warehouse.conform(table, rows)
        for partition, part in split_partitions(table, conformed):
            folder = root / name / partition
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(part, folder / f"part-{'0' * 31}{len(name) % 10}.parquet")


def test_a_warehouse_of_the_previous_kit_is_read_as_it_lies_and_adopted_by_the_first_write(
    empty_warehouse,
):
    _legacy_warehouse(empty_warehouse)
    files = _every_file(empty_warehouse)
    assert warehouse.current_version(empty_warehouse) == 0
    assert answer(empty_warehouse) == ANSWER_A
    assert _every_file(empty_warehouse) == files  # read, not adopted

    write_state(empty_warehouse, "B")
    assert warehouse.current_version(empty_warehouse) == 2  # 1: adopted as it was; 2: B
    assert answer(empty_warehouse) == ANSWER_B
    # version 1 lists the files the previous kit wrote, kept in the store for the grace period
    assert _listed(empty_warehouse, 1) == set(files)
    assert _listed(empty_warehouse, 1) <= _store(empty_warehouse)
    assert pq.read_table(empty_warehouse / "track_streams")["streams"].to_pylist() == [50, 60]


def test_a_journal_the_previous_kit_committed_is_rolled_forward_in_memory_by_readers(
    empty_warehouse,
):
    _legacy_warehouse(empty_warehouse)
    # the previous kit, killed after its commit point: B's own series staged as a pending
    # file, the journal renamed into place, nothing renamed or deleted yet
    folder = empty_warehouse / "track_streams" / "platform=spotify" / "month=2026-09"
    (old,) = [p.name for p in folder.glob("*.parquet")]
    stored = pq.read_table(folder / old)
    b_rows = stored.set_column(
        stored.schema.get_field_index("streams"), "streams", pa.array([60], pa.int64())
    )
    pending = ".part-feed.parquet.pending"
    pq.write_table(b_rows, folder / pending)
    journal = empty_warehouse / "_journal"
    journal.mkdir()
    (journal / "load.json").write_text(
        json.dumps(
            {
                "load_id": "load",
                "ops": [
                    {
                        "dir": "track_streams/platform=spotify/month=2026-09",
                        "pending": pending,
                        "final": f"part-{'f' * 32}.parquet",
                        "delete": [old],
                    }
                ],
            }
        )
    )
    files = _every_file(empty_warehouse)
    assert answer(empty_warehouse)["tracks"]["t3"] == 5 + 60
    assert _every_file(empty_warehouse) == files

    assert cli.main(["vacuum", "--warehouse", str(empty_warehouse)]) == 0
    assert not journal.exists()
    assert answer(empty_warehouse)["tracks"]["t3"] == 5 + 60
    assert sorted(pq.read_table(empty_warehouse / "track_streams")["streams"].to_pylist()) == [
        5,
        60,
    ]

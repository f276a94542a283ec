"""A file too large to hold: read and validated in chunks, written in several commits,
logged once at the end; refused whole, at the right line, when any chunk is bad.

The thresholds are lowered so that a file of a few hundred rows is "large": read in
blocks of 1 KB, validated 40 rows at a time, written 150 rows a commit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest
from chart_files import log, quoted, snapshot, write_bytes
from serving_checks import assert_serving_matches_base

from kit import warehouse
from kit.sources.ingest import batch, reading
from kit.sources.spotify_charts import load_spotify_charts

HEADER = ("title", "rank", "date", "artist", "url", "region", "chart", "trend", "streams")
REGIONS = ("Italy", "France")
DAYS = [f"2026-{m:02d}-{d:02d}" for m in (8, 9, 10) for d in (1, 11, 21, 28)]  # 12 days
TRACKS = 12  # per chart: 12 days × 2 regions × 12 tracks = 288 rows, lines 2 to 289


def _url(n: int) -> str:
    return f"https://open.spotify.com/track/{n:0>22}"


def _rows() -> list[list]:
    rows = []
    for day in DAYS:
        for region in REGIONS:
            for rank in range(1, TRACKS + 1):
                n = (rank * 7 + len(region)) % 15  # the same track on several charts
                title = f'Song "{n}", part {n % 3}'  # quotes and commas, as titles have
                rows.append([title, rank, day, f"Artist {n % 5}", _url(n), region, "top200",
                             "SAME_POSITION", 1000 - rank])  # fmt: skip
    return rows


def _file(path, rows) -> bytes:
    return write_bytes(path, ("\n".join(quoted(r) for r in [HEADER, *rows]) + "\n").encode())


@pytest.fixture
def small_limits(monkeypatch):
    _lower_limits(monkeypatch)


def _lower_limits(monkeypatch) -> None:
    for name in ("STREAM_BYTES", "BLOCK_BYTES", "HEAD_BYTES"):
        monkeypatch.setattr(reading, name, 1024)
    monkeypatch.setattr(reading, "CHUNK_ROWS", 40)
    monkeypatch.setattr(batch, "COMMIT_ROWS", 150)


@pytest.fixture
def commits(monkeypatch):
    """Each call of the write path: the tables it was given and whether it logged."""
    calls = []
    write = warehouse.write

    def counted(tables, **options):
        calls.append(({name: t.num_rows for name, t in tables.items()}, options.get("log")))
        return write(tables, **options)

    monkeypatch.setattr(warehouse, "write", counted)
    return calls


def _loaded_whole_and_in_chunks(tmp_path, monkeypatch, rows):
    """The file of `rows` loaded whole, then read in chunks (the same tables either way):
    the two warehouses."""
    path = _file(tmp_path / "combined.csv", rows)
    whole = tmp_path / "whole"
    assert load_spotify_charts(path, whole, progress=False).rows == 288
    _lower_limits(monkeypatch)
    chunked = tmp_path / "chunked"
    summary = load_spotify_charts(path, chunked, progress=False)
    assert (summary.loaded, summary.rows) == (1, 288)
    assert snapshot(chunked)["tables"] == snapshot(whole)["tables"]
    return whole, chunked


def test_a_file_read_in_chunks_loads_what_reading_it_whole_loads(tmp_path, monkeypatch):
    whole, chunked = _loaded_whole_and_in_chunks(tmp_path, monkeypatch, _rows())
    logged = log(chunked)
    assert list(logged["rows"]) == [288] == list(log(whole)["rows"])
    assert list(logged["rows_written"]) == list(log(whole)["rows_written"])


def test_a_file_out_of_date_order_read_in_chunks_loads_what_reading_it_whole_loads(
    tmp_path, monkeypatch
):
    # the last day first, and each chunk of 40 rows spans two months at the turn of a
    # month: kept by partition row by row, not as slices of the chunk
    path = _file(tmp_path / "combined.csv", _rows()[::-1])
    whole = tmp_path / "whole"
    assert load_spotify_charts(path, whole, progress=False).rows == 288
    _lower_limits(monkeypatch)
    chunked = tmp_path / "chunked"
    assert load_spotify_charts(path, chunked, progress=False).rows == 288
    assert snapshot(chunked)["tables"] == snapshot(whole)["tables"]


def test_it_is_written_in_several_commits_of_whole_months_and_logged_once_last(
    tmp_path, small_limits, commits
):
    path = _file(tmp_path / "combined.csv", _rows())
    summary = load_spotify_charts(path, tmp_path / "wh", progress=False)
    assert summary.ok
    # 96 rows a month (4 days × 2 regions × 12 tracks): months fill commits of up to 150
    # rows one whole month at a time, so 3 commits of 96 rows; the artists, tracks and
    # credits go with the first; then the ingest_log row alone
    assert [c[0].get("chart_entries", 0) for c in commits] == [96, 96, 96, 0]
    assert set(commits[0][0]) == {"chart_entries", "artists", "tracks", "track_credits"}
    assert [c[1] for c in commits[:3]] == [(), (), ()]
    assert len(commits[3][1]) == 1 and commits[3][0] == {}
    logged = log(tmp_path / "wh")
    assert list(logged["outcome"]) == ["ok"]
    assert list(logged["rows"]) == [288]
    # 288 chart entries, 5 artists, 14 tracks (every n of 0–14 but 6), 14 credits
    assert list(logged["rows_written"]) == [288 + 5 + 14 + 14] == [summary.rows_written]
    assert (summary.fact_rows, summary.fact_rows_written) == (288, 288)
    assert (summary.new_artists, summary.new_tracks) == (5, 14)


def test_a_track_repeated_in_a_later_chunk_is_refused_naming_both_lines(tmp_path, small_limits):
    rows = _rows()
    rows[250] = list(rows[3])  # line 252 repeats line 5's chart entry (another rank)
    rows[250][1] = 99
    path = _file(tmp_path / "combined.csv", rows)
    root = tmp_path / "wh"
    summary = load_spotify_charts(path, root, progress=False)
    assert [str(e) for e in summary.errors] == [
        f"{path}, line 252, field url: track {3:0>22} on the top chart of IT, "
        "2026-08-01 appears twice in this file (first on line 5)"
    ]
    assert not (root / "chart_entries").exists()
    assert list(log(root)["outcome"]) == ["failed"]


def test_a_bad_value_in_the_last_chunk_refuses_the_whole_file(tmp_path, small_limits):
    rows = _rows()
    rows[284][8] = "n/a"  # line 286, in the last chunk of 40 rows
    path = _file(tmp_path / "combined.csv", rows)
    root = tmp_path / "wh"
    summary = load_spotify_charts(path, root, progress=False)
    assert [str(e) for e in summary.errors] == [
        f"{path}, line 286, field streams: expected a whole number, got 'n/a'"
    ]
    assert snapshot(root)["files"] == []  # nothing of the file was written
    assert list(log(root)["outcome"]) == ["failed"]


def test_lines_are_counted_as_an_editor_shows_them_across_chunks(tmp_path, small_limits):
    rows = _rows()
    rows[10][0] = "A title\nover two lines"  # line 12 runs to line 13
    rows[200][1] = "first"  # data row 201: line 203
    path = _file(tmp_path / "combined.csv", rows)
    summary = load_spotify_charts(path, tmp_path / "wh", progress=False)
    assert [str(e) for e in summary.errors] == [
        f"{path}, line 203, field rank: expected a whole number, got 'first'"
    ]


def test_titles_over_several_lines_read_in_chunks_load_what_reading_the_file_whole_loads(
    tmp_path, monkeypatch
):
    # the file is first read as if no quoted field held a line break; a block that ends
    # inside such a field makes that reading fail, and the file is read again from the
    # first row not yet validated
    rows = _rows()
    for i in range(0, len(rows), 3):
        rows[i][0] = f"A title\nover\r\nthree lines {i}"
    _loaded_whole_and_in_chunks(tmp_path, monkeypatch, rows)


def test_a_byte_that_is_not_utf8_deep_in_the_file_is_refused_at_its_line(tmp_path, small_limits):
    text = ("\n".join(quoted(r) for r in [HEADER, *_rows()]) + "\n").encode()
    lines = text.split(b"\n")
    lines[260] = lines[260].replace(b"Artist", b"Artist\xe9", 1)  # line 261
    path = write_bytes(tmp_path / "combined.csv", b"\n".join(lines))
    summary = load_spotify_charts(path, tmp_path / "wh", progress=False)
    assert str(summary.errors[0]).startswith(
        f"{path}, line 261, field artist: the file is not UTF-8: byte 0xe9 is not valid UTF-8"
    )


def test_a_file_cut_inside_a_quoted_field_is_refused_at_its_last_line(tmp_path, small_limits):
    text = "\n".join(quoted(r) for r in [HEADER, *_rows()]) + "\n"
    path = write_bytes(tmp_path / "combined.csv", (text + '"Half a title,1,2026-10-28,Ar').encode())
    root = tmp_path / "wh"
    summary = load_spotify_charts(path, root, progress=False)
    assert [str(e) for e in summary.errors] == [
        f"{path}, line 290, field title: a quoted field is not closed: the file looks "
        "truncated at its last line"
    ]
    assert snapshot(root)["files"] == []


def test_a_large_file_loaded_before_is_a_duplicate_and_writes_nothing(
    tmp_path, small_limits, commits
):
    path = _file(tmp_path / "combined.csv", _rows())
    root = tmp_path / "wh"
    assert load_spotify_charts(path, root, progress=False).ok
    before = snapshot(root)
    commits.clear()
    again = load_spotify_charts(path, root, progress=False)
    assert (again.files, again.loaded, again.duplicates, again.rows) == (1, 0, 1, 0)
    assert commits == []
    assert snapshot(root) == before
    assert list(log(root)["outcome"]) == ["ok"]


def test_the_same_large_file_twice_in_one_call_is_loaded_once(tmp_path, small_limits, commits):
    first = _file(tmp_path / "a" / "combined.csv", _rows())
    second = _file(tmp_path / "b" / "combined.csv", _rows())
    root = tmp_path / "wh"
    summary = load_spotify_charts([first, second], root, progress=False)
    assert (summary.files, summary.loaded, summary.duplicates, summary.rows) == (2, 1, 1, 288)
    # the first file's 3 commits and its log row; nothing for the second
    assert [c[1] == () for c in commits] == [True, True, True, False]
    assert list(log(root)["file"]) == [str(first)]


def test_an_error_of_the_checksum_pass_reaches_the_caller(tmp_path, small_limits, monkeypatch):
    class FailingDigest:
        def update(self, block: bytes) -> None:
            raise OSError("the disk went away")

    path = _file(tmp_path / "combined.csv", _rows())
    root = tmp_path / "wh"
    # the reading module's own hashlib only: the warehouse hashes too
    monkeypatch.setattr(reading, "hashlib", types.SimpleNamespace(sha256=FailingDigest))
    with pytest.raises(OSError, match="the disk went away"):
        load_spotify_charts(path, root, progress=False)
    assert not (root / "chart_entries").exists()


# A load cut short: killed right after its first commit (CHARTROOM_FAILPOINT), with the
# same lowered thresholds as the tests above.
_CUT_SHORT = """
import sys
from kit.sources.ingest import batch, reading
from kit.sources.spotify_charts import load_spotify_charts
reading.STREAM_BYTES = reading.BLOCK_BYTES = reading.HEAD_BYTES = 1024
reading.CHUNK_ROWS, batch.COMMIT_ROWS = 40, 150
load_spotify_charts(sys.argv[1], sys.argv[2], progress=False)
"""


def cut_short(path, root) -> int:
    """Load `path` into `root` in a child process killed right after its first commit;
    the child's return code (-9)."""
    killed = subprocess.run(
        [sys.executable, "-c", _CUT_SHORT, str(path), str(root)],
        env={**os.environ, "CHARTROOM_FAILPOINT": "committed"},
        capture_output=True,
        check=False,
    )
    return killed.returncode


def test_a_load_cut_short_is_loaded_again_in_full_on_the_next_run(tmp_path, small_limits):
    path = _file(tmp_path / "combined.csv", _rows())
    root, clean = tmp_path / "wh", tmp_path / "clean"
    assert cut_short(path, root) == -9
    warehouse.recover(root)  # what the next writer or reader does
    assert len(warehouse.read_table("chart_entries", root)) == 96  # the first commit only
    assert warehouse.read_table("ingest_log", root).num_rows == 0  # the file is not logged
    again = load_spotify_charts(path, root, progress=False)
    assert (again.loaded, again.duplicates, again.rows) == (1, 0, 288)
    assert load_spotify_charts(path, clean, progress=False).ok
    assert snapshot(root)["tables"] == snapshot(clean)["tables"]
    # the months the killed load left stale are recomputed with the new load's, at its last
    assert_serving_matches_base(root)
    assert list(log(root)["outcome"]) == ["ok"]
    # a third run finds the file in the log
    assert load_spotify_charts(path, root, progress=False).duplicates == 1

"""`kit ingest …`: the summary on stdout, refusals on stderr, and the exit codes."""

from __future__ import annotations

from chart_files import chart_row, charts_com_bytes, write_bytes

from kit import cli, warehouse

IT_DAY = "regional-it-daily-2026-09-01.csv"


def _chart(path, streams=100):
    return write_bytes(path, charts_com_bytes([chart_row(1, 1, "Nora Quinn", "Glass", streams)]))


def test_a_good_file_exits_with_0_and_prints_the_summary(tmp_path, capsys):
    path = _chart(tmp_path / IT_DAY)
    code = cli.main(
        [
            "ingest",
            "spotify-charts",
            str(path),
            "--warehouse",
            str(tmp_path / "wh"),
            "--no-progress",
        ]
    )
    out = capsys.readouterr()
    assert code == 0
    assert out.out.startswith(
        "spotify_charts: 1 file(s), 1 loaded, 0 duplicate(s) skipped, 0 error(s), "
        "0 warning(s); 1 fact rows read, 1 new or changed; 1 new artist(s), 1 new track(s); "
        "1 file rows in "
    )
    assert out.err == ""


def test_the_summary_counts_fact_rows_apart_from_the_artists_and_tracks_they_name(tmp_path, capsys):
    """One chart line names a new track and two new artists: one fact row, not the six
    rows (entry, track, two artists, two credits) the write adds; a second day of the
    same track adds a fact row and nothing else."""
    row = chart_row(1, 1, "Nora Quinn, Ezra Vale", "Glass", 100)
    write_bytes(tmp_path / "charts" / IT_DAY, charts_com_bytes([row]))
    args = ["ingest", "spotify-charts", "--warehouse", str(tmp_path / "wh"), "--no-progress"]
    assert cli.main([*args, str(tmp_path / "charts" / IT_DAY)]) == 0
    assert "1 fact rows read, 1 new or changed; 2 new artist(s), 1 new track(s);" in (
        capsys.readouterr().out
    )
    row = chart_row(1, 1, "Nora Quinn, Ezra Vale", "Glass", 120)
    next_day = write_bytes(
        tmp_path / "charts" / "regional-it-daily-2026-09-02.csv", charts_com_bytes([row])
    )
    assert cli.main([*args, str(next_day)]) == 0
    assert "1 fact rows read, 1 new or changed; 0 new artist(s), 0 new track(s);" in (
        capsys.readouterr().out
    )


def test_a_refused_file_exits_with_1_and_names_the_problem_on_stderr(tmp_path, capsys):
    good = _chart(tmp_path / "charts" / IT_DAY)
    _chart(tmp_path / "charts" / "regional-it-daily-2026-09-02.csv", streams="many")
    code = cli.main(
        [
            "ingest",
            "spotify-charts",
            str(good.parent),
            "--warehouse",
            str(tmp_path / "wh"),
            "--no-progress",
        ]
    )
    out = capsys.readouterr()
    assert code == 1
    assert "1 loaded" in out.out and "1 error(s)" in out.out
    assert out.err == (
        f"error: {tmp_path / 'charts' / 'regional-it-daily-2026-09-02.csv'}, line 2, "
        "field streams: expected a whole number, got 'many'\n"
    )


def test_strict_stops_the_command_at_the_first_refused_file(tmp_path, capsys):
    _chart(tmp_path / "charts" / "regional-it-daily-2026-09-01.csv", streams="many")
    _chart(tmp_path / "charts" / "regional-it-daily-2026-09-02.csv")
    code = cli.main(
        [
            "ingest",
            "spotify-charts",
            str(tmp_path / "charts"),
            "--strict",
            "--warehouse",
            str(tmp_path / "wh"),
            "--no-progress",
        ]
    )
    assert code == 1
    assert "stopped at the first error" in capsys.readouterr().out
    assert warehouse.read_table("chart_entries", tmp_path / "wh").num_rows == 0


def test_a_wrong_option_exits_with_2_before_reading_any_file(tmp_path, capsys):
    path = _chart(tmp_path / "renamed.csv")
    code = cli.main(
        ["ingest", "spotify-charts", str(path), "--country", "Narnia", "--date", "2026-09-01",
         "--warehouse", str(tmp_path / "wh"), "--no-progress"]
    )  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err.startswith("kit ingest: Unknown country 'Narnia'")
    assert not (tmp_path / "wh").exists()


def test_s4a_and_table_commands_load_their_files(tmp_path, capsys):
    timeline = write_bytes(
        tmp_path / "t.csv", b"date,listeners,streams,followers\n2026-09-01,1,2,3\n"
    )
    table = write_bytes(
        tmp_path / "a.csv",
        b"artist,platform,country,date,metric,value\nNora Quinn,spotify,IT,2026-09-01,followers,4\n",
    )
    wh = ["--warehouse", str(tmp_path / "wh"), "--no-progress"]
    assert cli.main(["ingest", "s4a", str(timeline), "--artist", "Nora Quinn", *wh]) == 0
    assert cli.main(["ingest", "table", str(table), "--kind", "audience", *wh]) == 0
    assert warehouse.read_table("artist_audience", tmp_path / "wh").num_rows == 4

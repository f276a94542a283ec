"""Files that are not UTF-8: refused at their first bad line, never with a traceback, and
loaded when their encoding is given (`--encoding`, `encoding=`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from chart_files import chart_row, charts_com_bytes, log, quoted, write_bytes

from kit import warehouse
from kit.sources.s4a import load_s4a
from kit.sources.spotify_charts import load_spotify_charts
from kit.sources.tables import load_table

IT_DAY = "regional-it-daily-2026-09-01.csv"
COMBINED_HEADER = ("title", "rank", "date", "artist", "url", "region", "chart", "trend", "streams")
URL = "https://open.spotify.com/track/" + "1" * 22


def _latin1_chart(path, *, extra_field: bool = False):
    """A charts.spotify.com file written in Latin-1: 'Zoé' and 'Café' on line 2 (é is the
    single byte 0xe9). `extra_field`: that line also has one field too many."""
    row = list(chart_row(1, 1, "Zoé", "Café", 1000))
    if extra_field:
        row.append("x")
    text = charts_com_bytes([row]).decode("utf-8-sig")  # no byte-order mark in Latin-1
    return write_bytes(path, text.encode("latin-1"))


def _kit(*args: str) -> subprocess.CompletedProcess:
    """`kit …` in its own process, so that stderr is exactly what a user sees."""
    kit = Path(sys.executable).with_name("kit")  # the command the package installs
    return subprocess.run([str(kit), *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("extra_field", [False, True])
def test_a_latin1_chart_file_is_refused_at_its_first_bad_line_without_a_traceback(
    tmp_path, extra_field
):
    path = _latin1_chart(tmp_path / IT_DAY, extra_field=extra_field)
    done = _kit("ingest", "spotify-charts", str(path), "--warehouse", str(tmp_path / "wh"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
    assert done.stderr.startswith(
        f"error: {path}, line 2, field artist_names: the file is not UTF-8: byte 0xe9 is not "
        "valid UTF-8; if you know its encoding, give it with --encoding (encoding= in Python), "
        "such as latin-1 or cp1252\n"
    )
    assert "1 error(s)" in done.stdout


def test_a_header_that_is_not_utf8_is_refused_on_line_1(tmp_path):
    header = "title,rank,date,artist,url,región,chart,trend,streams\n".encode("latin-1")
    row = f"x,1,2026-09-01,A,{URL},Italy,top200,,1\n".encode()
    path = write_bytes(tmp_path / "combined.csv", header + row)
    summary = load_spotify_charts(path, tmp_path / "wh", progress=False)
    # the field is named as the header reads with the byte replaced
    assert str(summary.errors[0]) == (
        f"{path}, line 1, field regi\ufffdn: the file is not UTF-8: byte 0xf3 is not valid "
        "UTF-8; if you know its encoding, give it with --encoding (encoding= in Python), such "
        "as latin-1 or cp1252"
    )


def test_encoding_latin1_loads_the_file_with_its_accents(tmp_path):
    path = _latin1_chart(tmp_path / IT_DAY)
    root = tmp_path / "wh"
    done = _kit("ingest", "spotify-charts", str(path), "--warehouse", str(root), "--encoding",
                "latin-1", "--no-progress")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert warehouse.read_table("tracks", root).column("title").to_pylist() == ["Café"]
    assert warehouse.read_table("artists", root).column("name").to_pylist() == ["Zoé"]


def test_the_python_load_functions_take_the_encoding(tmp_path):
    root = tmp_path / "wh"
    charts = load_spotify_charts(
        _latin1_chart(tmp_path / IT_DAY), root, progress=False, encoding="latin-1"
    )
    audience = "artist,platform,country,date,metric,value\r\nZoé,Deezer,FR,2026-09-01,fans,12\r\n"
    table = load_table(
        write_bytes(tmp_path / "audience.csv", audience.encode("cp1252")),
        root,
        kind="audience",
        progress=False,
        encoding="cp1252",
    )
    songs = "song,listeners,streams,saves,release_date\nChanson d'été,10,20,3,2026-06-01\n"
    s4a = load_s4a(
        write_bytes(tmp_path / "songs.csv", songs.encode("latin-1")),
        root,
        artist="Zoé",
        progress=False,
        encoding="latin-1",
    )
    assert (charts.ok, table.ok, s4a.ok) == (True, True, True)
    assert sorted(warehouse.read_table("tracks", root).column("title").to_pylist()) == [
        "Café",
        "Chanson d'été",
    ]
    assert warehouse.read_table("artist_audience", root).column("value").to_pylist() == [12]


def test_a_utf16_file_with_a_byte_order_mark_loads_without_an_encoding(tmp_path):
    text = charts_com_bytes([chart_row(1, 1, "Zoé", "Café", 1000)]).decode("utf-8-sig")
    path = write_bytes(tmp_path / IT_DAY, text.encode("utf-16"))  # BOM, then UTF-16 LE
    root = tmp_path / "wh"
    assert load_spotify_charts(path, root, progress=False).ok
    assert warehouse.read_table("tracks", root).column("title").to_pylist() == ["Café"]


def test_a_file_not_in_the_given_encoding_is_refused_at_its_line(tmp_path):
    lines = [quoted(COMBINED_HEADER)] + [
        quoted((title, 1, "2026-09-01", "Zoe", URL, region, "top200", "", 5))
        for title, region in (("Plain", "Italy"), ("Café", "France"))
    ]
    path = write_bytes(tmp_path / "combined.csv", "\n".join(lines).encode("utf-8"))
    summary = load_spotify_charts(path, tmp_path / "wh", progress=False, encoding="ascii")
    # é is two bytes in UTF-8, 0xc3 0xa9; the first cannot be read as ASCII
    assert str(summary.errors[0]) == (
        f"{path}, line 3, field title: the file is not ascii: byte 0xc3 cannot be read as such"
    )
    assert list(log(tmp_path / "wh")["outcome"]) == ["failed"]


def test_an_unknown_encoding_is_refused_before_any_file_is_read(tmp_path):
    path = _latin1_chart(tmp_path / IT_DAY)
    done = _kit("ingest", "spotify-charts", str(path), "--warehouse", str(tmp_path / "wh"),
                "--encoding", "klingon")  # fmt: skip
    assert done.returncode == 2
    assert "Unknown encoding 'klingon'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "wh").exists()
    with pytest.raises(ValueError, match="Unknown encoding 'klingon'"):
        load_spotify_charts(path, tmp_path / "wh", progress=False, encoding="klingon")

"""Measurement 6: writing the Excel workbook, against xlsxwriter writing the same cells.

The content is the one the issue names: a Track Breakdown sheet of 10,000 track rows
(kit.query.breakdown over a year of the artist × platform × country rows with the most
charting tracks, stacked) and a Daily sheet of 365 rows (one artist's Spotify monthly listeners). The
frames are queried once, untimed, and saved; then each writer runs in its own Python
process on the same frames:

- kit: kit.export's sheet writer (openpyxl write-only mode, number formats per column,
  bold filled header, frozen header row, autofilter, column widths), then save;
- xlsxwriter (constant-memory mode, its streaming counterpart): the same values, number
  formats, header, frozen row, autofilter and widths.

Each side is timed on a first pass and its peak memory (tracemalloc: the Python and
numpy allocations while writing) taken on a second pass, so the tracer does not slow
the timed one. kit.export.workbook(q, path) itself adds the Summary, Totals, Track Daily
and About sheets and their queries; this row is about writing cells.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kit import db
from kit.query import Query, breakdown, timeseries

SHEETS = ("Track Breakdown", "Daily")


def workbook_frames(root: Path, tracks: int, days: int, folder: Path) -> dict[str, int]:
    """Query the two frames and save them as Parquet in `folder`; returns their row counts."""
    cur = db.cursor(root)
    hi = cur.execute("select max(date) from chart_entries").fetchall()[0][0]
    lo = hi - dt.timedelta(days=days - 1)
    pairs = cur.execute(
        """
        select tc.artist_id, c.platform, c.country, count(distinct c.track_id) as rows
        from chart_entries as c
        join track_credits as tc on tc.track_id = c.track_id
        where c.date between $lo and $hi
        group by all
        order by rows desc, tc.artist_id, c.platform, c.country
        """,
        {"lo": lo, "hi": hi},
    ).fetchall()
    frames, total = [], 0
    for artist_id, platform, country, _ in pairs:
        q = Query(
            artist_id,
            (lo, hi),
            platforms=[platform],
            country=country,
            warehouse=root,
            check_data=False,
        )
        frame = breakdown(q, artist_id, platform)
        frames.append(frame.assign(artist=q.artist_names[0], platform=platform, country=country))
        total += len(frame)
        if total >= tracks:
            break
    track_rows = pd.concat(frames, ignore_index=True).head(tracks)
    front = ["artist", "platform", "country"]
    track_rows = track_rows[front + [c for c in track_rows.columns if c not in front]]
    listeners = cur.execute(
        """
        select artist_id from artist_audience
        where platform = 'spotify' and country = 'GLOBAL' and metric = 'monthly_listeners'
          and date between $lo and $hi
        group by artist_id order by count(*) desc, artist_id limit 1
        """,
        {"lo": lo, "hi": hi},
    ).fetchall()[0][0]
    q = Query(listeners, (lo, hi), platforms=["spotify"], country="GLOBAL", warehouse=root)
    daily = timeseries(q, "monthly_listeners").drop(columns=["artist_id"])
    folder.mkdir(parents=True, exist_ok=True)
    track_rows.to_parquet(folder / "track_breakdown.parquet")
    daily.to_parquet(folder / "daily.parquet")
    return {"Track Breakdown": len(track_rows), "Daily": len(daily)}


def run_side(side: str, folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", f"{__package__}.workbook", side, str(folder)],
        cwd=Path(__file__).resolve().parent.parent,  # where `bench` is importable
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"workbook {side}: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _frames(folder: Path) -> list[tuple[str, pd.DataFrame]]:
    return [
        ("Track Breakdown", pd.read_parquet(folder / "track_breakdown.parquet")),
        ("Daily", pd.read_parquet(folder / "daily.parquet")),
    ]


def _measure(write: Callable[[Path], None], out: Path) -> dict:
    started = time.perf_counter()
    write(out)
    took = time.perf_counter() - started
    tracemalloc.start()
    write(out.with_name(f"traced-{out.name}"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": took, "peak_bytes": peak, "bytes": out.stat().st_size}


def kit_side(folder: Path) -> dict:
    from openpyxl import Workbook

    from kit import export

    frames = _frames(folder)

    def write(path: Path) -> None:
        book = Workbook(write_only=True)
        for title, frame in frames:
            export._write_table(book, export.Sheet(title, frame))
        book.save(path)

    return _measure(write, folder / "kit.xlsx")


def xlsxwriter_side(folder: Path) -> dict:
    import xlsxwriter
    from openpyxl.utils import get_column_letter

    from kit import export

    frames = _frames(folder)

    def write(path: Path) -> None:
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        header = book.add_format({"bold": True, "bg_color": "#DDE3EE"})
        for title, frame in frames:
            ws = book.add_worksheet(title)
            columns = list(frame.columns)
            formats = [export._format(frame, c) for c in columns]
            styles = [book.add_format({"num_format": f}) if f else None for f in formats]
            for i, (column, fmt) in enumerate(zip(columns, formats, strict=True)):
                ws.set_column(i, i, export._width(frame, column, fmt))
            ws.freeze_panes(1, 0)
            ws.autofilter(f"A1:{get_column_letter(len(columns))}{len(frame) + 1}")
            ws.write_row(0, 0, columns, header)
            values = [export._values(frame[c]) for c in columns]
            for r, row in enumerate(zip(*values, strict=True), start=1):
                for c, (value, style) in enumerate(zip(row, styles, strict=True)):
                    if value is None:
                        continue
                    if isinstance(value, dt.date):
                        ws.write_datetime(r, c, value, style)
                    else:
                        ws.write(r, c, value, style)
        book.close()

    return _measure(write, folder / "xlsxwriter.xlsx")


def kit_profile(folder: Path) -> dict:
    """Where kit's writer spends its time: cProfile of one more pass."""
    from openpyxl import Workbook

    from kit import export

    from .profile import profile_lines

    frames = _frames(folder)

    def write() -> None:
        book = Workbook(write_only=True)
        for title, frame in frames:
            export._write_table(book, export.Sheet(title, frame))
        book.save(folder / "profiled.xlsx")

    return {"lines": profile_lines("**Workbook.** kit's writer (cProfile, one more pass)", write)}


SIDES = {"kit": kit_side, "xlsxwriter": xlsxwriter_side, "kit-profile": kit_profile}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workbook")
    parser.add_argument("side", choices=list(SIDES))
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(SIDES[args.side](args.folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

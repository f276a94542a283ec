"""Small input files written the way each source writes them, and warehouse snapshots."""

from __future__ import annotations

from pathlib import Path

from kit import warehouse
from kit.schema import DATA_TABLES

CHARTS_COM_HEADER = (
    "rank",
    "uri",
    "artist_names",
    "track_name",
    "source",
    "peak_rank",
    "previous_rank",
    "days_on_chart",
    "streams",
)


def track_uri(n: int) -> str:
    """A Spotify-shaped track URI: 22 base62 characters."""
    return f"spotify:track:{n:0>22}"


def quoted(values) -> str:
    return ",".join('"' + str(v).replace('"', '""') + '"' for v in values)


def charts_com_bytes(rows, header=CHARTS_COM_HEADER, *, weekly: bool = False) -> bytes:
    """A charts.spotify.com download: UTF-8 BOM, CRLF, every field quoted."""
    if weekly:
        header = tuple("weeks_on_chart" if h == "days_on_chart" else h for h in header)
    lines = [quoted(header)] + [quoted(r) for r in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def chart_row(rank, n, artists, title, streams, previous=-1):
    return (rank, track_uri(n), artists, title, "Label", rank, previous, 1, streams)


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def snapshot(root: Path) -> dict:
    """Every data table's rows (sorted) and the data Parquet files (in the public tree and in
    the store, kit/warehouse/layout.py): what must not change."""
    tables = {
        name: sorted(map(tuple, warehouse.read_table(name, root).to_pandas().astype(str).values))
        for name in DATA_TABLES
    }
    files = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.parquet")
        if "ingest_log" not in p.relative_to(root).parts[:2]
    )
    return {"tables": tables, "files": files}


def log(root: Path):
    return warehouse.read_table("ingest_log", root).to_pandas()

"""Building the demo warehouse: the catalogue, then one load per platform."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pyarrow as pa
from tqdm.auto import tqdm

from ...warehouse import write
from . import events
from .cast import Cast, make_cast
from .parameters import DEMO_SEED, SOURCE
from .scale import DEFAULT_SCALE, DemoScale, Timeline
from .streams import platform_tables


def _catalogue(cast: Cast, tl: Timeline, cast_ids: pa.Array) -> dict[str, pa.Table]:
    artist_ids = pa.array(cast.artist_ids)
    return {
        "artists": pa.table({"artist_id": artist_ids, "name": pa.array(cast.names)}),
        "tracks": pa.table(
            {
                "track_id": cast_ids,
                "title": pa.array(cast.titles),
                "isrc": pa.array(cast.isrc),
                "release_date": tl.dates(cast.release),
            }
        ),
        "track_credits": pa.table(
            {
                "track_id": cast_ids.take(pa.array(cast.credit_track)),
                "artist_id": artist_ids.take(pa.array(cast.credit_artist)),
                "role": pa.array(np.where(cast.credit_order == 1, "main", "featured")),
                "credit_order": pa.array(cast.credit_order, pa.int16()),
            }
        ),
    }


def build_demo(
    warehouse: str | os.PathLike | None = None,
    *,
    seed: int = DEMO_SEED,
    scale: DemoScale = DEFAULT_SCALE,
    progress: bool = False,
) -> dict[str, int]:
    """Build the demo warehouse; returns the rows written per table.

    Rows are merged through `kit.warehouse.write` (one load for the catalogue, one per
    platform), so building twice changes nothing and other data in the warehouse stays.
    Same seed and scale, same rows (ingest_log aside)."""
    tl = Timeline.of(scale)
    cast = make_cast(np.random.default_rng(seed), scale, tl)
    planted = events.plan(cast, scale, tl)
    cast_ids = pa.array(cast.track_ids)
    file = f"demo seed={seed}"
    counts = dict.fromkeys(
        ("artists", "tracks", "track_credits", "chart_entries", "track_streams", "artist_audience"),
        0,
    )

    def load(tables: dict[str, pa.Table], part: str) -> None:
        checksum = hashlib.sha256(f"{file} {scale!r} {part}".encode()).hexdigest()
        result = write(tables, source=SOURCE, warehouse=warehouse, file=file, checksum=checksum)
        for name, rows in result.rows.items():
            counts[name] += rows

    total = len(scale.platforms) * tl.n_days
    with tqdm(total=total, unit="day", desc="demo", disable=not progress) as bar:
        load(_catalogue(cast, tl, cast_ids), "catalogue")
        for platform in scale.platforms:
            bar.set_postfix_str(platform)
            tables = platform_tables(platform, scale, tl, cast, cast_ids, seed, bar, planted)
            load(tables, platform)
    return counts

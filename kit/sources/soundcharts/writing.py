"""Writing what a fetch got through the one write path, and the summary of the fetch."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from ...schema import TABLES
from ...warehouse import DIMENSION_TABLES, LogEntry, write
from . import mapping


@dataclass
class FetchSummary:
    """What a fetch did: calls made, answers from the cache, rows per table, quota, problems."""

    artist: str | None = None
    soundcharts_uuid: str | None = None
    calls: int = 0  # HTTP requests sent, retries included
    cached: int = 0  # requests answered from the on-disk cache
    retries: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # offered to the warehouse, per table
    rows_written: dict[str, int] = field(default_factory=dict)  # new or changed, per table
    quota_remaining: int | None = None
    stopped_reason: str | None = None  # 'quota' or 'auth' when the run stopped early
    failed: list[str] = field(default_factory=list)  # requests that failed after retries
    skipped: list[str] = field(default_factory=list)  # what SoundCharts does not offer or refused

    @property
    def complete(self) -> bool:
        return self.stopped_reason is None and not self.failed

    def __str__(self) -> str:
        lines = [
            f"SoundCharts fetch of {self.artist or '?'} ({self.soundcharts_uuid or '?'}): "
            f"{self.calls} calls, {self.cached} from cache, {self.retries} retries, "
            f"quota remaining {self.quota_remaining if self.quota_remaining is not None else 'unknown'}"
        ]
        for table, n in self.rows.items():
            lines.append(
                f"  {table:<16} {n:>9,} rows ({self.rows_written.get(table, 0):,} new or changed)"
            )
        if self.stopped_reason:
            lines.append(
                f"  stopped early: {self.stopped_reason} (what was fetched is kept; run again to resume)"
            )
        for text in self.failed[:10]:
            lines.append(f"  failed: {text}")
        if len(self.failed) > 10:
            lines.append(f"  … and {len(self.failed) - 10} more failed requests")
        for text in self.skipped:
            lines.append(f"  skipped: {text}")
        return "\n".join(lines)


def write_fetched(
    tables: dict[str, list[dict]], summary: FetchSummary, warehouse, file: str
) -> None:
    """Write the fetched rows in one commit with one ingest_log row; counts go to `summary`.

    Artists, tracks and credits meet the stored ones by the write path's rule for
    dimension rows (kit.warehouse.keep_known_values): what SoundCharts does not give (an
    ISRC) or gives differently (a title another source stored) stays as stored."""
    tables = {
        name: rows if name in DIMENSION_TABLES else _dedupe(name, rows)
        for name, rows in tables.items()
    }
    arrow = {
        name: pa.Table.from_pylist(rows, schema=TABLES[name].schema)
        for name, rows in tables.items()
        if name in TABLES
    }
    message = (
        f"{summary.calls} calls, {summary.cached} cached"
        + (f"; stopped: {summary.stopped_reason}" if summary.stopped_reason else "")
        + (f"; {len(summary.failed)} failed requests" if summary.failed else "")
    )
    result = write(arrow, source=mapping.SOURCE, warehouse=warehouse,
                   log=[LogEntry(mapping.SOURCE, file=file, message=message)])  # fmt: skip
    summary.rows = dict(result.rows)
    summary.rows_written = dict(result.rows_written)


def _dedupe(name: str, rows: list[dict]) -> list[dict]:
    """One fact row per natural key (the last one wins), so that `rows` counts each once."""
    key = TABLES[name].key
    return list({tuple(r.get(k) for k in key): r for r in rows}.values())

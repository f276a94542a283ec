"""What a source's parser hands the batch loop (batch.py) and the dimension rows
(dimensions.py) for one validated file: its fact rows, who and what it names."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from .errors import IngestError
from .streaming import UniqueKey


@dataclass
class ParsedFile:
    """A validated file: rows for the warehouse's fact tables, and who/what they name."""

    rows: int  # data rows read, for the summary
    tables: dict[str, pa.Table] = field(default_factory=dict)  # fact tables
    track_artists: pa.Table | None = None  # TRACK_ARTISTS rows
    artist_names: list[str] = field(default_factory=list)  # artists named one by one
    warnings: list[IngestError] = field(default_factory=list)
    unique: UniqueKey | None = None  # a streamed file's chunk: keys the loop checks across chunks

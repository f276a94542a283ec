"""What every file ingest shares: validate a file completely, then write it.

A source module (spotify_charts, s4a, tables) turns files into a `ParsedFile` or
raises `FileRejected` naming the file, line, field and what was expected: either file
by file, or (charts) by reading each file and then validating a whole batch at once,
vectorised. One module per job:

- reading.py: a file's bytes, checksum and text columns (CSV, .xlsx), and its lines;
- validation.py: header, whole numbers, dates, repeated keys…, refusing the first bad
  row by file and line; running totals into daily values;
- dimensions.py: artist-name splitting, and the artists, tracks and credits a batch names;
- batch.py: files and folders, the batch loop `ingest_files`, and its `IngestSummary`;
- streaming.py: a file too large to hold, validated in chunks and written in commits.

Artists, tracks and credits are "dimension" rows: how a load meets the values already
stored is the write path's one rule (kit.warehouse.keep_known_values): a known value is
never replaced by an empty one, and the value already stored wins over a different one
(a chart file never wipes or rewrites the ISRC, title or release date another source
stored).
"""

from .batch import (
    BATCH_FILES,
    BATCH_ROWS,
    READ_AHEAD,
    READ_THREADS,
    IngestSummary,
    expand_paths,
    ingest_files,
    merge_parsed,
)
from .dimensions import (
    DIMENSIONS,
    NAMES_WITH_COMMAS,
    SPLIT_COMMA,
    SPLIT_SEMICOLON,
    SPLIT_SINGLE,
    TRACK_ARTISTS,
    ArtistNames,
    Dimensions,
    artist_ids,
    derived_track_id,
    track_artists,
)
from .errors import FileRejected, IngestError
from .parsed import ParsedFile
from .reading import (
    BatchRows,
    InputFile,
    check_csv_structure,
    read_csv_text,
    read_table_text,
    read_xlsx_text,
    stream_csv_text,
)
from .streaming import StreamedFile, UniqueKey
from .validation import (
    check_header,
    check_header_names,
    daily_from_cumulative,
    dates,
    duplicates,
    first_of_each,
    first_true,
    mapped,
    matching,
    non_empty,
    text,
    whole_numbers,
)

__all__ = [
    "BATCH_FILES",
    "BATCH_ROWS",
    "DIMENSIONS",
    "NAMES_WITH_COMMAS",
    "READ_AHEAD",
    "READ_THREADS",
    "SPLIT_COMMA",
    "SPLIT_SEMICOLON",
    "SPLIT_SINGLE",
    "TRACK_ARTISTS",
    "ArtistNames",
    "BatchRows",
    "Dimensions",
    "FileRejected",
    "IngestError",
    "IngestSummary",
    "InputFile",
    "ParsedFile",
    "artist_ids",
    "StreamedFile",
    "UniqueKey",
    "check_csv_structure",
    "check_header",
    "check_header_names",
    "daily_from_cumulative",
    "dates",
    "derived_track_id",
    "duplicates",
    "expand_paths",
    "first_of_each",
    "first_true",
    "ingest_files",
    "mapped",
    "matching",
    "merge_parsed",
    "non_empty",
    "read_csv_text",
    "read_table_text",
    "read_xlsx_text",
    "stream_csv_text",
    "text",
    "track_artists",
    "whole_numbers",
]

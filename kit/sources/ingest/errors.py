"""Why a file was refused: the error that names file, line and field, and its exception."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestError:
    """Why one file was refused: `file, line 14, field streams: expected …`."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


class FileRejected(Exception):
    """A file that fails validation; nothing of it is written."""

    def __init__(self, error: IngestError) -> None:
        super().__init__(str(error))
        self.error = error

"""The Excel workbook beside the monthly report, written with openpyxl.

`workbook(data, path)` writes the frames of a kit.selection.Selection, the very frames
the report's page shows, so the workbook holds the same figures: real numbers and dates
with number formats, frozen header rows, autofilters and column widths. It runs no query.
Sheets:

- Summary: `summary(q)`, one row per artist × platform × metric;
- Totals: `breakdown_totals` per artist × platform (the breakdown's footer);
- Track Breakdown: `breakdown` per artist × platform, every track;
- Daily: `timeseries(q, metric=None)`, the audience points of every metric;
- Track Daily: `track_timeseries` per artist × platform, the streams as the breakdown
  counts them (days = 7 for a weekly chart value dated on its last day);
- Movers: `movers` per artist × platform against the comparison period (a selection
  loaded with a comparison), the largest changes first;
- Noteworthy: `period_alerts(q)`, the alerts of the period (likewise);
- About: the parameters, any sheets continued, the data checks' findings about the
  report (kit.checks.report_findings), the definitions, the sources, the coverage, when
  it was made.

It is written in openpyxl's write-only mode, row by row: several times faster than the
normal mode on large sheets. A data row's values are bound to one styled cell per column
(_RowCells), not to a new cell per value, and written as openpyxl writes them without
working out each cell's coordinate, type and style again (_RowCells.write_row), which
keeps the writing within 1.5× of xlsxwriter's for the same cells (bench/README.md, row 6).

A sheet that would pass Excel's limits (MAX_ROWS rows, header included; MAX_COLUMNS
columns; titles of MAX_TITLE characters) continues on numbered sheets, `Track Daily 2`,
`Track Daily 3`…, each with the header repeated; About lists them. A year of 10,000
tracks' daily streams is 3.65 million rows: four Track Daily sheets.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import XML_NS, Element

from .definitions import DEFINITIONS, TOP_TRACK_FILL
from .platforms import platform_name, track_url

if TYPE_CHECKING:
    from .selection import PlatformData, Selection

INTEGER = "#,##0"
DECIMAL = "#,##0.0"
RATIO = "0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
TIMESTAMP = 'yyyy-mm-dd hh:mm:ss "UTC"'

# Formats by column name where the dtype alone does not say it (fractions are floats).
FORMATS = {
    "pct_change": PERCENT,
    "contribution": PERCENT,
    "previous_coverage": PERCENT,
    "share": PERCENT,
    "coverage": PERCENT,
    "top_track_share": PERCENT,
    "streams_per_listener": RATIO,
}
WIDTHS = {"title": 40, "top_track": 36, "source": 30, "artist": 20, "metric": 18, "track_id": 24}

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE3EE")
SECTION_FONT = Font(bold=True, size=12)
LINK_FONT = Font(color="0563C1", underline="single")
XML_SPACE = f"{{{XML_NS}}}space"
TOP_FILL = PatternFill("solid", fgColor=TOP_TRACK_FILL.lstrip("#").upper())
WRAP = Alignment(wrap_text=True, vertical="top")

# Excel's limits for one sheet: a file past them opens only after Excel "repairs" it,
# dropping what is past them. Module constants, so that a test can lower them.
MAX_ROWS = 1_048_576  # rows of a sheet, the header row included
MAX_COLUMNS = 16_384
MAX_TITLE = 31  # characters of a sheet's title


@dataclass(frozen=True)
class Sheet:
    """One data sheet: a title and the frame whose columns and rows it holds, as they are."""

    title: str
    frame: pd.DataFrame
    links: Sequence[str | None] | None = None  # per row: a hyperlink for its `title` cell
    tinted: Sequence[bool] | None = None  # per row: a top track (kit.selection.top_track_ids)


@dataclass(frozen=True)
class SheetPart:
    """The part of a Sheet that one worksheet holds: some of its data rows (0-based, the
    header not counted) and some of its columns, under a title that fits Excel's."""

    title: str
    sheet: str  # the title of the Sheet it is part of
    rows: range
    columns: range


def sheet_parts(sheet: Sheet) -> list[SheetPart]:
    """The worksheets one Sheet needs: one while it fits Excel's limits, else one per
    MAX_ROWS - 1 data rows (the header is repeated on each) and MAX_COLUMNS columns,
    titled `<title>`, `<title> 2`, `<title> 3`…"""
    per_sheet = MAX_ROWS - 1
    rows = [
        range(lo, min(lo + per_sheet, len(sheet.frame)))
        for lo in range(0, len(sheet.frame), per_sheet)
    ]
    width = len(sheet.frame.columns)
    columns = [range(lo, min(lo + MAX_COLUMNS, width)) for lo in range(0, width, MAX_COLUMNS)]
    grid = [(r, c) for r in rows or [range(0)] for c in columns or [range(0)]]
    suffixes = ["" if n == 1 else f" {n}" for n in range(1, len(grid) + 1)]
    return [
        SheetPart(sheet.title[: MAX_TITLE - len(suffix)].rstrip() + suffix, sheet.title, r, c)
        for suffix, (r, c) in zip(suffixes, grid, strict=True)
    ]


def workbook(data: Selection, path: str | os.PathLike) -> Path:
    """Write the workbook of a selection's figures to `path` (.xlsx) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = data.platforms
    totals = _stack(rows, lambda p: p.totals)
    sheets = [
        Sheet("Summary", data.summary.drop(columns=["artist_id"])),
        Sheet("Totals", totals),
        _breakdown_sheet(rows),
        Sheet("Daily", data.timeseries.drop(columns=["artist_id"])),
        Sheet("Track Daily", _stack(rows, lambda p: p.series)),
        *_moved_sheets(data),
    ]
    book = Workbook(write_only=True)
    continued = [parts for sheet in sheets if len(parts := _write_table(book, sheet)) > 1]
    _write_about(book, data, totals, continued)
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    tmp.replace(path)  # never leave a half-written workbook under the final name
    return path


def _breakdown_sheet(rows: Sequence[PlatformData]) -> Sheet:
    """Every track of every artist × platform; a title links to the track's page on the
    platform where its id allows one, and the top tracks' rows are tinted as in the report."""
    frame = _stack(rows, lambda p: p.breakdown)
    tops = {(p.artist, p.platform, t) for p in rows for t in p.top_track_ids}
    keys = list(zip(frame["artist"], frame["platform"], frame["track_id"], strict=True))
    return Sheet(
        "Track Breakdown",
        frame,
        links=[track_url(p, t) for _, p, t in keys],
        tinted=[k in tops for k in keys],
    )


def _moved_sheets(data: Selection) -> list[Sheet]:
    """Movers and Noteworthy, for a selection loaded with a comparison: every artist ×
    platform's movers (those with data to compare with), and the period's alerts."""
    if data.compare is None:
        return []
    compared = [p for p in data.platforms if p.moved is not None and p.moved.movers is not None]
    sheets = []
    if compared:
        sheets.append(Sheet("Movers", _stack(compared, lambda p: p.moved.movers)))
    if data.alerts is not None:
        sheets.append(Sheet("Noteworthy", data.alerts))
    return sheets


def _stack(
    rows: Sequence[PlatformData], frame_of: Callable[[PlatformData], pd.DataFrame]
) -> pd.DataFrame:
    """One frame per artist × platform, stacked, with `artist` (name) and `platform` first."""
    frames = [frame_of(p).assign(artist=p.artist, platform=p.platform) for p in rows]
    stacked = pd.concat(frames, ignore_index=True)
    front = ["artist", "platform"]
    return stacked[front + [c for c in stacked.columns if c not in front]]


def _format(frame: pd.DataFrame, column: str) -> str | None:
    if column in FORMATS:
        return FORMATS[column]
    dtype = frame[column].dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return DATE
    if pd.api.types.is_integer_dtype(dtype):
        return INTEGER
    if pd.api.types.is_float_dtype(dtype):
        return DECIMAL
    return None


def _values(series: pd.Series) -> list:
    """Python values for openpyxl: dates as dates, missing values as empty cells."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = series.dt.date
    return series.astype(object).where(series.notna(), None).tolist()


def _width(frame: pd.DataFrame, column: str, fmt: str | None) -> float:
    if column in WIDTHS:
        return WIDTHS[column]
    if fmt == DATE:
        return max(12, len(column) + 2)
    return max(12, min(len(column) + 3, 28))


def _cell(ws, value, style_array=None) -> Cell:
    # A cell for write-only append: it needs a (placeholder) position, because append
    # formats the cell's coordinate before placing it in its row.
    return Cell(ws, row=1, column=1, value=value, style_array=style_array)


def _header(ws, names: Sequence[str]) -> list[Cell]:
    cells = []
    for name in names:
        cell = _cell(ws, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def _write_table(book: Workbook, sheet: Sheet) -> list[SheetPart]:
    """Write `sheet` as one worksheet of `book`, or several past Excel's limits; returns
    the parts written."""
    parts = sheet_parts(sheet)
    for part in parts:
        _write_part(book, sheet, part)
    return parts


def _write_part(book: Workbook, sheet: Sheet, part: SheetPart) -> None:
    """One worksheet: the header, then the part's rows, with number formats, links,
    tints, a frozen header and a filter."""
    ws = book.create_sheet(part.title)
    frame = sheet.frame.iloc[
        part.rows.start : part.rows.stop, part.columns.start : part.columns.stop
    ]
    columns = list(frame.columns)
    formats = [_format(frame, c) for c in columns]
    for i, (column, fmt) in enumerate(zip(columns, formats, strict=True), start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(frame, column, fmt)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{len(frame) + 1}"
    ws.append(_header(ws, columns))
    rows = slice(part.rows.start, part.rows.stop)
    ws._values_to_row = cells = _RowCells(
        ws,
        formats,
        [_known_type(frame[c].dtype, fmt) for c, fmt in zip(columns, formats, strict=True)],
        links=sheet.links[rows] if sheet.links is not None else None,
        tinted=sheet.tinted[rows] if sheet.tinted is not None else None,
        title_at=columns.index("title") + 1 if "title" in columns else None,
    )
    ws._writer.write_row = cells.write_row  # the header is written: the data rows' writer
    for row in zip(*(_values(frame[c]) for c in columns), strict=True):
        ws.append(row)


def _known_type(dtype, fmt: str | None) -> str | None:
    """The type openpyxl gives every value of a column of this dtype (as `_values` hands
    them over) where the dtype fixes it: 'n' for integers and floats, 'd' for dates under
    a date format (binding a date under another format would change the format)."""
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return "n"
    if pd.api.types.is_datetime64_any_dtype(dtype) and is_date_format(fmt):
        return "d"
    return None


class _RowCells:
    """The cells of a data row, for openpyxl's write-only worksheet.

    `WriteOnlyWorksheet.append(values)` hands the row to `_values_to_row(values, row_idx)`
    and writes each cell it yields before asking for the next. openpyxl's own makes a new
    cell for every styled value, after first failing to bind the Cell it was given as a
    value; with most columns number-formatted that was a third of the writing time. This
    one, installed on the worksheet in place of openpyxl's, binds each value to one cell
    per column that carries the column's style (and one more with the top tracks' fill),
    so a cell is made only for a linked title. What is written is what openpyxl writes for
    a styled Cell given as a value: the same values, types, styles and hyperlinks."""

    def __init__(
        self,
        ws,
        formats: Sequence[str | None],
        known_types: Sequence[str | None],
        links: Sequence[str | None] | None,
        tinted: Sequence[bool] | None,
        title_at: int | None,
    ) -> None:
        self.ws = ws
        self.formats = list(formats)
        self.dated = [is_date_format(f) for f in formats]
        self.known_types = list(known_types)
        self.plain = [self._template(i, False) for i in range(1, len(formats) + 1)]
        self.tinted_cells = [self._template(i, True) for i in range(1, len(formats) + 1)]
        self.tinted_blank = WriteOnlyCell(self.ws)
        self.tinted_blank.fill = TOP_FILL
        self.links = links
        self.tinted = tinted
        self.title_at = title_at
        self.letters = [get_column_letter(i) for i in range(1, len(formats) + 1)]
        # per template cell given out (by id, with the cell, so the id stays its own): its
        # attributes before r, the style as openpyxl writes it, asked of the cell's first write
        self.styles: dict[int, tuple[Cell, dict]] = {}
        self.epoch = ws.parent.epoch
        self.iso_dates = ws.parent.iso_dates

    def _template(self, column: int, tinted: bool) -> Cell:
        cell = WriteOnlyCell(self.ws)
        cell.column = column
        fmt = self.formats[column - 1]
        if fmt is not None:
            cell.number_format = fmt
        if tinted:
            cell.fill = TOP_FILL
        return cell

    def __call__(self, values: Sequence, row_idx: int):
        at = row_idx - 2  # the header is row 1
        tint = self.tinted is not None and self.tinted[at]
        link = self.links[at] if self.links is not None and self.title_at is not None else None
        cells = self.tinted_cells if tint else self.plain
        for column, value in enumerate(values, start=1):
            if link and column == self.title_at:
                yield self._linked(value, link, tint, row_idx)
                continue
            if value is None:
                if tint:  # a top track's empty cell: the fill, without the column's format
                    self.tinted_blank.column = column
                    self.tinted_blank.row = row_idx
                    yield self.tinted_blank
                continue  # an empty cell without a style is not written
            cell = cells[column - 1]
            cell.row = row_idx
            known = self.known_types[column - 1]
            if known is not None:
                # what binding the value sets, without inferring it value by value
                cell._value = value
                cell.data_type = known
                yield cell
                continue
            cell.value = value
            yield cell
            if cell.data_type == "d" and not self.dated[column - 1]:
                # binding a date gave the cell a date format: the column's next cells
                # start again from the column's own style
                cells[column - 1] = self._template(column, tint)

    def write_row(self, xf, cells, row_idx: int) -> None:
        """openpyxl's WorksheetWriter.write_row for the cells `__call__` yields: a number, a
        date or a text of a template cell is written as openpyxl's lxml_write_cell writes
        it, the same elements and attributes in the same order, without working out its
        coordinate, type and style again for every cell: its style is looked up once per
        template (on its first write, so the workbook's styles are numbered in the same
        order); any other cell by openpyxl's own writer."""
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))
        with xf.element("row", attrs):
            for cell in cells:
                value = cell._value
                kind = cell.data_type
                if (
                    value is None
                    or value == ""
                    or cell.hyperlink is not None
                    or cell._comment is not None
                    or (kind == "d" and (self.iso_dates or getattr(value, "tzinfo", None)))
                    or kind not in ("n", "s", "d")
                    or (kind == "s" and type(value) is not str)
                ):
                    self.styles.pop(id(cell), None)
                    if value is not None or cell.has_style or cell._comment is not None:
                        write_cell(xf, self.ws, cell, cell.has_style)
                    continue
                kept = self.styles.get(id(cell))
                if kind == "d" and not self.dated[cell.column - 1]:
                    # binding the date gave the cell a date format: its style as it is now
                    self.styles.pop(id(cell), None)
                    styled = {"s": f"{cell.style_id}"} if cell.has_style else {}
                elif kept is None or kept[0] is not cell:
                    styled = {"s": f"{cell.style_id}"} if cell.has_style else {}
                    self.styles[id(cell)] = (cell, styled)
                else:
                    styled = kept[1]
                at = {"r": f"{self.letters[cell.column - 1]}{row_idx}", **styled}
                if kind == "s":
                    at["t"] = "inlineStr"
                    with xf.element("c", at), xf.element("is"):
                        text = Element(
                            "t", {XML_SPACE: "preserve"} if value != value.strip() else {}
                        )
                        text.text = value
                        xf.write(text)
                    continue
                at["t"] = "n"
                if kind == "d":
                    value = to_excel(value, self.epoch)
                with xf.element("c", at), xf.element("v"):
                    xf.write(safe_string(value))

    def _linked(self, value, link: str, tint: bool, row_idx: int) -> Cell:
        cell = Cell(self.ws, row=row_idx, column=self.title_at, value=value)
        cell.hyperlink = link
        cell.hyperlink.ref = cell.coordinate
        cell.font = LINK_FONT
        if tint:
            cell.fill = TOP_FILL
        return cell


def _comparison_parameters(data: Selection) -> list[tuple[str, str]]:
    """The comparison period behind Movers, and the thresholds behind Noteworthy."""
    if data.previous_period is None:
        return []
    from .alerts import rules_note
    from .period import period_label

    start, end = data.previous_period
    said = [("Compared with", f"{period_label(start, end)} ({start} to {end}; {data.compare})")]
    if data.alerts is not None:
        said.append(("Alerts", rules_note(data.alerts.attrs["rules"])))
    return said


def _continuations(parts: Sequence[SheetPart]) -> list[tuple[str, str]]:
    """(title, what it holds) for each worksheet after a Sheet's first."""
    out = []
    for part in parts[1:]:
        held = []
        if part.rows.start or part.rows.stop != parts[0].rows.stop:
            held.append(f"rows {part.rows.start + 1:,} to {part.rows.stop:,}")
        if part.columns.start or part.columns.stop != parts[0].columns.stop:
            held.append(f"columns {part.columns.start + 1:,} to {part.columns.stop:,}")
        out.append(
            (
                part.title,
                f"{part.sheet}, continued: {' and '.join(held)} of its data, under the same header",
            )
        )
    return out


def _write_about(
    book: Workbook,
    data: Selection,
    totals: pd.DataFrame,
    continued: Sequence[Sequence[SheetPart]] = (),
) -> None:
    q, audience, origins = data.query, data.summary, data.sources
    ws = book.create_sheet("About")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 90
    for letter in "CDEF":
        ws.column_dimensions[letter].width = 16

    def section(title: str) -> None:
        ws.append([])
        cell = _cell(ws, title)
        cell.font = SECTION_FONT
        ws.append([cell])

    def styled(value, fmt: str | None):
        if value is None or fmt is None:
            return value
        cell = _cell(ws, value)
        cell.number_format = fmt
        return cell

    def table(frame: pd.DataFrame) -> None:
        columns = list(frame.columns)
        ws.append(_header(ws, columns))
        formats = [_format(frame, c) for c in columns]
        for row in zip(*(_values(frame[c]) for c in columns), strict=True):
            ws.append([styled(v, f) for v, f in zip(row, formats, strict=True)])

    title = _cell(ws, "Chartroom monthly report")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    section("Parameters")
    generated = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    for key, value in [
        ("Artists", ", ".join(q.artist_names)),
        ("Artist ids", ", ".join(q.artist_ids)),
        ("Platforms", ", ".join(f"{platform_name(p)} ({p})" for p in q.platform_slugs)),
        ("Country", f"{q.country_label} ({q.country_code})"),
        ("Period", q.period_label),
        ("Start", styled(q.start, DATE)),
        ("End", styled(q.end, DATE)),
        ("Days", styled(q.days, INTEGER)),
        *_comparison_parameters(data),
        ("Warehouse", str(q.warehouse_path)),
        ("Generated at", styled(generated, TIMESTAMP)),
    ]:
        ws.append([key, value])
    if continued:
        section(
            f"Sheets continued (Excel holds at most {MAX_ROWS:,} rows and {MAX_COLUMNS:,} "
            "columns a sheet)"
        )
        for parts in continued:
            for title, held in _continuations(parts):
                ws.append([title, held])
    section("Data checks: findings that concern these artists, platforms, country and period")
    if len(data.findings):
        table(data.findings[["rule", "message", "severity", "count", "table", "example"]])
    else:
        ws.append(["None", "kit check's rules found nothing that concerns this report."])
    section("Definitions")
    for term, text in DEFINITIONS:
        cell = _cell(ws, text)
        cell.alignment = WRAP
        ws.append([term, cell])
    section("Sources: rows for these artists in the country and period")
    table(origins)
    section("Coverage of the audience (points ÷ days in the period)")
    table(audience[["artist", "platform", "metric", "points", "coverage"]])
    section("Coverage of the track breakdowns (tracks with coverage below 100 %)")
    table(totals[["artist", "platform", "track_count", "partial_tracks", "tracks_without_streams"]])

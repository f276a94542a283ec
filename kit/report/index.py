"""`<output>/index.html`: every report run of a reports folder, newest month first, drawn
from `runs.jsonl` with a Jinja2 template (kit/templates/report_index.html.j2). The page is
static, with inline CSS and no script, and its links are relative, so it opens from the
file system as well as from a web server."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import PeriodError
from ..period import parse_period
from ..templating import page_part
from .history import read_runs

INDEX_FILE = "index.html"
TEMPLATE = "report_index.html.j2"


@dataclass(frozen=True)
class IndexRow:
    """One run as the page shows it: every value ready to print."""

    report: str
    artists: str
    status: str  # ok | failed | skipped
    finished_at: str  # UTC, to the minute
    duration: str
    html: str | None  # relative links
    workbook: str | None
    notebook: str | None
    error: str | None
    mail: str | None  # "sent to …" | "sent: failed (…)" | None
    mail_failed: bool


@dataclass(frozen=True)
class IndexMonth:
    month: str
    runs: list[IndexRow]


def _period_end(period: str) -> dt.date:
    """The last day of a period, for ordering (a 28-day window's end is its own day)."""
    try:
        return parse_period(period, window_start=lambda end: end)[1]
    except PeriodError:  # a failed run for a month such as 2026-13: listed last
        return dt.date.min


def _href(path: str | None) -> str | None:
    return quote(path) if path else None


def _mail(mail: dict | None) -> str | None:
    if not mail:
        return None
    what = "failure notice" if mail.get("kind") == "failure notice" else "sent"
    if mail.get("status") == "sent":
        return f"{what} to {', '.join(mail.get('to') or [])}"
    return f"{what}: failed ({mail.get('error')})"


def _row(run: dict) -> IndexRow:
    finished = run.get("finished_at")
    when = dt.datetime.fromisoformat(finished).strftime("%Y-%m-%d %H:%M UTC") if finished else ""
    failed = run.get("status") == "failed"
    return IndexRow(
        report=run["report"],
        artists=", ".join(run.get("artists") or []),
        status=run.get("status", ""),
        finished_at=when,
        duration="—" if run.get("status") == "skipped" else f"{run.get('seconds', 0):.1f} s",
        html=None if failed else _href(run.get("html")),
        workbook=None if failed else _href(run.get("workbook")),
        notebook=_href(run.get("notebook")),
        error=(run.get("error") or "").splitlines()[0] if failed and run.get("error") else None,
        mail=_mail(run.get("mail")),
        mail_failed=bool(run.get("mail")) and run["mail"].get("status") != "sent",
    )


def index_months(runs: list[dict]) -> list[IndexMonth]:
    """The runs by month, newest month first, newest run first within a month."""
    months: dict[str, list[dict]] = {}
    for run in runs:
        months.setdefault(run["month"], []).append(run)
    ordered = sorted(months, key=lambda m: (_period_end(m), m), reverse=True)
    return [
        IndexMonth(
            month,
            [
                _row(r)
                for r in sorted(
                    months[month], key=lambda r: r.get("finished_at") or "", reverse=True
                )
            ],
        )
        for month in ordered
    ]


def write_index(output: Path, now: dt.datetime | None = None) -> Path:
    """(Re)draw `<output>/index.html` from `<output>/runs.jsonl`; returns its path."""
    output = Path(output)
    now = now or dt.datetime.now(dt.UTC)
    page = page_part(
        TEMPLATE,
        months=index_months(read_runs(output)),
        generated=now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    path = output / INDEX_FILE
    tmp = path.with_name(f".{INDEX_FILE}.tmp")
    tmp.write_text(page, "utf-8")
    tmp.replace(path)  # a reader never sees half a page
    return path

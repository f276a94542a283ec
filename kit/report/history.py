"""The run history of a reports folder: `<output>/runs.jsonl`, one JSON line per report run
(ok, failed or skipped), appended by `kit report`; the index page is drawn from it.

A report is fingerprinted from what decides its content: its notebook parameters, the
notebook, the kit version and the state of the warehouse it reads. A report whose
fingerprint equals that of its last successful run, with its files still there, is
skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
from collections.abc import Sequence
from pathlib import Path

from ..locking import exclusive
from .spec import NOTEBOOK, ReportSpec, RunResult

RUNS_FILE = "runs.jsonl"
LOCK_FILE = ".runs.lock"


def kit_version() -> str:
    return importlib.metadata.version("chartroom-kit")


def fingerprint(parameters: dict, warehouse_state: str) -> str:
    """The digest of a report's parameters, the notebook, the kit version and the warehouse
    state: equal fingerprints give the same report."""
    parts = {
        "parameters": parameters,
        "notebook": hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest(),
        "kit_version": kit_version(),
        "warehouse_state": warehouse_state,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def locked(output: Path) -> contextlib.AbstractContextManager[None]:
    """Two `kit report` runs on one folder append and redraw the index one at a time."""
    return exclusive(output / LOCK_FILE)


def read_runs(output: Path) -> list[dict]:
    """Every run recorded in `<output>/runs.jsonl`, oldest first (none when it is missing)."""
    path = Path(output) / RUNS_FILE
    if not path.exists():
        return []
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _relative(path: Path | None, output: Path) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(output.resolve()).as_posix()
    except ValueError:  # outside the reports folder: keep it whole
        return str(path)


def _utc(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds") if moment else None


def record(
    result: RunResult, output: Path, parameters: dict, warehouse: Path, warehouse_state: str
) -> dict:
    """The history line of one run: what the index shows, plus the parameters (never a
    secret), the kit version and the warehouse state the run read."""
    spec = result.spec
    return {
        "month": spec.period,
        "report": spec.slug,
        "artists": list(spec.artists),
        "status": result.status,
        "started_at": _utc(result.started_at),
        "finished_at": _utc(result.finished_at),
        "seconds": round(result.seconds, 1),
        "html": _relative(result.html, output),
        "workbook": _relative(result.workbook, output),
        "notebook": _relative(result.notebook, output),
        "error": result.error,
        "mail": result.mail.as_record() if result.mail else None,
        "fingerprint": result.fingerprint,
        "parameters": parameters,
        "kit_version": kit_version(),
        "warehouse": {"path": str(warehouse), "state": warehouse_state},
    }


def append_run(output: Path, line: dict) -> None:
    with open(Path(output) / RUNS_FILE, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def last_success(runs: Sequence[dict], spec: ReportSpec) -> dict | None:
    """The newest ok run of the same report (month and name), else None."""
    same = [
        r
        for r in runs
        if r.get("status") == "ok" and r.get("month") == spec.period and r["report"] == spec.slug
    ]
    return max(same, key=lambda r: r.get("finished_at") or "", default=None)


def unchanged(runs: Sequence[dict], spec: ReportSpec, output: Path, digest: str) -> dict | None:
    """The last successful run when this one would give the same report: the same
    fingerprint, and its page and workbook still in the folder; else None."""
    last = last_success(runs, spec)
    if last is None or last.get("fingerprint") != digest:
        return None
    for key in ("html", "workbook"):
        if not last.get(key) or not (Path(output) / last[key]).exists():
            return None
    return last


def already_sent(runs: Sequence[dict], spec: ReportSpec, digest: str, to: Sequence[str]) -> bool:
    """Whether a run of this report with this fingerprint was mailed to all of `to`."""
    for r in runs:
        mail = r.get("mail") or {}
        if (
            r.get("month") == spec.period
            and r.get("report") == spec.slug
            and r.get("fingerprint") == digest
            and mail.get("status") == "sent"
            and set(to) <= set(mail.get("to") or ())
        ):
            return True
    return False

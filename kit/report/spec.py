"""What one report is (`ReportSpec`: its artists, period, platforms, country, who gets it)
and what its run left (`RunResult`), shared by the runner (runs.py), the reports.yaml
reader (plan.py) and the run history (history.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..ids import slug
from ..mail import MailOutcome
from ..period import period_folder
from .blocks import DEFAULT_TOP_N

NOTEBOOK = config.NOTEBOOKS_DIR / "monthly_report.ipynb"


@dataclass(frozen=True)
class ReportSpec:
    """One report to run: its artists (one section each), platforms, country, period."""

    artists: tuple[str, ...]
    period: str
    platforms: tuple[str, ...] = ()
    country: str = "GLOBAL"
    top_n: int = DEFAULT_TOP_N
    name: str | None = None  # the folder and file name; default: the artists' slugs
    mail_to: tuple[str, ...] = ()  # who gets the report by mail
    mail_failures_to: tuple[str, ...] = ()  # who hears of a failure; default: mail_to

    @property
    def slug(self) -> str:
        return self.name or "+".join(slug(a) for a in self.artists)

    @property
    def stem(self) -> str:
        return f"{self.slug}-{period_folder(self.period)}"

    def folder(self, output: Path) -> Path:
        return output / period_folder(self.period) / self.slug

    @property
    def failure_recipients(self) -> tuple[str, ...]:
        return self.mail_failures_to or self.mail_to

    def parameters(self, warehouse: Path | None, folder: Path) -> dict:
        """The values papermill writes into the notebook: never a secret."""
        return {
            "artists": list(self.artists),
            "platforms": list(self.platforms),
            "country": self.country,
            "period": self.period,
            "warehouse": str(warehouse) if warehouse else "",
            "output": str(folder),
            "name": self.stem,
            "top_n": self.top_n,
        }


@dataclass(frozen=True)
class RunResult:
    spec: ReportSpec
    folder: Path
    notebook: Path
    html: Path | None = None
    workbook: Path | None = None
    error: str | None = None
    seconds: float = 0.0
    started_at: dt.datetime | None = None  # UTC
    finished_at: dt.datetime | None = None  # UTC
    skipped: bool = False  # unchanged since its last successful run: not run again
    fingerprint: str | None = None
    mail: MailOutcome | None = None  # None: no mail was asked for

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> str:
        return "failed" if self.error else "skipped" if self.skipped else "ok"

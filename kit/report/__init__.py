"""The monthly report: the notebook's building blocks (`blocks`), the runs behind
`kit report` (`runs`), the reports.yaml they read (`plan`), the run history with the
fingerprints that skip unchanged reports (`history`) and the index page (`index`).

`from kit import report` gives the notebook its calls (`report.query`, `report.load`,
`report.header`, `report.artist_section`, …) and `kit report` its runner
(`report.run_reports`).
"""

from .blocks import (
    DEFAULT_TOP_N,
    artist_section,
    explanation,
    header,
    load,
    noteworthy,
    query,
    save_workbook,
    track_detail,
    what_moved,
)
from .plan import ConfigError, ReportPlan, load_config
from .runs import KERNEL, notebook_html, run_report, run_reports
from .spec import NOTEBOOK, ReportSpec, RunResult

__all__ = [
    "DEFAULT_TOP_N",
    "KERNEL",
    "NOTEBOOK",
    "ConfigError",
    "ReportPlan",
    "ReportSpec",
    "RunResult",
    "artist_section",
    "explanation",
    "header",
    "load",
    "load_config",
    "noteworthy",
    "notebook_html",
    "query",
    "run_report",
    "run_reports",
    "save_workbook",
    "track_detail",
    "what_moved",
]

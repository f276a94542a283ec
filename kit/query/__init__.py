"""The answers, named after their shape: summary, breakdown, timeseries, and the rest.

A `Query` (artists, platforms, country, period) is parsed and validated once against
the warehouse (`core`). The functions run the SQL of kit/sql/ with the query's values as
parameters and return typed pandas DataFrames; the Explorer, the report, the workbook and
the CLI call these and compute nothing else. One module per kind of answer:

- `answers`: summary, breakdown (and its order), breakdown_totals, timeseries,
  track_timeseries, sources, platforms_with_data;
- `tracks`: track detail (positions, growth, comparison);
- `moved`: a period against the one it is compared with (movers, audience comparison);
- `noteworthy`: unusual days and chart events (alerts).

Every SQL statement runs through `core._run`, so one place sees every query.
"""

from ..errors import QueryError
from ..period import PeriodLike
from .answers import (
    BREAKDOWN_ORDER,
    DESCENDING_FIRST,
    PLATFORMS_WITH_DATA_COLUMNS,
    SORTABLE,
    SOURCES_COLUMNS,
    breakdown,
    breakdown_order,
    breakdown_totals,
    platforms_with_data,
    sources,
    summary,
    timeseries,
    track_timeseries,
)
from .core import (
    BREAKDOWN_COLUMNS,
    SUMMARY_COLUMNS,
    TIMESERIES_COLUMNS,
    TOTALS_COLUMNS,
    TRACK_TIMESERIES_COLUMNS,
    Catalogue,
    Query,
    _frame,
    _run,
    catalogue,
)
from .moved import (
    AUDIENCE_COMPARISON_COLUMNS,
    MOVERS_COLUMNS,
    audience_comparison,
    movers,
    previous_period,
)
from .noteworthy import ALERT_COLUMNS, alerts
from .tracks import (
    ALIGNMENTS,
    COMPARISON_COLUMNS,
    GROWTH_COLUMNS,
    POSITIONS_COLUMNS,
    positions,
    resolve_track,
    track_artists,
    track_comparison,
    track_growth,
)

__all__ = [
    "ALERT_COLUMNS",
    "ALIGNMENTS",
    "AUDIENCE_COMPARISON_COLUMNS",
    "BREAKDOWN_COLUMNS",
    "BREAKDOWN_ORDER",
    "COMPARISON_COLUMNS",
    "DESCENDING_FIRST",
    "GROWTH_COLUMNS",
    "MOVERS_COLUMNS",
    "PLATFORMS_WITH_DATA_COLUMNS",
    "POSITIONS_COLUMNS",
    "SORTABLE",
    "SOURCES_COLUMNS",
    "SUMMARY_COLUMNS",
    "TIMESERIES_COLUMNS",
    "TOTALS_COLUMNS",
    "TRACK_TIMESERIES_COLUMNS",
    "Catalogue",
    "PeriodLike",
    "Query",
    "QueryError",
    "_frame",
    "_run",
    "alerts",
    "audience_comparison",
    "breakdown",
    "breakdown_order",
    "breakdown_totals",
    "catalogue",
    "movers",
    "platforms_with_data",
    "positions",
    "previous_period",
    "resolve_track",
    "sources",
    "summary",
    "timeseries",
    "track_artists",
    "track_comparison",
    "track_growth",
    "track_timeseries",
]

"""The answers, named after their shape: summary, breakdown, timeseries, and the rest.

A `Query` (artists, platforms, country, period) is parsed and validated once against
one version of the warehouse, and pinned to it (`core`). The functions run the SQL of kit/sql/ with the query's values as
parameters and return typed pandas DataFrames; the Explorer, the report, the workbook and
the CLI call these and compute nothing else. One module per kind of answer:

- `answers`: summary, breakdown (and its order), breakdown_totals, timeseries,
  track_timeseries, sources, platforms_with_data;
- `tracks`: track detail (positions, growth, comparison), and an artist × platform row's
  breakdown, footer, series and growth in one call (breakdown_and_series);
- `moved`: a period against the one it is compared with (movers, their order and footer,
  audience comparison);
- `noteworthy`: unusual days and chart events (alerts, and those of a query's period);
- `catalogue`: what a warehouse holds (artists, platforms with data, spans), read once per
  version and kept, which is what validating a Query reads.

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
from .catalogue import Catalogue, catalogue
from .core import (
    BREAKDOWN_COLUMNS,
    SUMMARY_COLUMNS,
    TIMESERIES_COLUMNS,
    TOTALS_COLUMNS,
    TRACK_TIMESERIES_COLUMNS,
    Query,
    _frame,
    _run,
)
from .moved import (
    AUDIENCE_COMPARISON_COLUMNS,
    LARGEST_FIRST,
    MOVERS_COLUMNS,
    MOVERS_ORDER,
    MOVERS_TOTALS_COLUMNS,
    STATUS_ORDER,
    audience_comparison,
    movers,
    movers_order,
    movers_totals,
    order_movers,
    previous_period,
)
from .noteworthy import ALERT_COLUMNS, alerts, period_alerts
from .tracks import (
    ALIGNMENTS,
    COMPARISON_COLUMNS,
    GROWTH_COLUMNS,
    POSITIONS_COLUMNS,
    BreakdownAndSeries,
    breakdown_and_series,
    positions,
    resolve_track,
    track_artists,
    track_comparison,
    track_growth,
    track_series_and_growth,
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
    "LARGEST_FIRST",
    "MOVERS_COLUMNS",
    "MOVERS_ORDER",
    "MOVERS_TOTALS_COLUMNS",
    "PLATFORMS_WITH_DATA_COLUMNS",
    "POSITIONS_COLUMNS",
    "SORTABLE",
    "STATUS_ORDER",
    "SOURCES_COLUMNS",
    "SUMMARY_COLUMNS",
    "TIMESERIES_COLUMNS",
    "TOTALS_COLUMNS",
    "TRACK_TIMESERIES_COLUMNS",
    "BreakdownAndSeries",
    "Catalogue",
    "PeriodLike",
    "Query",
    "QueryError",
    "_frame",
    "_run",
    "alerts",
    "audience_comparison",
    "breakdown",
    "breakdown_and_series",
    "breakdown_order",
    "breakdown_totals",
    "catalogue",
    "movers",
    "movers_order",
    "movers_totals",
    "order_movers",
    "period_alerts",
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
    "track_series_and_growth",
    "track_timeseries",
]

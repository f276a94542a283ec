"""The kit's refusals, in one module below every other, so any layer can raise or catch
them without importing the layer that usually raises them.

Each says what is wrong and what to change; the command line prints it in one line and
exits with code 2, the Explorer shows it in its error box.
"""

from __future__ import annotations


class QueryError(ValueError):
    """A query that cannot be answered as asked; the message says what to change."""


class PeriodError(ValueError):
    """A period that cannot be read: not YYYY-MM, YYYY-MM-DD:YYYY-MM-DD or 28d:YYYY-MM-DD."""


class SparkUnavailable(QueryError):
    """No Spark session could be started; the message says what is missing."""


class TranslationError(ValueError):
    """DuckDB SQL of kit/sql/ or kit.query that cannot be run on Spark as written."""

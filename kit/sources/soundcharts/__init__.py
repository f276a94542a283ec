"""SoundCharts: an artist's audience, songs, song streams and chart ranks, fetched into the
warehouse with few calls, nothing lost and nothing asked twice.

    from kit.sources.soundcharts import is_configured, fetch_artist, fetch_missing_tracks

Credentials come from SOUNDCHARTS_APP_ID / SOUNDCHARTS_API_KEY (environment or `.env`);
SOUNDCHARTS_BASE_URL points at another server (a local test server). See README, "SoundCharts".
"""

from .cache import ResponseCache
from .client import (
    AuthError,
    BadResponse,
    Credentials,
    NotConfigured,
    NotFound,
    QuotaExceeded,
    RateLimited,
    RetryPolicy,
    ServerError,
    SoundChartsClient,
    SoundChartsError,
    Timeout,
    is_configured,
)
from .fetch import fetch_artist, fetch_missing_tracks
from .windows import date_windows
from .writing import FetchSummary

__all__ = [
    "AuthError",
    "BadResponse",
    "Credentials",
    "FetchSummary",
    "NotConfigured",
    "NotFound",
    "QuotaExceeded",
    "RateLimited",
    "ResponseCache",
    "RetryPolicy",
    "ServerError",
    "SoundChartsClient",
    "SoundChartsError",
    "Timeout",
    "date_windows",
    "fetch_artist",
    "fetch_missing_tracks",
    "is_configured",
]

"""A small, synchronous SoundCharts API client on httpx, safe inside a Jupyter kernel.

- Credentials come from the environment or a `.env` file (kit.config.setting):
  SOUNDCHARTS_APP_ID, SOUNDCHARTS_API_KEY, and SOUNDCHARTS_BASE_URL for a sandbox or a
  local test server. The key travels in the `x-api-key` header only: it is never part of
  a URL, a cache key, a log line, an exception message or a repr.
- Parameters are sent as given, 0 included (`mainPerformer=0`, `currentOnly=0` mean
  something); only None is left out.
- 5xx answers and timeouts are retried with exponential backoff and full jitter; a 429 waits
  for Retry-After or x-ratelimit-reset; a spent quota raises QuotaExceeded at once.
- Every answer (200, or a 400/404 that says "not here") is cached on disk through
  `ResponseCache`, so asking again costs nothing.
- No asyncio: threads give the concurrency (httpx.Client is thread-safe), so the client
  runs the same in a script, the CLI and a running notebook event loop.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .cache import CachedResponse, ResponseCache, request_key

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://customer.api.soundcharts.com"
PAGE_LIMIT = 100  # the API's maximum page size
SANDBOX_APP_ID = SANDBOX_API_KEY = "soundcharts"


# ---------------------------------------------------------------- errors


class SoundChartsError(Exception):
    """A request that did not give data. Carries the endpoint and the API's errors[] message."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        status: int | None = None,
        api_message: str | None = None,
    ) -> None:
        self.message = message
        self.endpoint = endpoint
        self.status = status
        self.api_message = api_message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.api_message:
            parts.append(f"API says: {self.api_message}")
        text = "; ".join(parts)
        return f"{self.endpoint}: {text}" if self.endpoint else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class NotConfigured(SoundChartsError):
    """SOUNDCHARTS_APP_ID / SOUNDCHARTS_API_KEY are not set."""


class AuthError(SoundChartsError):
    """401 or 403: the credentials are wrong, or the plan does not include this endpoint."""


class NotFound(SoundChartsError):
    """404, or a 400 naming an unknown platform/entity: there is nothing to fetch here."""


class RateLimited(SoundChartsError):
    """429 that did not clear after the waits it asked for."""


class QuotaExceeded(SoundChartsError):
    """The monthly quota is spent: no further request can succeed."""


class ServerError(SoundChartsError):
    """5xx after every retry."""


class Timeout(SoundChartsError):
    """No answer in time, after every retry."""


class BadResponse(SoundChartsError):
    """An answer that is not the JSON the API documents."""


# ---------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    app_id: str
    api_key: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL

    @classmethod
    def from_env(cls) -> Credentials:
        from ... import config

        app_id = (config.setting("SOUNDCHARTS_APP_ID") or "").strip()
        api_key = (config.setting("SOUNDCHARTS_API_KEY") or "").strip()
        if not app_id or not api_key:
            raise NotConfigured(
                "SoundCharts is not set up: set SOUNDCHARTS_APP_ID and SOUNDCHARTS_API_KEY in "
                "the environment or in a .env file (sandbox: soundcharts / soundcharts)."
            )
        base_url = (config.setting("SOUNDCHARTS_BASE_URL") or "").strip() or DEFAULT_BASE_URL
        return cls(app_id, api_key, base_url.rstrip("/"))


def is_configured() -> bool:
    """Whether SoundCharts credentials are available (environment or .env)."""
    try:
        Credentials.from_env()
    except NotConfigured:
        return False
    return True


# ---------------------------------------------------------------- retry policy


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # for 5xx and timeouts
    backoff_base: float = 0.5  # seconds; attempt n waits up to base × 2^n (full jitter)
    backoff_cap: float = 30.0
    rate_limit_attempts: int = 8  # 429s waited out for one request
    max_rate_limit_wait: float = 300.0  # a longer Retry-After is reported, not slept

    def backoff(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds to wait from Retry-After (seconds or HTTP date) or x-ratelimit-reset."""
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value)
            if parsed is not None:
                return max(0.0, parsed.timestamp() - time.time())
    value = headers.get("x-ratelimit-reset")
    if value:
        try:
            reset = float(value)
        except ValueError:
            return None
        # an epoch timestamp, or (as SoundCharts sends it) seconds until the window resets
        return max(0.0, reset - time.time()) if reset > 1e9 else reset
    return None


def _api_message(body: Any) -> str | None:
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            messages = [str(e.get("message")) for e in errors if isinstance(e, dict)]
            return "; ".join(m for m in messages if m and m != "None") or None
        if isinstance(body.get("message"), str):
            return body["message"]
    return None


def _is_quota_message(message: str | None) -> bool:
    return bool(message) and "quota" in message.lower()


def describe(path: str, params: Mapping[str, Any] | None) -> str:
    """'GET /path?a=1&b=2' with sorted parameters: how requests are named in errors and logs."""
    query = "&".join(f"{k}={v}" for k, v in sorted((params or {}).items()) if v is not None)
    return f"GET {path}" + (f"?{query}" if query else "")


# ---------------------------------------------------------------- the client


@dataclass
class CallStats:
    calls: int = 0  # HTTP requests sent (retries included)
    cached: int = 0  # requests answered from the cache
    retries: int = 0
    quota_remaining: int | None = None  # from the latest answer of the API
    cached_quota: tuple[str, int] | None = None  # (fetched at, figure) of the newest cached answer

    @property
    def last_known_quota(self) -> int | None:
        if self.quota_remaining is not None:
            return self.quota_remaining
        return self.cached_quota[1] if self.cached_quota else None


class SoundChartsClient:
    """GET requests with retries, rate-limit waits, quota tracking and an on-disk cache."""

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        cache: ResponseCache | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
    ) -> None:
        creds = credentials or Credentials.from_env()
        self.base_url = creds.base_url
        self.cache = cache
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.stats = CallStats()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._quota_spent = False
        self._in_flight: dict[str, threading.Event] = {}
        self._http = httpx.Client(
            base_url=creds.base_url,
            headers={"x-app-id": creds.app_id, "x-api-key": creds.api_key},
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return f"SoundChartsClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SoundChartsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict:
        """The JSON body of GET `path`, from the cache when it has it."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        if self.cache is None:
            return self._ask(path, clean)
        # one request at a time per key: a twin waits and reads the answer from the cache
        key = request_key("GET", path, clean)
        with self._lock:
            running = self._in_flight.get(key)
            if running is None:
                self._in_flight[key] = threading.Event()
        if running is not None:
            running.wait()
            return self._ask(path, clean)
        try:
            return self._ask(path, clean)
        finally:
            with self._lock:
                self._in_flight.pop(key).set()

    def _ask(self, path: str, clean: dict) -> dict:
        endpoint = describe(path, clean)
        if self.cache is not None:
            hit = self.cache.get("GET", path, clean)
            if hit is not None:
                with self._lock:
                    self.stats.cached += 1
                    if hit.quota_remaining is not None:
                        seen = self.stats.cached_quota
                        stamp = hit.fetched_at.isoformat()
                        if seen is None or stamp > seen[0]:
                            self.stats.cached_quota = (stamp, hit.quota_remaining)
                return self._from_cache(hit, endpoint)
        with self._lock:
            if self._quota_spent:
                raise QuotaExceeded("quota spent earlier in this run; not asked", endpoint=endpoint)
        return self._send(path, clean, endpoint)

    def _from_cache(self, hit: CachedResponse, endpoint: str) -> dict:
        if hit.status == 404:
            raise NotFound("not found (cached answer)", endpoint=endpoint, status=404,
                           api_message=_api_message(hit.body))  # fmt: skip
        return hit.body

    def _send(self, path: str, params: dict, endpoint: str) -> dict:
        failures = 0
        rate_limited = 0
        while True:
            with self._lock:
                self.stats.calls += 1
            try:
                response = self._http.get(path, params=params)
            except httpx.TimeoutException:
                failures += 1
                if failures >= self.retry.attempts:
                    raise Timeout(
                        f"no answer after {failures} attempts", endpoint=endpoint
                    ) from None
                self._wait_backoff(failures, endpoint, "timeout")
                continue
            except httpx.TransportError as exc:
                failures += 1
                if failures >= self.retry.attempts:
                    raise ServerError(
                        f"connection failed after {failures} attempts ({type(exc).__name__})",
                        endpoint=endpoint,
                    ) from None
                self._wait_backoff(failures, endpoint, type(exc).__name__)
                continue

            self._track_quota(response.headers)
            status = response.status_code
            if status == 200:
                body = self._json(response, endpoint)
                if self.cache is not None:
                    self.cache.put("GET", path, params, status, body, self.stats.quota_remaining)
                return body

            body = self._json_or_none(response)
            message = _api_message(body)
            if status == 429:
                quota_zero = self.stats.quota_remaining == 0
                if _is_quota_message(message) or quota_zero:
                    self._spend_quota()
                    raise QuotaExceeded(
                        "monthly quota spent", endpoint=endpoint, status=status, api_message=message
                    )
                rate_limited += 1
                wait = _retry_after(response.headers)
                if wait is None:
                    wait = self.retry.backoff(rate_limited, self._rng)
                if (
                    rate_limited > self.retry.rate_limit_attempts
                    or wait > self.retry.max_rate_limit_wait
                ):
                    raise RateLimited(
                        f"still rate limited after {rate_limited} waits (next wait {wait:.1f} s)",
                        endpoint=endpoint,
                        status=status,
                        api_message=message,
                    )
                log.info("%s: rate limited, waiting %.2f s", endpoint, wait)
                with self._lock:
                    self.stats.retries += 1
                self.sleep(wait)
                continue
            if status >= 500:
                failures += 1
                if failures >= self.retry.attempts:
                    raise ServerError(
                        f"server error after {failures} attempts",
                        endpoint=endpoint,
                        status=status,
                        api_message=message,
                    )
                self._wait_backoff(failures, endpoint, f"HTTP {status}")
                continue
            if status in (401, 403):
                if _is_quota_message(message):
                    self._spend_quota()
                    raise QuotaExceeded(
                        "monthly quota spent", endpoint=endpoint, status=status, api_message=message
                    )
                raise AuthError(
                    "not authorised (check SOUNDCHARTS_APP_ID / SOUNDCHARTS_API_KEY, or the plan)",
                    endpoint=endpoint,
                    status=status,
                    api_message=message,
                )
            if status in (400, 404):
                # "unknown platform", "song not found": a stable answer, cached like data
                if self.cache is not None:
                    self.cache.put("GET", path, params, 404, body, self.stats.quota_remaining)
                raise NotFound("not found", endpoint=endpoint, status=status, api_message=message)
            raise SoundChartsError(
                "unexpected answer", endpoint=endpoint, status=status, api_message=message
            )

    def _wait_backoff(self, failures: int, endpoint: str, why: str) -> None:
        wait = self.retry.backoff(failures, self._rng)
        log.info("%s: %s, retry %d in %.2f s", endpoint, why, failures, wait)
        with self._lock:
            self.stats.retries += 1
        self.sleep(wait)

    def _track_quota(self, headers: httpx.Headers) -> None:
        value = headers.get("x-quota-remaining")
        if value is None:
            return
        try:
            remaining = int(float(value))
        except ValueError:
            return
        with self._lock:
            # under concurrency answers arrive out of order: the lowest figure is the latest
            current = self.stats.quota_remaining
            self.stats.quota_remaining = remaining if current is None else min(current, remaining)
            if remaining <= 0:
                self._quota_spent = True

    def _spend_quota(self) -> None:
        with self._lock:
            self._quota_spent = True
            self.stats.quota_remaining = 0

    @staticmethod
    def _json(response: httpx.Response, endpoint: str) -> dict:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            raise BadResponse(
                f"the answer is not JSON ({len(response.content)} bytes)",
                endpoint=endpoint,
                status=response.status_code,
            ) from None
        if not isinstance(body, dict):
            raise BadResponse(
                "the answer is not a JSON object", endpoint=endpoint, status=response.status_code
            )
        return body

    @staticmethod
    def _json_or_none(response: httpx.Response) -> Any:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            return None

    # -- collections

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict]:
        """Every page of a collection, 100 items at a time, following `page.next`."""
        params = dict(params or {})
        offset = int(params.pop("offset", 0) or 0)
        while True:
            body = self.get(path, {**params, "offset": offset, "limit": PAGE_LIMIT})
            yield body
            page = body.get("page") or {}
            items = body.get("items") or []
            if not isinstance(page, dict) or not page.get("next") or not items:
                total = page.get("total") if isinstance(page, dict) else None
                # some collections leave `next` empty but give a total: trust the total
                if not (isinstance(total, int) and items and offset + len(items) < total):
                    return
            offset += len(items)

    def collect(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        """All items of a collection, in order."""
        items: list[dict] = []
        for body in self.pages(path, params):
            page_items = body.get("items")
            if page_items is None:
                page_items = []
            if not isinstance(page_items, list):
                raise BadResponse("`items` is not a list", endpoint=describe(path, params))
            items.extend(page_items)
        return items

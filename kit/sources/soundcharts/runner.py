"""The concurrent runner: request tasks on a bounded thread pool, stop reasons, progress."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .client import AuthError, NotFound, QuotaExceeded, SoundChartsClient, SoundChartsError
from .writing import FetchSummary

Progress = bool | Callable[[int, int], None] | None


class Runner:
    """Runs request tasks on a bounded pool, keeps the first stop reason, shows progress."""

    def __init__(self, client: SoundChartsClient, concurrency: int, progress: Progress, label: str):
        self.client = client
        self.pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
        self.summary = FetchSummary()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.done = 0
        self.total = 0
        self.callback = progress if callable(progress) else None
        self.bar = None
        if progress is True:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=0, desc=label, unit="req")

    def run(
        self,
        tasks: Sequence[tuple[Any, Callable[[], Any]]],
        refusals: dict[Any, SoundChartsError] | None = None,
    ) -> dict[Any, Any]:
        """{key: result} for the tasks that succeeded; failures go into the summary.

        A refusal that concerns one dataset (404, 400, a 403 outside the plan) is noted as
        skipped, or, when `refusals` is given, put there by key for the caller to name in
        its own words; the run goes on either way."""
        with self.lock:
            self.total += len(tasks)
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()
        futures = [(key, self.pool.submit(self._one, key, fn, refusals)) for key, fn in tasks]
        results = {}
        for key, future in futures:
            ok, value = future.result()
            if ok:
                results[key] = value
        return results

    def _one(
        self, key: Any, fn: Callable[[], Any], refusals: dict[Any, SoundChartsError] | None
    ) -> tuple[bool, Any]:
        try:
            if self.stop.is_set():
                return False, None
            return True, fn()
        except QuotaExceeded:
            self._note_stop("quota")
            return False, None
        except AuthError as exc:
            if exc.status == 401:
                self._note_stop(f"auth ({exc})")
                self.stop.set()
            else:
                self._refused(key, exc, refusals)
            return False, None
        except NotFound as exc:
            self._refused(key, exc, refusals)
            return False, None
        except SoundChartsError as exc:
            self.note("failed", str(exc))
            return False, None
        finally:
            self._tick()

    def _refused(
        self, key: Any, exc: SoundChartsError, refusals: dict[Any, SoundChartsError] | None
    ) -> None:
        if refusals is None:
            self.note("skipped", str(exc))
        else:
            with self.lock:
                refusals[key] = exc

    def _note_stop(self, reason: str) -> None:
        with self.lock:
            if self.summary.stopped_reason is None:
                self.summary.stopped_reason = reason

    def note(self, kind: str, text: str) -> None:
        """Add `text` to the summary's 'failed' or 'skipped' list."""
        with self.lock:
            getattr(self.summary, kind).append(text)

    def _tick(self) -> None:
        with self.lock:
            self.done += 1
            done, total = self.done, self.total
        stats = self.client.stats
        if self.bar is not None:
            self.bar.set_postfix(
                calls=stats.calls,
                cached=stats.cached,
                quota="?" if stats.last_known_quota is None else f"{stats.last_known_quota:,}",
                refresh=False,
            )
            self.bar.update(1)
        if self.callback is not None:
            self.callback(done, total)

    def close(self) -> FetchSummary:
        """Wait for the pool, close the bar, copy the client's counts into the summary."""
        self.pool.shutdown(wait=True)
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        stats = self.client.stats
        self.summary.calls = stats.calls
        self.summary.cached = stats.cached
        self.summary.retries = stats.retries
        self.summary.quota_remaining = stats.last_known_quota
        return self.summary

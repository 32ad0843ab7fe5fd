"""``DistributedCheckPool``: the local ``CheckPool``'s interface over Celery tasks."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine import CheckOptions, ClosesOnExit, failed_entry
from ..report import DocumentEntry
from .app import TASK_NAME, make_app

__all__ = ["DistributedCheckPool", "crawl_pool_factory"]

# A document larger than this is not put on the broker (messages of hundreds of MB hurt Redis and RabbitMQ).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class DistributedCheckPool(ClosesOnExit):
    """Send each check to the workers; ``submit`` returns a Future that always yields a report entry.

    Waiting for results happens in threads, so the crawl's event loop never blocks (wrap the future with
    ``asyncio.wrap_future``, as for the local pool)."""

    def __init__(
        self,
        options: CheckOptions | None = None,
        broker: str | None = None,
        run_id: str | None = None,
        waiters: int = 64,
    ) -> None:
        self.options = options or CheckOptions()
        self.run_id = run_id
        self.app = make_app(broker)
        self._waiters = ThreadPoolExecutor(max_workers=waiters, thread_name_prefix="tillgang-wait")
        time_limit = float(self.app.conf.task_time_limit or self.options.limits.timeout_s)
        visibility = float(self.app.conf.broker_transport_options.get("visibility_timeout", 0))
        # Long enough for one redelivery after a worker machine died, then the document gets an error.
        self.wait_s = time_limit * 2 + visibility + 30

    def _payload(self, path: str, source: str) -> dict[str, Any]:
        limits = self.options.limits
        return {
            "run_id": self.run_id,
            "source": source,
            "name": Path(path).name,
            "content": base64.b64encode(Path(path).read_bytes()).decode("ascii"),
            "options": {
                "lang": self.options.lang,
                "timeout_s": limits.timeout_s,
                "max_file_bytes": limits.max_file_bytes,
                "max_html_bytes": limits.max_html_bytes,
                "rules": sorted(self.options.rules) if self.options.rules is not None else None,
                "rule_set": self.options.rule_set,
            },
        }

    def submit(self, path: str, source: str | None = None) -> Future[DocumentEntry]:
        src = source or path
        return self._waiters.submit(self._check, path, src)

    def _check(self, path: str, source: str) -> DocumentEntry:
        from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

        lang = self.options.lang
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            return failed_entry(path, source, "corrupt", f"cannot read the file: {exc}", lang)
        if size > min(self.options.limits.max_file_bytes, MAX_MESSAGE_BYTES):
            return failed_entry(
                path, source, "too-large", f"{size} bytes, too large to send to a worker", lang
            )
        try:
            result = self.app.send_task(TASK_NAME, args=(self._payload(path, source),))
            entry: DocumentEntry = result.get(timeout=self.wait_s, propagate=True)
            result.forget()
            return entry
        except (TimeLimitExceeded, SoftTimeLimitExceeded):
            return failed_entry(
                path, source, "timeout", f"more than {self.options.limits.timeout_s:g} s", lang
            )
        except Exception as exc:  # a lost worker child, a broker that went away: this document only
            name = type(exc).__name__
            if name == "TimeoutError":
                detail = f"no worker answered within {self.wait_s:g} s"
                return failed_entry(path, source, "timeout", detail, lang)
            return failed_entry(path, source, "internal", f"the worker failed: {name}: {exc}", lang)

    def close(self) -> None:
        self._waiters.shutdown(wait=True)

    def terminate(self) -> None:
        self._waiters.shutdown(wait=False, cancel_futures=True)


def crawl_pool_factory(broker: str) -> Callable[[CheckOptions, int, str], DistributedCheckPool]:
    """The crawl's check pool over Celery workers (``Crawl(pool_factory=...)``): (check options, local worker
    count, run id) -> a pool with enough waiting threads for the checks the crawl keeps in flight."""

    def make(options: CheckOptions, jobs: int, run_id: str) -> DistributedCheckPool:
        return DistributedCheckPool(options, broker=broker, run_id=run_id, waiters=max(4 * jobs, 32))

    return make


if TYPE_CHECKING:  # mypy checks here that this pool has the interface of pools.FutureCheckPool
    from ..pools import FutureCheckPool

    def _conforms(pool: DistributedCheckPool) -> FutureCheckPool:
        return pool

"""What a check pool is: the interface the three pools share, as Protocols.

There are three pools of worker processes that check documents under the hard per-document time limit:

- ``engine.CheckPool``: this machine's pebble pool (``tillgang check``, the register's upload page);
- ``crawl.aiopool.AsyncCheckPool``: this machine's workers driven from the crawl's event loop;
- ``distributed.pool.DistributedCheckPool``: Celery workers on other machines.

Their ``submit`` cannot have one return type: the async pool answers with an ``asyncio.Future`` (created in,
and resolved by, the running loop, with no thread in between; that is its reason to exist), the other two with
a ``concurrent.futures.Future`` (resolved from a thread; from asyncio it is wrapped with
``asyncio.wrap_future``). So there are three Protocols:

- :class:`CheckPool`, the shared subset that every pool has and that the crawl relies on: ``options``,
  ``submit`` returning either kind of future, ``close`` and ``terminate``. The caller awaits an
  ``asyncio.Future`` directly and wraps the other kind.
- :class:`FutureCheckPool`, for synchronous callers: ``submit`` returns a ``concurrent.futures.Future`` and the
  pool is a context manager (``engine.CheckPool``, ``DistributedCheckPool``).
- :class:`PageCheckPool`, a pool that also checks a fetched page from its bytes (``submit_page``), as the
  crawl's ``AsyncCheckPool`` does; the crawl sends a page as a file to any other pool.

Whatever the pool, every future yields a report entry (``report.DocumentEntry``), never an exception: a
timeout, a dead worker or exhausted memory becomes that document's ``error``.

Engine layer: this module imports nothing from tillgang at run time.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import TYPE_CHECKING, Protocol, Self, runtime_checkable

if TYPE_CHECKING:
    from .engine import CheckOptions
    from .engine import CheckPool as LocalCheckPool
    from .report import DocumentEntry

__all__ = ["CheckPool", "FutureCheckPool", "PageCheckPool"]


@runtime_checkable
class CheckPool(Protocol):
    """The interface every check pool has (see the module's docstring for why ``submit`` has two kinds of
    result). ``close`` waits for the work in hand; ``terminate`` stops now (what is unfinished gets an error
    or is dropped, depending on the pool)."""

    options: CheckOptions

    def submit(
        self, path: str, source: str | None = None
    ) -> Future[DocumentEntry] | asyncio.Future[DocumentEntry]: ...

    def close(self) -> None: ...

    def terminate(self) -> None: ...


@runtime_checkable
class FutureCheckPool(CheckPool, Protocol):
    """A pool for synchronous callers: ``concurrent.futures.Future`` results, and a context manager that
    closes on a normal exit and terminates on an exception."""

    def submit(self, path: str, source: str | None = None) -> Future[DocumentEntry]: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


@runtime_checkable
class PageCheckPool(CheckPool, Protocol):
    """A pool driven from the event loop that also checks a fetched page from its bytes.

    ``submit_page``'s entry also carries the page's links under ``crawl.inline.PAGE_LINKS`` (taken off by the
    crawler before the entry is stored)."""

    def submit(self, path: str, source: str | None = None) -> asyncio.Future[DocumentEntry]: ...

    def submit_page(
        self, data: bytes, source: str, content_type: str | None, sha256: str | None, base_url: str
    ) -> asyncio.Future[DocumentEntry]: ...


if TYPE_CHECKING:  # mypy checks here that the engine's pebble pool has the interface of FutureCheckPool

    def _local_conforms(pool: LocalCheckPool) -> FutureCheckPool:
        return pool

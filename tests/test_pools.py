"""Every check pool has the interface of ``tillgang.pools`` (mypy checks the same statically, in src)."""

from __future__ import annotations

import asyncio

from tillgang.crawl.aiopool import AsyncCheckPool
from tillgang.distributed.pool import DistributedCheckPool
from tillgang.engine import CheckOptions, CheckPool
from tillgang.pools import CheckPool as CheckPoolProtocol
from tillgang.pools import FutureCheckPool, PageCheckPool


def test_the_local_pool_is_a_future_check_pool() -> None:
    with CheckPool(CheckOptions(), jobs=1) as pool:
        assert isinstance(pool, CheckPoolProtocol)
        assert isinstance(pool, FutureCheckPool)
        assert not isinstance(pool, PageCheckPool)


def test_the_crawl_pool_is_a_page_check_pool() -> None:
    async def make() -> None:
        pool = AsyncCheckPool(CheckOptions(), jobs=1)
        try:
            assert isinstance(pool, CheckPoolProtocol)
            assert isinstance(pool, PageCheckPool)
            assert not isinstance(pool, FutureCheckPool)  # no context manager: the crawl closes it itself
        finally:
            pool.terminate()

    asyncio.run(make())


def test_the_distributed_pool_is_a_future_check_pool() -> None:
    pool = DistributedCheckPool(CheckOptions(), broker="memory://", waiters=1)  # connects to nothing yet
    try:
        assert isinstance(pool, CheckPoolProtocol)
        assert isinstance(pool, FutureCheckPool)
    finally:
        pool.close()


def test_something_without_terminate_is_no_check_pool() -> None:
    class Half:
        options = CheckOptions()

        def submit(self, path: str, source: str | None = None) -> None: ...

        def close(self) -> None: ...

    assert not isinstance(Half(), CheckPoolProtocol)

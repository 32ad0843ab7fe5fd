"""The crawl's pipeline pieces: grouped state writes, pages checked from their bytes with their links, the
fallback when a check gives no links, the HTTP transport's closed-connection test, the workers' priority."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import httpx
import pytest

from tillgang.crawl import run as crawl_run
from tillgang.crawl import transport
from tillgang.crawl.inline import PAGE_LINKS, check_page_bytes, links_of
from tillgang.crawl.state import Resource, StateStore
from tillgang.engine import CheckOptions, CheckPool
from tillgang.limits import DEFAULT_LIMITS

from .conftest import Site
from .test_crawl import config, html, run

# ------------------------------------------------------------------ grouped writes in the state file


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _resource(url: str, entry: dict[str, Any]) -> Resource:
    return Resource(url, '"e1"', None, "ab" * 32, 10, "text/html", 200, 1.0, "cat", "page", entry, [])


def test_state_writes_wait_for_the_group_then_land_together(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = StateStore(path, group_commit_s=3600)  # only an explicit sync writes
    store.start_run("r1", "site", {})
    store.add_frontier("r1", "https://k.se/a", "https://k.se/a", 0, "start", "queued", None, 1)
    entry = {"url": "https://k.se/a", "rules": {}}
    store.complete("r1", "https://k.se/a", "page", entry, "done", _resource("https://k.se/a", entry))
    # another connection (a second process) sees nothing yet; this store answers from what is pending
    assert _rows(path, "SELECT count(*) FROM results") == [(0,)]
    pending = store.resource("https://k.se/a")
    assert pending is not None and pending.etag == '"e1"'
    # a read syncs first: the frontier row, the state update and the result land in one transaction
    assert list(store.results("r1")) == [("https://k.se/a", "page", entry)]
    assert _rows(path, "SELECT url, state FROM frontier") == [("https://k.se/a", "done")]
    assert _rows(path, "SELECT url, etag FROM resources") == [("https://k.se/a", '"e1"')]
    store.close()


def test_state_group_is_written_when_due_and_on_close(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = StateStore(path, group_commit_s=0.05)
    store.start_run("r1", "site", {})
    store.add_referrer("r1", "https://k.se/b", "https://k.se/a")
    store.sync_if_due()
    assert _rows(path, "SELECT count(*) FROM referrers") == [(0,)]  # not due yet
    time.sleep(0.06)
    store.sync_if_due()
    assert _rows(path, "SELECT count(*) FROM referrers") == [(1,)]
    store.add_referrer("r1", "https://k.se/c", "https://k.se/a")
    store.close()  # whatever is pending is written when the store closes
    assert _rows(path, "SELECT url FROM referrers ORDER BY url") == [("https://k.se/b",), ("https://k.se/c",)]


def test_state_transaction_that_fails_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = StateStore(path, group_commit_s=0)
    store.start_run("r1", "site", {})
    with pytest.raises(RuntimeError), store.transaction():
        store.add_frontier("r1", "https://k.se/x", "https://k.se/x", 1, "link", "queued", None, 1)
        store.add_referrer("r1", "https://k.se/x", "https://k.se/")
        raise RuntimeError("the page's links could not be admitted")
    with store.transaction():
        store.add_frontier("r1", "https://k.se/y", "https://k.se/y", 1, "link", "queued", None, 2)
    store.close()
    assert _rows(path, "SELECT url FROM frontier") == [("https://k.se/y",)]
    assert _rows(path, "SELECT count(*) FROM referrers") == [(0,)]


def test_resource_lookup_across_stores_knows_only_fetched_urls(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = StateStore(path)
    entry = {"url": "https://k.se/a"}
    store.complete("r0", "https://k.se/a", "page", entry, "done", _resource("https://k.se/a", entry))
    store.close()
    again = StateStore(path)
    assert again.resource("https://k.se/ny") is None
    found = again.resource("https://k.se/a")
    assert found is not None and found.entry == entry and found.sha256 == "ab" * 32
    again.close()


# ------------------------------------------------------------------ a page's links come back with its check

PAGE = (
    b'<!doctype html><html lang="sv"><head><title>Start</title><base href="/bas/">'
    b'<link rel="canonical" href="https://k.se/start"><meta name="robots" content="noarchive"></head>'
    b'<body><main><h1>Start</h1><a href="a">A</a><a href="https://k.se/b" rel="nofollow">B</a>'
    b'<a href="mailto:x@k.se">post</a></main></body></html>'
)


def test_page_check_returns_its_links_from_the_checkers_tree() -> None:
    entry = check_page_bytes(
        PAGE, "https://k.se/", "text/html; charset=utf-8", CheckOptions(), None, "https://k.se/"
    )
    assert entry["error"] is None and entry["rules"]["document-title"] == "passed"
    page = links_of(entry)
    assert PAGE_LINKS not in entry  # taken off: it is not part of the report
    assert page is not None
    assert page.links == [("https://k.se/bas/a", False), ("https://k.se/b", True)]
    assert page.canonical == "https://k.se/start" and page.meta_robots == "noarchive"
    assert links_of({"error": None}) is None  # no links (a check that timed out): the crawler parses itself


def test_page_the_checker_refuses_still_gives_its_links() -> None:
    limits = DEFAULT_LIMITS.with_overrides(max_html_bytes=100)
    entry = check_page_bytes(
        PAGE, "https://k.se/", "text/html", CheckOptions(limits=limits), None, "https://k.se/"
    )
    assert entry["error"]["code"] == "too-large" and "rules" not in entry
    page = links_of(entry)
    assert page is not None and ("https://k.se/bas/a", False) in page.links


class _PoolWithoutLinks:
    """A pool whose page checks come back without links, as after a timeout or a dead worker."""

    def __init__(self, options: CheckOptions, jobs: int) -> None:
        self.inner = CheckPool(options, jobs)
        self.page_checks = 0

    def submit(self, path: str, source: str | None = None) -> Future[dict[str, Any]]:
        return self.inner.submit(path, source)

    def submit_page(self, data: bytes, source: str, *args: Any) -> Future[dict[str, Any]]:
        self.page_checks += 1
        out: Future[dict[str, Any]] = Future()
        out.set_result(
            {
                "source": source,
                "format": None,
                "sha256": None,
                "size": len(data),
                "error": {"code": "timeout", "message": "för lång tid"},
            }
        )
        return out

    def close(self) -> None:
        self.inner.close()

    def terminate(self) -> None:
        self.inner.terminate()


def test_links_of_a_page_whose_check_failed_are_followed(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", html('<a href="/a">A</a>'))
    site.page("/a", html('<a href="/b">B</a>'))
    site.page("/b", html("B"))
    pools: list[_PoolWithoutLinks] = []

    def make_pool(options: CheckOptions, jobs: int, run_id: str) -> _PoolWithoutLinks:
        pools.append(_PoolWithoutLinks(options, jobs))
        return pools[-1]

    monkeypatch.setattr(crawl_run, "_make_pool", make_pool)
    out = run(config(site, tmp_path, use_sitemaps=False))
    assert sorted(e["url"].replace(site.base, "") for e in out["pages"]) == ["/", "/a", "/b"]
    assert all(e["error"]["code"] == "timeout" for e in out["pages"])
    assert pools[0].page_checks == 3


# ------------------------------------------------------------------ the transport notices a closed idle connection


class _RawServer:
    """HTTP/1.1 on 127.0.0.1, keep-alive promised (no Connection: close). ``close_after``: one answer per
    connection, then the socket is closed, as a server that ended an idle connection before the client used it
    again. ``tls``: HTTPS with a certificate from a throwaway CA (trustme)."""

    def __init__(self, close_after: bool, tls: bool = False) -> None:
        self.close_after = close_after
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        if tls:
            import ssl

            import trustme

            self.ca = trustme.CA()
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ca.issue_cert("localhost").configure_cert(context)
            self.sock = context.wrap_socket(self.sock, server_side=True)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while True:
                try:
                    chunk = conn.recv(4096)
                except OSError:
                    return
                if not chunk:
                    return
                data += chunk
                while b"\r\n\r\n" in data:
                    _, data = data.split(b"\r\n\r\n", 1)
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nhej"
                    )
                    if self.close_after:
                        return

    def client_context(self) -> Any:
        import ssl

        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def closing_server() -> Iterator[_RawServer]:
    server = _RawServer(close_after=True)
    yield server
    server.close()


async def _get_twice(url: str) -> list[int]:
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    async with httpx.AsyncClient(transport=transport.CrawlTransport(limits), trust_env=False) as client:
        statuses = []
        for _ in range(2):
            response = await client.get(url)
            statuses.append(response.status_code)
            await asyncio.sleep(0.1)  # the server's FIN arrives
        return statuses


def test_transport_does_not_reuse_a_connection_the_server_closed(closing_server: _RawServer) -> None:
    url = f"http://127.0.0.1:{closing_server.port}/"
    assert asyncio.run(_get_twice(url)) == [200, 200]
    assert closing_server.connections == 2


def test_without_the_readability_test_the_closed_connection_is_reused(
    closing_server: _RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the control: what the test above guards against
    monkeypatch.setattr(transport, "_readable", lambda sock: False)
    url = f"http://127.0.0.1:{closing_server.port}/"
    with pytest.raises(httpx.TransportError):
        asyncio.run(_get_twice(url))


def test_pool_queues_requests_beyond_its_connections_and_serves_every_origin(site: Site) -> None:
    site.page("/a", html("A"), delay=0.05)
    other = site.base.replace("127.0.0.1", "localhost")

    async def fetch_all() -> tuple[list[int], int]:
        limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
        pool_sizes = []
        async with httpx.AsyncClient(transport=transport.CrawlTransport(limits), trust_env=False) as client:

            async def get(url: str) -> int:
                response = await client.get(url)
                pool_sizes.append(len(client._transport._pool.connections))  # type: ignore[attr-defined]
                return response.status_code

            urls = [f"{base}/a" for base in (site.base, other) for _ in range(6)]
            statuses = await asyncio.gather(*(get(u) for u in urls))
        return list(statuses), max(pool_sizes)

    statuses, largest = asyncio.run(fetch_all())
    assert statuses == [200] * 12
    assert largest <= 2  # the two origins took turns on two connections
    hosts = {h.host.split(":")[0] for h in site.requests("/a")}
    assert hosts == {"127.0.0.1", "localhost"}


@pytest.mark.parametrize("close_after", [False, True])
def test_transport_over_tls_reuses_live_connections_and_drops_closed_ones(close_after: bool) -> None:
    server = _RawServer(close_after, tls=True)
    try:

        async def fetch() -> list[str]:
            limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
            t = transport.CrawlTransport(limits, verify=server.client_context())
            texts = []
            async with httpx.AsyncClient(transport=t, trust_env=False) as client:
                for _ in range(3):
                    response = await client.get(f"https://localhost:{server.port}/")
                    texts.append(response.text)
                    await asyncio.sleep(0.1)
            return texts

        assert asyncio.run(fetch()) == ["hej"] * 3
        assert server.connections == (3 if close_after else 1)
    finally:
        server.close()

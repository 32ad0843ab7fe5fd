"""The crawler's HTTP transport: httpx's own, with a cheaper test of whether an idle connection was closed.

httpcore checks, each time it hands out a connection, whether every idle connection in its pool was closed by
the server (``has_expired`` → the network stream's ``get_extra_info("is_readable")``). On asyncio the stream
is anyio's, where each such call rebuilds the stream's whole attribute table (several system calls) to find
the socket (encode/httpx#3215). A crawler waiting on its checks keeps many connections idle, so this was the
largest cost of fetching. Here the stream is wrapped once at connect: the socket is looked up then, and the
readability test polls it directly, which is what httpcore does with it. Everything else (connecting, TLS,
reading, writing, timeouts, errors) is httpcore's and httpx's, unchanged. The pool's bookkeeping is
httpcore's, at a lower cost (``_Pool``).
"""

from __future__ import annotations

import select
import socket
import ssl
import time
import typing

import httpcore
import httpx

__all__ = ["CrawlTransport"]


def _readable(sock: socket.socket | None) -> bool:
    """True when an idle connection's socket has something to read: the server closed it (or broke HTTP)."""
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._sock: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            return _readable(self._sock)
        if info == "socket":
            return self._sock
        return self._inner.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _Pool(httpcore.AsyncConnectionPool):
    """httpcore's pool with cheaper bookkeeping.

    httpcore 1.0 runs ``_assign_requests_to_connections`` on every request and every response close. It asks
    every connection whether it expired (for an idle one: a poll of its socket) and, for every idle one,
    recounts the whole pool, so the work grows with the square of the pool (encode/httpcore#924 and #928,
    not merged). A crawler whose fetch workers wait on their checks keeps most of its connections idle, and
    this was a fifth of the crawl process's time. Here the rules are httpcore's, in its order (drop closed
    connections, close expired ones and idle ones beyond the keep-alive limit; give each queued request an
    available connection to its origin, else a new one, else a new one in place of an idle one), with two
    changes of cost only: the pool is counted once, and the sweep of expired connections runs at most every
    ``SWEEP_S`` seconds, while a connection about to be reused is always tested first. So a request never goes
    to a connection the server closed, and one the server closed is still closed within a second."""

    SWEEP_S = 1.0
    _last_sweep = 0.0

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []
        connections = self._connections
        now = time.monotonic()
        sweep = now - self._last_sweep >= self.SWEEP_S
        if sweep:
            self._last_sweep = now
        for connection in list(connections):
            if connection.is_closed():
                connections.remove(connection)
            elif (sweep and connection.has_expired()) or (
                connection.is_idle() and len(connections) > self._max_keepalive_connections
            ):
                connections.remove(connection)
                closing.append(connection)
        for pool_request in self._requests:
            if not pool_request.is_queued():
                continue
            origin = pool_request.request.url.origin
            chosen = None
            for connection in list(connections):
                if connection.can_handle_request(origin) and connection.is_available():
                    if connection.has_expired():  # tested before reuse, always
                        connections.remove(connection)
                        closing.append(connection)
                        continue
                    chosen = connection
                    break
            if chosen is None:
                if len(connections) >= self._max_connections:
                    idle = next((c for c in connections if c.is_idle()), None)
                    if idle is None:
                        continue  # stays queued until a connection is released
                    connections.remove(idle)
                    closing.append(idle)
                chosen = self.create_connection(origin)
                connections.append(chosen)
            pool_request.assign_to_connection(chosen)
        return closing


def _pool_is_as_expected() -> bool:
    """The override above matches httpcore 1.0's pool (the attributes it uses); else httpcore's own is used."""
    probe = httpcore.AsyncConnectionPool()
    return all(
        hasattr(probe, a)
        for a in ("_connections", "_requests", "_max_connections", "_max_keepalive_connections")
    )


class CrawlTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` (no proxy: the crawler never uses the environment's) on the pool and
    stream above."""

    def __init__(self, limits: httpx.Limits, verify: bool | ssl.SSLContext = True) -> None:
        context = httpx.create_ssl_context(verify=verify, trust_env=False)
        super().__init__(limits=limits, verify=context, trust_env=False)
        pool_class = _Pool if httpcore.__version__.startswith("1.0.") and _pool_is_as_expected() else None
        self._pool = (pool_class or httpcore.AsyncConnectionPool)(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )

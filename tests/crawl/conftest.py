"""A real threaded HTTP server on 127.0.0.1 (a free port) serving a fixture site built in the test, with a
request log: what the crawler asked for, with which headers, and what it got."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest


@dataclass
class Resource:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering (interrupted when the server stops)
    content_length: bool = True  # False: no Content-Length, the body ends when the connection closes


Handler = Callable[[str], Resource]  # full path with query -> resource


@dataclass
class Hit:
    path: str
    host: str
    headers: dict[str, str]
    status: int
    time: float


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Resource | Handler] = {}
        self.prefixes: list[tuple[str, Handler]] = []
        self.log: list[Hit] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.base = ""

    def add(self, path: str, resource: Resource | Handler) -> None:
        self.routes[path] = resource

    def page(self, path: str, html: str, **kwargs: Any) -> None:
        self.routes[path] = Resource(html.encode("utf-8"), **kwargs)

    def prefix(self, prefix: str, handler: Handler) -> None:
        self.prefixes.append((prefix, handler))

    def resolve(self, path: str) -> Resource:
        found = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        if found is None:
            for prefix, handler in self.prefixes:
                if path.startswith(prefix):
                    return handler(path)
            return Resource(b"<html><body>Sidan finns inte</body></html>", status=404)
        return found(path) if callable(found) else found

    def requests(self, path: str | None = None) -> list[Hit]:
        with self.lock:
            hits = list(self.log)
        return [h for h in hits if path is None or h.path == path]

    def paths(self) -> list[str]:
        return [h.path for h in self.requests()]

    def url(self, path: str) -> str:
        return self.base + path


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            res = site.resolve(self.path)
            status = res.status
            if status == 200 and (res.etag or res.last_modified):
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if (inm and res.etag and inm == res.etag) or (
                    not inm and ims and res.last_modified and ims == res.last_modified
                ):
                    status = 304
            with site.lock:
                site.log.append(
                    Hit(
                        self.path,
                        self.headers.get("Host", ""),
                        dict(self.headers.items()),
                        status,
                        time.monotonic(),
                    )
                )
            if res.delay and site.stop.wait(res.delay):
                return
            self.send_response(status)
            for key, value in res.headers.items():
                self.send_header(key, value)
            if res.etag:
                self.send_header("ETag", res.etag)
            if res.last_modified:
                self.send_header("Last-Modified", res.last_modified)
            if status == 304:
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_header("Content-Type", res.content_type)
            if res.content_length:
                self.send_header("Content-Length", str(len(res.body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            try:
                stream = io.BytesIO(res.body)
                for chunk in iter(lambda: stream.read(16384), b""):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return H


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]  # clients that hang up
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield s
    finally:
        s.stop.set()
        server.shutdown()
        server.server_close()


def host_of(url: str) -> str:
    return urlsplit(url).netloc

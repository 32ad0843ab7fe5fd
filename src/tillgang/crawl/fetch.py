"""HTTP fetching for the crawler and for ``tillgang check https://…`` (docs/crawl.md).

One shared ``httpx.AsyncClient`` with ``follow_redirects=False``: redirects are followed here, hop by hop,
so that every hop is checked against the scope (and robots.txt) before it is requested. Per-host politeness
(concurrency and the delay between request starts) is :class:`HostScheduler`'s job, since ``httpx.Limits``
is per client. Pages are read into memory under a cap; documents are streamed to a temporary file under a
cap, hashed while streaming. Retries with exponential backoff and jitter on connection errors, timeouts,
5xx, 408 and 429 (``Retry-After`` honoured), never on other 4xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import os
import random
import re
import socket
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from .. import __version__
from ..errors import DocumentError
from ..limits import DEFAULT_LIMITS, Limits
from ..netaddr import is_public_address
from ..sniff import DOCUMENT_SUFFIXES
from .body import ACCEPT_ENCODING, BodyDecoder, BodyTooLarge, UnsupportedEncoding
from .urls import canonicalize, url_host, url_problem, url_problem_message

__all__ = [
    "FetchResult",
    "FetchedFile",
    "Fetcher",
    "HostScheduler",
    "fetch_document",
    "fetch_to_file",
    "kind_by_name",
]

# Documents by file name: every suffix tillgang checks, except the page suffixes (a page is a page).
DOCUMENT_EXTS = {suffix for suffix in DOCUMENT_SUFFIXES if suffix not in (".html", ".htm", ".xhtml")}
UNSUPPORTED_EXTS = {
    ".doc",
    ".dot",
    ".ppt",
    ".pps",
    ".xls",
    ".rtf",
    ".epub",
}
MEDIA_EXTS = {
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".avif",
    ".mp3", ".mp4", ".m4a", ".m4v", ".mov", ".avi", ".wmv", ".webm", ".ogg", ".wav", ".flac",
    ".css", ".js", ".mjs", ".json", ".woff", ".woff2", ".ttf", ".eot",
    ".zip", ".gz", ".tgz", ".7z", ".rar", ".exe", ".msi", ".dmg", ".iso", ".txt", ".csv", ".xml", ".ics",
}  # fmt: skip
HTML_TYPES = {"text/html", "application/xhtml+xml"}
DOCUMENT_TYPES = {
    "application/pdf",
    "application/x-pdf",
    "application/acrobat",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    "application/vnd.ms-word.document.macroenabled.12",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "application/vnd.openxmlformats-officedocument.presentationml.template",
    "application/vnd.ms-powerpoint.presentation.macroenabled.12",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
    "application/vnd.ms-excel.sheet.macroenabled.12",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.oasis.opendocument.presentation-template",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet-template",
}
UNSUPPORTED_TYPES = {
    "application/msword",
    "application/vnd.ms-powerpoint",
    "application/vnd.ms-excel",
    "application/rtf",
    "text/rtf",
    "application/epub+zip",
}
GENERIC_TYPES = {
    "",
    "application/octet-stream",
    "binary/octet-stream",
    "application/x-download",
    "application/download",
    "application/force-download",
    "application/unknown",
}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
RETRY_STATUSES = {408, 429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 523, 524}
_FILENAME = re.compile(r"""filename\*?\s*=\s*(?:UTF-8''|utf-8'')?["']?([^"';]+)""", re.IGNORECASE)


def _ext(name: str) -> str:
    return os.path.splitext(name.rstrip("/").rsplit("/", 1)[-1])[1].lower()


def kind_by_name(url: str) -> str | None:
    """'document', 'unsupported' or 'media' from the URL's path, or None when the name says nothing."""
    ext = _ext(unquote(urlsplit(url).path))
    if ext in DOCUMENT_EXTS:
        return "document"
    if ext in UNSUPPORTED_EXTS:
        return "unsupported"
    if ext in MEDIA_EXTS:
        return "media"
    return None


def _disposition_name(value: str | None) -> str:
    m = _FILENAME.search(value or "")
    return unquote(m.group(1).strip()) if m else ""


def classify(content_type: str, url: str, disposition: str | None) -> str:
    """'page', 'document', 'unsupported', 'maybe-document' (generic type: decide by the bytes) or 'other'."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    name_kind = kind_by_name(url)
    disp_ext = _ext(_disposition_name(disposition))
    if disp_ext in DOCUMENT_EXTS:
        name_kind = "document"
    elif disp_ext in UNSUPPORTED_EXTS:
        name_kind = "unsupported"
    if ctype in DOCUMENT_TYPES:
        return "document"
    if ctype in UNSUPPORTED_TYPES or ctype.startswith("application/vnd.oasis.opendocument"):
        return "unsupported"
    if ctype in HTML_TYPES:
        return "document" if name_kind == "document" and disp_ext else "page"
    if ctype in GENERIC_TYPES:
        if name_kind in ("document", "unsupported"):
            return name_kind
        return "maybe-document"
    return "other"


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None = None
    kind: str | None = None  # page | document | unsupported | other | None (failed)
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    x_robots_tag: str | None = None
    encoding: str | None = None
    page_meta: dict[str, Any] = field(default_factory=dict)  # rel=canonical, meta robots (set by the crawler)
    body: bytes | None = None  # pages
    path: Path | None = None  # documents (a temporary file the caller removes)
    sha256: str | None = None
    size: int | None = None
    redirects: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # fetch-failed | too-large | out-of-scope | robots | redirect-loop
    detail: str = ""
    attempts: int = 0
    fetched_at: float = 0.0
    keep_prefix: bool = False  # with ``raw_cap``: keep the first ``raw_cap`` bytes of a longer body
    truncated: bool = False  # the body is that prefix

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def discard(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.path = None
        self.body = None


class HostScheduler:
    """Per-host politeness: at most ``per_host`` requests in flight and ``delay`` seconds (± jitter) between
    the starts of two requests to one host. The time slot is reserved without awaiting, so it is exact."""

    def __init__(self, per_host: int = 1, delay: float = 1.0, jitter: float = 0.0, seed: int | None = None):
        self.per_host = max(1, per_host)
        self.delay = delay
        self.jitter = jitter
        self.delays: dict[str, float] = {}
        self._base: dict[str, float] = {}
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}
        self._rng = random.Random(seed)

    def set_delay(self, host: str, delay: float) -> None:
        self.delays[host] = delay
        self._base[host] = delay

    def slow_down(self, host: str, cap: float = 60.0) -> None:
        """A 429/503 without Retry-After: double the host's delay (at least 1 s, at most ``cap``)."""
        self.delays[host] = min(cap, max(1.0, 2 * self.delay_for(host)))

    def recover(self, host: str) -> None:
        """A good answer: return slowly (10 % a time) towards the host's normal delay."""
        base = self._base.get(host, self.delay)
        current = self.delay_for(host)
        if current > base:
            self.delays[host] = max(base, current * 0.9)

    def delay_for(self, host: str) -> float:
        return self.delays.get(host, self.delay)

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` before ``seconds`` from now (Retry-After)."""
        loop = asyncio.get_running_loop()
        self._next[host] = max(self._next.get(host, 0.0), loop.time() + seconds)

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        sem = self._sems.get(host)
        if sem is None:
            sem = self._sems[host] = asyncio.Semaphore(self.per_host)
        async with sem:
            loop = asyncio.get_running_loop()
            now = loop.time()
            start = max(now, self._next.get(host, 0.0))
            delay = self.delay_for(host)
            if delay and self.jitter:
                delay *= self._rng.uniform(1 - self.jitter, 1 + self.jitter)
            self._next[host] = start + delay
            if start > now:
                await asyncio.sleep(start - now)
            yield


# allow(url) -> None when the hop may be requested, else a reason ("out-of-scope", "robots", "private-address")
AllowHook = Callable[[str], Awaitable[str | None]]


@dataclass
class FetchSettings:
    user_agent: str = f"tillgang/{__version__}"
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    request_timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 60.0
    max_redirects: int = 10
    max_html_bytes: int = 10 * 1024 * 1024
    max_document_bytes: int = 100 * 1024 * 1024


def make_client(settings: FetchSettings, max_connections: int = 100) -> httpx.AsyncClient:
    from .transport import CrawlTransport

    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(
            settings.read_timeout, connect=settings.connect_timeout, pool=settings.request_timeout
        ),
        transport=CrawlTransport(limits),
        # only the codings ``body.BodyDecoder`` decodes within bounds (httpx would add br/zstd when installed)
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        trust_env=False,
    )


async def read_body(response: httpx.Response, limit: int) -> AsyncIterator[bytes]:
    """The decoded body in pieces of at most 64 KiB, every ``Content-Encoding`` layer (and the raw body)
    bounded by ``limit`` (``BodyTooLarge``); an unknown coding raises ``UnsupportedEncoding``. The one way
    tillgang reads a response body: never ``aiter_bytes``/``.content``, which decode a chunk in full. The
    caller counts the decoded bytes against its own limit (it may keep only a prefix)."""
    decoder = BodyDecoder(response.headers.get("content-encoding"), limit)
    async for raw in response.aiter_raw():
        for piece in decoder.feed(raw):
            yield piece
    for piece in decoder.finish():
        yield piece


def _retry_after(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), cap))


class _Retry(Exception):
    def __init__(self, detail: str, status: int | None = None, wait: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.wait = wait


class Fetcher:
    def __init__(
        self,
        client: httpx.AsyncClient,
        scheduler: HostScheduler,
        settings: FetchSettings,
        dest_dir: str | Path | None = None,
        seed: int | None = None,
    ) -> None:
        self.client = client
        self.scheduler = scheduler
        self.settings = settings
        self.dest_dir = Path(dest_dir) if dest_dir else Path(tempfile.gettempdir())
        self._rng = random.Random(seed)
        self.requests = 0

    async def fetch(
        self,
        url: str,
        *,
        allow: AllowHook | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        want: frozenset[str] = frozenset({"page", "document"}),
        raw_cap: int | None = None,
        keep_prefix: bool = False,
    ) -> FetchResult:
        """GET ``url``, following redirects by hand (each hop passes ``allow``), with retries.

        ``want``: the kinds whose body is read ("page" into memory, "document" to a file); others are
        recorded by their Content-Type and the download is aborted. ``raw_cap``: read any 2xx body into
        memory up to this many bytes, whatever its type (robots.txt, sitemaps); a longer body is
        ``too-large``, or with ``keep_prefix`` cut there (``truncated``; robots.txt, RFC 9309 §2.5)."""
        result = FetchResult(url=url, final_url=url, fetched_at=time.time(), keep_prefix=keep_prefix)
        current = url
        seen = {canonicalize(url) or url}
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self.settings.max_redirects + 1):
            location = await self._with_retries(current, headers, result, want, raw_cap)
            if location is None:
                return result
            try:
                target = urljoin(current, location)
            except ValueError:
                target = location
            result.redirects.append({"status": result.status, "url": target})
            result.final_url = target
            canon = canonicalize(target)
            if canon is None or url_problem(target):
                result.error, result.detail = "fetch-failed", f"redirect to an unusable URL: {target[:200]}"
                return result
            if canon in seen:
                result.error, result.detail = "redirect-loop", f"redirect loop at {target}"
                return result
            seen.add(canon)
            if allow is not None:
                reason = await allow(target)
                if reason:
                    result.error, result.detail = reason, f"redirect to {target}"
                    return result
            current = target
        result.error, result.detail = "fetch-failed", f"more than {self.settings.max_redirects} redirects"
        return result

    async def _with_retries(
        self,
        url: str,
        headers: dict[str, str],
        result: FetchResult,
        want: frozenset[str],
        raw_cap: int | None,
    ) -> str | None:
        s = self.settings
        host = url_host(url)
        for attempt in range(s.retries + 1):
            result.attempts += 1
            try:
                return await self._attempt(url, headers, result, want, raw_cap)
            except _Retry as exc:
                result.status = exc.status
                if attempt >= s.retries:
                    result.error = "fetch-failed"
                    result.detail = f"{exc.detail} (after {attempt + 1} attempts)"
                    return None
                wait = min(s.max_backoff, s.backoff * (2**attempt) * self._rng.uniform(0.5, 1.5))
                if exc.wait is not None:
                    wait = max(wait, exc.wait)
                    self.scheduler.hold(host, exc.wait)
                elif exc.status in (429, 503):
                    self.scheduler.slow_down(host, s.max_backoff)
                await asyncio.sleep(wait)
        return None  # pragma: no cover (the loop always returns)

    async def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        result: FetchResult,
        want: frozenset[str],
        raw_cap: int | None,
    ) -> str | None:
        s = self.settings
        host = url_host(url)
        async with self.scheduler.slot(host):
            self.requests += 1
            try:
                async with asyncio.timeout(s.request_timeout):
                    async with self.client.stream("GET", url, headers=headers) as response:
                        return await self._handle(url, response, result, want, raw_cap)
            except TimeoutError as exc:
                raise _Retry(f"no complete answer within {s.request_timeout:g} s") from exc
            except httpx.TimeoutException as exc:
                raise _Retry(f"timeout ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:
                raise _Retry(f"connection failed ({type(exc).__name__}: {exc})") from exc
            except UnsupportedEncoding as exc:
                result.error, result.detail = "fetch-failed", str(exc)
                result.kind = result.body = None
                return None
            except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
                result.error, result.detail = "fetch-failed", f"{type(exc).__name__}: {exc}"
                result.status = None
                return None

    async def _handle(
        self,
        url: str,
        response: httpx.Response,
        result: FetchResult,
        want: frozenset[str],
        raw_cap: int | None,
    ) -> str | None:
        s = self.settings
        status = response.status_code
        result.status = status
        result.final_url = url
        h = response.headers
        if status in REDIRECT_STATUSES and h.get("location"):
            return h["location"]
        if status in RETRY_STATUSES:
            wait = _retry_after(h.get("retry-after"), s.max_backoff) if status in (429, 503) else None
            raise _Retry(f"HTTP {status}", status=status, wait=wait)
        self.scheduler.recover(url_host(url))
        result.etag = h.get("etag")
        result.last_modified = h.get("last-modified")
        result.x_robots_tag = h.get("x-robots-tag")
        result.content_type = h.get("content-type", "")
        result.encoding = response.charset_encoding
        if status == 304:
            return None
        if status >= 400 or status < 200:
            result.error, result.detail = "fetch-failed", f"HTTP {status}"
            return None
        kind = classify(result.content_type, url, h.get("content-disposition"))
        if raw_cap is not None:
            kind, want = "page", frozenset({"page"})
        max_html = raw_cap if raw_cap is not None else s.max_html_bytes
        declared = h.get("content-length")
        length = int(declared) if declared and declared.isdigit() else None
        if kind == "page" and "page" in want:
            result.kind = "page"
            prefix = result.keep_prefix and raw_cap is not None
            if length is not None and length > max_html and not prefix:
                result.error, result.detail = "too-large", f"{length} bytes, the limit is {max_html}"
                return None
            digest = hashlib.sha256()
            buf = bytearray()
            try:
                async for chunk in read_body(response, max_html):
                    buf += chunk
                    if len(buf) > max_html and prefix:
                        del buf[max_html:]
                        result.truncated = True
                        break
                    if len(buf) > max_html:
                        result.error = "too-large"
                        result.detail = f"more than {max_html} bytes, the limit"
                        return None
            except BodyTooLarge as exc:
                result.error, result.detail = "too-large", str(exc)
                return None
            digest.update(buf)
            result.body = bytes(buf)
            result.size = len(buf)
            result.sha256 = digest.hexdigest()
            return None
        if kind in ("document", "maybe-document") and "document" in want:
            result.kind = "document"
            if length is not None and length > s.max_document_bytes:
                result.error = "too-large"
                result.detail = f"{length} bytes, the limit is {s.max_document_bytes}"
                return None
            await self._stream_to_file(url, response, result, probe=kind == "maybe-document")
            return None
        result.kind = "unsupported" if kind == "unsupported" else "other"
        return None

    async def _stream_to_file(
        self, url: str, response: httpx.Response, result: FetchResult, probe: bool
    ) -> None:
        cap = self.settings.max_document_bytes
        suffix = _ext(urlsplit(url).path) if kind_by_name(url) == "document" else ".bin"
        self.dest_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="tillgang-", suffix=suffix, dir=self.dest_dir)
        path = Path(name)
        digest = hashlib.sha256()
        size = 0
        ok = False
        try:
            with os.fdopen(fd, "wb") as fh:
                first = True
                async for chunk in read_body(response, cap):
                    if first and probe:
                        first = False
                        if not (chunk[:1024].find(b"%PDF-") >= 0 or chunk.startswith(b"PK\x03\x04")):
                            result.kind = "other"
                            return
                    size += len(chunk)
                    if size > cap:
                        result.error, result.detail = "too-large", f"more than {cap} bytes, the limit"
                        return
                    digest.update(chunk)
                    fh.write(chunk)
            ok = True
        except BodyTooLarge as exc:
            result.error, result.detail = "too-large", str(exc)
            return
        finally:
            if not ok:
                with contextlib.suppress(OSError):
                    path.unlink()
        result.path = path
        result.size = size
        result.sha256 = digest.hexdigest()


# ------------------------------------------------------------------ one URL, for ``tillgang check https://…``


async def _public_host(url: str) -> str | None:
    """None when every address of the URL's host is public, else the reason to refuse."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "unsupported-url"
    if url_problem(url):
        return "malformed-url"
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return None  # the request itself will report that the name does not resolve
    if not infos or not all(is_public_address(str(info[4][0])) for info in infos):
        return "private-address"
    return None


@dataclass(frozen=True)
class FetchedFile:
    path: Path  # a temporary file: the caller removes it
    final_url: str
    content_type: str
    status: int
    sha256: str
    size: int
    redirects: tuple[dict[str, Any], ...] = ()


async def fetch_document(
    url: str,
    dest_dir: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    allow_private: bool = False,
    user_agent: str | None = None,
    timeout: float = 30.0,
    retries: int = 1,
) -> FetchedFile:
    """Fetch one page or document to a temporary file under ``limits`` (``max_html_bytes`` for pages,
    ``max_file_bytes`` for documents). Private, loopback and link-local addresses are refused (at every
    redirect hop) unless ``allow_private``; so is a malformed URL (``urls.url_problem``). Raises
    ``DocumentError`` ("fetch-failed" or "too-large")."""
    problem = url_problem(url)
    if problem:
        raise DocumentError("fetch-failed", f"{url}: {url_problem_message(problem, 'en')}")
    if not allow_private:
        reason = await _public_host(url)
        if reason:
            raise DocumentError("fetch-failed", f"{url}: {_REFUSALS.get(reason, reason)}")
    settings = FetchSettings(
        user_agent=user_agent or f"tillgang/{__version__}",
        connect_timeout=min(10.0, timeout),
        read_timeout=timeout,
        request_timeout=timeout * 2,
        retries=retries,
        max_html_bytes=limits.max_html_bytes,
        max_document_bytes=limits.max_file_bytes,
    )

    async def allow(target: str) -> str | None:
        return None if allow_private else await _public_host(target)

    async with make_client(settings, 4) as client:
        fetcher = Fetcher(client, HostScheduler(per_host=1, delay=0.0), settings, dest_dir)
        result = await fetcher.fetch(url, allow=allow)
    if result.error:
        result.discard()
        code = "too-large" if result.error == "too-large" else "fetch-failed"
        detail = _REFUSALS.get(result.error, "") or result.detail
        raise DocumentError(code, f"{result.final_url}: {detail or result.error}")
    if result.kind == "page" and result.body is not None:
        fd, name = tempfile.mkstemp(prefix="tillgang-", suffix=".html", dir=dest_dir)
        with os.fdopen(fd, "wb") as fh:
            fh.write(result.body)
        result.path = Path(name)
    if result.path is None:
        raise DocumentError(
            "fetch-failed",
            f"{result.final_url}: neither a web page nor a document (Content-Type {result.content_type!r})",
        )
    return FetchedFile(
        path=result.path,
        final_url=result.final_url,
        content_type=result.content_type,
        status=result.status or 0,
        sha256=result.sha256 or "",
        size=result.size or 0,
        redirects=tuple(result.redirects),
    )


_REFUSALS = {
    "malformed-url": "redirected to a malformed URL",
    "private-address": "the address is private, loopback or link-local, which is not allowed",
    "unsupported-url": "only http and https URLs can be fetched",
    "out-of-scope": "redirected outside the allowed hosts",
    "redirect-loop": "redirect loop",
}


def fetch_to_file(
    url: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    dest_dir: str | Path | None = None,
    allow_private: bool = False,
    user_agent: str | None = None,
    timeout: float = 30.0,
) -> tuple[Path, str, str, int]:
    """Synchronous wrapper of :func:`fetch_document`: ``(path, final_url, content_type, status)``."""
    fetched = asyncio.run(
        fetch_document(
            url, dest_dir, limits, allow_private=allow_private, user_agent=user_agent, timeout=timeout
        )
    )
    return fetched.path, fetched.final_url, fetched.content_type, fetched.status

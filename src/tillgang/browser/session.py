"""One headless Chromium, driven with Playwright's sync API: the system browser (``executable_path``), never a
downloaded one.

``Browser.render`` loads a file or a URL in a fresh context, waits for it to settle (the load event, then
network idle up to a cap, then a short quiet period without DOM changes), runs the page probe once and returns
the rendered DOM with the probe's facts. Dialogs are dismissed, popups closed, downloads refused, and every
request goes through ``guard.request_allowed``. The caller enforces the hard per-page time limit by running
this in a worker process it can kill (browser/pool.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import DocumentError, UsageError
from .guard import request_allowed
from .interaction import measure as measure_interaction
from .keytrap import WATCH_JS as _KEYS_JS
from .keytrap import measure as measure_keytrap

__all__ = ["Browser", "BrowserMissing", "LivePage", "Rendered", "chromium_path", "missing_message"]

QUIET_MS = 120  # settled: no request in flight, and no DOM change or network event for this long
RECYCLE_AFTER = 100  # pages per browser context before a fresh one
SETTLE_CAP_MS = 3000  # at most this long after the load event (a page that keeps polling settles as it is)
MAX_ELEMENTS = 50_000
VIEWPORT: Any = {"width": 1280, "height": 1024}  # playwright ViewportSize

_MISSING = {
    "sv": (
        "Läget --render behöver webbläsaren Chromium och Playwright för Python. Installera Debian-paketet "
        "`chromium` (sudo apt install chromium) och kör pip install 'tillgang[render]'. ({detail})"
    ),
    "en": (
        "The --render mode needs the Chromium browser and Playwright for Python. Install the Debian package "
        "`chromium` (sudo apt install chromium) and run pip install 'tillgang[render]'. ({detail})"
    ),
}

_PRIVATE = {
    "sv": "adressen är privat eller lokal och nekas (--allow-private tillåter den)",
    "en": "the address is private or loopback and is refused (--allow-private allows it)",
}

_WATCH_JS = """(() => {
  const mark = () => { window.__tillgangLast = performance.now(); };
  mark();
  new MutationObserver(mark)
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  try { new PerformanceObserver(mark).observe({type: "resource"}); } catch (e) {}
})();"""


class BrowserMissing(UsageError):
    """No usable Chromium or Playwright: the command stops with exit status 2 and this message."""


def missing_message(detail: str, lang: str = "sv") -> str:
    return _MISSING.get(lang, _MISSING["sv"]).format(detail=detail)


def chromium_path() -> str | None:
    """$TILLGANG_CHROMIUM, else ``chromium`` (Debian) or ``chromium-browser`` on PATH."""
    configured = os.environ.get("TILLGANG_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _probe_source() -> str:
    return (resources.files("tillgang.browser") / "probes" / "page.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Rendered:
    """A page after its scripts ran: the serialised DOM and the probe's facts (browser/facts.py)."""

    html: str
    url: str  # where the page ended up (after redirects)
    facts: dict[str, Any]


class _Network:
    """Requests in flight and the time of the last request event, from the page's events."""

    def __init__(self, page: Any) -> None:
        self.in_flight = 0
        self.last = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def reset(self) -> None:
        self.in_flight = 0
        self.last = time.monotonic()

    def _started(self, _request: Any) -> None:
        self.in_flight += 1
        self.last = time.monotonic()

    def _ended(self, _request: Any) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        self.last = time.monotonic()


class _Guard:
    """Every request of a page: the main document (from ``body`` when given), then what the page may load."""

    def __init__(
        self,
        url: str,
        allow_private: bool,
        own_file: str | None,
        trusted_hosts: frozenset[str],
        body: bytes | None,
        content_type: str | None,
    ) -> None:
        self.url = url
        self.allow_private = allow_private
        self.own_file = own_file
        self.trusted = frozenset(h.lower() for h in trusted_hosts)
        self.body = body
        self.content_type = content_type or "text/html"

    def allowed(self, url: str) -> bool:
        return request_allowed(
            url, allow_private=self.allow_private, own_file=self.own_file, trusted_hosts=self.trusted
        )

    def route(self, route: Any) -> None:
        request = route.request
        main = request.is_navigation_request() and request.frame.parent_frame is None
        if main and self.body is not None and request.url.split("#", 1)[0] == self.url.split("#", 1)[0]:
            route.fulfill(status=200, body=self.body, headers={"content-type": self.content_type})
            self.body = None  # only the first load: a reload or a later navigation goes to the server
            return
        if main and self.own_file is not None and request.url.split("#", 1)[0] != self.own_file:
            route.abort("blockedbyclient")  # a checked file may not navigate elsewhere
            return
        if self.allowed(request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")


class _Tab:
    """A browser context with its one page, reused for page after page; each page gets its own guard."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.uses = 0
        self.guard: _Guard | None = None
        self.page: Any = None
        context.route("**/*", self._route)
        context.add_init_script(_WATCH_JS)
        context.add_init_script(_KEYS_JS)  # browser/keytrap.py: key and focus listeners, focus() calls
        context.on("page", self._other_page)
        self.page = context.new_page()
        self.network = _Network(self.page)
        self.page.on("dialog", lambda dialog: dialog.dismiss())

    def _route(self, route: Any) -> None:
        if self.guard is None:
            route.abort("blockedbyclient")  # between pages (about:blank needs no request)
        else:
            self.guard.route(route)

    def _other_page(self, page: Any) -> None:
        if self.page is not None and page is not self.page:
            page.close()  # a popup or window.open: never followed

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()


class LivePage:
    """A rendered page that is still open: its facts, and screenshots of its elements."""

    def __init__(self, rendered: Rendered, page: Any, error: type[Exception]) -> None:
        self.rendered = rendered
        self._page = page
        self._error = error

    def screenshot(self, index: int, path: Path) -> bool:
        """A PNG of the element the probe numbered ``index``; False when it cannot be taken."""
        try:
            handle = self._page.query_selector(f'[data-tillgang="{int(index)}"]')
            if handle is None:
                return False
            handle.screenshot(path=str(path), timeout=5000, animations="disabled")
        except self._error:
            return False
        return path.is_file()


class Browser:
    """A running Chromium; use as a context manager. One context (cookies, storage) per page."""

    def __init__(self, lang: str = "sv", executable: str | None = None) -> None:
        self.lang = lang
        path = executable or chromium_path()
        if path is None:
            raise BrowserMissing(missing_message("chromium not found", lang))
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise BrowserMissing(missing_message(f"playwright: {exc}", lang)) from exc
        self._error: type[Exception] = PlaywrightError
        self._manager = sync_playwright()
        self._pw = self._manager.start()
        try:
            self._browser = self._pw.chromium.launch(
                executable_path=path,
                headless=True,
                args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio"],
            )
        except PlaywrightError as exc:
            self._manager.__exit__(None, None, None)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserMissing(missing_message(f"{path}: {first}", lang)) from exc
        self._probe = _probe_source()
        self._current: _Tab | None = None

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self._current is not None:
                with contextlib.suppress(Exception):
                    self._current.close()
            self._browser.close()
        finally:
            self._manager.__exit__(None, None, None)

    def render(self, target: str, *, allow_private: bool = False, timeout_s: float = 30.0) -> Rendered:
        """Load ``target`` (a local file path or an http(s) URL) and probe it. Raises ``DocumentError``."""
        with self.open(target, allow_private=allow_private, timeout_s=timeout_s) as live:
            return live.rendered

    @contextmanager
    def open(
        self,
        target: str,
        *,
        allow_private: bool = False,
        timeout_s: float = 30.0,
        body: bytes | None = None,
        content_type: str | None = None,
        trusted_hosts: frozenset[str] = frozenset(),
        targets: bool = False,
        keys: bool = True,
    ) -> Iterator[LivePage]:
        """The page loaded and probed, still open (for screenshots) until the block ends. With ``body`` (a
        crawl's fetched page) the browser gets the page from it instead of asking the server again. ``targets``:
        measure the pointer targets too (target-size, the wcag22 rule set). ``keys``: press keys for keyboard traps
        (keyboard-trap)."""
        own_file: str | None = None
        if "://" in target and not target.lower().startswith("file:"):
            url = target
        else:
            path = Path(target.removeprefix("file://")).resolve()
            if not path.is_file():
                raise DocumentError("corrupt", f"no such file: {target}")
            url = own_file = path.as_uri()
        guard = _Guard(url, allow_private, own_file, trusted_hosts, body, content_type)
        if own_file is None and body is None and not guard.allowed(url):
            raise DocumentError("fetch-failed", _PRIVATE.get(self.lang, _PRIVATE["sv"]))
        tab = self._tab()
        tab.guard = guard
        tab.network.reset()
        failed = True
        try:
            try:
                tab.context.set_default_timeout(timeout_s * 1000)
                live = LivePage(
                    self._load(tab.page, url, timeout_s, tab.network, targets, keys), tab.page, self._error
                )
            except self._error as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                code = (
                    "timeout" if "Timeout" in type(exc).__name__ or "Timeout" in message else "fetch-failed"
                )
                raise DocumentError(code, message[:300]) from exc
            yield live
            failed = False
        finally:
            self._release(tab, failed)

    def _tab(self) -> _Tab:
        """The reused context and page (a fresh one after ``RECYCLE_AFTER`` pages or a failure): a new context
        per page costs more than the check of a page itself."""
        if self._current is None or self._current.uses >= RECYCLE_AFTER:
            if self._current is not None:
                self._current.close()
            context = self._browser.new_context(
                viewport=VIEWPORT, accept_downloads=False, java_script_enabled=True, service_workers="block"
            )
            self._current = _Tab(context)
        self._current.uses += 1
        return self._current

    def _release(self, tab: _Tab, failed: bool) -> None:
        """After a page: leave it (its scripts stop), forget its cookies; a tab in doubt is closed."""
        tab.guard = None
        if not failed:
            try:
                tab.page.goto("about:blank", timeout=5000)
                tab.context.clear_cookies()
                return
            except self._error:
                pass
        tab.close()
        self._current = None

    def _settle(self, page: Any, network: _Network) -> None:
        """Wait (on this side) until no request is in flight, at most ``SETTLE_CAP_MS``; the probe then waits in
        the page until the DOM has been quiet for ``QUIET_MS`` (one round trip instead of a polling loop)."""
        deadline = time.monotonic() + SETTLE_CAP_MS / 1000
        while network.in_flight > 0 and time.monotonic() < deadline:
            page.wait_for_timeout(25)

    def _load(
        self, page: Any, url: str, timeout_s: float, network: _Network, targets: bool, keys: bool = True
    ) -> Rendered:
        response = page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        if response is not None and response.status >= 400:
            raise DocumentError("fetch-failed", f"HTTP {response.status}")
        if response is not None:
            kind = (response.headers.get("content-type") or "text/html").split(";")[0].strip().lower()
            if kind not in ("text/html", "application/xhtml+xml") and not url.startswith("file:"):
                raise DocumentError("unsupported-format", f"the URL is not a web page ({kind})")
        self._settle(page, network)
        facts = page.evaluate(
            self._probe, {"maxElements": MAX_ELEMENTS, "quiet": QUIET_MS, "cap": SETTLE_CAP_MS}
        )
        facts["interaction"] = measure_interaction(
            page, VIEWPORT, self._error, targets
        )  # browser/interaction.py
        if keys:  # browser/keytrap.py (a page that runs no script cannot trap focus: nothing pressed)
            facts["keytrap"] = measure_keytrap(page, self._error, facts.get("settled") != "no-script")
        return Rendered(html=str(facts.pop("html", "")), url=str(facts.get("url", url)), facts=facts)

"""The rendered mode: web pages checked as a browser shows them (the system Chromium, driven by Playwright).

``session`` drives the browser, ``guard`` decides which requests a page may make, ``facts`` judges what the page
probe (``probes/page.js``) measured, ``check`` turns a rendered page into a report entry, ``pool`` runs pages in
worker processes under the hard time limit. See docs/html.md, "Rendered mode".
"""

from __future__ import annotations

from .session import BrowserMissing, chromium_path, missing_message

__all__ = ["BrowserMissing", "chromium_path", "missing_message"]

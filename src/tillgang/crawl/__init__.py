"""The crawler: finds every page and linked document of a web site, checks them, stores the run.

``tillgang crawl`` (``cli.py``) builds a :class:`~tillgang.crawl.config.CrawlConfig` and runs
:func:`~tillgang.crawl.run.crawl`. ``fetch.fetch_to_file`` fetches one URL for ``tillgang check https://…``.
"""

from __future__ import annotations

__all__: list[str] = []

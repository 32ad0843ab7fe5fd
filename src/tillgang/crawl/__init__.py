"""The crawler: finds every page and linked document of a web site, checks them, stores the run.

``tillgang crawl`` (``tillgang.cli.crawl``) builds a :class:`~tillgang.crawl.config.CrawlConfig`, chooses the
check pool and runs :class:`~tillgang.crawl.run.Crawl`, which coordinates ``frontier`` (admission, trap guards,
limits), ``fetching`` (fetch workers, robots.txt, sitemaps), ``checking`` (reuse, the check pool, recording) and
``output`` (run.json, the comparison with the previous run). ``fetch.fetch_to_file`` fetches one URL for
``tillgang check https://…``. Nothing here imports the register, the web server, Celery or the command line.
"""

from __future__ import annotations

__all__: list[str] = []

"""robots.txt with protego (docs/crawl.md): user-agent token ``tillgang``, RFC 9309 status rules.

2xx: parse (the first 500 KiB of a longer file, cut at a line break: RFC 9309 §2.5). 4xx (401/403 included): no rules, crawl allowed. 5xx or unreachable: the whole
site is disallowed (RFC 9309 §2.3.1.4). Crawl-delay and Request-rate become the host's delay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from protego import Protego

__all__ = ["ROBOTS_TOKEN", "RobotsInfo", "parse_robots"]

ROBOTS_TOKEN = "tillgang"
MAX_ROBOTS_BYTES = 500 * 1024


@dataclass
class RobotsInfo:
    status: (
        str  # "parsed" | "absent" (4xx: allow all) | "unavailable" (5xx/unreachable: disallow all) | "off"
    )
    http_status: int | None = None
    parser: Any = None
    crawl_delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        if self.status == "unavailable":
            return False
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, ROBOTS_TOKEN))

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "http_status": self.http_status,
            "crawl_delay": self.crawl_delay,
            "sitemaps": self.sitemaps,
        }


def parse_robots(body: bytes, http_status: int = 200, truncated: bool = False) -> RobotsInfo:
    """``truncated``: ``body`` is the start of a longer file; its last, cut line is dropped."""
    if truncated or len(body) > MAX_ROBOTS_BYTES:
        head = body[:MAX_ROBOTS_BYTES]
        body = head[: max(head.rfind(b"\n"), head.rfind(b"\r")) + 1]
    text = body.decode("utf-8", errors="ignore")
    parser = Protego.parse(text)
    delay: float | None = None
    cd = parser.crawl_delay(ROBOTS_TOKEN)
    if cd is not None:
        delay = float(cd)
    rate = parser.request_rate(ROBOTS_TOKEN)
    if rate is not None and rate.requests:
        per = float(rate.seconds) / float(rate.requests)
        delay = max(delay or 0.0, per)
    return RobotsInfo(
        status="parsed",
        http_status=http_status,
        parser=parser,
        crawl_delay=delay,
        sitemaps=list(parser.sitemaps),
    )


def robots_for_status(http_status: int | None) -> RobotsInfo:
    """The rules when robots.txt could not be read: 4xx allows everything, 5xx or no answer disallows it."""
    if http_status is not None and 400 <= http_status < 500:
        return RobotsInfo(status="absent", http_status=http_status)
    return RobotsInfo(status="unavailable", http_status=http_status)


__all__ += ["robots_for_status"]

"""sitemap.xml, sitemap index files and gzip, parsed with lxml without network or entities (docs/crawl.md)."""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field

from lxml import etree

__all__ = ["Sitemap", "parse_sitemap"]

MAX_INDEX_DEPTH = 3


@dataclass
class Sitemap:
    urls: list[tuple[str, str | None]] = field(default_factory=list)  # (loc, lastmod)
    sitemaps: list[str] = field(default_factory=list)  # from a sitemap index
    error: str | None = None


def _gunzip(data: bytes, cap: int) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, cap + 1)
    if len(out) > cap:
        raise ValueError(f"the sitemap is larger than {cap} bytes uncompressed")
    return out


def parse_sitemap(data: bytes, *, max_bytes: int = 50 * 1024 * 1024, max_urls: int = 50_000) -> Sitemap:
    """URLs (with ``lastmod``) of a urlset, or the child sitemaps of an index. Plain-text sitemaps (one URL a
    line) are read too."""
    result = Sitemap()
    try:
        if data[:2] == b"\x1f\x8b":
            data = _gunzip(data, max_bytes)
        elif len(data) > max_bytes:
            raise ValueError(f"the sitemap is larger than {max_bytes} bytes")
    except (ValueError, zlib.error, gzip.BadGzipFile, EOFError) as exc:
        result.error = str(exc)
        return result
    head = data.lstrip()[:200]
    if not head.startswith(b"<"):
        for line in data.decode("utf-8", errors="ignore").splitlines():
            line = line.strip()
            if line.startswith(("http://", "https://")):
                result.urls.append((line, None))
                if len(result.urls) >= max_urls:
                    break
        return result
    try:
        context = etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        loc: str | None = None
        lastmod: str | None = None
        for _, el in context:
            tag = el.tag if isinstance(el.tag, str) else ""
            local = tag.rsplit("}", 1)[-1]
            if local == "loc":
                loc = (el.text or "").strip()
            elif local == "lastmod":
                lastmod = (el.text or "").strip() or None
            elif local in ("url", "sitemap"):
                if loc:
                    if local == "url":
                        result.urls.append((loc, lastmod))
                    else:
                        result.sitemaps.append(loc)
                loc = lastmod = None
                el.clear()
                if len(result.urls) >= max_urls or len(result.sitemaps) >= max_urls:
                    break
    except etree.XMLSyntaxError as exc:
        result.error = f"not a well-formed sitemap: {exc}"
    return result

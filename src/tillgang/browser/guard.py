"""Which addresses a rendered page may load: the same rule as the crawler's fetches (crawl/fetch.py).

A URL's host must resolve to public addresses only (not private, loopback, link-local, multicast or reserved)
unless ``--allow-private``; a checked file may load itself and nothing else from the file system.
"""

from __future__ import annotations

import socket
from functools import lru_cache
from urllib.parse import urlsplit

from ..netaddr import is_public_address

__all__ = ["is_public_address", "request_allowed"]


@lru_cache(maxsize=1024)
def _host_is_public(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return True  # the browser's own request reports that the name does not resolve
    return bool(infos) and all(is_public_address(str(info[4][0])) for info in infos)


def request_allowed(
    url: str, *, allow_private: bool, own_file: str | None, trusted_hosts: frozenset[str] = frozenset()
) -> bool:
    """May the page load ``url``? ``own_file`` is the file:// URL of the checked file (None for a web page);
    ``trusted_hosts`` are hosts allowed whatever their address (a crawl's own site, which its operator named)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme in ("data", "blob", "about"):
        return True
    if scheme == "file":
        return own_file is not None and url.split("#", 1)[0] == own_file
    if scheme not in ("http", "https") or not parts.hostname:
        return False
    if allow_private or parts.hostname.lower() in trusted_hosts:
        return True
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return False
    return _host_is_public(parts.hostname, port)

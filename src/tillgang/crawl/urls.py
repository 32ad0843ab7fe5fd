"""Canonical URLs, scope and trap guards (docs/crawl.md).

The canonical form is for deduplication and finding identity; the original URL is what is requested and
reported. Canonical: lowercase scheme and host, IDNA host, no default port, no fragment, dot segments
resolved, percent-encoding normalised, query sorted, tracking and session parameters (and ``;jsessionid=``
path parameters) removed. Path case and the trailing slash are kept.
"""

from __future__ import annotations

import datetime as _dt
import functools
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

__all__ = [
    "Scope",
    "TrapGuard",
    "canonicalize",
    "host_in_scope",
    "normalise_host",
    "parse_scope_entry",
    "scope_key",
    "url_host",
    "url_origin",
    "url_problem",
    "url_problem_message",
]

_UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/:@!$'()*,;-._~?"
_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=4096)
def normalise_host(host: str) -> str:
    """Lowercase, IDNA (punycode), no trailing dot. Empty string for a host that cannot be encoded."""
    host = host.strip().rstrip(".").lower()
    if not host:
        return ""
    if host.startswith("["):
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # a label too long or empty, or characters IDNA 2003 refuses
        return host if host.isascii() else ""


def _norm_pct(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        value = int(m.group(1), 16)
        return chr(value) if value in _UNRESERVED else "%" + m.group(1).upper()

    return _PCT.sub(repl, text)


def _strip_match(name: str, strip: Iterable[str]) -> bool:
    lower = name.lower()
    for pattern in strip:
        p = pattern.lower()
        if (p.endswith("*") and lower.startswith(p[:-1])) or lower == p:
            return True
    return False


def _resolve_dots(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    resolved = posixpath.normpath(path)
    if resolved.startswith("//"):
        resolved = "/" + resolved.lstrip("/")
    if resolved == ".":
        resolved = "/"
    if trailing and not resolved.endswith("/"):
        resolved += "/"
    return resolved


def canonicalize(url: str, strip_params: Iterable[str] = ()) -> str | None:
    """The canonical form of an absolute http(s) URL, or None if it is not one."""
    return _canonicalize(url, tuple(strip_params))


@functools.lru_cache(maxsize=32768)  # navigation links repeat on every page of a site
def _canonicalize(url: str, strip: tuple[str, ...]) -> str | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None
    host = normalise_host(parts.hostname or "")
    if not host:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    segments = []
    for segment in parts.path.split("/"):
        if ";" in segment:  # ;jsessionid=… path parameters added by servlet containers
            head, *params = segment.split(";")
            kept = [p for p in params if not _strip_match(p.split("=", 1)[0], strip)]
            segment = ";".join([head, *kept])
        segments.append(segment)
    path = quote(_norm_pct("/".join(segments)), safe=_PATH_SAFE)
    path = _resolve_dots(path)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _strip_match(k, strip)]
    query = urlencode(sorted(pairs), quote_via=quote, safe=_QUERY_SAFE)
    return urlunsplit((scheme, netloc, path, query, ""))


@functools.lru_cache(maxsize=8192)  # asked several times for each URL while it is fetched and recorded
def url_host(url: str) -> str:
    try:
        return normalise_host(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def host_in_scope(host: str, allowed: Iterable[str], subdomains: bool = False) -> bool:
    """Exact host match after IDNA normalisation (http and https are one site)."""
    host = normalise_host(host)
    return any(host == h or (subdomains and host.endswith("." + h)) for h in allowed)


# url_problem codes -> (Swedish, English): why a URL cannot be fetched, before anything is sent
URL_PROBLEMS: dict[str, tuple[str, str]] = {
    "not-http": (
        "Webbadressen måste börja med http:// eller https:// och ha ett värdnamn.",
        "The URL must start with http:// or https:// and have a host name.",
    ),
    "malformed": ("Webbadressen kan inte tolkas.", "The URL cannot be parsed."),
    "bad-port": ("Webbadressens port är ogiltig.", "The URL's port is not valid."),
    "empty-label": (
        "Webbadressens värdnamn är ogiltigt: en del av namnet är tom (till exempel två punkter i rad).",
        "The URL's host name is not valid: a part of the name is empty (for example two dots in a row).",
    ),
    "label-too-long": (
        "Webbadressens värdnamn är ogiltigt: en del av namnet är längre än 63 tecken.",
        "The URL's host name is not valid: a part of the name is longer than 63 characters.",
    ),
    "host-too-long": (
        "Webbadressens värdnamn är ogiltigt: namnet är längre än 253 tecken.",
        "The URL's host name is not valid: the name is longer than 253 characters.",
    ),
    "bad-host": (
        "Webbadressens värdnamn är ogiltigt: det innehåller tecken som inte får finnas i ett domännamn.",
        "The URL's host name is not valid: it has characters a domain name cannot have.",
    ),
}
_ASCII_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$", re.IGNORECASE)


def _host_problem(host: str) -> str | None:
    """None for an IP address or a host name that the IDNA rules (RFC 5890/5891, UTS #46) and DNS length
    limits accept; else a ``URL_PROBLEMS`` code. Underscores are tolerated in ASCII labels (some intranet
    names have them)."""
    import ipaddress

    import idna

    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        if ":" in host:
            return "bad-host"
    name = host[:-1] if host.endswith(".") else host  # one final dot: a fully qualified name
    if not name or "" in name.split("."):
        return "empty-label"
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            text = str(exc).lower()
            return "label-too-long" if "too long" in text and "label" in text else "bad-host"
        except UnicodeError:
            return "bad-host"
    labels = name.split(".")
    if any(len(label) > 63 for label in labels):
        return "label-too-long"
    if len(name) > 253:
        return "host-too-long"
    for label in labels:
        if not _ASCII_LABEL.match(label):
            return "bad-host"
        if label.lower().startswith("xn--"):
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                return "bad-host"
    return None


@functools.lru_cache(maxsize=4096)
def url_problem(url: str) -> str | None:
    """The one check of a URL given to tillgang (``tillgang check URL``, the register, start URLs, redirect
    targets): None when it is an http(s) URL with a valid port and host, else a ``URL_PROBLEMS`` code."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "malformed"
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.netloc:
        return "not-http"
    try:
        if parts.port == 0:
            return "bad-port"
    except ValueError:
        return "bad-port"
    host = parts.hostname or ""
    if not host:
        return "empty-label" if parts.netloc.split("@")[-1].startswith(".") else "not-http"
    return _host_problem(host)


def url_problem_message(code: str, lang: str = "sv") -> str:
    sv, en = URL_PROBLEMS.get(code, URL_PROBLEMS["malformed"])
    return en if lang == "en" else sv


ScopeKey = tuple[str, int | None]  # (normalised host, port; None = the scheme's default port)


def scope_key(url: str) -> ScopeKey | None:
    """(host, port) of an http(s) URL with the default port as None, so http and https on their default ports
    are one site while another port is another site."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = normalise_host(parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return host, None if port in (None, _DEFAULT_PORTS[scheme]) else port


def url_origin(url: str) -> str:
    """The URL's origin as RFC 9309 scopes robots.txt: ``scheme://host[:port]`` (default port left out)."""
    key = scope_key(url)
    if key is None:
        return ""
    host, port = key
    host = f"[{host}]" if ":" in host else host
    return f"{urlsplit(url).scheme.lower()}://{host}" + (f":{port}" if port is not None else "")


def parse_scope_entry(text: str) -> ScopeKey | None:
    """An ``allowed_hosts`` entry: ``host`` (the default ports: http 80 and https 443) or ``host:port``."""
    try:
        parts = urlsplit("//" + text.strip())
        port = parts.port
    except ValueError:
        return None
    host = normalise_host(parts.hostname or "")
    if not host:
        return None
    return host, None if port in (None, 80, 443) else port


class Scope:
    """The allowed sites of a crawl: (host, port) pairs compared after IDNA and default-port normalisation;
    with ``subdomains``, subdomains of a host on the same port too."""

    def __init__(self, entries: Iterable[ScopeKey], subdomains: bool = False) -> None:
        self.entries = tuple(dict.fromkeys(entries))
        self.subdomains = subdomains

    def contains(self, url: str) -> bool:
        key = scope_key(url)
        if key is None:
            return False
        host, port = key
        return any(
            port == p and (host == h or (self.subdomains and host.endswith("." + h))) for h, p in self.entries
        )


_YEAR_SEGMENT = re.compile(r"^(1[89]\d\d|2[01]\d\d)(?:[-_./](\d{1,2}))?(?:[-_./](\d{1,2}))?$")


class TrapGuard:
    """Decides whether a canonical URL looks like a crawler trap. ``reason(url)`` is None when it is fine."""

    def __init__(
        self,
        *,
        max_url_length: int = 2048,
        max_query_params: int = 5,
        max_query_variants: int = 50,
        max_repeated_segment: int = 3,
        date_window_years: int = 2,
        exclude: Iterable[str] = (),
        today: _dt.date | None = None,
    ) -> None:
        self.max_url_length = max_url_length
        self.max_query_params = max_query_params
        self.max_query_variants = max_query_variants
        self.max_repeated_segment = max_repeated_segment
        self.date_window_years = date_window_years
        self.exclude = [re.compile(p, re.IGNORECASE) for p in exclude]
        self.today = today or _dt.date.today()
        self._variants: dict[str, int] = defaultdict(int)

    def _date_out_of_window(self, value: str) -> bool:
        m = _YEAR_SEGMENT.match(value)
        if not m or self.date_window_years <= 0:
            return False
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else 6
        if not 1 <= month <= 12:
            return False
        months = (year - self.today.year) * 12 + (month - self.today.month)
        return abs(months) > self.date_window_years * 12

    def reason(self, url: str, *, record: bool = True) -> str | None:
        if self.max_url_length and len(url) > self.max_url_length:
            return "url-too-long"
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        for pattern in self.exclude:
            if pattern.search(target):
                return "excluded"
        segments = [s for s in parts.path.split("/") if s]
        if self.max_repeated_segment and segments:
            counts: dict[str, int] = defaultdict(int)
            for s in segments:
                counts[s] += 1
            if max(counts.values()) >= self.max_repeated_segment:
                return "trap-repeated-segment"
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if self.max_query_params and len(pairs) > self.max_query_params:
            return "trap-query-params"
        path_date = "/".join(segments[-3:]) if segments else ""
        values = [*segments, path_date, *(v for _, v in pairs)]
        if any(self._date_out_of_window(v) for v in values):
            return "trap-calendar"
        if pairs and self.max_query_variants:
            key = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            if self._variants[key] >= self.max_query_variants:
                return "trap-query-variants"
            if record:
                self._variants[key] += 1
        return None

"""Crawl configuration: the crawl's keys of ``tillgang.toml`` (read by ``tillgang.config``), overridden by
command-line flags.

The TOML file may group keys in tables (``[site]``, ``[limits]``, ``[politeness]``, ``[http]``,
``[documents]``, ``[state]``, ``[check]``); the grouping is for people, every key is unique. An unknown
key is an error, so a misspelt limit never silently falls back to its default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .. import __version__
from ..catalogue import parse_rule_sets
from ..config import ConfigError, RegisterOptions, read_config

if TYPE_CHECKING:
    from .urls import Scope

__all__ = ["ConfigError", "CrawlConfig", "load_config", "load_register_options"]

MiB = 1024 * 1024

DEFAULT_EXCLUDE = (
    r"/s[oö]k(/|$|\?)",
    r"search",
    r"sortera",
    r"/print(/|$|\?)",
    r"[?&]print=",
    r"/share(/|$|\?)",
    r"login",
    r"logout",
)
DEFAULT_STRIP_PARAMS = (
    "utm_*",
    "fbclid",
    "gclid",
    "msclkid",
    "phpsessid",
    "sid",
    "jsessionid",
    "sessionid",
)


@dataclass(frozen=True)
class CrawlConfig:
    # [site]
    start_urls: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()  # empty: the hosts of the start URLs
    include_subdomains: bool = False
    sitemaps: tuple[
        str, ...
    ] = ()  # extra sitemap URLs (robots.txt Sitemap: lines and /sitemap.xml are used too)
    use_sitemaps: bool = True
    # [limits]
    max_pages: int = 20_000  # URLs admitted to the frontier that are not documents by name
    max_documents: int = 20_000
    max_depth: int = 10
    max_url_length: int = 2048
    max_query_params: int = 5
    max_query_variants: int = 50  # URLs per path that differ only in the query
    max_repeated_segment: int = 3  # a path segment repeated this often is a loop
    date_window_years: int = 2  # date-like segments further than this from today are a calendar trap
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE  # regular expressions, searched in path + query
    strip_params: tuple[str, ...] = DEFAULT_STRIP_PARAMS  # removed when canonicalising (``*`` = prefix)
    max_duration_s: float = 0.0  # wall-clock cap for the run (0 = none); reaching it makes the run partial
    host_failure_limit: int = 20  # consecutive failures before a host is paused (the run is partial)
    max_sitemap_urls: int = 50_000
    max_sitemap_bytes: int = 50 * MiB
    # [politeness]
    concurrency: int = 8  # requests in flight overall
    per_host_concurrency: int = 1
    delay: float = 1.0  # seconds between requests to one host (robots Crawl-delay can raise it)
    jitter: float = 0.5  # the delay is randomised by ± this fraction
    max_crawl_delay: float = 30.0  # a larger robots.txt Crawl-delay is capped to this (and noted in the run)
    obey_robots: bool = True
    obey_nofollow: bool = False  # the law covers every published page, so rel=nofollow is followed
    # [http]
    user_agent: str = f"tillgang/{__version__}"
    contact_url: str = "https://github.com/tillgang/tillgang"
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    request_timeout: float = 60.0  # a whole request, body included
    retries: int = 3
    backoff: float = 0.5  # first retry after this many seconds, doubling, with jitter
    max_backoff: float = 60.0
    max_redirects: int = 10
    max_html_bytes: int = 10 * MiB
    # [documents]
    max_document_bytes: int = 100 * MiB
    # [state]
    state_file: str = "tillgang-crawl.sqlite"
    keep_runs: int = 30  # per-URL rows of older runs are dropped (their summaries stay); 0 = keep everything
    # [check]
    check_jobs: int = 0  # worker processes (0 = number of cores)
    check_timeout: float = 60.0
    inline_page_max_bytes: int = (
        0  # pages up to this size are checked in the crawl process (0 = all in the pool)
    )
    lang: str = "sv"
    rule_set: str = "en301549"  # --rule-set wcag22,aaa: more rule sets (catalogue.RULE_SETS, parse_rule_sets)

    @property
    def hosts(self) -> tuple[str, ...]:
        from .urls import normalise_host

        if self.allowed_hosts:
            return tuple(dict.fromkeys(h for h, _port in self._allowed_entries()))
        out: list[str] = []
        for url in self.start_urls:
            host = normalise_host(urlsplit(url).hostname or "")
            if not host:
                continue
            # a home page that redirects between www.host and host must not end the crawl
            twin = host[4:] if host.startswith("www.") else f"www.{host}"
            for h in (host, "" if _is_ip(host) or "." not in host else twin):
                if h and h not in out:
                    out.append(h)
        return tuple(out)

    def _allowed_entries(self) -> list[tuple[str, int | None]]:
        from .urls import parse_scope_entry

        return [e for e in (parse_scope_entry(x) for x in self.allowed_hosts) if e is not None]

    @property
    def scope(self) -> Scope:
        """What the crawl may fetch: each start URL's (host, port) and its ``www.`` twin on the same port, or the
        ``allowed_hosts`` entries (``host`` = the default ports only, ``host:port`` = that port)."""
        from .urls import Scope, scope_key

        if self.allowed_hosts:
            return Scope(self._allowed_entries(), self.include_subdomains)
        entries: list[tuple[str, int | None]] = []
        for url in self.start_urls:
            key = scope_key(url)
            if key is None:
                continue
            host, port = key
            twin = host[4:] if host.startswith("www.") else f"www.{host}"
            entries.append(key)
            if not _is_ip(host) and "." in host:
                entries.append((twin, port))
        return Scope(entries, self.include_subdomains)

    @property
    def user_agent_header(self) -> str:
        return f"{self.user_agent} (+{self.contact_url})" if self.contact_url else self.user_agent

    def with_overrides(self, **overrides: Any) -> CrawlConfig:
        known = {f.name for f in fields(self)}
        values = {k: v for k, v in overrides.items() if k in known and v is not None}
        for key in ("start_urls", "allowed_hosts", "sitemaps", "exclude", "strip_params"):
            if key in values:
                values[key] = tuple(values[key])
        return replace(self, **values)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.rule_set == "en301549":  # the default set is not written: runs stay as they were
            del data["rule_set"]
        data["allowed_hosts"] = list(self.hosts)
        return data

    def validate(self) -> None:
        if not self.start_urls:
            raise ConfigError("no start URL: give one on the command line or set start_urls in the config")
        from .urls import url_problem, url_problem_message

        for url in self.start_urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ConfigError(f"not an http(s) URL: {url}")
            problem = url_problem(url)
            if problem:
                raise ConfigError(f"{url}: {url_problem_message(problem, 'en')}")
        for name in ("concurrency", "per_host_concurrency"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1")
        for name in ("max_pages", "max_documents", "max_url_length", "max_redirects"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative")
        if self.max_crawl_delay < 0:
            raise ConfigError("max_crawl_delay must not be negative")
        if self.delay < 0 or not 0 <= self.jitter < 1:
            raise ConfigError("delay must be >= 0 and jitter in [0, 1)")
        if self.lang not in ("sv", "en"):
            raise ConfigError("lang must be sv or en")
        try:
            canonical = parse_rule_sets(self.rule_set)
        except ValueError as exc:
            raise ConfigError(f"rule_set: {exc}") from exc
        if canonical != self.rule_set:  # "aaa, wcag22" as written in a config file
            raise ConfigError(f"rule_set: write {canonical!r}")
        import re

        for pattern in self.exclude:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"bad exclude pattern {pattern!r}: {exc}") from exc


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


_TUPLES = {"start_urls", "allowed_hosts", "sitemaps", "exclude", "strip_params"}


def load_config(path: str | Path | None, base: CrawlConfig | None = None) -> CrawlConfig:
    """Read ``tillgang.toml``. Size keys may be given in MB: ``max_document_mb = 100``."""
    config = base or CrawlConfig()
    if path is None:
        return config
    p = Path(path)
    flat = read_config(p).crawl_keys()
    types = {f.name: f.type for f in fields(CrawlConfig)}
    values: dict[str, Any] = {}
    for key, value in flat.items():
        if key.endswith("_mb") and key[:-3] + "_bytes" in types:
            key, value = key[:-3] + "_bytes", int(float(value) * MiB)
        if key not in types:
            raise ConfigError(f"{p}: unknown key {key!r}")
        default = getattr(config, key)
        if key in _TUPLES:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{p}: {key} must be a list of strings")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{p}: {key} must be true or false")
        elif isinstance(default, float):
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"{p}: {key} must be a number")
            value = float(value)
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{p}: {key} must be an integer")
        elif isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{p}: {key} must be a string")
        values[key] = value
    if "state_file" in values and not Path(values["state_file"]).is_absolute():
        values["state_file"] = str(p.parent / values["state_file"])
    return replace(config, **values)


def load_register_options(path: str | Path | None) -> RegisterOptions:
    """The crawl's keys of the ``[register]`` table: ``store`` (write each run into the register) and
    ``activity`` (the control activity's id, or text of its "kontrollmoment"). Other keys of the table belong to
    the register and are left alone here."""
    return read_config(path).register()

"""Unit tests of the crawler's parts on tiny inline inputs."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path
from typing import Any

import pytest

from tillgang.crawl.config import ConfigError, CrawlConfig, load_config
from tillgang.crawl.fetch import classify, kind_by_name
from tillgang.crawl.links import extract_links
from tillgang.crawl.robots import parse_robots, robots_for_status
from tillgang.crawl.run import exit_status, finding_key
from tillgang.crawl.sitemap import parse_sitemap
from tillgang.crawl.urls import TrapGuard, canonicalize, host_in_scope

STRIP = ("utm_*", "fbclid", "phpsessid", "jsessionid")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.SE:80/a/./b/../c?b=2&a=1#frag", "http://example.se/a/c?a=1&b=2"),
        ("https://example.se:443", "https://example.se/"),
        ("https://example.se:8443/x", "https://example.se:8443/x"),
        ("https://kommun.se/%7eanna/%e4?utm_source=x&fbclid=y&id=3", "https://kommun.se/~anna/%E4?id=3"),
        ("https://kommun.se/sida;jsessionid=ABC?PHPSESSID=1", "https://kommun.se/sida"),
        ("https://Växjö.se/Om/", "https://xn--vxj-qla6g.se/Om/"),
        ("https://kommun.se/Path/With/Case/", "https://kommun.se/Path/With/Case/"),
        ("mailto:a@b.se", None),
        ("javascript:void(0)", None),
        ("https://:80/x", None),
    ],
)
def test_canonicalize(url: str, canonical: str | None) -> None:
    assert canonicalize(url, STRIP) == canonical


def test_scope_is_exact_host_unless_subdomains() -> None:
    assert host_in_scope("KOMMUN.se", ["kommun.se"])
    assert not host_in_scope("www.kommun.se", ["kommun.se"])
    assert host_in_scope("www.kommun.se", ["kommun.se"], subdomains=True)
    assert not host_in_scope("evilkommun.se", ["kommun.se"], subdomains=True)


def test_trap_guard() -> None:
    guard = TrapGuard(
        max_url_length=60,
        max_query_params=2,
        max_query_variants=3,
        date_window_years=2,
        exclude=[r"/s[oö]k(/|$|\?)"],
        today=dt.date(2026, 12, 1),
    )
    assert guard.reason("https://k.se/kalender/2028/11/") is None
    assert guard.reason("https://k.se/kalender/2029/01/") == "trap-calendar"
    assert guard.reason("https://k.se/evenemang?datum=2025-01-15") is None
    assert guard.reason("https://k.se/evenemang?datum=1999-01-01") == "trap-calendar"
    assert guard.reason("https://k.se/a/b/a/b/a/") == "trap-repeated-segment"
    assert guard.reason("https://k.se/x?a=1&b=2&c=3") == "trap-query-params"
    assert guard.reason("https://k.se/" + "x" * 80) == "url-too-long"
    assert guard.reason("https://k.se/sok?q=1") == "excluded"
    assert guard.reason("https://k.se/sokrates") is None
    assert [guard.reason(f"https://k.se/lista?sida={i}") for i in range(5)] == [
        None,
        None,
        None,
        *["trap-query-variants"] * 2,
    ]


def test_extract_links_base_nofollow_and_skips() -> None:
    body = b"""<html><head><base href="https://k.se/nyheter/"><link rel="canonical" href="/kanon">
    <meta name="robots" content="noindex"><meta http-equiv="refresh" content="5; url=/ny"></head><body>
    <a href="artikel">a</a><a href="/om#del" rel="nofollow">b</a><a href="mailto:x@k.se">m</a>
    <a href="tel:123">t</a><a href="javascript:x()">j</a><a href="#top">top</a>
    <map><area href="/karta"></map><iframe src="//video.k.se/v"></iframe><object data="/d.pdf"></object>
    <form action="/skicka"></form><a href="artikel">dubblett</a></body></html>"""
    page = extract_links(body, "https://k.se/start")
    assert page.links == [
        ("https://k.se/ny", False),
        ("https://k.se/nyheter/artikel", False),
        ("https://k.se/om", True),
        ("https://k.se/karta", False),
        ("https://video.k.se/v", False),
        ("https://k.se/d.pdf", False),
    ]
    assert page.canonical == "https://k.se/kanon"
    assert page.meta_robots == "noindex"


def test_extract_links_empty_and_broken() -> None:
    assert extract_links(b"", "https://k.se/").links == []
    assert extract_links(b"\x00\xff<a href='/x'>", "https://k.se/").links == [("https://k.se/x", False)]


def test_sitemap_urlset_index_gzip_and_text() -> None:
    urlset = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc> https://k.se/a </loc><lastmod>2025-01-02</lastmod></url><url><loc>https://k.se/b</loc></url>"
        b"</urlset>"
    )
    assert parse_sitemap(urlset).urls == [("https://k.se/a", "2025-01-02"), ("https://k.se/b", None)]
    assert parse_sitemap(gzip.compress(urlset)).urls[0][0] == "https://k.se/a"
    assert parse_sitemap(urlset, max_urls=1).urls == [("https://k.se/a", "2025-01-02")]
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://k.se/s1.xml</loc></sitemap></sitemapindex>'
    parsed = parse_sitemap(index)
    assert parsed.sitemaps == ["https://k.se/s1.xml"] and parsed.urls == []
    assert parse_sitemap(b"https://k.se/x\nnot a url\n").urls == [("https://k.se/x", None)]
    assert parse_sitemap(gzip.compress(b"x" * 1000), max_bytes=100).error
    entity = b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset><url><loc>&e;</loc></url></urlset>'
    assert all("root:" not in u for u, _ in parse_sitemap(entity).urls)


def test_robots_rules() -> None:
    text = b"User-agent: till\nDisallow: /\n\nUser-agent: tillgang\nDisallow: /sok\nAllow: /sok/hjalp\nDisallow: /*.pdf$\nCrawl-delay: 2\n\nUser-agent: *\nCrawl-delay: 9\nSitemap: https://k.se/sm.xml\n"
    info = parse_robots(text)
    assert info.allowed("https://k.se/om")
    assert not info.allowed("https://k.se/sok/x")
    assert info.allowed("https://k.se/sok/hjalp")
    assert not info.allowed("https://k.se/a.pdf") and info.allowed("https://k.se/a.pdf?x=1")
    assert info.crawl_delay == 2.0
    assert info.sitemaps == ["https://k.se/sm.xml"]
    assert robots_for_status(404).allowed("https://k.se/x")
    assert robots_for_status(403).allowed("https://k.se/x")
    assert not robots_for_status(503).allowed("https://k.se/x")
    assert not robots_for_status(None).allowed("https://k.se/x")


@pytest.mark.parametrize(
    ("ctype", "url", "disposition", "kind"),
    [
        ("text/html; charset=utf-8", "https://k.se/a", None, "page"),
        ("application/pdf", "https://k.se/get?id=1", None, "document"),
        ("application/octet-stream", "https://k.se/f.docx", None, "document"),
        ("application/octet-stream", "https://k.se/get", 'attachment; filename="plan.pptx"', "document"),
        ("application/octet-stream", "https://k.se/get", None, "maybe-document"),
        ("application/vnd.oasis.opendocument.text", "https://k.se/get?id=2", None, "document"),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "https://k.se/b",
            None,
            "document",
        ),
        ("application/msword", "https://k.se/a", None, "unsupported"),
        ("image/png", "https://k.se/a.png", None, "other"),
    ],
)
def test_classify(ctype: str, url: str, disposition: str | None, kind: str) -> None:
    assert classify(ctype, url, disposition) == kind


def test_kind_by_name() -> None:
    assert kind_by_name("https://k.se/a/Rapport.PDF") == "document"
    assert kind_by_name("https://k.se/a.xls") == "unsupported"
    assert kind_by_name("https://k.se/a.xlsx") == "document"
    assert kind_by_name("https://k.se/protokoll.odt") == "document"
    assert kind_by_name("https://k.se/a.jpg") == "media"
    assert kind_by_name("https://k.se/a/") is None


def test_config_file(tmp_path: Path) -> None:
    path = tmp_path / "tillgang.toml"
    path.write_text(
        '[site]\nstart_urls = ["https://k.se/"]\n[limits]\nmax_pages = 7\n[politeness]\ndelay = 2\n'
        '[documents]\nmax_document_mb = 1.5\n[state]\nstate_file = "s.sqlite"\n',
        encoding="utf-8",
    )
    cfg = load_config(path)
    assert cfg.start_urls == ("https://k.se/",) and cfg.max_pages == 7 and cfg.delay == 2.0
    assert cfg.max_document_bytes == int(1.5 * 1024 * 1024)
    assert cfg.state_file == str(tmp_path / "s.sqlite")
    assert cfg.hosts == ("k.se", "www.k.se")
    assert cfg.with_overrides(max_pages=3, delay=None).max_pages == 3
    path.write_text("[limits]\nmax_pgaes = 7\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_pgaes"):
        load_config(path)
    path.write_text('[limits]\nmax_pages = "many"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="integer"):
        load_config(path)
    with pytest.raises(ConfigError, match="start URL"):
        CrawlConfig().validate()
    with pytest.raises(ConfigError, match="http"):
        CrawlConfig(start_urls=("ftp://k.se/",)).validate()


def test_one_config_file_serves_every_part(tmp_path: Path) -> None:
    """tillgang.toml also holds the register's [risk] and the statement's [statement]: the crawler skips them,
    but still refuses a misspelt table of its own."""
    path = tmp_path / "tillgang.toml"
    path.write_text(
        '[site]\nstart_urls = ["https://k.se/"]\n[statement]\norganisation = "K"\n[risk]\nmethod = "product"\n',
        encoding="utf-8",
    )
    assert load_config(path).start_urls == ("https://k.se/",)
    path.write_text('[sitee]\nstart_urls = ["https://k.se/"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="sitee"):
        load_config(path)


def test_example_config_loads() -> None:
    root = Path(__file__).resolve().parents[2]
    cfg = load_config(root / "examples" / "tillgang.toml")
    cfg.validate()
    assert cfg.obey_robots and cfg.delay >= 1.0 and cfg.contact_url


def _output(entries: list[dict[str, Any]], broken: int = 0, status: str = "complete") -> dict[str, Any]:
    return {"pages": entries, "documents": [], "broken_links": [{}] * broken, "summary": {"status": status}}


def test_exit_status() -> None:
    ok = {"rules": {"image-alt": "passed"}, "error": None}
    failed = {"rules": {"image-alt": "failed"}, "error": None}
    error = {"error": {"code": "timeout", "message": ""}}
    assert exit_status(_output([ok])) == 0
    assert exit_status(_output([ok, failed, error])) == 1
    assert exit_status(_output([ok], broken=1)) == 1
    assert exit_status(_output([ok, error])) == 3
    assert exit_status(_output([ok], status="partial")) == 3


def test_finding_key_uses_location_then_fingerprint() -> None:
    a = {
        "rule": "image-alt",
        "location": {"selector": "img:nth-of-type(2)", "fingerprint": "f1"},
        "message": "x",
    }
    b = {
        "rule": "image-alt",
        "location": {"selector": "img:nth-of-type(3)", "fingerprint": "f1"},
        "message": "x",
    }
    c = {"rule": "document-title", "location": {}, "message": "Sidan saknar titel"}
    assert finding_key("u", a)[0] != finding_key("u", b)[0]
    assert finding_key("u", a)[1] == finding_key("u", b)[1]
    assert finding_key("u", c) == ("u\x1fdocument-title\x1fSidan saknar titel", None)


def test_default_scope_includes_the_www_twin() -> None:
    assert CrawlConfig(start_urls=("https://kommun.se/",)).hosts == ("kommun.se", "www.kommun.se")
    assert CrawlConfig(start_urls=("https://www.kommun.se/a",)).hosts == ("www.kommun.se", "kommun.se")
    assert CrawlConfig(start_urls=("http://127.0.0.1:8000/",)).hosts == ("127.0.0.1",)
    assert CrawlConfig(start_urls=("https://k.se/",), allowed_hosts=("K.se",)).hosts == ("k.se",)


def test_progress_line() -> None:
    import io

    from tillgang.crawl.progress import Counters, Progress

    c = Counters(pages=3, documents=2, reused=1, errors=1, queued=7)
    assert (
        Progress(c, "sv", stream=io.StringIO())
        .line()
        .startswith("sidor 3 · dokument 2 · återanvända 1 · fel 1")
    )
    progress = Progress(c, "en", stream=io.StringIO())
    assert not progress.enabled  # not a terminal: no progress line
    assert "queued 7" in progress.line()


def _f(rule: str, selector: str, fingerprint: str | None = None, message: str = "m") -> dict[str, Any]:
    loc: dict[str, Any] = {"selector": selector}
    if fingerprint:
        loc["fingerprint"] = fingerprint
    return {"rule": rule, "outcome": "failed", "location": loc, "message": message}


def test_compare_findings() -> None:
    from tillgang.crawl.run import compare_findings

    prev = [
        (
            "u1",
            "page",
            {
                "url": "u1",
                "findings": [_f("image-alt", "img:nth-of-type(1)", "logo"), _f("a", "x"), _f("a", "x")],
            },
        ),
        ("u2", "page", {"url": "u2", "findings": [_f("link-name", "a")]}),
        ("u3", "document", {"url": "u3", "findings": [_f("pdf-tagged", "")]}),
        ("u4", "skipped", {"url": "u4", "reason": "robots"}),
    ]
    current = {
        # the logo moved down (selector shifted, same fingerprint); the duplicate pair persists; one new finding
        "u1": {
            "url": "u1",
            "findings": [
                _f("image-alt", "img:nth-of-type(2)", "logo"),
                _f("a", "x"),
                _f("a", "x"),
                _f("b", "y"),
            ],
        },
        "u2": {"url": "u2", "error": None, "findings": []},  # checked, finding gone: fixed
        "u3": {"url": "u3", "error": {"code": "timeout", "message": ""}},  # not checked: never fixed
    }
    result = compare_findings(prev, current)
    assert result["persisting"] == 3
    assert [(f["url"], f["rule"]) for f in result["new"]] == [("u1", "b")]
    assert [(f["url"], f["rule"]) for f in result["fixed"]] == [("u2", "link-name")]
    assert compare_findings([], current)["new"][0]["rule"] == "image-alt"


def test_scheduler_slows_down_and_recovers() -> None:
    from tillgang.crawl.fetch import HostScheduler

    s = HostScheduler(per_host=1, delay=0.5)
    s.set_delay("k.se", 2.0)  # robots Crawl-delay
    s.slow_down("k.se")
    assert s.delay_for("k.se") == 4.0
    s.slow_down("k.se", cap=5.0)
    assert s.delay_for("k.se") == 5.0
    for _ in range(50):
        s.recover("k.se")
    assert s.delay_for("k.se") == 2.0
    s.slow_down("other.se")
    assert s.delay_for("other.se") == 1.0  # at least 1 s, from the default 0.5 s


def test_state_prune_keeps_the_latest_runs(tmp_path: Path) -> None:
    import time

    from tillgang.crawl.state import StateStore

    store = StateStore(tmp_path / "s.sqlite")
    for i in range(4):
        store.start_run(f"r{i}", "k.se", {})
        store.add_frontier(f"r{i}", "u", "u", 0, "start", "queued", None, 1)
        store.complete(f"r{i}", "u", "page", {"url": "u"}, "done")
        store.finish_run(f"r{i}", "complete", {})
        time.sleep(0.01)  # distinct start times (ordering only)
    assert store.prune("k.se", 2) == ["r1", "r0"]
    assert [r for r, *_ in store.db.execute("SELECT DISTINCT run_id FROM results ORDER BY run_id")] == [
        "r2",
        "r3",
    ]
    assert len(store.db.execute("SELECT id FROM runs").fetchall()) == 4
    assert store.prune("k.se", 0) == []
    store.close()


def test_link_join_fast_paths_equal_urljoin() -> None:
    from urllib.parse import urljoin

    from tillgang.crawl.links import _join

    bases = [
        "https://k.se/",
        "https://k.se/a/b.html",
        "https://k.se",
        "https://k.se:8443/x/?q=1",
        "http://127.0.0.1:8000/sida/n5",
        "https://k.se/a/b/?x#y",
        "https://user@k.se/p",
    ]
    values = [
        "/kontakt", "/a/b?c=1#d", "/", "/sv/om-oss/", "https://other.se/x", "http://k.se/y?z", "/a/./b",
        "/a/../b", "//cdn.k.se/x", "rel", "../up", "?q=2", "/with space", "/back\\slash", "https://k.se/a/../b",
        "/%C3%A5", "/å", "HTTPS://K.SE/x", "/a;b=c", "https://k.se",
    ]  # fmt: skip
    for base in bases:
        for value in values:
            assert _join(base, value) == urljoin(base, value), (base, value)

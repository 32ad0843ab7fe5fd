"""Hostile servers and malformed URLs (issue 14): decompression bombs, a huge robots.txt, unknown charsets,
another port on the same host, malformed host names. Every server is on 127.0.0.1; every test is bounded in
time (subprocesses have a timeout and an address-space cap, the crawls have short timeouts)."""

from __future__ import annotations

import functools
import gzip
import json
import os
import resource
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tillgang.cli import main
from tillgang.crawl.config import CrawlConfig
from tillgang.crawl.fetch import fetch_to_file
from tillgang.crawl.robots import MAX_ROBOTS_BYTES, parse_robots
from tillgang.errors import DocumentError

from .conftest import Resource, Site, _handler
from .test_crawl import by_url, config, html, run

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024
AS_CAP = (
    4 * 1024 * MiB
)  # a subprocess that decodes the bomb in memory dies here instead of taking the machine


@functools.lru_cache(maxsize=1)
def nested_gzip_bomb() -> bytes:
    """≈ 13 KB that decode, through ``Content-Encoding: gzip, gzip``, to 1 GiB of zeros (one gzip member
    each, so every decoder, httpx's too, sees all of it)."""
    inner = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(16 * MiB)
    data = b"".join(inner.compress(zeros) for _ in range(64)) + inner.flush()
    return gzip.compress(data, 9)


def bomb_site(site: Site) -> None:
    bomb = nested_gzip_bomb()
    enc = {"Content-Encoding": "gzip, gzip"}
    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.page("/", html('<h1>Start</h1><a href="/bomb">B</a><a href="/bomb.pdf">P</a><a href="/ok">O</a>'))
    site.add("/bomb", Resource(bomb, "text/html; charset=utf-8", headers=enc))
    site.add("/bomb.pdf", Resource(bomb, "application/pdf", headers=enc))
    site.page("/ok", html("<h1>OK</h1>"))


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_CAP, AS_CAP))


def run_python(code: str, *args: str, timeout: float = 180) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter (address space capped); it prints one JSON object last."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


RSS = """
import json, resource, sys
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
"""

FETCH_SCRIPT = (
    RSS
    + """
from tillgang.crawl.config import CrawlConfig
from tillgang.crawl.fetch import fetch_to_file
from tillgang.crawl.robots import MAX_ROBOTS_BYTES, parse_robots
from tillgang.errors import DocumentError
fetch_to_file(sys.argv[1], allow_private=True)  # warm up: imports, the event loop
base = peak()
codes = {}
for url in sys.argv[2:]:
    try:
        path, *_ = fetch_to_file(url, allow_private=True)
        codes[url] = "ok"
    except DocumentError as exc:
        codes[url] = exc.code
print(json.dumps({"codes": codes, "growth": peak() - base}))
"""
)

CRAWL_SCRIPT = (
    RSS
    + """
import asyncio
from tillgang.crawl.config import CrawlConfig
from tillgang.crawl.run import Crawl
cfg = CrawlConfig(start_urls=(sys.argv[1],), state_file=sys.argv[2], delay=0.0, jitter=0.0, check_jobs=1,
                  read_timeout=5.0, request_timeout=30.0, retries=0, use_sitemaps=False)
base = peak()
out = asyncio.run(Crawl(cfg, progress=False).run())
entries = {e["url"]: (e["error"] or {}).get("code") for e in [*out["pages"], *out["documents"]]}
print(json.dumps({"entries": entries, "growth": peak() - base}))
"""
)


# ------------------------------------------------------------------ 1. decompression bombs


def test_nested_gzip_bomb_is_too_large_in_bounded_memory_for_check_url(site: Site) -> None:
    """``tillgang check URL`` and the register's check by URL (both ``fetch_document``)."""
    bomb_site(site)
    urls = [site.url("/bomb"), site.url("/bomb.pdf"), site.url("/ok")]
    result = run_python(FETCH_SCRIPT, site.url("/ok"), *urls)
    assert result["codes"] == {urls[0]: "too-large", urls[1]: "too-large", urls[2]: "ok"}
    assert result["growth"] < 200 * MiB


def test_nested_gzip_bomb_in_a_crawl_fails_that_url_only(site: Site, tmp_path: Path) -> None:
    bomb_site(site)
    result = run_python(CRAWL_SCRIPT, site.url("/"), str(tmp_path / "state.sqlite"))
    assert result["entries"] == {
        site.url("/"): None,
        site.url("/ok"): None,
        site.url("/bomb"): "too-large",
        site.url("/bomb.pdf"): "too-large",
    }
    assert result["growth"] < 200 * MiB


def test_unknown_content_encoding_is_not_read_as_the_page(site: Site) -> None:
    site.add("/z", Resource(b"\x28\xb5\x2f\xfd garbage", "text/html", headers={"Content-Encoding": "zstd"}))
    with pytest.raises(DocumentError) as err:
        fetch_to_file(site.url("/z"), allow_private=True)
    assert err.value.code == "fetch-failed" and "zstd" in err.value.detail


def test_gzip_and_deflate_pages_still_read(site: Site, tmp_path: Path) -> None:
    page = html("<h1>Räksmörgås</h1>").encode()
    site.add("/g", Resource(gzip.compress(page), headers={"Content-Encoding": "gzip"}))
    site.add("/d", Resource(zlib.compress(page), headers={"Content-Encoding": "deflate"}))
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    site.add("/r", Resource(raw.compress(page) + raw.flush(), headers={"Content-Encoding": "deflate"}))
    for path in ("/g", "/d", "/r"):
        got, *_ = fetch_to_file(site.url(path), allow_private=True, dest_dir=tmp_path)
        assert got.read_bytes() == page, path


def test_body_decoder_counts_every_layer() -> None:
    from tillgang.crawl.body import BodyDecoder, BodyTooLarge, UnsupportedEncoding

    bomb = nested_gzip_bomb()
    decoder = BodyDecoder("gzip, gzip", 10 * MiB)
    out = 0
    with pytest.raises(BodyTooLarge):
        for piece in decoder.feed(bomb):
            assert len(piece) <= 64 * 1024
            out += len(piece)
            assert out <= 11 * MiB  # the caller stops at its limit; the decoder never runs far ahead
            if out > 10 * MiB:
                raise BodyTooLarge("caller")
    with pytest.raises(UnsupportedEncoding):
        BodyDecoder("gzip, gzip, gzip, gzip", MiB)
    with pytest.raises(UnsupportedEncoding):
        BodyDecoder("compress", MiB)


# ------------------------------------------------------------------ 10. robots.txt over 500 KiB


def big_robots() -> bytes:
    rules = b"User-agent: *\nDisallow: /hemligt/\n"
    padding = b"# " + b"x" * 98 + b"\n"
    return rules + padding * (600 * 1024 // len(padding))


def test_robots_over_500_kib_is_parsed_from_its_start(site: Site, tmp_path: Path) -> None:
    body = big_robots()
    assert len(body) > 600 * 1000
    site.add("/robots.txt", Resource(body, "text/plain"))
    site.page("/", html('<a href="/hemligt/a">H</a><a href="/b">B</a>'))
    site.page("/hemligt/a", html("<h1>H</h1>"))
    site.page("/b", html("<h1>B</h1>"))
    out = run(config(site, tmp_path, use_sitemaps=False))
    assert set(by_url(out, site)) == {"/", "/b"}
    assert site.requests("/hemligt/a") == []
    assert out["summary"]["skipped"].get("robots") == 1


def test_robots_cut_at_a_line_boundary() -> None:
    head = b"User-agent: *\nDisallow: /a\n"
    filler = b"#" * (MAX_ROBOTS_BYTES - len(head) - 5) + b"\n"
    body = head + filler + b"Disallow: /b\n"  # the limit falls inside the last line
    info = parse_robots(body[:MAX_ROBOTS_BYTES], truncated=True)
    assert not info.allowed("https://k.se/a") and info.allowed("https://k.se/b")


# ------------------------------------------------------------------ +. another port on the same host


@pytest.fixture
def other_site() -> Iterator[Site]:
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield s
    finally:
        s.stop.set()
        server.shutdown()
        server.server_close()


def two_origins(site: Site, other: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.page(
        "/", html(f'<a href="/a">A</a><a href="{other.url("/b")}">B</a><a href="{other.url("/c")}">C</a>')
    )
    site.page("/a", html("<h1>A</h1>"))
    other.page("/robots.txt", "User-agent: *\nDisallow: /b\n", content_type="text/plain")
    other.page("/b", html("<h1>B</h1>"))
    other.page("/c", html("<h1>C</h1>"))


def test_another_port_on_the_same_host_is_out_of_scope(site: Site, other_site: Site, tmp_path: Path) -> None:
    two_origins(site, other_site)
    out = run(config(site, tmp_path, use_sitemaps=False))
    assert set(by_url(out, site)) == {"/", "/a"}
    assert other_site.requests() == []
    assert out["summary"]["skipped"].get("out-of-scope") == 2


def test_robots_txt_is_per_origin(site: Site, other_site: Site, tmp_path: Path) -> None:
    two_origins(site, other_site)
    a, b = (s.base.split("//", 1)[1] for s in (site, other_site))
    out = run(config(site, tmp_path, use_sitemaps=False, allowed_hosts=(a, b)))
    entries = {e["url"] for e in [*out["pages"], *out["documents"]]}
    assert entries == {site.url("/"), site.url("/a"), other_site.url("/c")}
    assert other_site.paths() == ["/robots.txt", "/c"]  # /b is disallowed by its own origin's robots.txt
    assert set(out["run"]["robots"]) == {site.base, other_site.base}


def test_allowed_host_without_a_port_means_the_default_ports() -> None:
    cfg = CrawlConfig(start_urls=("https://k.se/",), allowed_hosts=("K.se", "test.k.se:8443"))
    scope = cfg.scope
    assert scope.contains("https://k.se/a") and scope.contains("http://k.se:80/a")
    assert not scope.contains("https://k.se:8443/") and not scope.contains("http://k.se:8080/")
    assert scope.contains("https://test.k.se:8443/") and not scope.contains("https://test.k.se/")
    start = CrawlConfig(start_urls=("http://127.0.0.1:8000/",)).scope
    assert start.contains("http://127.0.0.1:8000/x") and not start.contains("http://127.0.0.1:8001/x")
    assert not start.contains("http://127.0.0.1/x")


# ------------------------------------------------------------------ 9. malformed host names

BAD_HOSTS = [
    "http://a..b/",
    "http://" + "a" * 64 + ".se/",
    "http://.kommun.se/",
    "http://" + "abcde." * 50 + "se/",
]


@pytest.mark.parametrize("url", BAD_HOSTS)
def test_url_problem_finds_malformed_hosts(url: str) -> None:
    from tillgang.crawl.urls import url_problem

    assert url_problem(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.kommun.se/",
        "https://räksmörgås.se/a",
        "http://127.0.0.1:8000/",
        "http://[::1]/",
        "https://k.se./",
    ],
)
def test_url_problem_accepts_good_urls(url: str) -> None:
    from tillgang.crawl.urls import url_problem

    assert url_problem(url) is None


def test_check_reports_a_good_file_and_malformed_urls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "bra.html"
    good.write_text(html("<h1>Bra</h1>"), encoding="utf-8")
    code = main(["check", "--format", "json", "--jobs", "1", str(good), *BAD_HOSTS])
    docs = json.loads(capsys.readouterr().out)["documents"]
    assert [d["source"] for d in docs] == [str(good), *BAD_HOSTS]
    assert docs[0]["error"] is None
    for doc in docs[1:]:
        assert doc["error"]["code"] == "fetch-failed"
        assert "värdnamn" in doc["error"]["message"]
    assert code == 3 or code == 1
    main(["check", "--format", "json", "--lang", "en", "--jobs", "1", BAD_HOSTS[0]])
    [doc] = json.loads(capsys.readouterr().out)["documents"]
    assert "host name" in doc["error"]["message"]


def test_fetch_document_refuses_a_malformed_host() -> None:
    with pytest.raises(DocumentError) as err:
        fetch_to_file("http://a..b/", allow_private=True)
    assert err.value.code == "fetch-failed"


def test_crawl_refuses_a_malformed_start_url() -> None:
    from tillgang.crawl.config import ConfigError

    with pytest.raises(ConfigError, match="host name"):
        CrawlConfig(start_urls=(BAD_HOSTS[0],)).validate()


# ------------------------------------------------------------------ 14. unknown charsets


PAGE_UNKNOWN_META = (
    '<!doctype html><html lang="sv"><head><meta charset="x-foobar"><title>Räksmörgås</title></head>'
    "<body><main><h1>Räksmörgås</h1></main></body></html>"
).encode()


def test_unknown_meta_charset_in_a_file_falls_back_with_a_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "sida.html"
    page.write_bytes(PAGE_UNKNOWN_META)
    main(["check", "--format", "json", "--jobs", "1", str(page)])
    [doc] = json.loads(capsys.readouterr().out)["documents"]
    assert doc["error"] is None and doc["title"] == "Räksmörgås"
    [notice] = doc["notices"]
    assert notice["code"] == "unknown-charset" and "x-foobar" in notice["message"]
    assert "teckenkodning" in notice["message"].lower()
    main(["check", "--format", "text", "--lang", "en", "--jobs", "1", str(page)])
    text = capsys.readouterr().out
    assert "x-foobar" in text and "character encoding" in text.lower()
    main(["check", "--format", "text", "--jobs", "1", str(page)])
    assert "teckenkodning" in capsys.readouterr().out.lower()


def test_unknown_http_charset_in_a_crawl_falls_back_with_a_notice(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page(
        "/", html('<h1>Räksmörgås</h1><a href="/meta">M</a>'), content_type="text/html; charset=x-foobar"
    )
    site.add("/meta", Resource(PAGE_UNKNOWN_META, "text/html"))
    out = run(config(site, tmp_path, use_sitemaps=False, lang="en"))
    entries = by_url(out, site)
    assert set(entries) == {"/", "/meta"}  # the link was found on the page read with the fallback
    for path in ("/", "/meta"):
        entry = entries[path]
        assert entry["error"] is None, entry["error"]
        [notice] = entry["notices"]
        assert notice["code"] == "unknown-charset" and "x-foobar" in notice["message"]
        assert "character encoding" in notice["message"]
    assert entries["/meta"]["title"] == "Räksmörgås"

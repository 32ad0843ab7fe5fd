"""End-to-end crawls of a fixture site served on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tillgang.crawl.config import CrawlConfig
from tillgang.crawl.run import Crawl, exit_status

from .conftest import Resource, Site

LM = "Wed, 01 Oct 2025 08:00:00 GMT"


def make_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Rapport", 1)
    d.add_paragraph("Text.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


PDF = make_pdf()
DOCX = make_docx()
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def html(body: str, title: str = "Sida") -> str:
    return f'<!doctype html><html lang="sv"><head><title>{title}</title></head><body><main>{body}</main></body></html>'


def month_add(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def calendar(path: str) -> Resource:
    value = path.split("manad=", 1)[1] if "manad=" in path else ""
    try:
        year, month = (int(x) for x in value.split("-"))
    except ValueError:
        return Resource(b"", status=404)
    prev = "%04d-%02d" % month_add(year, month, -1)
    nxt = "%04d-%02d" % month_add(year, month, 1)
    body = html(
        f'<h1>{value}</h1><a href="/kalender?manad={prev}">Förra</a> <a href="/kalender?manad={nxt}">Nästa</a>'
    )
    return Resource(body.encode())


def build_site(site: Site) -> None:
    other = site.base.replace("127.0.0.1", "localhost")
    today = dt.date.today()
    site.page(
        "/robots.txt",
        f"User-agent: *\nDisallow: /privat/\n\nSitemap: {site.base}/sitemap.xml\n",
        content_type="text/plain",
    )
    site.page(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.base}/</loc></url><url><loc>{site.base}/bara-i-sitemap</loc>"
        "<lastmod>2025-01-01</lastmod></url></urlset>",
        content_type="application/xml",
    )
    site.page(
        "/",
        html(
            '<h1>Start</h1><a href="/om">Om</a> <a href="/om#del">Om igen</a> <a href="/nyheter/">Nyheter</a>'
            '<a href="/dokument/rapport.pdf">Rapport</a> <a href="/dokument/plan.docx">Plan</a>'
            '<a href="/dokument/blankett">Blankett</a> <a href="/privat/hemlig">Hemlig</a>'
            '<a href="/saknas">Saknas</a> <a href="/trasig">Trasig</a> <a href="/gammal">Gammal</a>'
            f'<a href="/extern">Extern</a> <a href="{other}/direkt">Annan värd</a>'
            '<a href="/langsam">Långsam</a> <a href="/stor.pdf">Stor</a> <a href="/stor2.pdf">Stor 2</a>'
            f'<a href="/kalender?manad={today.year:04d}-{today.month:02d}">Kalender</a>'
            '<a href="mailto:info@example.se">E-post</a> <a href="/bild.png">Bild</a>'
            '<a href="/gammal-dokument.doc">Gammalt format</a> <a href="/sok?q=skola">Sök</a>'
            '<a href="/upptagen">Upptagen</a> <a href="/skyddad">Skyddad</a>'
        ),
        etag='"start-1"',
    )
    site.page(
        "/om",
        html(
            '<meta name="robots" content="noindex"><h1>Om</h1><a href="/">Start</a> <a href="dokument/rapport.pdf">R</a>'
        ),
        headers={"X-Robots-Tag": "noarchive"},
    )
    site.page(
        "/nyheter/",
        '<!doctype html><html lang="sv"><head><title>Nyheter</title><base href="/nyheter/arkiv/"></head>'
        '<body><h1>Nyheter</h1><a href="artikel1">Artikel</a></body></html>',
    )
    site.page("/nyheter/arkiv/artikel1", html("<h1>Artikel</h1>"))
    site.page("/bara-i-sitemap", html("<h1>Bara i sitemap</h1>"))
    site.page("/ny", html("<h1>Ny</h1>"))
    site.page("/privat/hemlig", html("<h1>Hemlig</h1>"))
    site.page("/trasig", "fel", status=500)
    site.add("/gammal", Resource(status=301, headers={"Location": "/ny"}))
    site.add("/extern", Resource(status=302, headers={"Location": f"{other}/landning"}))
    site.add("/skyddad", Resource(status=302, headers={"Location": "/login?returnUrl=/skyddad"}))
    site.page("/langsam", html("<h1>Långsam</h1>"), delay=3.0)
    site.add("/dokument/rapport.pdf", Resource(PDF, "application/pdf", etag='"pdf-1"', last_modified=LM))
    site.add("/dokument/plan.docx", Resource(DOCX, DOCX_TYPE, etag='W/"docx-1"', last_modified=LM))
    site.add(
        "/dokument/blankett", Resource(PDF, "application/pdf", headers={"Content-Disposition": "attachment"})
    )
    big = b"%PDF-1.7\n" + b"0" * 300_000
    site.add("/stor.pdf", Resource(big, "application/pdf"))
    site.add("/stor2.pdf", Resource(big, "application/octet-stream", content_length=False))
    site.prefix("/kalender", calendar)
    busy = iter([Resource(b"upptagen", "text/plain", status=503, headers={"Retry-After": "0"})])
    site.add("/upptagen", lambda path: next(busy, Resource(html("<h1>Nu</h1>").encode())))


def config(site: Site, tmp_path: Path, **kw: Any) -> CrawlConfig:
    values: dict[str, Any] = {
        "start_urls": (site.url("/"),),
        "delay": 0.0,
        "jitter": 0.0,
        "concurrency": 4,
        "per_host_concurrency": 4,
        "read_timeout": 0.3,
        "request_timeout": 5.0,
        "retries": 2,
        "backoff": 0.01,
        "max_document_bytes": 100_000,
        "check_jobs": 1,
        "check_timeout": 30.0,
        "date_window_years": 1,
        "state_file": str(tmp_path / "state.sqlite"),
    }
    values.update(kw)
    return CrawlConfig(**values)


def by_url(output: dict[str, Any], site: Site) -> dict[str, dict[str, Any]]:
    return {e["url"].replace(site.base, ""): e for e in [*output["pages"], *output["documents"]]}


def run(cfg: CrawlConfig, **kw: Any) -> dict[str, Any]:
    return asyncio.run(Crawl(cfg, progress=False, **kw).run())


def test_full_crawl(site: Site, tmp_path: Path) -> None:
    build_site(site)
    out = run(
        config(site, tmp_path, max_depth=40)
    )  # deep enough that the calendar guard, not depth, stops it
    entries = by_url(out, site)
    pages = {e["url"].replace(site.base, "") for e in out["pages"]}
    documents = {e["url"].replace(site.base, "") for e in out["documents"]}

    # links, <base href>, sitemap seeds, fragment dedup
    assert {"/", "/om", "/nyheter/", "/nyheter/arkiv/artikel1", "/bara-i-sitemap"} <= pages
    assert entries["/bara-i-sitemap"]["discovered_via"] == "sitemap"
    assert out["orphan_pages"] == [site.url("/bara-i-sitemap")]  # in the sitemap, linked from nowhere
    assert len(site.requests("/om")) == 1
    # noindex pages are still checked; meta robots and X-Robots-Tag are recorded
    assert entries["/om"]["meta_robots"] == "noindex" and entries["/om"]["x_robots_tag"] == "noarchive"
    assert entries["/om"]["format"] == "html"
    # documents by extension and by Content-Type
    assert {"/dokument/rapport.pdf", "/dokument/plan.docx", "/dokument/blankett"} <= documents
    assert entries["/dokument/blankett"]["format"] == "pdf"
    assert entries["/dokument/plan.docx"]["format"] == "docx"
    assert entries["/dokument/rapport.pdf"]["etag"] == '"pdf-1"'
    assert entries["/dokument/rapport.pdf"]["last_modified"] == LM
    assert len(entries["/dokument/rapport.pdf"]["sha256"]) == 64
    for e in entries.values():
        assert e["source"] == e["url"] and e["reused"] is False
    # robots.txt: the disallowed path is never requested
    assert site.requests("/privat/hemlig") == []
    assert site.paths()[0] == "/robots.txt"
    # scope: never another host, not even through a redirect
    assert {h.host for h in site.requests()} == {site.base.split("//")[1]}
    skipped = {s["url"].replace(site.base, ""): s for s in out["skipped"]}
    assert skipped["/extern"]["reason"] == "redirect-out-of-scope"
    assert skipped["/extern"]["final_url"].startswith("http://localhost:")
    # a redirect to an excluded URL (a login page) is not followed
    assert skipped["/skyddad"]["reason"] == "redirect-excluded"
    assert not [p for p in site.paths() if p.startswith("/login")]
    # an in-scope redirect is followed, the chain recorded
    assert entries["/gammal"]["final_url"] == site.url("/ny")
    assert entries["/gammal"]["redirects"][0]["status"] == 301
    # 404: not retried, a broken link of the page that links it
    assert len(site.requests("/saknas")) == 1
    broken = {b["url"].replace(site.base, ""): b for b in out["broken_links"]}
    assert broken["/saknas"]["status"] == 404
    assert site.url("/") in broken["/saknas"]["linked_from"]
    # 500: retried (retries=2 → 3 requests), then recorded
    assert len(site.requests("/trasig")) == 3
    assert entries["/trasig"]["status"] == 500 and entries["/trasig"]["error"]["code"] == "fetch-failed"
    assert "/trasig" in broken
    # 503 with Retry-After: retried, then fine
    assert [h.status for h in site.requests("/upptagen")] == [503, 200]
    assert entries["/upptagen"]["status"] == 200 and entries["/upptagen"]["error"] is None
    # a slow page times out (retried, then recorded)
    assert entries["/langsam"]["error"]["code"] == "fetch-failed"
    assert "timeout" in entries["/langsam"]["error"]["message"].lower()
    # oversized, with and without Content-Length
    assert entries["/stor.pdf"]["error"]["code"] == "too-large"
    assert entries["/stor2.pdf"]["error"]["code"] == "too-large"
    # an old format is counted, not downloaded
    assert entries["/gammal-dokument.doc"]["error"]["code"] == "unsupported-format"
    assert site.requests("/gammal-dokument.doc") == []
    # the calendar trap is bounded (1 year either side of this month), search excluded, media not fetched
    calendar_hits = [p for p in site.paths() if p.startswith("/kalender")]
    assert 10 <= len(calendar_hits) <= 2 * 12 + 1
    assert out["summary"]["skipped"]["trap-calendar"] >= 1
    assert out["summary"]["skipped"]["excluded"] == 1
    assert site.requests("/bild.png") == [] and site.requests("/sok?q=skola") == []
    # every request carries the User-Agent with the contact URL
    assert all(
        h.headers["User-Agent"].startswith("tillgang/") and "(+" in h.headers["User-Agent"]
        for h in site.requests()
    )
    assert out["summary"]["status"] == "complete"
    assert out["comparison"]["previous_run"] is None
    assert exit_status(out) == 1  # broken links


def test_second_crawl_is_conditional_and_reuses(site: Site, tmp_path: Path) -> None:
    build_site(site)
    cfg = config(site, tmp_path)
    first = run(cfg)
    split = len(site.requests())
    second = run(cfg)
    again = site.requests()[split:]
    docs = [h for h in again if h.path in ("/dokument/rapport.pdf", "/dokument/plan.docx")]
    assert len(docs) == 2
    for hit in docs:
        assert hit.status == 304
        assert "If-None-Match" in hit.headers and "If-Modified-Since" in hit.headers
    start = [h for h in again if h.path == "/"]
    assert start and start[0].status == 304
    entries = by_url(second, site)
    for path in ("/dokument/rapport.pdf", "/dokument/plan.docx", "/"):
        assert entries[path]["reused"] is True
        assert entries[path]["status"] == 304
        assert entries[path]["format"] == by_url(first, site)[path]["format"]
    # no validators, but the same sha256: reused without checking again
    assert [h.status for h in again if h.path == "/dokument/blankett"] == [200]
    assert entries["/dokument/blankett"]["reused"] is True
    # a 304 page still feeds the frontier from its stored links
    assert {e["url"] for e in second["pages"]} == {e["url"] for e in first["pages"]}
    assert second["comparison"]["previous_run"] == first["run"]["id"]
    assert second["comparison"]["fixed"] == []
    assert second["comparison"]["new"] == []
    findings = sum(len(e.get("findings") or []) for e in [*first["pages"], *first["documents"]])
    assert second["comparison"]["persisting"] == findings
    assert second["summary"]["reused"] >= 3


def test_robots_crawl_delay_spaces_requests(site: Site, tmp_path: Path) -> None:
    site.page(
        "/robots.txt", "User-agent: *\nDisallow: /privat/\nCrawl-delay: 0.2\n", content_type="text/plain"
    )
    site.page("/", html('<a href="/a">a</a><a href="/b">b</a><a href="/c">c</a><a href="/privat/x">x</a>'))
    for p in ("/a", "/b", "/c", "/privat/x"):
        site.page(p, html(p))
    cfg = config(site, tmp_path, per_host_concurrency=1, use_sitemaps=False)
    out = run(cfg)
    assert out["run"]["robots"][site.base]["crawl_delay"] == pytest.approx(0.2)
    assert out["run"]["robots"][site.base]["effective_delay"] == pytest.approx(0.2)
    hits = site.requests()
    assert hits[0].path == "/robots.txt"
    assert "/privat/x" not in [h.path for h in hits]
    pages = [h for h in hits if h.path != "/robots.txt"]
    assert next(h.path for h in pages) == "/" and len(pages) == 4
    gaps = [b.time - a.time for a, b in itertools.pairwise(pages)]
    assert min(gaps) >= 0.1  # half the Crawl-delay: a lower bound only, never a wall-time limit


def test_robots_group_for_tillgang(site: Site, tmp_path: Path) -> None:
    site.page(
        "/robots.txt",
        "User-agent: *\nDisallow: /\n\nUser-agent: tillgang\nAllow: /\nDisallow: /sok\n",
        content_type="text/plain",
    )
    site.page("/", html('<a href="/a">a</a><a href="/sokning">s</a>'))
    site.page("/a", html("a"))
    out = run(config(site, tmp_path, use_sitemaps=False, exclude=()))
    assert {e["url"] for e in out["pages"]} == {site.url("/"), site.url("/a")}
    assert site.requests("/sokning") == []


def test_robots_unavailable_blocks_the_host(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "down", status=503)
    site.page("/", html("x"))
    out = run(config(site, tmp_path, use_sitemaps=False, retries=0))
    assert site.paths() == ["/robots.txt"]
    assert out["pages"] == [] and out["skipped"][0]["reason"] == "robots"
    from tillgang.crawl.progress import summary_text

    assert f"robots.txt of {site.base} could not be read (503)" in summary_text(out, "en")
    assert out["summary"]["status"] == "partial" and exit_status(out) == 3


def test_fixed_and_new_against_previous_run(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", html('<a href="/sida">s</a><a href="/borta">b</a>'))
    site.page("/sida", html("<h1>S</h1>"))
    site.page("/borta", html("<h1>B</h1>"))
    cfg = config(site, tmp_path, use_sitemaps=False)
    first = run(cfg)
    # forge one finding on /sida and one on /borta in the stored first run, as if a rule had failed then
    db = sqlite3.connect(cfg.state_file)
    for path in ("/sida", "/borta"):
        url = site.url(path)
        (raw,) = db.execute(
            "SELECT entry FROM results WHERE run_id = ? AND url = ?", (first["run"]["id"], url)
        ).fetchone()
        entry = json.loads(raw)
        entry["findings"] = [
            {"rule": "image-alt", "outcome": "failed", "location": {"selector": "img"}, "message": "m"}
        ]
        db.execute(
            "UPDATE results SET entry = ? WHERE run_id = ? AND url = ?",
            (json.dumps(entry), first["run"]["id"], url),
        )
    db.commit()
    db.close()
    site.page("/borta", "gone", status=404)
    second = run(cfg)
    fixed = second["comparison"]["fixed"]
    # /sida was checked and the finding is gone: fixed. /borta could not be checked: never "fixed".
    assert [f["url"] for f in fixed] == [site.url("/sida")]
    assert second["comparison"]["previous_run"] == first["run"]["id"]


def test_resume_after_interruption(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    links = "".join(f'<a href="/p{i}">{i}</a>' for i in range(12))
    site.page("/", html(links + '<a href="/d.pdf">d</a>'))
    for i in range(12):
        site.page(f"/p{i}", html(f"<h1>{i}</h1>"))
    site.add("/d.pdf", Resource(PDF, "application/pdf", etag='"d"'))
    cfg = config(site, tmp_path, use_sitemaps=False, concurrency=1, per_host_concurrency=1)

    done: list[str] = []

    async def interrupted() -> None:
        task = asyncio.current_task()
        assert task is not None

        def on_result(kind: str, entry: dict[str, Any]) -> None:
            done.append(entry["url"])
            if len(done) == 4:
                task.cancel()

        await Crawl(cfg, progress=False, on_result=on_result).run()

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(interrupted())
    db = sqlite3.connect(cfg.state_file)
    ((run_id, status),) = db.execute("SELECT id, status FROM runs").fetchall()
    committed = {u for (u,) in db.execute("SELECT url FROM results WHERE run_id = ?", (run_id,))}
    db.close()
    assert status == "interrupted"
    assert set(done) <= committed and len(committed) >= 4

    split = len(site.requests())
    out = run(cfg, resume=True)
    assert out["run"]["id"] == run_id and out["summary"]["status"] == "complete"
    again = [site.url(h.path) for h in site.requests()[split:] if h.path != "/robots.txt"]
    assert not set(again) & committed  # nothing done is fetched or checked again
    assert {e["url"] for e in out["pages"]} == {site.url("/"), *(site.url(f"/p{i}") for i in range(12))}
    assert [e["url"] for e in out["documents"]] == [site.url("/d.pdf")]


def test_limits_make_a_partial_run(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", html("".join(f'<a href="/p{i}">{i}</a>' for i in range(10))))
    for i in range(10):
        site.page(f"/p{i}", html('<a href="/djup">d</a>'))
    site.page("/djup", html("d"))
    out = run(config(site, tmp_path, use_sitemaps=False, max_pages=5, max_depth=1))
    assert len(out["pages"]) == 5
    assert out["summary"]["status"] == "partial" and "max-pages" in out["summary"]["partial_reasons"]
    assert out["summary"]["skipped"]["max-pages"] == 6  # /p4 … /p9
    assert out["summary"]["skipped"]["max-depth"] == 1  # /djup, seen once
    assert site.requests("/djup") == []


def test_small_pages_checked_in_process_give_the_same_entries(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", html('<h1>Start</h1><img src="/a.png"><a href="/b">B</a>', title="Start"))
    site.add(
        "/b",
        Resource(
            # 0xA4 is € in ISO-8859-15 but ¤ in windows-1252, the reader's guess without the HTTP charset
            "<html><head><title>Åsa 5 €</title></head><body><p>å</p></body></html>".encode("iso-8859-15"),
            "text/html; charset=iso-8859-15",
        ),
    )
    pooled = run(config(site, tmp_path, use_sitemaps=False, state_file=str(tmp_path / "a.sqlite")))
    inline = run(
        config(
            site,
            tmp_path,
            use_sitemaps=False,
            state_file=str(tmp_path / "b.sqlite"),
            inline_page_max_bytes=10**6,
        )
    )
    for a, b in zip(pooled["pages"], inline["pages"], strict=True):
        assert a["format"] == b["format"] == "html"
        assert a["rules"] == b["rules"] and a["sha256"] == b["sha256"]
        assert [f["rule"] for f in a["findings"]] == [f["rule"] for f in b["findings"]]
    # the HTTP charset reaches the checker both ways
    assert (
        [p["title"] for p in pooled["pages"]] == [p["title"] for p in inline["pages"]] == ["Start", "Åsa 5 €"]
    )


def test_wall_clock_cap_then_resume(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", html("".join(f'<a href="/p{i}">{i}</a>' for i in range(3))))
    for i in range(3):
        site.page(f"/p{i}", html(str(i)))
    # the cap (0.05 s) ends the run long before the second request may start (0.5 s delay)
    cfg = config(site, tmp_path, use_sitemaps=False, delay=0.5, per_host_concurrency=1, max_duration_s=0.05)
    first = run(cfg)
    assert first["summary"]["status"] == "partial" and "max-duration" in first["summary"]["partial_reasons"]
    assert len(first["pages"]) < 4
    second = run(config(site, tmp_path, use_sitemaps=False), resume=True)
    assert second["run"]["id"] == first["run"]["id"] and second["summary"]["status"] == "complete"
    assert len(second["pages"]) == 4
    assert len(site.requests("/")) == 1


def test_sitemap_index_and_gzip_seed_in_scope_urls_only(site: Site, tmp_path: Path) -> None:
    import gzip

    other = site.base.replace("127.0.0.1", "localhost")
    site.page(
        "/robots.txt",
        f"User-agent: *\nAllow: /\nSitemap: {site.base}/sm-index.xml\n",
        content_type="text/plain",
    )
    site.page(
        "/sm-index.xml",
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.base}/sm-a.xml.gz</loc></sitemap><sitemap><loc>{other}/sm-b.xml</loc></sitemap>"
        "</sitemapindex>",
        content_type="application/xml",
    )
    urlset = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.base}/fran-sitemap</loc></url><url><loc>{other}/utanfor</loc></url></urlset>"
    )
    site.add("/sm-a.xml.gz", Resource(gzip.compress(urlset.encode()), "application/x-gzip"))
    site.page("/", html("<h1>Start</h1>"))
    site.page("/fran-sitemap", html("<h1>Från sitemap</h1>"))
    out = run(config(site, tmp_path))
    assert {e["url"] for e in out["pages"]} == {site.url("/"), site.url("/fran-sitemap")}
    assert {h.host for h in site.requests()} == {site.base.split("//")[1]}
    logged = {s["url"].replace(site.base, ""): s for s in out["run"]["sitemaps"]}
    assert logged["/sm-a.xml.gz"]["urls"] == 2 and logged["/sitemap.xml"]["status"] == 404

"""``tillgang crawl`` on the command line (in-process and as a process interrupted by a signal), and
``fetch_to_file`` for ``tillgang check https://…``."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tillgang.cli import main
from tillgang.crawl.fetch import fetch_to_file
from tillgang.errors import DocumentError
from tillgang.limits import DEFAULT_LIMITS

from .conftest import Resource, Site
from .test_crawl import PDF, html

ROOT = Path(__file__).resolve().parents[2]


def small_site(site: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.page("/", html('<h1>Start</h1><a href="/a">A</a><a href="/r.pdf">R</a>', title="Start"))
    site.page("/a", html("<h1>A</h1>", title="A"))
    site.add("/r.pdf", Resource(PDF, "application/pdf", etag='"r"'))


def test_cli_crawl_writes_the_run(site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small_site(site)
    out = tmp_path / "run.json"
    state = tmp_path / "state.sqlite"
    args = ["crawl", site.url("/"), "--state", str(state), "--out", str(out), "--delay", "0", "--jobs", "1"]
    code = main([*args, "--lang", "en"])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert code in (0, 1)  # whatever the HTML rules say about these pages; no URL failed
    assert {e["url"] for e in data["pages"]} == {site.url("/"), site.url("/a")}
    assert [e["url"] for e in data["documents"]] == [site.url("/r.pdf")]
    assert data["tool"]["name"] == "tillgang" and data["run"]["start_urls"] == [site.url("/")]
    assert set(data["comparison"]) == {"previous_run", "new", "fixed", "persisting"}
    text = capsys.readouterr().out
    assert "Pages: 2" in text and "Documents: 1" in text
    assert main([*args, "--lang", "sv"]) == code
    assert "Återanvända resultat: 3" in capsys.readouterr().out
    assert main(["crawl", "--state", str(state)]) == 2  # no start URL


def test_sigint_then_resume(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", "", content_type="text/plain")
    site.page("/", html('<a href="/a">a</a><a href="/hanger">h</a><a href="/b">b</a>'))
    site.page("/a", html("a"))
    site.page("/b", html("b"))
    site.page("/hanger", html("h"), delay=30.0)  # answers only when the server stops
    state = tmp_path / "state.sqlite"
    cmd = [sys.executable, "-m", "tillgang", "crawl", site.url("/"), "--state", str(state), "--delay", "0"]
    cmd += ["--concurrency", "1", "--per-host", "1", "--jobs", "1", "--no-sitemaps", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (site.requests("/hanger") and _done(state) >= 2) and time.monotonic() < deadline:
            assert proc.poll() is None
            time.sleep(0.05)
        assert site.requests("/hanger") and _done(state) >= 2, "the crawl never got that far"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
    db = sqlite3.connect(state)
    (status,) = db.execute("SELECT status FROM runs").fetchone()
    states = dict(db.execute("SELECT url, state FROM frontier"))
    db.close()
    assert status == "interrupted"
    assert states[site.url("/")] == states[site.url("/a")] == "done"
    assert states[site.url("/hanger")] == "queued"  # in flight when interrupted: done again on resume
    site.page("/hanger", html("h"))
    split = len(site.requests())
    resume = ["crawl", "--state", str(state), "--resume", "--quiet", "--no-sitemaps", site.url("/")]
    assert main(resume) in (0, 1)
    again = [h.path for h in site.requests()[split:]]
    assert "/" not in again and "/a" not in again and "/hanger" in again and "/b" in again


def _done(state: Path) -> int:
    if not state.exists():
        return 0
    db = sqlite3.connect(state)
    try:
        (n,) = db.execute("SELECT count(*) FROM frontier WHERE state = 'done'").fetchone()
    except sqlite3.OperationalError:
        n = 0
    finally:
        db.close()
    return int(n)


def test_fetch_to_file_refuses_loopback_unless_allowed(site: Site, tmp_path: Path) -> None:
    site.add("/d.pdf", Resource(PDF, "application/pdf"))
    site.add("/flyttad", Resource(status=302, headers={"Location": "/d.pdf"}))
    site.page("/sida", html("x"))
    with pytest.raises(DocumentError) as err:
        fetch_to_file(site.url("/d.pdf"), DEFAULT_LIMITS, dest_dir=tmp_path)
    assert err.value.code == "fetch-failed" and "private" in err.value.detail
    assert site.requests() == []
    path, final, ctype, status = fetch_to_file(site.url("/flyttad"), dest_dir=tmp_path, allow_private=True)
    assert path.read_bytes() == PDF and final == site.url("/d.pdf") and ctype == "application/pdf"
    assert status == 200
    page, _, ctype, _ = fetch_to_file(site.url("/sida"), dest_dir=tmp_path, allow_private=True)
    assert page.suffix == ".html" and b"<html" in page.read_bytes() and ctype.startswith("text/html")
    small = DEFAULT_LIMITS.with_overrides(max_file_bytes=100)
    with pytest.raises(DocumentError) as err:
        fetch_to_file(site.url("/d.pdf"), small, dest_dir=tmp_path, allow_private=True)
    assert err.value.code == "too-large"
    with pytest.raises(DocumentError):
        fetch_to_file(site.url("/saknas"), dest_dir=tmp_path, allow_private=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, page.name])


def test_max_depth_zero_rechecks_only_the_start_url(site: Site, tmp_path: Path) -> None:
    small_site(site)
    site.page("/sitemap.xml", f"{site.base}/a\n", content_type="text/plain")
    out = tmp_path / "run.json"
    args = [
        "crawl",
        site.url("/"),
        "--max-depth",
        "0",
        "--state",
        str(tmp_path / "s.sqlite"),
        "--out",
        str(out),
    ]
    main([*args, "--delay", "0", "--quiet", "--jobs", "1"])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [e["url"] for e in data["pages"]] == [site.url("/")] and data["documents"] == []
    assert data["summary"]["status"] == "complete"
    assert "/sitemap.xml" not in site.paths()

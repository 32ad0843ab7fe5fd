"""``tillgang crawl --render all|sample`` and ``tillgang check --render URL`` on a local site: pages in the
browser, one page per template with ``sample``, the run's record of what was rendered, and the guard on
private addresses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tillgang.cli import main
from tillgang.crawl.rendering import template_key

from .conftest import Site
from .test_crawl import html

ARTICLE = (
    '<nav class="meny"><ul>{items}</ul></nav><article class="artikel"><h1>{title}</h1>'
    '<p style="color: #aaa">Ingress i ljusgrå text.</p><p>{text}</p></article>'
)


def article(title: str, n: int) -> str:
    items = "".join(f'<li><a href="/sida{i % 3}">Sida {i}</a></li>' for i in range(n))
    return html(ARTICLE.format(items=items, title=title, text=title * 3), title=title)


def template_site(site: Site) -> None:
    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.page(
        "/",
        html(
            '<h1>Start</h1><div class="puffar"><a href="/sida0">Ett</a><a href="/sida1">Två</a>'
            '<a href="/sida2">Tre</a><a href="/skript">Skript</a></div>',
            title="Start",
        ),
    )
    for i in range(3):
        site.page(f"/sida{i}", article(f"Sida {i}", 3 + i))
    site.page(
        "/skript",
        html(
            '<div id="app"></div><script>document.getElementById("app").innerHTML = '
            "'<a href=\"/dold\">Skriptlänk</a>';</script>",
            title="Skript",
        ),
    )
    site.page("/dold", html("<h1>Dold</h1><p>Bara via skript.</p>", title="Dold"))


def crawl(site: Site, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "run.json"
    args = [
        "crawl",
        site.url("/"),
        "--state",
        str(tmp_path / "s.sqlite"),
        "--out",
        str(out),
        "--delay",
        "0",
        "--jobs",
        "1",
        "--quiet",
        "--no-sitemaps",
        *extra,
    ]
    code = main(args)
    return code, json.loads(out.read_text(encoding="utf-8"))


def test_template_key_collapses_text_and_repeated_items() -> None:
    a = template_key(article("Ett", 3).encode())
    b = template_key(article("Två med mer text", 7).encode())
    assert a == b
    assert template_key(html("<h1>Start</h1>").encode()) != a


def test_crawl_render_all(chromium_path: str, site: Site, tmp_path: Path) -> None:
    template_site(site)
    _, data = crawl(site, tmp_path, "--render", "all")
    pages = {e["url"]: e for e in data["pages"]}
    assert set(pages) == {site.url(p) for p in ("/", "/sida0", "/sida1", "/sida2", "/skript", "/dold")}
    assert all(
        e.get("rendered") is True for e in pages.values()
    )  # /dold is reached only by the script's link
    assert pages[site.url("/sida0")]["rules"]["color-contrast-html"] == "failed"
    assert data["render"] == {"mode": "all", "rendered": 6, "screenshots": 0}  # --out FILE: a folder for them
    assert len(site.requests("/sida0")) == 1  # the browser got the page from the crawler's bytes


def test_crawl_render_sample_renders_one_page_per_template(
    chromium_path: str, site: Site, tmp_path: Path
) -> None:
    template_site(site)
    _, data = crawl(site, tmp_path, "--render", "sample")
    pages = {e["url"]: e for e in data["pages"]}
    articles = [pages[site.url(f"/sida{i}")] for i in range(3)]
    assert sum(1 for e in articles if e.get("rendered")) == 1
    static = [e for e in articles if not e.get("rendered")]
    assert all("color-contrast-html" not in e["rules"] for e in static)
    assert data["render"]["mode"] == "sample"
    assert data["render"]["rendered"] == sum(1 for e in pages.values() if e.get("rendered"))
    assert data["render"]["static"] == 2


def test_check_render_refuses_a_private_address(
    chromium_path: str, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.page("/", html("<h1>Start</h1>", title="Start"))
    main(["check", "--render", "--format", "json", "--lang", "en", site.url("/")])
    [doc] = json.loads(capsys.readouterr().out)["documents"]
    assert doc["error"]["code"] == "fetch-failed" and "--allow-private" in doc["error"]["message"]
    assert site.requests("/") == []
    main(["check", "--render", "--allow-private", "--format", "json", site.url("/")])
    [doc] = json.loads(capsys.readouterr().out)["documents"]
    assert (
        doc["error"] is None and doc["rendered"] is True and doc["rules"]["page-has-heading-one"] == "passed"
    )


GRADIENT = (
    '<h1>Toning</h1><div style="background: linear-gradient(#fff, #333); padding: 8px">'
    '<p style="color: #000">Svart text på en toning från vitt till mörkgrått.</p></div>'
)


def test_crawl_render_out_dir_writes_screenshots_of_elements_to_review(
    chromium_path: str, site: Site, tmp_path: Path
) -> None:
    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.page("/", html('<a href="/gra">Grå</a>' + GRADIENT, title="Toning"))
    site.page("/gra", html('<h1>Grå</h1><p style="color: #aaa">Ljusgrå text.</p>', title="Grå"))
    out = tmp_path / "ut"
    out.mkdir()
    args = ["crawl", site.url("/"), "--state", str(tmp_path / "s.sqlite"), "--out", str(out), "--delay", "0"]
    main([*args, "--jobs", "1", "--quiet", "--no-sitemaps", "--render", "all"])
    data = json.loads((out / "run.json").read_text(encoding="utf-8"))
    pages = {e["url"]: e for e in data["pages"]}
    start = pages[site.url("/")]
    assert start["rules"]["color-contrast-html"] == "cantTell"
    shots = {f["screenshot"] for f in start["findings"] if "screenshot" in f}
    assert len(shots) == 1
    [shot] = shots
    assert shot.startswith("screenshots/") and (out / shot).read_bytes().startswith(b"\x89PNG")
    grey = pages[site.url("/gra")]  # a failed contrast is no case for a person: no screenshot
    assert grey["rules"]["color-contrast-html"] == "failed"
    assert all("screenshot" not in f for f in grey["findings"])
    assert data["render"]["screenshots"] == 1
    main([*args, "--jobs", "1", "--quiet", "--no-sitemaps", "--render", "all"])  # a rerun: the same file
    assert [p.name for p in (out / "screenshots").iterdir()] == [Path(shot).name]


def test_crawl_render_screenshots_beside_out_file_and_none_on_stdout(
    chromium_path: str, site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.page("/", html(GRADIENT, title="Toning"))
    _, data = crawl(site, tmp_path, "--render", "all")  # --out FILE: screenshots/ beside it
    [page] = data["pages"]
    [shot] = {f["screenshot"] for f in page["findings"] if "screenshot" in f}
    assert (tmp_path / shot).is_file()
    args = ["crawl", site.url("/"), "--state", str(tmp_path / "t.sqlite"), "--out", "-", "--delay", "0"]
    main([*args, "--jobs", "1", "--quiet", "--no-sitemaps", "--render", "all"])
    [page] = json.loads(capsys.readouterr().out)["pages"]
    assert page["rules"]["color-contrast-html"] == "cantTell"
    assert all("screenshot" not in f for f in page["findings"])  # standard output: no folder for them

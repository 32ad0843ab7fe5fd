"""Screenshots of a rendered crawl's cantTell elements in the register (issue 11): stored with the finding by
``crawl --render --out DIR --store`` and ``register store``, shown on the finding page, served only to those who
may read findings, and never read from outside the run's output folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tillgang.register.findings_export import rule_title
from tillgang.register.models import Finding, FindingScreenshot
from tillgang.register.store import screenshot_path, store_run

from ..crawl import conftest as crawl_conftest
from ..crawl.conftest import Site
from .test_review import _client
from .test_store import BASE, entry, output

site = crawl_conftest.site  # the local HTTP server fixture of the crawler's tests

pytestmark = [pytest.mark.db, pytest.mark.django_db]

PNG = (
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
)  # the signature is what the register checks; not shown in a browser here
SHADOW = {
    "rule": "color-contrast-html",
    "outcome": "cantTell",
    "severity": "serious",
    "wcag": ["1.4.3"],
    "location": {"selector": "main > div > p"},
    "message": "Textens kontrast kan inte avgöras: bakgrunden är en toning.",
}


def _run(run_id: str, shot: str) -> dict[str, Any]:
    return output(run_id, 3, [entry("/", "html", [{**SHADOW, "screenshot": shot}])], [])


def test_stored_with_the_finding_shown_and_served(tmp_path: Path, make_user: Callable[..., Any]) -> None:
    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "abc-1.png").write_bytes(PNG)
    run = store_run(_run("r1", "screenshots/abc-1.png"), folder=tmp_path)
    assert run.summary["register"]["screenshots"] == {"stored": 1, "refused": 0}
    finding = Finding.objects.get(rule="color-contrast-html")
    assert bytes(finding.screenshot.png) == PNG
    store_run(_run("r1", "screenshots/abc-1.png"), folder=tmp_path)  # the same run again
    store_run(_run("r2", "screenshots/abc-1.png"), folder=tmp_path)  # a later run, same finding
    assert FindingScreenshot.objects.count() == 1
    client = _client(make_user, "reader")
    page = client.get(f"/avvikelser/{finding.pk}/").content.decode()
    src = f"/avvikelser/{finding.pk}/skarmbild.png"
    assert f'<img src="{src}" alt="Skärmbild av elementet' in page
    alt = page.split(src)[1].split(">")[0]
    assert rule_title("color-contrast-html") in alt and "main &gt; div &gt; p" in alt  # the rule, the element
    response = client.get(src)
    assert response.status_code == 200 and response.content == PNG
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"


def test_no_image_without_rights(tmp_path: Path, make_user: Callable[..., Any]) -> None:
    (tmp_path / "a.png").write_bytes(PNG)
    store_run(_run("r1", "a.png"), folder=tmp_path)
    src = f"/avvikelser/{Finding.objects.get().pk}/skarmbild.png"
    assert _client(make_user, None).get(src).status_code == 403
    anonymous = Client().get(src)
    assert anonymous.status_code == 302 and "logga-in" in anonymous["Location"]


@pytest.mark.parametrize(
    "name", ["../hemlig.png", "/etc/passwd", "screenshots/../../hemlig.png", "ut.png", ""]
)
def test_a_path_outside_the_run_folder_is_refused(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    (tmp_path / "hemlig.png").write_bytes(PNG)
    (folder / "ut.png").symlink_to(tmp_path / "hemlig.png")  # a link out of the folder
    assert screenshot_path(folder, name) is None
    run = store_run(_run("r1", name), folder=folder)
    assert run.summary["register"]["screenshots"] == {"stored": 0, "refused": 1}
    assert not FindingScreenshot.objects.exists()


def test_not_a_png_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"<script>alert(1)</script>")
    run = store_run(_run("r1", "a.png"), folder=tmp_path)
    assert run.summary["register"]["screenshots"] == {"stored": 0, "refused": 1}


def test_register_store_reads_screenshots_beside_run_json(tmp_path: Path) -> None:
    from tillgang.cli import main

    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / "abc-1.png").write_bytes(PNG)
    (tmp_path / "run.json").write_text(json.dumps(_run("r1", "screenshots/abc-1.png")), encoding="utf-8")
    assert main(["register", "store", str(tmp_path / "run.json")]) == 0
    assert FindingScreenshot.objects.get().finding.url == BASE + "/"


GRADIENT = (
    '<h1>Toning</h1><div style="background: linear-gradient(#fff, #333); padding: 8px">'
    '<p style="color: #000">Svart text på en toning från vitt till mörkgrått.</p></div>'
)


def test_rendered_crawl_with_store(
    chromium_path: str, site: Site, tmp_path: Path, make_user: Callable[..., Any]
) -> None:
    from tillgang.cli import main

    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.page(
        "/",
        '<!doctype html><html lang="sv"><head><title>Toning</title></head><body><main>'
        + GRADIENT
        + "</main></body></html>",
    )
    args = ["crawl", site.url("/"), "--no-sitemaps", "--delay", "0", "--jobs", "1", "--quiet"]
    main([*args, "--state", str(tmp_path / "s.sqlite"), "--out", str(tmp_path), "--render", "all", "--store"])
    data = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    [shot] = {f["screenshot"] for f in data["pages"][0]["findings"] if "screenshot" in f}
    stored = FindingScreenshot.objects.get()
    assert bytes(stored.png) == (tmp_path / shot).read_bytes()
    response = _client(make_user, "reader").get(f"/avvikelser/{stored.finding_id}/skarmbild.png")
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")

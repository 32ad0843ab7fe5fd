"""The web editors' upload page: permissions, the same report as `tillgang check`, limits, hostile files, and
that nothing is kept (neither the file nor a database row)."""

from __future__ import annotations

import base64
import html as htmlmod
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tillgang.catalogue import load
from tillgang.engine import check_file

from ..conftest import FIXTURES, ROOT
from .conftest import failed_own_rules

pytestmark = [pytest.mark.db, pytest.mark.django_db]

URL = "/granska/"
ROOT_EXAMPLES = ROOT / "examples"
DOCX = FIXTURES / "image-alt" / "fail-docx-picture-without-descr.docx"
HTML_FAIL = FIXTURES / "image-alt" / "fail-html-no-alt.html"


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the temporary folder at an empty folder of the test's own, to see what is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def _client(make_user: Callable[..., Any], role: str | None) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def _upload(client: Client, name: str, data: bytes) -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


def _downloaded_report(html: str) -> dict[str, Any]:
    match = re.search(r'href="data:application/json;base64,([A-Za-z0-9+/=]+)" download="([^"]+)"', html)
    assert match, "no download link for the JSON report"
    return dict(json.loads(base64.b64decode(match.group(1))))


def _cli_report(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    from tillgang.cli import main

    capsys.readouterr()
    main(["check", "--format", "json", "--jobs", "1", str(path)])
    return dict(json.loads(capsys.readouterr().out))


def test_anonymous_is_sent_to_login_and_readers_are_refused(make_user: Callable[..., Any]) -> None:
    anonymous = Client()
    assert anonymous.get(URL).status_code == 302
    response = anonymous.post(URL, {"file": SimpleUploadedFile("a.docx", DOCX.read_bytes())})
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
    reader = _client(make_user, "reader")
    assert reader.get(URL).status_code == 403
    assert reader.post(URL, {"file": SimpleUploadedFile("a.docx", DOCX.read_bytes())}).status_code == 403
    assert "Granska ett dokument" not in reader.get("/planer/").content.decode()  # no nav link for readers


def test_the_form(make_user: Callable[..., Any]) -> None:
    client = _client(make_user, "web-editor")
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<form method="post" enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_file">Fil att granska</label>' in html
    assert 'aria-describedby="id_file_help"' in html and "högst 50 MB" in html
    assert '<a href="/granska/">Granska ett dokument</a>' in html  # the nav link
    assert client.put(URL).status_code == 405


@pytest.mark.parametrize("fixture", [DOCX, HTML_FAIL])
def test_the_report_is_the_one_tillgang_check_gives(
    fixture: Path,
    make_user: Callable[..., Any],
    private_tmp: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tillgang.register.models import CheckResult, CrawlRun, Finding, Item

    client = _client(make_user, "web-editor")
    response = _upload(client, fixture.name, fixture.read_bytes())
    assert response.status_code == 200
    html = response.content.decode()
    shown = _downloaded_report(html)
    cli = _cli_report(fixture, capsys)
    assert shown["tool"] == cli["tool"]
    [ours], [theirs] = shown["documents"], cli["documents"]
    assert ours["source"] == fixture.name
    for key in ("format", "sha256", "size", "error", "rules", "findings"):
        assert ours[key] == theirs[key], key
    assert ours["rules"]["image-alt"] == "failed"
    # the Swedish report with the fix advice
    assert "Resultat för " + fixture.name in html
    fix = " ".join(load()["image-alt"].fix_for(ours["format"], "sv").split())
    assert f'<p class="fix"><strong>Så rättar du:</strong> {htmlmod.escape(fix)}</p>' in html
    for finding in ours["findings"]:
        assert htmlmod.escape(finding["message"]) in html
    # nothing kept: no file in the temporary folder, no row in the register
    assert list(private_tmp.iterdir()) == []
    assert not (CrawlRun.objects.exists() or Item.objects.exists() or Finding.objects.exists())
    assert not CheckResult.objects.exists()


def test_a_path_traversal_name_is_only_a_label(make_user: Callable[..., Any], private_tmp: Path) -> None:
    client = _client(make_user, "web-editor")
    name = "../../../" + str(private_tmp).lstrip("/") + "/evil.html"
    response = _upload(client, name, HTML_FAIL.read_bytes())
    assert response.status_code == 200
    report = _downloaded_report(response.content.decode())
    assert report["documents"][0]["source"] == "evil.html"
    assert list(private_tmp.iterdir()) == []
    win = _upload(client, "..\\..\\Windows\\evil.html", HTML_FAIL.read_bytes())
    assert _downloaded_report(win.content.decode())["documents"][0]["source"] == "evil.html"


def test_limits_have_clear_swedish_messages(make_user: Callable[..., Any], settings: Any) -> None:
    client = _client(make_user, "web-editor")
    response = client.post(URL, {})
    assert response.status_code == 400 and "Välj en fil att granska." in response.content.decode()
    response = _upload(client, "anteckningar.txt", b"hej")
    assert response.status_code == 415
    assert "Filtypen .txt kan inte granskas." in response.content.decode()
    response = _upload(client, "utan-filandelse", b"hej")
    assert (
        response.status_code == 415
        and "En fil utan filändelse kan inte granskas." in response.content.decode()
    )
    response = _upload(client, "tom.pdf", b"")
    assert response.status_code == 400 and "Filen är tom." in response.content.decode()
    settings.TILLGANG_UPLOAD_MAX_BYTES = 1000
    response = _upload(client, "stor.pdf", b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 413
    html = response.content.decode()
    assert "Filen är för stor" in html and "Största tillåtna storlek är 1000 byte." in html


def test_an_oversized_body_keeps_no_file(
    make_user: Callable[..., Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files import uploadhandler

    kept: list[str] = []
    for handler in (uploadhandler.MemoryFileUploadHandler, uploadhandler.TemporaryFileUploadHandler):
        original = handler.new_file

        def spy(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            kept.append(type(self).__name__)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(handler, "new_file", spy)
    settings.TILLGANG_UPLOAD_MAX_BYTES = 200_000
    client = _client(make_user, "web-editor")
    huge = b"%PDF-1.7\n" + b"0" * 400_000  # the request's Content-Length alone is over the limit
    response = _upload(client, "stor.pdf", huge)
    assert response.status_code == 413 and "Filen är för stor" in response.content.decode()
    assert kept == []  # refused before any handler stored the file
    # an anonymous POST of a huge body to any URL is dropped too, and sent to the login page
    response = Client().post("/planer/", {"file": SimpleUploadedFile("x.pdf", huge)})
    assert response.status_code == 302 and kept == []
    # within the limit, the file is kept (in memory) and checked
    response = _upload(client, DOCX.name, DOCX.read_bytes())
    assert response.status_code == 200 and kept == ["MemoryFileUploadHandler"]


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr("word/document.xml", b"<" + b" " * (140 * 1024 * 1024))
    return buf.getvalue()


def _entity_bomb_html() -> bytes:
    lol = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE html [{lol}]><html lang="sv"><head><title>&a9;</title></head>'
        "<body><main><h1>Bomb</h1><p>&a9;</p></main></body></html>"
    ).encode()


def _encrypted_pdf() -> bytes:
    import pikepdf

    buf = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(buf, encryption=pikepdf.Encryption(user="hemligt", owner="hemligt", R=6), static_id=True)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "codes"),
    [
        ("bomb.docx", _zip_bomb, {"too-large"}),
        ("entiteter.html", _entity_bomb_html, {None}),
        ("krypterad.pdf", _encrypted_pdf, {"encrypted"}),
    ],
)
def test_hostile_files_get_the_engines_clean_messages(
    name: str,
    make: Callable[[], bytes],
    codes: set[str | None],
    make_user: Callable[..., Any],
    tmp_path: Path,
) -> None:
    data = make()
    path = tmp_path / name
    path.write_bytes(data)
    expected = check_file(path, source=name)
    error = expected["error"]
    assert (error["code"] if error else None) in codes
    client = _client(make_user, "web-editor")
    response = _upload(client, name, data)
    assert response.status_code == 200
    html = response.content.decode()
    ours = _downloaded_report(html)["documents"][0]
    assert "tillgang-upload-" not in html  # our temporary folder is never shown
    if error:  # the same error; a parser's detail names the user's file instead of our temporary path
        error = {**error, "message": error["message"].replace(str(path), name)}
    assert ours["error"] == error
    if error:
        assert htmlmod.escape(error["message"]) in html
    else:  # the entities were not expanded: no "lol" anywhere in what was read
        assert "lollollol" not in json.dumps(ours)


def test_the_upload_pages_pass_tillgangs_own_html_rules(
    make_user: Callable[..., Any], tmp_path: Path
) -> None:
    client = _client(make_user, "web-editor")
    pages = {
        "form": client.get(URL).content.decode(),
        "report": _upload(client, DOCX.name, DOCX.read_bytes()).content.decode(),
        "error": _upload(client, "a.txt", b"x").content.decode(),
    }
    for name, html in pages.items():
        assert html.startswith('<!DOCTYPE html>\n<html lang="sv">'), name
        assert html.count("<h1>") == 1 and "<script" not in html, name
    assert failed_own_rules(pages, tmp_path) == {}


@pytest.fixture
def local_site() -> Iterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.1 serving the image-alt fixtures; yields its base URL and the paths requested."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    requested: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            requested.append(self.path)

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(FIXTURES / "image-alt"))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requested
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/fail-html-no-alt.html",
        "http://localhost:{port}/fail-html-no-alt.html",
        "http://[::1]:{port}/",
        "http://10.0.0.1/rapport.pdf",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/",
    ],
)
def test_checking_a_url_refuses_private_and_loopback_addresses(
    url: str, make_user: Callable[..., Any], local_site: tuple[str, list[str]]
) -> None:
    base, requested = local_site
    url = url.format(port=base.rsplit(":", 1)[1].strip("/"))
    response = _client(make_user, "web-editor").post(URL, {"url": url})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Adressen pekar på ett internt nät" in html and "Ladda ner filen och ladda upp den i stället." in html
    )
    assert requested == []  # nothing was fetched


def test_checking_a_url_needs_http_or_https(make_user: Callable[..., Any]) -> None:
    client = _client(make_user, "web-editor")
    for url in ("ftp://example.org/a.pdf", "file:///etc/passwd", "www.example.org/a.pdf"):
        response = client.post(URL, {"url": url})
        assert response.status_code == 400, url
        assert "börjar med http:// eller https://" in response.content.decode()


def test_checking_a_url_when_private_addresses_are_allowed(
    make_user: Callable[..., Any],
    local_site: tuple[str, list[str]],
    settings: Any,
    private_tmp: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tillgang.cli import main

    settings.TILLGANG_UPLOAD_ALLOW_PRIVATE = True
    base, requested = local_site
    url = base + "fail-html-no-alt.html"
    client = _client(make_user, "web-editor")
    page = client.get(URL).content.decode()
    assert "Adresser i interna nät" not in page
    response = client.post(URL, {"url": url})
    assert response.status_code == 200
    html = response.content.decode()
    ours = _downloaded_report(html)
    capsys.readouterr()
    main(["check", "--format", "json", "--jobs", "1", "--allow-private", url])
    cli = json.loads(capsys.readouterr().out)
    [doc], [expected] = ours["documents"], cli["documents"]
    assert doc == expected and doc["source"] == url
    assert doc["rules"]["image-alt"] == "failed"
    assert f'value="{url}"' in html and f"Resultat för {url}" in html
    assert 'download="fail-html-no-alt-tillgang.json"' in html
    assert list(private_tmp.iterdir()) == []
    # a missing document is the fetch's clean error, as on the command line
    missing = _downloaded_report(client.post(URL, {"url": base + "finns-inte.pdf"}).content.decode())
    assert missing["documents"][0]["error"]["code"] == "fetch-failed"
    assert requested.count("/fail-html-no-alt.html") == 2 and "/finns-inte.pdf" in requested


def test_busy_server_says_so(make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from tillgang.register import checking as views_upload
    from tillgang.register.tokens import new_token

    class Full:
        def acquire(self, timeout: float) -> bool:
            return False

    monkeypatch.setattr(views_upload, "_slots", Full())
    user = make_user("web-editor")
    client = Client()
    client.force_login(user)
    response = _upload(client, DOCX.name, DOCX.read_bytes())
    assert response.status_code == 503
    assert "Servern granskar många filer just nu." in response.content.decode()
    api = Client().post(
        "/api/v1/checks",
        {"file": SimpleUploadedFile(DOCX.name, DOCX.read_bytes())},
        HTTP_AUTHORIZATION="Bearer " + new_token(user),
    )
    assert api.status_code == 503 and api.json()["error"]["code"] == "busy"


def _hang(path: str, options: Any, source: str) -> dict[str, Any]:
    """Stands in for the engine's worker function: a document that never finishes."""
    import time

    time.sleep(3600)
    raise AssertionError("not reached")


def test_the_hard_time_limit_applies(make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    from tillgang import engine
    from tillgang.register import checking as views_upload

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the stand-in worker function reaches the worker only through fork")
    monkeypatch.setattr(engine, "_worker_check", _hang)
    monkeypatch.setattr(views_upload, "DEFAULT_LIMITS", engine.DEFAULT_LIMITS.with_overrides(timeout_s=1.0))
    response = _upload(_client(make_user, "web-editor"), DOCX.name, DOCX.read_bytes())
    assert response.status_code == 200
    doc = _downloaded_report(response.content.decode())["documents"][0]
    assert doc["error"]["code"] == "timeout"
    assert "Kontrollen tog för lång tid och avbröts." in response.content.decode()


def test_nothing_is_stored_unless_the_editor_chooses_to_save(
    make_user: Callable[..., Any], imported: Any, private_tmp: Path
) -> None:
    from tillgang.register.evidence import seal, verify
    from tillgang.register.models import ControlActivity, Evidence, EvidenceStatus, Risk

    activity = ControlActivity.objects.create(
        risk=Risk.objects.get(order=4), what="Granskning före publicering"
    )
    data = (ROOT_EXAMPLES / "rapport-med-brister.docx").read_bytes()
    editor = _client(make_user, "web-editor")
    page = editor.get(URL).content.decode()
    assert 'name="save_activity"' in page and "Spara inte" in page
    own = private_tmp / "upload-page.html"
    own.write_text(page, encoding="utf-8")
    assert [f for f in check_file(own)["findings"] if f["outcome"] == "failed"] == []

    assert _upload(editor, "rapport.docx", data).status_code == 200
    assert Evidence.objects.count() == 0  # checked and deleted: nothing kept

    response = editor.post(
        URL,
        {
            "file": SimpleUploadedFile("rapport.docx", data, content_type="application/octet-stream"),
            "save_activity": str(activity.pk),
        },
    )
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert "sparad som" in response.content.decode()
    assert (evidence.activity, evidence.run, evidence.status) == (activity, None, EvidenceStatus.DRAFT)
    assert evidence.file_name == "rapport.docx" and bytes(evidence.file_content) == data
    assert evidence.file_sha256 == __import__("hashlib").sha256(data).hexdigest()
    manifest = json.loads(bytes(evidence.manifest))
    assert manifest["items"][0]["rules"]["image-alt"] == "failed"
    assert manifest["control"]["activity"]["id"] == activity.pk

    reviewer = make_user("reviewer")
    sealed = seal(evidence, reviewer)
    assert sealed.status == EvidenceStatus.SEALED and verify(sealed) == []


def test_a_reader_cannot_save_a_check(make_user: Callable[..., Any], imported: Any) -> None:
    reader = _client(make_user, "reader")
    page = reader.post(URL, {"file": SimpleUploadedFile("a.docx", b"x"), "save_activity": "1"})
    assert page.status_code == 403

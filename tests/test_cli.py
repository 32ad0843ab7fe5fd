"""`tillgang check`, `rules` and `rule` as a user and a script use them: output, report contract, exit status."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tillgang.cli import main
from tillgang.engine import CheckOptions, CheckPool, check_file
from tillgang.limits import DEFAULT_LIMITS

from .conftest import ROOT, SHARED, require

EXAMPLES = ROOT / "examples"
BAD_DOCX = EXAMPLES / "rapport-med-brister.docx"
GOOD_DOCX = EXAMPLES / "rapport-tillganglig.docx"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tillgang", *args], capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def json_report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    status = main(["check", "--format", "json", "--jobs", "1", *args])
    return status, json.loads(capsys.readouterr().out)


def test_the_report_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = json_report(capsys, str(BAD_DOCX))
    assert status == 1
    assert data["tool"]["name"] == "tillgang"
    assert len(data["tool"]["catalogue"]) == 64
    (doc,) = data["documents"]
    assert doc["source"] == str(BAD_DOCX)
    assert doc["format"] == "docx"
    assert len(doc["sha256"]) == 64
    assert doc["error"] is None
    assert set(doc["rules"].values()) <= {"failed", "cantTell", "passed", "inapplicable"}
    assert doc["findings"], "the bad example must have findings"
    for f in doc["findings"]:
        assert set(f) >= {"rule", "outcome", "severity", "wcag", "location", "message"}
        assert f["outcome"] in ("failed", "cantTell")
        assert doc["rules"][f["rule"]] in ("failed", "cantTell")
        assert f["message"] and "{" not in f["message"]
    # failures come first, worst first
    outcomes = [f["outcome"] for f in doc["findings"]]
    assert outcomes == sorted(outcomes, key=lambda o: o != "failed")


def test_the_bad_example_fails_what_is_wrong_with_it(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = json_report(capsys, str(BAD_DOCX))
    rules = data["documents"][0]["rules"]
    for rule in ("document-title", "image-alt", "table-header", "link-name", "docx-fake-heading"):
        assert rules[rule] == "failed", (rule, rules)


def test_the_corrected_example_fails_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = json_report(capsys, str(GOOD_DOCX))
    failed = [f for f in data["documents"][0]["findings"] if f["outcome"] == "failed"]
    assert failed == []
    assert status == 0


def test_text_report_is_swedish_by_default_and_english_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--jobs", "1", str(BAD_DOCX)])
    sv = capsys.readouterr().out
    assert "saknar alternativtext" in sv
    assert "Word:" in sv  # the fix advice for the format
    main(["check", "--jobs", "1", "--lang", "en", str(BAD_DOCX)])
    en = capsys.readouterr().out
    assert "has no alternative text" in en
    assert "saknar" not in en


def test_sarif_output(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--format", "sarif", "--jobs", "1", str(BAD_DOCX)])
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    assert run_["tool"]["driver"]["name"] == "tillgang"
    assert any(r["ruleId"] == "image-alt" and r["level"] == "error" for r in run_["results"])


def test_a_folder_is_walked_and_every_document_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("rapport-med-brister.docx", "lagesrapport.pptx", "blankett.pdf"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "notes.txt").write_text("not a document", encoding="utf-8")
    (tmp_path / "~$rapport.docx").write_bytes(b"Word's lock file")
    status, data = json_report(capsys, str(tmp_path))
    assert status == 1
    assert sorted(Path(d["source"]).name for d in data["documents"]) == [
        "blankett.pdf",
        "lagesrapport.pptx",
        "rapport-med-brister.docx",
    ]
    assert {d["format"] for d in data["documents"]} == {"docx", "pptx", "pdf"}


def test_the_format_is_sniffed_not_taken_from_the_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    disguised = tmp_path / "rapport.pdf"
    shutil.copy(BAD_DOCX, disguised)
    _, data = json_report(capsys, str(disguised))
    assert data["documents"][0]["format"] == "docx"


def test_a_file_that_is_not_a_document_is_an_error_and_exit_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "anteckning.docx"
    text.write_text("bara text", encoding="utf-8")
    status, data = json_report(capsys, str(text))
    assert status == 3
    (doc,) = data["documents"]
    assert doc["error"]["code"] == "unsupported-format"
    assert "rules" not in doc


def test_one_bad_file_does_not_stop_the_batch(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "trasig.docx"
    broken.write_bytes(BAD_DOCX.read_bytes()[:5000])
    status, data = json_report(capsys, str(broken), str(GOOD_DOCX))
    assert status == 3
    first, second = data["documents"]
    assert first["error"]["code"] == "corrupt"
    assert second["error"] is None and second["rules"]


def test_usage_errors_exit_2() -> None:
    assert run("check", "no/such/file.docx").returncode == 2
    assert run("check", "--rules", "no-such-rule", str(BAD_DOCX)).returncode == 2
    assert run("check").returncode == 2


def test_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("check", str(tmp_path))
    assert proc.returncode == 2
    assert "Inga dokument" in proc.stderr


def test_max_size_refuses_a_large_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = json_report(capsys, "--max-size", "0.001", str(BAD_DOCX))
    assert status == 3
    assert data["documents"][0]["error"]["code"] == "too-large"


def test_rules_listing_and_one_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = {r["id"] for r in data["rules"]}
    assert {"image-alt", "document-title", "pdf-tagged", "pptx-slide-title", "docx-fake-heading"} <= ids
    for r in data["rules"]:
        assert {"id", "formats", "severity", "automation", "refs"} <= set(r)
    assert main(["rule", "image-alt"]) == 0
    text = capsys.readouterr().out
    assert "Bilder ska ha alternativtext" in text and "1.1.1" in text


def test_a_timeout_stops_only_that_document() -> None:
    """The hard time limit kills the worker on a slow document; the next document in the batch is checked."""
    big = require(SHARED / "corpora" / "hostile" / "bug65649.docx", "the hostile corpus")
    options = CheckOptions(limits=DEFAULT_LIMITS.with_overrides(timeout_s=0.05))
    with CheckPool(options, jobs=1) as pool:
        slow = pool.submit(str(big), "bug65649.docx")
        after = pool.submit(str(BAD_DOCX), "after")
        assert slow.result()["error"]["code"] == "timeout"
    relaxed = check_file(BAD_DOCX, CheckOptions())
    assert relaxed["error"] is None
    # the document after the killed one still gets an entry, never an exception
    assert after.result()["source"] == "after"


def test_html_report_is_a_page_that_passes_our_own_html_rules(tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    status = main(
        ["check", "--format", "html", "--jobs", "1", "--out", str(out), str(BAD_DOCX), str(GOOD_DOCX)]
    )
    assert status == 1
    page = out.read_text(encoding="utf-8")
    assert '<html lang="sv">' in page and "<title>" in page and '<th scope="col">' in page
    assert "saknar alternativtext" in page
    assert "Så rättar du" in page
    own = check_file(out, CheckOptions())
    assert own["error"] is None and own["format"] == "html"
    failed = {r for r, o in own["rules"].items() if o == "failed"}
    assert failed == set(), [f for f in own["findings"] if f["outcome"] == "failed"]


@pytest.fixture()
def example_server() -> Any:
    """The examples folder served over HTTP on 127.0.0.1 (a free port)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(EXAMPLES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_check_a_document_and_a_page_by_url(capsys: pytest.CaptureFixture[str], example_server: str) -> None:
    doc_url = f"{example_server}/rapport-med-brister.docx"
    page_url = f"{example_server}/bygga-nytt.html"
    status, data = json_report(capsys, "--allow-private", doc_url, page_url, str(GOOD_DOCX))
    assert status == 1
    first, second, third = data["documents"]
    assert (first["source"], first["format"], first["error"]) == (doc_url, "docx", None)
    assert first["rules"]["image-alt"] == "failed"
    assert first["sha256"] == __import__("hashlib").sha256(BAD_DOCX.read_bytes()).hexdigest()
    assert (second["source"], second["format"]) == (page_url, "html")
    assert third["source"] == str(GOOD_DOCX)


def test_loopback_urls_are_refused_unless_allowed(
    capsys: pytest.CaptureFixture[str], example_server: str
) -> None:
    status, data = json_report(capsys, f"{example_server}/blankett.pdf")
    assert status == 3
    assert data["documents"][0]["error"]["code"] == "fetch-failed"


def test_a_missing_url_is_a_fetch_error_not_a_crash(
    capsys: pytest.CaptureFixture[str], example_server: str
) -> None:
    status, data = json_report(capsys, "--allow-private", f"{example_server}/finns-inte.pdf", str(GOOD_DOCX))
    assert status == 3
    missing, good = data["documents"]
    assert missing["error"]["code"] == "fetch-failed" and "404" in missing["error"]["message"]
    assert good["error"] is None


@pytest.mark.parametrize(
    ("location", "lang", "expected"),
    [
        ({"page": 3, "element": "Document/Figure[1]"}, "sv", "sida 3, element Document/Figure[1]"),
        ({"slide": 2, "name": "Picture 1"}, "sv", "bild 2"),
        ({"paragraph": 4, "part": "header2"}, "sv", "stycke 4, sidhuvud"),
        ({"part": "catalog"}, "sv", "dokumentinställningar"),
        ({"part": "catalog"}, "en", "document settings"),
        ({"table": 1, "row": 2}, "en", "table 1, row 2"),
        ({"part": "body"}, "sv", ""),
    ],
)
def test_locations_are_described_in_words(location: dict[str, Any], lang: str, expected: str) -> None:
    from tillgang.render.text import describe_location

    assert describe_location(location, lang) == expected


def test_exit_zero_reports_without_failing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--jobs", "1", "--exit-zero", str(BAD_DOCX)]) == 0
    assert "saknar alternativtext" in capsys.readouterr().out
    assert run("check", "--exit-zero", "no/such/file.docx").returncode == 2


def test_the_readme_quick_start_command_is_the_one_tested() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/tillgang check examples/ --exit-zero"
        in readme
    )
    proc = run("check", "examples/", "--exit-zero")
    assert proc.returncode == 0 and "Sammanfattning: 5 dokument kontrollerade" in proc.stdout


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tillgang rule bypass | head -1`: the reader goes away while tillgang still writes."""

    class ClosedPipe(io.StringIO):
        def __init__(self, fd: int) -> None:
            super().__init__()
            self.fd = fd

        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            return self.fd

    with open(tmp_path / "stdout", "w") as real:
        monkeypatch.setattr(sys, "stdout", ClosedPipe(os.dup(real.fileno())))
        assert main(["rule", "bypass"]) == 1


def test_a_static_text_and_html_report_says_which_rules_need_render(
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = str(EXAMPLES / "bygga-nytt.html")
    main(["check", page, "--exit-zero"])
    text = capsys.readouterr().out
    assert "color-contrast-html" in text and "--render" in text
    main(["check", page, "--exit-zero", "--format", "html", "--lang", "en"])
    html = capsys.readouterr().out
    footer = html.split("<footer>", 1)[1]
    assert "color-contrast-html" in footer and "--render" in footer
    main(["check", str(GOOD_DOCX), "--exit-zero"])
    assert "--render" not in capsys.readouterr().out  # no web page, no notice

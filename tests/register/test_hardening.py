"""Hardening of the register and its web pages (issue 14): login limits, evidence verification, triage
conflicts, NUL in parameters, storing a run with its draft, security headers, the SQLite file, the key.

Marked ``db``, so CI runs them on PostgreSQL as well as on SQLite."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = [pytest.mark.db]

PASSWORD = "x-Secret-pw-1"  # the password of make_user's users


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _login(username: str, password: str, ip: str) -> int:
    response = Client().post("/konto/logga-in/", {"username": username, "password": password}, REMOTE_ADDR=ip)
    return int(response.status_code)


# ------------------------------------------------------------------------------------------ item 5
@pytest.mark.django_db
def test_unicode_variants_of_a_user_name_share_its_login_limit(make_user: Callable[..., Any]) -> None:
    make_user("reader")  # u-reader
    variants = ["ｕ-ｒｅａｄｅｒ", "U-READER", "u-reader ", "Ｕ－ＲＥＡＤＥＲ", "u-reader"]
    for i, name in enumerate(variants):  # five failures, each spelt differently, each from its own address
        assert _login(name, "fel", f"10.5.0.{i}") == 200
    # Django's login form NFKC-normalises the name, so a full-width spelling reaches the same account: it
    # must not get around the limit, with the right password or a guess
    for i, name in enumerate(["ｕ-ｒｅａｄｅｒ", "Ｕ－ＲＥＡＤＥＲ", "u-reader"]):
        assert _login(name, PASSWORD, f"10.5.1.{i}") == 429, name


@pytest.mark.django_db(transaction=True)
def test_concurrent_login_attempts_never_exceed_the_limit(make_user: Callable[..., Any]) -> None:
    from django.contrib.auth.signals import user_login_failed

    make_user("reader")
    checked: list[int] = []
    lock = threading.Lock()

    def count(**_: Any) -> None:
        with lock:
            checked.append(1)

    user_login_failed.connect(count, dispatch_uid="test-hardening-count")
    threads = 12
    barrier = threading.Barrier(threads)
    codes: list[int] = []

    def attempt(i: int) -> None:
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            code = _login("u-reader", "fel", f"10.6.0.{i}")
            with lock:
                codes.append(code)
        finally:
            connection.close()

    try:
        workers = [threading.Thread(target=attempt, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=60)
    finally:
        user_login_failed.disconnect(dispatch_uid="test-hardening-count")
    assert len(codes) == threads
    assert len(checked) <= 5, f"{len(checked)} passwords were checked, the limit is 5"
    assert codes.count(429) == threads - codes.count(200) and codes.count(200) <= 5


# ------------------------------------------------------------------------------------------ item 17
REGISTER_CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def _csp(response: Any) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_response_has_a_strict_content_security_policy(
    imported: Any, make_user: Callable[..., Any]
) -> None:
    from tillgang.register.store import store_run

    from .test_store import first_run, make_activity, second_run

    activity = make_activity()
    store_run(first_run(), activity)
    store_run(second_run(), activity)
    anonymous = Client()
    admin = Client()
    admin.force_login(make_user("admin", is_staff=True, is_superuser=True))
    assert "<svg" in admin.get("/trend/").content.decode()
    responses = {
        "login": anonymous.get("/konto/logga-in/"),
        "redirect": anonymous.get("/planer/"),
        "css": anonymous.get("/static/register/register.css"),
        "api": anonymous.get("/api/v1/runs"),
        "plans": admin.get("/planer/"),
        "findings": admin.get("/avvikelser/"),
        "trend": admin.get("/trend/"),
        "missing": admin.get("/planer/999999/"),
    }
    for name, response in responses.items():
        policy = _csp(response)
        assert policy, (name, response.status_code)
        for directive in REGISTER_CSP.split("; "):
            assert policy[directive.split()[0]] == directive, (name, directive, policy)
        if response.get("Content-Type", "").startswith("text/html"):
            assert ' style="' not in response.content.decode(), name  # no inline style: CSP would block it
    admin_page = admin.get("/admin/")  # Django's admin runs its own script files, from this host only
    assert _csp(admin_page)["script-src"] == "script-src 'self'"
    assert _csp(admin_page)["object-src"] == "object-src 'none'"


def _settings_in_subprocess(tmp_path: Any, **env: str) -> dict[str, Any]:
    import json
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if not k.startswith(("TILLGANG_", "DJANGO_"))}
    base.update({"TILLGANG_DATA_DIR": str(tmp_path / "data"), **env})
    code = (
        "import json, tillgang.web.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "('SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_hsts_is_sent_when_the_configuration_says_https(tmp_path: Any) -> None:
    plain = _settings_in_subprocess(tmp_path)
    assert not plain["SECURE_HSTS_SECONDS"]
    https = _settings_in_subprocess(tmp_path, TILLGANG_HTTPS="1")
    assert https["SECURE_HSTS_SECONDS"] >= 31536000
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
def test_an_https_request_gets_hsts_with_the_https_settings() -> None:
    from django.test import override_settings

    with override_settings(
        SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
    ):
        response = Client().get("/konto/logga-in/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_a_sqlite_register_made_with_db_is_readable_by_its_owner_only(tmp_path: Any) -> None:
    import os
    import stat
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILLGANG_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {"TILLGANG_DATA_DIR": str(tmp_path / "data"), "TILLGANG_ADMIN_PASSWORD": "ett-bra-lösenord-123"}
    )
    db = tmp_path / "eget" / "register.sqlite3"
    db.parent.mkdir()
    old = os.umask(0o022)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tillgang", "register", "--db", str(db), "init"],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    made = [p for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")) if p.exists()]
    assert db in made
    for path in made:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path.name, oct(path.stat().st_mode))


@pytest.mark.parametrize("key", ["kort-nyckel", "a" * 60, "abcd" * 20])
def test_a_short_or_repetitive_secret_key_is_refused(
    key: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from tillgang.web import ensure_secret_key

    monkeypatch.setenv("TILLGANG_DATA_DIR", str(tmp_path))
    (tmp_path / "secret_key").write_text(key + "\n", encoding="ascii")
    with pytest.raises(ImproperlyConfigured) as caught:
        ensure_secret_key()
    message = str(caught.value)
    assert "secret_key" in message and "minst 50 tecken" in message and "5 olika" in message
    assert key not in message  # the key itself is never printed


def test_a_generated_secret_key_is_long_and_accepted(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import stat

    from tillgang.web import ensure_secret_key

    monkeypatch.setenv("TILLGANG_DATA_DIR", str(tmp_path / "ny"))
    key = ensure_secret_key()
    assert len(key) >= 50 and len(set(key)) >= 5
    assert ensure_secret_key() == key
    assert stat.S_IMODE((tmp_path / "ny" / "secret_key").stat().st_mode) == 0o600


# ------------------------------------------------------------------------------------------ item 12
@pytest.mark.django_db
def test_a_nul_in_any_parameter_is_refused_with_400(make_user: Callable[..., Any]) -> None:
    from tillgang.register.evidence import create_evidence
    from tillgang.register.models import Finding
    from tillgang.register.store import store_run
    from tillgang.register.tokens import new_token

    from .test_store import first_run, make_activity

    activity = make_activity()
    run = store_run(first_run(), activity)
    record = create_evidence(run, activity)
    finding = Finding.objects.order_by("pk").values_list("pk", flat=True)[0]
    client = Client()
    client.force_login(make_user("reviewer"))
    nul = "x\x00y"
    pages = [
        ("/avvikelser/", {"avsnitt": nul}),
        ("/avvikelser/", {"regel": nul}),
        ("/avvikelser/", {"korning": "1\x00"}),
        ("/avvikelser/", {"sida": nul}),
        ("/genomsokningar/", {"sida": nul}),
        (f"/genomsokningar/{run.pk}/", {"x": nul}),
        ("/dokument/", {"url": f"https://kommun.se/{nul}"}),
        ("/trend/", {"webbplats": nul}),
        (f"/kontrollaktiviteter/{activity.pk}/underlag/", {"sida": nul}),
        (f"/underlag/{record.pk}/", {"x": nul}),
        ("/redogorelse/utkast/", {"webbplats": nul, "format": "json"}),
        ("/avvikelser/", {nul: "1"}),
    ]
    for url, params in pages:
        response = client.get(url, params)
        assert response.status_code == 400, (url, params, response.status_code)
        assert "otillåtet tecken" in response.content.decode(), url
    # a form post too (the triage form, form-encoded as a browser sends it), and nothing is saved
    from urllib.parse import urlencode

    body = urlencode({"status": "confirmed", "reason": nul})
    response = client.post(f"/avvikelser/{finding}/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert Finding.objects.get(pk=finding).status == "open"
    response = client.post(f"/avvikelser/{finding}/", {"status": "confirmed", "reason": nul})  # multipart
    assert response.status_code == 200 and "Null-tecken" in response.content.decode()  # the form refuses it
    assert Finding.objects.get(pk=finding).status == "open"
    # the API's list endpoints answer in JSON
    auth = {"HTTP_AUTHORIZATION": "Bearer " + new_token(make_user("reader"), "test")}
    api = [
        ("/api/v1/runs", {"site": nul}),
        (f"/api/v1/runs/{run.pk}/items", {"kind": nul}),
        (f"/api/v1/runs/{run.pk}/findings", {"rule": nul}),
        (f"/api/v1/runs/{run.pk}/findings", {"status": nul, "outcome": nul}),
        ("/api/v1/runs", {"page": nul}),
    ]
    for url, params in api:
        response = Client().get(url, params, **auth)
        assert response.status_code == 400, (url, params, response.status_code)
        assert response.json()["error"]["code"] == "bad-request", url
    # the same pages without the NUL still work
    assert client.get("/avvikelser/", {"avsnitt": "/dokument/"}).status_code == 200
    assert client.get("/dokument/", {"url": run.items.order_by("url")[0].url}).status_code == 200
    assert Client().get("/api/v1/runs", {"site": "127.0.0.1"}, **auth).status_code == 200


# ------------------------------------------------------------------------------------------ item 8
CONFLICT = "Avvikelsen har ändrats av någon annan"


def _open_finding() -> int:
    from tillgang.register.models import Finding
    from tillgang.register.store import store_run

    from .test_store import first_run, make_activity

    store_run(first_run(), make_activity())
    return int(Finding.objects.order_by("pk").values_list("pk", flat=True)[0])


def _version_in(html: str) -> str:
    import re

    match = re.search(r'name="version" value="(\d+)"', html)
    return match.group(1) if match else "0"


@pytest.mark.django_db
def test_a_triage_form_loaded_before_another_persons_triage_is_refused(make_user: Callable[..., Any]) -> None:
    from tillgang.register.models import Finding

    pk = _open_finding()
    first, second = Client(), Client()
    first.force_login(make_user("reviewer"))
    second.force_login(make_user("admin"))
    form_a = _version_in(first.get(f"/avvikelser/{pk}/").content.decode())
    form_b = _version_in(second.get(f"/avvikelser/{pk}/").content.decode())
    assert form_a == form_b
    saved = first.post(f"/avvikelser/{pk}/", {"status": "confirmed", "version": form_a})
    assert saved.status_code == 302
    refused = second.post(
        f"/avvikelser/{pk}/", {"status": "accepted", "reason": "Ersätts i vår", "version": form_b}
    )
    html = refused.content.decode()
    assert refused.status_code == 409 and CONFLICT in html, refused.status_code
    finding = Finding.objects.get(pk=pk)
    assert finding.status == "confirmed" and finding.reason == ""
    assert "Bekräftad" in html  # the page shows the other person's triage
    # the refused form now carries the current version: sending it again is a deliberate overwrite
    again = second.post(
        f"/avvikelser/{pk}/", {"status": "accepted", "reason": "Ersätts i vår", "version": _version_in(html)}
    )
    assert again.status_code == 302 and Finding.objects.get(pk=pk).status == "accepted"
    assert Finding.objects.get(pk=pk).history.count() == 3  # created, confirmed, accepted: nothing lost


def _triage_round(pk: int, clients: list[Client], version: str) -> dict[str, Any]:
    """Two people post the same finding's triage at the same moment, both from a form of ``version``."""
    barrier = threading.Barrier(2)
    codes: dict[str, Any] = {}

    def triage(client: Client, status: str) -> None:
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            response = client.post(f"/avvikelser/{pk}/", {"status": status, "version": version})
            codes[status] = response.status_code
        except Exception as exc:  # shown in the caller's assertion
            codes[status] = repr(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=triage, args=(clients[0], "confirmed")),
        threading.Thread(target=triage, args=(clients[1], "false-positive")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return codes


@pytest.mark.django_db(transaction=True)
def test_concurrent_triage_of_one_finding_never_loses_an_update(make_user: Callable[..., Any]) -> None:
    from django.db import connection

    from tillgang.register.models import Finding

    if connection.vendor == "sqlite":
        # the SQLite test database is in memory with a shared cache, whose table locks fail at once instead of
        # waiting (the register's own SQLite file waits 20 s); the single-thread test above covers SQLite
        pytest.skip("concurrent writers need PostgreSQL (or a SQLite file), not the in-memory test database")
    pk = _open_finding()
    clients = [_client(make_user("reviewer")), _client(make_user("admin"))]
    version = _version_in(clients[0].get(f"/avvikelser/{pk}/").content.decode())
    for n in range(10):
        codes = _triage_round(pk, clients, version)
        assert sorted(map(str, codes.values())) == ["302", "409"], (n, codes)
        winner = next(status for status, code in codes.items() if code == 302)
        assert Finding.objects.get(pk=pk).status == winner
        version = str(Finding.objects.get(pk=pk).version)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------------------------------ item 13
@pytest.mark.django_db
def test_a_lost_connection_while_making_the_draft_stores_nothing_and_a_rerun_stores_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import OperationalError

    from tillgang.cli.evidence import store_output
    from tillgang.register.models import CrawlRun, Evidence, Finding, Item

    from .test_store import first_run, make_activity

    activity = make_activity()
    real_create = Evidence.objects.create

    def lost(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Evidence.objects, "create", lost)
    with pytest.raises(OperationalError):
        store_output(first_run(), activity.pk)
    # the command reports a failure, so nothing may be left half-stored
    assert not CrawlRun.objects.exists() and not Item.objects.exists() and not Finding.objects.exists()
    assert not Evidence.objects.exists()
    monkeypatch.setattr(Evidence.objects, "create", real_create)
    run, draft = store_output(first_run(), activity.pk)  # storing again, as the message advises
    assert draft is not None and draft.run_id == run.pk and draft.status == "draft"
    assert CrawlRun.objects.count() == 1 and Evidence.objects.count() == 1
    again, none = store_output(first_run(), activity.pk)  # and once more changes nothing
    assert again.pk == run.pk and Evidence.objects.count() == 1
    assert none is not None and none.pk == draft.pk


@pytest.mark.django_db
def test_a_run_stored_without_its_draft_gets_the_draft_when_stored_again() -> None:
    from tillgang.cli.evidence import store_output
    from tillgang.register.models import Evidence
    from tillgang.register.store import store_run

    from .test_store import first_run, make_activity

    activity = make_activity()
    run = store_run(first_run(), activity)  # e.g. stored by an older version that failed at the draft
    assert not Evidence.objects.exists()
    again, draft = store_output(first_run(), activity.pk)
    assert again.pk == run.pk and draft is not None and draft.run_id == run.pk


# ------------------------------------------------------------------------------------------ item 6
def _sealed_chain(reviewer: Any) -> tuple[Any, list[Any]]:
    from tillgang.register.evidence import create_evidence, seal
    from tillgang.register.store import store_run

    from .test_store import first_run, make_activity, output, second_run

    activity = make_activity()
    runs = [first_run(), second_run(), output("20261202T010000Z-cccccc", 30, [], [])]
    records = [seal(create_evidence(store_run(run, activity), activity), reviewer) for run in runs]
    return activity, records


def _reseal(record: Any, manifest: dict[str, Any], **columns: Any) -> str:
    """What an attacker with write access to the database (but not the secret key) can do: new bytes, the
    seal recomputed over them, and the columns set to match."""
    import hashlib

    import rfc8785

    from tillgang.register.models import Evidence

    data = bytes(rfc8785.dumps(manifest))
    seal = hashlib.sha256(data).hexdigest()
    Evidence.objects.filter(pk=record.pk).update(manifest=data, seal=seal, **columns)
    return seal


def _problems(record: Any) -> str:
    from tillgang.register.evidence import verify

    return " | ".join(verify(record))


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["sealed_by", "sealed_at", "run", "title", "partial"])
def test_verify_ties_every_shown_column_to_the_sealed_manifest(
    column: str, make_user: Callable[..., Any]
) -> None:
    import datetime as dt

    from tillgang.register.models import Evidence

    reviewer = make_user("reviewer")
    _activity, (first, second, _third) = _sealed_chain(reviewer)
    assert _problems(second) == ""
    changes = {
        "sealed_by": {"sealed_by": make_user("admin")},
        "sealed_at": {"sealed_at": second.sealed_at - dt.timedelta(days=30)},
        "run": {"run": first.run},
        "title": {"title": "Granskning utan anmärkningar"},
        "partial": {"partial": not second.partial},
    }[column]
    Evidence.objects.filter(pk=second.pk).update(**changes)
    problems = _problems(second)
    expected = {
        "sealed_by": "förseglades av",
        "sealed_at": "förseglingens tidpunkt",
        "run": "genomsökningen",
        "title": "rubriken",
        "partial": "ofullständig",
    }[column]
    assert expected in problems, problems


def _sealed_upload(reviewer: Any) -> Any:
    from tillgang.register.evidence import create_upload_evidence, seal

    from .test_store import make_activity

    activity = make_activity()
    report = {"documents": [{"format": "pdf", "rules": {"pdf-tagged": "failed"}, "findings": []}]}
    draft = create_upload_evidence(activity, "protokoll.pdf", b"%PDF-1.7 original", report, reviewer)
    return seal(draft, reviewer)


@pytest.mark.django_db
def test_verify_notices_a_replaced_upload_file_with_its_sha256_column_changed(
    make_user: Callable[..., Any],
) -> None:
    import hashlib

    from tillgang.register.models import Evidence

    reviewer = make_user("reviewer")
    record = _sealed_upload(reviewer)
    assert _problems(record) == ""
    other = b"%PDF-1.7 another file"
    Evidence.objects.filter(pk=record.pk).update(
        file_content=other, file_sha256=hashlib.sha256(other).hexdigest()
    )
    assert "filen" in _problems(record) and "sha256" in _problems(record)


@pytest.mark.django_db
def test_verify_notices_a_renamed_upload_file(make_user: Callable[..., Any]) -> None:
    from tillgang.register.models import Evidence

    record = _sealed_upload(make_user("reviewer"))
    Evidence.objects.filter(pk=record.pk).update(file_name="annat.pdf")
    assert "filnamnet" in _problems(record)


@pytest.mark.django_db
def test_verify_notices_a_rewritten_middle_record_resealed_with_the_ones_after_it(
    make_user: Callable[..., Any],
) -> None:
    from tillgang.register.evidence import manifest_of, verify_all

    activity, (first, second, third) = _sealed_chain(make_user("reviewer"))
    assert verify_all(activity) == {first.pk: [], second.pk: [], third.pk: []}
    manifest = manifest_of(second)
    manifest["conclusion"]["documents_with_failed_rule"] = 0
    new_seal = _reseal(second, manifest)
    later = manifest_of(third)
    later["previous_seal"] = new_seal
    _reseal(third, later, previous_seal=new_seal)
    # seals and chain are consistent again, so only the checkpoint log can tell
    report = verify_all(activity)
    assert report[first.pk] == []
    assert "kontrollpunkt" in " ".join(report[second.pk]), report
    assert "kontrollpunkt" in " ".join(report[third.pk]), report


@pytest.mark.django_db
def test_verify_notices_the_latest_record_rewritten_with_its_seal(make_user: Callable[..., Any]) -> None:
    from tillgang.register.evidence import manifest_of

    _activity, (_first, _second, third) = _sealed_chain(make_user("reviewer"))
    manifest = manifest_of(third)
    manifest["conclusion"]["pages_checked"] = 99
    _reseal(third, manifest)
    assert "kontrollpunkt" in _problems(third)


@pytest.mark.django_db
def test_verify_notices_the_latest_record_removed(make_user: Callable[..., Any]) -> None:
    from tillgang.register.evidence import verify_all
    from tillgang.register.models import Evidence

    activity, (first, second, third) = _sealed_chain(make_user("reviewer"))
    Evidence.objects.filter(pk=third.pk).update(status="draft")  # past the model's guards, then removed
    Evidence.objects.filter(pk=third.pk).delete()
    report = verify_all(activity)
    assert report[first.pk] == [] and report[second.pk] == []
    assert any("finns inte längre" in p for p in report[third.pk]), report


@pytest.mark.django_db
def test_the_checkpoint_log_refuses_changes_and_removals(make_user: Callable[..., Any]) -> None:
    from django.db import DatabaseError, transaction

    from tillgang.register.models import EvidenceCheckpoint

    _activity, records = _sealed_chain(make_user("reviewer"))
    assert EvidenceCheckpoint.objects.count() == 3
    with pytest.raises(DatabaseError), transaction.atomic():
        EvidenceCheckpoint.objects.filter(record=records[1].pk).update(seal="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        EvidenceCheckpoint.objects.filter(record=records[2].pk).delete()
    assert EvidenceCheckpoint.objects.count() == 3


@pytest.mark.django_db
def test_a_forged_checkpoint_without_the_key_is_noticed(make_user: Callable[..., Any]) -> None:
    import hashlib
    import hmac

    from tillgang.register.evidence import manifest_of
    from tillgang.register.models import EvidenceCheckpoint

    _activity, (_first, _second, third) = _sealed_chain(make_user("reviewer"))
    manifest = manifest_of(third)
    manifest["conclusion"]["pages_checked"] = 99
    seal = _reseal(third, manifest)
    wrong_key = b"not the secret key"
    message = f"{third.pk}\x1f{third.activity_id}\x1f{seal}\x1f{third.previous_seal}".encode()
    EvidenceCheckpoint.objects.create(
        record=third.pk,
        activity=third.activity_id,
        seal=seal,
        previous_seal=third.previous_seal,
        mac=hmac.new(wrong_key, message, hashlib.sha256).hexdigest(),
    )
    assert "kontrollpunkt" in _problems(third)


def test_verify_command_reports_a_removed_record(tmp_path: Any) -> None:
    """``tillgang register verify`` prints the problem of a record that is gone (and exits 1)."""
    import os
    import sqlite3
    import subprocess
    import sys

    from ..conftest import ROOT
    from .test_cli import run as cli_run

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("edits the SQLite file directly")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILLGANG_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {"TILLGANG_DATA_DIR": str(tmp_path / "data"), "TILLGANG_ADMIN_PASSWORD": "ett-bra-lösenord-123"}
    )
    db = str(tmp_path / "r.sqlite3")
    cli_run(env, "register", "--db", db, "init")
    code = (
        "import sys; from tillgang.web import setup; setup(sys.argv[1]);"
        "from django.contrib.auth.models import User;"
        "from tillgang.register.evidence import create_evidence, seal;"
        "from tillgang.register.store import store_run;"
        "from tests.register.test_store import first_run, make_activity;"
        "a = make_activity(); u = User.objects.get(username='admin');"
        "print(seal(create_evidence(store_run(first_run(), a), a), u).pk)"
    )
    made = subprocess.run(
        [sys.executable, "-c", code, db], env=env, capture_output=True, text=True, timeout=120, cwd=str(ROOT)
    )
    assert made.returncode == 0, made.stderr
    pk = int(made.stdout.split()[-1])
    assert cli_run(env, "register", "--db", db, "verify").returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE register_evidence SET status = 'draft' WHERE id = ?", (pk,))
        conn.execute("DELETE FROM register_evidence WHERE id = ?", (pk,))
    result = cli_run(env, "register", "--db", db, "verify", ok=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"underlag {pk}" in result.stdout and "finns inte längre" in result.stdout

"""Evidence records: the manifest's fields, sealing over RFC 8785 bytes, immutability, versions, verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
import rfc8785
from django.core.exceptions import PermissionDenied
from django.db import transaction

from tillgang.register.evidence import (
    build_manifest,
    create_evidence,
    manifest_of,
    new_version,
    seal,
    summary_by_rule,
    verify,
    verify_all,
)
from tillgang.register.models import ControlActivity, Evidence, Finding, SealedError
from tillgang.register.store import store_run

from .test_store import first_run, make_activity, output, second_run, url

pytestmark = [pytest.mark.db, pytest.mark.django_db]


@pytest.fixture
def activity() -> ControlActivity:
    return make_activity()


@pytest.fixture
def reviewer(make_user: Callable[..., Any]) -> Any:
    return make_user("reviewer")


def test_manifest_holds_the_record_fields(activity: ControlActivity) -> None:
    first = store_run(first_run(), activity)
    second = store_run(second_run(), activity)
    m = build_manifest(second, activity, "f" * 64)
    control = m["control"]
    assert control["board"] == "Kommunstyrelsen" and control["plan_year"] == 2026
    assert control["process"] == "Hantera demokrati och tillsyn (KLK)"
    assert (
        control["risk"]["description"].startswith("Risk att") and control["responsible"] == "Webbredaktör Ann"
    )
    assert control["activity"]["id"] == activity.pk and control["period"]["from"] == "2026-11-29T01:00:00Z"
    scope = m["scope"]
    assert scope["start_urls"] == [url("/")] and scope["allowed_hosts"] == ["127.0.0.1"]
    assert scope["limits"]["max_pages"] == 100 and scope["limits"]["max_document_bytes"] == 1_000_000
    assert scope["file_types"] == ["docx", "html", "odp", "ods", "odt", "pdf", "pptx", "xlsx"] and scope[
        "exclude"
    ] == ["login"]
    population = m["population"]
    assert population["items"] == {"page": 2, "document": 3, "total": 5}
    assert population["errors"] == {"fetch-failed": 1} and population["reused"] == 1
    method = m["method"]
    assert method["tool_version"] == "0.1.0" and method["catalogue_sha256"] == "c" * 64
    assert method["rule_set"] == "EN301549-V3.2.1"
    config_bytes = rfc8785.dumps(second.config)
    assert method["config_sha256"] == hashlib.sha256(config_bytes).hexdigest()
    items = {i["url"]: i for i in m["items"]}
    plan = items[url("/dokument/plan.pdf")]
    assert plan["sha256"] and plan["http_status"] == 304 and plan["fetched_at"] == "2026-11-30T01:00:05Z"
    assert plan["rules"]["pdf-tagged"] == "failed"
    assert m["results"] == summary_by_rule(second)
    comparison = m["comparison"]
    assert comparison["previous_run"] == first.run_id
    assert (comparison["new"], comparison["fixed"], comparison["persisting"]) == (1, 1, 3)
    fixed = Finding.objects.get(url=url("/dokument/rapport.pdf"))
    assert comparison["fixed_ids"] == [fixed.pk]
    assert {f["rule"] for f in m["findings"]} == {"image-alt", "link-name", "pdf-tagged"}
    assert m["previous_seal"] == "f" * 64
    conclusion = m["conclusion"]
    assert (conclusion["documents_checked"], conclusion["documents_with_failed_rule"]) == (2, 1)
    assert conclusion["documents_with_failed_rule_share"] == 50.0 and conclusion["partial"] is False
    rfc8785.dumps(m)  # every value is canonical JSON


def test_summary_by_rule_counts_items_and_criteria(activity: ControlActivity) -> None:
    run = store_run(second_run(), activity)
    s = summary_by_rule(run)
    assert s["items_checked"] == {"page": 2, "document": 2, "total": 4}  # gammal.pdf was not checked
    assert s["items_failed"] == {"page": 2, "document": 1, "total": 3}
    tagged = s["rules"]["pdf-tagged"]
    assert (tagged["checked"], tagged["failed"], tagged["share"]) == (2, 1, 50.0)
    assert tagged["by_kind"]["document"]["failed"] == 1 and "page" not in tagged["by_kind"]
    alt = s["rules"]["image-alt"]
    assert (alt["checked"], alt["failed"], alt["cant_tell"]) == (2, 2, 0)
    assert s["rules"]["link-name"]["cant_tell"] == 1
    assert s["wcag"]["1.1.1"]["failed"] == 2 and "image-alt" in s["wcag"]["1.1.1"]["rules"]
    assert s["wcag"]["1.3.1"]["failed"] == 1


def test_seal_is_sha256_of_canonical_bytes_and_chains(activity: ControlActivity, reviewer: Any) -> None:
    first = create_evidence(store_run(first_run(), activity), activity)
    assert first.status == "draft" and first.seal == "" and first.title.startswith("Automatisk granskning")
    sealed = seal(first, reviewer)
    data = bytes(sealed.manifest)
    assert sealed.seal == hashlib.sha256(data).hexdigest()
    manifest = json.loads(data)
    assert rfc8785.dumps(manifest) == data
    assert manifest["sign_off"]["sealed_by"] == reviewer.username and manifest["previous_seal"] == ""
    assert manifest["record"]["id"] == sealed.pk and sealed.sealed_by == reviewer
    second = seal(create_evidence(store_run(second_run(), activity), activity), reviewer)
    assert second.previous_seal == sealed.seal and manifest_of(second)["previous_seal"] == sealed.seal
    assert verify(sealed) == [] and verify(second) == []
    assert verify_all(activity) == {sealed.pk: [], second.pk: []}
    with pytest.raises(SealedError):
        seal(sealed, reviewer)


def test_sealed_record_refuses_save_and_delete(activity: ControlActivity, reviewer: Any) -> None:
    evidence = seal(create_evidence(store_run(first_run(), activity), activity), reviewer)
    evidence.title = "Ändrad"
    with pytest.raises(SealedError):
        evidence.save()
    with pytest.raises(SealedError):
        evidence.delete()
    with pytest.raises(SealedError), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).delete()  # a queryset delete too
    stale = Evidence.objects.get(pk=evidence.pk)
    stale.status = "draft"  # even a copy that claims to be a draft cannot overwrite a sealed row
    with pytest.raises(SealedError):
        stale.save()
    assert Evidence.objects.get(pk=evidence.pk).title != "Ändrad"


def test_verify_detects_tampering_and_a_broken_chain(activity: ControlActivity, reviewer: Any) -> None:
    a = seal(create_evidence(store_run(first_run(), activity), activity), reviewer)
    b = seal(create_evidence(store_run(second_run(), activity), activity), reviewer)
    third = output("20261202T010000Z-cccccc", 30, [], [])
    c = seal(create_evidence(store_run(third, activity), activity), reviewer)
    manifest = manifest_of(a)
    manifest["conclusion"]["documents_with_failed_rule"] = 0  # a quiet edit behind the model's back
    Evidence.objects.filter(pk=a.pk).update(manifest=rfc8785.dumps(manifest))
    problems = verify(a)
    assert problems and "sigillet stämmer inte" in problems[0]
    # a record removed from the chain (past the model, in SQL) shows on the next one
    Evidence.objects.filter(pk=b.pk).update(status="draft")
    Evidence.objects.filter(pk=b.pk).delete()
    broken = verify(c)
    assert any("kedjan är bruten" in p for p in broken)
    report = verify_all(activity)
    assert report[a.pk] and report[c.pk]
    assert any("finns inte längre" in p for p in report[b.pk])  # the checkpoint log remembers the removed one


def test_new_version_keeps_the_old_one(activity: ControlActivity, reviewer: Any) -> None:
    old = seal(create_evidence(store_run(first_run(), activity), activity), reviewer)
    new = new_version(old, "fel kontrollaktivitet angavs i rubriken")
    assert new.status == "draft" and new.version == 2 and new.supersedes == old
    record = manifest_of(new)["record"]
    assert record["supersedes"] == old.pk and record["supersedes_seal"] == old.seal
    assert record["correction_reason"] == "fel kontrollaktivitet angavs i rubriken"
    assert Evidence.objects.get(pk=old.pk).seal == old.seal and verify(old) == []
    with pytest.raises(ValueError):
        new_version(old, "en gång till")
    sealed = seal(new, reviewer)
    assert sealed.previous_seal == old.seal and verify(sealed) == []


def test_partial_run_is_sealed_as_partial(activity: ControlActivity, reviewer: Any) -> None:
    partial = output("20261203T010000Z-dddddd", 30, [], [], status="partial")
    evidence = create_evidence(store_run(partial, activity), activity)
    assert evidence.partial and "ofullständig" in evidence.title
    sealed = seal(evidence, reviewer)
    assert sealed.partial and manifest_of(sealed)["partial"] is True
    assert manifest_of(sealed)["conclusion"]["partial_reasons"] == ["max-pages"]


@pytest.mark.parametrize("role", ["reader", "web-editor", "controller", None])
def test_only_reviewers_and_admins_seal(
    activity: ControlActivity, make_user: Callable[..., Any], role: str | None
) -> None:
    evidence = create_evidence(store_run(first_run(), activity), activity)
    with pytest.raises(PermissionDenied):
        seal(evidence, make_user(role))
    assert Evidence.objects.get(pk=evidence.pk).status == "draft"


def test_admin_role_seals(activity: ControlActivity, make_user: Callable[..., Any]) -> None:
    evidence = create_evidence(store_run(first_run(), activity), activity)
    assert seal(evidence, make_user("admin")).status == "sealed"


def test_admin_shows_evidence_read_only(activity: ControlActivity, make_user: Callable[..., Any]) -> None:
    from django.test import Client

    evidence = seal(create_evidence(store_run(first_run(), activity), activity), make_user("reviewer"))
    client = Client()
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    base = f"/admin/register/evidence/{evidence.pk}"
    page = client.get(f"{base}/change/")
    assert page.status_code == 200
    assert client.post(f"{base}/change/", {"title": "Ändrad"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/register/evidence/add/").status_code == 403
    assert Evidence.objects.get(pk=evidence.pk).title == evidence.title
    for model in ("crawlrun", "item", "finding", "apitoken", "statementdecision"):
        assert client.get(f"/admin/register/{model}/").status_code == 200, model


def test_register_store_and_verify_commands(
    activity: ControlActivity, reviewer: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from tillgang.cli import main

    path = tmp_path / "run.json"
    path.write_text(json.dumps(first_run()), encoding="utf-8")
    assert main(["register", "store", str(path), "--activity", str(activity.pk)]) == 0
    out = capsys.readouterr().out
    assert "20261130T010000Z-aaaaaa (klar) är sparad" in out and "5 nya" in out and "utkast" in out
    assert main(["register", "store", str(path), "--activity", str(activity.pk)]) == 0  # again: nothing new
    assert Evidence.objects.count() == 1
    evidence = seal(Evidence.objects.get(), reviewer)
    assert main(["register", "verify"]) == 0
    assert f"ok   underlag {evidence.pk}" in capsys.readouterr().out
    Evidence.objects.filter(pk=evidence.pk).update(manifest=bytes(evidence.manifest) + b" ")
    assert main(["register", "verify", "--activity", str(activity.pk)]) == 1
    assert "sigillet stämmer inte" in capsys.readouterr().out
    assert main(["register", "verify", str(evidence.pk)]) == 1
    assert main(["register", "verify", "999999"]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    assert main(["register", "store", str(bad)]) == 2


def test_odd_values_survive_the_canonical_round_trip(activity: ControlActivity, reviewer: Any) -> None:
    out = first_run()
    out["run"]["config"].update(
        {"delay": 0.1, "big": 1e21, "tiny": 5e-324, "huge_int": 2**60, "text": 'å\u2028😀"\\', "none": None}
    )
    out["documents"][0]["title"] = "Årsredovisning\t2025 – ”slutlig”"
    sealed = seal(create_evidence(store_run(out, activity), activity), reviewer)
    assert verify(sealed) == []
    config = manifest_of(sealed)["method"]["config"]
    assert config["huge_int"] == str(2**60) and config["text"] == 'å\u2028😀"\\'


def test_roles_read_everything_and_only_some_triage_seal_or_decide(make_user: Callable[..., Any]) -> None:
    expect = {  # role: (triage, seal, record statement decisions)
        "reader": (False, False, False),
        "web-editor": (False, False, False),
        "controller": (False, False, True),
        "reviewer": (True, True, False),
        "admin": (True, True, True),
    }
    for role, (triage, can_seal, decide) in expect.items():
        user = make_user(role)
        for model in ("crawlrun", "item", "finding", "evidence", "apitoken", "statementdecision"):
            assert user.has_perm(f"register.view_{model}"), (role, model)
        assert user.has_perm("register.change_finding") is triage, role
        assert user.has_perm("register.triage_findings") is triage, role
        assert user.has_perm("register.seal_evidence") is can_seal, role
        assert user.has_perm("register.add_statementdecision") is decide, role
        assert user.has_perm("register.change_statementdecision") is decide, role
        assert not user.has_perm("register.change_evidence") and not user.has_perm("register.delete_evidence")
        assert user.has_perm("register.view_plan")  # what the roles could do before stays

"""Issue 12 (triage): performed_by from the responsible user, bulk triage of a whole filter, worst pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tillgang.register.evidence import create_evidence, manifest_of, new_version, seal
from tillgang.register.models import ControlActivity, Finding
from tillgang.register.store import store_run

from . import test_review
from .test_review import A, B, C
from .test_store import first_run, make_activity, second_run

pytestmark = [pytest.mark.db, pytest.mark.django_db]

data = test_review.data  # the review pages' fixture: two runs and their findings


@pytest.fixture
def activity() -> ControlActivity:
    return make_activity()


def test_performed_by_is_the_responsible_user_on_new_drafts_only(
    activity: ControlActivity, make_user: Callable[..., Any]
) -> None:
    reviewer = make_user("reviewer")
    before = seal(create_evidence(store_run(first_run(), activity), activity), reviewer)
    assert manifest_of(before)["sign_off"]["performed_by"] == "Webbredaktör Ann"  # no user: as before
    sealed_bytes = bytes(before.manifest)

    user = make_user("controller", first_name="Anna", last_name="Berg")
    activity.responsible_user = user
    activity.save()
    draft = create_evidence(store_run(second_run(), activity), activity)
    assert manifest_of(draft)["sign_off"]["performed_by"] == "Anna Berg"
    newer = new_version(before, "rätta utförare")
    assert manifest_of(newer)["sign_off"]["performed_by"] == "Anna Berg"
    before.refresh_from_db()
    assert bytes(before.manifest) == sealed_bytes  # the sealed record never changes

    user.first_name = user.last_name = ""
    user.save()
    activity.refresh_from_db()
    other = create_evidence(store_run(second_run(), activity), activity, title="igen")
    assert manifest_of(other)["sign_off"]["performed_by"] == user.get_username()


# ------------------------------------------------------------------ bulk triage of a whole filter

TRIAGE_ALL = "/avvikelser/bedom-alla/"


def _client(make_user: Callable[..., Any], role: str, **kw: Any) -> Client:
    client = Client(**kw)
    client.force_login(make_user(role))
    return client


def _confirm(client: Client, filter_: str, **triage: str) -> dict[str, str]:
    """Post the first step and return the hidden fields of the confirmation form."""
    response = client.post(TRIAGE_ALL, {"filter": filter_, **triage})
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', html))
    fields["_html"] = html
    return fields


def _post_confirmed(client: Client, fields: dict[str, str]) -> Any:
    return client.post(TRIAGE_ALL, {k: html.unescape(v) for k, v in fields.items() if not k.startswith("_")})


def test_bulk_triage_of_a_filter_states_the_count_and_writes_history(
    data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    client = _client(make_user, "reviewer")
    listed = client.get("/avvikelser/?regel=image-alt").content.decode()
    assert f'action="{TRIAGE_ALL}"' in listed and "Bedöm alla 2 avvikelser som matchar filtret" in listed
    # accepted needs a reason, as on the single-finding form: back to the list, nothing changed
    refused = client.post(TRIAGE_ALL, {"filter": "regel=image-alt", "status": "accepted"})
    assert refused.status_code == 302 and refused["Location"] == "/avvikelser/?regel=image-alt"
    fields = _confirm(client, "regel=image-alt", status="accepted", reason="Arkivhandling")
    assert "Ändra status för 2 avvikelser till Accepterad" in fields["_html"]
    c, c_new = data["f"]["c"], data["f"]["c_new"]
    assert Finding.objects.get(pk=c.pk).status == "open"  # nothing changes before the confirmation
    response = _post_confirmed(client, fields)
    assert response.status_code == 302 and response["Location"] == "/avvikelser/?regel=image-alt"
    for finding in (c, c_new):
        finding.refresh_from_db()
        assert (finding.status, finding.reason) == ("accepted", "Arkivhandling")
        latest = finding.history.order_by("-history_date", "-history_id").first()
        assert latest is not None and latest.history_user.get_username() == "u-reviewer"
        assert "bedömning av 2 avvikelser samtidigt" in latest.history_change_reason
    assert Finding.objects.get(pk=data["f"]["a"].pk).status == "open"  # outside the filter
    # "1 avvikelse" in the singular
    one = _confirm(client, "regel=pdf-tagged&status=open", assigned_to="Webbredaktionen")
    assert "Tilldela 1 avvikelse till Webbredaktionen" in one["_html"]


def test_a_finding_changed_since_the_confirmation_is_skipped_and_reported(
    data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    client = _client(make_user, "reviewer")
    fields = _confirm(client, "regel=image-alt", status="confirmed")
    c, c_new = data["f"]["c"], data["f"]["c_new"]
    other = _client(make_user, "admin")
    version = Finding.objects.get(pk=c.pk).version
    saved = other.post(f"/avvikelser/{c.pk}/", {"status": "false-positive", "version": version})
    assert saved.status_code == 302
    response = _post_confirmed(client, fields)
    assert response.status_code == 302
    c.refresh_from_db()
    c_new.refresh_from_db()
    assert (c.status, c_new.status) == ("false-positive", "confirmed")
    shown = client.get(response["Location"]).content.decode()
    assert (
        "1 avvikelse är bedömd." in shown
        and "1 avvikelse hoppades över eftersom den" in shown
        and f"nr {c.pk}" in shown
    )


def test_readers_may_not_triage_a_filter_and_csrf_is_enforced(
    data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    reader = _client(make_user, "reader")
    assert f'action="{TRIAGE_ALL}"' not in reader.get("/avvikelser/").content.decode()
    post = {"filter": "", "status": "confirmed", "bekrafta": "1", "snapshot": f"{data['f']['a'].pk}:0"}
    assert reader.post(TRIAGE_ALL, post).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("reviewer"))
    assert strict.post(TRIAGE_ALL, post).status_code == 403
    assert set(Finding.objects.values_list("status", flat=True)) == {"open", "fixed"}


# ------------------------------------------------------------------ the worst pages and documents


def test_worst_pages_rank_urls_by_open_failed_findings(
    data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    client = _client(make_user, "reader")
    response = client.get("/avvikelser/varst-drabbade/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["url"], r["total"]) for r in rows] == [
        (C, 2),
        (A, 1),
        (B, 1),
    ]  # the latest run: b.pdf's pdf-tagged is fixed
    run2 = data["runs"][1]
    link = rows[0]["findings_url"]
    assert f"korning={run2.pk}" in link and "status=open" in link
    listed = client.get(link)
    assert listed.context["total"] == 2
    data["f"]["c_new"].status = "accepted"
    data["f"]["c_new"].reason = "Arkiv"
    data["f"]["c_new"].save()
    everything = client.get("/avvikelser/varst-drabbade/?omfattning=alla").context["rows"]
    assert {(r["url"], r["total"]) for r in everything} == {(A, 1), (B, 1), (C, 1)}


def test_worst_pages_by_severity_put_critical_first(
    data: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    Finding.objects.filter(pk=data["f"]["a"].pk).update(severity="critical")
    client = _client(make_user, "reviewer")
    rows = client.get("/avvikelser/varst-drabbade/?sortera=allvarlighet").context["rows"]
    assert [r["url"] for r in rows] == [A, C, B]
    assert rows[0]["severities"][0] == ("kritisk", 1)
    html = client.get("/avvikelser/?regel=image-alt").content.decode()
    assert 'href="/avvikelser/varst-drabbade/"' in html

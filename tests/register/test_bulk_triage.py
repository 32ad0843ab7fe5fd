"""Issue 12 (triage): performed_by from the responsible user, bulk triage of a whole filter, worst pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tillgang.register.evidence import create_evidence, manifest_of, new_version, seal
from tillgang.register.models import ControlActivity
from tillgang.register.store import store_run

from .test_store import first_run, make_activity, second_run

pytestmark = [pytest.mark.db, pytest.mark.django_db]


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

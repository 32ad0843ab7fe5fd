"""Issue 12, users and roles in the UI: admins list, invite, change roles and deactivate users, every change
logged; the user's own password change, and a new password by e-mail (locmem backend), rate limited, with a
link from the configured base URL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

from tillgang.register.models import UserAction, UserEvent

from .conftest import failed_own_rules

pytestmark = [pytest.mark.db, pytest.mark.django_db, pytest.mark.usefixtures("locmem")]

PASSWORD = "x-Secret-pw-1"
NEW_PASSWORD = "Grön-Lampa-Sjutton-42"
BASE = "https://ikp.kommun.example"


@pytest.fixture
def locmem() -> Iterator[None]:
    cache.clear()  # the rate limit's counts
    settings = {
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "TILLGANG_REMINDERS": {"base_url": BASE, "delar_deadline": "08-31", "helar_deadline": "01-31"},
    }
    with override_settings(**settings):
        yield
    cache.clear()


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(make_user: Callable[..., Any]) -> Any:
    return make_user("admin", email="admin@kommun.example", first_name="Ada")


def _link(body: str) -> str:
    found = re.findall(r"https?://\S+", body)
    links = [u for u in found if "/konto/nytt-losenord/" in u]
    assert len(links) == 1, body
    return links[0]


def _user_urls(pk: int) -> list[str]:
    return [
        "/anvandare/",
        "/anvandare/ny/",
        f"/anvandare/{pk}/",
        f"/anvandare/{pk}/aktiv/",
        f"/anvandare/{pk}/bjud-in/",
    ]


@pytest.mark.parametrize("role", ["controller", "reviewer", "web-editor", "reader", None])
def test_only_user_admins_reach_the_user_pages(role: str | None, make_user: Callable[..., Any]) -> None:
    user = make_user(role, email="x@kommun.example")
    client = _login(user)
    for url in _user_urls(user.pk):  # the list is GET only, two actions POST only: 405 for everyone
        assert client.get(url).status_code == (405 if url.endswith(("/aktiv/", "/bjud-in/")) else 403), url
        expected = 405 if url == "/anvandare/" else 403
        assert client.post(url, {"email": "ny@kommun.example"}).status_code == expected, url
    assert 'href="/anvandare/"' not in client.get("/mina-uppgifter/").content.decode()
    assert not UserEvent.objects.exists() and user.is_active


def test_admin_invites_a_user_who_chooses_a_password(admin: Any) -> None:
    client = _login(admin)
    assert 'href="/anvandare/"' in client.get("/mina-uppgifter/").content.decode()
    reviewer = Group.objects.get(name="reviewer")
    response = client.post(
        "/anvandare/ny/",
        {
            "username": "berit",
            "first_name": "Berit",
            "last_name": "Ek",
            "email": "berit@kommun.example",
            "roles": [reviewer.pk],
        },
        HTTP_HOST="localhost",
    )
    berit = User.objects.get(username="berit")
    assert response.status_code == 302 and response["Location"] == f"/anvandare/{berit.pk}/"
    assert not berit.has_usable_password() and berit.is_active
    assert list(berit.groups.values_list("name", flat=True)) == ["reviewer"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["berit@kommun.example"]
    body = mail.outbox[0].body
    assert "Ada har lagt till dig" in body and "Ditt användarnamn är berit" in body
    link = _link(body)
    assert link.startswith(BASE + "/konto/nytt-losenord/") and "localhost" not in body
    event = UserEvent.objects.get(user=berit)
    assert event.actor == admin and event.action == UserAction.CREATED
    assert "Granskare (reviewer)" in event.detail
    # the link lets Berit choose a password, once
    anonymous = Client()
    form = anonymous.get(link.removeprefix(BASE), follow=True)
    assert form.status_code == 200 and "Välj lösenord" in form.content.decode()
    done = anonymous.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == "/konto/nytt-losenord/klart/"
    assert Client().login(username="berit", password=NEW_PASSWORD)
    again = Client().get(link.removeprefix(BASE), follow=True).content.decode()
    assert "Länken fungerar inte" in again
    assert UserEvent.objects.filter(user=berit, action=UserAction.PASSWORD_RESET, actor=None).exists()


def test_a_taken_user_name_or_address_is_refused_in_swedish(admin: Any) -> None:
    client = _login(admin)
    data = {"username": "U-ADMIN", "email": "ADMIN@kommun.example"}
    html = client.post("/anvandare/ny/", data).content.decode()
    assert "Det användarnamnet finns redan." in html
    assert "En annan användare har redan den e-postadressen." in html
    assert User.objects.count() == 1 and not mail.outbox


def test_changing_roles_and_details_is_logged_and_shown(admin: Any, make_user: Callable[..., Any]) -> None:
    reader = make_user("reader", email="r@kommun.example")
    client = _login(admin)
    groups = {g.name: g.pk for g in Group.objects.all()}
    data = {
        "first_name": "Rut",
        "last_name": "",
        "email": "rut@kommun.example",
        "roles": [groups["reviewer"], groups["controller"]],
    }
    assert client.post(f"/anvandare/{reader.pk}/", data).status_code == 302
    reader.refresh_from_db()
    assert sorted(reader.groups.values_list("name", flat=True)) == ["controller", "reviewer"]
    events = {e.action: e.detail for e in UserEvent.objects.filter(user=reader)}
    assert events[UserAction.ROLES] == (
        "Roller: Läsare (reader) → Controller (controller), Granskare (reviewer)"
    )
    assert "E-postadress: r@kommun.example → rut@kommun.example" in events[UserAction.DETAILS]
    page = client.get(f"/anvandare/{reader.pk}/").content.decode()
    assert "Roller: Läsare (reader) → Controller (controller), Granskare (reviewer)" in page
    assert "u-admin" in page  # who did it
    listing = client.get("/anvandare/").content.decode()
    assert "Roller ändrade" in listing and 'data-label="Roller"' in listing
    # saving without a change logs nothing
    assert client.post(f"/anvandare/{reader.pk}/", data).status_code == 302
    assert UserEvent.objects.filter(user=reader).count() == 2


def test_an_admin_keeps_their_own_admin_role(admin: Any) -> None:
    client = _login(admin)
    reader = Group.objects.get(name="reader")
    data = {"first_name": "Ada", "email": "admin@kommun.example", "roles": [reader.pk]}
    html = client.post(f"/anvandare/{admin.pk}/", data).content.decode()
    assert "Du kan inte ta bort din egen administratörsroll" in html
    assert '<a href="#id_roles">' in html and '<fieldset id="id_roles">' in html  # the summary's link works
    assert list(admin.groups.values_list("name", flat=True)) == ["admin"]


def test_deactivating_keeps_the_user_and_stops_the_login(admin: Any, make_user: Callable[..., Any]) -> None:
    reviewer = make_user("reviewer", email="g@kommun.example")
    client = _login(admin)
    assert client.post(f"/anvandare/{reviewer.pk}/aktiv/").status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    assert not Client().login(username=reviewer.username, password=PASSWORD)
    assert UserEvent.objects.get(user=reviewer).action == UserAction.DEACTIVATED
    assert "Inaktiverad" in client.get("/anvandare/").content.decode()
    assert client.post(f"/anvandare/{reviewer.pk}/aktiv/").status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.is_active
    assert [e.action for e in UserEvent.objects.filter(user=reviewer)] == [
        UserAction.ACTIVATED,
        UserAction.DEACTIVATED,
    ]
    # never oneself
    client.post(f"/anvandare/{admin.pk}/aktiv/")
    admin.refresh_from_db()
    assert admin.is_active


def test_only_a_superuser_changes_a_superuser(admin: Any) -> None:
    root = User.objects.create_superuser("root", "root@kommun.example", PASSWORD)
    client = _login(admin)
    assert client.get(f"/anvandare/{root.pk}/").status_code == 200
    assert client.post(f"/anvandare/{root.pk}/", {"email": "mine@evil.example"}).status_code == 403
    assert client.post(f"/anvandare/{root.pk}/aktiv/").status_code == 403
    assert client.post(f"/anvandare/{root.pk}/bjud-in/").status_code == 403
    root.refresh_from_db()
    assert root.email == "root@kommun.example" and root.is_active and not mail.outbox


def test_a_new_invitation(admin: Any, make_user: Callable[..., Any]) -> None:
    reader = make_user("reader", email="r@kommun.example")
    assert _login(admin).post(f"/anvandare/{reader.pk}/bjud-in/").status_code == 302
    assert mail.outbox[0].to == ["r@kommun.example"] and _link(mail.outbox[0].body).startswith(BASE)
    assert UserEvent.objects.get(user=reader).action == UserAction.INVITED


def test_own_password_change(make_user: Callable[..., Any]) -> None:
    reader = make_user("reader")
    client = Client()
    assert client.login(username=reader.username, password=PASSWORD)
    page = client.get("/konto/losenord/").content.decode()
    assert "Byt lösenord" in page and 'href="/konto/losenord/"' in page
    wrong = client.post(
        "/konto/losenord/",
        {"old_password": "fel", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and "Formuläret innehåller fel" in wrong.content.decode()
    response = client.post(
        "/konto/losenord/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/konto/losenord/klart/"
    assert client.get("/konto/losenord/klart/").status_code == 200  # still logged in
    assert Client().login(username=reader.username, password=NEW_PASSWORD)
    assert not Client().login(username=reader.username, password=PASSWORD)
    event = UserEvent.objects.get(user=reader)
    assert event.action == UserAction.PASSWORD and event.actor == reader


def test_password_reset_link_uses_the_configured_base_url(make_user: Callable[..., Any]) -> None:
    reader = make_user("reader", email="Rut@Kommun.example")
    assert 'href="/konto/nytt-losenord/"' in Client().get("/konto/logga-in/").content.decode()
    response = Client().post("/konto/nytt-losenord/", {"email": "rut@kommun.example"}, HTTP_HOST="localhost")
    assert response.status_code == 302 and response["Location"] == "/konto/nytt-losenord/skickat/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["Rut@kommun.example"]  # the domain normalised
    message = mail.outbox[0]
    assert message.subject == "Nytt lösenord till internkontrollregistret (tillgang)"
    link = _link(message.body)
    assert link.startswith(BASE + "/konto/nytt-losenord/") and "localhost" not in message.body
    anonymous = Client()
    form = anonymous.get(link.removeprefix(BASE), follow=True)
    anonymous.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert Client().login(username=reader.username, password=NEW_PASSWORD)
    # an unknown or deactivated address gets the same page and no mail
    reader.is_active = False
    reader.save()
    for email in ("okand@kommun.example", "rut@kommun.example"):
        other = Client().post("/konto/nytt-losenord/", {"email": email})
        assert other.status_code == 302 and other["Location"] == "/konto/nytt-losenord/skickat/"
    assert len(mail.outbox) == 1


def test_password_reset_requests_are_rate_limited(make_user: Callable[..., Any]) -> None:
    make_user("reader", email="r@kommun.example")
    for i in range(5):  # five requests for one address from five addresses
        response = Client().post(
            "/konto/nytt-losenord/", {"email": "r@kommun.example"}, REMOTE_ADDR=f"10.9.0.{i}"
        )
        assert response.status_code == 302
    blocked = Client().post("/konto/nytt-losenord/", {"email": "R@kommun.example"}, REMOTE_ADDR="10.9.1.1")
    assert blocked.status_code == 429 and blocked["Retry-After"] == "300"
    assert "För många förfrågningar om nytt lösenord" in blocked.content.decode()
    assert len(mail.outbox) == 5
    for i in range(5):  # and from one client address, whatever the e-mail address
        Client().post("/konto/nytt-losenord/", {"email": f"x{i}@kommun.example"}, REMOTE_ADDR="10.9.2.2")
    assert (
        Client()
        .post("/konto/nytt-losenord/", {"email": "y@kommun.example"}, REMOTE_ADDR="10.9.2.2")
        .status_code
        == 429
    )
    # the login's own counts are separate
    assert (
        Client()
        .post("/konto/logga-in/", {"username": "u-reader", "password": PASSWORD}, REMOTE_ADDR="10.9.2.2")
        .status_code
        == 302
    )


def test_the_account_pages_pass_our_own_rules(
    admin: Any, tmp_path: Path, make_user: Callable[..., Any]
) -> None:
    reader = make_user("reader", email="r@kommun.example")
    client = _login(admin)
    client.post(f"/anvandare/{reader.pk}/aktiv/")
    pages = {
        "users": client.get("/anvandare/"),
        "user_new": client.get("/anvandare/ny/"),
        "user_new_errors": client.post("/anvandare/ny/", {"username": "ny rad"}),
        "user": client.get(f"/anvandare/{reader.pk}/"),
        "password_change": client.get("/konto/losenord/"),
        "password_change_done": client.get("/konto/losenord/klart/"),
        "password_reset": Client().get("/konto/nytt-losenord/"),
        "password_reset_done": Client().get("/konto/nytt-losenord/skickat/"),
        "password_reset_bad_link": Client().get("/konto/nytt-losenord/MQ/fel-nyckel/"),
        "password_reset_complete": Client().get("/konto/nytt-losenord/klart/"),
    }
    html = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        assert text.startswith('<!DOCTYPE html>\n<html lang="sv">') and text.count("<h1>") == 1, name
        html[name] = text
    for name in ("users", "user"):
        cells = re.findall(r"<td\b[^>]*>", html[name])
        assert cells and all("data-label=" in c for c in cells), name
    assert '<fieldset id="id_roles">' in html["user_new"] and "<legend>Roller</legend>" in html["user_new"]
    assert failed_own_rules(html, tmp_path) == {}


class _Refusing:
    """A mail backend whose server refuses every message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"x@kommun.example": (550, b"no")})


def test_an_invitation_that_cannot_be_sent_leaves_no_user(admin: Any) -> None:
    client = _login(admin)
    with override_settings(EMAIL_BACKEND=f"{__name__}._Refusing"):
        response = client.post("/anvandare/ny/", {"username": "berit", "email": "berit@kommun.example"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Inbjudan kunde inte skickas" in html and "Användaren skapades inte." in html
        assert not User.objects.filter(username="berit").exists() and not UserEvent.objects.exists()
        page = client.post(f"/anvandare/{admin.pk}/bjud-in/", follow=True).content.decode()
        assert "Inbjudan kunde inte skickas" in page and not UserEvent.objects.exists()

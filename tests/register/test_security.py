"""Security of the web UI and the API (issue 6): authentication on every URL, CSRF on every form and every
POST, csrf_exempt only on the token-authenticated API, login rate limiting, and no open redirects."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

pytestmark = [pytest.mark.db, pytest.mark.django_db]

PASSWORD = "x-Secret-pw-1"  # the password of make_user's users
# the only URLs an anonymous user may open: the login, the logo on the login page, and asking for a new password
# by e-mail (issue 12)
PUBLIC = {
    "register:login",
    "register:logo",
    "admin:login",
    "static",
    "register:password_reset",
    "register:password_reset_done",
    "register:password_reset_confirm",
    "register:password_reset_complete",
}
# pages only for managing users (register.manage_users): every other role gets 403 (tests/register/test_users.py)
USER_ADMIN_PAGES = {
    "register:users",
    "register:user_new",
    "register:user",
    "register:user_active",
    "register:user_invite",
}
LOGIN_PAGES = ("/konto/logga-in/", "/admin/login/")


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _sample(p: Any) -> str:
    """A concrete URL part for a route or regex pattern: numbers for ints, a word for the rest."""
    pattern = str(p)
    if isinstance(p, RoutePattern):
        pattern = re.sub(r"<int:\w+>", "1", pattern)
        return re.sub(r"<(?:\w+:)?\w+>", "x", pattern)

    def group(m: re.Match[str]) -> str:
        body = m.group(1)
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "x"

    pattern = re.sub(r"\(\?P<\w+>([^)]*)\)", group, pattern)
    pattern = re.sub(r"\(([^?)][^)]*)\)", group, pattern)  # unnamed groups
    return pattern.lstrip("^").rstrip("$").replace("\\", "")


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + _sample(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{ns}{p.name}" if p.name else (getattr(p.callback, "__name__", "") or str(p.pattern))
            yield name, "/" + prefix + _sample(p.pattern), p.callback


def every_url() -> list[tuple[str, str, Any]]:
    urls = list(_walk(get_resolver().url_patterns))
    assert len(urls) > 30  # the register, the review pages, the upload page, the API and the admin
    return urls


def test_the_url_samples_resolve_to_their_views() -> None:
    for name, url, callback in every_url():
        if name == "static":
            continue
        assert resolve(url).func == callback, (name, url)


def test_every_url_needs_authentication() -> None:
    client = Client()
    seen_api = 0
    for name, url, _callback in every_url():
        if name in PUBLIC:
            continue
        response = client.get(url)
        if url.startswith("/api/"):
            seen_api += 1
            assert response.status_code == 401, (name, url)
        else:
            assert response.status_code == 302, (name, url, response.status_code)
            assert response["Location"].startswith(LOGIN_PAGES), (name, url)
    assert seen_api >= 5
    assert client.get("/konto/logga-in/").status_code == 200
    assert client.get("/static/register/register.css").status_code == 200
    for name, url, _callback in every_url():
        if name in PUBLIC - {"admin:login", "static", "register:logo"}:
            assert client.get(url).status_code == 200, (name, url)
    # the logo is public (the login page shows it): 200 when one is configured, else 404; never the login page
    assert client.get("/logotyp/").status_code in (200, 404)


def test_the_user_pages_are_listed() -> None:
    names = {name for name, _url, _callback in every_url()}
    assert names >= USER_ADMIN_PAGES
    assert {n for n in names if n.startswith(("register:user", "register:users"))} == USER_ADMIN_PAGES


def test_csrf_exempt_only_on_the_token_api() -> None:
    exempt = {url for _name, url, callback in every_url() if getattr(callback, "csrf_exempt", False)}
    assert exempt and all(url.startswith("/api/v1/") for url in exempt)
    assert {url for _n, url, _c in every_url() if url.startswith("/api/v1/")} == exempt


def test_every_post_without_a_csrf_token_is_refused(make_user: Callable[..., Any]) -> None:
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(make_user("admin", is_staff=True, is_superuser=True))
    for name, url, _callback in every_url():
        if url.startswith("/api/") or name == "static":
            continue
        response = admin.post(url, {"x": "1"})
        assert response.status_code == 403, (name, url, response.status_code)
        assert b"CSRF" in response.content, (name, url)
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post("/konto/logga-in/", {"username": "u-admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in anonymous.session


def test_every_form_carries_a_csrf_token(imported: Any, make_user: Callable[..., Any]) -> None:
    from tillgang.register.models import Risk

    admin = Client()
    admin.force_login(make_user("admin", is_staff=True, is_superuser=True))
    risk = Risk.objects.get(order=4)
    pages = ["/planer/", f"/risker/{risk.pk}/", f"/risker/{risk.pk}/andra/", "/granska/", "/avvikelser/"]
    pages += ["/anvandare/", "/anvandare/ny/", "/konto/losenord/"]
    pages.append(f"/risker/{risk.pk}/uppfoljning/delar/2024/")
    checked = 0
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        for form in re.findall(r"<form\b.*?</form>", response.content.decode(), flags=re.S):
            if re.search(r'method="post"', form, flags=re.I):
                checked += 1
                assert 'name="csrfmiddlewaretoken"' in form, (url, form[:200])
    assert checked >= len(pages)  # at least the logout form on every page
    for url in ("/konto/logga-in/", "/konto/nytt-losenord/"):
        assert 'name="csrfmiddlewaretoken"' in Client().get(url).content.decode(), url


def _login(client: Client, username: str, password: str, url: str = "/konto/logga-in/", **extra: Any) -> Any:
    return client.post(url, {"username": username, "password": password}, **extra)


def test_login_is_rate_limited_per_user_name(make_user: Callable[..., Any]) -> None:
    user = make_user("reader")
    for i in range(5):  # five failures from five addresses
        response = _login(Client(), user.username, "fel", REMOTE_ADDR=f"10.0.0.{i + 1}")
        assert response.status_code == 200 and "Fel användarnamn eller lösenord" in response.content.decode()
    client = Client()
    response = _login(client, user.username, PASSWORD, REMOTE_ADDR="10.0.0.99")  # right password, new address
    assert response.status_code == 429
    html = response.content.decode()
    assert "För många misslyckade inloggningsförsök" in html and "Vänta 5 minuter" in html
    assert response["Retry-After"] == "300"
    assert html.startswith('<!DOCTYPE html>\n<html lang="sv">') and html.count("<h1>") == 1
    assert "_auth_user_id" not in client.session
    # the user name is matched without regard to case; another user is not affected
    assert _login(Client(), user.username.upper(), PASSWORD, REMOTE_ADDR="10.0.0.98").status_code == 429
    other = make_user("controller")
    assert _login(Client(), other.username, PASSWORD, REMOTE_ADDR="10.0.0.97").status_code == 302
    # the admin's login page is limited too
    assert (
        _login(Client(), user.username, PASSWORD, "/admin/login/", REMOTE_ADDR="10.0.0.96").status_code == 429
    )


def test_login_is_rate_limited_per_address(make_user: Callable[..., Any]) -> None:
    user = make_user("reader")
    for i in range(5):  # five different (unknown) user names from one address
        assert _login(Client(), f"gissning{i}", "fel", REMOTE_ADDR="10.1.1.1").status_code == 200
    assert _login(Client(), user.username, PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert _login(Client(), user.username, PASSWORD, REMOTE_ADDR="10.1.1.2").status_code == 302
    assert Client().get("/konto/logga-in/", REMOTE_ADDR="10.1.1.1").status_code == 200  # the page itself


def test_a_successful_login_clears_the_user_names_failures(make_user: Callable[..., Any]) -> None:
    user = make_user("reader")
    for i in range(4):
        _login(Client(), user.username, "fel", REMOTE_ADDR=f"10.2.0.{i}")
    assert _login(Client(), user.username, PASSWORD, REMOTE_ADDR="10.2.1.1").status_code == 302
    for i in range(4):
        assert _login(Client(), user.username, "fel", REMOTE_ADDR=f"10.2.2.{i}").status_code == 200
    assert _login(Client(), user.username, PASSWORD, REMOTE_ADDR="10.2.3.1").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/planer/",
        "http://evil.example",
        "/\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_login_never_redirects_to_another_host(target: str, make_user: Callable[..., Any]) -> None:
    user = make_user("reader")
    client = Client()
    response = client.post(
        "/konto/logga-in/", {"username": user.username, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location == "/", location
    assert "evil" not in location
    # and a link to the login page with such a next does not carry it into the form's redirect
    page = Client().get("/konto/logga-in/", {"next": target})
    assert page.status_code == 200


def test_login_redirects_to_a_page_of_our_own(make_user: Callable[..., Any]) -> None:
    user = make_user("reader")
    response = Client().post(
        "/konto/logga-in/", {"username": user.username, "password": PASSWORD, "next": "/planer/"}
    )
    assert response.status_code == 302 and response["Location"] == "/planer/"
    anonymous = Client().get("/planer/")
    assert anonymous["Location"] == "/konto/logga-in/?next=/planer/"


def test_logout_never_redirects_to_another_host(make_user: Callable[..., Any]) -> None:
    client = Client()
    client.force_login(make_user("reader"))
    response = client.post("/konto/logga-ut/?next=https://evil.example/")
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert "_auth_user_id" not in client.session

"""Rate limiting of logins (issue 6): failed logins are counted per client IP and per user name.

After ``TILLGANG_LOGIN_MAX_FAILURES`` (default 5) failures within ``TILLGANG_LOGIN_WINDOW_S`` (default 300 s)
from one IP address, or for one user name, further login attempts (POST to the register's or the admin's login
page) get 429 with a Swedish message until the window has passed; the password is not even checked. A
successful login clears that user name's count. The counts live in Django's cache (the default is per-process
local memory, which suits ``tillgang serve``; several server processes need a shared cache such as Redis).

Counting is atomic: the middleware takes one attempt from the budget (cache ``add``/``incr``, atomic in the
local-memory cache and in Redis) *before* the password is checked, so concurrent attempts can never check more
passwords than the limit; a successful login gives its attempt back. A user name is counted in its NFKC form,
case-folded, as Django's login form normalises it (NFKC), so full-width or other variants of one name share
its count.

Requests for a password-reset mail (the register's "Nytt lösenord" page, issue 12) are limited the same way,
with counts of their own per IP and per e-mail address: every request counts (each may send a mail), so a sixth
request within the window gets 429 and sends nothing.

The client IP is ``REMOTE_ADDR``. Behind a proxy every request has the proxy's address: then the per-IP limit
applies to all users together, and the per-user-name limit still protects each account.
"""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import NoReverseMatch, reverse

__all__ = [
    "LoginRateLimitMiddleware",
    "is_blocked",
    "normalise_username",
    "record_failure",
    "reset",
    "take_attempt",
]

PREFIX = "tillgang:login:"
COUNTED = "_tillgang_login_counted"  # set on a request whose attempt the middleware has counted

_PAGE = """{% extends "register/base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<h1>{{ title }}</h1>
<div class="error" role="alert"><p>{{ message }}</p></div>
<p><a href="{% url 'register:login' %}">Till inloggningen</a></p>
{% endblock %}
"""


def _max_failures() -> int:
    return int(getattr(settings, "TILLGANG_LOGIN_MAX_FAILURES", 5))


def _window() -> int:
    return int(getattr(settings, "TILLGANG_LOGIN_WINDOW_S", 300))


def normalise_username(username: str) -> str:
    """One spelling per name: NFKC (as Django's login form), case-folded, without surrounding space."""
    return unicodedata.normalize("NFKC", username).casefold().strip()


def _keys(ip: str | None, username: str | None, scope: str = "") -> list[str]:
    keys = []
    prefix = PREFIX + scope
    if ip:
        keys.append(prefix + "ip:" + ip)
    if username and normalise_username(username):
        digest = hashlib.sha256(normalise_username(username).encode("utf-8", "surrogatepass")).hexdigest()
        keys.append(prefix + "user:" + digest)
    return keys


def _bump(key: str) -> int:
    """Add one to ``key`` atomically (the window starts at the first count); the new count."""
    for _ in range(3):
        if cache.add(key, 1, _window()):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            continue
    return _max_failures() + 1  # the cache keeps failing: refuse rather than let attempts through


def take_attempt(ip: str | None, username: str | None, scope: str = "") -> bool:
    """Count one login attempt for the address and the name; False when either is over the limit. ``scope``
    keeps other counts apart ("reset:" for password-reset mails, keyed by the e-mail address)."""
    limit = _max_failures()
    counts = [_bump(key) for key in _keys(ip, username, scope)]
    return all(n <= limit for n in counts)


def give_back(ip: str | None) -> None:
    """A successful login returns its attempt to the address's budget (the name's count is reset)."""
    for key in _keys(ip, None):
        with contextlib.suppress(ValueError):
            cache.decr(key)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return str(request.META.get("REMOTE_ADDR") or "") or None


def record_failure(ip: str | None, username: str | None) -> None:
    for key in _keys(ip, username):
        _bump(key)


def is_blocked(ip: str | None, username: str | None) -> bool:
    limit = _max_failures()
    return any(int(cache.get(key) or 0) >= limit for key in _keys(ip, username))


def reset(username: str | None) -> None:
    for key in _keys(None, username):
        cache.delete(key)


@receiver(user_login_failed, dispatch_uid="tillgang-login-failed")
def _on_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    if request is not None and getattr(request, COUNTED, False):
        return  # the middleware counted this attempt before the password was checked
    record_failure(client_ip(request), credentials.get("username"))


@receiver(user_logged_in, dispatch_uid="tillgang-logged-in")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **_: Any) -> None:
    reset(user.get_username())
    if request is not None and getattr(request, COUNTED, False):
        give_back(client_ip(request))


def _login_paths() -> set[str]:
    paths = set()
    for name in ("register:login", "admin:login"):
        with contextlib.suppress(NoReverseMatch):
            paths.add(reverse(name))
    return paths


RESET_MESSAGE = (
    "För många förfrågningar om nytt lösenord. Av säkerhetsskäl skickas inga fler länkar en stund. "
    "Vänta {minutes} minuter och försök igen, eller kontakta registrets administratör."
)


def _reset_path() -> str | None:
    try:
        return reverse("register:password_reset")
    except NoReverseMatch:
        return None


def blocked_response(request: HttpRequest, reset: bool = False) -> HttpResponse:
    minutes = max(1, round(_window() / 60))
    message = (
        "För många misslyckade inloggningsförsök. Av säkerhetsskäl är inloggningen spärrad en stund. "
        f"Vänta {minutes} minuter och försök igen, eller kontakta registrets administratör."
    )
    title = "För många inloggningsförsök"
    if reset:
        message, title = RESET_MESSAGE.format(minutes=minutes), "För många förfrågningar"
    html = engines["django"].from_string(_PAGE).render({"message": message, "title": title}, request)
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(_window())
    return response


class LoginRateLimitMiddleware:
    """Counts every login POST (atomically, before the password is checked) and refuses it (429) when the
    client's IP or the given user name is over the limit; the same for requests of a password-reset mail, per
    IP and e-mail address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info in _login_paths():
            username = request.POST.get("username")
            if not take_attempt(client_ip(request), username):
                return blocked_response(request)
            setattr(request, COUNTED, True)
        elif (
            request.method == "POST"
            and request.path_info == _reset_path()
            and not take_attempt(client_ip(request), request.POST.get("email"), "reset:")
        ):
            return blocked_response(request, reset=True)
        return self.get_response(request)

"""Malformed host names on the register's checks by URL (issue 14, item 9): a 400 with a clear message, never
a 500, on the API and on the upload page. Nothing is fetched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from .test_api import _auth, _error, _token

pytestmark = [pytest.mark.db, pytest.mark.django_db]

BAD_HOSTS = [
    "http://a..b/",
    "http://" + "a" * 64 + ".se/",
    "http://.kommun.se/",
    "http://" + "abcde." * 50 + "se/",
]


@pytest.mark.parametrize("url", BAD_HOSTS)
@pytest.mark.parametrize("allow_private", [False, True])
def test_api_refuses_a_malformed_host(
    url: str, allow_private: bool, make_user: Callable[..., Any], settings: Any
) -> None:
    settings.TILLGANG_UPLOAD_ALLOW_PRIVATE = allow_private
    client = Client(raise_request_exception=False)
    auth = _auth(_token(make_user, "web-editor"))
    response = client.post("/api/v1/checks", {"url": url}, content_type="application/json", **auth)
    _error(response, 400, "bad-url")
    assert "värdnamn" in response.json()["error"]["message"]
    response = client.post("/api/v1/checks?lang=en", {"url": url}, content_type="application/json", **auth)
    _error(response, 400, "bad-url")
    assert "host name" in response.json()["error"]["message"]


@pytest.mark.parametrize("url", BAD_HOSTS)
def test_upload_page_refuses_a_malformed_host(url: str, make_user: Callable[..., Any]) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("web-editor"))
    response = client.post("/granska/", {"url": url})
    assert response.status_code == 400
    assert "värdnamn" in response.content.decode()

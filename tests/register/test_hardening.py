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
    response = Client().post(
        "/konto/logga-in/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )
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

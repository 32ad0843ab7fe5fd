"""Django for the register tests: settings from tillgang.web, a throw-away data folder, the seed, role users.

DATABASE_URL decides the database (pytest-django creates and drops a test database on it); without it the
tests use SQLite and never need PostgreSQL.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tillgang.web.settings")
if "TILLGANG_DATA_DIR" not in os.environ:  # never the user's own data folder
    _DATA = tempfile.mkdtemp(prefix="tillgang-test-")
    os.environ["TILLGANG_DATA_DIR"] = _DATA
    atexit.register(shutil.rmtree, _DATA, ignore_errors=True)

import django

django.setup()

from ..conftest import SHARED, require  # noqa: E402

SEED_NAME = "delarsuppfoljning-ikp-2024.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return require(SHARED / "seed" / SEED_NAME, "the seed delårsuppföljning (../shared/seed)")


@pytest.fixture
def imported(seed_path: Path) -> Any:
    from tillgang.register.importers import import_file

    return import_file(seed_path)


@pytest.fixture
def make_user() -> Callable[..., Any]:
    from django.contrib.auth.models import Group, User

    def make(role: str | None, **extra: Any) -> Any:
        user = User.objects.create_user(username=f"u-{role or 'none'}", password="x-Secret-pw-1", **extra)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


def failed_own_rules(pages: dict[str, str], tmp_path: Path) -> dict[str, list[str]]:
    """The register's pages, checked with tillgang's own HTML rules: page name -> failed findings (empty when
    every page passes). A tool for accessibility passes its own rules."""
    from tillgang.engine import check_file

    problems = {}
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        entry = check_file(path)
        assert entry["error"] is None, (name, entry["error"])
        failed = [f"{f['rule']}: {f['message']}" for f in entry["findings"] if f["outcome"] == "failed"]
        if failed:
            problems[name] = sorted(set(failed))
    return problems

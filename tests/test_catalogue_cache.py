"""The parsed catalogue is kept as JSON in the user's cache folder, keyed by the TOML sources' SHA-256."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tillgang import catalogue

from .conftest import ROOT


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TILLGANG_NO_CACHE", raising=False)
    catalogue._load.cache_clear()
    yield tmp_path / "cache" / "tillgang"
    catalogue._load.cache_clear()


def _rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    return folder


def test_a_cached_catalogue_equals_a_parsed_one(cache: Path, tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    parsed = catalogue.load(rules)
    files = list(cache.glob("catalogue-*.json"))
    assert [f.name for f in files] == [f"catalogue-{parsed.version}.json"]
    catalogue._load.cache_clear()
    cached = catalogue.load(rules)
    assert cached is not parsed
    assert cached.version == parsed.version
    assert list(cached.rules.values()) == list(parsed.rules.values())


def test_an_edited_rule_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    before = catalogue.load(rules)
    path = rules / "document-title.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("version = ", "version = 1", 1), encoding="utf-8"
    )
    catalogue._load.cache_clear()
    after = catalogue.load(rules)
    assert after.version != before.version
    assert after.rules["document-title"].version == int("1" + str(before.rules["document-title"].version))
    assert len(list(cache.glob("catalogue-*.json"))) == 2


def test_a_damaged_cache_file_is_ignored(cache: Path, tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    parsed = catalogue.load(rules)
    (cache / f"catalogue-{parsed.version}.json").write_text('{"document-title.toml": ', encoding="utf-8")
    catalogue._load.cache_clear()
    assert list(catalogue.load(rules).rules.values()) == list(parsed.rules.values())


def test_no_cache_when_asked_or_unwritable(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _rules(tmp_path)
    monkeypatch.setenv("TILLGANG_NO_CACHE", "1")
    catalogue.load(rules)
    assert not cache.exists()
    monkeypatch.delenv("TILLGANG_NO_CACHE")
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the folder should be", encoding="utf-8")
    catalogue._load.cache_clear()
    assert catalogue.load(rules).rules  # parsed, nothing stored

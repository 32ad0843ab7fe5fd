"""tillgang.toml: the one loader (tillgang.config) and its sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from tillgang.config import ConfigError, RegisterOptions, config_path, read_config


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    missing = tmp_path / "tillgang.toml"
    assert read_config(None).data == {}
    assert read_config(missing, missing_ok=True).section("risk") == {}
    with pytest.raises(ConfigError, match="no such config file") as exc:
        read_config(missing)
    assert "No such file or directory" in exc.value.detail  # the underlying error, for `tillgang statement`
    missing.write_text("max_pages = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"tillgang\.toml: Invalid value") as exc:
        read_config(missing)
    assert exc.value.detail.startswith("Invalid value")


def test_sections(tmp_path: Path) -> None:
    path = tmp_path / "tillgang.toml"
    path.write_text(
        'start_urls = ["https://a.se/"]\n[limits]\nmax_pages = 5\n[risk]\nmethod = "product"\n'
        '[register]\nstore = true\nactivity = 7\nother = 1\n[statement]\norganisation = "Kommunen"\n',
        encoding="utf-8",
    )
    config = read_config(path)
    assert config.crawl_keys() == {"start_urls": ["https://a.se/"], "max_pages": 5}
    assert config.section("risk") == {"method": "product"}
    assert config.register() == RegisterOptions(store=True, activity="7")
    assert config.statement() == {"organisation": "Kommunen"}
    path.write_text('organisation = "Kommunen"\nregister = 1\n', encoding="utf-8")
    config = read_config(path)
    assert config.statement()["organisation"] == "Kommunen"  # a file made only for the statement
    with pytest.raises(ConfigError, match="register must be a table"):
        config.register()
    path.write_text("[sitee]\nmax_pages = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown table \[sitee\]"):
        read_config(path).crawl_keys()


def test_config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TILLGANG_CONFIG", raising=False)
    assert config_path(tmp_path) == tmp_path / "tillgang.toml"
    monkeypatch.setenv("TILLGANG_CONFIG", str(tmp_path / "other.toml"))
    assert config_path(tmp_path) == tmp_path / "other.toml"

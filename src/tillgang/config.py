"""``tillgang.toml``: the one place that reads and parses the configuration file, and hands out its sections.

The file's tables belong to different parts of tillgang:

- the crawl's keys, at the top level or grouped in ``[site]``, ``[limits]``, ``[politeness]``, ``[http]``,
  ``[documents]``, ``[state]``, ``[check]`` or ``[crawl]`` (``crawl_keys``; typed as
  ``tillgang.crawl.config.CrawlConfig``);
- ``[register]``: whether a crawl is stored in the register, and for which control activity
  (``register`` -> :class:`RegisterOptions`; other keys of the table are the register's);
- ``[statement]``: the accessibility statement's organisation, contact and decisions (``statement``; typed as
  ``tillgang.statement.StatementInput``);
- ``[risk]``: the risk matrix (``section("risk")``; validated as ``tillgang.register.riskconfig.RiskConfig``);
- ``[mail]``: the register's outgoing mail (SMTP) for reminders (``tillgang.web.settings``);
- ``[evidence]``, ``[worker]``, ``[web]``, ``[api]``: read by their parts.

This module imports nothing of tillgang: every layer may use it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CONFIG_ENV",
    "CRAWL_TABLES",
    "OTHER_SECTIONS",
    "ConfigError",
    "ConfigFile",
    "RegisterOptions",
    "config_path",
    "read_config",
]

CONFIG_ENV = "TILLGANG_CONFIG"  # the file the register and the web server read (default: in the data folder)
FILE_NAME = "tillgang.toml"

# Tables that only group the crawl's keys (every key is unique across them).
CRAWL_TABLES = frozenset({"site", "limits", "politeness", "http", "documents", "state", "check", "crawl"})
# Tables of tillgang.toml that other parts read (the register's risk matrix, the statement draft, ...).
OTHER_SECTIONS = frozenset({"risk", "register", "statement", "evidence", "worker", "web", "api", "mail"})


class ConfigError(ValueError):
    """The config file is missing or malformed, or a value in it is wrong. ``detail``: the text of the
    underlying error alone (without the file's name), for callers that show that."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = message if detail is None else detail


@dataclass(frozen=True)
class RegisterOptions:
    """The crawl's keys of ``[register]``: store each run in the register, and the control activity (its id, or
    text of its "kontrollmoment") that gets a draft evidence record."""

    store: bool = False
    activity: str | None = None


@dataclass(frozen=True)
class ConfigFile:
    path: Path | None  # None: no file (every section empty)
    data: dict[str, Any]

    def _where(self) -> str:
        return f"{self.path}: " if self.path is not None else ""

    def section(self, name: str) -> dict[str, Any]:
        """The table ``[name]``, or {} when the file has none."""
        table = self.data.get(name)
        if table is None:
            return {}
        if not isinstance(table, dict):
            raise ConfigError(f"{self._where()}{name} must be a table")
        return table

    def crawl_keys(self) -> dict[str, Any]:
        """The crawl's keys, from the top level and the tables that group them; the other parts' tables
        are left out. An unknown table or a key set twice is an error."""
        return _flatten(self.data)

    def register(self) -> RegisterOptions:
        """The crawl's keys of ``[register]``; other keys of the table belong to the register."""
        table = self.section("register")
        store = table.get("store", False)
        if not isinstance(store, bool):
            raise ConfigError(f"{self._where()}register.store must be true or false")
        activity = table.get("activity")
        if activity is not None and (isinstance(activity, bool) or not isinstance(activity, int | str)):
            raise ConfigError(f"{self._where()}register.activity must be an id or a text")
        text = str(activity) if activity is not None and str(activity).strip() else None
        return RegisterOptions(store=store, activity=text)

    def statement(self) -> dict[str, Any]:
        """``[statement]``; a file made only for the statement may have its keys at the top level."""
        return self.section("statement") if "statement" in self.data else self.data


def _flatten(data: dict[str, Any], where: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            if not where and key in OTHER_SECTIONS:
                continue
            if key not in CRAWL_TABLES:
                raise ConfigError(f"unknown table [{key}] in the config")
            flat.update(_flatten(value, key))
        else:
            if key in flat:
                raise ConfigError(f"{key} is set twice in the config")
            flat[key] = value
    return flat


def config_path(data_dir: str | Path) -> Path:
    """The file the register and the web server read: ``TILLGANG_CONFIG``, or ``tillgang.toml`` in the data
    folder."""
    return Path(os.environ.get(CONFIG_ENV) or Path(data_dir) / FILE_NAME)


def read_config(path: str | Path | None, *, missing_ok: bool = False) -> ConfigFile:
    """Read and parse ``path``. No path, or a missing file with ``missing_ok``, gives an empty configuration.
    Raises :class:`ConfigError` for a missing file ("no such config file: …") or malformed TOML ("<file>: …")."""
    if path is None:
        return ConfigFile(None, {})
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        if missing_ok:
            return ConfigFile(None, {})
        raise ConfigError(f"no such config file: {p}", str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: {exc}", str(exc)) from exc
    return ConfigFile(p, data)

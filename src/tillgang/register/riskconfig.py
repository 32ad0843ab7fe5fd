"""The risk matrix as configuration: how a risk value is computed and which values are critical.

``[risk]`` in tillgang.toml (all keys optional)::

    method = "product"            # likelihood × consequence, or "grid": a value per cell
    critical_from = 8             # a value at or above this is critical (Knivsta: 8 and 9 are critical)
    # critical_values = [8, 9, 12, 16]   # or name the critical values explicitly
    # grid = [[1, 2, 3, 4], [2, 4, 6, 8], [3, 6, 9, 12], [4, 8, 12, 16]]  # rows: likelihood 1-4
    levels = [{from = 1, name = "Låg"}, {from = 4, name = "Medel"}, {from = 8, name = "Kritisk"}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ConfigError", "RiskConfig", "get_config"]

SCALE = (1, 2, 3, 4)
LIKELIHOOD_LABELS = ("Mycket liten", "Liten", "Stor", "Mycket stor")
CONSEQUENCE_LABELS = ("Lindrig", "Kännbar", "Allvarlig", "Mycket allvarlig")
DEFAULT_LEVELS = ((1, "Låg"), (4, "Medel"), (8, "Kritisk"))


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class RiskConfig:
    method: str = "product"
    critical_from: int | None = 8
    critical_values: frozenset[int] | None = None
    grid: tuple[tuple[int, ...], ...] | None = None
    levels: tuple[tuple[int, str], ...] = DEFAULT_LEVELS
    likelihood_labels: tuple[str, ...] = LIKELIHOOD_LABELS
    consequence_labels: tuple[str, ...] = CONSEQUENCE_LABELS
    _possible: frozenset[int] = field(default=frozenset(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.method not in ("product", "grid"):
            raise ConfigError(f"[risk] method must be 'product' or 'grid', not {self.method!r}")
        if self.method == "grid" and (
            self.grid is None or len(self.grid) != 4 or any(len(r) != 4 for r in self.grid)
        ):
            raise ConfigError("[risk] grid must be 4 rows (likelihood 1-4) of 4 values (consequence 1-4)")
        if self.critical_from is None and self.critical_values is None:
            raise ConfigError("[risk] needs critical_from or critical_values")
        if len(self.likelihood_labels) != 4 or len(self.consequence_labels) != 4:
            raise ConfigError("[risk] scale labels must have 4 entries each")
        possible = frozenset(self.value(s, k) for s in SCALE for k in SCALE)
        object.__setattr__(self, "_possible", possible)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RiskConfig:
        known = {
            "method",
            "critical_from",
            "critical_values",
            "grid",
            "levels",
            "likelihood_labels",
            "consequence_labels",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"[risk] has unknown keys: {', '.join(unknown)}")
        kwargs: dict[str, Any] = {}
        if "method" in data:
            kwargs["method"] = str(data["method"])
        if "critical_values" in data:
            kwargs["critical_values"] = frozenset(int(v) for v in data["critical_values"])
            kwargs["critical_from"] = None
        if "critical_from" in data:
            kwargs["critical_from"] = int(data["critical_from"])
        if "grid" in data:
            kwargs["grid"] = tuple(tuple(int(v) for v in row) for row in data["grid"])
        if "levels" in data:
            try:
                levels = tuple(sorted((int(lv["from"]), str(lv["name"])) for lv in data["levels"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError('[risk] levels must be a list of {from = N, name = "..."}') from exc
            kwargs["levels"] = levels
        for key in ("likelihood_labels", "consequence_labels"):
            if key in data:
                kwargs[key] = tuple(str(v) for v in data[key])
        return cls(**kwargs)

    def value(self, likelihood: int, consequence: int) -> int:
        if likelihood not in SCALE or consequence not in SCALE:
            raise ValueError("likelihood and consequence are 1-4")
        if self.method == "grid":
            assert self.grid is not None
            return self.grid[likelihood - 1][consequence - 1]
        return likelihood * consequence

    def cells_for(self, value: int) -> list[tuple[int, int]]:
        """Every (likelihood, consequence) that gives ``value``: one cell means the scores follow from it."""
        return [(s, k) for s in SCALE for k in SCALE if self.value(s, k) == value]

    @property
    def possible_values(self) -> frozenset[int]:
        return self._possible

    def is_critical(self, value: int | None) -> bool:
        if value is None:
            return False
        if self.critical_values is not None:
            return value in self.critical_values
        assert self.critical_from is not None
        return value >= self.critical_from

    def level(self, value: int | None) -> str:
        if value is None:
            return ""
        name = ""
        for start, label in self.levels:
            if value >= start:
                name = label
        return name


_cache: dict[str, RiskConfig] = {}


def get_config() -> RiskConfig:
    """The configured matrix (Django settings ``TILLGANG_RISK``), validated once."""
    from django.conf import settings

    data = getattr(settings, "TILLGANG_RISK", {}) or {}
    key = repr(sorted(data.items()))
    if key not in _cache:
        _cache.clear()
        _cache[key] = RiskConfig.from_dict(dict(data))
    return _cache[key]

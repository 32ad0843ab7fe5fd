"""The risk matrix configuration: value method and critical threshold (no database)."""

from __future__ import annotations

import pytest

from tillgang.register.riskconfig import ConfigError, RiskConfig


def test_default_is_product_with_knivsta_threshold() -> None:
    config = RiskConfig()
    assert config.value(3, 3) == 9
    assert config.value(2, 4) == 8
    assert config.possible_values == frozenset({1, 2, 3, 4, 6, 8, 9, 12, 16})
    assert [v for v in sorted(config.possible_values) if config.is_critical(v)] == [8, 9, 12, 16]
    assert not config.is_critical(6)
    assert not config.is_critical(None)
    assert config.level(9) == "Kritisk"
    assert config.level(6) == "Medel"
    assert config.level(2) == "Låg"


def test_explicit_critical_values_and_threshold() -> None:
    only = RiskConfig.from_dict({"critical_values": [8, 9]})
    assert only.is_critical(8) and only.is_critical(9)
    assert not only.is_critical(12)
    higher = RiskConfig.from_dict({"critical_from": 12})
    assert not higher.is_critical(9)
    assert higher.is_critical(12)


def test_grid_method() -> None:
    grid = [[1, 1, 2, 2], [1, 2, 2, 3], [2, 2, 3, 3], [2, 3, 3, 3]]
    config = RiskConfig.from_dict({"method": "grid", "grid": grid, "critical_from": 3})
    assert config.value(4, 4) == 3
    assert config.value(1, 4) == 2
    assert config.possible_values == frozenset({1, 2, 3})
    assert config.is_critical(config.value(2, 4))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "sum"}, "method"),
        ({"method": "grid"}, "grid"),
        ({"method": "grid", "grid": [[1, 2, 3]]}, "grid"),
        ({"colour": "red"}, "unknown keys"),
        ({"levels": [{"name": "Låg"}]}, "levels"),
    ],
)
def test_invalid_configuration_is_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        RiskConfig.from_dict(data)


def test_scores_outside_the_scale_are_refused() -> None:
    with pytest.raises(ValueError):
        RiskConfig().value(5, 1)

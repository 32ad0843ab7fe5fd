"""WCAG success criteria: their numbers as sort keys."""

from __future__ import annotations

__all__ = ["criterion_key"]


def criterion_key(sc: str) -> tuple[int, ...]:
    """Sort key for a success criterion number: "1.4.10" after "1.4.3". Non-numeric parts are ignored."""
    return tuple(int(x) for x in sc.split(".") if x.isdigit())

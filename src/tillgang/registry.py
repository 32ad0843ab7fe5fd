"""Checks are small functions registered by rule id.

A check receives the ``Document`` and a ``Results`` collector, and records one result per target it
examined: ``passed``, ``failed`` or ``cant_tell``. A rule with no results is ``inapplicable``.

    @check("image-alt")
    def image_alt(doc: Document, out: Results) -> None:
        for image in doc.images or ():
            ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import Document, Location
from .outcomes import Outcome

__all__ = ["CHECKS", "CheckFunc", "Registered", "Result", "Results", "check", "checks_for"]


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    location: Location
    message_key: str | None = None  # key into the rule's [messages.*]
    params: dict[str, Any] = field(default_factory=dict)


class Results:
    """Collects one rule's results for one document."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Result] = []

    def passed(self, location: Location | None = None) -> None:
        self.items.append(Result(Outcome.PASSED, location or Location()))

    def failed(self, key: str, location: Location | None = None, **params: Any) -> None:
        self.items.append(Result(Outcome.FAILED, location or Location(), key, params))

    def cant_tell(self, key: str, location: Location | None = None, **params: Any) -> None:
        self.items.append(Result(Outcome.CANT_TELL, location or Location(), key, params))


CheckFunc = Callable[[Document, Results], None]


@dataclass(frozen=True, slots=True)
class Registered:
    func: CheckFunc
    formats: frozenset[str] | None  # None: every format the rule's catalogue entry lists


# rule id -> its check functions. A cross-format rule has one function written against the model, and may
# have format-specific supplements (``formats=``) that add results for what only that format has.
CHECKS: dict[str, list[Registered]] = {}


def check(rule_id: str, formats: tuple[str, ...] | None = None) -> Callable[[CheckFunc], CheckFunc]:
    def register(func: CheckFunc) -> CheckFunc:
        entries = CHECKS.setdefault(rule_id, [])
        if any(
            e.func.__qualname__ == func.__qualname__ and e.func.__module__ == func.__module__ for e in entries
        ):
            raise ValueError(f"{func.__qualname__} is already registered for {rule_id!r}")
        entries.append(Registered(func, frozenset(formats) if formats else None))
        return func

    return register


def checks_for(rule_id: str, fmt: str) -> list[CheckFunc]:
    return [e.func for e in CHECKS.get(rule_id, ()) if e.formats is None or fmt in e.formats]

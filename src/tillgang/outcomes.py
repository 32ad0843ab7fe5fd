"""Outcomes as in ACT/EARL, and how a rule's outcome is derived from its results."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Outcome", "worst"]


class Outcome(StrEnum):
    FAILED = "failed"
    CANT_TELL = "cantTell"
    PASSED = "passed"
    INAPPLICABLE = "inapplicable"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Outcome.FAILED: 3, Outcome.CANT_TELL: 2, Outcome.PASSED: 1, Outcome.INAPPLICABLE: 0}


def worst(outcomes: list[Outcome]) -> Outcome:
    """A rule's outcome for a document: the worst of its results, or inapplicable when there are none."""
    if not outcomes:
        return Outcome.INAPPLICABLE
    return max(outcomes, key=lambda o: o.rank)

"""Template tags of the review pages: the proposed follow-up comment on the follow-up form."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def proposed_followup(risk: Any, period: str, year: int) -> dict[str, Any]:
    """{"comment", "hint", "url"} for the risk's latest sealed evidence, or {} when there is none."""
    from ..views_review import proposal_context

    if risk is None or not period or not year:
        return {}
    return proposal_context(risk, period, int(year))

"""Template tags of the review pages: the proposed follow-up comment on the follow-up form, Swedish counts."""

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


@register.filter
def antal(n: Any, forms: str) -> str:
    """A count with its Swedish noun in the right number: ``{{ n|antal:"sida,sidor" }}`` gives "1 sida"."""
    from ...textutil import sv_count

    singular, _, plural = forms.partition(",")
    return sv_count(int(n or 0), singular, plural or singular)


@register.filter
def procent(value: Any) -> str:
    """A share in per cent as Swedish text: ``{{ 33.333|procent }}`` gives "33,3 %"."""
    from ...textutil import sv_percent

    return sv_percent(float(value or 0))


@register.filter
def at(values: Any, index: int) -> Any:
    """``values[index]``, or "" when there is no such item (a table cell's column label, by position)."""
    try:
        return values[int(index)]
    except (IndexError, KeyError, TypeError, ValueError):
        return ""

"""Renderers turn a report (the §4 JSON structure) into something to read. Checks know nothing of output."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["RENDERERS", "render"]


def _text(report: Report, lang: str) -> str:
    from .text import render_text

    return render_text(report, lang)


def _json(report: Report, lang: str) -> str:
    from .json import render_json

    return render_json(report)


def _sarif(report: Report, lang: str) -> str:
    from .sarif import render_sarif

    return render_sarif(report, lang)


def _html(report: Report, lang: str) -> str:
    from .html import render_html

    return render_html(report, lang)


RENDERERS: dict[str, Callable[[Report, str], str]] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "html": _html,
}


def render(report: Report, fmt: str, lang: str = "sv") -> str:
    return RENDERERS[fmt](report, lang)

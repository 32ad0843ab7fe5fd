"""Renderers turn a report (the §4 JSON structure) into something to read. Checks know nothing of output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["RENDERERS", "render"]


def _text(report: dict[str, Any], lang: str) -> str:
    from .text import render_text

    return render_text(report, lang)


def _json(report: dict[str, Any], lang: str) -> str:
    from .json import render_json

    return render_json(report)


def _sarif(report: dict[str, Any], lang: str) -> str:
    from .sarif import render_sarif

    return render_sarif(report, lang)


def _html(report: dict[str, Any], lang: str) -> str:
    from .html import render_html

    return render_html(report, lang)


RENDERERS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "html": _html,
}


def render(report: dict[str, Any], fmt: str, lang: str = "sv") -> str:
    return RENDERERS[fmt](report, lang)

"""Options shared by several commands."""

from __future__ import annotations

import argparse
import os

__all__ = ["add_lang_argument", "add_rule_set_argument"]


def _lang_default() -> str:
    lang = os.environ.get("TILLGANG_LANG", "sv")
    return lang if lang in ("sv", "en") else "sv"


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("sv", "en"), default=_lang_default(), help="language of the report (default sv)"
    )


def add_rule_set_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rule-set",
        choices=("en301549", "wcag22"),
        default="en301549",
        help="the rules to run: en301549 (EN 301 549 V3.2.1, WCAG 2.1 AA; the default) or wcag22 (the WCAG 2.2 "
        "rules too, such as target size 2.5.8)",
    )

"""Options shared by several commands."""

from __future__ import annotations

import argparse
import os

from ..catalogue import RULE_SETS, parse_rule_sets

__all__ = ["add_lang_argument", "add_rule_set_argument"]


def _lang_default() -> str:
    lang = os.environ.get("TILLGANG_LANG", "sv")
    return lang if lang in ("sv", "en") else "sv"


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("sv", "en"), default=_lang_default(), help="language of the report (default sv)"
    )


def _rule_sets(value: str) -> str:
    try:
        return parse_rule_sets(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_rule_set_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rule-set",
        type=_rule_sets,
        default="en301549",
        metavar=",".join(RULE_SETS[1:]),
        help="the rules to run: en301549 (EN 301 549 V3.2.1, WCAG 2.1 AA) always; more sets, comma-separated: "
        "wcag22 (the WCAG 2.2 rules, such as target size 2.5.8), aaa (WCAG level AAA, beyond the law), "
        "review (what only a person can judge, listed for manual review)",
    )

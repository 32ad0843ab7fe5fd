"""Options shared by several commands."""

from __future__ import annotations

import argparse
import os

__all__ = ["add_lang_argument"]


def _lang_default() -> str:
    lang = os.environ.get("TILLGANG_LANG", "sv")
    return lang if lang in ("sv", "en") else "sv"


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("sv", "en"), default=_lang_default(), help="language of the report (default sv)"
    )

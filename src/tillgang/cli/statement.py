"""``tillgang statement``: a draft tillgänglighetsredogörelse from a crawl run or a check report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..config import ConfigError
from ..errors import UsageError
from ..statement import StatementError, StatementInput, build_statement, render_statement

__all__ = ["add_commands"]


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "statement",
        help="draft a tillgänglighetsredogörelse from a crawl run or a check report (JSON)",
    )
    p.add_argument(
        "report", help="run.json from `tillgang crawl --out`, or `tillgang check --format json` output"
    )
    p.add_argument(
        "--config", required=True, help="TOML with [statement]: organisation, service, contact, decisions"
    )
    p.add_argument("--format", choices=("html", "docx", "json"), default="html")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_cmd_statement)


def _cmd_statement(args: Any) -> int:
    try:
        run = json.loads(Path(args.report).read_text(encoding="utf-8"))
        info = StatementInput.from_toml(args.config)
    except ConfigError as exc:  # the file's own error text, as before tillgang.config
        raise UsageError(exc.detail) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(str(exc)) from exc
    try:
        model = build_statement(run, info)
    except StatementError as exc:
        raise UsageError(str(exc)) from exc
    Path(args.out).write_bytes(render_statement(model, args.format))
    for gap in model["gaps"]:
        print(f"tillgang: att komplettera: {gap}")
    return 0

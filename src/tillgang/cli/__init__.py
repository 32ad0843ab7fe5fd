"""The command line: ``tillgang COMMAND``, the top layer. Each command lives in a module of this package:
check, rules and rule in ``check``; crawl; register (with evidence and tokens); serve; worker; statement."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import UsageError
from . import check, crawl, register, serve, statement, worker

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tillgang",
        description="Tillgänglighetskontroll av Word, PowerPoint, PDF och webbsidor (DOS-lagen, EN 301 549, WCAG 2.1 AA).",
    )
    parser.add_argument("--version", action="version", version=f"tillgang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (check, crawl, register, serve, worker, statement):
        module.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"tillgang: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tillgang: avbrutet / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`tillgang rules | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1

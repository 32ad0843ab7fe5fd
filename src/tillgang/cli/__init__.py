"""The command line: ``tillgang COMMAND``, the top layer. Each command lives in a module of this package:
check, rules and rule in ``check``; crawl; register (with evidence and tokens); serve; worker; statement.

Only the module of the command named on the command line is imported (``tillgang check one.pdf`` does not
load asyncio, ssl or Django); without a known command, every module is, for the full ``--help``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import UsageError

__all__ = ["main"]

# command -> the module of this package that adds it
COMMANDS = {
    "check": "check",
    "rules": "check",
    "rule": "check",
    "crawl": "crawl",
    "register": "register",
    "serve": "serve",
    "worker": "worker",
    "statement": "statement",
}
_MODULES = ("check", "crawl", "register", "serve", "worker", "statement")  # the order of --help


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; given a known ``command``, with that command's module only."""
    parser = argparse.ArgumentParser(
        prog="tillgang",
        description="Tillgänglighetskontroll av Word, PowerPoint, PDF och webbsidor (DOS-lagen, EN 301 549, WCAG 2.1 AA).",
    )
    parser.add_argument("--version", action="version", version=f"tillgang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (COMMANDS[command],) if command in COMMANDS else _MODULES:
        importlib.import_module(f"{__name__}.{name}").add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list[0] if args_list else None)
    args = parser.parse_args(args_list)
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

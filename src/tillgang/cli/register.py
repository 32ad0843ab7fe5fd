"""``tillgang register init|import|export``: the register from the command line (a contract, see issue 4)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import UsageError
from . import evidence, tokens
from .db import add_db_argument, database_label, require_migrated, setup_database

__all__ = ["add_commands"]


def cmd_init(args: argparse.Namespace) -> int:

    setup_database(args)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from ..register.models import recompute_risk_values
    from ..register.roles import ensure_roles

    call_command("migrate", interactive=False, verbosity=0)
    ensure_roles()
    print(f"Registret är klart: {database_label()}")
    changed = recompute_risk_values()
    if changed:
        print(f"Riskmatrisen har ändrats: {changed} riskvärden räknades om (syns i historiken).")
    username = os.environ.get("TILLGANG_ADMIN_USER") or "admin"
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        print(f"Administratören '{username}' finns redan; lösenordet ändras inte.")
        return 0
    password = os.environ.get("TILLGANG_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise UsageError(
                "ange administratörens lösenord i TILLGANG_ADMIN_PASSWORD (ingen terminal att fråga i)"
            )
        password = getpass.getpass(f"Lösenord för '{username}': ")
        if password != getpass.getpass("Samma lösenord igen: "):
            raise UsageError("lösenorden är olika")
    if len(password) < 8:
        raise UsageError("lösenordet ska ha minst 8 tecken")
    from django.contrib.auth.models import Group

    user = User.objects.create_superuser(username=username, email="", password=password)
    user.groups.add(Group.objects.get(name="admin"))
    print(f"Administratören '{username}' är skapad.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"filen finns inte: {args.file}")
    setup_database(args)
    require_migrated()
    from ..register.importers import PlanImportError, import_file

    try:
        result = import_file(path, board=args.board, year=args.year)
    except PlanImportError as exc:
        raise UsageError(f"{path.name}: {exc}. Inget importerades.") from exc
    print(result.summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:

    setup_database(args)
    require_migrated()
    from ..register.exports import ExportError, export

    out = Path(args.out)
    try:
        count = export(args.format, out, args.plan, args.board, args.period)
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    print(f"Skrev {out} ({args.format}, {count} rader).")
    return 0


def cmd_remind(args: argparse.Namespace) -> int:

    if args.days < 0:
        raise UsageError("--days ska vara 0 eller mer")
    setup_database(args)
    require_migrated()
    import datetime as dt

    from ..register.reminders import remind

    try:
        mails = remind(dt.date.today(), args.days, dry_run=args.dry_run)
    except OSError as exc:  # smtplib's errors too: what was sent before is logged, the rest goes next time
        print(f"tillgang: e-post kunde inte skickas: {exc}", file=sys.stderr)
        return 1
    for mail in mails:
        verb = "skulle få" if args.dry_run else "fick"
        print(f"{mail.user.get_username()} <{mail.user.email}> {verb} {len(mail.reminders)} påminnelser:")
        for r in mail.reminders:
            print(f"  {r.kind} {r.obj} {r.key}".rstrip())
    total = sum(len(m.reminders) for m in mails)
    print(
        f"{'Torrkörning: inget skickades' if args.dry_run else 'Skickade'} ({len(mails)} e-post, {total} påminnelser)."
    )
    return 0


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("register", help="the internal-control register (init, import, export)")
    add_db_argument(p)
    sub = p.add_subparsers(dest="register_command", metavar="COMMAND", required=True)

    q = sub.add_parser("init", help="create or migrate the database and the first admin user")
    add_db_argument(q, suppress=True)
    q.set_defaults(func=cmd_init)

    q = sub.add_parser("import", help="import a plan's table (.docx, .xlsx, .csv or the text form)")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--board", default=None, help="the board (nämnd) when the file does not name it")
    q.add_argument("--year", type=int, default=None, help="the plan's year when the file does not give it")
    add_db_argument(q, suppress=True)
    q.set_defaults(func=cmd_import)

    q = sub.add_parser("export", help="export the follow-up report (.docx) or the register (.xlsx, .csv)")
    q.add_argument("--format", choices=("docx", "xlsx", "csv"), required=True)
    q.add_argument("--plan", type=int, default=None, metavar="YEAR", help="only the plans of this year")
    q.add_argument("--board", default=None, help="only this board's plan")
    q.add_argument(
        "--period",
        choices=("delar", "helar"),
        default=None,
        help="docx: the follow-up period (default: latest)",
    )
    q.add_argument("--out", required=True, metavar="FILE")
    add_db_argument(q, suppress=True)
    q.set_defaults(func=cmd_export)

    q = sub.add_parser("remind", help="mail reminders: follow-ups due or overdue, findings, new crawl runs")
    q.add_argument(
        "--days", type=int, default=14, metavar="N", help="follow-ups due within N days (default 14)"
    )
    q.add_argument("--dry-run", action="store_true", help="print what would be sent; send and log nothing")
    add_db_argument(q, suppress=True)
    q.set_defaults(func=cmd_remind)

    # More register commands: evidence (store, verify), the API (token).
    evidence.add_register_commands(sub)
    tokens.add_register_commands(sub)

"""``tillgang register token USER [--name NAME] [--revoke]``: API tokens from the command line.

A new token is printed once, on standard output; the register keeps only its sha256. ``--revoke`` revokes the
user's tokens (those with ``--name`` only, when it is given) and prints how many.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import UsageError

__all__ = ["add_register_commands", "cmd_token"]


def cmd_token(args: argparse.Namespace) -> int:
    from .db import require_migrated, setup_database

    setup_database(args)
    require_migrated()
    from django.contrib.auth import get_user_model

    from ..register.models import ApiToken
    from ..register.tokens import new_token

    user = get_user_model().objects.filter(username=args.user).first()
    if user is None:
        raise UsageError(f"användaren finns inte: {args.user}")
    if args.revoke:
        tokens = ApiToken.objects.filter(user=user, revoked=False)
        if args.name is not None:
            tokens = tokens.filter(name=args.name)
        count = tokens.update(revoked=True)
        print(f"Återkallade {count} API-nycklar för {user.get_username()}.")
        return 0
    if not user.is_active:
        raise UsageError(f"användaren {args.user} är inaktiverad")
    token = new_token(user, args.name or "")
    print(token)
    return 0


def add_register_commands(sub: Any) -> None:
    from .db import add_db_argument

    q = sub.add_parser(
        "token",
        help="print a new API token for a user (shown once; only its sha256 is stored), or revoke tokens",
    )
    q.add_argument("user", metavar="USER")
    q.add_argument("--name", default=None, help="a name for the token (e.g. the publishing system)")
    q.add_argument("--revoke", action="store_true", help="revoke the user's tokens (only --name's, if given)")
    add_db_argument(q, suppress=True)
    q.set_defaults(func=cmd_token)

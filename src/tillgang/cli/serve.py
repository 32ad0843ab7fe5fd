"""``tillgang serve``: the register's web UI with waitress (a production WSGI server), on 127.0.0.1 by default."""

from __future__ import annotations

import argparse
import os
from typing import Any

__all__ = ["add_commands"]


def cmd_serve(args: argparse.Namespace) -> int:
    from tillgang.web import setup

    from .db import database_label, require_migrated

    if args.host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::"):
        hosts = os.environ.get("TILLGANG_ALLOWED_HOSTS", "")
        os.environ["TILLGANG_ALLOWED_HOSTS"] = f"{hosts},{args.host}" if hosts else args.host
    setup(args.db)
    require_migrated()
    from waitress import serve

    from ..web.wsgi import application

    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"tillgang: webbgränssnittet på http://{shown}:{args.port}/ ({database_label()}); Ctrl+C avslutar.")
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="tillgang")
    return 0


def add_commands(subparsers: Any) -> None:
    from .db import add_db_argument

    p = subparsers.add_parser("serve", help="run the register's web UI (waitress) until stopped")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
    add_db_argument(p)
    p.set_defaults(func=cmd_serve)

"""``tillgang worker``: a checking worker for distributed crawls."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..errors import UsageError

__all__ = ["add_commands"]


def cmd_worker(args: argparse.Namespace) -> int:
    from ..distributed.app import make_app

    broker = args.broker or os.environ.get("TILLGANG_BROKER_URL")
    if not broker:
        raise UsageError(
            "ange en meddelandekö med --broker eller TILLGANG_BROKER_URL (t.ex. redis://127.0.0.1:6379/0)"
        )
    os.environ["TILLGANG_BROKER_URL"] = broker
    if not os.environ.get("DATABASE_URL"):
        print("tillgang worker: DATABASE_URL saknas; resultaten skickas tillbaka men sparas inte i databasen")
    app = make_app(broker)
    argv = [
        "worker",
        f"--loglevel={args.loglevel}",
        f"--concurrency={args.concurrency or os.cpu_count() or 1}",
    ]
    if args.hostname:
        argv.append(f"--hostname={args.hostname}")
    app.worker_main(argv)
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("worker", help="run a checking worker for distributed crawls (Celery)")
    p.add_argument("--broker", default=None, help="broker URL (default $TILLGANG_BROKER_URL)")
    p.add_argument("--concurrency", type=int, default=None, help="checking processes (default: cores)")
    p.add_argument("--hostname", default=None, help="the worker's name (default: celery@host)")
    p.add_argument("--loglevel", default="warning", choices=("debug", "info", "warning", "error"))
    p.set_defaults(func=cmd_worker)

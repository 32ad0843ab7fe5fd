"""The register's database from the command line: the ``--db`` option, Django set-up, the migration check."""

from __future__ import annotations

import argparse

from ..errors import UsageError

__all__ = ["add_db_argument", "database_label", "require_migrated", "setup_database"]


def add_db_argument(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS if suppress else None,
        help="SQLite file for the register (overrides DATABASE_URL; default: the data folder)",
    )


def database_label() -> str:
    """Where the register is, without any password."""
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"SQLite {s['NAME']}"
    host = s.get("HOST") or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"{connection.vendor} {host}{port}/{s['NAME']}"


def require_migrated() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise UsageError(
            f"registret är inte förberett ({database_label()}): kör 'tillgang register init' först"
        )


def setup_database(args: argparse.Namespace) -> None:
    from tillgang.web import setup

    setup(getattr(args, "db", None))

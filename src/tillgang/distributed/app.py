"""The Celery application and the check task."""

from __future__ import annotations

import base64
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from ..catalogue import DEFAULT_RULE_SET, parse_rule_sets
from ..limits import DEFAULT_LIMITS
from ..report import DocumentEntry

__all__ = ["TASK_NAME", "make_app"]

TASK_NAME = "tillgang.check_document"


def _seconds(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def make_app(broker: str | None = None) -> Celery:
    """A Celery app for ``broker`` (default ``$TILLGANG_BROKER_URL``).

    The result backend is the broker's Redis, or RPC replies for AMQP (RabbitMQ)."""
    url = broker or os.environ.get("TILLGANG_BROKER_URL") or "redis://127.0.0.1:6379/0"
    backend = url if url.startswith(("redis://", "rediss://")) else "rpc://"
    app = Celery("tillgang", broker=url, backend=backend)
    time_limit = _seconds("TILLGANG_TASK_TIME_LIMIT", DEFAULT_LIMITS.timeout_s + 30)
    visibility = int(_seconds("TILLGANG_VISIBILITY_TIMEOUT", time_limit + 60))
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,  # a task is acknowledged when it is done, so a dead machine loses nothing
        task_reject_on_worker_lost=False,  # ... but a checker killed by its document is not run again
        worker_prefetch_multiplier=1,
        task_time_limit=time_limit,
        task_soft_time_limit=max(1.0, time_limit - 10),
        # longer than any task may run, or a slow task would be handed out twice; unacknowledged tasks of a
        # dead worker are looked for every few seconds (kombu's default scan is every 100 s)
        broker_transport_options={
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1, min(10, visibility // 4)),
            "unacked_restore_throttle": 1,
        },
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    app.task(name=TASK_NAME, bind=True)(check_task)
    return app


@worker_process_init.connect
def _prepare_child(**_: Any) -> None:
    """Each worker child gets the same address-space limit as a local check worker, and loads the readers,
    checks and catalogue before its first task (so that no task's time limit pays for the imports)."""
    from importlib import import_module

    from ..engine import limit_memory, load_checks

    limit_memory(DEFAULT_LIMITS.memory_bytes)
    from ..readers import READERS

    load_checks()
    for module in READERS.values():
        import_module(module)


def check_task(self: Any, payload: dict[str, Any]) -> DocumentEntry:
    """Check one document sent by a crawl; store and return its report entry.

    ``payload``: ``run_id``, ``source`` (the URL), ``name`` (file name for messages), ``content`` (base64),
    ``options`` (``lang``, ``timeout_s``, ``max_file_bytes``, ``rules``)."""
    from ..engine import CheckOptions, check_file

    opts = payload.get("options") or {}
    limits = DEFAULT_LIMITS.with_overrides(
        **{k: opts[k] for k in ("timeout_s", "max_file_bytes", "max_html_bytes") if k in opts}
    )
    rules = frozenset(opts["rules"]) if opts.get("rules") else None
    try:
        rule_set = parse_rule_sets(str(opts.get("rule_set") or DEFAULT_RULE_SET))
    except ValueError:
        rule_set = DEFAULT_RULE_SET  # a message from another version of tillgang: the default rules
    options = CheckOptions(lang=opts.get("lang", "sv"), limits=limits, rules=rules, rule_set=rule_set)
    data = base64.b64decode(payload["content"])
    suffix = Path(payload.get("name") or "document").suffix[:10]
    fd, name = tempfile.mkstemp(prefix="tillgang-worker-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        entry = check_file(name, options, source=payload["source"])
    finally:
        os.unlink(name)
    if payload.get("run_id") and os.environ.get("DATABASE_URL"):
        store_result(payload["run_id"], payload["source"], entry, getattr(self.request, "hostname", None))
    return entry


_DJANGO_READY = False


def store_result(run_id: str, url: str, entry: DocumentEntry, worker: str | None = None) -> None:
    """Idempotent: the same (run, URL, sha256) is one row however often the task ran."""
    global _DJANGO_READY
    if not _DJANGO_READY:
        from ..web import setup

        setup(None)
        _DJANGO_READY = True
    from ..register.models import CheckResult

    CheckResult.objects.update_or_create(
        run_id=run_id,
        url=url,
        sha256=entry.get("sha256") or "",
        defaults={"entry": entry, "worker": worker or socket.gethostname()},
    )

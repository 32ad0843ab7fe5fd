"""Checking on many machines: Celery tasks, workers that store into the shared database (docs/distributed.md, issue 6).

Without a broker everything runs in this machine's worker pool (``tillgang.engine.CheckPool``). With one
(``TILLGANG_BROKER_URL=redis://…`` or ``amqp://…``), ``tillgang crawl`` sends each page and document check as
a task; ``tillgang worker`` processes on any number of machines check it under the same limits and store the
result in the shared database (``DATABASE_URL``, PostgreSQL), keyed by run, URL and sha256.

- Late acknowledgement: a worker machine that dies mid-task leaves the task unacknowledged, and the broker
  hands it to another worker after the visibility timeout. Storage is idempotent, so a task done twice
  writes one row.
- A hard time limit per task kills the worker's child process, as the local pool does; a document that
  kills its checker ends as that document's ``error`` (``timeout`` or ``internal``), not as an endless retry:
  a lost child is not redelivered, only a lost machine is.
"""

from __future__ import annotations

import os

__all__ = ["broker_url"]


def broker_url() -> str | None:
    """The configured broker, or None for in-process checking."""
    return os.environ.get("TILLGANG_BROKER_URL") or None

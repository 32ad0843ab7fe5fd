"""The crawl's check workers, driven from its event loop: no threads between the loop and the workers.

``engine.CheckPool`` (pebble) hands each task through two threads of its own in the crawl process, and each
result back through a third and ``asyncio.wrap_future``. Measured on bench/bench_crawl.py with workers that do
nothing: that bridging alone cost the crawl process ≈ 0.8 ms per URL and held the crawl under 350 URLs/s,
because those threads and the event loop take turns on one GIL. Here each worker process has a pipe; the loop
writes a task to an idle worker and ``loop.add_reader`` tells it when the answer is there.

The guarantees are ``CheckPool``'s: the same worker start-up (``engine.worker_init``: memory limit, niceness,
checks loaded), a hard time limit per document (the worker is killed and replaced; the document gets a
``timeout`` error), a worker that dies (crash, memory) gives that document an error and is replaced, a worker is
replaced after ``max_tasks`` documents, and every future gets a report entry, never an exception.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, cast

from ..engine import CheckOptions, base_entry, failed_entry, worker_check, worker_init
from ..errors import error_message
from ..report import DocumentEntry
from .inline import check_page_bytes

__all__ = ["AsyncCheckPool"]

Failed = Callable[[str, str], DocumentEntry]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_PARENT_POLL_S = 1.0  # the fallback watch on the parent's pid
TERMINATE_GRACE_S = 1.0  # at shutdown: SIGTERM to the workers, SIGKILL to those left after this


def _check_page(
    data: bytes, options: CheckOptions, source: str, content_type: str | None, sha256: str | None, base: str
) -> DocumentEntry:
    # an entry that also carries the page's links under ``inline.PAGE_LINKS``
    return cast(DocumentEntry, check_page_bytes(data, source, content_type, options, sha256, base))


def _die_with_parent(parent: int) -> None:
    """A worker ends with the crawl, also when the crawl is killed outright (SIGKILL, the OOM killer): on Linux
    the kernel sends it SIGKILL when its parent dies (``PR_SET_PDEATHSIG``); elsewhere, and as a fallback, a
    thread watches the parent's pid."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_S)
    os.kill(os.getpid(), signal.SIGKILL)


def _serve(conn: Connection, memory_bytes: int, nice: int, parent: int) -> None:
    """A worker: run each task it is sent, answer ("ok", entry) or ("error", text), until told to stop."""
    # The fork inherited the crawl's asyncio signal set-up: a SIGTERM here would be swallowed and forwarded to
    # the crawl's event loop through the shared wake-up socket. A worker ends on SIGTERM; Ctrl-C is the crawl's.
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    worker_init(memory_bytes, nice)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args = message
        try:
            answer: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as exc:  # a task must not end the worker
            answer = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


@dataclass
class _Task:
    fn: Callable[..., DocumentEntry]
    args: tuple[Any, ...]
    future: asyncio.Future[DocumentEntry]
    failed: Failed
    retried: bool = False


class _Worker:
    def __init__(self, process: Any, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.task: _Task | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.done = 0


class AsyncCheckPool:
    """What the crawl asks of a pool (``submit`` a document's file, ``submit_page`` a page's bytes, ``close``,
    ``terminate``), with asyncio futures. Create it inside the running loop."""

    def __init__(self, options: CheckOptions, jobs: int = 1, nice: int = 0, max_tasks: int = 5000) -> None:
        self.options = options
        self.jobs = max(1, jobs)
        self.nice = nice
        self.max_tasks = max_tasks
        self.loop = asyncio.get_running_loop()
        self._context = multiprocessing.get_context("fork")
        self._pending: collections.deque[_Task] = collections.deque()
        self._workers: list[_Worker] = []
        self._closed = False
        for _ in range(self.jobs):
            self._spawn()

    # ------------------------------------------------------------------ submitting
    def submit(self, path: str, source: str | None = None) -> asyncio.Future[DocumentEntry]:
        src = source or path
        lang = self.options.lang
        return self.submit_call(
            worker_check,
            (path, self.options, src),
            lambda code, detail: failed_entry(path, src, code, detail, lang),
        )

    def submit_page(
        self, data: bytes, source: str, content_type: str | None, sha256: str | None, base_url: str
    ) -> asyncio.Future[DocumentEntry]:
        def failed(code: str, detail: str) -> DocumentEntry:
            entry = base_entry(source, sha256, None, len(data))
            entry["error"] = {"code": code, "message": error_message(code, detail, self.options.lang)}
            return entry

        args = (data, self.options, source, content_type, sha256, base_url)
        return self.submit_call(_check_page, args, failed)

    def submit_call(
        self, fn: Callable[..., DocumentEntry], args: tuple[Any, ...], failed: Failed
    ) -> asyncio.Future[DocumentEntry]:
        """Run ``fn(*args)`` (a module-level function) in a worker under the time limit."""
        future: asyncio.Future[DocumentEntry] = self.loop.create_future()
        if self._closed:
            future.set_result(failed("internal", "the checking pool was closed"))
            return future
        self._pending.append(_Task(fn, args, future, failed))
        self._dispatch()
        return future

    # ------------------------------------------------------------------ the workers
    def _spawn(self) -> None:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve, args=(child, self.options.limits.memory_bytes, self.nice, os.getpid()), daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._workers.append(worker)
        self.loop.add_reader(parent.fileno(), self._answer, worker)

    def _dispatch(self) -> None:
        for worker in list(self._workers):
            if not self._pending:
                return
            if worker.task is not None or worker not in self._workers:
                continue
            task = self._pending.popleft()
            worker.task = task
            try:
                worker.conn.send((task.fn, task.args))
            except (OSError, ValueError):  # the worker died while idle: not this document's doing
                worker.task = None
                self._pending.appendleft(task)
                self._lost(worker)
                return  # _lost started a new worker and dispatched again
            except Exception as exc:  # the task could not be pickled: this task only
                worker.task = None
                self._finish(task, task.failed("internal", f"{type(exc).__name__}: {exc}"))
                continue
            worker.timer = self.loop.call_later(self.options.limits.timeout_s, self._timeout, worker)

    def _answer(self, worker: _Worker) -> None:
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError, ValueError):
            self._lost(worker)
            return
        task = self._take(worker)
        worker.done += 1
        if task is not None:
            self._finish(task, value if kind == "ok" else task.failed("internal", str(value)))
        if worker.done >= self.max_tasks:
            self._retire(worker)
            self._respawn()
        else:
            self._dispatch()

    def _timeout(self, worker: _Worker) -> None:
        task = self._take(worker)
        self._kill(worker)
        if task is not None:
            self._finish(task, task.failed("timeout", f"more than {self.options.limits.timeout_s:g} s"))
        self._respawn()

    def _lost(self, worker: _Worker) -> None:
        """The worker's pipe closed: it died (a crash, the memory limit, a signal)."""
        task = self._take(worker)
        self._kill(worker)
        code = worker.process.exitcode
        if task is not None and code == -signal.SIGTERM and not task.retried:
            # SIGTERM from outside (systemd stops a service by signalling all its processes): not the
            # document's doing. It waits for a new worker; when the crawl is stopping, it is never recorded.
            task.retried = True
            self._pending.appendleft(task)
            task = None
        if task is not None:
            detail = f"the checking process ended unexpectedly (exit code {code})"
            self._finish(task, task.failed("too-large" if code in (-9, 137) else "internal", detail))
        self._respawn()

    def _take(self, worker: _Worker) -> _Task | None:
        """The worker's task, taken off it, with its time limit cancelled."""
        task, worker.task = worker.task, None
        if worker.timer is not None:
            worker.timer.cancel()
            worker.timer = None
        return task

    def _respawn(self) -> None:
        """A worker in place of one that left, then the waiting tasks."""
        if not self._closed:
            self._spawn()
        self._dispatch()

    def _finish(self, task: _Task, entry: DocumentEntry) -> None:
        if not task.future.done():
            task.future.set_result(entry)

    def _detach(self, worker: _Worker) -> None:
        if worker in self._workers:
            self._workers.remove(worker)
        with contextlib.suppress(OSError, ValueError):
            self.loop.remove_reader(worker.conn.fileno())

    def _kill(self, worker: _Worker) -> None:
        self._detach(worker)
        with contextlib.suppress(OSError, ValueError):
            if worker.process.is_alive():
                os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(5)
        worker.conn.close()

    def _retire(self, worker: _Worker) -> None:
        """A worker that did its share (or at close): told to stop, then reaped."""
        self._detach(worker)
        with contextlib.suppress(OSError, ValueError):
            worker.conn.send(None)
        worker.process.join(5)
        if worker.process.is_alive():
            self._kill(worker)
        worker.conn.close()

    # ------------------------------------------------------------------ the end
    def close(self) -> None:
        """Stop the workers once they are idle (the crawl closes the pool when every check is done)."""
        self._stop("the checking pool was closed", kill_idle=False)

    def terminate(self) -> None:
        """Kill the workers now; what was waiting or running gets an ``internal`` error."""
        self._stop("the crawl was interrupted", kill_idle=True)

    def _stop(self, detail: str, kill_idle: bool) -> None:
        self._closed = True
        for task in self._pending:
            self._finish(task, task.failed("internal", detail))
        self._pending.clear()
        doomed: list[_Worker] = []
        for worker in list(self._workers):
            running = self._take(worker)
            if running is not None:
                self._finish(running, running.failed("internal", detail))
            if running is not None or kill_idle:
                doomed.append(worker)
            else:
                self._retire(worker)
        self._end(doomed)

    def _end(self, workers: list[_Worker]) -> None:
        """SIGTERM to every worker at once, SIGKILL to those still there after ``TERMINATE_GRACE_S``: the
        whole shutdown is bounded, whatever the workers are doing."""
        for worker in workers:
            self._detach(worker)
            with contextlib.suppress(OSError, ValueError):
                if worker.process.is_alive():
                    os.kill(worker.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + TERMINATE_GRACE_S
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                if worker.process.is_alive():
                    os.kill(worker.process.pid, signal.SIGKILL)
            worker.process.join(1.0)
            worker.conn.close()


if TYPE_CHECKING:  # mypy checks here that this pool has the interfaces of pools.CheckPool and PageCheckPool
    from ..pools import CheckPool, PageCheckPool

    def _conforms(pool: AsyncCheckPool) -> tuple[CheckPool, PageCheckPool]:
        return pool, pool

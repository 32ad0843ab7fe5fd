"""The engine: sniff, read, run every applicable check, and build the report (README, "The JSON report").

``check_file`` does one document in this process. ``check_files`` runs many in a pool of warm worker
processes with a hard per-document time limit: a worker that overruns (a native qpdf call cannot be
interrupted from Python) is killed and replaced, and only that document gets a ``timeout`` error.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self, cast

from . import __version__
from .catalogue import DEFAULT_RULE_SET, Catalogue, load
from .errors import DocumentError, error_message, notice_dicts
from .limits import DEFAULT_LIMITS, Limits
from .model import Document
from .outcomes import Outcome, worst
from .registry import CHECKS, Results, checks_for
from .report import (
    DocumentEntry,
    DocumentResults,
    Finding,
    FindingOutcome,
    OutcomeValue,
    Report,
    ToolInfo,
)

__all__ = [
    "CheckOptions",
    "check_document",
    "check_file",
    "check_files",
    "fill_entry",
    "load_checks",
    "report",
    "tool_info",
    "worker_check",
    "worker_init",
]

log = logging.getLogger(__name__)

_INTERNAL = {
    "sv": "Regeln kunde inte avgöras på grund av ett internt fel i tillgang ({error}). Granska manuellt.",
    "en": "The rule could not be decided because of an internal error in tillgang ({error}). Review manually.",
}
_SEVERITY_RANK = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}


@dataclass(frozen=True)
class CheckOptions:
    lang: str = "sv"
    limits: Limits = DEFAULT_LIMITS
    rules: frozenset[str] | None = None  # only these rule ids (None = all)
    render: bool = False  # the document was rendered in a browser: the rules with render = true run too
    rule_set: str = DEFAULT_RULE_SET  # "wcag22": the WCAG 2.2 rules run too (catalogue.RULE_SETS)


def load_checks(fmt: str | None = None) -> dict[str, Any]:
    """Import the check modules (each registers its checks): every one, or those that can check ``fmt``
    (``checks.FORMAT_MODULES``); return the registry."""
    from . import checks

    checks.load(fmt)
    return CHECKS


def tool_info(catalogue: Catalogue | None = None) -> ToolInfo:
    cat = catalogue or load()
    return {"name": "tillgang", "version": __version__, "catalogue": cat.version}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_document(
    doc: Document, options: CheckOptions, catalogue: Catalogue | None = None
) -> DocumentResults:
    """Run every check that applies to ``doc.format``; return the ``rules`` and ``findings`` of the report."""
    cat = catalogue or load()
    load_checks(doc.format)
    rules: dict[str, OutcomeValue] = {}
    keyed: list[tuple[tuple[int, ...], Finding]] = []  # (location sort key, finding)
    counts: dict[str, int] = {}
    for rule in cat.for_format(doc.format):
        if options.rules is not None and rule.id not in options.rules:
            continue
        if not rule.in_set(options.rule_set):
            continue  # another rule set (--rule-set)
        if rule.render and not options.render:
            continue  # needs the browser (report() names these rules in the tool's notices)
        funcs = checks_for(rule.id, doc.format)
        if not funcs:
            continue
        results = Results()
        try:
            for func in funcs:
                func(doc, results)
        except (DocumentError, MemoryError, RecursionError):
            raise
        except Exception as exc:  # a bug in one check must not lose the document's other rules
            log.error("check %s failed on %s:\n%s", rule.id, doc.source, traceback.format_exc())
            results.items.clear()
            results.cant_tell("__internal__", error=f"{type(exc).__name__}: {exc}")
        outcome = worst([r.outcome for r in results.items])
        rules[rule.id] = cast(OutcomeValue, outcome.value)
        counts[rule.id] = sum(1 for r in results.items if r.outcome == Outcome.PASSED)
        for res in results.items:
            if res.outcome not in (Outcome.FAILED, Outcome.CANT_TELL):
                continue
            if res.message_key == "__internal__":
                message = _INTERNAL.get(options.lang, _INTERNAL["sv"]).format(**res.params)
            else:
                message = rule.message(res.message_key or "", options.lang, **res.params)
            finding: Finding = {
                "rule": rule.id,
                "outcome": cast(FindingOutcome, res.outcome.value),
                "severity": rule.severity,
                "wcag": list(rule.wcag),
                "location": res.location.as_dict(),
                "message": message,
            }
            keyed.append((res.location.sort_key(), finding))
    keyed.sort(
        key=lambda kf: (
            0 if kf[1]["outcome"] == "failed" else 1,
            _SEVERITY_RANK.get(kf[1]["severity"], 9),
            kf[1]["rule"],
            kf[0],
        )
    )
    findings = [f for _key, f in keyed]
    return {"rules": rules, "findings": findings, "passed_targets": counts}


def base_entry(source: str, sha: str | None, fmt: str | None, size: int | None) -> DocumentEntry:
    """A document entry's keys that are always present (and ``size``), before reading: no error yet."""
    return {"source": source, "format": fmt, "sha256": sha, "size": size, "error": None}


def fill_entry(entry: DocumentEntry, doc: Document, options: CheckOptions) -> None:
    """What a read document adds to its report entry: title, language and pages, the rules' outcomes and
    findings, and the reader's warnings and notices (only when there are any)."""
    entry.update({"title": doc.title, "lang": doc.lang, "pages": doc.page_count})
    entry.update(check_document(doc, options))
    if doc.warnings:
        entry["warnings"] = list(doc.warnings)
    if doc.notices:
        entry["notices"] = notice_dicts(doc.notices, options.lang)


def check_file(
    path: str | Path, options: CheckOptions = CheckOptions(), source: str | None = None
) -> DocumentEntry:
    """Check one file in this process. Never raises for a bad document: the error goes into the entry."""
    from .readers import read
    from .sniff import sniff

    p = Path(path)
    src = source or str(path)
    entry = base_entry(src, None, None, None)
    doc: Document | None = None
    try:
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise DocumentError("corrupt", f"cannot read the file: {exc.strerror or exc}") from exc
        entry["size"] = size
        entry["sha256"] = sha256_file(p)
        if size > options.limits.max_file_bytes:
            raise DocumentError("too-large", f"{size} bytes, the limit is {options.limits.max_file_bytes}")
        fmt = sniff(p, options.limits)
        entry["format"] = fmt
        doc = read(p, fmt, src, options.limits)
        fill_entry(entry, doc, options)
    except DocumentError as exc:
        entry["error"] = exc.as_dict(options.lang)
    except MemoryError:
        entry["error"] = DocumentError("too-large", "the document needs more memory than allowed").as_dict(
            options.lang
        )
    except RecursionError:
        entry["error"] = DocumentError("too-large", "the document is nested too deeply").as_dict(options.lang)
    except Exception as exc:  # the reader met something it did not expect: this document only
        log.error("reading %s failed:\n%s", src, traceback.format_exc())
        entry["error"] = DocumentError("corrupt", f"{type(exc).__name__}: {exc}").as_dict(options.lang)
    finally:
        if doc is not None:
            try:
                doc.close()
            except Exception:  # closing a broken native handle must not turn a report into an error
                log.debug("closing %s failed", src, exc_info=True)
    if entry["error"] is not None:
        entry.pop("rules", None)
        entry.pop("findings", None)
        entry.pop("passed_targets", None)
    return entry


# ------------------------------------------------------------------ worker pool


def worker_init(memory_bytes: int, nice: int = 0) -> None:
    """A worker process's start: the memory limit, a lower priority when asked (the crawl's workers), the checks
    and the catalogue loaded before the first document."""
    if nice > 0:
        with contextlib.suppress(OSError):
            os.nice(nice)
    limit_memory(memory_bytes)
    load_checks()
    load()


def limit_memory(memory_bytes: int) -> None:
    """This process's address space limit (``RLIMIT_AS``), where the platform has one; 0: none."""
    if memory_bytes > 0:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        except (ImportError, ValueError, OSError):
            pass


def worker_check(path: str, options: CheckOptions, source: str) -> DocumentEntry:
    """A worker process's task: one document (a module-level function, so that it pickles)."""
    return check_file(path, options, source)


# The old private name. ``CheckPool`` schedules through it, so that tests/register/test_upload.py, which
# replaces ``engine._worker_check`` with a function that hangs, still reaches the workers; drop it once that test
# patches ``worker_check``.
_worker_check = worker_check


def failed_entry(path: str, source: str, code: str, detail: str, lang: str) -> DocumentEntry:
    entry = base_entry(source, None, None, None)
    try:
        entry["size"] = os.path.getsize(path)
        entry["sha256"] = sha256_file(Path(path))
    except OSError:
        pass
    entry["error"] = {"code": code, "message": error_message(code, detail, lang)}
    return entry


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class ClosesOnExit(ABC):
    """A check pool as a context manager (pools.FutureCheckPool): on a normal exit ``close`` waits for the work
    in hand, on an exception ``terminate`` stops now."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def terminate(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.terminate()


class CheckPool(ClosesOnExit):
    """Warm worker processes that check documents under the hard per-document time limit.

    ``submit`` returns a ``concurrent.futures.Future`` whose result is always a report entry (never an
    exception): timeouts, worker crashes and memory exhaustion become that document's ``error``. Use it as a
    context manager; from asyncio, wrap the future with ``asyncio.wrap_future``.
    """

    def __init__(self, options: CheckOptions = CheckOptions(), jobs: int | None = None) -> None:
        from pebble import ProcessPool

        self.options = options
        self._pool = ProcessPool(
            max_workers=max(1, jobs or default_jobs()),
            max_tasks=5000,
            initializer=worker_init,
            initargs=(options.limits.memory_bytes,),
        )

    def submit(self, path: str, source: str | None = None) -> Future[DocumentEntry]:
        src = source or path
        result: Future[DocumentEntry] = Future()
        inner = self._pool.schedule(  # through the alias, looked up at each call (see its comment)
            _worker_check, args=(path, self.options, src), timeout=self.options.limits.timeout_s
        )

        def done(f: Future[DocumentEntry]) -> None:
            result.set_result(self._entry(f, path, src))

        inner.add_done_callback(done)
        return result

    def _entry(self, future: Future[DocumentEntry], path: str, source: str) -> DocumentEntry:
        from pebble import ProcessExpired

        lang = self.options.lang
        timeout = self.options.limits.timeout_s
        try:
            return future.result()
        except FutureTimeout:
            return failed_entry(path, source, "timeout", f"more than {timeout:g} s", lang)
        except ProcessExpired as exc:
            detail = f"the checking process ended unexpectedly (exit code {exc.exitcode})"
            code = "too-large" if exc.exitcode in (-9, 137) else "internal"
            return failed_entry(path, source, code, detail, lang)
        except MemoryError:
            return failed_entry(path, source, "too-large", "out of memory", lang)
        except Exception as exc:  # pickling or pool failure: this document only
            return failed_entry(path, source, "internal", f"{type(exc).__name__}: {exc}", lang)

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        self._pool.stop()
        self._pool.join()


def _child_check(path: str, options: CheckOptions, source: str, started: int, out: int) -> None:
    """The forked child of ``check_isolated``: the memory limit, the checks for the file's format loaded, then
    one byte on ``started`` (the parent's clock starts there, as a pool's does when a warm worker takes the task),
    then the pickled entry on ``out``. Never returns."""
    import pickle

    from .sniff import sniff

    status = 0
    try:
        limit_memory(options.limits.memory_bytes)
        with contextlib.suppress(Exception):  # an unreadable file: check_file reports it
            load_checks(sniff(Path(path), options.limits))
        os.write(started, b"1")
        data = pickle.dumps(check_file(path, options, source))
        view = memoryview(data)
        while view:
            view = view[os.write(out, view) :]
    except BaseException:
        status = 70
    finally:
        os._exit(status)


def _read_until(fd: int, deadline: float, stop_after: int = 0) -> tuple[bytes, bool]:
    """What ``fd`` gives until end of file (or once it gave ``stop_after`` bytes or more): (data, True), or
    (data so far, False) once ``deadline`` passes."""
    import select
    import time

    chunks: list[bytes] = []
    while True:
        wait = deadline - time.monotonic()
        if wait <= 0:
            return b"".join(chunks), False
        ready, _w, _x = select.select([fd], [], [], wait)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        chunks.append(chunk)
        if not chunk or (stop_after and sum(map(len, chunks)) >= stop_after):
            return b"".join(chunks), True


def check_isolated(
    path: str, source: str | None = None, options: CheckOptions = CheckOptions()
) -> DocumentEntry:
    """One document in a forked child process, with the guarantees of ``CheckPool`` and without its start and
    shutdown: the memory limit (``RLIMIT_AS`` in the child) and the hard time limit (the child is killed when
    it overruns, so a native qpdf call that never returns still ends), and every outcome a report entry.
    For a process that runs no other threads (the command line checking one file); elsewhere, or where
    ``os.fork`` does not exist, it falls back to a one-worker ``CheckPool``."""
    import pickle
    import signal
    import threading
    import time

    src = source or path
    if not hasattr(os, "fork") or threading.active_count() > 1:
        with CheckPool(options, jobs=1) as pool:
            return pool.submit(path, src).result()
    load()  # once, before the fork: the child checks with it and the parent's report needs it too
    started_r, started_w = os.pipe()
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(started_r)
        os.close(out_r)
        _child_check(path, options, src, started_w, out_w)
    os.close(started_w)
    os.close(out_w)
    lang = options.lang
    data, finished = b"", False
    try:
        # the child's start (imports) is timed apart, as a pool's warm-up is: the limit counts from then
        _byte, finished = _read_until(started_r, time.monotonic() + options.limits.timeout_s, stop_after=1)
        if finished:
            data, finished = _read_until(out_r, time.monotonic() + options.limits.timeout_s)
    finally:
        if not finished:  # overran, or this process is being interrupted: the child must not outlive it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.close(started_r)
        os.close(out_r)
        _pid, status = os.waitpid(pid, 0)
    if not finished:
        return failed_entry(path, src, "timeout", f"more than {options.limits.timeout_s:g} s", lang)
    code = os.waitstatus_to_exitcode(status)
    if code == 0 and data:
        try:
            return cast(DocumentEntry, pickle.loads(data))
        except Exception as exc:  # a truncated result: this document only
            return failed_entry(path, src, "internal", f"{type(exc).__name__}: {exc}", lang)
    detail = f"the checking process ended unexpectedly (exit code {code})"
    return failed_entry(path, src, "too-large" if code in (-9, 137) else "internal", detail, lang)


def check_files(
    items: Iterable[tuple[str, str]],
    options: CheckOptions = CheckOptions(),
    jobs: int | None = None,
    on_result: Callable[[int, DocumentEntry], None] | None = None,
) -> list[DocumentEntry]:
    """Check many files (path, source) in worker processes; results in input order.

    Every document gets an entry, whatever happens to its worker: timeouts, crashes and memory exhaustion
    become that document's ``error``. The largest files are started first, so that one big document does
    not leave the other workers idle at the end of a batch. ``on_result(index, entry)`` is called as each
    document finishes (in completion order), for progress displays.
    """
    from concurrent.futures import as_completed

    work = list(items)
    if not work:
        return []

    def size(path: str) -> int:
        try:
            return os.path.getsize(path)
        except OSError:
            return 0

    order = sorted(range(len(work)), key=lambda i: size(work[i][0]), reverse=True)
    results: list[DocumentEntry | None] = [None] * len(work)
    with CheckPool(options, jobs=min(jobs or default_jobs(), len(work))) as pool:
        futures = {pool.submit(*work[i]): i for i in order}
        for future in as_completed(futures):
            index = futures[future]
            entry = future.result()
            results[index] = entry
            if on_result is not None:
                on_result(index, entry)
    return [entry for entry in results if entry is not None]


_NEEDS_RENDER = {
    "sv": "Reglerna {rules} behöver en webbläsare och kördes inte på webbsidorna; kör med --render för dem.",
    "en": "The rules {rules} need a browser and were not run on the web pages; check with --render for them.",
}


def report(
    documents: list[DocumentEntry],
    catalogue: Catalogue | None = None,
    lang: str | None = None,
    rule_set: str = DEFAULT_RULE_SET,
) -> Report:
    """The whole JSON report (README, "The JSON report"). Given ``lang`` (the command line does), when web
    pages were checked without a browser the tool's ``notices`` name the rules that need ``--render``. A rule
    set other than the default is named in the tool block (``rule_set``)."""
    cat = catalogue or load()
    tool = tool_info(cat)
    if rule_set != DEFAULT_RULE_SET:
        tool["rule_set"] = rule_set
    static_html = any(
        d.get("format") == "html" and not d.get("rendered") and not d.get("error") for d in documents
    )
    needs = [r.id for r in cat.for_format("html") if r.render and r.in_set(rule_set)]
    if lang is not None and static_html and needs:
        tool["notices"] = [_NEEDS_RENDER.get(lang, _NEEDS_RENDER["sv"]).format(rules=", ".join(needs))]
    return {"tool": tool, "documents": documents}


def exit_status(documents: Sequence[DocumentEntry]) -> int:
    """0 nothing failed, 1 some rule failed, 3 some document could not be checked (and nothing failed)."""
    if any("failed" in (d.get("rules") or {}).values() for d in documents):
        return 1
    if any(d.get("error") for d in documents):
        return 3
    return 0


__all__ += [
    "CheckPool",
    "ClosesOnExit",
    "base_entry",
    "check_isolated",
    "default_jobs",
    "exit_status",
    "failed_entry",
    "sha256_file",
]

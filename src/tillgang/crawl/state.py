"""The crawl state file (SQLite, standard ``sqlite3``): per-URL validators and results, runs, the frontier.

Writes are grouped: rows wait in memory and go in with one ``executemany`` per table and one commit at most
``group_commit_s`` (a quarter second) after the oldest of them, and at once before any read, at the end of a
run and when it is interrupted (Ctrl-C, SIGTERM). A run that is killed outright (SIGKILL, power loss) loses at
most that last quarter second of finished URLs: they are still queued in the frontier, so ``--resume``
fetches and checks them again. One statement per row and a commit per URL cost the crawl process a third of
its time, which is the process that limits a crawl's rate.
Tables:

- ``resources``: per canonical URL, across runs: ETag and Last-Modified verbatim, sha256, size, Content-Type,
  HTTP status, fetch time, the catalogue version the stored report entry was made with, the entry itself,
  and (for pages) the links found, so a 304 page still feeds the frontier.
- ``runs``: one row per run: site key, start/finish, status (running, complete, partial, interrupted),
  configuration and summary.
- ``frontier``: per run and canonical URL: queued (also while in flight: a URL leaves ``queued`` only when
  its result is committed), done, failed or skipped (with reason), depth, how it was found.
- ``results``: per run and canonical URL: the output entry (page, document), committed when done.
- ``referrers``: per run, up to a few pages that link each URL (for broken links and "where is it linked").
- ``run_shortfalls``: per run, what made it partial and what it skipped (reasons, counts, the listed URLs),
  written every few seconds and at its end, so that a resumed run keeps them.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Resource", "StateStore"]

GROUP_COMMIT_S = 0.25  # pending rows are written at most this long after the oldest of them
GROUP_COMMIT_ROWS = 2000  # or when this many are pending

# pending rows by kind, written in this order (a URL admitted and finished in one group: insert, then update)
_WRITES = {
    "frontier": "INSERT OR IGNORE INTO frontier (run_id, url, request_url, depth, via, state, reason, seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "referrers": "INSERT OR IGNORE INTO referrers (run_id, url, source) VALUES (?, ?, ?)",
    "states": "UPDATE frontier SET state = ?, reason = ? WHERE run_id = ? AND url = ?",
    "results": "INSERT OR REPLACE INTO results (run_id, url, kind, entry) VALUES (?, ?, ?, ?)",
    "resources": "INSERT OR REPLACE INTO resources (url, etag, last_modified, sha256, size, content_type, "
    "status, fetched_at, catalogue, kind, entry, links) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    url TEXT PRIMARY KEY,
    etag TEXT, last_modified TEXT, sha256 TEXT, size INTEGER, content_type TEXT, status INTEGER,
    fetched_at REAL, catalogue TEXT, kind TEXT, entry TEXT, links TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, site TEXT NOT NULL, started REAL NOT NULL, finished REAL,
    status TEXT NOT NULL, config TEXT, summary TEXT
);
CREATE INDEX IF NOT EXISTS runs_site ON runs (site, started);
CREATE TABLE IF NOT EXISTS run_shortfalls (
    run_id TEXT PRIMARY KEY, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS frontier (
    run_id TEXT NOT NULL, url TEXT NOT NULL, request_url TEXT NOT NULL, depth INTEGER NOT NULL,
    via TEXT, state TEXT NOT NULL, reason TEXT, kind TEXT, seq INTEGER,
    PRIMARY KEY (run_id, url)
);
CREATE INDEX IF NOT EXISTS frontier_state ON frontier (run_id, state);
CREATE TABLE IF NOT EXISTS results (
    run_id TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL, entry TEXT NOT NULL,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS referrers (
    run_id TEXT NOT NULL, url TEXT NOT NULL, source TEXT NOT NULL,
    PRIMARY KEY (run_id, url, source)
);
"""


@dataclass
class Resource:
    url: str
    etag: str | None
    last_modified: str | None
    sha256: str | None
    size: int | None
    content_type: str | None
    status: int | None
    fetched_at: float | None
    catalogue: str | None
    kind: str | None
    entry: dict[str, Any] | None
    links: list[list[Any]] | None


class StateStore:
    def __init__(self, path: str | Path, group_commit_s: float = GROUP_COMMIT_S) -> None:
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.group_commit_s = group_commit_s
        self._pending: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _WRITES}
        self._pending_resources: dict[str, Resource] = {}  # written with the next group, looked up before
        self._oldest: float | None = None  # when the oldest pending row was added (time.monotonic)
        self._batching = 0
        self._known: set[str] | None = None  # URLs with a row in ``resources`` (loaded on first lookup)

    def close(self) -> None:
        self.sync()
        self.db.close()

    # ---------------------------------------------------------------- grouped writes
    def sync(self) -> None:
        """Write every pending row now, in one transaction."""
        if self._oldest is None:
            return
        self.db.execute("BEGIN")
        try:
            for name, sql in _WRITES.items():
                rows = self._pending[name]
                if rows:
                    self.db.executemany(sql, rows)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        for rows in self._pending.values():
            rows.clear()
        self._pending_resources.clear()
        self._oldest = None

    def sync_if_due(self) -> None:
        """Write the pending rows if the oldest has waited ``group_commit_s`` (the crawl calls this on a timer, so
        rows never wait longer while the crawl is idle, e.g. on a slow server)."""
        due = self._oldest is not None and time.monotonic() - self._oldest >= self.group_commit_s
        if due and not self._batching:
            self.sync()

    def _added(self) -> None:
        now = time.monotonic()
        if self._oldest is None:
            self._oldest = now
        if not self._batching and (
            now - self._oldest >= self.group_commit_s
            or sum(len(rows) for rows in self._pending.values()) >= GROUP_COMMIT_ROWS
        ):
            self.sync()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Rows added inside go in together, or not at all when the block raises."""
        marks = {name: len(rows) for name, rows in self._pending.items()}
        self._batching += 1
        try:
            yield
        except BaseException:
            for name, rows in self._pending.items():
                del rows[marks[name] :]
            raise
        finally:
            self._batching -= 1
        if any(len(rows) > marks[name] for name, rows in self._pending.items()):
            self._added()

    # ---------------------------------------------------------------- runs
    def start_run(self, run_id: str, site: str, config: dict[str, Any]) -> None:
        self.sync()
        self.db.execute(
            "INSERT INTO runs (id, site, started, status, config) VALUES (?, ?, ?, 'running', ?)",
            (run_id, site, time.time(), json.dumps(config, ensure_ascii=False)),
        )

    def resumable_run(self, site: str) -> dict[str, Any] | None:
        """The latest run of ``site`` if it did not finish: interrupted (or still marked running after a kill),
        or partial with URLs still queued (a wall-clock cap or a paused host)."""
        self.sync()
        row = self.db.execute(
            "SELECT id, started, status FROM runs WHERE site = ? ORDER BY started DESC LIMIT 1", (site,)
        ).fetchone()
        if row is None or row[2] not in ("running", "interrupted", "partial"):
            return None
        if row[2] == "partial":
            queued = self.db.execute(
                "SELECT 1 FROM frontier WHERE run_id = ? AND state = 'queued' LIMIT 1", (row[0],)
            ).fetchone()
            if queued is None:
                return None
        return {"id": row[0], "started": row[1], "status": row[2]}

    def reopen_run(self, run_id: str) -> None:
        self.sync()
        self.db.execute("UPDATE runs SET status = 'running', finished = NULL WHERE id = ?", (run_id,))
        self.db.execute(
            "UPDATE frontier SET state = 'queued' WHERE run_id = ? AND state = 'in_flight'", (run_id,)
        )

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        self.sync()
        self.db.execute(
            "UPDATE runs SET status = ?, finished = ?, summary = ? WHERE id = ?",
            (status, time.time(), json.dumps(summary, ensure_ascii=False), run_id),
        )

    def save_shortfalls(self, run_id: str, data: dict[str, Any]) -> None:
        """What made a run partial and what it skipped (``Frontier.shortfalls``), kept for ``--resume``."""
        self.sync()
        self.db.execute(
            "INSERT OR REPLACE INTO run_shortfalls (run_id, data) VALUES (?, ?)",
            (run_id, json.dumps(data, ensure_ascii=False)),
        )

    def shortfalls(self, run_id: str) -> dict[str, Any]:
        self.sync()
        row = self.db.execute("SELECT data FROM run_shortfalls WHERE run_id = ?", (run_id,)).fetchone()
        return dict(json.loads(row[0])) if row else {}

    def prune(self, site: str, keep: int) -> list[str]:
        """Drop the per-URL rows (results, frontier, referrers) of all but the ``keep`` latest runs of ``site``;
        the runs themselves (with their summaries) stay. Returns the pruned run ids."""
        self.sync()
        if keep <= 0:
            return []
        old = [
            str(r[0])
            for r in self.db.execute(
                "SELECT id FROM runs WHERE site = ? AND status != 'running' ORDER BY started DESC LIMIT -1 OFFSET ?",
                (site, keep),
            )
        ]
        with self.db:
            self.db.execute("BEGIN")
            for run_id in old:
                for table in ("results", "frontier", "referrers", "run_shortfalls"):
                    self.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))
        return old

    def run_info(self, run_id: str) -> dict[str, Any]:
        self.sync()
        row = self.db.execute(
            "SELECT id, site, started, finished, status FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        return dict(zip(("id", "site", "started", "finished", "status"), row, strict=True)) if row else {}

    def previous_run(self, site: str, before: str) -> str | None:
        """The latest finished run (complete or partial) of the same site other than ``before``."""
        self.sync()
        row = self.db.execute(
            "SELECT id FROM runs WHERE site = ? AND id != ? AND status IN ('complete', 'partial') "
            "ORDER BY started DESC LIMIT 1",
            (site, before),
        ).fetchone()
        return str(row[0]) if row else None

    # ---------------------------------------------------------------- resources
    def resource(self, url: str) -> Resource | None:
        pending = self._pending_resources.get(url)
        if pending is not None:
            return pending
        if self._known is None:
            self._known = {str(r[0]) for r in self.db.execute("SELECT url FROM resources")}
        if url not in self._known:  # a URL never fetched before: no query (the first crawl asks none)
            return None
        row = self.db.execute(
            "SELECT url, etag, last_modified, sha256, size, content_type, status, fetched_at, catalogue, kind, "
            "entry, links FROM resources WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return None
        values = list(row)
        values[10] = json.loads(values[10]) if values[10] else None
        values[11] = json.loads(values[11]) if values[11] else None
        return Resource(*values)

    def _save_resource(self, r: Resource, entry_json: str | None = None) -> None:
        if entry_json is None and r.entry is not None:
            entry_json = json.dumps(r.entry, ensure_ascii=False)
        if self._known is not None:
            self._known.add(r.url)
        self._pending_resources[r.url] = r
        self._pending["resources"].append(
            (
                r.url,
                r.etag,
                r.last_modified,
                r.sha256,
                r.size,
                r.content_type,
                r.status,
                r.fetched_at,
                r.catalogue,
                r.kind,
                entry_json,
                json.dumps(r.links) if r.links is not None else None,
            )
        )

    # ---------------------------------------------------------------- frontier
    def add_frontier(
        self,
        run_id: str,
        url: str,
        request_url: str,
        depth: int,
        via: str,
        state: str,
        reason: str | None,
        seq: int,
    ) -> None:
        self._pending["frontier"].append((run_id, url, request_url, depth, via, state, reason, seq))
        self._added()

    def set_state(self, run_id: str, url: str, state: str, reason: str | None = None) -> None:
        self._pending["states"].append((state, reason, run_id, url))
        self._added()

    def frontier(self, run_id: str) -> Iterator[tuple[str, str, int, str, str, str | None, int]]:
        self.sync()
        yield from self.db.execute(
            "SELECT url, request_url, depth, via, state, reason, seq FROM frontier WHERE run_id = ? ORDER BY seq",
            (run_id,),
        )

    def add_referrer(self, run_id: str, url: str, source: str) -> None:
        self._pending["referrers"].append((run_id, url, source))
        self._added()

    def referrers(self, run_id: str) -> dict[str, list[str]]:
        self.sync()
        out: dict[str, list[str]] = {}
        for url, source in self.db.execute("SELECT url, source FROM referrers WHERE run_id = ?", (run_id,)):
            out.setdefault(url, []).append(source)
        return out

    # ---------------------------------------------------------------- results
    def complete(
        self,
        run_id: str,
        url: str,
        kind: str,
        entry: dict[str, Any],
        state: str,
        resource: Resource | None = None,
        reason: str | None = None,
    ) -> None:
        """Record one finished URL: its entry, its frontier state and (when fetched) its validators; they go in
        together, with the next group."""
        entry_json = json.dumps(entry, ensure_ascii=False)
        with self.transaction():
            self._pending["results"].append((run_id, url, kind, entry_json))
            self._pending["states"].append((state, reason, run_id, url))
            if resource is not None:  # its entry is often this very entry: encoded once
                self._save_resource(resource, entry_json if resource.entry is entry else None)

    def results(self, run_id: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        self.sync()
        for url, kind, entry in self.db.execute(
            "SELECT url, kind, entry FROM results WHERE run_id = ? ORDER BY rowid", (run_id,)
        ):
            yield url, kind, json.loads(entry)

"""The crawl state file (SQLite, standard ``sqlite3``): per-URL validators and results, runs, the frontier.

Every finished URL is committed as it completes, so an interrupted run loses only what was in flight.
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
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # ---------------------------------------------------------------- runs
    def start_run(self, run_id: str, site: str, config: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO runs (id, site, started, status, config) VALUES (?, ?, ?, 'running', ?)",
            (run_id, site, time.time(), json.dumps(config, ensure_ascii=False)),
        )

    def resumable_run(self, site: str) -> dict[str, Any] | None:
        """The latest run of ``site`` if it did not finish: interrupted (or still marked running after a kill),
        or partial with URLs still queued (a wall-clock cap or a paused host)."""
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
        self.db.execute("UPDATE runs SET status = 'running', finished = NULL WHERE id = ?", (run_id,))
        self.db.execute(
            "UPDATE frontier SET state = 'queued' WHERE run_id = ? AND state = 'in_flight'", (run_id,)
        )

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET status = ?, finished = ?, summary = ? WHERE id = ?",
            (status, time.time(), json.dumps(summary, ensure_ascii=False), run_id),
        )

    def prune(self, site: str, keep: int) -> list[str]:
        """Drop the per-URL rows (results, frontier, referrers) of all but the ``keep`` latest runs of ``site``;
        the runs themselves (with their summaries) stay. Returns the pruned run ids."""
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
                for table in ("results", "frontier", "referrers"):
                    self.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))
        return old

    def run_info(self, run_id: str) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT id, site, started, finished, status FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        return dict(zip(("id", "site", "started", "finished", "status"), row, strict=True)) if row else {}

    def previous_run(self, site: str, before: str) -> str | None:
        """The latest finished run (complete or partial) of the same site other than ``before``."""
        row = self.db.execute(
            "SELECT id FROM runs WHERE site = ? AND id != ? AND status IN ('complete', 'partial') "
            "ORDER BY started DESC LIMIT 1",
            (site, before),
        ).fetchone()
        return str(row[0]) if row else None

    # ---------------------------------------------------------------- resources
    def resource(self, url: str) -> Resource | None:
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

    def _save_resource(self, r: Resource) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO resources (url, etag, last_modified, sha256, size, content_type, status, "
            "fetched_at, catalogue, kind, entry, links) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                json.dumps(r.entry, ensure_ascii=False) if r.entry is not None else None,
                json.dumps(r.links) if r.links is not None else None,
            ),
        )

    # ---------------------------------------------------------------- frontier
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group many small writes (the links of one page) into one commit."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

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
        self.db.execute(
            "INSERT OR IGNORE INTO frontier (run_id, url, request_url, depth, via, state, reason, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, url, request_url, depth, via, state, reason, seq),
        )

    def set_state(self, run_id: str, url: str, state: str, reason: str | None = None) -> None:
        self.db.execute(
            "UPDATE frontier SET state = ?, reason = ? WHERE run_id = ? AND url = ?",
            (state, reason, run_id, url),
        )

    def frontier(self, run_id: str) -> Iterator[tuple[str, str, int, str, str, str | None, int]]:
        yield from self.db.execute(
            "SELECT url, request_url, depth, via, state, reason, seq FROM frontier WHERE run_id = ? ORDER BY seq",
            (run_id,),
        )

    def add_referrer(self, run_id: str, url: str, source: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO referrers (run_id, url, source) VALUES (?, ?, ?)", (run_id, url, source)
        )

    def referrers(self, run_id: str) -> dict[str, list[str]]:
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
        """Record one finished URL: its entry, its frontier state and (when fetched) its validators, in one
        transaction committed now."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO results (run_id, url, kind, entry) VALUES (?, ?, ?, ?)",
                (run_id, url, kind, json.dumps(entry, ensure_ascii=False)),
            )
            self.db.execute(
                "UPDATE frontier SET state = ?, reason = ? WHERE run_id = ? AND url = ?",
                (state, reason, run_id, url),
            )
            if resource is not None:
                self._save_resource(resource)

    def results(self, run_id: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for url, kind, entry in self.db.execute(
            "SELECT url, kind, entry FROM results WHERE run_id = ? ORDER BY rowid", (run_id,)
        ):
            yield url, kind, json.loads(entry)

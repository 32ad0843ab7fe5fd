"""Distributed checking on the real Redis or RabbitMQ and PostgreSQL: workers check, store, survive a killed worker.

Two `tillgang worker` processes (Celery, Redis broker) check every page and document of a crawl of a local
site and store the results in a fresh PostgreSQL database. One worker is killed (SIGKILL, its whole process
group) while the crawl runs; its unacknowledged tasks go to the other worker after the visibility timeout.
The stored results must equal those of a local crawl of the same site.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import IN_CI
from .conftest import Resource, Site

pytestmark = [pytest.mark.db, pytest.mark.slow]

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 14  # this test's own database on the local Redis: flushed before use
PG_URL = os.environ.get("TILLGANG_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


RABBITMQ = ("127.0.0.1", 5672)
BROKERS = {
    "redis": (f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}", "Redis", REDIS),
    "rabbitmq": (f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}//", "RabbitMQ", RABBITMQ),
}


def need_services(broker: str) -> None:
    _, name, address = BROKERS[broker]
    wanted = ((name, address), ("PostgreSQL", ("127.0.0.1", 5432)))
    missing = [n for n, addr in wanted if not reachable(*addr)]
    if missing:
        message = f"{' and '.join(missing)} not reachable on 127.0.0.1: the distributed test needs both"
        if IN_CI:
            pytest.fail(message + " (CI must have them)")
        pytest.skip(message)


def docx(text: str, alt: bool) -> bytes:
    import docx as python_docx

    d = python_docx.Document()
    d.core_properties.title = f"Rapport {text}"
    d.add_heading(f"Rapport {text}", 1)
    d.add_paragraph(f"Text {text}.")
    if not alt:
        d.add_paragraph("Klicka här")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf(n: int) -> bytes:
    import pikepdf

    p = pikepdf.new()
    for _ in range(1 + n % 3):
        p.add_blank_page()
    p.docinfo["/Title"] = f"Dokument {n}"
    buf = io.BytesIO()
    p.save(buf, deterministic_id=True)
    return buf.getvalue()


def build(site: Site, documents: int = 24) -> None:
    links = "".join(
        f'<li><a href="/dok/{i}.{"pdf" if i % 2 else "docx"}">Dokument {i}</a></li>' for i in range(documents)
    )
    pages = "".join(f'<li><a href="/sida/{i}">Sida {i}</a></li>' for i in range(8))
    site.page(
        "/",
        f'<!doctype html><html lang="sv"><head><title>Start</title></head><body><main><h1>Start</h1>'
        f"<ul>{pages}</ul><ul>{links}</ul></main></body></html>",
    )
    for i in range(8):
        extra = '<img src="/bild.png">' if i % 2 else ""
        site.page(
            f"/sida/{i}",
            f'<!doctype html><html lang="sv"><head><title>Sida {i}</title></head><body><main><h1>Sida {i}</h1>'
            f"{extra}<p>Text.</p></main></body></html>",
        )
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    for i in range(documents):
        if i % 2:
            site.add(f"/dok/{i}.pdf", Resource(pdf(i), "application/pdf"))
        else:
            site.add(f"/dok/{i}.docx", Resource(docx(str(i), alt=i % 4 == 0), docx_type))
    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")


@pytest.fixture(params=sorted(BROKERS))
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database, migrated by `tillgang register init`, and the workers' environment, for
    each broker: Redis (redelivery after the visibility timeout) and RabbitMQ (redelivery when the dead
    worker's connection closes)."""
    broker = request.param
    need_services(broker)
    import psycopg

    url = BROKERS[broker][0]
    if broker == "redis":
        import redis

        redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB).flushdb()
    else:
        from tillgang.distributed.app import make_app

        make_app(url).control.purge()  # tasks left by an earlier, interrupted run
    name = f"tillgang_dist_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        DATABASE_URL=PG_URL.rsplit("/", 1)[0] + "/" + name,
        TILLGANG_DATA_DIR=str(tmp_path / "data"),
        TILLGANG_ADMIN_PASSWORD="ett-bra-lösenord-123",
        TILLGANG_BROKER_URL=url,
        TILLGANG_VISIBILITY_TIMEOUT="6",
        TILLGANG_TASK_TIME_LIMIT="30",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run(
        [sys.executable, "-m", "tillgang", "register", "init"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        yield env
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tillgang",
            "worker",
            "--concurrency",
            "1",
            "--hostname",
            f"{name}@%h",
            "--loglevel",
            "info",
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: kill the worker and its child together
    )


def stored(env: dict[str, str], run_id: str) -> dict[str, dict[str, Any]]:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT url, entry FROM register_checkresult WHERE run_id = %s", (run_id,)
        ).fetchall()
    return {url: entry for url, entry in rows}


def crawl(site: Site, tmp_path: Path, tag: str) -> dict[str, Any]:
    from tillgang.crawl.config import CrawlConfig
    from tillgang.crawl.run import Crawl
    from tillgang.distributed import broker_url
    from tillgang.distributed.pool import crawl_pool_factory

    config = CrawlConfig(
        start_urls=(site.url("/"),),
        delay=0.0,
        jitter=0.0,
        concurrency=4,
        per_host_concurrency=4,
        use_sitemaps=False,
        check_jobs=2,
        state_file=str(tmp_path / f"state-{tag}.sqlite"),
    )
    broker = broker_url()  # as ``tillgang crawl`` chooses: Celery workers when a broker is configured
    pool_factory = crawl_pool_factory(broker) if broker else None
    return asyncio.run(Crawl(config, progress=False, pool_factory=pool_factory).run())


def essence(entry: dict[str, Any]) -> tuple[Any, ...]:
    findings = sorted(
        (f["rule"], f["outcome"], str(f["location"]), f["message"]) for f in entry.get("findings", [])
    )
    return (entry.get("format"), entry.get("sha256"), entry.get("error"), entry.get("rules"), findings)


def test_workers_store_what_a_local_crawl_finds_and_survive_a_killed_worker(
    site: Site, tmp_path: Path, database: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(site)
    monkeypatch.delenv("TILLGANG_BROKER_URL", raising=False)
    local = crawl(site, tmp_path, "local")
    local_entries = {e["url"]: e for e in local["pages"] + local["documents"] if not e.get("error")}
    assert len(local_entries) == 1 + 8 + 24

    workers = [start_worker(database, f"w{i}", tmp_path / f"w{i}.log") for i in (1, 2)]
    try:
        # both workers consume before the crawl starts, so that w1 gets tasks to be killed with
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            logs = [(tmp_path / f"w{i}.log").read_text(errors="replace") for i in (1, 2)]
            if all(" ready." in text for text in logs):
                break
            assert all(w.poll() is None for w in workers), logs
            time.sleep(0.1)
        else:
            pytest.fail("the workers did not start within 90 s")
        for key in (
            "TILLGANG_BROKER_URL",
            "TILLGANG_VISIBILITY_TIMEOUT",
            "TILLGANG_TASK_TIME_LIMIT",
            "DATABASE_URL",
        ):
            monkeypatch.setenv(key, database[key])
        killed: dict[str, set[str]] = {}

        def kill_first_worker_while_it_holds_a_task() -> None:
            # in a thread: as soon as w1 has received a task it has not finished, kill w1 and its child outright
            log = tmp_path / "w1.log"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                text = log.read_text(errors="replace") if log.exists() else ""
                received = set(re.findall(r"Task tillgang\.check_document\[([0-9a-f-]+)\] received", text))
                stored_ids = set(re.findall(r"Task tillgang\.check_document\[([0-9a-f-]+)\] succeeded", text))
                pending = received - stored_ids
                if pending:
                    os.killpg(workers[0].pid, signal.SIGKILL)
                    killed["pending"] = pending
                    return
                time.sleep(0.005)

        import threading

        killer = threading.Thread(target=kill_first_worker_while_it_holds_a_task, daemon=True)
        killer.start()
        out = crawl(site, tmp_path, "distributed")
        killer.join(timeout=5)
        assert killed.get("pending"), "the crawl ended before a worker could be killed holding a task"
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(w.pid, signal.SIGKILL)

    run_id = out["run"]["id"]
    entries = {e["url"]: e for e in out["pages"] + out["documents"]}
    errors = {u: e["error"] for u, e in entries.items() if e.get("error") and u in local_entries}
    assert errors == {}, (errors, (tmp_path / "w2.log").read_text(errors="replace")[-3000:])
    # what w1 held when it was killed went to w2: the broker handed it over after the visibility timeout
    # (and the results below show it was done)
    w2_log = (tmp_path / "w2.log").read_text(errors="replace")
    for task_id in killed["pending"]:
        assert f"[{task_id}] received" in w2_log, task_id
    rows = stored(database, run_id)
    # every page and document was stored once, by (run, URL, sha256), and equals the local result
    assert set(rows) == set(local_entries)
    for url, entry in local_entries.items():
        assert essence(rows[url]) == essence(entry), url
        assert essence(entries[url]) == essence(entry), url


def test_a_poison_document_ends_as_an_error_not_an_endless_retry(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document whose check outlives the task time limit kills its checking process: it ends as that
    document's error, is not handed out again, and the worker goes on with the next one."""
    from ..conftest import SHARED, require

    slow = require(SHARED / "corpora" / "hostile" / "bug1978317.pdf", "the hostile corpus").read_bytes()
    need_services("redis")
    import redis

    redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB).flushdb()
    site.page(
        "/",
        '<!doctype html><html lang="sv"><head><title>Start</title></head><body><main><h1>Start</h1>'
        '<a href="/tung.pdf">Tung</a> <a href="/latt.pdf">Lätt</a></main></body></html>',
    )
    site.add("/tung.pdf", Resource(slow, "application/pdf"))
    site.add("/latt.pdf", Resource(pdf(1), "application/pdf"))
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(
        TILLGANG_BROKER_URL=BROKERS["redis"][0],
        TILLGANG_TASK_TIME_LIMIT="0.5",  # the heavy PDF needs a few seconds, the light one milliseconds
        TILLGANG_VISIBILITY_TIMEOUT="4",
        TILLGANG_DATA_DIR=str(tmp_path / "data"),
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "w.log"
    worker = start_worker(env, "poison", log)
    try:
        deadline = time.monotonic() + 90
        while " ready." not in (log.read_text(errors="replace") if log.exists() else ""):
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)
        for key in ("TILLGANG_BROKER_URL", "TILLGANG_TASK_TIME_LIMIT", "TILLGANG_VISIBILITY_TIMEOUT"):
            monkeypatch.setenv(key, env[key])
        monkeypatch.delenv("DATABASE_URL", raising=False)
        out = crawl(site, tmp_path, "poison")
        time.sleep(6)  # longer than the visibility timeout: a redelivery would show in the log now
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    docs = {e["url"].rsplit("/", 1)[-1]: e for e in out["documents"]}
    assert docs["tung.pdf"]["error"]["code"] in ("timeout", "internal"), docs["tung.pdf"]
    assert docs["latt.pdf"]["error"] is None and docs["latt.pdf"]["rules"]
    text = log.read_text(errors="replace")
    received = re.findall(r"Task tillgang\.check_document\[([0-9a-f-]+)\] received", text)
    assert len(received) == len(set(received)), "a task was handed out twice"

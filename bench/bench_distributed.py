"""Distributed crawl benchmark: pages/s with 1 and 2 Celery workers, against the local pool in the same run.

    python bench/bench_distributed.py                   # 400 pages + 80 documents
    python bench/bench_distributed.py --pages 2000 --documents 400

Needs Redis on 127.0.0.1:6379 (database 13 is flushed) and PostgreSQL on 127.0.0.1:5432 (a fresh database is
created and dropped; DATABASE_URL names the server, default postgresql://postgres@127.0.0.1:5432/test).
Each worker runs with --concurrency 1, so "2 workers" means two checking processes, as the local pool's
--jobs 2. On one machine the workers share its cores with the crawl and the site server.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def crawl(base: str, pages: int, documents: int, state: Path) -> tuple[float, dict[str, Any]]:
    from tillgang.crawl.config import CrawlConfig
    from tillgang.crawl.run import Crawl
    from tillgang.distributed import broker_url
    from tillgang.distributed.pool import crawl_pool_factory

    config = CrawlConfig(
        start_urls=(f"{base}/sida/0",),
        delay=0.0,
        jitter=0.0,
        concurrency=16,
        per_host_concurrency=16,
        obey_robots=False,
        use_sitemaps=False,
        max_pages=pages + 10,
        max_documents=documents + 10,
        max_depth=50,
        exclude=(),
        check_jobs=2,
        state_file=str(state),
    )
    broker = broker_url()  # as ``tillgang crawl`` chooses: Celery workers when a broker is configured
    pool_factory = crawl_pool_factory(broker) if broker else None
    start = time.perf_counter()
    out = asyncio.run(Crawl(config, progress=False, pool_factory=pool_factory).run())
    return time.perf_counter() - start, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--documents", type=int, default=80)
    args = ap.parse_args()

    import bench_crawl
    import psycopg
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=13).flushdb()
    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    name = f"tillgang_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    tmp = Path(tempfile.mkdtemp(prefix="tillgang-dist-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=server_url.rsplit("/", 1)[0] + "/" + name,
        TILLGANG_DATA_DIR=str(tmp / "data"),
        TILLGANG_ADMIN_PASSWORD="bench-Lösen-123",
        TILLGANG_BROKER_URL="redis://127.0.0.1:6379/13",
        PYTHONUNBUFFERED="1",
    )
    ctx = mp.get_context("spawn")
    port_queue: Any = ctx.Queue()
    site = ctx.Process(target=bench_crawl.serve, args=(port_queue, args.pages, args.documents), daemon=True)
    site.start()
    base = f"http://127.0.0.1:{port_queue.get(timeout=60)}"
    results: list[tuple[str, float, int]] = []
    try:
        subprocess.run(
            [sys.executable, "-m", "tillgang", "register", "init"], env=env, check=True, capture_output=True
        )
        local_s, out = crawl(base, args.pages, args.documents, tmp / "local.sqlite")
        n = out["summary"]["pages"] + out["summary"]["documents"]
        results.append(("local pool, --jobs 2", local_s, n))
        for workers in (1, 2):
            procs = []
            for i in range(workers):
                log = (tmp / f"w{workers}-{i}.log").open("wb")
                procs.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "tillgang",
                            "worker",
                            "--concurrency",
                            "1",
                            "--hostname",
                            f"b{workers}{i}@%h",
                            "--loglevel",
                            "info",
                        ],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                logs = [(tmp / f"w{workers}-{i}.log").read_text(errors="replace") for i in range(workers)]
                if all(" ready." in text for text in logs):
                    break
                time.sleep(0.2)
            os.environ.update(
                {k: env[k] for k in ("TILLGANG_BROKER_URL", "DATABASE_URL", "TILLGANG_DATA_DIR")}
            )
            try:
                seconds, out = crawl(base, args.pages, args.documents, tmp / f"dist-{workers}.sqlite")
            finally:
                os.environ.pop("TILLGANG_BROKER_URL", None)
                for p in procs:
                    os.killpg(p.pid, signal.SIGTERM)
                for p in procs:
                    p.wait(timeout=60)
            n = out["summary"]["pages"] + out["summary"]["documents"]
            errors = out["summary"].get("errors", {})
            results.append(
                (
                    f"{workers} Celery worker{'s' if workers > 1 else ''}"
                    + (f" (errors {errors})" if errors else ""),
                    seconds,
                    n,
                )
            )
    finally:
        site.terminate()
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"site: {args.pages} pages, {args.documents} documents on {base}")
    for label, seconds, n in results:
        print(f"  {label:<40} {n:5d} URLs in {seconds:6.1f} s = {n / seconds:7.1f} URLs/s")
    one = next(s for label, s, _ in results if label.startswith("1 "))
    two = next(s for label, s, _ in results if label.startswith("2 "))
    print(
        f"scaling 2 workers over 1: {one / two:.2f}x; distributed (2) / local pool: {results[0][1] / two:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load benchmark of the register's web UI: requests/s and latency while a crawl stores a run.

    python bench/bench_load.py                         # SQLite (the embedded default) in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python bench/bench_load.py   # a fresh PostgreSQL db
    python bench/bench_load.py --requests 2000 --seconds 60 --clients 8

It starts `tillgang serve` (waitress) on 127.0.0.1, logs in as a reader from a second process and requests the
register's pages from several client threads, bounded in requests and time. It does this twice in the same
run: alone (the baseline), and while `tillgang crawl --store` crawls a generated local site and writes the run
into the same database. It prints requests/s, latency p50/p95/p99 and errors for both, and the ratios.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "last-bench-Lösen-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tillgang(env: dict[str, str], *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tillgang", *args], env=env, capture_output=True, text=True, check=True, **kw
    )


def prepare(env: dict[str, str], risks: int) -> None:
    """A migrated register with a plan of ``risks`` risks and a reader."""
    tillgang(env, "register", "init", timeout=300)
    csv = Path(env["TILLGANG_DATA_DIR"]) / "plan.csv"
    lines = ["board,plan_year,process,risk,likelihood,consequence,handling,follows_plan,comment"]
    for i in range(risks):
        lines.append(
            f"Kommunstyrelsen,2026,Process {i % 12},Risk att något går fel nummer {i},{1 + i % 4},{1 + (i // 4) % 4},"
            f"ikp,Ja,Kontrollen gjordes enligt plan {i}."
        )
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tillgang(env, "register", "import", str(csv), timeout=300)
    code = (
        "from tillgang.web import setup; setup(None)\n"
        "from django.contrib.auth.models import Group, User\n"
        f"u = User.objects.create_user('lasare', password={PASSWORD!r})\n"
        "u.groups.add(Group.objects.get(name='reader'))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)


def login(client: Any, base: str) -> None:
    page = client.get(f"{base}/konto/logga-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    r = client.post(
        f"{base}/konto/logga-in/",
        data={"username": "lasare", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/konto/logga-in/"},
    )
    assert r.status_code in (200, 302) and "sessionid" in client.cookies, f"login failed: {r.status_code}"


def drive(base: str, clients: int, requests: int, seconds: float, out: Any) -> None:
    """In its own process: log in once per client thread and request pages until the budget is spent."""
    import httpx

    with httpx.Client(follow_redirects=False, timeout=30) as probe:
        login(probe, base)
        plans = re.findall(r'href="(/planer/\d+/)"', probe.get(f"{base}/planer/").text)
        risks = re.findall(r'href="(/risker/\d+/)"', probe.get(f"{base}{plans[0]}").text) if plans else []
    paths = ["/planer/", *plans, *risks[:40]]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    budget = iter(range(requests))
    deadline = time.monotonic() + seconds

    def client_thread(offset: int) -> None:
        with httpx.Client(follow_redirects=False, timeout=30) as c:
            login(c, base)
            i = offset
            while time.monotonic() < deadline:
                with lock:
                    if next(budget, None) is None:
                        return
                path = paths[i % len(paths)]
                i += 1
                t0 = time.perf_counter()
                try:
                    r = c.get(base + path)
                    ok = r.status_code == 200
                    detail = f"{path}: HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    ok, detail = False, f"{path}: {type(exc).__name__}"
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(detail)

    start = time.perf_counter()
    threads = [threading.Thread(target=client_thread, args=(k * 7,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(
        {
            "seconds": time.perf_counter() - start,
            "latencies": latencies,
            "errors": errors[:20],
            "n_errors": len(errors),
        }
    )


def measure(base: str, args: argparse.Namespace) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    q: Any = ctx.Queue()
    p = ctx.Process(target=drive, args=(base, args.clients, args.requests, args.seconds, q))
    p.start()
    result: dict[str, Any] = q.get(timeout=args.seconds + 300)
    p.join()
    return result


def report(name: str, r: dict[str, Any]) -> float:
    lat = sorted(r["latencies"])
    n = len(lat)
    rate = n / r["seconds"] if r["seconds"] else 0.0
    if n:
        q = statistics.quantiles(lat, n=100)
        p50, p95, p99 = q[49] * 1000, q[94] * 1000, q[98] * 1000
    else:
        p50 = p95 = p99 = float("nan")
    print(
        f"  {name:<34} {n:6d} requests {rate:8.1f} req/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
        f"p99 {p99:7.1f} ms  errors {r['n_errors']}"
    )
    for e in r["errors"][:5]:
        print(f"      {e}")
    return rate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=1500, help="requests per measurement (upper bound)")
    ap.add_argument("--seconds", type=float, default=30.0, help="time per measurement (upper bound)")
    ap.add_argument("--clients", type=int, default=8, help="client threads in the driving process")
    ap.add_argument("--threads", type=int, default=8, help="waitress threads")
    ap.add_argument("--risks", type=int, default=120)
    ap.add_argument("--pages", type=int, default=600, help="pages of the crawled site")
    ap.add_argument("--documents", type=int, default=120, help="documents of the crawled site")
    args = ap.parse_args()

    import bench_crawl

    tmp = Path(tempfile.mkdtemp(prefix="tillgang-load-"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        TILLGANG_DATA_DIR=str(tmp / "data"), TILLGANG_ADMIN_PASSWORD=PASSWORD, TILLGANG_SECURE_COOKIES="0"
    )
    pg_db = None
    if env.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg

        pg_db = f"tillgang_load_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_db}"')
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + pg_db
    database = "PostgreSQL" if pg_db else "SQLite (WAL)"

    ctx = mp.get_context("spawn")
    port_queue: Any = ctx.Queue()
    site = ctx.Process(target=bench_crawl.serve, args=(port_queue, args.pages, args.documents), daemon=True)
    server = None
    try:
        prepare(env, args.risks)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "tillgang", "serve", "--port", str(port), "--threads", str(args.threads)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        site.start()
        site_base = f"http://127.0.0.1:{port_queue.get(timeout=60)}"

        print(
            f"{database}; waitress {args.threads} threads; {args.clients} clients; at most {args.requests} "
            f"requests or {args.seconds:g} s per measurement"
        )
        alone = measure(base, args)
        stop = threading.Event()
        crawls: list[str] = []

        def keep_crawling() -> None:
            # crawl and store runs back to back for as long as the clients measure
            n = 0
            while not stop.is_set():
                n += 1
                proc = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "tillgang",
                        "crawl",
                        f"{site_base}/sida/0",
                        "--store",
                        "--quiet",
                        "--delay",
                        "0",
                        "--concurrency",
                        "8",
                        "--max-pages",
                        str(args.pages + 10),
                        "--state",
                        str(tmp / f"crawl-{n}.sqlite"),
                        "--no-robots",
                        "--no-sitemaps",
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=1800,
                )
                crawls.append(
                    "stored"
                    if proc.returncode in (0, 1, 3)
                    else f"exit {proc.returncode}: {proc.stderr[-300:]}"
                )

        writer = threading.Thread(target=keep_crawling, daemon=True)
        writer.start()
        time.sleep(2.0)  # the first crawl is under way before the clients start
        during = measure(base, args)
        stop.set()
        writer.join(timeout=1800)
        print("register pages, alone and while a crawl stores a run:")
        rate_alone = report("alone", alone)
        rate_during = report("during tillgang crawl --store", during)
        if rate_alone:
            print(f"ratio during/alone: {rate_during / rate_alone:.2f}")
        bad = [c for c in crawls if c != "stored"]
        print(f"crawls stored during the measurement: {len(crawls) - len(bad)} of {len(crawls)}")
        for c in bad[:3]:
            print(f"      {c}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if site.is_alive():
            site.terminate()
        if pg_db:
            import psycopg

            admin_url = os.environ["DATABASE_URL"]
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())

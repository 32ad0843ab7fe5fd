"""Benchmark the rendered mode: pages/s of ``tillgang check --render`` against axe-core run in the same Chromium on
the same pages, with the peak memory of each (the Python process, the Playwright driver and every Chromium
process together).

    TILLGANG_AXE_JS=/path/to/axe.min.js python bench/bench_render.py             # 40 pages, 2 rounds
    python bench/bench_render.py --pages 100 --rounds 3 --jobs 2
    python bench/bench_render.py --scripted     # every page also builds a cookie banner with a script

The pages are bench_crawl.py's municipal-style pages (~12 KB: menu, headings, a table, images, a form), served
over HTTP on 127.0.0.1 by this process. Each tool runs in a fresh process with one browser and one page (tab) that
loads the pages one after the other: tillgang loads, settles, probes and runs every HTML rule (browser/check.py,
the same code as ``check --render``, which reuses its tab the same way); axe loads the page (the load event),
injects axe-core and runs ``axe.run()``. Time is counted from the browser's start to the last page; the browser's start-up is printed
apart. With ``--jobs 2`` tillgang also runs its worker pool (browser/pool.py, a browser per worker).
The pages run no script of their own, so tillgang's probe does not wait for a quiet period after the load event
(a page without scripts cannot change after it); ``--scripted`` adds a script to every page, as most municipal
sites have (a cookie banner built after DOMContentLoaded), and tillgang then waits for the page to be quiet.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_crawl import page_html  # noqa: E402  (the same pages as the crawl benchmark)
from bench_crawl import rss_kib as pss_kib  # noqa: E402  (PSS, else RSS)

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fe"
    "a7d6a4a80000000049454e44ae426082"
)


BANNER_JS = (
    "<script>document.addEventListener('DOMContentLoaded', () => {"
    "const d = document.createElement('div'); d.setAttribute('role', 'region');"
    "d.setAttribute('aria-label', 'Kakor'); d.innerHTML = '<p>Vi använder kakor.</p>"
    '<button type="button">Godkänn</button>\'; document.body.prepend(d);});</script>'
).encode()


def serve(pages: int, scripted: bool = False) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/sida/n"):
                body, kind = page_html(int(self.path.rsplit("n", 1)[1]), pages, 0), "text/html; charset=utf-8"
                if scripted:
                    body = body.replace(b"</head>", BANNER_JS + b"</head>")
            elif self.path.endswith((".png", ".jpg")):
                body, kind = PNG, "image/png"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# ------------------------------------------------------------------ one tool, in a fresh process


def run_tillgang(urls: list[str], jobs: int) -> dict[str, Any]:
    from tillgang.browser.check import check_rendered
    from tillgang.browser.pool import render_files
    from tillgang.browser.session import Browser
    from tillgang.engine import CheckOptions

    options = CheckOptions()
    start = time.perf_counter()
    if jobs > 1:
        entries = render_files([(u, u) for u in urls], options, jobs=jobs, allow_private=True)
        return {
            "seconds": time.perf_counter() - start,
            "startup": 0.0,
            "errors": sum(bool(e["error"]) for e in entries),
        }
    with Browser("sv") as browser:
        started = time.perf_counter()
        errors = 0
        for url in urls:
            entry = check_rendered(browser, url, url, options, allow_private=True)
            errors += bool(entry["error"])
        end = time.perf_counter()
    return {"seconds": end - start, "startup": started - start, "errors": errors}


def run_axe(urls: list[str], axe_path: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tillgang.browser.session import chromium_path

    source = Path(axe_path).read_text(encoding="utf-8")
    start = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        started = time.perf_counter()
        violations = 0
        context = browser.new_context(viewport={"width": 1280, "height": 1024})
        page = context.new_page()
        for url in urls:
            page.goto(url, wait_until="load")
            page.add_script_tag(content=source)
            violations += page.evaluate("async () => (await axe.run(document)).violations.length")
            page.goto("about:blank")
        context.close()
        end = time.perf_counter()
        browser.close()
    return {"seconds": end - start, "startup": started - start, "errors": 0, "violations": violations}


# ------------------------------------------------------------------ memory of a process tree


def tree(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, ()))
    return out


def measure(mode: str, base: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, "--base", base, "--pages", str(args.pages)]
    cmd += ["--jobs", str(args.jobs if mode == "tillgang-pool" else 1)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(pss_kib(p) for p in tree(proc.pid)))
        time.sleep(0.05)
    out = proc.stdout.read() if proc.stdout else b""
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(out)
    result["peak_mib"] = peak / 1024
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--jobs", type=int, default=1, help="also run tillgang's worker pool with this many workers"
    )
    parser.add_argument("--scripted", action="store_true", help="every page runs a script (a cookie banner)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--base", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        urls = [f"{args.base}/sida/n{i}" for i in range(args.pages)]
        if args.child == "axe":
            result = run_axe(urls, os.environ["TILLGANG_AXE_JS"])
        else:
            result = run_tillgang(urls, args.jobs)
        print(json.dumps(result))
        return 0
    axe = os.environ.get("TILLGANG_AXE_JS")
    modes = ["tillgang"] + (["tillgang-pool"] if args.jobs > 1 else []) + (["axe"] if axe else [])
    if not axe:
        print("TILLGANG_AXE_JS is not set: axe-core is not measured", file=sys.stderr)
    server, base = serve(args.pages, args.scripted)
    results: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    try:
        for _ in range(args.rounds):
            for mode in modes:
                results[mode].append(measure(mode, base, args))
    finally:
        server.shutdown()
    kind = "pages with a script" if args.scripted else "pages without scripts"
    print(f"{args.pages} {kind}, {args.rounds} rounds (median), one browser and one tab per process")
    print(f"{'tool':14} {'pages/s':>8} {'ms/page':>8} {'start s':>8} {'peak MiB':>9} {'errors':>6}")
    rate: dict[str, float] = {}
    for mode in modes:
        secs = statistics.median(r["seconds"] - r["startup"] for r in results[mode])
        rate[mode] = args.pages / secs
        print(
            f"{mode:14} {rate[mode]:8.1f} {1000 * secs / args.pages:8.1f} "
            f"{statistics.median(r['startup'] for r in results[mode]):8.2f} "
            f"{max(r['peak_mib'] for r in results[mode]):9.0f} {max(r['errors'] for r in results[mode]):6}"
        )
    if "axe" in rate:
        print(
            f"tillgang / axe-core speed: {rate['tillgang'] / rate['axe']:.2f}x (>= 1: tillgang is as fast or faster)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

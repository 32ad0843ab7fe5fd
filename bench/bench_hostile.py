"""The hostile-server crawl (issue 14; docs/security.md "Crawling"): one site on 127.0.0.1 that serves every
hostile case at once, crawled by ``tillgang crawl`` in its own process; prints the crawl's peak memory (the
crawl process and its check workers, resident set sampled from /proc every 50 ms) and fails (exit 1) over the
limit or when the crawl does not end in time.

The cases: responses that drip a byte at a time, a page at the size cap and one far over it (no
Content-Length), endless redirects, one element with 200,000 attributes (quadratic to parse), elements nested
hundreds of thousands deep, a page with tens of thousands of links, and a page that never answers.

    python bench/bench_hostile.py            # the full set (200,000 attributes, 9 MB pages)
    python bench/bench_hostile.py --small    # smaller inputs, for the test suite
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024


def pages(small: bool) -> dict[str, bytes]:
    attrs = 60_000 if small else 200_000
    depth = 50_000 if small else 300_000
    links = 5_000 if small else 50_000
    big = 2 * MiB if small else 9 * MiB
    head = b'<!doctype html><html lang="sv"><head><title>F</title></head><body>'
    tail = b"</body></html>"
    index = b"".join(
        f'<a href="{p}">{p}</a>'.encode()
        for p in ("/drip", "/stor", "/enorm", "/r/0", "/attr", "/djup", "/lankar", "/tyst", "/gzip", "/ok")
    )
    filler = b"<p>" + b"<span>tillganglighet</span> " * 50 + b"</p>\n"
    return {
        "/": head + index + tail,
        "/attr": head + b"<div " + " ".join(f'a{i}="x"' for i in range(attrs)).encode() + b"></div>" + tail,
        "/djup": head + b"<div>" * depth + b"x" + b"</div>" * depth + tail,
        "/lankar": head + b"".join(f'<a href="/l/{i}">{i}</a>'.encode() for i in range(links)) + tail,
        "/stor": head + filler * (big // len(filler)) + tail,
        "/ok": head + b"<h1>OK</h1>" + tail,
    }


def gzip_bomb(size: int) -> bytes:
    """``size`` bytes of zeros, gzipped twice: a few KiB that decode to ``size`` (Content-Encoding: gzip, gzip)."""
    inner = gzip.compress(b"\0" * size, compresslevel=9)
    return gzip.compress(inner, compresslevel=9)


def serve(small: bool) -> tuple[ThreadingHTTPServer, str]:
    bodies = pages(small)
    bomb = gzip_bomb((256 if small else 1024) * MiB)
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, body: bytes, status: int = 200, length: bool = True) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if length:
                self.send_header("Content-Length", str(len(body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._route(self.path)

        def _route(self, path: str) -> None:
            if path == "/robots.txt":
                self._send(b"User-agent: *\nAllow: /\n")
            elif path.startswith("/r/"):  # redirects without end
                self.send_response(302)
                self.send_header("Location", f"/r/{int(path[3:]) + 1}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/drip":  # a byte every 0.2 s, for ever
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                while not stop.wait(0.2):
                    self.wfile.write(b"<")
                    self.wfile.flush()
            elif path == "/enorm":  # far over the page cap, no Content-Length
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.close_connection = True
                self.end_headers()
                chunk = b"<p>x</p>" * 8192
                for _ in range(64 * MiB // len(chunk)):
                    if stop.is_set():
                        return
                    self.wfile.write(chunk)
            elif path == "/gzip":  # a nested gzip bomb: decoded bytes must be counted across both layers
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Encoding", "gzip, gzip")
                self.send_header("Content-Length", str(len(bomb)))
                self.end_headers()
                self.wfile.write(bomb)
            elif path == "/tyst":  # never answers
                stop.wait(600)
            elif path in bodies:
                self._send(bodies[path])
            else:
                self._send(b"<html><head><title>L</title></head><body>l</body></html>")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]
    server.stop_event = stop  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its children (the check workers)."""
    total = 0
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                pids.append(int(entry))
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def crawl(base: str, small: bool, limit_s: float) -> tuple[int, float, int, dict[str, Any]]:
    """Run the crawl; (exit code, seconds, peak bytes, the run)."""
    import json

    with tempfile.TemporaryDirectory(prefix="tillgang-hostile-") as tmp:
        cfg = Path(tmp) / "tillgang.toml"
        timeout = 3.0 if small else 10.0
        cfg.write_text(
            f"check_timeout = {timeout}\nrequest_timeout = {timeout}\nread_timeout = 2.0\nretries = 0\n"
            f"max_pages = {300 if small else 2000}\nmax_redirects = 10\nmax_html_bytes = {10 * MiB}\n",
            encoding="utf-8",
        )
        out = Path(tmp) / "run.json"
        cmd = [sys.executable, "-m", "tillgang", "crawl", base + "/", "--config", str(cfg), "--out", str(out)]
        cmd += ["--state", str(Path(tmp) / "state.sqlite"), "--delay", "0", "--jobs", "2", "--quiet"]
        cmd += ["--no-sitemaps", "--concurrency", "4", "--per-host", "4"]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        start = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = 0
        try:
            while proc.poll() is None and time.monotonic() - start < limit_s:
                peak = max(peak, tree_rss(proc.pid))
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(30)
        took = time.monotonic() - start
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        return proc.returncode, took, peak, data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--limit-mb", type=float, default=500.0)
    parser.add_argument("--max-seconds", type=float, default=240.0)
    args = parser.parse_args(argv)
    server, base = serve(args.small)
    try:
        code, took, peak, data = crawl(base, args.small, args.max_seconds)
    finally:
        server.stop_event.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()
    summary = data.get("summary", {})
    print(f"exit {code}; {took:.1f} s; status {summary.get('status')}; errors {summary.get('errors')}")
    print(f"peak RSS (crawl + workers): {peak / MiB:.0f} MB (limit {args.limit_mb:.0f} MB)")
    ok = bool(data) and took < args.max_seconds and peak < args.limit_mb * MiB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Crawl benchmark (issue 3, notes §8.11): a generated local site on 127.0.0.1, politeness off.

Measures, in the same run:
  * the bare fetch rate: httpx GETs of the same URLs, same concurrency, same process, bodies read, nothing else;
  * the crawl: ``tillgang.crawl`` with robots/sitemaps/delay off, every page and document checked in the pool;
  * peak memory: ru_maxrss of this process, and the peak of (this process + check workers) sampled from /proc
    (the site server runs in its own process and is not counted);
  * the HTML cost per page in-process: parsing (reader) apart from checking (the 5 ms/page target is for checks).

    python bench/bench_crawl.py            # 10,000 pages, 2,000 documents
    python bench/bench_crawl.py --small    # 1,000 pages, 200 documents
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing as mp
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FANOUT = 10


def make_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "Protokoll"
    d.add_heading("Protokoll", 1)
    for i in range(20):
        d.add_paragraph(f"Paragraf {i}: kommunstyrelsen beslutar att godkänna förslaget.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def page_html(i: int, pages: int, documents: int) -> bytes:
    """A municipal-style page (~12 KB): header, nav, main with headings, a table, images, links."""
    children = [c for c in range(i * FANOUT + 1, i * FANOUT + FANOUT + 1) if c < pages]
    nav = "".join(f'<li><a href="/sida/{n}">Sida {n}</a></li>' for n in (0, 1, 2, 3, 4, 5) if n < pages)
    links = "".join(f'<li><a href="/sida/{c}">Undersida {c}</a></li>' for c in children)
    docs = ""
    if documents:
        for k in range(2):
            d = (i * 2 + k) % documents
            ext = "pdf" if d % 2 == 0 else "docx"
            docs += f'<li><a href="/dokument/{d}.{ext}">Dokument {d}</a></li>'
    para = (
        "<p>Kommunen arbetar för att alla ska kunna ta del av information och service. Här finns "
        "kontaktuppgifter, öppettider och blanketter för ansökan om bygglov, förskola och bistånd.</p>"
    )
    rows = "".join(f"<tr><th scope='row'>Rad {r}</th><td>{r * 3}</td><td>{r * 7}</td></tr>" for r in range(8))
    body = (
        f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Sida {i} - Exempelkommun</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>'
        '<a href="#main" class="skip">Till innehållet</a><header><img src="/logo.png" alt="Exempelkommun">'
        f'<nav aria-label="Huvudmeny"><ul>{nav}</ul></nav></header><main id="main"><h1>Sida {i}</h1>'
        + "".join(f"<h2>Avsnitt {s}</h2>{para * 4}" for s in range(5))
        + f"<table><caption>Statistik</caption><tr><th>Namn</th><th>A</th><th>B</th></tr>{rows}</table>"
        + f'<img src="/bild/{i}.jpg" alt="Bild {i}"><ul>{links}</ul><ul>{docs}</ul>'
        + '<form><label for="q">Sök</label><input id="q" type="search"><button>Sök</button></form>'
        + "</main><footer><p>Exempelkommun, 123 45 Exempelstad</p></footer></body></html>"
    )
    return body.encode("utf-8")


# ------------------------------------------------------------------ the site server (its own process)


def serve(port_queue: mp.Queue, pages: int, documents: int) -> None:  # type: ignore[type-arg]
    pdf = make_pdf()
    docx = make_docx()
    cache: dict[int, bytes] = {}

    def resolve(path: str) -> tuple[int, str, bytes]:
        if path.startswith("/sida/"):
            try:
                i = int(path[6:])
            except ValueError:
                return 404, "text/plain", b"nej"
            if 0 <= i < pages:
                body = cache.get(i)
                if body is None:
                    body = cache[i] = page_html(i, pages, documents)
                return 200, "text/html; charset=utf-8", body
        if path.startswith("/dokument/"):
            name = path[10:]
            if name.endswith(".pdf"):
                return 200, "application/pdf", pdf + b"%" + name.encode() + b"\n"
            if name.endswith(".docx"):
                return (
                    200,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    docx,
                )
        return 404, "text/plain", b"nej"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode("latin-1")
                parts = line.split(" ")
                path = parts[1] if len(parts) > 1 else "/"
                status, ctype, body = resolve(path)
                reason = "OK" if status == 200 else "Not Found"
                writer.write(
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                    f"Connection: keep-alive\r\n\r\n".encode("latin-1")
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_queue.put(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# ------------------------------------------------------------------ measurements


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_of(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(name))
        except (OSError, IndexError, ValueError):
            continue
    return out


class RssSampler(threading.Thread):
    def __init__(self, exclude: set[int]) -> None:
        super().__init__(daemon=True)
        self.exclude = exclude
        self.peak_kib = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.25):
            pids = [me] + [p for p in children_of(me) if p not in self.exclude]
            self.peak_kib = max(self.peak_kib, sum(rss_kib(p) for p in pids))


async def bare_fetch(urls: list[str], concurrency: int) -> float:
    import httpx

    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    async with httpx.AsyncClient(
        limits=httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2),
        trust_env=False,
    ) as client:

        async def worker() -> None:
            while not queue.empty():
                url = queue.get_nowait()
                r = await client.get(url)
                await r.aread()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start


def html_cost(pages: int, documents: int, sample: int = 200) -> tuple[float, float]:
    """Median ms per page: parsing (the reader) and checking (check_document), in this process."""
    from tillgang.engine import CheckOptions, check_document
    from tillgang.limits import DEFAULT_LIMITS
    from tillgang.readers import read

    parse_ms: list[float] = []
    check_ms: list[float] = []
    options = CheckOptions()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(min(sample, pages)):
            path = Path(tmp) / f"{i}.html"
            path.write_bytes(page_html(i, pages, documents))
            t0 = time.perf_counter()
            doc = read(path, "html", str(path), DEFAULT_LIMITS)
            t1 = time.perf_counter()
            check_document(doc, options)
            t2 = time.perf_counter()
            doc.close()
            if i >= 5:  # warm-up
                parse_ms.append((t1 - t0) * 1000)
                check_ms.append((t2 - t1) * 1000)
    return statistics.median(parse_ms), statistics.median(check_ms)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--documents", type=int, default=2_000)
    ap.add_argument("--small", action="store_true", help="1,000 pages and 200 documents")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--jobs", type=int, default=0, help="check workers (0 = cores)")
    args = ap.parse_args()
    if args.small:
        args.pages, args.documents = 1_000, 200

    from tillgang.crawl.config import CrawlConfig
    from tillgang.crawl.run import Crawl

    ctx = mp.get_context("spawn")
    port_queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    server = ctx.Process(target=serve, args=(port_queue, args.pages, args.documents), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port_queue.get(timeout=60)}"
    try:
        urls = [f"{base}/sida/{i}" for i in range(args.pages)]
        urls += [f"{base}/dokument/{d}.{'pdf' if d % 2 == 0 else 'docx'}" for d in range(args.documents)]
        bare_s = asyncio.run(bare_fetch(urls, args.concurrency))
        bare_rate = len(urls) / bare_s

        sampler = RssSampler(exclude={server.pid or -1})
        sampler.start()
        with tempfile.TemporaryDirectory() as tmp:
            config = CrawlConfig(
                start_urls=(f"{base}/sida/0",),
                delay=0.0,
                jitter=0.0,
                concurrency=args.concurrency,
                per_host_concurrency=args.concurrency,
                obey_robots=False,
                use_sitemaps=False,
                max_pages=args.pages + 10,
                max_documents=args.documents + 10,
                max_depth=50,
                exclude=(),
                check_jobs=args.jobs,
                state_file=str(Path(tmp) / "state.sqlite"),
            )
            start = time.perf_counter()
            out = asyncio.run(Crawl(config, progress=sys.stderr.isatty()).run())
            crawl_s = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
    finally:
        server.terminate()
        server.join()
    s = out["summary"]
    n_pages, n_docs = s["pages"], s["documents"]
    crawl_rate = (n_pages + n_docs) / crawl_s
    parse_ms, check_ms = html_cost(args.pages, args.documents)
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"site: {args.pages} pages, {args.documents} documents on {base}; concurrency {args.concurrency}")
    print(f"bare fetch:  {len(urls)} URLs in {bare_s:.1f} s = {bare_rate:.0f} URLs/s")
    print(
        f"crawl:       {n_pages} pages + {n_docs} documents in {crawl_s:.1f} s = {crawl_rate:.0f} URLs/s "
        f"({n_pages / crawl_s:.0f} pages/s, {n_docs / crawl_s:.1f} documents/s); errors {s['errors']}"
    )
    print(f"ratio:       crawl / bare fetch = {crawl_rate / bare_rate:.2f} (target >= 0.5)")
    print(
        f"peak RSS:    main process {self_rss:.0f} MiB; main + check workers (sampled) {sampler.peak_kib / 1024:.0f} MiB"
    )
    print(
        f"HTML cost:   parse {parse_ms:.2f} ms/page, checks {check_ms:.2f} ms/page (target < 5 ms for checks)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

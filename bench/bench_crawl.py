"""Crawl benchmark (issue 3; docs/crawl.md "Performance"): a generated local site on 127.0.0.1, politeness off.

Measures, in the same run, in ``--rounds`` rounds (bare fetches and a crawl alternated, medians reported, since
a shared machine's speed drifts by ±20 % from one minute to the next):
  * the bare fetch rate: httpx GETs of the same URLs, same concurrency, same process, bodies read, nothing else;
    once with a plain httpx client (the issue's definition) and once with the crawler's own client, whose
    transport avoids httpcore's per-request costs (crawl/transport.py); the ratio is printed against both;
  * the crawl: ``tillgang.crawl`` with robots/sitemaps/delay off, every page and document checked in the pool;
  * peak memory: ru_maxrss of this process, and the peak of (this process + check workers) sampled from /proc
    (proportional set size, so that memory a forked worker shares with this process is counted once)
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
    nav = "".join(f'<li><a href="/sida/n{n}">Sida {n}</a></li>' for n in (0, 1, 2, 3, 4, 5) if n < pages)
    links = "".join(f'<li><a href="/sida/n{c}">Undersida {c}</a></li>' for c in children)
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
                i = int(path[7:])
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
    """The process's proportional set size (PSS: shared pages divided among the processes sharing them, so a
    worker forked from the crawl process is not counted twice), or its RSS where PSS is not available."""
    for name, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name, encoding="ascii") as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
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
        self.paused = False  # during the bare fetches
        self.stop = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.25):
            if self.paused:
                continue
            pids = [me] + [p for p in children_of(me) if p not in self.exclude]
            self.peak_kib = max(self.peak_kib, sum(rss_kib(p) for p in pids))


async def bare_fetch(urls: list[str], concurrency: int, client_kind: str = "httpx") -> float:
    """Seconds to GET every URL and read its body, ``concurrency`` at a time, nothing else. ``client_kind``:
    "httpx" (a plain httpx.AsyncClient) or "tillgang" (the crawler's own client, ``make_client``), both with
    one connection per worker, as the crawl has."""
    import httpx

    from tillgang.crawl.fetch import FetchSettings, make_client

    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    if client_kind == "tillgang":
        client = make_client(FetchSettings(), concurrency)
    else:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        client = httpx.AsyncClient(limits=limits, trust_env=False)
    async with client:

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


def crawl_once(base: str, args: argparse.Namespace, tmp: str) -> tuple[float, dict]:  # type: ignore[type-arg]
    from tillgang.crawl.config import CrawlConfig
    from tillgang.crawl.run import Crawl

    config = CrawlConfig(
        start_urls=(f"{base}/sida/n0",),
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
    return time.perf_counter() - start, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--documents", type=int, default=2_000)
    ap.add_argument("--small", action="store_true", help="1,000 pages and 200 documents")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--jobs", type=int, default=0, help="check workers (0 = cores)")
    ap.add_argument(
        "--rounds", type=int, default=3, help="bare fetches and crawls, alternated; medians count"
    )
    args = ap.parse_args()
    if args.small:
        args.pages, args.documents = 1_000, 200

    ctx = mp.get_context("spawn")
    port_queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    server = ctx.Process(target=serve, args=(port_queue, args.pages, args.documents), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port_queue.get(timeout=60)}"
    urls = [f"{base}/sida/n{i}" for i in range(args.pages)]  # not /sida/1999: a calendar trap
    urls += [f"{base}/dokument/{d}.{'pdf' if d % 2 == 0 else 'docx'}" for d in range(args.documents)]
    bare: dict[str, list[float]] = {"httpx": [], "tillgang": []}
    crawls: list[tuple[float, int, int]] = []
    sampler = RssSampler(exclude={server.pid or -1})
    try:
        asyncio.run(bare_fetch(urls[:200], args.concurrency))  # the server builds its page cache
        sampler.start()
        for _ in range(args.rounds):
            for kind in bare:
                sampler.paused = True
                bare[kind].append(len(urls) / asyncio.run(bare_fetch(urls, args.concurrency, kind)))
                sampler.paused = False
            with tempfile.TemporaryDirectory() as tmp:
                seconds, out = crawl_once(base, args, tmp)
            s = out["summary"]
            if s["pages"] != args.pages or s["documents"] != args.documents or s["errors"]:
                print(f"the crawl missed URLs or failed: {s}", file=sys.stderr)
                return 1
            crawls.append((seconds, s["pages"], s["documents"]))
            del out  # not kept while the next round runs
        sampler.stop.set()
        sampler.join()
    finally:
        server.terminate()
        server.join()
    med = statistics.median
    rates = [(p + d) / t for t, p, d in crawls]
    crawl_rate = med(rates)
    parse_ms, check_ms = html_cost(args.pages, args.documents)
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def fmt(values: list[float]) -> str:
        return ", ".join(f"{v:.0f}" for v in values)

    print(f"site: {args.pages} pages, {args.documents} documents on {base}; concurrency {args.concurrency}")
    print(f"rounds: {args.rounds} (bare fetches and crawls alternated; medians below)")
    print(f"bare fetch (plain httpx):      {med(bare['httpx']):.0f} URLs/s  [{fmt(bare['httpx'])}]")
    print(f"bare fetch (tillgang client):  {med(bare['tillgang']):.0f} URLs/s  [{fmt(bare['tillgang'])}]")
    t, p, d = sorted(crawls, key=lambda c: (c[1] + c[2]) / c[0])[len(crawls) // 2]
    print(
        f"crawl:                         {crawl_rate:.0f} URLs/s  [{fmt(rates)}] "
        f"({p / t:.0f} pages/s, {d / t:.1f} documents/s in the median round)"
    )
    for kind, label in (("httpx", "plain httpx (the issue's baseline)"), ("tillgang", "tillgang's client")):
        per_round = ", ".join(f"{r / b:.2f}" for r, b in zip(rates, bare[kind], strict=True))
        print(
            f"ratio:       crawl / bare fetch with {label} = {crawl_rate / med(bare[kind]):.2f} "
            f"(target >= 0.5; per round {per_round})"
        )
    print(
        f"peak memory: main process {self_rss:.0f} MiB (RSS); main + check workers during crawls, sampled: "
        f"{sampler.peak_kib / 1024:.0f} MiB (PSS)"
    )
    print(
        f"HTML cost:   parse {parse_ms:.2f} ms/page, checks {check_ms:.2f} ms/page (target < 5 ms for checks)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The cost of the keyboard-trap phase (browser/keytrap.py) on bench_render.py's pages: the phase's own time per
page, measured around ``keytrap.measure`` inside ``Browser.open`` (the rest of the rendered check is the same with
or without it).

    TILLGANG_CHROMIUM=/usr/bin/chromium python bench/bench_keytrap.py --pages 20

Three variants of each page: as bench_crawl.py writes it (no script: the page probe says so and nothing is
looked for; with ``--scripted`` a script that does nothing is added, so the phase looks for listeners), with a
site-wide keydown listener that moves no focus (the fast walk: about one Tab press per focusable element), and
with a field whose blur handler takes focus back (the careful walks and their pauses, up to the 4 s budget).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

from bench_crawl import page_html  # noqa: E402

from tillgang.browser import keytrap, session  # noqa: E402

LISTENER = b'<script>document.addEventListener("keydown", (e) => { if (e.key === "Escape") {} });</script>'
TRAP = (
    b'<p><label>Kod <input id="kod" onblur="setTimeout(() => this.focus(), 10)"></label></p>'
    + b'<script>document.addEventListener("keydown", () => {});</script>'
)
VARIANTS = {"plain": b"", "listener": LISTENER, "trap": TRAP}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--scripted", action="store_true", help="add a script that does nothing to every page")
    args = ap.parse_args()
    if args.scripted:
        for name in VARIANTS:
            VARIANTS[name] += b"<script>window.ingenting = 1;</script>"
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    counts: dict[str, list[int]] = {name: [] for name in VARIANTS}
    current: list[str] = ["plain"]
    measure = keytrap.measure

    def timed(page: Any, error: type[Exception], scripted: bool = True) -> Any:
        start = time.perf_counter()
        raw = measure(page, error, scripted)
        times[current[0]].append((time.perf_counter() - start) * 1000)
        counts[current[0]].append(len((raw or {}).get("results") or ()))
        return raw

    session.measure_keytrap = timed  # type: ignore[assignment]
    executable = os.environ.get("TILLGANG_CHROMIUM") or None
    with tempfile.TemporaryDirectory() as tmp, session.Browser("sv", executable=executable) as browser:
        for i in range(args.pages):
            html = page_html(i, args.pages, 0)
            for name, extra in VARIANTS.items():
                path = Path(tmp) / f"{name}-{i}.html"
                path.write_bytes(html.replace(b"</main>", extra + b"</main>", 1))
                current[0] = name
                with browser.open(str(path)):
                    pass
    for name in VARIANTS:
        t = times[name]
        print(
            f"{name:9} pages {len(t):3}  keytrap phase median {statistics.median(t):7.1f} ms  "
            f"max {max(t):7.1f} ms  elements judged (median) {statistics.median(counts[name]):.0f}"
        )


if __name__ == "__main__":
    main()

"""Benchmark `tillgang check`: documents per second and peak memory, against a baseline in the same run.

The baseline opens each file and walks it with the parsers the readers use, and does nothing more:
PDF with pikepdf (open, touch every page and every object of the structure tree), OOXML by unzipping and
parsing every XML part with lxml. The full check reads the same files into the model and runs every rule.

    python bench/bench_check.py                    # fixtures + $TILLGANG_SHARED/corpora (veraPDF and hostile)
    python bench/bench_check.py DIR_OR_FILE ...    # your own corpus
    python bench/bench_check.py --repeat 3 --no-per-doc

Each measurement runs in a fresh process, so peak memory (ru_maxrss) is that mode's own. Printed: seconds,
documents/s, peak RSS, and the ratios (check/baseline time, --jobs 2 speed-up over --jobs 1), then the peak
memory of the largest documents and every hostile file, each checked alone in a fresh process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TILLGANG_SHARED", ROOT.parent / "shared"))
SUFFIXES = {".pdf", ".docx", ".pptx"}
MB = 1024 * 1024


def corpus(paths: list[str]) -> list[Path]:
    roots = [Path(p) for p in paths] or [
        ROOT / "fixtures",
        ROOT / "examples",
        SHARED / "corpora" / "verapdf-pdfua1",
        SHARED / "corpora" / "hostile",
    ]
    files: list[Path] = []
    for root in roots:
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files.extend(p for p in sorted(root.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES)
    return files


# ---------------------------------------------------------------- what a child process measures


def baseline_one(path: Path) -> None:
    """Open and walk with pikepdf / unzip and parse every XML part with lxml; nothing more."""
    from lxml import etree

    head = path.open("rb").read(8)
    if head.startswith(b"%PDF"):
        import pikepdf

        try:
            with pikepdf.open(path) as pdf:
                for page in pdf.pages:
                    page.obj.get("/Contents")
                root = pdf.Root.get("/StructTreeRoot")
                stack = [root] if root is not None else []
                seen: set[tuple[int, int]] = set()
                while stack:
                    node = stack.pop()
                    if isinstance(node, pikepdf.Dictionary):
                        if node.is_indirect:
                            if node.objgen in seen:
                                continue
                            seen.add(node.objgen)
                        kids = node.get("/K")
                        if kids is not None:
                            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
                    elif isinstance(node, pikepdf.Array):
                        stack.extend(node)
        except Exception:
            pass
    elif head.startswith(b"PK"):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.filename.endswith((".xml", ".rels")):
                        with contextlib.suppress(etree.XMLSyntaxError):
                            etree.fromstring(zf.read(info), parser)
        except (zipfile.BadZipFile, OSError, EOFError):
            pass


def child(mode: str, listing: Path, jobs: int) -> dict[str, float | int]:
    files = [Path(line) for line in listing.read_text(encoding="utf-8").splitlines() if line]
    start = time.perf_counter()
    if mode == "baseline":
        for f in files:
            baseline_one(f)
    elif mode == "check":
        from tillgang.engine import CheckOptions, check_file

        for f in files:
            check_file(f, CheckOptions())
    elif mode == "pool":
        from tillgang.engine import CheckOptions, check_files

        check_files([(str(f), str(f)) for f in files], CheckOptions(), jobs=jobs)
    else:
        raise SystemExit(f"unknown mode {mode}")
    elapsed = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": elapsed, "docs": len(files), "peak_self": own, "peak_children": kids}


def run_child(mode: str, files: list[Path], jobs: int = 1) -> dict[str, float | int]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(str(f) for f in files))
        listing = fh.name
    try:
        cmd = [sys.executable, __file__, "--child", mode, "--listing", listing, "--jobs", str(jobs)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        result: dict[str, float | int] = json.loads(proc.stdout.strip().splitlines()[-1])
        return result
    finally:
        os.unlink(listing)


def best(mode: str, files: list[Path], repeat: int, jobs: int = 1) -> dict[str, float | int]:
    runs = [run_child(mode, files, jobs) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--largest", type=int, default=5, help="check the N largest documents alone for memory")
    ap.add_argument("--no-per-doc", action="store_true", help="skip the per-document memory measurement")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--listing", help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.listing), args.jobs)))
        return 0

    files = corpus(args.paths)
    if not files:
        print("no documents found", file=sys.stderr)
        return 2
    total = sum(f.stat().st_size for f in files)
    print(
        f"corpus: {len(files)} documents, {total / MB:.1f} MB; best of {args.repeat} runs, each in a fresh process"
    )

    base = best("baseline", files, args.repeat)
    full = best("check", files, args.repeat)
    one = best("pool", files, args.repeat, jobs=1)
    two = best("pool", files, args.repeat, jobs=2)

    def line(name: str, r: dict[str, float | int]) -> None:
        peak = max(r["peak_self"], r["peak_children"]) / MB
        rate = r["docs"] / r["seconds"] if r["seconds"] else float("inf")
        print(f"  {name:<34} {r['seconds']:8.2f} s  {rate:8.1f} docs/s  peak {peak:7.1f} MB")

    line("baseline (open + parse only)", base)
    line("tillgang check, in process", full)
    line("tillgang check --jobs 1 (pool)", one)
    line("tillgang check --jobs 2 (pool)", two)
    print(f"ratio check / baseline:           {full['seconds'] / base['seconds']:.2f}x (target <= 3)")
    print(f"scaling --jobs 2 over --jobs 1:   {one['seconds'] / two['seconds']:.2f}x (target >= 1.7)")

    if not args.no_per_doc:
        hostile = SHARED / "corpora" / "hostile"
        alone = sorted(files, key=lambda f: f.stat().st_size, reverse=True)[: args.largest]
        alone += [f for f in files if hostile in f.parents and f not in alone]
        print("peak memory of one document checked alone (fresh process):")
        worst = 0.0
        for f in alone:
            r = run_child("check", [f], 1)
            peak = r["peak_self"] / MB
            worst = max(worst, peak)
            print(f"  {peak:7.1f} MB  {r['seconds']:6.2f} s  {f.stat().st_size / MB:7.2f} MB  {f.name}")
        print(f"largest peak: {worst:.1f} MB (target < 500)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

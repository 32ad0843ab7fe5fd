"""PDF speed: tillgang per PDF against page-validation per PDF and a bare pikepdf open-and-walk, same files, same run.

    python bench/bench_pdf.py                          # realworld-pdf
    python bench/bench_pdf.py --validator-python P     # else $TILLGANG_PDF_VALIDATOR_PYTHON or /work/pv-venv
    python bench/bench_pdf.py --spawn-sample 40        # also one process per PDF, for 40 files
    python bench/bench_pdf.py --repeat 3               # each mode 3 times, interleaved; medians
    python bench/bench_pdf.py --compare-src OLD/src    # also tillgang from another tree (before/after, same run)
    python bench/bench_pdf.py --mixed                  # also bench_check's whole check / baseline, --jobs 1
    python bench/bench_pdf.py --cold                   # no warm-up call: one-time start-up counted

Measured, each in a process of its own (so one does not warm the caches of another):
- baseline: pikepdf.open, every page's /Contents and /Resources touched, the structure tree walked (what any
  checker must at least do), close;
- tillgang in-process: ``check_file`` with every rule (as ``tillgang check --jobs 1`` does per document);
- page-validation in-process: ``page.validate_pdf(path, profile="ua1")`` in the validator's environment;
- with --spawn-sample N: ``python -m tillgang check FILE`` (and --compare-src's) and a validator process per file,
  on N files, in turn for each of the --repeat rounds.
Before the clock starts, each process checks the first file once (a warm-up call), so that one-time imports and
set-up count for no mode: ``import page`` is outside the validator's clock, and tillgang's first ``check_file``
imports the reader, the checks and the catalogue (~0.3-0.5 s); ``--cold`` counts them. Modules imported lazily by
later files (fontTools for a CFF program, langcodes for a language tag) still count. Files that any of them cannot
read count for all (the time is spent). Printed: total seconds, ms per file,
median, the CPU seconds of each mode (process time: steadier than wall time on a loaded machine), and the two
ratios with their targets: tillgang / page-validation (<= 1.0) and tillgang / open-and-walk;
with --mixed also the whole check / open-and-parse over bench_check's mixed corpus, in process (<= 3). The machine
is shared: with --repeat the modes run in turn N times and the median total of each is used.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from pdf_agreement import corpus_files, validator_python  # noqa: E402

_TIMER = r"""
import json, sys, time
mode = sys.argv[1]
paths = [line.rstrip("\n") for line in sys.stdin]
if mode == "validator":
    import page
    def run(p):
        page.validate_pdf(p, profile="ua1")
elif mode == "tillgang":
    from tillgang.engine import check_file
    def run(p):
        check_file(p)
else:
    import pikepdf
    def run(p):
        with pikepdf.open(p) as pdf:
            for page in pdf.pages:
                page.obj.get("/Contents"); page.obj.get("/Resources")
            root = pdf.Root.get("/StructTreeRoot")
            stack, seen = ([root] if root is not None else []), set()
            while stack:
                node = stack.pop()
                if isinstance(node, pikepdf.Dictionary):
                    og = node.objgen
                    if og != (0, 0):
                        if og in seen:
                            continue
                        seen.add(og)
                    kids = node.get("/K")
                    if isinstance(kids, pikepdf.Array):
                        stack.extend(kids)
                    elif kids is not None:
                        stack.append(kids)
                elif isinstance(node, pikepdf.Array):
                    stack.extend(node)
warm = 0.0
if sys.argv[2] == "warm" and paths:  # one-time imports and set-up, outside the clock (every mode alike)
    start = time.perf_counter()
    try:
        run(paths[0])
    except Exception:
        pass
    warm = time.perf_counter() - start
times = []
cpu_start = time.process_time()
for p in paths:
    start = time.perf_counter()
    try:
        run(p)
    except Exception:
        pass
    times.append(time.perf_counter() - start)
print(json.dumps({"warm": warm, "times": times, "cpu": time.process_time() - cpu_start}))
"""


WARM: dict[str, list[float]] = {}  # mode label -> the warm-up call's seconds, per run
CPU: dict[str, list[float]] = {}  # mode label -> CPU seconds of the timed files, per run


def timed(
    python: str, mode: str, files: list[Path], src: Path = ROOT / "src", label: str = "", cold: bool = False
) -> list[float]:
    """Seconds per file of ``mode`` in one fresh process. Unless ``cold``, the first file is checked once before
    the clock starts (its time is kept in ``WARM[label]``), so that one-time imports and set-up (tillgang's
    reader, checks and catalogue; the validator's module) count for no mode."""
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run(
        [python, "-c", _TIMER, mode, "cold" if cold else "warm"],
        input="\n".join(str(p) for p in files),
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    data = json.loads(out.stdout)
    WARM.setdefault(label or mode, []).append(float(data["warm"]))
    CPU.setdefault(label or mode, []).append(float(data["cpu"]))
    return [float(x) for x in data["times"]]


def spawned(command: list[str], files: list[Path], src: Path = ROOT / "src") -> float:
    env = dict(os.environ, PYTHONPATH=str(src))
    start = time.perf_counter()
    for path in files:
        subprocess.run([*command, str(path)], capture_output=True, check=False, env=env)
    return time.perf_counter() - start


def spawn_report(args: argparse.Namespace, files: list[Path], python: str) -> None:
    """One process per PDF on a sample: this tree's ``tillgang check``, --compare-src's, and the validator, in
    turn for each of --repeat rounds; the median of each."""
    sample = files[:: max(1, len(files) // args.spawn_sample)][: args.spawn_sample]
    snippet = "import sys, page; page.validate_pdf(sys.argv[1], profile='ua1')"
    ours_cmd = [sys.executable, "-m", "tillgang", "check", "--jobs", "1"]
    runs: dict[str, list[float]] = {"ours": [], "old": [], "theirs": []}
    for _ in range(max(1, args.repeat)):
        runs["ours"].append(spawned(ours_cmd, sample))
        if args.compare_src:
            runs["old"].append(spawned(ours_cmd, sample, Path(args.compare_src)))
        runs["theirs"].append(spawned([python, "-c", snippet], sample))
    ours, theirs = statistics.median(runs["ours"]), statistics.median(runs["theirs"])
    print(f"\none process per PDF, {len(sample)} files, median of {max(1, args.repeat)} round(s):")
    print(f"tillgang check FILE         {1000 * ours / len(sample):8.1f} ms/file")
    if runs["old"]:
        old = statistics.median(runs["old"])
        print(f"--compare-src check FILE    {1000 * old / len(sample):8.1f} ms/file")
    print(f"page-validation             {1000 * theirs / len(sample):8.1f} ms/file")
    print(f"tillgang / page-validation: {ours / theirs:.2f}x")
    if runs["old"]:
        print(f"--compare-src / page-validation: {old / theirs:.2f}x")


def median_run(runs: list[list[float]]) -> list[float]:
    """The run whose total is the median."""
    return sorted(runs, key=sum)[len(runs) // 2]


def line(label: str, times: list[float]) -> str:
    total = sum(times)
    return (
        f"{label:28} {total:8.2f} s  {1000 * total / len(times):8.2f} ms/file  "
        f"median {1000 * statistics.median(times):7.2f} ms  max {max(times):6.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--validator-python")
    parser.add_argument("--verapdf", action="store_true", help="also the verapdf-pdfua1 corpus")
    parser.add_argument("--spawn-sample", type=int, default=0, help="one process per PDF for N files")
    parser.add_argument("--repeat", type=int, default=1, help="run each mode N times, in turn; medians")
    parser.add_argument(
        "--compare-src", help="also time tillgang from this src folder (e.g. a main worktree)"
    )
    parser.add_argument("--mixed", action="store_true", help="also bench_check's check / baseline, --jobs 1")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no warm-up call: one-time imports and set-up count in the first file",
    )
    args = parser.parse_args(argv)
    python = validator_python(args.validator_python)
    files = corpus_files(args.verapdf)
    if not files or python is None:
        print("no corpus or no validator environment", file=sys.stderr)
        return 2
    runs: dict[str, list[list[float]]] = {"base": [], "ours": [], "theirs": [], "old": []}
    for _ in range(max(1, args.repeat)):
        runs["base"].append(timed(sys.executable, "baseline", files, cold=args.cold))
        runs["ours"].append(timed(sys.executable, "tillgang", files, cold=args.cold))
        runs["theirs"].append(timed(python, "validator", files, cold=args.cold))
        if args.compare_src:
            src = Path(args.compare_src)
            runs["old"].append(timed(sys.executable, "tillgang", files, src, "old", args.cold))
    base, ours, theirs = (median_run(runs[k]) for k in ("base", "ours", "theirs"))
    print(f"{len(files)} PDFs, in-process, one process per mode, median of {max(1, args.repeat)} run(s)")
    if not args.cold:
        warm = ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in WARM.items())
        print(f"warm-up call on the first file, outside the clock (median): {warm}")
    print(line("baseline (open and walk)", base))
    print(line("tillgang check_file", ours))
    if runs["old"]:
        print(line("tillgang from --compare-src", median_run(runs["old"])))
    print(line("page-validation ua1", theirs))
    print(f"tillgang / page-validation: {sum(ours) / sum(theirs):.2f}x (target <= 1.0)")
    print(f"tillgang / open-and-walk:   {sum(ours) / sum(base):.2f}x")
    cpu = {k: statistics.median(v) for k, v in CPU.items()}
    print(
        f"CPU seconds (median; steadier than wall time on a shared machine): tillgang {cpu['tillgang']:.2f}, "
        f"page-validation {cpu['validator']:.2f}, ratio {cpu['tillgang'] / cpu['validator']:.2f}x"
        + (
            f"; --compare-src {cpu['old']:.2f}, ratio {cpu['old'] / cpu['validator']:.2f}x"
            if "old" in cpu
            else ""
        )
    )
    if runs["old"]:
        old = median_run(runs["old"])
        print(
            f"--compare-src / page-validation: {sum(old) / sum(theirs):.2f}x, / open-and-walk: {sum(old) / sum(base):.2f}x"
        )
    if args.mixed:
        import bench_check

        mixed = bench_check.corpus([])
        check = bench_check.best("check", mixed, max(1, args.repeat))
        walk = bench_check.best("baseline", mixed, max(1, args.repeat))
        print(
            f"\nmixed corpus (bench_check, {len(mixed)} documents, --jobs 1 in process, best of {max(1, args.repeat)}): "
            f"check {check['seconds']:.2f} s, open-and-parse {walk['seconds']:.2f} s, "
            f"ratio {check['seconds'] / walk['seconds']:.2f}x (target <= 3)"
        )
    if args.spawn_sample:
        spawn_report(args, files, python)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Agreement of tillgang's PDF checks with the PDF/UA-1 validator page-validation, per check, on real files.

The corpus is the shared corpora's realworld-pdf (and, with --verapdf, verapdf-pdfua1); corpora/README.md gives
the mapping of tillgang checks to the validator's rule ids. page-validation is never a dependency of tillgang:
it runs in its own Python environment (--validator-python, else $TILLGANG_PDF_VALIDATOR_PYTHON), in a
subprocess, and its results are cached in a JSON file outside the repository (keyed by the file's SHA-256 and
the validator's version), so that a second run only re-checks tillgang.

    python bench/pdf_agreement.py                       # realworld-pdf, per-check agreement + disagreements
    python bench/pdf_agreement.py --verapdf --quiet     # also the veraPDF corpus; figures only
    python bench/pdf_agreement.py --json out.json       # figures and disagreeing files as JSON

Agreement of a check = files on which both say "fail" or both say "not fail", over the comparable files: both
gave a report and both read the same number of pages. A file only one side could read, or that the two read
with different page counts (damaged files that qpdf repairs further than the validator: it sees 0 pages, or
fewer), is not a like-for-like comparison; those files are counted and listed separately. For image-alt only
tagged files count (the validator does not report PDFUA1-STRUCT-TREE-ROOT-001): on untagged files tillgang
fails painted images, which the validator's Figure rule cannot see.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TILLGANG_SHARED", ROOT.parent / "shared"))
if not (SHARED / "corpora").is_dir() and Path("/work/shared/corpora").is_dir():
    SHARED = Path("/work/shared")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tillgang" / "pdf-agreement.json"
CACHE_FORMAT = 2  # 2: page counts and every message (up to 20) per rule
VALIDATOR_TIMEOUT = 120.0  # seconds per file; the whole subprocess is restarted after a hang

# tillgang check -> validator rule ids (any failing = the validator says fail); corpora/README.md.
MAPPING: dict[str, tuple[str, ...]] = {
    "pdf-tagged": ("PDFUA1-STRUCT-TREE-ROOT-001", "PDFUA1-TAGGED-DOCUMENT-001"),
    "pdf-display-doc-title": ("PDFUA1-VIEWER-PREFERENCES-001",),
    "image-alt": ("PDFUA1-FIGURE-ALTERNATIVE-TEXT-001",),
    "heading-order": ("PDFUA1-HEADING-NESTING-001",),
    "pdf-tab-order": ("PDFUA1-PAGE-TABS-001",),
    "pdf-fonts-embedded": ("PDFUA1-FONT-EMBEDDING-001",),
    # pdf-unicode covers both sentences of PDF/UA-1 7.21.7: a mapping exists (MAPPING-001) and its values are not
    # U+0000, U+FEFF or U+FFFE (VALUE-001); veraPDF's 7.21.7-t01 and -t02.
    "pdf-unicode": ("PDFUA1-FONT-UNICODE-MAPPING-001", "PDFUA1-FONT-UNICODE-VALUE-001"),
}
TAGGED_ONLY = {"image-alt"}
UNTAGGED_RULE = "PDFUA1-STRUCT-TREE-ROOT-001"

# Runs inside the validator's environment: one JSON line per file, flushed, so a crash loses one file only.
_WORKER = r"""
import json, sys
import page
print(json.dumps({"version": page.__version__}), flush=True)
for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        report = page.validate_pdf(path, profile="ua1")
        messages = {}
        for f in report.failures:
            kept = messages.setdefault(f.rule_id, [])
            if len(kept) < 20:
                kept.append(f.message[:300])
        out = {"path": path, "failed": sorted(messages), "pages": report.document.page_count,
               "messages": messages}
    except Exception as exc:
        out = {"path": path, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    print(json.dumps(out), flush=True)
"""


def corpus_files(verapdf: bool) -> list[Path]:
    roots = [SHARED / "corpora" / "realworld-pdf"]
    if verapdf:
        roots.append(SHARED / "corpora" / "verapdf-pdfua1")
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files.extend(p for p in sorted(root.rglob("*")) if p.is_file() and p.suffix.lower() == ".pdf")
    return files


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validator_python(given: str | None) -> str | None:
    value = given or os.environ.get("TILLGANG_PDF_VALIDATOR_PYTHON")
    if value:
        return value
    default = Path("/work/pv-venv/bin/python")
    return str(default) if default.exists() else None


def _validator_version(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import page; print(page.__version__)"], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def _run_validator(python: str, paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Validate the files in one subprocess; a file that hangs or kills it gets an error and the rest go on."""
    results: dict[str, dict[str, Any]] = {}
    pending = [str(p) for p in paths]
    while pending:
        proc = subprocess.Popen(
            [python, "-c", _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdout.readline()  # version line
        while pending:
            path = pending[0]
            proc.stdin.write(path + "\n")
            proc.stdin.flush()
            line = _readline(proc, VALIDATOR_TIMEOUT)
            pending.pop(0)
            if line is None:
                results[path] = {"path": path, "error": "the validator crashed or exceeded the time limit"}
                proc.kill()
                proc.wait()
                break
            results[path] = json.loads(line)
        else:
            proc.stdin.close()
            proc.wait()
    return results


def _readline(proc: subprocess.Popen[str], timeout: float) -> str | None:
    import selectors

    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    ready = sel.select(timeout)
    sel.close()
    if not ready:
        return None
    line = proc.stdout.readline()
    return line or None


def validator_results(files: list[Path], python: str, cache_path: Path) -> dict[Path, dict[str, Any]]:
    """The validator's result per file, from the cache where the file and validator version are unchanged."""
    version = _validator_version(python)
    cache: dict[str, Any] = {}
    if cache_path.exists():
        cache = json.loads(cache_path.read_text())
    if cache.get("version") != version or cache.get("format") != CACHE_FORMAT:
        cache = {"version": version, "format": CACHE_FORMAT, "files": {}}
    known: dict[str, Any] = cache["files"]
    digests = {p: sha256(p) for p in files}
    missing = [p for p in files if digests[p] not in known]
    if missing:
        fresh = _run_validator(python, missing)
        for p in missing:
            result = dict(fresh[str(p)])
            result.pop("path", None)
            known[digests[p]] = result
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps(cache, sort_keys=True))
    return {p: known[digests[p]] for p in files}


def tillgang_results(files: Iterable[Path]) -> dict[Path, dict[str, Any]]:
    from tillgang.engine import check_file

    return {p: check_file(p) for p in files}


def comparability(
    files: list[Path], ours: dict[Path, dict[str, Any]], theirs: dict[Path, dict[str, Any]]
) -> dict[str, list[Path]]:
    """Files sorted by whether the two sides can be compared: ``comparable`` (both read, same page count), and
    the others by reason."""
    groups: dict[str, list[Path]] = {
        "comparable": [],
        "neither read": [],
        "only tillgang read": [],
        "only the validator read": [],
        "page counts differ": [],
    }
    for path in files:
        we_read = ours[path].get("error") is None
        they_read = "error" not in theirs[path]
        if we_read and they_read:
            same = ours[path].get("pages") == theirs[path].get("pages")
            groups["comparable" if same else "page counts differ"].append(path)
        elif we_read:
            groups["only tillgang read"].append(path)
        elif they_read:
            groups["only the validator read"].append(path)
        else:
            groups["neither read"].append(path)
    return groups


def agreement(
    files: list[Path], ours: dict[Path, dict[str, Any]], theirs: dict[Path, dict[str, Any]]
) -> dict[str, Any]:
    """Per check: comparable files, agreeing, and the disagreeing files (only tillgang / only the validator)."""
    out: dict[str, Any] = {}
    base = _common_root(files)
    comparable = comparability(files, ours, theirs)["comparable"]
    for check, ids in MAPPING.items():
        row: dict[str, Any] = {
            "files": 0,
            "agree": 0,
            "both_fail": 0,
            "only_tillgang": [],
            "only_validator": [],
            "said": {},  # disagreeing file -> what each side says
        }
        for path in comparable:
            entry, result = ours[path], theirs[path]
            if check in TAGGED_ONLY and UNTAGGED_RULE in result["failed"]:
                continue
            we_fail = entry["rules"].get(check) == "failed"
            they_fail = any(rule in result["failed"] for rule in ids)
            row["files"] += 1
            name = str(path.relative_to(base))
            if we_fail == they_fail:
                row["agree"] += 1
                row["both_fail"] += we_fail
                continue
            row["only_tillgang" if we_fail else "only_validator"].append(name)
            row["said"][name] = _said(check, ids, entry, result)
        out[check] = row
    return out


def _said(check: str, ids: tuple[str, ...], entry: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """For a disagreeing file: tillgang's outcome and findings for the check, the validator's messages (per
    object) for the mapped rules."""
    messages = result.get("messages", {})
    return {
        "tillgang": entry["rules"].get(check),
        "tillgang_findings": [f["message"] for f in entry.get("findings", []) if f.get("rule") == check][:5],
        "validator": {rule: messages[rule] for rule in ids if rule in messages},
    }


def _common_root(files: list[Path]) -> Path:
    return Path(os.path.commonpath([str(p.parent) for p in files])) if files else Path("/")


def print_report(table: dict[str, Any], groups: dict[str, list[Path]], quiet: bool) -> None:
    total = sum(len(paths) for paths in groups.values())
    apart = ", ".join(f"{reason} {len(paths)}" for reason, paths in groups.items() if reason != "comparable")
    print(f"files: {total}; comparable (both read, same page count): {len(groups['comparable'])}; {apart}")
    print(f"{'check':24} {'files':>6} {'agree':>6} {'%':>7} {'both fail':>9} {'only us':>8} {'only them':>9}")
    for check, row in table.items():
        pct = 100.0 * row["agree"] / row["files"] if row["files"] else 100.0
        print(
            f"{check:24} {row['files']:6} {row['agree']:6} {pct:6.1f}% {row['both_fail']:9} "
            f"{len(row['only_tillgang']):8} {len(row['only_validator']):9}"
        )
    if quiet:
        return
    base = _common_root([p for paths in groups.values() for p in paths])
    for reason, paths in groups.items():
        if reason != "comparable" and paths:
            print(f"\nnot compared, {reason} ({len(paths)})")
            for path in paths:
                print(f"  {path.relative_to(base)}")
    for check, row in table.items():
        for label, key in (
            ("only tillgang fails", "only_tillgang"),
            ("only the validator fails", "only_validator"),
        ):
            if row[key]:
                print(f"\n{check}: {label} ({len(row[key])})")
                for name in row[key]:
                    print(f"  {name}")
                    said = row["said"][name]
                    print(f"    tillgang: {said['tillgang']}")
                    for message in said["tillgang_findings"]:
                        print(f"      {message}")
                    for rule, texts in said["validator"].items():
                        for text in texts:
                            print(f"    {rule}: {text}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--verapdf", action="store_true", help="also the verapdf-pdfua1 corpus")
    parser.add_argument("--validator-python", help="a python with page-validation installed")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"validator result cache (default {CACHE})")
    parser.add_argument("--quiet", action="store_true", help="figures only, no file lists")
    parser.add_argument("--json", type=Path, help="write the figures and disagreeing files here")
    args = parser.parse_args(argv)
    python = validator_python(args.validator_python)
    if python is None:
        print(
            "no validator environment: give --validator-python or $TILLGANG_PDF_VALIDATOR_PYTHON",
            file=sys.stderr,
        )
        return 2
    files = corpus_files(args.verapdf)
    if not files:
        print(f"no corpus under {SHARED / 'corpora'}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    theirs = validator_results(files, python, args.cache)
    middle = time.perf_counter()
    ours = tillgang_results(files)
    end = time.perf_counter()
    groups = comparability(files, ours, theirs)
    table = agreement(files, ours, theirs)
    print_report(table, groups, args.quiet)
    print(f"\nvalidator (or cache) {middle - start:.1f} s, tillgang {end - middle:.1f} s", file=sys.stderr)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "files": len(files),
                    "not_compared": {
                        reason: [str(p) for p in paths]
                        for reason, paths in groups.items()
                        if reason != "comparable"
                    },
                    "comparable": len(groups["comparable"]),
                    "checks": table,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

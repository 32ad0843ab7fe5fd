"""Do the readers agree with themselves on files LibreOffice writes? Convert fixtures with LibreOffice and compare.

Every fixture of a kind (``ods``, ``xlsx``, ``odt``, ``docx``, ``odp``, ``pptx``) is converted by
``soffice --headless --convert-to`` to its counterpart (.ods ↔ .xlsx, .odt ↔ .docx, .odp ↔ .pptx) in a temporary
folder (never into the repository), and ``tillgang check --format json`` runs on the original and on the
converted file. Per file, the rule outcomes and the findings (rule, outcome, location) are compared; the
format-only rules that have a twin (``odt-*`` ↔ ``docx-*``, ``odp-*`` ↔ ``pptx-*``) are compared as one, rules
only one format has are left out. Every difference is either LibreOffice dropping or adding information in the
conversion, or a reader bug: docs/odf.md and docs/xlsx.md explain the ones seen.

    python bench/soffice_roundtrip.py ods xlsx          # kinds to convert (default: ods xlsx)
    python bench/soffice_roundtrip.py --all              # all six
    python bench/soffice_roundtrip.py --keep /tmp/rt ods # keep the converted files

Needs LibreOffice (Debian: libreoffice-calc-nogui, -writer-nogui, -impress-nogui); no dependency of tillgang,
not run in CI. Exit status 0 when all agree, 1 when some differ, 2 without LibreOffice.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures" / "_make"))
from soffice_verify import IMPORT_FILTERS, soffice, version  # noqa: E402

TARGET = {"ods": "xlsx", "xlsx": "ods", "odt": "docx", "docx": "odt", "odp": "pptx", "pptx": "odp"}
Finding = tuple[str, str, str]


def convert(binary: str, ext: str, files: list[Path], out: Path, profile: Path) -> None:
    args = [f"-env:UserInstallation={profile.as_uri()}", "--headless", f"--infilter={IMPORT_FILTERS[ext]}"]
    args += ["--convert-to", TARGET[ext], "--outdir", str(out)]
    subprocess.run(
        [binary, *args, *map(str, files)], capture_output=True, timeout=120 + 10 * len(files), check=False
    )


def check(files: list[Path]) -> dict[str, dict[str, Any]]:
    """tillgang's JSON report of each file, by file name without extension."""
    done = subprocess.run(
        [sys.executable, "-m", "tillgang", "check", "--format", "json", "--exit-zero", *map(str, files)],
        capture_output=True,
        check=True,
    )
    return {Path(d["source"]).stem: d for d in json.loads(done.stdout)["documents"]}


def twin(rule: str) -> str:
    return re.sub(r"^odt-", "docx-", re.sub(r"^odp-", "pptx-", rule))


def outcomes(doc: dict[str, Any]) -> tuple[dict[str, str], set[Finding]]:
    rules = {twin(r): o for r, o in doc["rules"].items()}
    found = {
        (twin(f["rule"]), f["outcome"], json.dumps(f["location"], sort_keys=True, ensure_ascii=False))
        for f in doc["findings"]
    }
    return rules, found


def compare(stem: str, a: dict[str, Any], b: dict[str, Any] | None) -> list[str]:
    """The differences between the original's report ``a`` and the converted file's ``b``, as lines."""
    if b is None:
        return [f"{stem}: not converted"]
    if b.get("error"):
        return [f"{stem}: the converted file could not be checked: {b['error']}"]
    ra, fa = outcomes(a)
    rb, fb = outcomes(b)
    both = set(ra) & set(rb)
    lines = [f"{stem}: {r} {ra[r]} -> {rb[r]}" for r in sorted(both) if ra[r] != rb[r]]
    fa = {f for f in fa if f[0] in both}
    fb = {f for f in fb if f[0] in both}
    lines += [f"{stem}:   only in the original: {' '.join(f)}" for f in sorted(fa - fb)]
    lines += [f"{stem}:   only in the converted: {' '.join(f)}" for f in sorted(fb - fa)]
    return lines


def run_kind(binary: str, ext: str, tmp: Path, keep: Path | None) -> int:
    files = sorted((ROOT / "fixtures").glob(f"*/*.{ext}"))
    out = (keep or tmp) / f"{ext}-to-{TARGET[ext]}"
    out.mkdir(parents=True, exist_ok=True)
    convert(binary, ext, files, out, tmp / "profile")
    before = check(files)
    after = check(sorted(out.glob(f"*.{TARGET[ext]}")))
    differ = 0
    for stem, doc in sorted(before.items()):
        lines = compare(stem, doc, after.get(stem))
        differ += bool(lines)
        for line in lines:
            print(line)
    print(f".{ext} -> .{TARGET[ext]}: {len(before) - differ} of {len(before)} the same, {differ} differ\n")
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kinds", nargs="*", help=f"of {', '.join(TARGET)} (default: ods xlsx)")
    parser.add_argument("--all", action="store_true", help="all six kinds")
    parser.add_argument("--keep", type=Path, help="write the converted files here (outside the repository)")
    args = parser.parse_args(argv)
    kinds = list(TARGET) if args.all else args.kinds or ["ods", "xlsx"]
    if unknown := [k for k in kinds if k not in TARGET]:
        parser.error(f"unknown kind: {', '.join(unknown)}")
    binary = soffice()
    if binary is None:
        print("LibreOffice (soffice) is not installed", file=sys.stderr)
        return 2
    if args.keep and args.keep.resolve().is_relative_to(ROOT):
        parser.error("--keep must be outside the repository")
    print(version(binary), "\n")
    with tempfile.TemporaryDirectory(prefix="tillgang-roundtrip-") as tmp:
        differ = sum(run_kind(binary, ext, Path(tmp), args.keep) for ext in kinds)
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

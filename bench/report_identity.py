"""Is the JSON report byte-identical to an earlier revision's, on the examples and every fixture?

A refactoring must not change what tillgang reports. This script checks out REV (default: the parent of HEAD)
in a temporary git worktree, runs ``tillgang check --format json`` on ``examples/`` and ``fixtures/`` with that
revision's code and with the working tree's code, from the same relative paths, and compares the two outputs
byte for byte (one JSON document per input, so a difference names the file).

    python bench/report_identity.py              # against HEAD~1
    python bench/report_identity.py --rev main   # against any revision

Exit status 0 when every report is identical, 1 when some differ (they are listed), 2 when REV cannot be
checked out. It is a script rather than a test because it needs the git history, which a source archive lacks.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".docx", ".pptx", ".pdf", ".html", ".htm", ".odt", ".odp", ".ods", ".xlsx"}


def inputs(tree: Path) -> list[str]:
    """Every checkable file under examples/ and fixtures/, relative to the tree, sorted."""
    found: list[str] = []
    for top in ("examples", "fixtures"):
        for path in sorted((tree / top).rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES and "_make" not in path.parts:
                found.append(str(path.relative_to(tree)))
    return found


def reports(tree: Path, files: list[str]) -> dict[str, str]:
    """One canonical JSON text per file, made by the code in ``tree/src`` with ``tree`` as the working folder."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), PYTHONHASHSEED="0")
    out = subprocess.run(
        [sys.executable, "-m", "tillgang", "check", *files, "--format", "json", "--jobs", "2", "--exit-zero"],
        cwd=tree,
        env=env,
        capture_output=True,
        check=False,
    )
    if out.returncode not in (0, 1, 3):
        raise SystemExit(f"tillgang check failed in {tree}: {out.stderr.decode(errors='replace')[-2000:]}")
    data = json.loads(out.stdout)
    by_source: dict[str, str] = {}
    for doc in data["documents"]:
        by_source[doc["source"]] = json.dumps(doc, ensure_ascii=False, sort_keys=False)
    by_source["<tool>"] = json.dumps(data["tool"], sort_keys=False)
    return by_source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rev", default="HEAD~1", help="the revision to compare with (default HEAD~1)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tillgang-identity-") as tmp:
        base = Path(tmp) / "base"
        added = subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.rev],
            capture_output=True,
            text=True,
            check=False,
        )
        if added.returncode != 0:
            print(f"cannot check out {args.rev}: {added.stderr.strip()}", file=sys.stderr)
            return 2
        try:
            files = sorted(set(inputs(ROOT)) & set(inputs(base)))
            old = reports(base, files)
            new = reports(ROOT, files)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    differ = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k) and k != "<tool>")
    print(
        f"{len(files)} documents compared with {args.rev}: {len(files) - len(differ)} identical, {len(differ)} differ"
    )
    for key in differ:
        print(f"  differs: {key}")
    if old.get("<tool>") != new.get(
        "<tool>"
    ):  # the catalogue's hash: rules/ changed (texts, formats, versions)
        print(f"  the tool block differs too: {old.get('<tool>')} -> {new.get('<tool>')}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

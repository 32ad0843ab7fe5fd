"""Agreement of the PDF checks with the PDF/UA-1 validator page-validation on the real-world corpus.

bench/pdf_agreement.py does the work (corpora/README.md, "realworld-pdf"). The validator is never a dependency of
tillgang: it lives in its own environment, named by $TILLGANG_PDF_VALIDATOR_PYTHON (.ci/run makes one). The
figures are exact, so that agreement cannot fall, or rise, silently; the disagreements that remain are explained
in docs/pdf.md ("Agreement with page-validation on real-world files"). Run with ``-s`` to see the table.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import IN_CI, ROOT, SHARED, require

# check -> (files compared, agreeing, only tillgang fails, only the validator fails), over the files both read
# with the same page count
EXPECTED: dict[str, tuple[int, int, int, int]] = {
    "pdf-tagged": (861, 861, 0, 0),
    "pdf-display-doc-title": (861, 861, 0, 0),
    "image-alt": (82, 82, 0, 0),
    "heading-order": (861, 861, 0, 0),
    "pdf-tab-order": (861, 861, 0, 0),
    "pdf-fonts-embedded": (861, 841, 13, 7),
    "pdf-unicode": (861, 831, 3, 27),
}
# files that are not compared, by reason (bench/pdf_agreement.py comparability)
NOT_COMPARED = {
    "neither read": 29,
    "only tillgang read": 81,
    "only the validator read": 29,
    "page counts differ": 15,
}
CORPUS_FILES = 1015


def _harness() -> Any:
    spec = importlib.util.spec_from_file_location("pdf_agreement", ROOT / "bench" / "pdf_agreement.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pdf_agreement"] = module
    spec.loader.exec_module(module)
    return module


def _absent(message: str) -> None:
    """Skip on a user's machine, fail in CI: CI makes the validator's environment."""
    if IN_CI:
        pytest.fail(message + " (CI must have it)")
    pytest.skip(message)


@pytest.mark.slow
def test_agreement_with_page_validation_on_realworld_pdf(tmp_path: Path) -> None:
    require(SHARED / "corpora" / "realworld-pdf", "the real-world PDF corpus")
    python = os.environ.get("TILLGANG_PDF_VALIDATOR_PYTHON")
    if not python:
        _absent("TILLGANG_PDF_VALIDATOR_PYTHON is not set (a python with page-validation; .ci/run makes one)")
    probe = subprocess.run([python, "-c", "import page"], capture_output=True, check=False)
    if probe.returncode != 0:
        _absent(f"{python} cannot import page (pip install page-validation in that environment)")
    harness = _harness()
    harness.SHARED = SHARED
    files = harness.corpus_files(verapdf=False)
    assert len(files) == CORPUS_FILES
    theirs = harness.validator_results(files, python, harness.CACHE)
    ours = harness.tillgang_results(files)
    table = harness.agreement(files, ours, theirs)
    groups = harness.comparability(files, ours, theirs)
    harness.print_report(table, groups, quiet=True)
    assert {reason: len(paths) for reason, paths in groups.items() if reason != "comparable"} == NOT_COMPARED
    got = {
        check: (row["files"], row["agree"], len(row["only_tillgang"]), len(row["only_validator"]))
        for check, row in table.items()
    }
    assert got == EXPECTED

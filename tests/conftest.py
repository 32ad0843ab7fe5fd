"""Shared test helpers: paths, the shared corpora, and services that may be absent on a user's machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def _find_shared() -> Path:
    """The project's shared folder: $TILLGANG_SHARED, else ``shared`` next to the repository (or next to
    one of its parents, for a checkout in a subfolder), else the workplace's /work/shared."""
    if os.environ.get("TILLGANG_SHARED"):
        return Path(os.environ["TILLGANG_SHARED"])
    candidates = [parent / "shared" for parent in ROOT.parents] + [Path("/work/shared")]
    for candidate in candidates:
        if (candidate / "corpora").is_dir() or (candidate / "seed").is_dir():
            return candidate
    return ROOT.parent / "shared"


SHARED = _find_shared()
IN_CI = bool(os.environ.get("CI"))


def require(path: Path, what: str) -> Path:
    """Skip (on a user's machine) or fail (in CI) when an external resource is absent."""
    if not path.exists():
        message = (
            f"{what} not found at {path}; it lives in the project's shared folder next to the repository"
        )
        if IN_CI:
            pytest.fail(message + " (CI must have it)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared_corpora() -> Path:
    return require(SHARED / "corpora", "the external test corpora (../shared/corpora)")

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


def _chromium_path() -> str | None:
    """The system Chromium: $TILLGANG_CHROMIUM, else ``chromium`` (Debian) or ``chromium-browser`` on PATH."""
    import shutil

    configured = os.environ.get("TILLGANG_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """The path of a usable system Chromium with Playwright importable; skip (user's machine) or fail (CI)."""
    path = _chromium_path()
    problem = None
    if path is None:
        problem = "no system Chromium (install the Debian package `chromium`, or set TILLGANG_CHROMIUM)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright for Python is not installed (pip install 'tillgang[render]')"
    if problem:
        if IN_CI:
            pytest.fail(problem + " (CI installs it in .ci/run)")
        pytest.skip(problem)
    assert path is not None
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_chromium()


@pytest.fixture(scope="session")
def axe_js() -> str:
    """axe-core's script ($TILLGANG_AXE_JS; .ci/run installs it from the npm registry, never committed)."""
    path = os.environ.get("TILLGANG_AXE_JS")
    if not path or not Path(path).is_file():
        message = "axe-core not found: set TILLGANG_AXE_JS to axe.min.js (npm install axe-core)"
        if IN_CI:
            pytest.fail(message + " (CI installs it in .ci/run)")
        pytest.skip(message)
    return Path(path).read_text(encoding="utf-8")

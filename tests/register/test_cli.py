"""The command-line contract: register init/import/export and serve's options, run as a user would.

Each test gets its own database: a SQLite file via --db, or, when DATABASE_URL names PostgreSQL (as in CI), a
fresh PostgreSQL database created for the test and dropped afterwards.
"""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.db


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    base["TILLGANG_DATA_DIR"] = str(tmp_path / "data")
    base["TILLGANG_ADMIN_PASSWORD"] = "ett-bra-lösenord-123"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield base
        return
    import psycopg

    name = f"tillgang_cli_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        yield base
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "tillgang", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def test_init_import_export(env: dict[str, str], tmp_path: Path, seed_path: Path) -> None:
    first = run(env, "register", "init")
    assert "Administratören 'admin' är skapad." in first.stdout
    assert env["TILLGANG_ADMIN_PASSWORD"] not in first.stdout + first.stderr
    secret = Path(env["TILLGANG_DATA_DIR"]) / "secret_key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    if "DATABASE_URL" not in env:
        assert (Path(env["TILLGANG_DATA_DIR"]) / "register.sqlite3").is_file()
    again = run(env, "register", "init")
    assert "finns redan" in again.stdout

    imported = run(env, "register", "import", str(seed_path))
    assert "6 risker (6 nya, 0 ändrade, 0 oförändrade), varav 6 kritiska" in imported.stdout
    reimported = run(env, "register", "import", str(seed_path))
    assert "6 risker (0 nya, 0 ändrade, 6 oförändrade)" in reimported.stdout
    assert "6 uppföljningar (0 nya, 0 ändrade, 6 oförändrade)" in reimported.stdout

    out = tmp_path / "register.csv"
    run(env, "register", "export", "--format", "csv", "--plan", "2024", "--out", str(out))
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["risk_value"] for r in rows] == ["9", "9", "9", "9", "8", "9"]
    for fmt in ("xlsx", "docx"):
        target = tmp_path / f"export.{fmt}"
        run(env, "register", "export", "--format", fmt, "--out", str(target))
        assert target.stat().st_size > 1000

    missing = run(env, "register", "export", "--format", "csv", "--plan", "1999", "--out", str(out), ok=False)
    assert missing.returncode == 2 and "ingen plan för 1999" in missing.stderr


def test_malformed_import_reports_row_and_column(env: dict[str, str], tmp_path: Path) -> None:
    run(env, "register", "init")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "board,plan_year,process,risk,risk_value\nKS,2024,A,Risk,9\nKS,2024,B,Risk,7\n", encoding="utf-8"
    )
    result = run(env, "register", "import", str(bad), ok=False)
    assert result.returncode == 2
    assert "rad 3, kolumn 5 (risk_value)" in result.stderr and "Inget importerades" in result.stderr
    good = tmp_path / "good.csv"
    good.write_text("board,plan_year,process,risk,risk_value\nKS,2024,A,Risk,9\n", encoding="utf-8")
    assert "1 nya" in run(env, "register", "import", str(good)).stdout  # nothing of bad.csv was kept


def test_init_without_password_on_no_terminal_fails(env: dict[str, str]) -> None:
    del env["TILLGANG_ADMIN_PASSWORD"]
    result = run(env, "register", "init", ok=False)
    assert result.returncode == 2 and "TILLGANG_ADMIN_PASSWORD" in result.stderr


def test_import_before_init_and_db_option(env: dict[str, str], tmp_path: Path, seed_path: Path) -> None:
    db = tmp_path / "egen.sqlite3"
    result = run(env, "register", "--db", str(db), "import", str(seed_path), ok=False)
    assert result.returncode == 2 and "tillgang register init" in result.stderr
    run(env, "register", "init", "--db", str(db))
    run(env, "register", "import", "--db", str(db), str(seed_path))
    assert db.is_file()


def test_serve_help_lists_the_contract_options() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = run(env, "serve", "--help")
    for option in ("--host", "--port", "--db"):
        assert option in result.stdout


def test_serve_answers_on_localhost(env: dict[str, str], tmp_path: Path) -> None:
    import socket
    import time

    import httpx

    run(env, "register", "init")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tillgang", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        response = None
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/planer/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None, "the server did not answer"
        assert response.status_code == 302 and response.headers["location"].startswith("/konto/logga-in/")
        login = httpx.get(f"http://127.0.0.1:{port}/konto/logga-in/", timeout=2)
        assert login.status_code == 200 and '<html lang="sv">' in login.text
        cookie = login.headers["set-cookie"]
        assert "csrftoken=" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
        assert login.headers["x-frame-options"] == "DENY"
    finally:
        proc.terminate()
        proc.wait(timeout=10)

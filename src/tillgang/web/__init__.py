"""The Django project that serves the register's web UI (``tillgang serve``)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["data_dir", "ensure_secret_key", "setup"]

SETTINGS_MODULE = "tillgang.web.settings"


def data_dir() -> Path:
    """The user's data folder: TILLGANG_DATA_DIR, else XDG_DATA_HOME/tillgang, else ~/.local/share/tillgang."""
    explicit = os.environ.get("TILLGANG_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "tillgang"


def secret_key_path() -> Path:
    return data_dir() / "secret_key"


def ensure_secret_key() -> str:
    """Read the secret key, creating it (mode 0600) in the data folder when it does not exist yet. A key shorter
    than 50 characters or with fewer than 5 different ones is refused (``ImproperlyConfigured``)."""
    from .security import check_secret_key

    path = secret_key_path()
    try:
        return check_secret_key(path.read_text(encoding="ascii").strip(), path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


def setup(db: str | None = None) -> None:
    """Configure Django for the register; ``db`` is a SQLite file that overrides DATABASE_URL."""
    if db:
        os.environ["TILLGANG_DB"] = str(Path(db).expanduser().resolve())
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()

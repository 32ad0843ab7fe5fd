"""Django settings for the register. Everything that varies comes from the environment or the data folder.

- Database: ``DATABASE_URL`` (``sqlite:///path`` or ``postgresql://...``); else the SQLite file named by
  ``TILLGANG_DB`` (set by ``--db``); else ``register.sqlite3`` in the data folder.
- Secret key: ``secret_key`` in the data folder (created with mode 0600 on first use), never in the repository.
- Risk method and critical threshold: the ``[risk]`` table of ``tillgang.toml`` (``TILLGANG_CONFIG`` or the data
  folder), see docs/register.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

from tillgang.config import config_path, read_config
from tillgang.web import data_dir, ensure_secret_key
from tillgang.web.security import connect_sqlite_guard, secure_sqlite_file

DATA_DIR = data_dir()
BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = ensure_secret_key()
DEBUG = os.environ.get("TILLGANG_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] + [
    h.strip() for h in os.environ.get("TILLGANG_ALLOWED_HOSTS", "").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "tillgang.register",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tillgang.web.security.ContentSecurityPolicyMiddleware",  # strict CSP on every response (issue 14)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tillgang.web.security.NulParameterMiddleware",  # NUL in a parameter: 400, never a 500 (issue 14)
    "tillgang.web.ratelimit.LoginRateLimitMiddleware",  # login attempts per IP and user name (issue 6)
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tillgang.web.urls"
WSGI_APPLICATION = "tillgang.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tillgang.register.branding.brand",  # the municipality's name and logo in the header
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql://")):
        # A connection pool (psycopg_pool through Django) shared by the server's threads; a crawl storing a run
        # and many users reading never wait for a new connection.
        pooled: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
        pooled["OPTIONS"] = {
            **pooled.get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": 20, "timeout": 30},
        }
        return pooled
    db: dict[str, Any]
    if url:
        db = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        db = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("TILLGANG_DB") or str(DATA_DIR / "register.sqlite3"),
        }
    if db["ENGINE"].endswith("sqlite3"):
        secure_sqlite_file(db["NAME"])  # 0600, made before SQLite makes it with the umask's mode
        # WAL: readers never block the writer (a crawl storing a run) nor the writer them; a busy writer is
        # waited for (20 s) instead of failing with "database is locked"; write transactions start as
        # IMMEDIATE so two writers queue rather than deadlock.
        db["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return db


DATABASES = {"default": _database()}
connect_sqlite_guard()  # each new SQLite connection keeps the file and its -wal/-shm at 0600
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"  # the pages are Swedish; the admin follows (no per-browser switching)
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
LOGIN_URL = "register:login"
LOGIN_REDIRECT_URL = "register:home"
LOGOUT_REDIRECT_URL = "register:login"

# Cookies: secure by default (browsers accept Secure cookies from http://localhost and 127.0.0.1 in current
# versions); TILLGANG_SECURE_COOKIES=0 turns this off for an old browser on plain HTTP.
_SECURE = os.environ.get("TILLGANG_SECURE_COOKIES", "1") != "0"
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS (TILLGANG_HTTPS=1): the server is reached through a TLS-terminating proxy that sets
# X-Forwarded-Proto (and removes any the client sent). Then HTTPS requests get HSTS for a year, this host only
# (a municipality's other hosts are not ours to pin). See docs/security.md.
TILLGANG_HTTPS = os.environ.get("TILLGANG_HTTPS") == "1"
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if TILLGANG_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
if TILLGANG_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TILLGANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]


# The risk matrix (validated by tillgang.register.riskconfig when the app starts).
_CONFIG = read_config(config_path(DATA_DIR), missing_ok=True)
TILLGANG_RISK: dict[str, Any] = dict(_CONFIG.section("risk"))


def _mail_setting(key: str, env: str, default: Any) -> Any:
    """A mail setting: the environment variable wins over ``[mail]`` of tillgang.toml, then the default."""
    value = os.environ.get(env)
    if value is not None and value != "":
        return value
    return _CONFIG.section("mail").get(key, default)


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "ja")


# Outgoing mail (reminders, docs/register.md "Påminnelser"): SMTP when a host is configured, else the console.
EMAIL_HOST = str(_mail_setting("host", "TILLGANG_EMAIL_HOST", ""))
EMAIL_PORT = int(_mail_setting("port", "TILLGANG_EMAIL_PORT", 587))
EMAIL_HOST_USER = str(_mail_setting("user", "TILLGANG_EMAIL_USER", ""))
EMAIL_HOST_PASSWORD = str(_mail_setting("password", "TILLGANG_EMAIL_PASSWORD", ""))
EMAIL_USE_SSL = _flag(_mail_setting("ssl", "TILLGANG_EMAIL_SSL", False))  # implicit TLS (port 465)
EMAIL_USE_TLS = not EMAIL_USE_SSL and _flag(_mail_setting("tls", "TILLGANG_EMAIL_TLS", True))  # STARTTLS
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = str(_mail_setting("from", "TILLGANG_EMAIL_FROM", "tillgang@localhost"))
EMAIL_BACKEND = str(
    _mail_setting(
        "backend",
        "TILLGANG_EMAIL_BACKEND",
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend",
    )
)
# Reminders: the links' base URL and the follow-up deadlines ("MM-DD"; helår's is in the year after the plan's).
TILLGANG_REMINDERS: dict[str, str] = {
    "base_url": str(_mail_setting("base_url", "TILLGANG_BASE_URL", "http://127.0.0.1:8000")).rstrip("/"),
    "delar_deadline": str(_CONFIG.section("register").get("delar_deadline", "08-31")),
    "helar_deadline": str(_CONFIG.section("register").get("helar_deadline", "01-31")),
}


def _brand() -> dict[str, str]:
    """``[register] organisation``, ``logo`` and ``logo_alt`` (TILLGANG_ORGANISATION, TILLGANG_LOGO and
    TILLGANG_LOGO_ALT win over the file). A relative logo path is relative to the config file's folder."""
    table = _CONFIG.section("register")
    values = {}
    for key, env in (
        ("organisation", "TILLGANG_ORGANISATION"),
        ("logo", "TILLGANG_LOGO"),
        ("logo_alt", "TILLGANG_LOGO_ALT"),
    ):
        value = os.environ.get(env)
        values[key] = str(value if value else table.get(key, "") or "")
    logo = values["logo"]
    if logo and not Path(logo).is_absolute() and not os.environ.get("TILLGANG_LOGO") and _CONFIG.path:
        values["logo"] = str(_CONFIG.path.parent / logo)
    return values


# The header's organisation name and logo (tillgang.register.branding, checked when the app starts).
TILLGANG_BRAND = _brand()

# The upload page and POST /api/v1/checks (issue 5): largest accepted file, and checks running at a time.
TILLGANG_UPLOAD_MAX_BYTES = int(float(os.environ.get("TILLGANG_UPLOAD_MAX_MB", "50")) * 1024 * 1024)
TILLGANG_UPLOAD_CONCURRENCY = int(os.environ.get("TILLGANG_UPLOAD_CONCURRENCY", "2"))
# Checking by URL fetches from private, loopback and link-local addresses only when this is set (an intranet).
TILLGANG_UPLOAD_ALLOW_PRIVATE = os.environ.get("TILLGANG_UPLOAD_ALLOW_PRIVATE") == "1"
FILE_UPLOAD_HANDLERS = [  # a body over the upload limit keeps no file (see register/checking.py)
    "tillgang.register.checking.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Login rate limit (tillgang.web.ratelimit): failures per IP address or user name within the window.
TILLGANG_LOGIN_MAX_FAILURES = 5
TILLGANG_LOGIN_WINDOW_S = 300

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

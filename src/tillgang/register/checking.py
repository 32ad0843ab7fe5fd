"""Checking one uploaded file or one URL on request, for the upload page and the HTTP API alike.

The file is written to a private temporary folder (mode 0700) under a fixed name of our own (``upload`` plus an
allowed suffix), checked in a worker process with the same engine and limits as ``tillgang check`` (including the
hard time limit), and deleted. A URL is fetched (never from a private address unless allowed) and checked as
``tillgang check URL`` does. At most TILLGANG_UPLOAD_CONCURRENCY checks run at a time.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from ..engine import CheckOptions, check_files, report
from ..limits import DEFAULT_LIMITS
from ..report import DocumentEntry, Report
from ..sniff import DOCUMENT_SUFFIXES

__all__ = [
    "ACCEPTED_SUFFIXES",
    "SizeLimitedUploadHandler",
    "UploadRefused",
    "allow_private",
    "check_upload",
    "check_url",
    "content_length_too_large",
    "max_upload_bytes",
    "safe_name",
    "size_text",
    "too_large_message",
    "validate_upload",
]

MiB = 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 50 * MiB
ACCEPTED_SUFFIXES = DOCUMENT_SUFFIXES  # the formats tillgang checks; the content decides the format
# Multipart overhead allowed on top of the file when the request's Content-Length is compared with the limit.
MULTIPART_SLACK = 64 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "TILLGANG_UPLOAD_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def size_text(n: int) -> str:
    return f"{n / MiB:.0f} MB" if n >= MiB else f"{n} byte"


_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def _check_slots() -> threading.BoundedSemaphore:
    """At most TILLGANG_UPLOAD_CONCURRENCY checks at a time (each is a worker process)."""
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(int(getattr(settings, "TILLGANG_UPLOAD_CONCURRENCY", 2)))
        return _slots


class SizeLimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: a multipart body over the upload limit keeps no file, neither in memory
    nor on disk. (Django parses a POST body already in the CSRF middleware, for every URL and also for
    anonymous users; without this a huge upload would be written to a temporary file before it is refused.)
    The form fields before the file, the CSRF token among them, are still read."""

    refuse = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.refuse = content_length > max_upload_bytes() + MULTIPART_SLACK

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if self.refuse:
            raise StopUpload(connection_reset=False)  # the rest of the body is read and dropped

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class UploadRefused(Exception):
    """The upload is refused before checking; ``status`` is the HTTP status, ``message`` is Swedish."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def safe_name(name: str) -> str:
    """The file's own name for the report: the last path component, without control characters, at most 200
    characters. It is only displayed, never used as a path (the file on disk has a name of our own)."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip().strip(".")
    return base[:200] or "dokument"


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def content_length_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_upload_bytes() + MULTIPART_SLACK


def too_large_message(size: int | None = None) -> str:
    got = f" (filen är {size_text(size)})" if size else ""
    return (
        f"Filen är för stor{got}. Största tillåtna storlek är {size_text(max_upload_bytes())}. "
        "Minska filen, till exempel genom att komprimera bilderna, och försök igen."
    )


def validate_upload(upload: UploadedFile | None) -> str:
    """Check presence, size and suffix; return the display name or raise UploadRefused."""
    if upload is None:
        raise UploadRefused(400, "no-file", "Välj en fil att granska.")
    name = safe_name(upload.name or "")
    if upload.size is not None and upload.size > max_upload_bytes():
        raise UploadRefused(413, "too-large", too_large_message(upload.size))
    if not upload.size:
        raise UploadRefused(400, "empty", "Filen är tom. Välj en fil med innehåll.")
    suffix = _suffix(name)
    if suffix not in ACCEPTED_SUFFIXES:
        shown = f"Filtypen {suffix}" if suffix else "En fil utan filändelse"
        raise UploadRefused(
            415,
            "unsupported-type",
            f"{shown} kan inte granskas. Ladda upp en Word-fil (.docx), en PowerPoint-fil (.pptx), "
            "en PDF-fil (.pdf) eller en webbsida (.html).",
        )
    return name


def _hide_path(entry: DocumentEntry, path: str, name: str) -> DocumentEntry:
    """Parsers' details may quote the file's path: show the user's file name, not our temporary folder."""
    error = entry.get("error")
    if error and path in error.get("message", ""):
        entry["error"] = {**error, "message": error["message"].replace(path, name)}
    if entry.get("warnings"):
        entry["warnings"] = [w.replace(path, name) for w in entry["warnings"]]
    return entry


def check_upload(upload: UploadedFile | None, lang: str = "sv") -> Report:
    """Validate, write to a private temporary folder, check in a worker with the hard time limit, delete.

    Returns the §4 report (the same as ``tillgang check --format json`` for that file, with the file's own
    name as ``source``). Raises UploadRefused for a missing, empty, too large or wrongly typed file, or when
    the server is busy."""
    name = validate_upload(upload)
    assert upload is not None  # validate_upload refuses a missing file
    options = CheckOptions(lang=lang, limits=DEFAULT_LIMITS)
    slots = _check_slots()
    if not slots.acquire(timeout=options.limits.timeout_s):
        raise UploadRefused(
            503, "busy", "Servern granskar många filer just nu. Vänta en stund och försök igen."
        )
    folder = tempfile.mkdtemp(prefix="tillgang-upload-")  # mode 0700, a random name
    try:
        path = Path(folder) / ("upload" + _suffix(name))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        documents = [
            _hide_path(d, str(path), name) for d in check_files([(str(path), name)], options, jobs=1)
        ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        slots.release()
    return report(documents, lang=lang)


def allow_private() -> bool:
    return bool(getattr(settings, "TILLGANG_UPLOAD_ALLOW_PRIVATE", False))


def _private_reason(url: str) -> str | None:
    """A Swedish refusal when the URL is not http(s) or its host has a private, loopback or link-local address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Ange en fullständig webbadress som börjar med http:// eller https://."
    if allow_private():
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return None  # the fetch reports that the name does not resolve
    for info in infos:
        try:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        except ValueError:
            return "Adressen kan inte tolkas."
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            return (
                "Adressen pekar på ett internt nät (en privat adress, localhost eller en lokal länkadress) och "
                "hämtas inte. Ladda ner filen och ladda upp den i stället."
            )
    return None


def _malformed(url: str, lang: str) -> str | None:
    """The reason a URL (with a scheme) cannot be fetched at all, e.g. a malformed host name, or None."""
    from ..crawl.urls import url_problem, url_problem_message

    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None  # _private_reason's message about http(s)
    problem = url_problem(url)
    return url_problem_message(problem, lang) if problem else None


def check_url(url: str, lang: str = "sv") -> Report:
    """Fetch a page or document by URL (never from private, loopback or link-local addresses, also not
    after a redirect, unless TILLGANG_UPLOAD_ALLOW_PRIVATE) and check it as ``tillgang check URL`` does.

    A URL that cannot be fetched gives a report whose document has the ``fetch-failed`` (or ``too-large``)
    error, as on the command line. Raises UploadRefused for a malformed or private URL, or when busy."""
    import asyncio

    from ..crawl.fetch import fetch_document
    from ..engine import failed_entry
    from ..errors import DocumentError

    url = (url or "").strip()
    if not url:
        raise UploadRefused(400, "no-file", "Välj en fil eller ange en webbadress att granska.")
    if len(url) > 2048:
        raise UploadRefused(400, "bad-url", "Webbadressen är för lång (högst 2048 tecken).")
    problem = _malformed(url, lang)
    if problem:
        raise UploadRefused(400, "bad-url", problem)
    reason = _private_reason(url)
    if reason:
        raise UploadRefused(400, "private-address" if "internt nät" in reason else "bad-url", reason)
    limits = DEFAULT_LIMITS.with_overrides(
        max_file_bytes=min(DEFAULT_LIMITS.max_file_bytes, max_upload_bytes())
    )
    options = CheckOptions(lang=lang, limits=DEFAULT_LIMITS)
    slots = _check_slots()
    if not slots.acquire(timeout=options.limits.timeout_s):
        raise UploadRefused(
            503, "busy", "Servern granskar många filer just nu. Vänta en stund och försök igen."
        )
    folder = tempfile.mkdtemp(prefix="tillgang-upload-")
    try:
        try:
            fetched = asyncio.run(fetch_document(url, folder, limits, allow_private=allow_private()))
        except DocumentError as exc:
            documents = [failed_entry("", url, exc.code, exc.detail, lang)]
        else:
            documents = [
                _hide_path(d, str(fetched.path), url)
                for d in check_files([(str(fetched.path), url)], options, jobs=1)
            ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        slots.release()
    return report(documents, lang=lang)

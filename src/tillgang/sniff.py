"""Decide a file's format from its bytes, never from its name."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import DocumentError
from .limits import Limits
from .readers import sniff_zip

__all__ = ["DOCUMENT_SUFFIXES", "sniff"]

# The file names tillgang checks (the content decides the format): folders are walked for these, and the
# upload page and the API accept them.
DOCUMENT_SUFFIXES = (
    ".docx",
    ".docm",
    ".dotx",
    ".dotm",
    ".pptx",
    ".pptm",
    ".ppsx",
    ".potx",
    ".xlsx",
    ".xlsm",
    ".xltx",
    ".odt",
    ".ott",
    ".odp",
    ".otp",
    ".ods",
    ".ots",
    ".pdf",
    ".html",
    ".htm",
    ".xhtml",
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# WHATWG MIME sniffing: the "text/html" tag patterns, after optional whitespace and a BOM.
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|meta|link|!--)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)


def _ole_is_encrypted_office(path: Path) -> bool:
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # olefile raises plain exceptions on broken containers
        return False
    return "EncryptionInfo" in names and "EncryptedPackage" in names


def sniff(path: Path, limits: Limits) -> str:
    """'docx', 'pptx', 'xlsx', 'odt', 'odp', 'ods', 'pdf' or 'html', or raise DocumentError
    (unsupported-format, encrypted, corrupt)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise DocumentError("corrupt", "the file is empty")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        return sniff_zip(path, limits)
    if head.startswith(OLE_MAGIC):
        if _ole_is_encrypted_office(path):
            raise DocumentError(
                "encrypted", "an encrypted Office package (OLE container with EncryptedPackage)"
            )
        raise DocumentError(
            "unsupported-format", "a legacy binary Office file (.doc/.ppt/.xls); save it as .docx/.pptx/.xlsx"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text: decode the head and sniff again
        text = head.decode("utf-16", errors="ignore").encode("utf-8")
        if _HTML_START.match(text):
            return "html"
    if _HTML_START.match(head):
        return "html"
    raise DocumentError("unsupported-format", "neither PDF, Word, PowerPoint, Excel, OpenDocument nor HTML")

"""Readers: one per format, each turning a file into a ``Document``. The only code that parses files."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..limits import Limits
from ..model import Document

__all__ = ["READERS", "read", "sniff_zip"]

# format -> module with ``read(path: Path, source: str, limits: Limits) -> Document``
READERS = {
    "docx": "tillgang.readers.docx",
    "pptx": "tillgang.readers.pptx",
    "pdf": "tillgang.readers.pdf",
    "html": "tillgang.readers.html",
    "odt": "tillgang.readers.odf",  # one reader for the three OpenDocument formats (it reads the mimetype)
    "odp": "tillgang.readers.odf",
    "ods": "tillgang.readers.odf",
    "xlsx": "tillgang.readers.xlsx",
}


def read(path: Path, fmt: str, source: str, limits: Limits) -> Document:
    module = import_module(READERS[fmt])
    doc: Document = module.read(path, source, limits)
    return doc


def sniff_zip(path: Path, limits: Limits) -> str:
    """The format of a zip package: OpenDocument by its mimetype, else OOXML by its main part ('docx', 'pptx',
    'xlsx', 'odt', 'odp', 'ods'), or raise DocumentError."""
    from ._odf import sniff_zip as sniff_package_zip

    return sniff_package_zip(path, limits)

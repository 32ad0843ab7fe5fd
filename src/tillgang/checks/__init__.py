"""The checks: each module of this package registers its checks on import (``registry.check``).

``load()`` imports every module; ``load("pdf")`` only the modules that can hold a check for PDF rules (the
shared modules written against the model and the PDF ones), so that one PDF checked in a process of its own does
not import the HTML, Word and spreadsheet checks and their readers. tests/test_catalogue.py proves the map:
with every module loaded, each check that applies to a PDF rule lives in a module of ``FORMAT_MODULES["pdf"]``.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["FORMAT_MODULES", "SHARED_MODULES", "load"]

# modules whose checks are written against the model and apply to several formats
SHARED_MODULES = ("contrast", "headings", "links", "metadata", "tables", "text_alternatives")
# format -> the modules that can register checks for it (a format not listed loads every module)
FORMAT_MODULES: dict[str, tuple[str, ...]] = {"pdf": (*SHARED_MODULES, "pdf_structure", "pdf_supplements")}


_loaded: set[str] = set()  # the formats whose modules are imported ("" for every module)


def load(fmt: str | None = None) -> None:
    """Import the check modules for ``fmt`` (None or an unlisted format: every module). Cheap when done: the
    engine calls it for each document."""
    key = fmt if fmt in FORMAT_MODULES else ""
    if key in _loaded or "" in _loaded:
        return
    names: tuple[str, ...] | None = FORMAT_MODULES.get(key)
    if names is None:
        names = tuple(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    for name in sorted(names):  # the order of a full load, so each rule's checks register in the same order
        importlib.import_module(f"{__name__}.{name}")
    _loaded.add(key)

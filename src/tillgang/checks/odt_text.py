"""Writer (.odt) paragraph rules: odt-fake-heading, odt-manual-list, odt-empty-paragraphs.

The OpenDocument reader gives an .odt the same paragraph model as Word (``TextInfo``: each body paragraph with its
style, heading level, list membership, effective bold and size), so these rules share the Word rules' logic in
``checks/docx.py``; they are their own rules because the ids of format-only rules name the format, and the fix
advice is LibreOffice Writer's.
"""

from __future__ import annotations

from ..model import Document
from ..registry import Results, check
from . import docx

__all__: list[str] = []


@check("odt-fake-heading", formats=("odt",))
def odt_fake_heading(doc: Document, out: Results) -> None:
    docx.fake_heading(doc, out)


@check("odt-manual-list", formats=("odt",))
def odt_manual_list(doc: Document, out: Results) -> None:
    docx.manual_list(doc, out)


@check("odt-empty-paragraphs", formats=("odt",))
def odt_empty_paragraphs(doc: Document, out: Results) -> None:
    docx.empty_paragraphs(doc, out)

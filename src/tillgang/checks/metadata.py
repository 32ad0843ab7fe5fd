"""document-title and document-lang: written once against the model."""

from __future__ import annotations

from ..lang import LangStatus, act_lang_status, bcp47_status, primary_subtag
from ..model import Document, Location
from ..registry import Results, check
from ..textutil import collapse, is_placeholder_title

DOC = Location(part="metadata")


@check("document-title")
def document_title(doc: Document, out: Results) -> None:
    title = collapse(doc.title)
    if not title:
        out.failed("missing", DOC)
        return
    reason = is_placeholder_title(title, doc.filename)
    if reason is None:
        out.passed(DOC)
    elif doc.format == "html":
        # On the web a placeholder title is a descriptiveness question (ACT c4a8a4 is manual).
        out.cant_tell("placeholder", DOC, title=title)
    else:
        out.failed("placeholder", DOC, title=title)


@check("document-lang")
def document_lang(doc: Document, out: Results) -> None:
    status = act_lang_status(doc.lang) if doc.format == "html" else bcp47_status(doc.lang)
    value = collapse(doc.lang)
    if status is LangStatus.MISSING:
        content = doc.content_lang
        if doc.format == "xlsx":
            # Excel keeps no language of its own in the file, only the optional dc:language property.
            out.cant_tell("missing-workbook", DOC)
        elif doc.format == "pdf" and content and bcp47_status(content) is LangStatus.OK:
            # PDF/UA accepts language on every structure element instead of the catalog (veraPDF 7.2-t34 does).
            out.cant_tell("missing-but-content", DOC, lang=content)
        else:
            out.failed("missing", DOC)
        return
    if status is not LangStatus.OK:
        out.failed("invalid", DOC, lang=value)
        return
    out.passed(DOC)
    content, share = doc.content_lang, doc.content_lang_share
    if (
        content
        and share is not None
        and share >= 0.6
        and bcp47_status(content) is LangStatus.OK
        and primary_subtag(content) != primary_subtag(value)
    ):
        out.cant_tell("mismatch", DOC, lang=value, content=content, share=round(share * 100))
    elif primary_subtag(value) == "se":
        out.cant_tell("sami", DOC, lang=value)

"""link-name: written once against the model's links."""

from __future__ import annotations

from ..model import Document
from ..registry import Results, check
from ..textutil import collapse, link_text_problem

# In Office documents (Word, PowerPoint, Excel, OpenDocument) a vague or bare-URL link text is a failure. On the
# web and in PDF, WCAG 2.4.4 lets the surrounding context describe the link (and a PDF link's /Contents may rightly be its URL), so a person decides.
STRICT_FORMATS = {"docx", "pptx", "xlsx", "odt", "odp", "ods"}


@check("link-name")
def link_name(doc: Document, out: Results) -> None:
    for link in doc.links or ():
        text = collapse(link.text)
        problem = link_text_problem(text)
        if problem is None or (problem == "vague" and doc.format == "html"):
            # on the web a generic text ("Läs mer") is link-purpose-generic's, which shows the link's context
            out.passed(link.location)
        elif problem == "empty" or doc.format in STRICT_FORMATS:
            out.failed(problem, link.location, text=text[:80], href=link.href or "")
        else:
            out.cant_tell(problem, link.location, text=text[:80], href=link.href or "")

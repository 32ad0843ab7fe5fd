"""Write Word documents that pass tillgang's own rules: title, language, real headings, header rows, link text.

Every .docx tillgang produces (the follow-up report, the accessibility statement) goes through this small
builder over python-docx, so the accessibility basics live in one place:

    doc = AccessibleDocx(title="Uppföljning av internkontrollplan 2024", lang="sv-SE")
    doc.heading("Bakgrund", 1)
    doc.paragraph("...")
    doc.table(["Process", "Risk"], rows, widths=None)
    doc.save(path)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

__all__ = ["AccessibleDocx", "repeat_header_row", "set_default_language"]


class AccessibleDocx:
    def __init__(
        self, title: str, lang: str = "sv-SE", author: str = "tillgang", when: dt.datetime | None = None
    ):
        from docx import Document

        self.doc: Any = Document()
        self.lang = lang
        props = self.doc.core_properties
        props.title = title
        props.author = author
        props.language = lang
        stamp = when or dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        props.created = stamp
        props.modified = stamp
        props.last_modified_by = author
        props.revision = 1
        set_default_language(self.doc, lang)
        self._dark_headings()

    def _dark_headings(self) -> None:
        """The default template colours headings and captions #4F81BD: 4.0:1 on white, below 4.5:1 for their
        size. Use a dark blue (about 12:1) so what tillgang writes passes its own contrast rule."""
        from docx.shared import RGBColor

        for style in self.doc.styles:
            name = getattr(style, "name", "") or ""
            if name.startswith(("Heading", "Title", "Subtitle", "Caption")) and hasattr(style, "font"):
                style.font.color.rgb = RGBColor(0x1F, 0x38, 0x64)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def paragraph(self, text: str = "", bold_prefix: str | None = None) -> None:
        p = self.doc.add_paragraph()
        if bold_prefix:
            p.add_run(bold_prefix).bold = True
        p.add_run(text)

    def paragraphs(self, text: str) -> None:
        """Text with blank-line separated paragraphs; single newlines become line breaks."""
        for block in [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]:
            p = self.doc.add_paragraph()
            for i, line in enumerate(block.split("\n")):
                run = p.add_run()
                if i:
                    run.add_break()
                run.add_text(line.strip())

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.doc.add_paragraph(item, style="List Bullet")

    def link(self, text: str, url: str, before: str = "", after: str = "") -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        p = self.doc.add_paragraph()
        if before:
            p.add_run(before)
        rid = p.part.relate_to(url, RT.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rid)
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        rpr.append(style)
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        rpr.append(underline)
        color = OxmlElement("w:color")
        color.set(qn("w:val"), "0B4F9C")
        rpr.append(color)
        run.append(rpr)
        t = OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        hyperlink.append(run)
        p._p.append(hyperlink)
        if after:
            p.add_run(after)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], caption: str | None = None) -> None:
        """A data table whose first row is a header row that repeats on every page (w:tblHeader)."""
        if caption:
            self.doc.add_paragraph(caption, style="Caption")
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = "Table Grid"
        for c, text in enumerate(header):
            cell = table.cell(0, c)
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).bold = True
        for r, row in enumerate(rows, 1):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                blocks = [b.strip() for b in str(text).split("\n\n") if b.strip()] or [""]
                cell.text = blocks[0]
                for block in blocks[1:]:
                    cell.add_paragraph(block)
        repeat_header_row(table.rows[0])

    def to_bytes(self) -> bytes:
        buf = BytesIO()
        self.doc.save(buf)
        return buf.getvalue()

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.to_bytes())


def set_default_language(document: Any, tag: str, bidi: str = "ar-SA") -> None:
    """The document's default language (styles.xml docDefaults) and Word's proofing language for new text
    (settings.xml themeFontLang): what the docx reader reads as the document's language."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), bidi)
    settings = document.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        settings.append(theme)
    theme.set(qn("w:val"), tag)


def repeat_header_row(row: Any) -> None:
    """Mark a table row as its header row, repeated on every page (w:tblHeader), and never split."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.insert(0, OxmlElement("w:cantSplit"))
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)

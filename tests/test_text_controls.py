"""The text report never prints a document's control characters raw (issue 14, item 16).

A document's file name, image addresses and alternative texts reach the terminal through the text report. A
terminal escape (``ESC ] 0;… BEL`` sets the window title, ``ESC [ 2J`` clears the screen), a C1 control
(U+009B is a one-byte CSI) or a bidi override (U+202E turns ``gpj.exe`` into ``exe.jpg``) must show as
visible escapes instead.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import docx

from tillgang.engine import check_file
from tillgang.render.text import describe_location, render_text

HOSTILE = "\x1b]0;owned\x07\x1b[2J\u202egpj\x9b31m"


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _raw_controls(text: str) -> list[str]:
    """Characters that a terminal would act on: C0 (but newline), DEL, C1, and bidi controls."""
    bidi = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
    return [c for c in text if c != "\n" and (unicodedata.category(c) == "Cc" or c in bidi)]


def test_terminal_escapes_from_an_html_page_are_shown_not_sent(tmp_path: Path) -> None:
    page = tmp_path / "sida\x1b[2J.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Sida</title></head><body><main><h1>Rubrik</h1>'
        f'<img src="IMG{HOSTILE}.png"></main></body></html>',
        encoding="utf-8",
    )
    entry = check_file(page)
    assert any("\x1b" in f["message"] for f in entry["findings"])  # the engine keeps the data as it is
    text = render_text({"documents": [entry]})
    assert _raw_controls(text) == []
    assert "\\x1b]0;owned\\x07\\x1b[2J\\u202egpj\\x9b31m" in text
    assert "sida\\x1b[2J.html" in text


def test_c1_controls_and_bidi_overrides_in_a_word_alt_text_are_shown_not_sent(tmp_path: Path) -> None:
    d = docx.Document()
    d.core_properties.title = "Rapport"
    d.add_paragraph("Text.")
    d.add_paragraph().add_run().add_picture(io.BytesIO(_png()))
    doc_pr = d.inline_shapes[0]._inline.docPr
    doc_pr.set("descr", "IMG_2041.jpg \u202egpj.exe \x9b2J \x85")  # valid XML, hostile on a terminal
    path = tmp_path / "bild.docx"
    d.save(str(path))
    entry = check_file(path)
    assert any("\u202e" in f["message"] for f in entry["findings"]), entry["findings"]
    text = render_text({"documents": [entry]}, lang="en")
    assert _raw_controls(text) == []
    assert "\\u202egpj.exe" in text  # (the Word reader itself drops the C1 control)


def test_error_messages_warnings_and_locations_are_escaped_too() -> None:
    entry = {
        "source": "https://kommun.se/a\x1b[31m.pdf",
        "format": "pdf",
        "error": {"code": "corrupt", "message": "trasig fil: \x1b]8;;https://evil/\x07"},
    }
    ok = {
        "source": "b.pdf",
        "format": "pdf",
        "rules": {},
        "findings": [],
        "warnings": ["varning \x1bc"],
    }
    text = render_text({"documents": [entry, ok]})
    assert _raw_controls(text) == []
    assert "a\\x1b[31m.pdf" in text and "\\x1b]8;;https://evil/\\x07" in text and "varning \\x1bc" in text
    assert describe_location({"selector": "img[alt='\x1b[2J']"}) == "img[alt='\\x1b[2J']"
    from tillgang.render.text import visible

    assert visible("tab\tand newline\n stay; ESC \x1b goes") == "tab\tand newline\n stay; ESC \\x1b goes"
    assert visible("svenska åäö – “citat” 🙂") == "svenska åäö – “citat” 🙂"

"""The text judgements shared by every format: placeholder titles, poor alt text, poor link text."""

from __future__ import annotations

import pytest

from tillgang.textutil import alt_text_problem, collapse, is_placeholder_title, link_text_problem


@pytest.mark.parametrize(
    ("title", "filename", "expected"),
    [
        ("", "a.docx", "blank"),
        ("Dokument1", "a.docx", "default"),
        ("Presentation1", "a.pptx", "default"),
        ("Microsoft Word - rapport.docx", "rapport.pdf", "generated"),
        ("rapport", "rapport.docx", "filename"),
        ("årsredovisning_2024.docx", "x.pdf", "filename"),
        ("Årsredovisning 2024", "arsredovisning.pdf", None),
    ],
)
def test_placeholder_titles(title: str, filename: str, expected: str | None) -> None:
    assert is_placeholder_title(title, filename) == expected


@pytest.mark.parametrize(
    ("alt", "expected"),
    [
        ("IMG_2041.jpg", "filename"),
        ("Picture 3", "default-name"),
        ("Bild 2", "default-name"),
        ("bild", "generic"),
        ("Image", "generic"),
        ("Beskrivning genereras automatiskt", "generated"),
        ("x" * 251, "too-long"),
        ("Karta över Knivsta centrum med den nya busslinjen inritad", None),
    ],
)
def test_alt_text_problems(alt: str, expected: str | None) -> None:
    assert alt_text_problem(alt) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("https://www.knivsta.se/bygga", "url"),
        ("www.knivsta.se", "url"),
        ("Klicka här", "vague"),
        ("här", "vague"),
        ("Läs mer", "vague"),
        ("click here", "vague"),
        ("anna.andersson@knivsta.se", None),  # an address says where the link leads
        ("Ansökan om bygglov (pdf, 120 kB)", None),
    ],
)
def test_link_text_problems(text: str, expected: str | None) -> None:
    assert link_text_problem(text) == expected


def test_collapse_normalises_whitespace() -> None:
    assert collapse("  a\u00a0 b\n\tc ") == "a b c"
    assert collapse(None) == ""

"""Text heuristics shared by checks of every format: placeholder titles, poor alt text, vague link text."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "alt_text_problem",
    "collapse",
    "is_placeholder_title",
    "link_text_problem",
    "sv_count",
    "sv_number",
    "sv_percent",
]


def collapse(text: str | None) -> str:
    """Strip NULs and control characters, collapse whitespace."""
    if not text:
        return ""
    text = text.replace("\x00", "")
    quick = " ".join(text.split())  # fast path, same result: split() already removes every Zs/Zl/Zp space
    if quick.isprintable():
        return quick
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zs", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())


def _fold(text: str) -> str:
    return collapse(text).casefold()


_PLACEHOLDER_TITLES = {
    "dokument",
    "document",
    "presentation",
    "powerpoint-presentation",
    "powerpoint presentation",
    "namnlös",
    "namnlöst",
    "untitled",
    "title",
    "titel",
    "rubrik",
    "no title",
    "ingen titel",
    "slide 1",
    "bild 1",
}
_DEFAULT_NAME = re.compile(r"^(dokument|document|presentation|presentation|namnlös|untitled|bok|book)\s*\d+$")
_WORD_PREFIX = re.compile(r"^(microsoft (word|powerpoint|excel)|word|powerpoint)\s+-\s+")
_ONLY_PUNCT = re.compile(r"^[\W\d_]+$")


def is_placeholder_title(title: str, filename: str) -> str | None:
    """A reason when ``title`` is a placeholder (file name, template default), else None."""
    folded = _fold(title)
    if not folded:
        return "blank"
    name = _fold(filename)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if folded in (name, stem) or folded.replace("_", " ") in (name.replace("_", " "), stem.replace("_", " ")):
        return "filename"
    if _WORD_PREFIX.match(folded):
        return "generated"
    if folded in _PLACEHOLDER_TITLES or _DEFAULT_NAME.match(folded):
        return "default"
    if _ONLY_PUNCT.match(folded):
        return "default"
    if re.search(r"\.(docx?|pptx?|pdf|odt|odp|rtf|txt|html?)$", folded):
        return "filename"
    return None


_IMAGE_EXT = re.compile(r"\.(png|jpe?g|gif|bmp|tiff?|emf|wmf|svg|webp|heic)$")
_CAMERA = re.compile(r"^(img|dsc|dscn|dscf|pxl|pict|screenshot|skärmbild|skärmavbild)[ _-]?\d")
_DEFAULT_OBJECT = re.compile(
    r"^(picture|bild|bildobjekt|image|grafik|graphic|figur|figure|diagram|chart|foto|photo|object|objekt|grupp|"
    r"group|textruta|text box|platshållare för innehåll|content placeholder|rektangel|rectangle|shape|form)\s*\d+$"
)
_GENERIC = {
    "bild",
    "bilden",
    "image",
    "picture",
    "pic",
    "img",
    "foto",
    "photo",
    "grafik",
    "graphic",
    "figur",
    "figure",
    "ikon",
    "icon",
    "logo",
    "logotyp",
    "diagram",
    "chart",
    "illustration",
    "alt",
    "alttext",
    "alternativtext",
    "alt text",
    "text",
    "-",
    ".",
    "_",
    "*",
    "image of",
    "bild av",
    "placeholder",
    "platshållare",
}
_BOILERPLATE = (
    "description automatically generated",
    "ai-generated content may be incorrect",
    "a picture containing",
    "a close up of",
    "a screenshot of",
    "beskrivning genereras automatiskt",
    "automatiskt genererad beskrivning",
    "en bild som innehåller",
    "ai-genererat innehåll kan vara felaktigt",
)
_DECORATIVE_WORDS = {
    "dekorativ",
    "dekorativ bild",
    "decorative",
    "decorative image",
    "dekoration",
    "decoration",
}
MAX_ALT = 250


def alt_text_problem(alt: str) -> str | None:
    """Why the alt text is poor: filename, default-name, generic, generated, decorative-words, too-long; or None."""
    text = collapse(alt)
    folded = text.casefold()
    if not folded:
        return None
    if (
        _IMAGE_EXT.search(folded)
        or _CAMERA.match(folded)
        or (("/" in folded or "\\" in folded) and " " not in folded)
    ):
        return "filename"
    if _DEFAULT_OBJECT.match(folded):
        return "default-name"
    if folded.strip(" .:-") in _GENERIC or folded in _GENERIC:
        return "generic"
    if folded.strip(" .") in _DECORATIVE_WORDS:
        return "decorative-words"
    if any(b in folded for b in _BOILERPLATE):
        return "generated"
    if len(text) > MAX_ALT:
        return "too-long"
    return None


_VAGUE_LINKS = {
    "klicka här",
    "klicka",
    "här",
    "läs mer",
    "läs mer här",
    "mer",
    "mer info",
    "mer information",
    "länk",
    "länken",
    "denna länk",
    "den här länken",
    "gå hit",
    "click here",
    "click",
    "here",
    "read more",
    "more",
    "more info",
    "link",
    "this link",
    "learn more",
    "details",
    "detaljer",
    "info",
    "ladda ner",
    "download",
    "klicka här för mer information",
    "click here for more information",
}
_URL = re.compile(r"^(https?://|ftp://|www\.|mailto:)\S+$|^\S+\.(se|com|org|net|nu|eu|gov|io)(/\S*)?$")


_EMAIL = re.compile(r"^[^@\s/:]+@[^@\s/]+\.[a-z]{2,}$")


def link_text_problem(text: str) -> str | None:
    """'empty', 'url' or 'vague' for poor link text, else None.

    An e-mail address is good link text: it says where the link leads (Word links typed addresses itself)."""
    folded = collapse(text).casefold().strip(" .:!»>›→")
    if not folded:
        return "empty"
    if _EMAIL.match(folded):
        return None
    if _URL.match(folded):
        return "url"
    if folded in _VAGUE_LINKS:
        return "vague"
    return None


# ------------------------------------------------------------------ Swedish numbers and plurals


def sv_number(value: float, decimals: int = 1) -> str:
    """A number as Swedish text: a decimal comma, no trailing zeros ("33,3", "25", "0,5")."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def sv_percent(value: float, decimals: int = 1) -> str:
    """A share in per cent as Swedish text, with a space before the sign: "33,3 %"."""
    return sv_number(value, decimals) + " %"


def sv_count(n: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number: "1 sida", "2 sidor", "0 sidor"."""
    return f"{n} {singular if n == 1 else plural}"

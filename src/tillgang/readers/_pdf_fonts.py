"""Simple fonts: which shown character codes map to Unicode without a ToUnicode CMap (ISO 32000-1 9.6.6, 9.10.2).

A code maps when its glyph name is in the Adobe Glyph List (``fontTools.agl``, which also reads ``uniXXXX``,
``uXXXX``, ligatures ``f_f`` and suffixes ``A.sc``), or when the font's encoding is MacRoman, MacExpert or
WinAnsi and the code has no Differences entry. The glyph name comes from the Differences array, else the base
encoding (StandardEncoding for a font without one), else the font program's built-in encoding: the cleartext
``/Encoding`` of an embedded Type 1 program (FontFile) or the Encoding of an embedded CFF program (FontFile3
Type1C), read with fontTools. A symbolic TrueType font without an encoding maps through its (3,0) or (1,0)
``cmap`` subtable (the codes select glyphs there, 9.6.6.4). ``.notdef`` never maps.

Font programs are parsed at most once per font and only for codes no dictionary can map; a program that cannot be
read maps nothing (the code stays unmapped).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Any

import pikepdf
from fontTools import agl
from fontTools.encodings.StandardEncoding import StandardEncoding

from ._pdf_struct import pdf_name

__all__ = ["SimpleFontMapper", "glyph_has_unicode"]

_PREDEFINED = {"WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding"}
_DUP = re.compile(rb"dup\s+(\d{1,3})\s*/([^\s/\[\]{}()<>%]+)\s+put")
MAX_PROGRAM_BYTES = 8 * 1024 * 1024


@lru_cache(maxsize=4096)
def glyph_has_unicode(name: str) -> bool:
    """A glyph name that the Adobe Glyph List algorithm turns into Unicode (never .notdef)."""
    if not name or name == ".notdef":
        return False
    try:
        return bool(agl.toUnicode(name))
    except (ValueError, KeyError, IndexError):
        return False


def _differences(encoding: Any) -> dict[int, str]:
    out: dict[int, str] = {}
    diffs = encoding.get("/Differences") if isinstance(encoding, pikepdf.Dictionary) else None
    if not isinstance(diffs, pikepdf.Array):
        return out
    code = 0
    for item in list(diffs)[:1024]:
        if isinstance(item, int):
            code = int(item)
        elif isinstance(item, pikepdf.Name):
            if 0 <= code <= 255:
                out[code] = pdf_name(item) or ""
            code += 1
    return out


def _type1_builtin(data: bytes) -> dict[int, str]:
    """The built-in encoding in the cleartext part of a Type 1 program: ``dup <code> /<name> put`` entries."""
    head = data.split(b"eexec", 1)[0]
    if b"/Encoding StandardEncoding" in head:
        return dict(enumerate(StandardEncoding))
    return {int(code): name.decode("latin-1") for code, name in _DUP.findall(head) if int(code) < 256}


def _cff_builtin(data: bytes) -> dict[int, str]:
    from fontTools.cffLib import CFFFontSet

    cff = CFFFontSet()
    cff.decompile(io.BytesIO(data), None)
    top = cff[cff.fontNames[0]]
    encoding = getattr(top, "Encoding", "StandardEncoding")
    if encoding == "StandardEncoding" or encoding is None:
        return dict(enumerate(StandardEncoding))
    if isinstance(encoding, list):
        return {code: name for code, name in enumerate(encoding[:256]) if name}
    return {}


def _truetype_symbolic_codes(data: bytes) -> set[int]:
    """Codes a symbolic TrueType program's (3,0) or (1,0) cmap maps to a real glyph (not GID 0)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True, fontNumber=0)
    order = font.getGlyphOrder()
    notdef = order[0] if order else ".notdef"
    codes: set[int] = set()
    for table in font["cmap"].tables:
        if (table.platformID, table.platEncID) not in ((3, 0), (1, 0)):
            continue
        for code, glyph in table.cmap.items():
            if glyph != notdef and (code < 256 or 0xF000 <= code <= 0xF2FF):
                codes.add(code & 0xFF)
    return codes


class SimpleFontMapper:
    """Decides, code by code, whether a simple font (Type 1, TrueType, Type 3) maps a shown code to Unicode."""

    def __init__(self, font: pikepdf.Dictionary, subtype: str, symbolic: bool) -> None:
        self.font = font
        self.subtype = subtype
        self.symbolic = symbolic
        encoding = font.get("/Encoding")
        self.base = (
            pdf_name(encoding.get("/BaseEncoding")) if isinstance(encoding, pikepdf.Dictionary) else None
        )
        if isinstance(encoding, pikepdf.Name):
            self.base = pdf_name(encoding)
        self.has_encoding = encoding is not None
        self.diffs = _differences(encoding)
        self._builtin: dict[int, str] | None = None
        self._symbolic_codes: set[int] | None = None

    def unmapped(self, codes: set[int]) -> list[int]:
        """The shown codes that do not map to Unicode, sorted."""
        return sorted(c for c in codes if not self._maps(c))

    def _maps(self, code: int) -> bool:
        name = self.diffs.get(code)
        if name is not None:
            return glyph_has_unicode(name)
        if self.base in _PREDEFINED:
            return True
        if self.base is not None or self.subtype == "Type3":
            # StandardEncoding is not one of the encodings 9.10.2 names; a Type 3 font has no built-in encoding
            return False
        if self.subtype == "TrueType":
            return self.symbolic and not self.has_encoding and code in self._truetype_codes()
        return glyph_has_unicode(self._builtin_encoding().get(code, ""))

    def _program(self) -> tuple[str, bytes] | None:
        descriptor = self.font.get("/FontDescriptor")
        if not isinstance(descriptor, pikepdf.Dictionary):
            return None
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            stream = descriptor.get(key)
            if isinstance(stream, pikepdf.Stream):
                length = stream.get("/Length")
                if isinstance(length, int) and int(length) > MAX_PROGRAM_BYTES:
                    return None
                try:
                    return key, stream.read_bytes()[:MAX_PROGRAM_BYTES]
                except pikepdf.PdfError:
                    return None
        return None

    def _builtin_encoding(self) -> dict[int, str]:
        if self._builtin is None:
            self._builtin = {}
            program = self._program()
            if program is not None and program[0] != "/FontFile2":
                key, data = program
                try:
                    self._builtin = _type1_builtin(data) if key == "/FontFile" else _cff_builtin(data)
                except Exception:  # fontTools raises many exception types on damaged programs
                    self._builtin = {}
        return self._builtin

    def _truetype_codes(self) -> set[int]:
        if self._symbolic_codes is None:
            self._symbolic_codes = set()
            program = self._program()
            if program is not None and program[0] == "/FontFile2":
                try:
                    self._symbolic_codes = _truetype_symbolic_codes(program[1])
                except Exception:  # fontTools raises many exception types on damaged programs
                    self._symbolic_codes = set()
        return self._symbolic_codes

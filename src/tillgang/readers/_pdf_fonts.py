"""Simple fonts: which shown character codes map to Unicode without a ToUnicode CMap (ISO 32000-1 9.6.6, 9.10.2).

9.10.2 names one method for simple fonts besides ToUnicode: a font that uses MacRomanEncoding, MacExpertEncoding
or WinAnsiEncoding, or whose Differences array includes only character names of the Adobe standard Latin
character set and the Symbol set (Annex D, Tables D.2 and D.5), maps a code to a character name (Table D.1 and
the Differences) and the name through the Adobe Glyph List. So:

- a Differences array with any other name (``.notdef``, ``g12``, ``f_f``, ``uni0041``, ``one.oldstyle``) takes
  the whole font out of that method: none of its codes maps without ToUnicode;
- a code named in the Differences maps (its name is then an Annex D name); a code that is not takes its name
  from the base encoding: a predefined one maps, StandardEncoding (no predefined encoding in 9.10.2) and Type 3
  (no built-in encoding) do not, and otherwise the built-in encoding of an embedded Type 1 or CFF program (the
  cleartext ``/Encoding`` of FontFile, the Encoding of FontFile3 Type1C, read with fontTools) gives the name,
  which must be an Annex D name (the Type 1 exception of PDF/A-1 6.3.8 that PDF/UA validators apply: "glyph
  names taken from the Adobe standard Latin character set or the Symbol font");
- a TrueType font without an encoding (symbolic: codes select glyphs through its (3,0) or (1,0) cmap, 9.6.6.4)
  has no Unicode mapping except ToUnicode: those cmaps map codes to glyphs, not to Unicode.

``.notdef`` never maps. Font programs are parsed at most once per font and only for codes no dictionary can map;
a program that cannot be read maps nothing (the code stays unmapped).
"""

from __future__ import annotations

import functools
import io
import re
import zlib
from typing import Any

import pikepdf
from fontTools.encodings.MacRoman import MacRoman
from fontTools.encodings.StandardEncoding import StandardEncoding

from ._pdf_struct import pdf_name

__all__ = ["SimpleFontMapper", "annex_d_names", "program_format_matches"]

_PREDEFINED = {"WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding"}
_DUP = re.compile(rb"dup\s+(\d{1,3})\s*/([^\s/\[\]{}()<>%]+)\s+put")
MAX_PROGRAM_BYTES = 8 * 1024 * 1024

# ISO 32000-1 Table D.5: the Symbol set's names that are not also in the standard Latin character set.
_SYMBOL_NAMES = [
    "Alpha",
    "Beta",
    "Chi",
    "Delta",
    "Epsilon",
    "Eta",
    "Gamma",
    "Ifraktur",
    "Iota",
    "Kappa",
    "Lambda",
    "Mu",
    "Nu",
    "Omega",
    "Omicron",
    "Phi",
    "Pi",
    "Psi",
    "Rfraktur",
    "Rho",
    "Sigma",
    "Tau",
    "Theta",
    "Upsilon",
    "Upsilon1",
    "Xi",
    "Zeta",
    "aleph",
    "alpha",
    "angle",
    "angleleft",
    "angleright",
    "approxequal",
    "arrowboth",
    "arrowdblboth",
    "arrowdbldown",
    "arrowdblleft",
    "arrowdblright",
    "arrowdblup",
    "arrowdown",
    "arrowhorizex",
    "arrowleft",
    "arrowright",
    "arrowup",
    "arrowvertex",
    "asteriskmath",
    "beta",
    "braceex",
    "braceleftbt",
    "braceleftmid",
    "bracelefttp",
    "bracerightbt",
    "bracerightmid",
    "bracerighttp",
    "bracketleftbt",
    "bracketleftex",
    "bracketlefttp",
    "bracketrightbt",
    "bracketrightex",
    "bracketrighttp",
    "carriagereturn",
    "chi",
    "circlemultiply",
    "circleplus",
    "club",
    "congruent",
    "copyrightsans",
    "copyrightserif",
    "delta",
    "diamond",
    "dotmath",
    "element",
    "emptyset",
    "epsilon",
    "equivalence",
    "eta",
    "existential",
    "gamma",
    "gradient",
    "greaterequal",
    "heart",
    "infinity",
    "integral",
    "integralbt",
    "integralex",
    "integraltp",
    "intersection",
    "iota",
    "kappa",
    "lambda",
    "lessequal",
    "logicaland",
    "logicalor",
    "lozenge",
    "minute",
    "notelement",
    "notequal",
    "notsubset",
    "nu",
    "omega",
    "omega1",
    "omicron",
    "parenleftbt",
    "parenleftex",
    "parenlefttp",
    "parenrightbt",
    "parenrightex",
    "parenrighttp",
    "partialdiff",
    "perpendicular",
    "phi",
    "phi1",
    "pi",
    "product",
    "propersubset",
    "propersuperset",
    "proportional",
    "psi",
    "radical",
    "radicalex",
    "reflexsubset",
    "reflexsuperset",
    "registersans",
    "registerserif",
    "rho",
    "second",
    "sigma",
    "sigma1",
    "similar",
    "spade",
    "suchthat",
    "summation",
    "tau",
    "therefore",
    "theta",
    "theta1",
    "trademarksans",
    "trademarkserif",
    "union",
    "universal",
    "upsilon",
    "weierstrass",
    "xi",
    "zeta",
]


def _latin_names() -> set[str]:
    """Table D.2, the standard Latin character set: the names StandardEncoding, MacRomanEncoding,
    WinAnsiEncoding and PDFDocEncoding give their codes (WinAnsi's names are the glyph list's names of its
    characters; its no-break space and soft hyphen are named space and hyphen there)."""
    from fontTools.agl import UV2AGL

    names = set(StandardEncoding) | set(MacRoman[0x20:])
    names -= {"DEL", "nbspace", "apple"}  # fontTools' MacRoman names; Table D.2 has space, no DEL or apple
    for byte in range(0x21, 0x100):
        if byte in (0x7F, 0xA0, 0xAD):
            continue
        try:
            char = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        name = UV2AGL.get(ord(char))
        if name:
            names.add(name)
    names.update(("onesuperior", "twosuperior", "threesuperior"))  # WinAnsi; the glyph list says uni00B9...
    names.update(("minus", "Euro", "Lslash", "lslash", "Zcaron", "zcaron", "dotlessi"))  # PDFDocEncoding
    names.discard(".notdef")
    return names


@functools.cache
def annex_d_names() -> frozenset[str]:
    """The character names 9.10.2 accepts in a Differences array without ToUnicode (Annex D: Latin and Symbol);
    built on first use (the Adobe Glyph List takes a while to import)."""
    return frozenset(_latin_names() | set(_SYMBOL_NAMES))


_SFNT_TAGS = (b"\x00\x01\x00\x00", b"true", b"ttcf", b"OTTO")


def _program_head(stream: pikepdf.Stream) -> bytes | None:
    """The first four bytes of a font program, decoding at most that much (unfiltered or FlateDecode only; None
    for other filters or a stream that cannot be read)."""
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array) and len(filters) == 1:
        filters = filters[0]
    try:
        raw = stream.read_raw_bytes()
        if filters is None:
            return raw[:4]
        if filters == pikepdf.Name.FlateDecode:
            return zlib.decompressobj().decompress(raw, 4)
    except (pikepdf.PdfError, zlib.error):
        return None
    return None


def program_format_matches(key: str, subtype: str | None, stream: pikepdf.Stream) -> bool:
    """The program's first bytes are of the format its key and subtype declare (ISO 32000-1 Table 126): FontFile a
    Type 1 program (``%!`` or a PFB segment), FontFile2 a TrueType program (an sfnt), FontFile3 Type1C or
    CIDFontType0C a bare CFF program (major version 1), not an sfnt. True when the bytes cannot be seen."""
    head = _program_head(stream)
    if not head or len(head) < 4:
        return head is None
    if key == "/FontFile":
        return head.startswith((b"%!", b"\x80\x01"))
    if key == "/FontFile2":
        return head.startswith(_SFNT_TAGS)
    if subtype in ("Type1C", "CIDFontType0C"):
        return head[0] == 1 and not head.startswith(_SFNT_TAGS)
    return True


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
        self.diffs = _differences(encoding)
        # 9.6.6.4: a symbolic TrueType font selects glyphs through its cmap unless its Encoding is a name
        self.encoding_ignored = subtype == "TrueType" and symbolic and not isinstance(encoding, pikepdf.Name)
        # 9.10.2: the Differences method holds only while every name in the array is an Annex D name
        names = annex_d_names()
        self.differences_usable = all(name in names for name in self.diffs.values())
        self._builtin: dict[int, str] | None = None

    def unmapped(self, codes: set[int]) -> list[int]:
        """The shown codes that do not map to Unicode, sorted."""
        return sorted(c for c in codes if not self._maps(c))

    def _maps(self, code: int) -> bool:
        if self.encoding_ignored or not self.differences_usable:
            return False
        name = self.diffs.get(code)
        if name is not None:
            return True
        if self.base in _PREDEFINED:
            return True
        if self.base is not None or self.subtype in ("Type3", "TrueType"):
            # StandardEncoding is not one of the encodings 9.10.2 names; a Type 3 font has no built-in encoding;
            # a TrueType font's cmap maps codes to glyphs, not to Unicode
            return False
        return self._builtin_encoding().get(code, "") in annex_d_names()

    def _program(self) -> tuple[str, bytes] | None:
        descriptor = self.font.get("/FontDescriptor")
        if not isinstance(descriptor, pikepdf.Dictionary):
            return None
        for key in ("/FontFile", "/FontFile3"):
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
            if program is not None:
                key, data = program
                try:
                    self._builtin = _type1_builtin(data) if key == "/FontFile" else _cff_builtin(data)
                except Exception:  # fontTools raises many exception types on damaged programs
                    self._builtin = {}
        return self._builtin

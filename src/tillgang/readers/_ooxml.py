"""The OPC package layer shared by the Word and PowerPoint readers.

zipfile + lxml, with limits: every part is streamed and counted (``ZipInfo.file_size`` is attacker-controlled),
DTDs are refused, entities are never resolved, ISO/IEC 29500 Strict namespaces are mapped to transitional ones
before parsing, relationship targets are resolved relative to the source part and case-insensitively.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

from lxml import etree

from ..errors import DocumentError
from ..limits import Limits

__all__ = [
    "NS",
    "Package",
    "Relationship",
    "is_on",
    "open_as",
    "open_package",
    "open_zip",
    "sniff_package",
]

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "dgm": "http://schemas.openxmlformats.org/drawingml/2006/diagram",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wpg": "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}

_T = "http://schemas.openxmlformats.org/"
_S = "http://purl.oclc.org/ooxml/"
# Strict -> transitional namespace URIs (byte-level replacement before parsing; longest first).
_STRICT_MAP: list[tuple[str, str]] = sorted(
    [
        (_S + "wordprocessingml/main", _T + "wordprocessingml/2006/main"),
        (_S + "presentationml/main", _T + "presentationml/2006/main"),
        (_S + "spreadsheetml/main", _T + "spreadsheetml/2006/main"),
        (_S + "drawingml/main", _T + "drawingml/2006/main"),
        (_S + "drawingml/wordprocessingDrawing", _T + "drawingml/2006/wordprocessingDrawing"),
        (_S + "drawingml/picture", _T + "drawingml/2006/picture"),
        (_S + "drawingml/chart", _T + "drawingml/2006/chart"),
        (_S + "drawingml/diagram", _T + "drawingml/2006/diagram"),
        (_S + "drawingml/table", _T + "drawingml/2006/table"),
        (_S + "officeDocument/relationships", _T + "officeDocument/2006/relationships"),
        (_S + "officeDocument/math", _T + "officeDocument/2006/math"),
        (_S + "officeDocument/extendedProperties", _T + "officeDocument/2006/extended-properties"),
        (_S + "officeDocument/docPropsVTypes", _T + "officeDocument/2006/docPropsVTypes"),
    ],
    key=lambda pair: -len(pair[0]),
)
_STRICT_BYTES = [(s.encode(), t.encode()) for s, t in _STRICT_MAP]

REL_OFFICE_DOCUMENT = _T + "officeDocument/2006/relationships/officeDocument"
REL_CORE = _T + "package/2006/relationships/metadata/core-properties"

WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
PPT_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
}

SHEET_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}

_ON = {"true", "1", "on"}
_OFF = {"false", "0", "off"}


def is_on(value: str | None, default: bool = True) -> bool:
    """OOXML on/off values: an element present without @val is on; accept all six spellings."""
    if value is None:
        return default
    v = value.strip().lower()
    if v in _ON:
        return True
    if v in _OFF:
        return False
    return default


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


@dataclass(frozen=True, slots=True)
class Relationship:
    id: str
    type: str  # transitional relationship type URI
    target: str  # normalised part name ("word/media/image1.png") or the external URL
    external: bool


def _rel_type_local(rel_type: str) -> str:
    return rel_type.rstrip("/").rsplit("/", 1)[-1]


class Package:
    """An opened OOXML package. Parts are read lazily, once, under the limits."""

    def __init__(self, zf: zipfile.ZipFile, limits: Limits) -> None:
        self.zf = zf
        self.limits = limits
        self.strict = False
        self._names: dict[str, str] = {}
        for info in zf.infolist():
            self._names[info.filename.lstrip("/").lower()] = info.filename
        if len(self._names) > limits.max_zip_entries:
            raise DocumentError("too-large", f"{len(self._names)} zip entries")
        self._check_declared_sizes()
        self._bytes_read = 0
        self._xml: dict[str, etree._Element | None] = {}
        self._rels: dict[str, dict[str, Relationship]] = {}
        self.content_types = self._read_content_types()

    def _check_declared_sizes(self) -> None:
        """Refuse a zip bomb up front, even in parts no reader would read. The declared sizes are the
        file's own claim, so this catches honest bombs; the streamed reads below catch the rest."""
        total = 0
        for info in self.zf.infolist():
            size = info.file_size
            total += size
            if size > self.limits.max_part_bytes:
                raise DocumentError("too-large", f"part {info.filename} decompresses to {size} bytes")
            if size > (1 << 20) and size / max(info.compress_size, 1) > self.limits.max_compression_ratio:
                raise DocumentError(
                    "too-large", f"part {info.filename} has a compression ratio above the limit"
                )
        if total > self.limits.max_package_bytes:
            raise DocumentError("too-large", f"the package decompresses to {total} bytes")

    # ----------------------------------------------------------------- raw parts
    def has(self, partname: str) -> bool:
        return partname.lstrip("/").lower() in self._names

    def part_names(self) -> list[str]:
        return [n.lstrip("/") for n in self._names.values()]

    def read_bytes(self, partname: str) -> bytes:
        key = partname.lstrip("/").lower()
        real = self._names.get(key)
        if real is None:
            raise KeyError(partname)
        limit = self.limits.max_part_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            info = self.zf.getinfo(real)
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise DocumentError(
                            "too-large", f"part {partname} decompresses to more than {limit} bytes"
                        )
                    if (
                        size > (1 << 20)
                        and info.compress_size
                        and size / max(info.compress_size, 1) > self.limits.max_compression_ratio
                    ):
                        raise DocumentError(
                            "too-large", f"part {partname} has a compression ratio above the limit"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise DocumentError("corrupt", f"part {partname} cannot be read: {exc}") from exc
        except RuntimeError as exc:  # zipfile raises RuntimeError for encrypted entries
            raise DocumentError("encrypted", f"part {partname}: {exc}") from exc
        self._bytes_read += size
        if self._bytes_read > self.limits.max_package_bytes:
            raise DocumentError("too-large", "the package decompresses to more than the limit")
        return b"".join(chunks)

    def xml(self, partname: str) -> etree._Element | None:
        """The part parsed, Strict namespaces mapped; None when the part does not exist."""
        key = partname.lstrip("/").lower()
        if key in self._xml:
            return self._xml[key]
        if key not in self._names:
            self._xml[key] = None
            return None
        return self.parse_part(partname, self.read_bytes(partname))

    def parse_part(self, partname: str, data: bytes) -> etree._Element:
        """A part's bytes (from ``read_bytes``) parsed and kept like ``xml``'s."""
        root = parse_xml(data, partname)
        self.note_strict(data)
        self._xml[partname.lstrip("/").lower()] = root
        return root

    def note_strict(self, data: bytes) -> None:
        """Remember that the package uses Strict OOXML names when this part does."""
        if self._map_strict_needed(data):
            self.strict = True

    @staticmethod
    def _map_strict_needed(data: bytes) -> bool:
        return b"purl.oclc.org/ooxml" in data[:4096]

    # ----------------------------------------------------------------- relationships
    def rels(self, source_part: str) -> dict[str, Relationship]:
        """Relationships of a part ("" for the package), keyed by id."""
        source_part = source_part.lstrip("/")
        if source_part in self._rels:
            return self._rels[source_part]
        folder, name = posixpath.split(source_part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels") if source_part else "_rels/.rels"
        result: dict[str, Relationship] = {}
        root = self.xml(rels_name) if self.has(rels_name) else None
        if root is not None:
            for el in root.iter("{%s}Relationship" % NS["pr"]):
                rid = el.get("Id") or ""
                rtype = _map_strict_str(el.get("Type") or "")
                target = el.get("Target") or ""
                external = (el.get("TargetMode") or "").lower() == "external"
                if not external:
                    target = resolve_target(folder, target)
                result[rid] = Relationship(rid, rtype, target, external)
        self._rels[source_part] = result
        return result

    def rel_targets(self, source_part: str, type_local: str) -> list[Relationship]:
        """Internal relationships of a given type (matched on the type's last path segment)."""
        return [
            r
            for r in self.rels(source_part).values()
            if not r.external and _rel_type_local(r.type) == type_local
        ]

    def main_part(self) -> str:
        for rel in self.rels("").values():
            if _rel_type_local(rel.type) == "officeDocument" and not rel.external:
                return rel.target
        raise DocumentError("corrupt", "the package has no main document part")

    def content_type(self, partname: str) -> str:
        partname = "/" + partname.lstrip("/")
        override = self.content_types["override"].get(partname.lower())
        if override:
            return override
        ext = partname.rsplit(".", 1)[-1].lower() if "." in partname else ""
        return self.content_types["default"].get(ext, "")

    def _read_content_types(self) -> dict[str, dict[str, str]]:
        root = self.xml("[Content_Types].xml")
        if root is None:
            raise DocumentError("corrupt", "the package has no [Content_Types].xml")
        defaults = {
            (el.get("Extension") or "").lower(): el.get("ContentType") or ""
            for el in root.iter("{%s}Default" % NS["ct"])
        }
        overrides = {
            (el.get("PartName") or "").lower(): el.get("ContentType") or ""
            for el in root.iter("{%s}Override" % NS["ct"])
        }
        return {"default": defaults, "override": overrides}

    # ----------------------------------------------------------------- core properties
    def core_properties(self) -> dict[str, str]:
        """dc:title, dc:language ... from docProps/core.xml (found through the package relationship)."""
        part = next(
            (r.target for r in self.rels("").values() if _rel_type_local(r.type) == "core-properties"),
            "docProps/core.xml",
        )
        root = self.xml(part) if self.has(part) else None
        props: dict[str, str] = {}
        if root is None:
            return props
        for child in root:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            props[local] = (child.text or "").strip()
        return props

    def close(self) -> None:
        self.zf.close()


def _map_strict_str(value: str) -> str:
    if value.startswith(_S):
        for strict, trans in _STRICT_MAP:
            if value.startswith(strict):
                return trans + value[len(strict) :]
    return value


def map_strict(data: bytes) -> bytes:
    if b"purl.oclc.org/ooxml" not in data:
        return data
    for strict, trans in _STRICT_BYTES:
        data = data.replace(strict, trans)
    return data


def parse_xml(data: bytes, partname: str = "") -> etree._Element:
    head = data[:2048]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data[:65536]:
        raise DocumentError("corrupt", f"part {partname} declares a DTD or entities, which OOXML never needs")
    try:
        return etree.fromstring(map_strict(data), _parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentError("corrupt", f"part {partname} is not well-formed XML: {exc}") from exc


def resolve_target(source_folder: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = posixpath.normpath(posixpath.join(source_folder, target))
    return path


def sniff_package(path: Path, limits: Limits) -> str:
    """'docx', 'pptx' or 'xlsx' from the main part's content type; raises DocumentError otherwise."""
    pkg = open_package(path, limits)
    try:
        main = pkg.main_part()
        if not pkg.has(main):
            raise DocumentError("corrupt", f"the main part {main} is missing")
        ctype = pkg.content_type(main)
        if ctype in WORD_MAIN_TYPES:
            return "docx"
        if ctype in PPT_MAIN_TYPES:
            return "pptx"
        if ctype in SHEET_MAIN_TYPES:
            return "xlsx"
        if ctype.startswith("application/vnd.ms-excel.sheet.binary"):
            raise DocumentError("unsupported-format", "a binary Excel workbook (.xlsb); save it as .xlsx")
        if not ctype.endswith(".main+xml"):
            # e.g. a theme package named .docx (hostile stress025.docx): no document main part at all
            raise DocumentError(
                "corrupt", f"the package has no document main part (its main part is {ctype})"
            )
        raise DocumentError("unsupported-format", f"OOXML package of type {ctype or 'unknown'}")
    finally:
        pkg.close()


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip file at ``path``, or DocumentError("corrupt") when it is not a readable zip."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise DocumentError("corrupt", f"not a readable zip package: {exc}") from exc


_P = TypeVar("_P", bound=Package)


def open_as(kind: type[_P], path: Path, limits: Limits) -> _P:
    """The zip at ``path`` opened as a ``kind`` package (OOXML or ODF) under the limits; the zip is closed
    again when the package cannot be built, and a broken zip is DocumentError("corrupt")."""
    zf = open_zip(path)
    try:
        return kind(zf, limits)
    except DocumentError:
        zf.close()
        raise
    except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError) as exc:
        zf.close()
        raise DocumentError("corrupt", f"broken zip package: {exc}") from exc


def open_package(path: Path, limits: Limits) -> Package:
    return open_as(Package, path, limits)

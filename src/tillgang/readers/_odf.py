"""The OpenDocument package layer (ODF 1.2/1.3 part 3, "Packages"), the zip sniffer, and the style sheet.

An ODF package is a zip whose first entry should be ``mimetype`` (stored, not compressed) holding the media type,
with ``META-INF/manifest.xml`` listing the parts and, for encrypted parts, their ``manifest:encryption-data``.
Parts are read with the same safety as OOXML (``_ooxml.Package``: every part streamed and counted, declared sizes
checked up front, entry count capped) and parsed with entities off, no network and no DTD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import DocumentError
from ..limits import Limits
from ._ooxml import Package, open_as, open_zip, sniff_package

__all__ = [
    "NS",
    "ODF_TYPES",
    "OdfPackage",
    "StyleSheet",
    "length_to_emu",
    "length_to_pt",
    "odf_colour",
    "open_odf",
    "sniff_zip",
]

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "loext": "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0",
}

# media type (the mimetype entry, or the manifest's "/" entry) -> format. Templates and master documents are
# read like the documents they make.
_OD = "application/vnd.oasis.opendocument."
ODF_TYPES = {
    _OD + "text": "odt",
    _OD + "text-template": "odt",
    _OD + "text-master": "odt",
    _OD + "presentation": "odp",
    _OD + "presentation-template": "odp",
    _OD + "spreadsheet": "ods",
    _OD + "spreadsheet-template": "ods",
}
MAX_MIMETYPE_BYTES = 256


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def parse_odf_xml(data: bytes, partname: str = "") -> etree._Element:
    """A part parsed without entities, DTDs or network access. ODF never needs a DTD: refuse one."""
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data[:65536]:
        raise DocumentError("corrupt", f"part {partname} declares a DTD or entities, which ODF never needs")
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentError("corrupt", f"part {partname} is not well-formed XML: {exc}") from exc


class OdfPackage(Package):
    """An opened ODF package: the OOXML package's limits and streamed reads, without content types."""

    def _read_content_types(self) -> dict[str, dict[str, str]]:
        return {"default": {}, "override": {}}

    def parse_part(self, partname: str, data: bytes) -> etree._Element:
        root = parse_odf_xml(data, partname)
        self._xml[partname.lstrip("/").lower()] = root
        return root

    def mimetype(self) -> str | None:
        """The package's media type: the ``mimetype`` entry, else the manifest's root entry."""
        if self.has("mimetype"):
            raw = self.read_bytes("mimetype")[:MAX_MIMETYPE_BYTES]
            value = raw.decode("ascii", errors="replace").strip()
            if value:
                return value
        manifest = self.manifest()
        if manifest is not None:
            for entry in manifest.iter(f"{{{NS['manifest']}}}file-entry"):
                if entry.get(f"{{{NS['manifest']}}}full-path") == "/":
                    return (entry.get(f"{{{NS['manifest']}}}media-type") or "").strip() or None
        return None

    def manifest(self) -> etree._Element | None:
        return self.xml("META-INF/manifest.xml")

    def is_encrypted(self) -> bool:
        """A part with ``manifest:encryption-data`` (ODF 1.2 encryption), or ODF 1.3 OpenPGP key info."""
        manifest = self.manifest()
        if manifest is None:
            return False
        m = NS["manifest"]
        return (
            manifest.find(f".//{{{m}}}encryption-data") is not None
            or manifest.find(f".//{{{m}}}keyinfo") is not None
        )

    def media_types(self) -> dict[str, str]:
        """Manifest full path -> media type ("Object 1/" -> "application/vnd.oasis.opendocument.chart")."""
        manifest = self.manifest()
        result: dict[str, str] = {}
        if manifest is None:
            return result
        m = NS["manifest"]
        for entry in manifest.iter(f"{{{m}}}file-entry"):
            result[entry.get(f"{{{m}}}full-path") or ""] = entry.get(f"{{{m}}}media-type") or ""
        return result


def open_odf(path: Path, limits: Limits) -> OdfPackage:
    return open_as(OdfPackage, path, limits)


def odf_format(pkg: OdfPackage) -> str:
    """The format of an ODF package, or DocumentError (encrypted, unsupported-format)."""
    mimetype = pkg.mimetype() or ""
    if pkg.is_encrypted():
        raise DocumentError("encrypted", "an encrypted OpenDocument package (manifest encryption-data)")
    fmt = ODF_TYPES.get(mimetype)
    if fmt is None:
        raise DocumentError("unsupported-format", f"OpenDocument package of type {mimetype or 'unknown'}")
    return fmt


def _looks_like_odf(names: list[str]) -> bool:
    lowered = {n.lower() for n in names}
    if "[content_types].xml" in lowered:
        return False
    return "mimetype" in lowered or "meta-inf/manifest.xml" in lowered


def sniff_zip(path: Path, limits: Limits) -> str:
    """A zip: OpenDocument (by its mimetype or manifest) or OOXML (by its main part's content type)."""
    with open_zip(path) as zf:
        names = zf.namelist()
    if not _looks_like_odf(names):
        return sniff_package(path, limits)
    pkg = open_odf(path, limits)
    try:
        return odf_format(pkg)
    finally:
        pkg.close()


# ---------------------------------------------------------------------------------------------- values

_LENGTH = re.compile(r"^\s*(-?[0-9]*\.?[0-9]+)\s*(cm|mm|in|pt|pc|px|em)?\s*$")
_EMU_PER = {"cm": 360_000, "mm": 36_000, "in": 914_400, "pt": 12_700, "pc": 152_400, "px": 9_525}


def length_to_emu(value: str | None) -> int | None:
    """An ODF length ("2.5cm", "10mm", "1in") in EMU, so the PowerPoint reading-order geometry applies."""
    if not value:
        return None
    m = _LENGTH.match(value)
    if not m:
        return None
    unit = m.group(2) or "cm"
    if unit not in _EMU_PER:
        return None
    return round(float(m.group(1)) * _EMU_PER[unit])


def length_to_pt(value: str | None) -> float | None:
    emu = length_to_emu(value)
    return None if emu is None else emu / 12_700


def odf_colour(value: str | None) -> tuple[int, int, int] | str | None:
    """fo:color / fo:background-color: an RGB triple, "transparent", or None when absent or unreadable."""
    if value is None:
        return None
    v = value.strip().lower()
    if v == "transparent":
        return "transparent"
    if len(v) == 7 and v.startswith("#"):
        try:
            return (int(v[1:3], 16), int(v[3:5], 16), int(v[5:7], 16))
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------------------------------------- styles

S = "{%s}" % NS["style"]
_PROPS = (
    "text-properties",
    "paragraph-properties",
    "table-cell-properties",
    "graphic-properties",
    "drawing-page-properties",
    "table-properties",
)


_LOEXT_GRAPHIC = "{%s}graphic-properties" % NS["loext"]


@dataclass(slots=True)
class OdfStyle:
    family: str
    name: str
    display_name: str
    parent: str | None
    outline_level: int | None
    props: dict[str, dict[str, str]] = field(default_factory=dict)  # "text-properties" -> {"fo:color": …}
    automatic: bool = False  # from office:automatic-styles (direct formatting, not a style the user sees)


def _qname(attr: str) -> str:
    """Clark notation -> "prefix:local" with the ODF prefixes (attribute keys are stored that way)."""
    if attr.startswith("{"):
        uri, local = attr[1:].split("}", 1)
        for prefix, ns in NS.items():
            if ns == uri:
                return f"{prefix}:{local}"
        return local
    return attr


def _style_from(el: etree._Element, family: str, name: str) -> OdfStyle:
    level_raw = el.get(S + "default-outline-level")
    try:
        level = int(level_raw) if level_raw else None
    except ValueError:
        level = None
    props: dict[str, dict[str, str]] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag == _LOEXT_GRAPHIC:
            # LibreOffice writes an Impress table cell's fill as loext:graphic-properties in its cell style
            # (ODF 1.2 and 1.3 have no graphic properties for table cells); a style:graphic-properties wins.
            props.setdefault("graphic-properties", {_qname(k): v for k, v in child.attrib.items()})
            continue
        if not child.tag.startswith(S):
            continue
        local = child.tag[len(S) :]
        if local in _PROPS:
            props[local] = {_qname(k): v for k, v in child.attrib.items()}
    return OdfStyle(
        family=family,
        name=name,
        display_name=(el.get(S + "display-name") or name.replace("_20_", " ")),
        parent=el.get(S + "parent-style-name"),
        outline_level=level,
        props=props,
    )


class StyleSheet:
    """Named and automatic styles by (family, name), default styles by family, with the parent chain."""

    MAX_CHAIN = 32

    def __init__(self) -> None:
        self.styles: dict[tuple[str, str], OdfStyle] = {}
        self.defaults: dict[str, OdfStyle] = {}
        self.page_layouts: dict[str, OdfStyle] = {}
        self.master_pages: dict[str, etree._Element] = {}
        self._memo: dict[tuple[str, str | None, str, str, bool], str | None] = {}

    def add_container(self, container: etree._Element | None) -> None:
        """office:styles, office:automatic-styles or office:master-styles."""
        if container is None:
            return
        automatic = container.tag == "{%s}automatic-styles" % NS["office"]
        for el in container:
            if not isinstance(el.tag, str) or not el.tag.startswith(S):
                continue
            local = el.tag[len(S) :]
            if local == "style":
                family = el.get(S + "family") or ""
                name = el.get(S + "name") or ""
                self.styles[(family, name)] = style = _style_from(el, family, name)
                style.automatic = automatic
            elif local == "default-style":
                family = el.get(S + "family") or ""
                self.defaults[family] = _style_from(el, family, "")
            elif local == "page-layout":
                name = el.get(S + "name") or ""
                self.page_layouts[name] = _style_from(el, "page-layout", name)
                for child in el:
                    if isinstance(child.tag, str) and child.tag == S + "page-layout-properties":
                        self.page_layouts[name].props["page-layout-properties"] = {
                            _qname(k): v for k, v in child.attrib.items()
                        }
            elif local == "master-page":
                self.master_pages[el.get(S + "name") or ""] = el

    def get(self, family: str, name: str | None) -> OdfStyle | None:
        if not name:
            return None
        return self.styles.get((family, name))

    def chain(self, family: str, name: str | None) -> list[OdfStyle]:
        """The style, its parent, … (a visited set and a depth cap guard against loops)."""
        out: list[OdfStyle] = []
        seen: set[str] = set()
        while name and name not in seen and len(out) < self.MAX_CHAIN:
            seen.add(name)
            style = self.styles.get((family, name))
            if style is None:
                break
            out.append(style)
            name = style.parent
        return out

    def lookup(
        self, family: str, name: str | None, group: str, attr: str, default: bool = True
    ) -> str | None:
        """An attribute of a property group through the chain, then the family's default style."""
        key = (family, name, group, attr, default)
        if key in self._memo:
            return self._memo[key]
        value: str | None = None
        for style in self.chain(family, name):
            value = style.props.get(group, {}).get(attr)
            if value is not None:
                break
        if value is None and default:
            dflt = self.defaults.get(family)
            if dflt is not None:
                value = dflt.props.get(group, {}).get(attr)
        self._memo[key] = value
        return value

    def user_name(self, family: str, name: str | None) -> str:
        """The display name of the first style in the chain that is not automatic (the style a user chose),
        "" when there is none."""
        for style in self.chain(family, name):
            if not style.automatic:
                return style.display_name
        return ""

    def outline_level(self, name: str | None) -> int | None:
        """The heading level a paragraph style gives (style:default-outline-level through the chain)."""
        for style in self.chain("paragraph", name):
            if style.outline_level is not None:
                return style.outline_level if 1 <= style.outline_level <= 10 else None
            m = _HEADING_NAME.fullmatch(style.display_name.casefold().strip())
            if m:
                return int(m.group(1))
        return None


# Heading styles named by other tools (LibreOffice names them "Heading 1" with an outline level).
_HEADING_NAME = re.compile(r"(?:heading|rubrik|überschrift|titre|título|kop|otsikko|overskrift)\s*([1-9])")

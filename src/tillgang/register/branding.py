"""The municipality's name and logo in the register's header (``[register] organisation`` and ``logo``).

``tillgang.web.settings`` puts the configured values in ``settings.TILLGANG_BRAND`` (an environment variable wins
over the file). The logo is read and checked once, when the app starts: a file that is missing, larger than
``LOGO_MAX_BYTES``, not SVG, PNG, JPEG or WebP, or an SVG with a DOCTYPE, scripts or event handlers stops the
start with a clear message (like a broken ``[risk]`` table). ``logo`` serves it with a sandboxing CSP, so an
SVG opened on its own can never run anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

__all__ = ["LOGO_CSP", "LOGO_MAX_BYTES", "Brand", "brand", "get_brand", "logo", "logo_type"]

LOGO_MAX_BYTES = 512 * 1024
# Nothing may load or run; inline styles are the SVG's own presentation; "sandbox" gives the document an
# opaque origin with scripts, forms and plugins off, even when the file is opened directly.
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
SVG_NS = "{http://www.w3.org/2000/svg}"
DEFAULT_APP_NAME = "Internkontroll"


@dataclass(frozen=True)
class Brand:
    organisation: str  # "" when none is configured
    logo_alt: str  # the logo's text alternative (the organisation's name unless configured)
    logo_bytes: bytes | None = None
    logo_content_type: str = ""

    @property
    def has_logo(self) -> bool:
        return self.logo_bytes is not None


def _check_svg(data: bytes) -> str | None:
    """None when ``data`` is a plain SVG document, else what is wrong with it (Swedish)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"SVG-filen går inte att läsa som XML ({exc})"
    if root.getroottree().docinfo.doctype:
        return "SVG-filen har en DOCTYPE; ta bort den (entiteter och externa DTD:er tillåts inte)"
    if root.tag != f"{SVG_NS}svg":
        return "filen är inte en SVG-bild (rotelementet är inte <svg>)"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in ("script", "foreignObject"):
            return f"SVG-filen innehåller <{local}>, som inte är tillåtet i en logotyp"
        if any(etree.QName(name).localname.lower().startswith("on") for name in element.attrib):
            return "SVG-filen innehåller händelseattribut (on…), som inte är tillåtna i en logotyp"
    return None


def logo_type(data: bytes) -> str | None:
    """The content type of a logo, from its bytes (never from the file name): SVG, PNG, JPEG or WebP."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    return None


def _read_logo(path: Path) -> tuple[bytes, str]:
    where = f"[register] logo = {str(path)!r}"
    try:
        size = path.stat().st_size
        if size > LOGO_MAX_BYTES:
            raise ImproperlyConfigured(
                f"{where}: logotypen är {size} byte, högst {LOGO_MAX_BYTES} byte tillåts"
                f" / the logo is larger than {LOGO_MAX_BYTES} bytes"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{where}: logotypen kan inte läsas ({exc.strerror}) / the logo cannot be read"
        ) from exc
    kind = logo_type(data)
    if kind is None:
        raise ImproperlyConfigured(
            f"{where}: logotypen ska vara en SVG-, PNG-, JPEG- eller WebP-bild"
            " / the logo must be an SVG, PNG, JPEG or WebP image"
        )
    if kind == "image/svg+xml":
        problem = _check_svg(data)
        if problem:
            raise ImproperlyConfigured(f"{where}: {problem} / the SVG logo is refused")
    return data, kind


@lru_cache(maxsize=1)
def get_brand() -> Brand:
    """The configured name and logo, checked (``ImproperlyConfigured`` with a clear message when wrong)."""
    raw: dict[str, Any] = dict(getattr(settings, "TILLGANG_BRAND", {}) or {})
    organisation = " ".join(str(raw.get("organisation") or "").split())
    logo_alt = " ".join(str(raw.get("logo_alt") or "").split()) or organisation
    logo_path = str(raw.get("logo") or "").strip()
    if not logo_path:
        return Brand(organisation, logo_alt)
    if not logo_alt:
        raise ImproperlyConfigured(
            "[register] logo kräver organisation (eller logo_alt): logotypen behöver en textbeskrivning"
            " / a logo needs [register] organisation or logo_alt as its text alternative"
        )
    data, kind = _read_logo(Path(logo_path))
    return Brand(organisation, logo_alt, data, kind)


def brand(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``brand`` (a :class:`Brand`) for the header of every page."""
    return {"brand": get_brand(), "brand_app": DEFAULT_APP_NAME}


@login_not_required  # the login page shows it too
@require_safe
def logo(request: HttpRequest) -> HttpResponse:
    current = get_brand()
    if current.logo_bytes is None:
        raise Http404("ingen logotyp är inställd")
    response = HttpResponse(current.logo_bytes, content_type=current.logo_content_type)
    response["Content-Security-Policy"] = LOGO_CSP
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response

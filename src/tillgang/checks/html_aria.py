"""HTML rules about WAI-ARIA use: attributes, values, roles, required and permitted states, hidden focus,
nested interactive content, presentational conflicts and duplicate referenced ids."""

from __future__ import annotations

from .. import aria as _aria
from ..model import Document
from ..readers.native import Info, Page
from ..registry import Results, check
from .html_common import at, offscreen, page_of, short

_ID_REF_ATTRS = (
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "aria-activedescendant",
    "aria-flowto",
    "aria-details",
    "aria-errormessage",
)
_NAME_REF_ATTRS = ("aria-labelledby", "aria-describedby")


def _with_aria(page: Page) -> list[Info]:
    return [page.infos[i] for i in sorted(page.aria)]


def _aria_attrs(page: Page, info: Info) -> list[tuple[str, str]]:
    return page.aria.get(info.index, [])


@check("aria-valid-attr", formats=("html",))
def aria_valid_attr(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in _with_aria(page):
        for name, _ in _aria_attrs(page, info):
            if name in _aria.ATTRS:
                out.passed(at(page, info))
            else:
                out.failed("unknown", at(page, info), attribute=name)


@check("aria-valid-attr-value", formats=("html",))
def aria_valid_attr_value(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in _with_aria(page):
        for name, value in _aria_attrs(page, info):
            if name not in _aria.ATTRS or value == "":
                continue
            if not _aria.value_ok(name, value):
                kind, tokens = _aria.ATTRS[name]
                allowed = ", ".join(sorted(tokens)) if tokens else kind
                out.failed("invalid", at(page, info), attribute=name, value=short(value, 40), allowed=allowed)
            else:
                out.passed(at(page, info))


@check("aria-roles", formats=("html",))
def aria_roles(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.having("role"):
        value = info.el.get("role")
        if value is None or not value.strip() or info.prog_hidden:
            continue
        if info.explicit_role is not None:
            out.passed(at(page, info))
        else:
            out.failed("invalid", at(page, info), role=short(value, 40))


def _native_provides(info: Info, attr: str) -> bool:
    """The element's native semantics give the state (``<input type=checkbox role=switch>``)."""
    kind = (info.el.get("type") or "").strip().lower()
    if attr == "aria-checked":
        return info.tag == "input" and kind in ("checkbox", "radio")
    if attr == "aria-valuenow":
        return (info.tag == "input" and kind == "range") or info.tag in ("meter", "progress")
    if attr == "aria-expanded":
        return info.tag == "select"
    return False


@check("aria-required-attr", formats=("html",))
def aria_required_attr(doc: Document, out: Results) -> None:
    """ACT 4e8ab6 on WAI-ARIA 1.2: an explicit role (not the element's implicit one) needs its required states and
    properties, set and not empty. 1.2 gives no implicit value to heading's aria-level or combobox's
    aria-expanded (1.1 did); option's and tab's aria-selected have defaults and are not required."""
    page = page_of(doc)
    if page is None:
        return
    for info in page.having("role"):
        role = info.explicit_role
        if role is None or role != info.role or not info.in_at or role == info.implicit_role:
            continue
        required = list(_aria.required_attrs(role))
        if role == "separator" and info.focusable:
            required.append("aria-valuenow")  # a focusable separator is a widget (a splitter)
        missing = [
            a for a in required if not (info.el.get(a) or "").strip() and not _native_provides(info, a)
        ]
        if missing == ["aria-controls"] and role == "combobox" and not _expanded(info):
            # A collapsed combobox's popup may not exist until it opens (ARIA 1.3 asks for aria-controls only
            # when expanded): a person checks.
            out.cant_tell("collapsed", at(page, info), role=role, attributes="aria-controls")
        elif missing:
            out.failed("missing", at(page, info), role=role, attributes=", ".join(missing))
        else:
            out.passed(at(page, info))


def _expanded(info: Info) -> bool:
    return (info.el.get("aria-expanded") or "").strip().lower() == "true"


# ARIA in HTML lets some native elements carry attributes their role does not list.
_HTML_ALLOWED = {
    "aria-checked": ("input",),
    "aria-required": ("input", "select", "textarea"),
    "aria-readonly": ("input", "textarea"),
    "aria-invalid": ("input", "select", "textarea"),
    "aria-placeholder": ("input", "textarea"),
}
# ARIA in HTML: elements with no corresponding role take global attributes only; audio and video also take those
# of the application role.
_NO_ROLE_ELEMENTS = frozenset(
    [
        "audio",
        "video",
        "canvas",
        "embed",
        "iframe",
        "label",
        "legend",
        "map",
        "object",
        "picture",
        "figcaption",
        "kbd",
        "var",
        "wbr",
        "rp",
        "rt",
        "ruby",
        "col",
        "colgroup",
    ]
)


@check("aria-allowed-attr", formats=("html",))
def aria_allowed_attr(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in _with_aria(page):
        attrs = [(n, v) for n, v in _aria_attrs(page, info) if n in _aria.ATTRS]
        if not attrs or info.prog_hidden:
            continue
        role = info.role
        # ACT kb1m8s: on the semantic role, none/presentation included (only hidden elements are out of scope)
        prohibited = (
            _aria.prohibited_attrs(role)
            if not info.in_pres_children and info.tag not in ("body", "html")
            else frozenset()
        )
        for name, value in attrs:
            if name in prohibited:
                out.failed("prohibited", at(page, info), attribute=name, role=role or "")
                continue
            if name in _aria.GLOBAL_ATTRS or info.tag in _HTML_ALLOWED.get(name, ()):
                out.passed(at(page, info))
                continue
            if role is None:
                if info.explicit_role is not None:
                    continue
                if info.tag in ("audio", "video") and name in _aria.supported_attrs("application"):
                    out.passed(at(page, info))
                elif info.tag in _NO_ROLE_ELEMENTS and not info.in_svg:
                    out.failed("not-allowed", at(page, info), attribute=name, role=info.tag)
                elif info.tag not in ("div", "span"):
                    out.cant_tell("unknown-role", at(page, info), attribute=name, element=info.tag)
                continue
            if role in ("none", "presentation") or info.in_pres_children:
                continue
            if name in _aria.supported_attrs(role) or (
                name == "aria-required" and value.strip().lower() == "false"
            ):
                out.passed(at(page, info))
            else:
                out.failed("not-allowed", at(page, info), attribute=name, role=role)


def _outermost_hidden(page: Page) -> list[Info]:
    out = []
    for info in page.having("aria-hidden"):
        if (info.el.get("aria-hidden") or "").strip().lower() == "true" and not (
            info.parent is not None and info.parent.aria_hidden
        ):
            out.append(info)
    return out


def _used_maps(page: Page) -> set[str]:
    """Names of the image maps a rendered ``img usemap`` uses (an ``area`` is focusable only in such a map)."""
    used = set()
    for img in page.iter("img"):
        usemap = (img.attrs.get("usemap") or "").strip()
        if usemap.startswith("#") and len(usemap) > 1 and not img.not_rendered:
            used.add(usemap[1:])
    return used


def _in_sequential_focus(page: Page, info: Info, maps: set[str]) -> bool:
    """Part of sequential focus navigation: tabbable, and for an ``area`` inside a map that an image uses."""
    if not info.tabbable:
        return False
    if info.tag == "area":
        owner = info.ancestor("map")
        return owner is not None and any(
            owner.attrs.get(attr) in maps for attr in ("name", "id") if owner.attrs.get(attr)
        )
    return True


def _scripted(page: Page) -> bool:
    """The page runs scripts: a script element or a focus event handler attribute."""
    return bool(page.iter("script")) or any(
        "onfocus" in i.attrs or "onfocusin" in i.attrs for i in page.infos
    )


@check("aria-hidden-focus", formats=("html",))
def aria_hidden_focus(doc: Document, out: Results) -> None:
    """ACT 6cfa84: no element with aria-hidden="true" is, or contains in the flat tree, an element in
    sequential focus navigation. What a static page cannot settle gives cantTell: a hiding class or an
    off-screen position (a stylesheet may hide the element; a focus sentinel), and an ``iframe``, whose
    own content decides whether Tab stops inside it."""
    page = page_of(doc)
    if page is None:
        return
    maps = _used_maps(page)

    # An off-screen focusable element is a focus sentinel only if a script moves focus on (ACT's "focusable"
    # excludes elements that lose focus at once); without any script it is simply focusable.
    scripted: list[bool] = []  # computed once, when first needed

    def unsure(d: Info) -> bool:
        if d.hint_hidden:
            return True
        if not offscreen(d):
            return False
        if not scripted:
            scripted.append(_scripted(page))
        return scripted[0]

    for info in _outermost_hidden(page):
        tabbable = [d for d in page.subtree(info) if _in_sequential_focus(page, d, maps)]
        certain = [d for d in tabbable if not unsure(d) and d.tag != "iframe"]
        if not tabbable:
            out.passed(at(page, info))
        elif certain:
            first = certain[0]
            out.failed("focusable", at(page, info), element=page.selector(first.el), count=len(tabbable))
        elif all(d.tag == "iframe" for d in tabbable):
            out.cant_tell("frame", at(page, info), element=page.selector(tabbable[0].el))
        else:
            out.cant_tell("maybe-hidden", at(page, info), element=page.selector(tabbable[0].el))


@check("nested-interactive", formats=("html",))
def nested_interactive(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.with_role(*_aria.CHILDREN_PRESENTATIONAL):
        if not info.in_at:
            continue
        inner = [d for d in page.subtree(info)[1:] if d.tabbable]
        if inner:
            out.failed("nested", at(page, info), role=info.role or "", element=page.selector(inner[0].el))
        else:
            out.passed(at(page, info))


@check("presentation-role-conflict", formats=("html",))
def presentation_role_conflict(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in sorted(page.having("role") + page.iter("img"), key=lambda i: i.index):
        if not info.marked_decorative:
            continue
        if info.conflict and not info.prog_hidden:
            reason = "focusable" if info.focusable else "aria"
            out.failed(reason, at(page, info), element=info.tag, role=info.role or "")
        else:
            out.passed(at(page, info))


@check("duplicate-id-aria", formats=("html",))
def duplicate_id_aria(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    referenced: dict[str, bool] = {}  # id -> referenced by something that makes a name or description
    candidates = (
        set(page.aria)
        | {i.index for i in page.labels}
        | {i.index for i in page.iter("td", "th") if i.el.get("headers")}
    )
    for index in sorted(candidates):
        info = page.infos[index]
        el = info.el
        for attr in _ID_REF_ATTRS:
            for ident in (el.get(attr) or "").split():
                referenced[ident] = referenced.get(ident, False) or attr in _NAME_REF_ATTRS
        if info.tag == "label" and el.get("for"):
            referenced[el.get("for", "")] = True
        for ident in (el.get("headers") or "").split():
            referenced.setdefault(ident, False)
    for ident, naming in sorted(referenced.items()):
        holders = page.ids.get(ident)
        if not holders:
            continue
        where = at(page, holders[0])
        if len(holders) == 1:
            out.passed(where)
            continue
        texts = {page.text(h.el) for h in holders}
        if naming and len(texts) > 1:
            out.failed("duplicate", where, id=short(ident, 40), count=len(holders))
        else:
            out.cant_tell("duplicate-same", where, id=short(ident, 40), count=len(holders))

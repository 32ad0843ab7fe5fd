"""The parsed model of one static HTML page: roles, hidden state, focus, accessible names, languages, tables.

Built in one pass over the lxml tree (docs/html.md). Checks only read these facts; no check
parses HTML or runs CSS selectors. Everything here is a static approximation: external CSS and scripts are
unknown, so "rendered" is the default and class names that usually hide are kept as hints.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import Any

import tinycss2
from lxml import etree

from .. import aria as _aria
from ..errors import DocumentError
from ..model import Location

__all__ = ["Info", "Page", "parse_int", "style_declarations"]

Element = Any  # lxml.html.HtmlElement (typed loosely: lxml ships no stubs)

NOT_RENDERED_TAGS = frozenset(
    [
        "head",
        "script",
        "style",
        "template",
        "noscript",
        "datalist",
        "title",
        "meta",
        "link",
        "base",
        "param",
        "source",
        "track",
    ]
)
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "legend",
        "option",
    ]
)
LABELABLE = frozenset(["input", "textarea", "select", "button", "meter", "output", "progress"])
TEXT_INPUT_TYPES = frozenset(["text", "search", "tel", "url", "email", "password"])
HINT_CLASSES = frozenset(
    ["hidden", "d-none", "is-hidden", "hide", "js-hidden", "u-hidden", "visually-hidden-focusable"]
)
_GENERIC_TAGS = frozenset(
    [
        "div",
        "span",
        "b",
        "i",
        "u",
        "q",
        "s",
        "small",
        "bdi",
        "bdo",
        "data",
        "pre",
        "samp",
        "kbd",
        "var",
        "abbr",
        "cite",
        "font",
        "center",
        "big",
        "tt",
        "nobr",
        "body",
    ]
)
_SIMPLE_IMPLICIT = {
    "article": "article",
    "aside": "complementary",
    "blockquote": "blockquote",
    "button": "button",
    "caption": "caption",
    "code": "code",
    "datalist": "listbox",
    "del": "deletion",
    "details": "group",
    "dfn": "term",
    "dialog": "dialog",
    "em": "emphasis",
    "fieldset": "group",
    "figure": "figure",
    "form": "form",
    "hr": "separator",
    "html": "document",
    "ins": "insertion",
    "li": "listitem",
    "main": "main",
    "math": "math",
    "menu": "list",
    "meter": "meter",
    "nav": "navigation",
    "ol": "list",
    "ul": "list",
    "optgroup": "group",
    "option": "option",
    "output": "status",
    "p": "paragraph",
    "progress": "progressbar",
    "search": "search",
    "strong": "strong",
    "sub": "subscript",
    "sup": "superscript",
    "table": "table",
    "tbody": "rowgroup",
    "thead": "rowgroup",
    "tfoot": "rowgroup",
    "textarea": "textbox",
    "time": "time",
    "tr": "row",
    "dd": "definition",
    "dt": "term",
    "address": "group",
    "hgroup": "group",
    "mark": "mark",
}
_NO_ATTRS: dict[str, str] = {}
_INDEXED_ATTRS = frozenset({"role", "style", "lang", "aria-hidden"})
_FOCUS_TAGS = frozenset({"button", "select", "textarea", "iframe", "input", "summary"})
# tags whose facts depend on more than their attributes (a dialog without ``open`` is not rendered)
_STATEFUL_TAGS = _FOCUS_TAGS | {"dialog"}
_FORM_TAGS = frozenset({"button", "input", "select", "textarea", "optgroup", "option", "fieldset"})
_SECTIONING = frozenset(["article", "aside", "main", "nav", "section"])
_TABLE_PARTS = frozenset(["tr", "td", "th", "thead", "tbody", "tfoot"])
_OWNED_PARTS = _TABLE_PARTS | {"li"}
_NATIVE_NAMED = LABELABLE | {"img", "area", "fieldset", "figure", "table", "summary"}
_GENERATED_ID = re.compile(
    r"(\d{4,}|[0-9a-f]{8,}|[0-9a-f]{4,}-[0-9a-f]{4,}|^(ember|react|ng|yui|ext-gen)\d)", re.I
)
_INT = re.compile(r"^[\t\n\f\r ]*([+-]?\d+)")
_SPACE = re.compile(r"\s+")


def parse_int(value: str | None) -> int | None:
    """HTML's rules for parsing integers: leading whitespace, a sign, digits; anything after is ignored."""
    if value is None:
        return None
    m = _INT.match(value)
    return int(m.group(1)) if m else None


@lru_cache(maxsize=4096)
def style_declarations(style: str) -> tuple[tuple[str, str, bool], ...]:
    """(property, value, important) for each declaration of an inline ``style``; later ones win on lookup."""
    out = []
    for decl in tinycss2.parse_declaration_list(style, skip_whitespace=True, skip_comments=True):
        if decl.type == "declaration":
            out.append(
                (decl.lower_name, tinycss2.serialize(decl.value).strip().lower(), bool(decl.important))
            )
    return tuple(out)


def _style_value(style: str | None, prop: str) -> str | None:
    if not style or prop not in style.lower():
        return None
    value = None
    important = False
    for name, val, imp in style_declarations(style):
        if name == prop and (imp or not important):
            value, important = val, imp
    return value


def norm(text: str) -> str:
    return " ".join(text.split())


class Info:
    """Facts about one element, decided once."""

    __slots__ = (
        "aria_hidden",
        "attrs",
        "conflict",
        "depth",
        "disabled_fs",
        "el",
        "end",
        "explicit_role",
        "focusable",
        "hint_hidden",
        "implicit_role",
        "in_at",
        "in_pres_children",
        "in_svg",
        "index",
        "inert",
        "lang_el",
        "marked_decorative",
        "not_rendered",
        "nth",
        "parent",
        "prog_hidden",
        "role",
        "tabbable",
        "tag",
        "vis_hidden",
        "visible",
    )

    el: Element
    attrs: dict[str, str]  # the element's attributes (names lowercased by the parser)
    tag: str
    parent: Info | None
    depth: int  # 0 for the root
    index: int  # position in tree order
    end: int  # index of the last descendant (the subtree is Page.infos[index : end + 1])
    nth: int
    in_svg: bool
    not_rendered: bool  # display: none, on it or an ancestor
    vis_hidden: bool  # visibility: hidden/collapse (inherited, a descendant may reset it)
    aria_hidden: bool  # aria-hidden="true" on it or an ancestor
    inert: bool
    hint_hidden: bool  # a class name that usually hides (hidden, d-none ...) on it or an ancestor
    lang_el: Element | None  # the nearest inclusive ancestor with a lang attribute
    disabled_fs: bool  # inside a disabled fieldset (outside its first legend)
    focusable: bool
    tabbable: bool  # focusable and in sequential focus navigation
    explicit_role: str | None
    implicit_role: str | None
    role: str | None  # the semantic role (after presentational conflict resolution)
    marked_decorative: bool  # role none/presentation, or img alt="" without a role
    conflict: bool  # marked decorative but focusable or with a global aria-* attribute
    in_pres_children: bool  # a descendant of an element whose children are presentational
    prog_hidden: bool  # programmatically hidden (ACT): not rendered, visibility hidden, aria-hidden or inert
    visible: bool  # rendered and not visibility-hidden (off-screen positioning is not known here)
    in_at: bool  # in the accessibility tree with a role of its own (not hidden, decorative or presentational)

    def __init__(self, el: Element, tag: str, parent: Info | None, index: int) -> None:
        self.el = el
        self.tag = tag
        self.parent = parent
        self.index = index
        self.end = index
        self.depth = parent.depth + 1 if parent is not None else 0
        self.nth = 1

    def finish(self) -> None:
        """Derive the combined states once the element's own facts and role are known."""
        self.prog_hidden = self.not_rendered or self.vis_hidden or self.aria_hidden or self.inert
        self.visible = not self.not_rendered and not self.vis_hidden
        self.in_at = (
            not self.prog_hidden and self.role not in ("none", "presentation") and not self.in_pres_children
        )

    def ancestor(self, *tags: str) -> Info | None:
        """The nearest ancestor (not the element itself) with one of these tags, or None."""
        p = self.parent
        while p is not None:
            if p.tag in tags:
                return p
            p = p.parent
        return None


class Page:
    """The page model: element facts, id index, labels, names and table grids."""

    def __init__(self, root: Element, kind: str = "html", max_elements: int = 200_000) -> None:
        self.root = root
        self.max_elements = max_elements
        self.kind = kind  # html | svg | xml
        self.infos: list[Info] = []
        self.by_el: dict[Element, Info] = {}
        self.ids: dict[str, list[Info]] = {}
        self.labels_for: dict[str, list[Info]] = {}
        self.labels: list[Info] = []
        self._names: dict[Element, str] = {}
        self._selectors: dict[Element, str] = {}
        self._locations: dict[Element, Location] = {}
        self._grids: dict[Element, Any] = {}
        self.shadow_roots = 0
        self.max_depth = 0
        self.aria: dict[int, list[tuple[str, str]]] = {}  # element index -> its aria-* attributes
        self.with_attr: dict[str, list[Info]] = {}  # role, style, lang, aria-hidden -> elements with it
        self.by_tag: dict[str, list[Info]] = {}  # tag -> elements, in tree order
        self.by_role: dict[str | None, list[Info]] = {}  # semantic role -> elements, in tree order
        self._counts: dict[Element, dict[str, int]] = {}
        self._build()

    # ------------------------------------------------------------------ the one pass

    def _build(self) -> None:
        counters = self._counts
        by_el = self.by_el
        infos = self.infos
        for index, el in enumerate(self.root.iter(etree.Element)):
            if index >= self.max_elements:
                raise DocumentError("too-large", f"more than {self.max_elements} elements")
            tag = el.tag
            if not tag.islower():
                tag = tag.lower()
            if ":" in tag:
                tag = tag.rsplit(":", 1)[1]
            pel = el.getparent()
            parent = by_el.get(pel) if pel is not None else None
            info = Info(el, tag, parent, index)
            items = el.items()
            attrs = info.attrs = dict(items) if items else _NO_ATTRS
            infos.append(info)
            by_el[el] = info
            if info.depth > self.max_depth:
                self.max_depth = info.depth
            if pel is not None:
                c = counters.get(pel)
                if c is None:
                    c = counters[pel] = {}
                info.nth = c[tag] = c.get(tag, 0) + 1
            self._facts(info, attrs)
            if not attrs:
                continue
            for n in _INDEXED_ATTRS.intersection(attrs):
                self.with_attr.setdefault(n, []).append(info)
            aria = [(n, v) for n, v in items if n.startswith("aria-")]
            if aria:
                self.aria[index] = aria
            el_id = attrs.get("id")
            if el_id:
                self.ids.setdefault(el_id, []).append(info)
            if tag == "label" and not info.in_svg:
                target = attrs.get("for")
                if target:
                    self.labels_for.setdefault(target, []).append(info)
            if tag == "template" and attrs.get("shadowrootmode"):
                self.shadow_roots += 1
        self.labels = [i for i in infos if i.tag == "label" and not i.in_svg]
        # the last descendant's index: a subtree is infos[index : end + 1]
        for info in reversed(infos):
            info.end = max(info.end, info.index)
            if info.parent is not None and info.end > info.parent.end:
                info.parent.end = info.end
        by_tag = self.by_tag
        by_role = self.by_role
        for info in infos:
            self._roles(info)
            info.finish()
            by_tag.setdefault(info.tag, []).append(info)
            by_role.setdefault(info.role, []).append(info)

    def _facts(self, info: Info, attrs: dict[str, str]) -> None:
        tag, parent = info.tag, info.parent
        if parent is None:
            in_svg = nr = vis = ah = inert = hint = ds = False
            lang_el = None
        else:
            in_svg = parent.in_svg
            nr, vis, ah, inert = parent.not_rendered, parent.vis_hidden, parent.aria_hidden, parent.inert
            hint, lang_el, ds = parent.hint_hidden, parent.lang_el, parent.disabled_fs
            ptag = parent.tag
            if ptag == "fieldset" and "disabled" in parent.attrs:
                ds = not (tag == "legend" and self._first_child(parent.el, "legend") is info.el)
            if not nr and ptag == "details" and "open" not in parent.attrs:
                nr = not (tag == "summary" and self._first_summary(parent.el) is info.el)
        info.in_svg = in_svg or tag == "svg"
        if not nr and tag in NOT_RENDERED_TAGS and not in_svg:
            nr = True
        info.disabled_fs = ds
        if not attrs and tag not in _STATEFUL_TAGS:
            info.not_rendered, info.vis_hidden, info.aria_hidden, info.inert = nr, vis, ah, inert
            info.hint_hidden, info.lang_el = hint, lang_el
            info.focusable = info.tabbable = False
            return
        get = attrs.get
        style = get("style")
        if not nr:
            display = _style_value(style, "display") if style else None
            if (
                display == "none"
                or ("hidden" in attrs and display is None and tag != "area")
                or (tag == "input" and (get("type") or "").strip().lower() == "hidden")
                or (tag == "dialog" and "open" not in attrs)
            ):
                nr = True
        info.not_rendered = nr
        if style:
            visibility = _style_value(style, "visibility")
            if visibility is not None:
                vis = visibility in ("hidden", "collapse")
        info.vis_hidden = vis
        if not ah and "aria-hidden" in attrs:
            ah = attrs["aria-hidden"].strip().lower() == "true"
        info.aria_hidden = ah
        info.inert = inert = inert or "inert" in attrs
        classes = get("class")
        if not hint and classes:
            hint = not HINT_CLASSES.isdisjoint(classes.lower().split())
        info.hint_hidden = hint
        info.lang_el = info.el if "lang" in attrs else lang_el
        # focus
        focusable = False
        tabindex = None
        if not nr and not inert and not vis:
            tabindex = parse_int(get("tabindex"))
            if tag in _FORM_TAGS and ("disabled" in attrs or (ds and tag != "fieldset")):
                focusable = False
            elif tabindex is not None or (
                (tag in ("a", "area") and "href" in attrs)
                or tag in ("button", "select", "textarea", "iframe")
                or (tag == "input" and (get("type") or "").strip().lower() != "hidden")
                or (tag in ("audio", "video") and "controls" in attrs)
                or (
                    tag == "summary"
                    and parent is not None
                    and parent.tag == "details"
                    and self._first_summary(parent.el) is info.el
                )
                or ("contenteditable" in attrs and attrs["contenteditable"].strip().lower() != "false")
            ):
                focusable = True
        info.focusable = focusable
        info.tabbable = focusable and (tabindex is None or tabindex >= 0)

    @staticmethod
    def _first_summary(details: Element) -> Element | None:
        for child in details:
            if isinstance(child.tag, str) and child.tag.lower() == "summary":
                return child
        return None

    @staticmethod
    def _first_child(parent: Element, tag: str) -> Element | None:
        for child in parent:
            if isinstance(child.tag, str) and child.tag.lower() == tag:
                return child
        return None

    # ------------------------------------------------------------------ roles

    def _roles(self, info: Info) -> None:
        explicit = None
        role_attr = info.attrs.get("role")
        if role_attr:
            for token in role_attr.lower().split():
                if _aria.is_valid_role(token):
                    explicit = token
                    break
        info.explicit_role = explicit
        implicit = _SIMPLE_IMPLICIT.get(info.tag) if not info.in_svg else None
        if implicit is None:
            implicit = self._implicit_role(info)
        info.implicit_role = implicit
        decorative = explicit in ("none", "presentation") or (
            explicit is None and info.tag == "img" and info.attrs.get("alt") == ""
        )
        role = explicit or implicit
        info.conflict = False
        if decorative and (info.focusable or self.has_global_aria(info.attrs)):
            role = (
                implicit if implicit not in ("none", "presentation") else "img" if info.tag == "img" else None
            )
            info.conflict = True
        info.marked_decorative = decorative
        if explicit is None and info.tag in _OWNED_PARTS:
            # Presentational inheritance: required owned elements of a presentational table or list.
            owner = self._owner(info)
            if (
                owner is not None
                and owner.marked_decorative
                and not owner.conflict
                and owner.explicit_role in ("none", "presentation")
            ):
                role = "none"
        info.role = role
        parent = info.parent
        info.in_pres_children = parent is not None and (
            parent.in_pres_children or (parent.role in _aria.CHILDREN_PRESENTATIONAL)
        )

    def _owner(self, info: Info) -> Info | None:
        want = ("ul", "ol", "menu") if info.tag == "li" else ("table",)
        p = info.parent
        while p is not None:
            if p.tag in want:
                return p
            if info.tag == "li" or p.tag not in _TABLE_PARTS:
                return None
            p = p.parent
        return None

    @staticmethod
    def has_global_aria(attrs: dict[str, str]) -> bool:
        """A WAI-ARIA 1.2 global state or property other than aria-hidden (presentational conflict
        resolution)."""
        return any(n in _aria.CONFLICT_GLOBALS for n in attrs)

    def _implicit_role(self, info: Info) -> str | None:
        tag = info.tag
        if info.in_svg:
            if tag == "svg":
                return "graphics-document"
            if tag == "a" and (
                info.attrs.get("href") is not None or info.attrs.get("xlink:href") is not None
            ):
                return "link"
            return None
        simple = _SIMPLE_IMPLICIT.get(tag)
        if simple is not None:
            return simple
        if tag in ("a", "area"):
            return "link" if info.attrs.get("href") is not None else ("generic" if tag == "a" else None)
        if tag == "img":
            alt = info.attrs.get("alt")
            return "presentation" if alt == "" else "img"
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "heading"
        if tag in ("header", "footer"):
            p = info.parent
            while p is not None:
                if p.tag in _SECTIONING or p.explicit_role in (
                    "article",
                    "complementary",
                    "main",
                    "navigation",
                    "region",
                ):
                    return "generic"
                p = p.parent
            return "banner" if tag == "header" else "contentinfo"
        if tag == "section":
            if (
                info.attrs.get("aria-label", "").strip()
                or info.attrs.get("aria-labelledby", "").strip()
                or info.attrs.get("title")
            ):
                return "region"
            return "generic"
        if tag == "select":
            size = parse_int(info.attrs.get("size"))
            return (
                "listbox"
                if info.attrs.get("multiple") is not None or (size is not None and size > 1)
                else "combobox"
            )
        if tag == "input":
            kind = (info.attrs.get("type") or "text").strip().lower()
            if kind in ("button", "submit", "reset", "image"):
                return "button"
            if kind in ("checkbox", "radio"):
                return kind
            if kind == "range":
                return "slider"
            if kind == "number":
                return "spinbutton"
            if kind == "hidden":
                return None
            if kind in ("color", "date", "datetime-local", "file", "month", "time", "week", "password"):
                return None
            if info.attrs.get("list") is not None:
                return "combobox"
            return "searchbox" if kind == "search" else "textbox"
        if tag == "td":
            table = info.ancestor("table")
            if table is not None and table.role in ("grid", "treegrid"):
                return "gridcell"
            return "cell"
        if tag == "th":
            scope = (info.attrs.get("scope") or "").strip().lower()
            if scope in ("row", "rowgroup"):
                return "rowheader"
            if scope in ("col", "colgroup"):
                return "columnheader"
            return self._th_auto_role(info)
        if tag in _GENERIC_TAGS:
            return "generic"
        return None

    def _th_auto_role(self, info: Info) -> str:
        row = info.parent
        if row is None or row.tag != "tr":
            return "columnheader"
        cells = [c for c in row.el if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
        if all(c.tag.lower() == "th" for c in cells):
            return "columnheader"
        return "rowheader" if cells and cells[0] is info.el else "columnheader"

    # ------------------------------------------------------------------ lookups

    def info(self, el: Element) -> Info:
        return self.by_el[el]

    def by_id(self, ident: str) -> Info | None:
        found = self.ids.get(ident)
        return found[0] if found else None

    def iter(self, *tags: str) -> list[Info]:
        """Elements with these tags, in tree order."""
        if not tags:
            return self.infos
        if len(tags) == 1:
            return self.by_tag.get(tags[0], [])
        found = [i for t in tags for i in self.by_tag.get(t, ())]
        found.sort(key=lambda i: i.index)
        return found

    def having(self, attr: str) -> list[Info]:
        """Elements with the attribute (one of role, style, lang, aria-hidden), in tree order."""
        return self.with_attr.get(attr, [])

    def subtree(self, info: Info) -> list[Info]:
        """``info`` and its descendants, in tree order."""
        return self.infos[info.index : info.end + 1]

    def with_role(self, *roles: str | None) -> list[Info]:
        """Elements whose semantic role is one of ``roles``, in tree order."""
        if len(roles) == 1:
            return self.by_role.get(roles[0], [])
        found = [i for r in roles for i in self.by_role.get(r, ())]
        found.sort(key=lambda i: i.index)
        return found

    def text(self, el: Element) -> str:
        return norm("".join(el.itertext()))

    # ------------------------------------------------------------------ selectors

    def location(self, el: Element) -> Location:
        """The element's location in a report (its selector). One immutable object per element, shared by every
        rule that reports on it."""
        found = self._locations.get(el)
        if found is None:
            found = self._locations[el] = Location(selector=self.selector(el))
        return found

    def selector(self, el: Element) -> str:
        """A short CSS selector: ``#id`` when unique and stable, else a child path from the nearest such id
        (or from ``body``/``head``/``html``). Memoised per element, so a page's selectors cost O(elements)."""
        cached = self._selectors.get(el)
        if cached is not None:
            return cached
        info = self.by_el[el]
        ident = info.attrs.get("id")
        if ident and _stable_id(ident) and len(self.ids.get(ident, ())) == 1:
            result = "#" + _css_ident(ident)
        elif info.parent is None or info.tag in ("body", "head"):
            result = info.tag
        else:
            pel = info.parent.el
            part = info.tag
            if self._counts.get(pel, {}).get(info.tag, 1) > 1:
                part = f"{info.tag}:nth-of-type({info.nth})"
            result = self.selector(pel) + " > " + part
        self._selectors[el] = result
        return result

    # ------------------------------------------------------------------ accessible name

    def name(self, el: Element) -> str:
        """The accessible name (accname 1.2 with HTML-AAM), whitespace collapsed."""
        cached = self._names.get(el)
        if cached is None:
            cached = self._plain_text_name(el)
            if cached is None:
                cached = norm(self._name(el, set(), root=True, allow_hidden=False, in_labelledby=False))
            self._names[el] = cached
        return cached

    def _plain_text_name(self, el: Element) -> str | None:
        """Fast path for the commonest case, with the same result as the full computation: an element named
        from its content that has only text (no child elements) and no ARIA or native name source."""
        info = self.by_el[el]
        if len(el) or info.prog_hidden or info.role not in _aria.NAME_FROM_CONTENT or info.in_svg:
            return None
        if info.tag in _NATIVE_NAMED:
            return None
        attrs = info.attrs
        if "aria-labelledby" in attrs or "aria-label" in attrs:
            return None
        text = norm(el.text or "")
        return text or None

    def labelledby_name(self, el: Element) -> str | None:
        """The name from aria-labelledby alone: None when no IDREF resolves."""
        refs = (el.get("aria-labelledby") or "").split()
        targets = [self.ids[r][0] for r in refs if r in self.ids]
        if not targets:
            return None
        return norm(
            " ".join(
                self._name(
                    t.el, {el}, root=False, allow_hidden=t.prog_hidden, in_labelledby=True, referenced=True
                )
                for t in targets
            )
        )

    def labels_of(self, info: Info) -> list[Info]:
        """The control's labels (for= and wrapping), in tree order."""
        found: list[Info] = []
        ident = info.attrs.get("id")
        if ident and info.tag in LABELABLE:
            first = self.by_id(ident)
            if first is info:
                found.extend(self.labels_for.get(ident, ()))
        p = info.parent if info.tag in LABELABLE else None
        while p is not None:
            if p.tag == "label":
                target = p.attrs.get("for")
                if (target is None or self.by_id(target) is info) and p not in found:
                    found.append(p)
                break
            p = p.parent
        found.sort(key=lambda i: i.index)
        return found

    def native_name(self, info: Info, visited: set[Element], allow_hidden: bool) -> str:
        """Step 2E-ish: the host language's own label (label, alt, legend, caption, value, SVG title)."""
        el, tag = info.el, info.tag
        if info.in_svg:
            for child in el:
                if isinstance(child.tag, str) and child.tag.lower() == "title":
                    return norm("".join(child.itertext()))
            return ""
        if tag == "input":
            kind = (info.attrs.get("type") or "text").strip().lower()
            if kind in ("button", "submit", "reset"):
                value = info.attrs.get("value")
                if value is not None and value.strip():
                    return value
                labels = self._label_text(info, visited)
                if labels:
                    return labels
                return {"submit": "Submit", "reset": "Reset"}.get(kind, "")
            if kind == "image":
                labels = self._label_text(info, visited)
                return labels or (info.attrs.get("alt") or "")
        if tag in LABELABLE:
            text = self._label_text(info, visited)
            if text:
                return text
        if tag in ("img", "area"):
            return info.attrs.get("alt") or ""
        if tag == "fieldset":
            legend = self._first_child(el, "legend")
            return self._content(legend, visited, allow_hidden) if legend is not None else ""
        if tag == "figure":
            cap = self._first_child(el, "figcaption")
            return self._content(cap, visited, allow_hidden) if cap is not None else ""
        if tag == "table":
            cap = self._first_child(el, "caption")
            return self._content(cap, visited, allow_hidden) if cap is not None else ""
        return ""

    def _label_text(self, info: Info, visited: set[Element]) -> str:
        parts = []
        for label in self.labels_of(info):
            if label.el in visited:
                continue
            parts.append(
                self._name(
                    label.el,
                    visited,
                    root=False,
                    allow_hidden=label.prog_hidden,
                    in_labelledby=False,
                    referenced=True,
                )
            )
        return norm(" ".join(parts))

    def _name(
        self,
        el: Element,
        visited: set[Element],
        *,
        root: bool,
        allow_hidden: bool,
        in_labelledby: bool,
        referenced: bool = False,
    ) -> str:
        info = self.by_el.get(el)
        if info is None or el in visited:
            return ""
        # The visited set is the current path: it ends reference cycles without copying a set per node.
        visited.add(el)
        try:
            return self._name_step(el, info, visited, root, allow_hidden, in_labelledby, referenced)
        finally:
            visited.discard(el)

    def _name_step(
        self,
        el: Element,
        info: Info,
        visited: set[Element],
        root: bool,
        allow_hidden: bool,
        in_labelledby: bool,
        referenced: bool,
    ) -> str:
        if info.tag in ("script", "style", "template", "noscript") and not root:
            return ""
        # 2A: hidden and not referenced
        if info.prog_hidden and not allow_hidden and not referenced:
            return ""
        if info.tag == "img" and info.marked_decorative and not info.conflict and not root and not referenced:
            return ""  # a presentational image (role none/presentation, alt="") adds nothing to its parent's name
        # 2B: aria-labelledby
        if not in_labelledby and info.attrs.get("aria-labelledby"):
            refs = info.attrs.get("aria-labelledby", "").split()
            targets = [self.ids[r][0] for r in refs if r in self.ids]
            if targets:
                text = " ".join(
                    self._name_step(el, info, visited, False, allow_hidden, True, True)
                    if t is info  # a self-reference: the element's own name without aria-labelledby
                    else self._name(
                        t.el,
                        visited,
                        root=False,
                        allow_hidden=t.prog_hidden,
                        in_labelledby=True,
                        referenced=True,
                    )
                    for t in targets
                )
                if text.strip():
                    return text
        role = info.role
        # 2C: embedded control, while naming another element
        if not root:
            embedded = self._embedded_value(info)
            if embedded is not None:
                return embedded
        # 2D: aria-label
        label = info.attrs.get("aria-label")
        if label is not None and label.strip():
            return label
        # 2E: host language label (an img's alt, even empty, is final unless the img won a conflict)
        if info.tag == "img" and "alt" in info.attrs and (info.attrs["alt"] or not info.conflict):
            return info.attrs["alt"]
        if not (info.tag == "img" and info.marked_decorative and not info.conflict):
            native = self.native_name(info, visited, allow_hidden)
            if native.strip():
                return native
        # 2F: name from content
        if (
            (
                not root
                or role in _aria.NAME_FROM_CONTENT
                or info.tag in ("summary", "label", "legend", "caption", "figcaption")
                or (info.tag in ("h1", "h2", "h3", "h4", "h5", "h6"))
            )
            and info.tag not in ("img", "input", "select", "textarea", "iframe", "object")
            and (not info.in_svg or info.tag in ("a", "text", "tspan", "textpath", "g"))
        ):
            text = self._content(el, visited, allow_hidden, in_labelledby)
            if text.strip():
                return text
        # 2I: tooltip
        title = info.attrs.get("title")
        if title is not None and title.strip():
            return title
        if info.tag in ("input", "textarea") and (
            info.attrs.get("type") or "text"
        ).lower() in TEXT_INPUT_TYPES | {"number"}:
            placeholder = info.attrs.get("placeholder") or info.attrs.get("aria-placeholder")
            if placeholder and placeholder.strip():
                return placeholder
        return ""

    def _embedded_value(self, info: Info) -> str | None:
        role, el = info.role, info.el
        if info.tag == "input" and role in ("textbox", "searchbox", "combobox"):
            return info.attrs.get("value") or ""
        if info.tag == "textarea":
            return el.text or ""
        if info.tag == "select" or (role in ("listbox", "combobox") and info.tag != "input"):
            options = [
                o for o in el.iter(etree.Element) if isinstance(o.tag, str) and o.tag.lower() == "option"
            ]
            if info.tag != "select":
                options = [
                    o for o in el.iter(etree.Element) if (o.get("role") or "").strip().lower() == "option"
                ]
                chosen = [o for o in options if (o.get("aria-selected") or "").lower() == "true"]
            else:
                chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            return " ".join(norm("".join(o.itertext())) for o in chosen)
        if role in ("slider", "spinbutton", "progressbar", "meter", "scrollbar"):
            for attr in ("aria-valuetext", "aria-valuenow", "value"):
                value = info.attrs.get(attr)
                if value is not None and value.strip():
                    return value
            return ""
        return None

    def _content(
        self, el: Element, visited: set[Element], allow_hidden: bool, in_labelledby: bool = False
    ) -> str:
        parts: list[str] = []
        if el.text:
            parts.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                info = self.by_el.get(child)
                if info is not None and not (info.prog_hidden and not allow_hidden):
                    text = self._name(
                        child, visited, root=False, allow_hidden=allow_hidden, in_labelledby=in_labelledby
                    )
                    if info.tag in BLOCK_TAGS:
                        parts.append(" " + text + " ")
                    else:
                        parts.append(text)
            if child.tail:
                parts.append(child.tail)
        return "".join(parts)

    # ------------------------------------------------------------------ tables

    def table_grid(self, table: Element) -> TableGrid:
        grid = self._grids.get(table)
        if grid is None:
            grid = TableGrid(self, table)
            self._grids[table] = grid
        return grid


def _stable_id(ident: str) -> bool:
    return len(ident) <= 40 and not _GENERATED_ID.search(ident)


def _css_ident(ident: str) -> str:
    if re.match(r"^[A-Za-z_][\w-]*$", ident):
        return ident
    return "".join(c if c.isalnum() or c in "-_" else "\\" + c for c in ident)


class TableGrid:
    """The HTML table model, simplified: rows of cells with rowspan/colspan placed on a grid."""

    def __init__(self, page: Page, table: Element) -> None:
        self.rows: list[Element] = []
        for child in table:
            if not isinstance(child.tag, str):
                continue
            t = child.tag.lower()
            if t == "tr":
                self.rows.append(child)
            elif t in ("thead", "tbody", "tfoot"):
                self.rows.extend(r for r in child if isinstance(r.tag, str) and r.tag.lower() == "tr")
        self.slots: dict[tuple[int, int], Element] = {}
        self.position: dict[Element, tuple[int, int, int, int]] = {}  # row, col, rowspan, colspan
        self.cells: list[Element] = []
        pending: dict[tuple[int, int], Element] = {}
        width = 0
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                    continue
                while (r, c) in self.slots:
                    c += 1
                rowspan = max(1, min(parse_int(cell.get("rowspan")) or 1, 1000))
                colspan = max(1, min(parse_int(cell.get("colspan")) or 1, 1000))
                if cell.get("rowspan") is not None and parse_int(cell.get("rowspan")) == 0:
                    rowspan = max(1, len(self.rows) - r)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        self.slots[(r + dr, c + dc)] = cell
                self.position[cell] = (r, c, rowspan, colspan)
                self.cells.append(cell)
                c += colspan
                width = max(width, c)
        del pending
        self.width = width
        self.height = len(self.rows)

    @cached_property
    def ids(self) -> dict[str, Element]:
        """The table's cells by their id (a later cell with the same id wins)."""
        return {cell.get("id"): cell for cell in self.cells if cell.get("id")}

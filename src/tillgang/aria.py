"""WAI-ARIA data the HTML checks need, written by hand from the specifications.

Sources (pinned): WAI-ARIA 1.2 (W3C Recommendation, 6 June 2023) *Definition of Roles* and *Supported States
and Properties*; DPUB-ARIA 1.1; Graphics-ARIA 1.0; the ARIA 1.3 draft attributes already shipped by browsers
(aria-description, aria-braillelabel, aria-brailleroledescription, aria-colindextext, aria-rowindextext).

Each role lists its direct superclasses and only the attributes it adds; ``supported()`` follows the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ABSTRACT_ROLES",
    "ATTRS",
    "CHILDREN_PRESENTATIONAL",
    "CONFLICT_GLOBALS",
    "GLOBAL_ATTRS",
    "NAME_FROM_CONTENT",
    "NAME_PROHIBITED",
    "ROLES",
    "AttrType",
    "RoleDef",
    "is_valid_role",
    "prohibited_attrs",
    "required_attrs",
    "role_is_a",
    "supported_attrs",
    "value_ok",
]


@dataclass(frozen=True, slots=True)
class RoleDef:
    superclass: tuple[str, ...] = ()
    supported: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    abstract: bool = False


def _r(sup: str = "", supported: str = "", required: str = "", abstract: bool = False) -> RoleDef:
    return RoleDef(
        tuple(sup.split()),
        tuple(supported.split()) + tuple(required.split()),
        tuple(required.split()),
        abstract,
    )


_VALUE = "aria-valuemax aria-valuemin aria-valuetext"
_FIELD = "aria-errormessage aria-invalid aria-readonly aria-required"

ROLES: dict[str, RoleDef] = {
    # abstract roles
    "roletype": _r(abstract=True),
    "structure": _r("roletype", abstract=True),
    "widget": _r("roletype", abstract=True),
    "window": _r("roletype", "aria-modal", abstract=True),
    "section": _r("structure", abstract=True),
    "sectionhead": _r("structure", abstract=True),
    "landmark": _r("section", abstract=True),
    "command": _r("widget", abstract=True),
    "composite": _r("widget", "aria-activedescendant aria-disabled", abstract=True),
    "input": _r("widget", "aria-disabled", abstract=True),
    "range": _r("structure", "aria-valuemax aria-valuemin aria-valuenow aria-valuetext", abstract=True),
    "select": _r("composite group", "aria-orientation", abstract=True),
    # WAI-ARIA 1.2 concrete roles
    "alert": _r("section"),
    "alertdialog": _r("alert dialog"),
    "application": _r(
        "structure",
        "aria-activedescendant aria-disabled aria-errormessage aria-expanded aria-haspopup aria-invalid",
    ),
    "article": _r("document", "aria-posinset aria-setsize"),
    "banner": _r("landmark"),
    "blockquote": _r("section"),
    "button": _r("command", "aria-disabled aria-expanded aria-haspopup aria-pressed"),
    "caption": _r("section"),
    "cell": _r(
        "section", "aria-colindex aria-colindextext aria-colspan aria-rowindex aria-rowindextext aria-rowspan"
    ),
    "checkbox": _r("input", "aria-expanded " + _FIELD, "aria-checked"),
    "code": _r("section"),
    "columnheader": _r("cell gridcell sectionhead", "aria-sort"),
    "combobox": _r(
        "input",
        "aria-activedescendant aria-autocomplete aria-haspopup " + _FIELD,
        "aria-controls aria-expanded",
    ),
    "complementary": _r("landmark"),
    "contentinfo": _r("landmark"),
    "definition": _r("section"),
    "deletion": _r("section"),
    "dialog": _r("window"),
    "directory": _r("list"),
    "document": _r("structure"),
    "emphasis": _r("section"),
    "feed": _r("list"),
    "figure": _r("section"),
    "form": _r("landmark"),
    "generic": _r("structure"),
    "grid": _r("composite table", "aria-multiselectable aria-readonly"),
    "gridcell": _r("cell widget", "aria-disabled aria-expanded aria-haspopup aria-selected " + _FIELD),
    "group": _r("section", "aria-activedescendant aria-disabled"),
    "heading": _r("sectionhead", "", "aria-level"),
    "img": _r("section"),
    "insertion": _r("section"),
    "link": _r("command", "aria-disabled aria-expanded aria-haspopup"),
    "list": _r("section"),
    "listbox": _r("select", "aria-expanded aria-multiselectable " + _FIELD),
    "listitem": _r("section", "aria-level aria-posinset aria-setsize"),
    "log": _r("section"),
    "main": _r("landmark"),
    "mark": _r("section"),
    "marquee": _r("section"),
    "math": _r("section"),
    "menu": _r("select"),
    "menubar": _r("menu"),
    "menuitem": _r("command", "aria-disabled aria-expanded aria-haspopup aria-posinset aria-setsize"),
    "menuitemcheckbox": _r("menuitem", "", "aria-checked"),
    "menuitemradio": _r("menuitemcheckbox", "", "aria-checked"),
    "meter": _r("range", "", "aria-valuenow"),
    "navigation": _r("landmark"),
    "none": _r("structure"),
    "note": _r("section"),
    "option": _r("input", "aria-checked aria-posinset aria-selected aria-setsize"),
    "paragraph": _r("section"),
    "presentation": _r("structure"),
    "progressbar": _r("range widget"),
    "radio": _r("input", "aria-posinset aria-setsize", "aria-checked"),
    "radiogroup": _r("select", _FIELD),
    "region": _r("landmark"),
    "row": _r(
        "group widget",
        "aria-colindex aria-expanded aria-level aria-posinset aria-rowindex aria-rowindextext aria-selected aria-setsize",
    ),
    "rowgroup": _r("structure"),
    "rowheader": _r("cell gridcell sectionhead", "aria-sort"),
    "scrollbar": _r("range widget", "aria-orientation " + _VALUE, "aria-controls aria-valuenow"),
    "search": _r("landmark"),
    "searchbox": _r("textbox"),
    "separator": _r("structure", "aria-disabled aria-orientation aria-valuenow " + _VALUE),
    "slider": _r(
        "input range",
        "aria-errormessage aria-haspopup aria-invalid aria-orientation aria-readonly",
        "aria-valuenow",
    ),
    "spinbutton": _r("composite input range", _FIELD),
    "status": _r("section"),
    "strong": _r("section"),
    "subscript": _r("section"),
    "superscript": _r("section"),
    "switch": _r("checkbox", "", "aria-checked"),
    "tab": _r("widget", "aria-disabled aria-expanded aria-haspopup aria-posinset aria-selected aria-setsize"),
    "table": _r("section", "aria-colcount aria-rowcount"),
    "tablist": _r("composite", "aria-multiselectable aria-orientation"),
    "tabpanel": _r("section"),
    "term": _r("section"),
    "textbox": _r(
        "input",
        "aria-activedescendant aria-autocomplete aria-haspopup aria-multiline aria-placeholder " + _FIELD,
    ),
    "time": _r("section"),
    "timer": _r("status"),
    "toolbar": _r("group", "aria-orientation"),
    "tooltip": _r("section"),
    "tree": _r("select", "aria-errormessage aria-invalid aria-multiselectable aria-required"),
    "treegrid": _r("grid tree"),
    "treeitem": _r("listitem option", "aria-expanded aria-haspopup"),
    # Graphics-ARIA 1.0
    "graphics-document": _r("document"),
    "graphics-object": _r("group"),
    "graphics-symbol": _r("img"),
}
# DPUB-ARIA 1.1
for _name in [
    "abstract",
    "acknowledgments",
    "afterword",
    "appendix",
    "bibliography",
    "chapter",
    "colophon",
    "conclusion",
    "credit",
    "credits",
    "dedication",
    "endnotes",
    "epigraph",
    "epilogue",
    "errata",
    "example",
    "footnote",
    "foreword",
    "glossary",
    "index",
    "introduction",
    "notice",
    "pagelist",
    "part",
    "preface",
    "prologue",
    "pullquote",
    "qna",
    "toc",
    "pagefooter",
    "pageheader",
]:
    ROLES["doc-" + _name] = _r("section")
for _name in ("backlink", "biblioref", "glossref", "noteref"):
    ROLES["doc-" + _name] = _r("link")
ROLES["doc-biblioentry"] = _r("listitem")
ROLES["doc-endnote"] = _r("listitem")
ROLES["doc-cover"] = _r("img")
ROLES["doc-pagebreak"] = _r("separator")
ROLES["doc-subtitle"] = _r("sectionhead")

ABSTRACT_ROLES = frozenset(k for k, v in ROLES.items() if v.abstract)

NAME_FROM_CONTENT = frozenset(
    [
        "button",
        "cell",
        "checkbox",
        "columnheader",
        "gridcell",
        "heading",
        "link",
        "menuitem",
        "menuitemcheckbox",
        "menuitemradio",
        "option",
        "radio",
        "row",
        "rowheader",
        "sectionhead",
        "switch",
        "tab",
        "tooltip",
        "treeitem",
        "doc-backlink",
        "doc-biblioref",
        "doc-glossref",
        "doc-noteref",
    ]
)
NAME_PROHIBITED = frozenset(
    [
        "caption",
        "code",
        "deletion",
        "emphasis",
        "generic",
        "insertion",
        "none",
        "paragraph",
        "presentation",
        "strong",
        "subscript",
        "superscript",
        "doc-pagefooter",
        "doc-pageheader",
    ]
)
# Global attributes a role prohibits (WAI-ARIA 1.2 "Prohibited States and Properties"; the ARIA 1.3 braille
# attributes follow aria-label and aria-roledescription).
_NAME_ATTRS = frozenset({"aria-label", "aria-labelledby", "aria-braillelabel"})
_ROLEDESC_ATTRS = frozenset({"aria-roledescription", "aria-brailleroledescription"})


def prohibited_attrs(role: str | None) -> frozenset[str]:
    """The global states and properties ``role`` prohibits. none/presentation have no role to describe, so a
    role description is prohibited there as on generic (user agents must not expose it without a role)."""
    if role in ("generic", "none", "presentation"):
        return _NAME_ATTRS | _ROLEDESC_ATTRS
    if role in NAME_PROHIBITED:
        return _NAME_ATTRS
    return frozenset()


CHILDREN_PRESENTATIONAL = frozenset(
    [
        "button",
        "checkbox",
        "img",
        "math",
        "menuitemcheckbox",
        "menuitemradio",
        "meter",
        "option",
        "progressbar",
        "radio",
        "scrollbar",
        "separator",
        "slider",
        "switch",
        "tab",
        "doc-cover",
        "doc-pagebreak",
        "graphics-symbol",
    ]
)


class AttrType:
    BOOL = "true/false"
    TRISTATE = "tristate"
    BOOL_UNDEF = "true/false/undefined"
    IDREF = "idref"
    IDREFS = "idrefs"
    INTEGER = "integer"
    NUMBER = "number"
    STRING = "string"
    TOKEN = "token"
    TOKENS = "tokens"


_T = AttrType
# attribute -> (type, allowed tokens)
ATTRS: dict[str, tuple[str, frozenset[str]]] = {}
for _attr, _type, _tokens in (
    ("aria-activedescendant", _T.IDREF, ""),
    ("aria-atomic", _T.BOOL, ""),
    ("aria-autocomplete", _T.TOKEN, "inline list both none"),
    ("aria-braillelabel", _T.STRING, ""),
    ("aria-brailleroledescription", _T.STRING, ""),
    ("aria-busy", _T.BOOL, ""),
    ("aria-checked", _T.TRISTATE, ""),
    ("aria-colcount", _T.INTEGER, ""),
    ("aria-colindex", _T.INTEGER, ""),
    ("aria-colindextext", _T.STRING, ""),
    ("aria-colspan", _T.INTEGER, ""),
    ("aria-controls", _T.IDREFS, ""),
    ("aria-current", _T.TOKEN, "page step location date time true false"),
    ("aria-describedby", _T.IDREFS, ""),
    ("aria-description", _T.STRING, ""),
    ("aria-details", _T.IDREFS, ""),
    ("aria-disabled", _T.BOOL, ""),
    ("aria-dropeffect", _T.TOKENS, "copy execute link move none popup"),
    ("aria-errormessage", _T.IDREFS, ""),
    ("aria-expanded", _T.BOOL_UNDEF, ""),
    ("aria-flowto", _T.IDREFS, ""),
    ("aria-grabbed", _T.BOOL_UNDEF, ""),
    ("aria-haspopup", _T.TOKEN, "false true menu listbox tree grid dialog"),
    ("aria-hidden", _T.BOOL_UNDEF, ""),
    ("aria-invalid", _T.TOKEN, "grammar false spelling true"),
    ("aria-keyshortcuts", _T.STRING, ""),
    ("aria-label", _T.STRING, ""),
    ("aria-labelledby", _T.IDREFS, ""),
    ("aria-level", _T.INTEGER, ""),
    ("aria-live", _T.TOKEN, "assertive off polite"),
    ("aria-modal", _T.BOOL, ""),
    ("aria-multiline", _T.BOOL, ""),
    ("aria-multiselectable", _T.BOOL, ""),
    ("aria-orientation", _T.TOKEN, "horizontal vertical undefined"),
    ("aria-owns", _T.IDREFS, ""),
    ("aria-placeholder", _T.STRING, ""),
    ("aria-posinset", _T.INTEGER, ""),
    ("aria-pressed", _T.TRISTATE, ""),
    ("aria-readonly", _T.BOOL, ""),
    ("aria-relevant", _T.TOKENS, "additions all removals text"),
    ("aria-required", _T.BOOL, ""),
    ("aria-roledescription", _T.STRING, ""),
    ("aria-rowcount", _T.INTEGER, ""),
    ("aria-rowindex", _T.INTEGER, ""),
    ("aria-rowindextext", _T.STRING, ""),
    ("aria-rowspan", _T.INTEGER, ""),
    ("aria-selected", _T.BOOL_UNDEF, ""),
    ("aria-setsize", _T.INTEGER, ""),
    ("aria-sort", _T.TOKEN, "ascending descending none other"),
    ("aria-valuemax", _T.NUMBER, ""),
    ("aria-valuemin", _T.NUMBER, ""),
    ("aria-valuenow", _T.NUMBER, ""),
    ("aria-valuetext", _T.STRING, ""),
):
    ATTRS[_attr] = (_type, frozenset(_tokens.split()))

# Global states and properties (WAI-ARIA 1.2 §6.4), including the four deprecated as global in 1.2 but still
# allowed everywhere, and the 1.3 additions.
GLOBAL_ATTRS = frozenset(
    [
        "aria-atomic",
        "aria-busy",
        "aria-controls",
        "aria-current",
        "aria-describedby",
        "aria-details",
        "aria-disabled",
        "aria-dropeffect",
        "aria-errormessage",
        "aria-flowto",
        "aria-grabbed",
        "aria-haspopup",
        "aria-hidden",
        "aria-invalid",
        "aria-keyshortcuts",
        "aria-label",
        "aria-labelledby",
        "aria-live",
        "aria-owns",
        "aria-relevant",
        "aria-roledescription",
        "aria-description",
        "aria-braillelabel",
        "aria-brailleroledescription",
    ]
)


# The globals of WAI-ARIA 1.2 itself: the ones whose presence makes user agents ignore role none/presentation
# (Presentational Roles Conflict Resolution). The ARIA 1.3 braille attributes are not among them.
CONFLICT_GLOBALS = GLOBAL_ATTRS - {"aria-hidden", "aria-braillelabel", "aria-brailleroledescription"}


def is_valid_role(token: str) -> bool:
    role = ROLES.get(token)
    return role is not None and not role.abstract


@lru_cache(maxsize=256)
def _ancestry(role: str) -> frozenset[str]:
    seen: set[str] = set()
    todo = [role]
    while todo:
        r = todo.pop()
        if r in seen or r not in ROLES:
            continue
        seen.add(r)
        todo.extend(ROLES[r].superclass)
    return frozenset(seen)


def role_is_a(role: str | None, ancestor: str) -> bool:
    return role is not None and ancestor in _ancestry(role)


@lru_cache(maxsize=256)
def supported_attrs(role: str) -> frozenset[str]:
    """Supported, inherited and required attributes of ``role`` (globals not included)."""
    out: set[str] = set()
    for r in _ancestry(role):
        out.update(ROLES[r].supported)
    return frozenset(out)


def required_attrs(role: str) -> tuple[str, ...]:
    definition = ROLES.get(role)
    return definition.required if definition else ()


def _is_int(value: str) -> bool:
    v = value.strip()
    if v[:1] in "+-":
        v = v[1:]
    return v.isdigit()


def _is_number(value: str) -> bool:
    try:
        float(value.strip())
    except ValueError:
        return False
    return value.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")


def value_ok(attr: str, value: str) -> bool:
    """Does a non-empty ``value`` match the attribute's value type? Unknown attributes count as fine."""
    spec = ATTRS.get(attr)
    if spec is None:
        return True
    kind, tokens = spec
    v = value.strip().lower()
    if kind == AttrType.BOOL:
        return v in ("true", "false")
    if kind == AttrType.TRISTATE:
        return v in ("true", "false", "mixed", "undefined")
    if kind == AttrType.BOOL_UNDEF:
        return v in ("true", "false", "undefined")
    if kind == AttrType.INTEGER:
        return _is_int(v)
    if kind == AttrType.NUMBER:
        return _is_number(v)
    if kind == AttrType.TOKEN:
        return v in tokens
    if kind == AttrType.TOKENS:
        return bool(v.split()) and all(t in tokens for t in v.split())
    if kind == AttrType.IDREF:
        return bool(v) and len(value.split()) == 1
    return True  # strings and ID reference lists: any non-empty value is well formed

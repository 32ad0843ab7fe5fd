"""ARIA context rules (aria-required-parent, aria-required-children) and summary-name."""

from __future__ import annotations

from ..model import Document
from ..readers.native import Info, Page
from ..registry import Results, check
from .html_common import (
    at,
    generated_text_elements,
    generated_text_targets,
    may_get_generated_text,
    page_of,
)

# role -> the context roles it needs ("Required Context Role"). ACT ff89c9 reads WAI-ARIA 1.1, where a listitem
# may also be the child of a group; 1.2 lists directory. Either is accepted.
REQUIRED_PARENT: dict[str, frozenset[str]] = {
    "listitem": frozenset({"list", "directory", "group"}),
    "menuitem": frozenset({"menu", "menubar", "group"}),
    "menuitemcheckbox": frozenset({"menu", "menubar", "group"}),
    "menuitemradio": frozenset({"menu", "menubar", "group"}),
    "option": frozenset({"listbox", "group"}),
    "row": frozenset({"table", "grid", "treegrid", "rowgroup"}),
    "rowgroup": frozenset({"table", "grid", "treegrid"}),
    "cell": frozenset({"row"}),
    "gridcell": frozenset({"row"}),
    "columnheader": frozenset({"row"}),
    "rowheader": frozenset({"row"}),
    "tab": frozenset({"tablist"}),
    "treeitem": frozenset({"tree", "group"}),
}
# role -> the roles it may own (WAI-ARIA 1.2 "Required Owned Elements"); "group" is followed into
REQUIRED_CHILDREN: dict[str, frozenset[str]] = {
    "list": frozenset({"listitem"}),
    "directory": frozenset({"listitem"}),
    # separator: ARIA 1.3 lists it among a menu's allowed children; ARIA 1.2 menus use it all the time
    "menu": frozenset({"menuitem", "menuitemcheckbox", "menuitemradio", "group", "separator"}),
    "menubar": frozenset({"menuitem", "menuitemcheckbox", "menuitemradio", "group", "separator"}),
    "listbox": frozenset({"option", "group"}),
    "grid": frozenset({"row", "rowgroup"}),
    "table": frozenset({"row", "rowgroup"}),
    "treegrid": frozenset({"row", "rowgroup"}),
    "row": frozenset({"cell", "columnheader", "gridcell", "rowheader"}),
    "rowgroup": frozenset({"row"}),
    "tablist": frozenset({"tab"}),
    "tree": frozenset({"treeitem", "group"}),
    "feed": frozenset({"article"}),
}
_TRANSPARENT = frozenset({"none", "presentation", "generic", None})


def _ignored(page: Page, info: Info) -> bool:
    """Not a node of the accessibility tree, so its children belong to its parent: none/presentation and
    role-less elements, and generic elements unless a global aria-* attribute or focus includes them (ACT
    "included in the accessibility tree": a div with aria-label is in the tree)."""
    if info.role not in _TRANSPARENT:
        return False
    return not (info.role == "generic" and (info.focusable or page.has_global_aria(info.attrs)))


def _owner(page: Page, info: Info, owned_by: dict[int, Info]) -> Info | None:
    """The nearest ancestor (or aria-owns owner) with a role of its own."""
    if info.index in owned_by:
        return owned_by[info.index]
    p = info.parent
    while p is not None:
        if p.index in owned_by:
            return owned_by[p.index] if _ignored(page, p) else p
        if not _ignored(page, p) and not p.prog_hidden:
            return p
        p = p.parent
    return None


def _owns_map(page: Page) -> dict[int, Info]:
    owned_by: dict[int, Info] = {}
    for index in page.aria:
        info = page.infos[index]
        for ident in (info.attrs.get("aria-owns") or "").split():
            target = page.by_id(ident)
            if target is not None:
                owned_by.setdefault(target.index, info)
    return owned_by


@check("aria-required-parent", formats=("html",))
def aria_required_parent(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    owned_by = _owns_map(page)
    for info in page.having("role"):
        role = info.explicit_role
        if role is None or role not in REQUIRED_PARENT or info.role != role or not info.in_at:
            continue
        if role == info.implicit_role:
            continue
        owner = _owner(page, info, owned_by)
        allowed = REQUIRED_PARENT[role]
        if owner is not None and owner.role in allowed:
            out.passed(at(page, info))
        else:
            out.failed(
                "no-parent",
                at(page, info),
                role=role,
                parents=", ".join(sorted(allowed)),
                parent=(owner.role or owner.tag) if owner is not None else "",
            )


def _owned(page: Page, info: Info, owned_ids: list[Info]) -> list[Info] | None:
    """The elements ``info`` owns in the accessibility tree; None when it holds its own text (a wrong child)."""
    result: list[Info] = []
    todo = [page.info(child) for child in info.el if isinstance(child.tag, str)]
    todo.reverse()
    while todo:
        child = todo.pop()
        if child.prog_hidden:
            continue
        if _ignored(page, child):
            if child.role == "generic" and child.el.text and child.el.text.strip():
                result.append(child)
                continue
            todo.extend(reversed([page.info(c) for c in child.el if isinstance(c.tag, str)]))
            continue
        result.append(child)
    result.extend(o for o in owned_ids if not o.prog_hidden)
    return result


@check("aria-required-children", formats=("html",))
def aria_required_children(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    busy: dict[int, bool] = {}
    owns: dict[int, list[Info]] = {}
    for target_index, owner in _owns_map(page).items():
        owns.setdefault(owner.index, []).append(page.infos[target_index])
    for info in page.having("role"):
        role = info.explicit_role
        if role is None or role not in REQUIRED_CHILDREN or info.role != role or not info.in_at:
            continue
        if _busy(info, busy):
            continue
        allowed = REQUIRED_CHILDREN[role]
        wrong = _wrong_children(page, info, allowed, owns)
        if wrong is None:
            out.passed(at(page, info))
        else:
            out.failed(
                "wrong-child", at(page, info), role=role, child=wrong, allowed=", ".join(sorted(allowed))
            )


def _busy(info: Info, memo: dict[int, bool]) -> bool:
    """aria-busy="true" on the element or an ancestor (ACT bc4a75: the content is still being built)."""
    found = memo.get(info.index)
    if found is None:
        own = (info.attrs.get("aria-busy") or "").strip().lower() == "true" and not info.prog_hidden
        found = own or (info.parent is not None and _busy(info.parent, memo))
        memo[info.index] = found
    return found


def _wrong_children(
    page: Page, info: Info, allowed: frozenset[str], owns: dict[int, list[Info]]
) -> str | None:
    for child in _owned(page, info, owns.get(info.index, [])) or ():
        if child.role == "group" and "group" in allowed:
            inner = _wrong_children(page, child, allowed, owns)
            if inner is not None:
                return inner
            continue
        if child.role not in allowed:
            return child.role or child.tag
    return None


def _generated(page: Page, memo: list[set[int] | None]) -> set[int] | None:
    """The elements the page's style sheets may give generated text, computed once per check."""
    if not memo:
        memo.append(generated_text_elements(page, generated_text_targets(page)))
    return memo[0]


@check("summary-name", formats=("html",))
def summary_name(doc: Document, out: Results) -> None:
    """ACT 2t702h: the summary that works as its details' button, in the accessibility tree, without an explicit
    role, or with one that presentational role conflict resolution ignores (a focusable role=none)."""
    page = page_of(doc)
    if page is None:
        return
    generated: list[set[int] | None] = []
    for info in page.iter("summary"):
        parent = info.parent
        if parent is None or parent.tag != "details" or info.prog_hidden:
            continue
        if info.explicit_role is not None and not info.conflict:
            continue
        first = next((c for c in parent.el if isinstance(c.tag, str) and c.tag.lower() == "summary"), None)
        if first is not info.el:
            continue
        if page.name(info.el):
            out.passed(at(page, info))
        elif may_get_generated_text(page, info, _generated(page, generated)):
            # accname adds CSS generated text (::before/::after) to a name from content
            out.cant_tell("generated", at(page, info))
        else:
            out.failed("missing", at(page, info))

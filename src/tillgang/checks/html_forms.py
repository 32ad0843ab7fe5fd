"""autocomplete-valid: the HTML autofill tokens, checked against the control they sit on.

The field names and their control groups follow the HTML Living Standard, "Autofill"
(https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofill).
"""

from __future__ import annotations

from .. import aria as _aria
from ..model import Document
from ..registry import Results, check
from .html_common import at, page_of, short

# field name -> control group
FIELDS: dict[str, str] = {}
for _group, _names in (
    (
        "text",
        "name honorific-prefix given-name additional-name family-name honorific-suffix nickname organization-title "
        "organization address-line1 address-line2 address-line3 address-level4 address-level3 address-level2 "
        "address-level1 country country-name postal-code cc-name cc-given-name cc-additional-name cc-family-name "
        "cc-number cc-csc cc-type transaction-currency language sex one-time-code",
    ),
    ("multiline", "street-address"),
    ("password", "new-password current-password"),
    ("username", "username"),
    ("month", "cc-exp"),
    ("numeric", "cc-exp-month cc-exp-year transaction-amount bday-day bday-month bday-year"),
    ("date", "bday"),
    ("url", "url photo impp"),
    ("email", "email"),
    (
        "tel",
        "tel tel-country-code tel-national tel-area-code tel-local tel-local-prefix tel-local-suffix tel-extension",
    ),
):
    for _name in _names.split():
        FIELDS[_name] = _group

CONTACT = frozenset({"home", "work", "mobile", "fax", "pager"})
CONTACT_FIELDS = frozenset({"email", "impp", "tel"}) | {k for k in FIELDS if k.startswith("tel-")}
_ALL = frozenset(FIELDS.values())
# input type -> control groups whose fields are appropriate for it
GROUPS_BY_TYPE: dict[str, frozenset[str]] = {
    "hidden": _ALL,
    "text": _ALL - {"multiline"},
    "search": _ALL - {"multiline"},
    "password": frozenset({"text", "password", "username", "numeric"}),
    "url": frozenset({"url", "username"}),
    "email": frozenset({"email", "username"}),
    "tel": frozenset({"tel"}),
    "number": frozenset({"numeric"}),
    "month": frozenset({"month"}),
    "date": frozenset({"date"}),
}
EXCLUDED_TYPES = frozenset({"button", "checkbox", "file", "image", "radio", "reset", "submit", "hidden"})


def autocomplete_problem(value: str, control_type: str | None) -> str | None:
    """None when the tokens are valid for the control, else a short reason."""
    tokens = value.lower().split()
    i = 0
    if i < len(tokens) and tokens[i].startswith("section-"):
        i += 1
    if i < len(tokens) and tokens[i] in ("shipping", "billing"):
        i += 1
    contact = False
    if i < len(tokens) and tokens[i] in CONTACT:
        contact = True
        i += 1
    if i >= len(tokens):
        return "no-field"
    field = tokens[i]
    i += 1
    if field not in FIELDS:
        return "unknown-field"
    if contact and field not in CONTACT_FIELDS:
        return "order"
    if i < len(tokens) and tokens[i] == "webauthn":
        i += 1
    if i != len(tokens):
        return "order"
    if control_type is not None:
        groups = GROUPS_BY_TYPE.get(control_type, _ALL - {"multiline"})
        if FIELDS[field] not in groups:
            return "wrong-control"
    return None


@check("autocomplete-valid", formats=("html",))
def autocomplete_valid(doc: Document, out: Results) -> None:
    page = page_of(doc)
    if page is None:
        return
    for info in page.iter("input", "select", "textarea"):
        el = info.el
        value = el.get("autocomplete")
        if value is None or not value.strip():
            continue
        if value.strip().lower() in ("on", "off"):
            continue
        if el.get("disabled") is not None or info.disabled_fs:
            continue
        if (el.get("aria-disabled") or "").strip().lower() == "true":
            continue
        control_type = None
        if info.tag == "input":
            control_type = (el.get("type") or "text").strip().lower()
            if control_type in EXCLUDED_TYPES:
                continue
        if info.prog_hidden and not info.visible:
            continue
        if info.prog_hidden and info.not_rendered:
            continue
        if not info.tabbable and not _aria.role_is_a(info.role, "widget") and info.explicit_role is not None:
            continue
        problem = autocomplete_problem(value, control_type)
        if problem is None:
            out.passed(at(page, info))
        elif problem == "wrong-control":
            # The spec's control groups are stricter than browsers and ACT (bday-day on type=tel passes).
            out.cant_tell(problem, at(page, info), value=short(value, 60), type=control_type or info.tag)
        else:
            out.failed(problem, at(page, info), value=short(value, 60), type=control_type or info.tag)

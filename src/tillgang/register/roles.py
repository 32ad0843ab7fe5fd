"""Roles as Django groups with model permissions, enforced by the views (never only hidden in templates)."""

from __future__ import annotations

from typing import Any

__all__ = ["ROLES", "ROLE_LABELS", "USER_ADMIN", "ensure_roles", "role_label"]

_MODELS = ("board", "plan", "process", "risk", "controlactivity", "followup")
_VIEW = tuple(f"view_{m}" for m in _MODELS)
_EDIT = tuple(f"{a}_{m}" for m in _MODELS for a in ("add", "change", "delete"))

# Evidence from crawls (issue 5): every role reads them; reviewers triage findings and seal evidence; the
# controller records the statement's decisions. Evidence and tokens are never edited through permissions.
_EVIDENCE_MODELS = ("crawlrun", "item", "finding", "evidence", "apitoken", "statementdecision")
_VIEW = _VIEW + tuple(f"view_{m}" for m in _EVIDENCE_MODELS)
_TRIAGE = ("triage_findings", "change_finding")
_SEAL = ("seal_evidence",)
_DECIDE = ("add_statementdecision", "change_statementdecision")
_SAVE_CHECK = ("add_evidence",)  # save an uploaded file and its report as a draft evidence record
# Users and roles in the UI (issue 12): a permission of its own, and the log of what was changed.
_USERS = ("manage_users", "view_userevent")
USER_ADMIN = "register.manage_users"

# role -> codenames in the register app
ROLES: dict[str, tuple[str, ...]] = {
    "admin": _VIEW + _EDIT + _TRIAGE + _SEAL + _DECIDE + _SAVE_CHECK + ("check_documents",) + _USERS,
    "controller": _VIEW + _EDIT + _DECIDE + _SAVE_CHECK + ("check_documents",),
    "reviewer": (*_VIEW, *_TRIAGE, *_SEAL, *_SAVE_CHECK, "check_documents"),
    "web-editor": (*_VIEW, *_SAVE_CHECK, "check_documents"),
    "reader": _VIEW,
}

# what the UI calls each group (the group names stay as they are: scripts and the CLI use them)
ROLE_LABELS: dict[str, str] = {
    "admin": "Administratör",
    "controller": "Controller",
    "reviewer": "Granskare",
    "web-editor": "Webbredaktör",
    "reader": "Läsare",
}


def role_label(name: str) -> str:
    """ "Granskare (reviewer)" for a role; another group's name as it is."""
    label = ROLE_LABELS.get(name)
    return f"{label} ({name})" if label else name


def ensure_roles(**_: Any) -> None:
    """Create or update the groups (idempotent; runs after every migrate)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes

    config = apps.get_app_config("register")
    create_contenttypes(config, verbosity=0)
    create_permissions(config, verbosity=0)
    perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="register")}
    for role, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = {perms[c] for c in codenames if c in perms}
        if set(group.permissions.all()) != wanted:
            group.permissions.set(wanted)

"""API tokens: made for a user (``tillgang register token``), shown once, stored only as their sha256, and
checked on every request to the HTTP API (``tillgang.web.api``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.utils import timezone

from .models import ApiToken

__all__ = ["TOKEN_PREFIX", "authenticate_token", "hash_token", "new_token"]

TOKEN_PREFIX = "tg_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(user: Any, name: str = "") -> str:
    """Create a token for ``user``; only its sha256 is stored. Returns the token (show it once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_sha256=hash_token(token), name=name)
    return token


def authenticate_token(header: str) -> Any | None:
    """The active user of a valid, unrevoked bearer token in an Authorization header, else None."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    digest = hash_token(token)
    record = ApiToken.objects.select_related("user").filter(key_sha256=digest).first()
    # The lookup is by hash, so timing says nothing about the token; compare again in constant time anyway.
    if record is None or not hmac.compare_digest(record.key_sha256, digest):
        return None
    if record.revoked or not record.user.is_active:
        return None
    ApiToken.objects.filter(pk=record.pk).update(last_used=timezone.now())
    return record.user

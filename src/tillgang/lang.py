"""Language tags: full BCP 47 validity for document metadata, the ACT reading for HTML ``lang``."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

__all__ = ["LangStatus", "act_lang_status", "bcp47_status", "language_name", "primary_subtag"]

# RFC 5646 shape: subtags of 1-8 alphanumerics separated by hyphens, the first 2-8 letters (or x / i).
_SHAPE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
NO_LANGUAGE = {"x-none", "und", "zxx", "mul", "none"}


class LangStatus(StrEnum):
    OK = "ok"
    MISSING = "missing"  # absent, blank, or a "no language" value (x-none, und)
    UNKNOWN = "unknown"  # well formed, but the language is not in the IANA registry
    MALFORMED = "malformed"  # not a BCP 47 tag at all (sv_SE, "Swedish")


def primary_subtag(tag: str) -> str:
    return tag.strip().split("-")[0].lower()


@lru_cache(maxsize=1024)
def bcp47_status(tag: str | None) -> LangStatus:
    """Strict validity for document metadata (Word, PowerPoint, PDF): shape, then the IANA registry."""
    if tag is None:
        return LangStatus.MISSING
    value = tag.replace("\x00", "").strip()
    if not value or value.lower() in NO_LANGUAGE:
        return LangStatus.MISSING
    if not _SHAPE.match(value):
        return LangStatus.MALFORMED
    import langcodes  # here: its registry data takes ~30 ms to import, and many documents have no tag

    try:
        valid = langcodes.tag_is_valid(value)
    except (ValueError, langcodes.tag_parser.LanguageTagError):
        return LangStatus.MALFORMED
    if not valid:
        return LangStatus.UNKNOWN
    primary = primary_subtag(value)
    if len(primary) == 3 and _has_two_letter_equivalent(primary):
        return LangStatus.UNKNOWN
    return LangStatus.OK


@lru_cache(maxsize=1024)
def _has_two_letter_equivalent(code: str) -> bool:
    import langcodes

    try:
        lang = langcodes.Language.get(code, normalize=True)
    except (ValueError, langcodes.tag_parser.LanguageTagError):
        return False
    return bool(lang.language) and len(lang.language or "") == 2


@lru_cache(maxsize=1024)
def act_lang_status(tag: str | None) -> LangStatus:
    """The ACT reading (HTML ``lang``): valid when the primary subtag is a registered language."""
    if tag is None:
        return LangStatus.MISSING
    value = tag.strip()
    if not value:
        return LangStatus.MISSING
    primary = value.split("-")[0]
    if not primary.isalpha() or not 2 <= len(primary) <= 8:
        return LangStatus.MALFORMED
    import langcodes

    try:
        known = langcodes.Language.get(primary.lower(), normalize=False).is_valid()
    except (ValueError, langcodes.tag_parser.LanguageTagError):
        return LangStatus.UNKNOWN
    if not known or (len(primary) == 3 and _has_two_letter_equivalent(primary.lower())):
        return LangStatus.UNKNOWN
    return LangStatus.OK


@lru_cache(maxsize=256)
def language_name(tag: str, in_language: str = "sv") -> str:
    """The name of ``tag``'s language in ``in_language`` ("sv" -> "svenska", in "en" "Swedish"); the tag itself
    when the registry has no name for it."""
    import langcodes

    try:
        code = primary_subtag(tag)
        name = langcodes.Language.get(code, normalize=False).display_name(in_language)
    except (ValueError, LookupError, langcodes.tag_parser.LanguageTagError):
        return tag
    # a code it cannot name comes back as "Unknown language [xx]" ("obestämt språk [xx]")
    return tag if not name or name.endswith(f"[{code}]") else name

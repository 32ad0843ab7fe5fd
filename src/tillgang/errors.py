"""Errors: per document (the document could not be checked, and why), and the command line's usage error."""

from __future__ import annotations

from .report import ErrorDict, NoticeDict

__all__ = ["ERROR_CODES", "NOTICE_CODES", "DocumentError", "UsageError", "error_message", "notice_dicts"]

# code -> (Swedish, English). The detail (technical, from the parser) is appended in parentheses.
ERROR_CODES: dict[str, tuple[str, str]] = {
    "encrypted": (
        "Filen är lösenordsskyddad (krypterad) och kan inte kontrolleras. Spara en kopia utan lösenord.",
        "The file is password-protected (encrypted) and cannot be checked. Save a copy without a password.",
    ),
    "corrupt": (
        "Filen är skadad eller ofullständig och kan inte läsas.",
        "The file is damaged or incomplete and cannot be read.",
    ),
    "unsupported-format": (
        "Filformatet stöds inte. tillgang kontrollerar .docx, .pptx, .xlsx, .odt, .odp, .ods, .pdf och .html.",
        "The file format is not supported. tillgang checks .docx, .pptx, .xlsx, .odt, .odp, .ods, .pdf and .html.",
    ),
    "too-large": (
        "Filen överskrider en gräns för storlek eller komplexitet och kontrollerades inte.",
        "The file exceeds a size or complexity limit and was not checked.",
    ),
    "timeout": (
        "Kontrollen tog för lång tid och avbröts.",
        "The check took too long and was stopped.",
    ),
    "fetch-failed": (
        "Filen kunde inte hämtas.",
        "The file could not be fetched.",
    ),
    "internal": (
        "Ett internt fel i tillgang hindrade kontrollen. Rapportera gärna felet.",
        "An internal error in tillgang prevented the check. Please report it.",
    ),
}


# Notices: the document was checked, but something about how it was read is worth knowing. A report entry's
# "notices" list holds {"code", "message"}; code -> (Swedish, English) templates over the notice's params.
NOTICE_CODES: dict[str, tuple[str, str]] = {
    "unknown-charset": (
        'Teckenkodningen "{label}" i {source_sv} är okänd; sidan lästes som {used}. '
        "Ange en känd teckenkodning, helst UTF-8.",
        'The character encoding "{label}" in {source_en} is unknown; the page was read as {used}. '
        "Name a known encoding, preferably UTF-8.",
    ),
}
_NOTICE_WORDS = {
    "http": ("HTTP-huvudet Content-Type", "the HTTP Content-Type header"),
    "meta": ("sidans meta-element", "the page's meta element"),
}


def notice_dicts(notices: list[tuple[str, dict[str, str]]], lang: str = "sv") -> list[NoticeDict]:
    """A document's notices ((code, params) from the reader) as the report's ``notices`` entries."""
    out: list[NoticeDict] = []
    for code, params in notices:
        sv, en = NOTICE_CODES[code]
        source_sv, source_en = _NOTICE_WORDS.get(params.get("source", ""), (params.get("source", ""),) * 2)
        values = {**params, "source_sv": source_sv, "source_en": source_en}
        out.append({"code": code, "message": (en if lang == "en" else sv).format(**values)})
    return out


def error_message(code: str, detail: str, lang: str = "sv") -> str:
    sv, en = ERROR_CODES.get(code, ERROR_CODES["internal"])
    text = en if lang == "en" else sv
    return f"{text} ({detail})" if detail else text


class DocumentError(Exception):
    """Raised by readers and limits. ``code`` is one of the report contract's error codes."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail

    def as_dict(self, lang: str = "sv") -> ErrorDict:
        return {"code": self.code, "message": error_message(self.code, self.detail, lang)}


class UsageError(Exception):
    """A command was used wrongly (a missing file, a bad option, an unprepared register): the command line
    prints the message and exits with status 2."""

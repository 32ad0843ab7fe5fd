"""Errors: per document (the document could not be checked, and why), and the command line's usage error."""

from __future__ import annotations

from .report import ErrorDict

__all__ = ["ERROR_CODES", "DocumentError", "UsageError", "error_message"]

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

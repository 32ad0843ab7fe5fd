"""SARIF 2.1.0, for code-scanning dashboards and CI systems."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote, urlsplit

from ..catalogue import load
from ..report import Report

__all__ = ["artifact_uri", "render_sarif"]

_LEVEL = {"failed": "error", "cantTell": "warning"}
# what RFC 3986 allows unencoded in a URI besides letters and digits ("%" only where it already encodes)
_URI_SAFE = "/:@!$&'()*+,;=-._~?#[]"


def artifact_uri(source: str) -> str:
    """A report's ``source`` (a URL or a file path) as the URI SARIF requires: percent-encoded (RFC 3986).

    A URL keeps its existing escapes ("%20" stays) and gets its spaces and non-ASCII letters encoded as UTF-8;
    an absolute path becomes a ``file:`` URI; a relative path becomes a relative reference with ``/``."""
    parts = urlsplit(source)
    if parts.scheme.lower() in ("http", "https", "file") and (parts.netloc or parts.scheme == "file"):
        return re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", quote(source, safe=_URI_SAFE + "%"))
    if PureWindowsPath(source).drive:  # C:\mapp\fil.docx
        return PureWindowsPath(source).as_uri()
    path = source if "/" in source else source.replace("\\", "/")  # mapp\\fil.docx from Windows
    if PurePosixPath(path).is_absolute():
        return PurePosixPath(path).as_uri()
    return quote(path, safe="/-._~!$&'()*+,;=:@")


def render_sarif(report: Report, lang: str = "sv") -> str:
    cat = load()
    used = sorted({f["rule"] for d in report["documents"] for f in d.get("findings", [])})
    rules = []
    for rule_id in used:
        rule = cat[rule_id]
        rules.append(
            {
                "id": rule.id,
                "name": rule.id,
                "shortDescription": {"text": rule.text("title", lang)},
                "fullDescription": {"text": " ".join(rule.text("description", lang).split())},
                "help": {"text": " ".join(rule.text("fix", lang).split())},
                "properties": {"tags": [f"wcag{x}" for x in rule.wcag], "severity": rule.severity},
            }
        )
    results = []
    invocations_notes = []
    for doc in report["documents"]:
        error = doc.get("error")
        if error:
            invocations_notes.append(
                {
                    "level": "error",
                    "message": {"text": error["message"]},
                    "locations": [
                        {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(doc["source"])}}}
                    ],
                    "descriptor": {"id": error["code"]},
                }
            )
            continue
        for f in doc.get("findings", []):
            loc = f.get("location", {})
            logical = ", ".join(f"{k}={v}" for k, v in loc.items())
            results.append(
                {
                    "ruleId": f["rule"],
                    "level": _LEVEL.get(f["outcome"], "note"),
                    "kind": "fail" if f["outcome"] == "failed" else "review",
                    "message": {"text": f["message"]},
                    "locations": [
                        {
                            "physicalLocation": {"artifactLocation": {"uri": artifact_uri(doc["source"])}},
                            "logicalLocations": [{"fullyQualifiedName": logical}] if logical else [],
                        }
                    ],
                }
            )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tillgang",
                        "version": report["tool"]["version"],
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not invocations_notes,
                        "toolExecutionNotifications": invocations_notes,
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"

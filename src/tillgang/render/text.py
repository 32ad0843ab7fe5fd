"""The text report a person reads: grouped by document, worst first, with how to fix each problem."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from typing import Any

from ..catalogue import load
from ..report import DocumentEntry, Finding, LocationDict, Report

__all__ = ["MAX_PER_RULE", "TEXTS", "counted", "describe_location", "doc_rank", "render_text", "visible"]

TEXTS: dict[str, dict[str, Any]] = {
    "sv": {
        "failed": "Underkänd",
        "cantTell": "Granska manuellt",
        "fix": "Så rättar du",
        "error": "Kunde inte kontrolleras",
        "ok": "Inga problem hittades av de automatiska reglerna.",
        "doc_summary": "{failed} regler underkända, {cant} att granska, {passed} utan anmärkning",
        "summary": "Sammanfattning: {n} dokument kontrollerade, {bad} med underkända regler, {review} att granska, {err} kunde inte kontrolleras.",
        "summary_one": "Sammanfattning: 1 dokument kontrollerat, {bad} med underkända regler, {review} att granska, {err} kunde inte kontrolleras.",
        "doc_summary_one": "1 regel underkänd, {cant} att granska, {passed} utan anmärkning",
        "disclaimer": "Automatiska kontroller kan visa brister men aldrig bevisa att ett dokument är tillgängligt.",
        "more": "… och {n} till av samma slag",
        "best": "bästa praxis",
        "severity": {"critical": "kritisk", "serious": "allvarlig", "moderate": "måttlig", "minor": "mindre"},
        "formats": {
            "docx": "Word",
            "pptx": "PowerPoint",
            "pdf": "PDF",
            "html": "HTML",
            "odt": "OpenDocument-text",
            "odp": "OpenDocument-presentation",
            "ods": "OpenDocument-kalkylblad",
            "xlsx": "Excel",
        },
        "loc": {
            "page": "sida {v}",
            "slide": "bild {v}",
            "sheet": "blad {v}",
            "cell": "cell {v}",
            "paragraph": "stycke {v}",
            "table": "tabell {v}",
            "row": "rad {v}",
            "element": "element {v}",
            "selector": "{v}",
            "name": "{v}",
        },
        "parts": {
            "header": "sidhuvud",
            "footer": "sidfot",
            "footnotes": "fotnoter",
            "endnotes": "slutnoter",
            "notes": "anteckningar",
            "metadata": "egenskaper",
            "body": "brödtext",
            "layout": "layout",
            "master": "bildbakgrund",
            "catalog": "dokumentinställningar",
            "structure": "taggstruktur",
            "content": "sidinnehåll",
            "textbox": "textruta",
        },
    },
    "en": {
        "failed": "Failed",
        "cantTell": "Review manually",
        "fix": "How to fix",
        "error": "Could not be checked",
        "ok": "No problems found by the automated rules.",
        "doc_summary": "{failed} rules failed, {cant} to review, {passed} without remarks",
        "summary": "Summary: {n} documents checked, {bad} with failed rules, {review} to review, {err} could not be checked.",
        "summary_one": "Summary: 1 document checked, {bad} with failed rules, {review} to review, {err} could not be checked.",
        "doc_summary_one": "1 rule failed, {cant} to review, {passed} without remarks",
        "disclaimer": "Automated checks can show problems but can never prove that a document is accessible.",
        "more": "… and {n} more of the same kind",
        "best": "best practice",
        "severity": {"critical": "critical", "serious": "serious", "moderate": "moderate", "minor": "minor"},
        "formats": {
            "docx": "Word",
            "pptx": "PowerPoint",
            "pdf": "PDF",
            "html": "HTML",
            "odt": "OpenDocument text",
            "odp": "OpenDocument presentation",
            "ods": "OpenDocument spreadsheet",
            "xlsx": "Excel",
        },
        "loc": {
            "page": "page {v}",
            "slide": "slide {v}",
            "sheet": "sheet {v}",
            "cell": "cell {v}",
            "paragraph": "paragraph {v}",
            "table": "table {v}",
            "row": "row {v}",
            "element": "element {v}",
            "selector": "{v}",
            "name": "{v}",
        },
        "parts": {
            "header": "header",
            "footer": "footer",
            "footnotes": "footnotes",
            "endnotes": "endnotes",
            "notes": "notes",
            "metadata": "properties",
            "body": "body",
            "layout": "layout",
            "master": "slide master",
            "catalog": "document settings",
            "structure": "tag structure",
            "content": "page content",
            "textbox": "text box",
        },
    },
}
MAX_PER_RULE = 10

# Characters a terminal acts on: C0 controls but tab and newline, DEL, C1 controls (U+0080-U+009F, e.g. the
# one-byte CSI U+009B), and the bidi controls that reorder what is shown (U+202E turns "gpj.exe" into
# "exe.jpg"). Documents are untrusted, so their text is printed with these written as visible escapes.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def counted(texts: Mapping[str, Any], key: str, n: int) -> str:
    """The text ``key`` for a count ``n``: its singular form ("1 dokument kontrollerat") when n is 1."""
    return str(texts.get(f"{key}_one") if n == 1 and f"{key}_one" in texts else texts[key])


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: Any) -> str:
    """``text`` as a string with terminal and bidi controls written as ``\\x1b`` / ``\\u202e`` escapes."""
    return _CONTROLS.sub(_escape, str(text))


def describe_location(loc: LocationDict | Mapping[str, Any], lang: str = "sv") -> str:
    """A finding's ``location`` in words: from a report, or as the register stored it (JSON, untyped)."""
    t = TEXTS.get(lang, TEXTS["sv"])
    bits = []
    for key in ("page", "slide", "sheet", "cell", "table", "row", "paragraph", "element", "selector"):
        value = loc.get(key)
        if value is not None:
            bits.append(t["loc"][key].format(v=visible(value)))
    part = loc.get("part")
    if part and part not in ("body", "metadata"):
        base = part.rstrip("0123456789")
        bits.append(visible(t["parts"].get(base, part)))
    return ", ".join(bits)


def doc_rank(doc: DocumentEntry) -> tuple[int, int]:
    if doc.get("error"):
        return (1, 0)
    outcomes = list((doc.get("rules") or {}).values())
    failed = outcomes.count("failed")
    if failed:
        return (0, -failed)
    if "cantTell" in outcomes:
        return (2, 0)
    return (3, 0)


def _wrap(text: str, indent: str, first: str | None = None) -> str:
    return textwrap.fill(
        " ".join(text.split()), width=100, initial_indent=first or indent, subsequent_indent=indent
    )


def render_text(report: Report, lang: str = "sv") -> str:
    t = TEXTS.get(lang, TEXTS["sv"])
    cat = load()
    lines: list[str] = []
    docs = sorted(report["documents"], key=doc_rank)
    n_bad = n_review = n_err = 0
    for doc in docs:
        fmt = t["formats"].get(doc.get("format") or "", "")
        header = visible(doc["source"]) + (f"  ({fmt})" if fmt else "")
        lines.append(header)
        lines.append("=" * min(len(header), 100))
        error = doc.get("error")
        if error:
            n_err += 1
            lines.append(_wrap(f"{t['error']}: {visible(error['message'])}", "  "))
            lines.append("")
            continue
        rules = doc.get("rules") or {}
        outcomes = list(rules.values())
        if "failed" in outcomes:
            n_bad += 1
        elif "cantTell" in outcomes:
            n_review += 1
        lines.append(
            "  "
            + counted(t, "doc_summary", outcomes.count("failed")).format(
                failed=outcomes.count("failed"),
                cant=outcomes.count("cantTell"),
                passed=outcomes.count("passed"),
            )
        )
        by_rule: dict[str, list[Finding]] = {}
        for f in doc.get("findings", []):
            by_rule.setdefault(f["rule"], []).append(f)
        if not by_rule:
            lines.append("  " + t["ok"])
        for rule_id, findings in by_rule.items():
            rule = cat[rule_id]
            outcome = rules.get(rule_id, findings[0]["outcome"])
            mark = "✗" if outcome == "failed" else "?"
            refs = ", ".join(f"WCAG {x}" for x in rule.wcag) or t["best"]
            lines.append("")
            lines.append(
                f"  {mark} {t.get(outcome, outcome)}: {rule.text('title', lang)}"
                f"  [{rule_id}; {refs}; {t['severity'].get(rule.severity, rule.severity)}]"
            )
            for f in findings[:MAX_PER_RULE]:
                where = describe_location(f.get("location", {}), lang)
                marker = "    - " if f["outcome"] == outcome else "    ? "
                message = visible(f["message"])
                lines.append(_wrap(message + (f" ({where})" if where else ""), "      ", marker))
            if len(findings) > MAX_PER_RULE:
                lines.append("      " + t["more"].format(n=len(findings) - MAX_PER_RULE))
            lines.append(_wrap(f"{t['fix']}: {rule.fix_for(doc.get('format') or '', lang)}", "      "))
        for warning in doc.get("warnings", []):
            lines.append(_wrap(f"(i) {visible(warning)}", "  "))
        for notice in doc.get("notices", []):
            lines.append(_wrap(f"(i) {visible(notice['message'])}", "  "))
        lines.append("")
    lines.append(counted(t, "summary", len(docs)).format(n=len(docs), bad=n_bad, review=n_review, err=n_err))
    for tool_notice in report.get("tool", {}).get("notices", []):  # e.g. the rules that need --render
        lines.append(_wrap(f"(i) {visible(tool_notice)}", ""))
    lines.append(t["disclaimer"])
    return "\n".join(lines) + "\n"

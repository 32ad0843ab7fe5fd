"""The HTML report: the same content as the text report, as an accessible web page.

``render_html`` gives a standalone page (`tillgang check --format html --out rapport.html`);
``render_html_fragment`` gives the report's body for embedding in the register's pages (the upload page).
Status is said in words and symbols, never by colour alone; headings, lists and a table with header cells.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..catalogue import load
from ..report import DocumentEntry, Finding, Report
from .text import MAX_PER_RULE, TEXTS, counted, describe_location, doc_rank

__all__ = ["render_html", "render_html_fragment"]

_H: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Tillgänglighetsrapport",
        "skip": "Hoppa till rapporten",
        "table_caption": "Dokument och resultat",
        "col_doc": "Dokument",
        "col_format": "Format",
        "col_failed": "Underkända regler",
        "col_review": "Att granska",
        "col_passed": "Utan anmärkning",
        "col_status": "Status",
        "status_failed": "Brister",
        "status_review": "Granska",
        "status_ok": "Inga brister hittades",
        "status_error": "Kunde inte kontrolleras",
        "warnings": "Att veta",
        "tool": "Kontrollerat med tillgang {version}, regelkatalog {catalogue}.",
        "rule": "Regel",
    },
    "en": {
        "title": "Accessibility report",
        "skip": "Skip to the report",
        "table_caption": "Documents and results",
        "col_doc": "Document",
        "col_format": "Format",
        "col_failed": "Failed rules",
        "col_review": "To review",
        "col_passed": "Without remarks",
        "col_status": "Status",
        "status_failed": "Problems",
        "status_review": "Review",
        "status_ok": "No problems found",
        "status_error": "Could not be checked",
        "warnings": "Good to know",
        "tool": "Checked with tillgang {version}, rule catalogue {catalogue}.",
        "rule": "Rule",
    },
}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;margin:0;color:#1b1b1b;
background:#fff}
main,header,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
.skip{position:absolute;left:-999rem}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;
outline:3px solid #1d4ed8}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #6b6b6b;padding:.4rem .6rem;
text-align:left;vertical-align:top}caption{text-align:left;font-weight:600;margin-bottom:.3rem}
.failed{color:#9b1c1c}.cantTell{color:#7a4a00}.ok{color:#14532d}
section.doc{border-top:2px solid #6b6b6b;margin-top:2rem}
.fix{background:#f3f4f6;border-left:4px solid #1d4ed8;padding:.5rem .8rem}
a{color:#1d4ed8}a:focus{outline:3px solid #1d4ed8}
"""


def _counts(doc: DocumentEntry) -> tuple[int, int, int]:
    outcomes = list((doc.get("rules") or {}).values())
    return outcomes.count("failed"), outcomes.count("cantTell"), outcomes.count("passed")


def _status(doc: DocumentEntry, h: dict[str, str]) -> tuple[str, str]:
    if doc.get("error"):
        return "failed", "⚠ " + h["status_error"]
    failed, review, _ = _counts(doc)
    if failed:
        return "failed", "✗ " + h["status_failed"]
    if review:
        return "cantTell", "? " + h["status_review"]
    return "ok", "✓ " + h["status_ok"]


def _summary_table(docs: list[DocumentEntry], t: dict[str, Any], h: dict[str, str]) -> list[str]:
    """The table of documents: format, status and counts, each linking to its section."""
    out: list[str] = []
    out.append('<table class="stack">')  # a list of cards on a narrow screen where the page's CSS says so
    out.append(f"<caption>{escape(h['table_caption'])}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(
            f'<th scope="col">{escape(h[k])}</th>'
            for k in ("col_doc", "col_format", "col_status", "col_failed", "col_review", "col_passed")
        )
        + "</tr></thead><tbody>"
    )
    for i, doc in enumerate(docs, 1):
        cls, label = _status(doc, h)
        failed, review, passed = _counts(doc)
        fmt = t["formats"].get(doc.get("format") or "", doc.get("format") or "–")
        label_of = {
            k: escape(h[k]) for k in ("col_format", "col_status", "col_failed", "col_review", "col_passed")
        }
        out.append(
            f'<tr><th scope="row"><a href="#doc-{i}">{escape(doc["source"])}</a></th>'
            f'<td data-label="{label_of["col_format"]}">{escape(fmt)}</td>'
            f'<td class="{cls}" data-label="{label_of["col_status"]}">{escape(label)}</td>'
            f'<td data-label="{label_of["col_failed"]}">{failed}</td>'
            f'<td data-label="{label_of["col_review"]}">{review}</td>'
            f'<td data-label="{label_of["col_passed"]}">{passed}</td></tr>'
        )
    out.append("</tbody></table>")
    return out


def render_html_fragment(report: Report, lang: str = "sv", heading_level: int = 2) -> str:
    """The report as HTML to put inside a page's <main>; document headings start at ``heading_level``."""
    t = TEXTS.get(lang, TEXTS["sv"])
    h = _H.get(lang, _H["sv"])
    cat = load()
    hd = max(1, min(heading_level, 5))
    out: list[str] = []
    docs = sorted(report["documents"], key=doc_rank)
    n_bad = sum(1 for d in docs if _counts(d)[0])
    n_review = sum(1 for d in docs if not _counts(d)[0] and _counts(d)[1])
    n_err = sum(1 for d in docs if d.get("error"))
    out.append(
        "<p>"
        + escape(counted(t, "summary", len(docs)).format(n=len(docs), bad=n_bad, review=n_review, err=n_err))
        + "</p>"
    )
    out.append("<p>" + escape(t["disclaimer"]) + "</p>")
    out.extend(_summary_table(docs, t, h))

    for i, doc in enumerate(docs, 1):
        cls, label = _status(doc, h)
        out.append(f'<section class="doc" aria-labelledby="doc-{i}">')
        out.append(f'<h{hd} id="doc-{i}">{escape(doc["source"])}</h{hd}>')
        out.append(f'<p class="{cls}"><strong>{escape(label)}</strong></p>')
        error = doc.get("error")
        if error:
            out.append(f"<p>{escape(error['message'])}</p></section>")
            continue
        rules = doc.get("rules") or {}
        by_rule: dict[str, list[Finding]] = {}
        for f in doc.get("findings", []):
            by_rule.setdefault(f["rule"], []).append(f)
        if not by_rule:
            out.append(f"<p>{escape(t['ok'])}</p>")
        for rule_id, findings in by_rule.items():
            rule = cat[rule_id]
            outcome = rules.get(rule_id, findings[0]["outcome"])
            mark = "✗" if outcome == "failed" else "?"
            refs = ", ".join(f"WCAG {x}" for x in rule.wcag) or t["best"]
            severity = t["severity"].get(rule.severity, rule.severity)
            out.append(
                f'<h{hd + 1} class="{outcome}">{mark} {escape(t.get(outcome, outcome))}: '
                f"{escape(rule.text('title', lang))}</h{hd + 1}>"
            )
            out.append(
                f"<p>{escape(h['rule'])}: <code>{escape(rule_id)}</code>; {escape(refs)}; {escape(severity)}</p>"
            )
            out.append("<ul>")
            for f in findings[:MAX_PER_RULE]:
                where = describe_location(f.get("location", {}), lang)
                prefix = "" if f["outcome"] == outcome else "? "
                out.append(
                    f"<li>{escape(prefix + f['message'])}{' (' + escape(where) + ')' if where else ''}</li>"
                )
            if len(findings) > MAX_PER_RULE:
                out.append(f"<li>{escape(t['more'].format(n=len(findings) - MAX_PER_RULE))}</li>")
            out.append("</ul>")
            fix = " ".join(rule.fix_for(doc.get("format") or "", lang).split())
            out.append(f'<p class="fix"><strong>{escape(t["fix"])}:</strong> {escape(fix)}</p>')
        notes = [*doc.get("warnings", []), *(n["message"] for n in doc.get("notices", []))]
        if notes:
            out.append(f"<h{hd + 1}>{escape(h['warnings'])}</h{hd + 1}><ul>")
            out.extend(f"<li>{escape(w)}</li>" for w in notes)
            out.append("</ul>")
        out.append("</section>")
    return "\n".join(out)


def render_html(report: Report, lang: str = "sv") -> str:
    h = _H.get(lang, _H["sv"])
    tool = report.get("tool", {})
    n = len(report["documents"])
    title = h["title"] + (f" – {report['documents'][0]['source']}" if n == 1 else f" – {n}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"en" if lang == "en" else "sv"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<a class="skip" href="#rapport">{escape(h["skip"])}</a>\n'
        f'<main id="rapport">\n<h1>{escape(h["title"])}</h1>\n'
        + render_html_fragment(report, lang, heading_level=2)
        + "\n</main>\n<footer><p>"
        + escape(
            h["tool"].format(version=tool.get("version", ""), catalogue=str(tool.get("catalogue", ""))[:12])
        )
        + "</p>"
        + "".join(f"<p>{escape(notice)}</p>" for notice in tool.get("notices", []))
        + "</footer>\n</body>\n</html>\n"
    )

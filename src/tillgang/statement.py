"""A draft tillgänglighetsredogörelse (accessibility statement) from checked pages and documents.

The draft follows DIGG's template, with its headings verbatim, and what MDFFS 2019:2 6 § requires. It groups
non-conformities by WCAG criterion (with the EN 301 549 clause: 9.x for web pages, 10.x for documents), counting
*affected items* and their share of those checked, with at most three examples by title and URL.

What the draft may not do (the law and DIGG's guidance), and so never does:
- claim full conformance ("helt förenlig"): the status is a person's decision, and the draft refuses "helt";
- count `cantTell` as non-conformance: those go in a separate list for manual review;
- put an exemption (9 §) or a disproportionate-burden claim (12 §) in the statement without a recorded decision
  by a named person (who, when, reason);
- name anything but titles and URLs (no personal data from documents).

Input is a crawl run (`tillgang crawl --out run.json`) or a check report (`tillgang check --format json`).
Output: HTML, .docx (which passes `tillgang check`) and JSON (the machine-readable version).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from .catalogue import DEFAULT_RULE_SET, Catalogue, load
from .config import read_config
from .textutil import is_placeholder_title, sv_count, sv_percent
from .wcag import criterion_key

__all__ = [
    "HTML_STYLE",
    "Decision",
    "StatementError",
    "StatementInput",
    "build_statement",
    "criteria_data",
    "html_style_source",
    "render_statement",
]

DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"
STATUS_TEXT = {
    "delvis": "delvis förenlig med lagen om tillgänglighet till digital offentlig service",
    "inte": "inte förenlig med lagen om tillgänglighet till digital offentlig service",
}
EXAMPLES = 3
# The HTML draft's one style block: dark text on white, and the table of nonconformities as a list of cards
# below 40rem (WCAG 1.4.10: no sideways scrolling at 320 CSS px). The register serves the draft with a CSP
# that allows exactly this block (html_style_source).
HTML_STYLE = (
    "*{box-sizing:border-box}body{font-family:system-ui,sans-serif;line-height:1.5;max-width:60rem;margin:0 auto;padding:0 1rem;"
    "color:#1b1b1b;background:#fff;overflow-wrap:break-word}table{border-collapse:collapse}"
    "th,td{border:1px solid #6b6b6b;padding:.3rem .5rem;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}a{color:#0b4f9c}"
    "@media screen and (max-width:40rem){table.stack,table.stack tbody,table.stack tr,table.stack td,"
    "table.stack caption{display:block;width:auto}table.stack thead{display:block;position:absolute;"
    "width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}"
    "table.stack tr{margin:0 0 .75rem;border:1px solid #6b6b6b}table.stack td{border:0}"
    "table.stack td::before{content:attr(data-label);display:block;font-weight:bold}}"
)


class StatementError(ValueError):
    """The input cannot give a lawful draft (e.g. a request to claim full conformance)."""


@dataclass(frozen=True)
class Decision:
    """A named person's recorded decision: an exemption (9 §), a disproportionate burden (12 §), or the status."""

    kind: str  # "9" | "12" | "status"
    subject: str  # the item (title or URL) or, for the status, "delvis" / "inte"
    reason: str
    decided_by: str
    decided_on: dt.date
    sha256: str | None = None  # an exemption is tied to the file's content: a changed file makes it lapse

    def valid(self) -> bool:
        return bool(self.decided_by.strip() and self.reason.strip() and self.kind in ("9", "12", "status"))


@dataclass
class StatementInput:
    organisation: str
    service: str  # the website or service the statement covers, e.g. "knivsta.se"
    contact: str | None = None  # how to report shortcomings and ask for exempted content (mandatory)
    feedback_url: str | None = None
    assessed_on: dt.date | None = None
    published_on: dt.date | None = None
    updated_on: dt.date | None = None
    manual_sample_on: dt.date | None = None  # only if a manual sample is recorded
    decisions: list[Decision] = field(default_factory=list)

    @classmethod
    def from_toml(cls, path: str | Path) -> StatementInput:
        """``[statement]`` of ``tillgang.toml`` (or a file with the statement's keys at the top level)."""
        section = read_config(path).statement()
        decisions = [
            Decision(
                kind=str(d["kind"]),
                subject=str(d["subject"]),
                reason=str(d.get("reason", "")),
                decided_by=str(d.get("decided_by", "")),
                decided_on=_date(d.get("decided_on")) or dt.date.min,
                sha256=d.get("sha256"),
            )
            for d in section.get("decisions", [])
        ]
        return cls(
            organisation=str(section.get("organisation", "")),
            service=str(section.get("service", "")),
            contact=section.get("contact"),
            feedback_url=_checked_link(section.get("feedback_url")),
            assessed_on=_date(section.get("assessed_on")),
            published_on=_date(section.get("published_on")),
            updated_on=_date(section.get("updated_on")),
            manual_sample_on=_date(section.get("manual_sample_on")),
            decisions=decisions,
        )


# The only addresses the statement makes links of: a web address with a host, or an e-mail address, without
# whitespace or control characters (a browser strips those, so "java\tscript:" would still run).
_SAFE_LINK = re.compile(r"(?:https?://[^\s/?#\\]+|mailto:[^\s/])[^\x00-\x20\x7f-\x9f]*", re.IGNORECASE)


def is_safe_link(url: str | None) -> bool:
    """True for an http(s) or mailto address that may become a link in the published statement."""
    return bool(url) and _SAFE_LINK.fullmatch(str(url)) is not None


def _checked_link(value: Any) -> str | None:
    """``feedback_url`` from the config: None, or an http(s)/mailto address; anything else is a config error."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not is_safe_link(value):
        raise StatementError(
            "feedback_url i [statement] ska vara en webbadress (https://…) eller en e-postadress (mailto:…); "
            f"{str(value)[:80]!r} blir ingen länk i redogörelsen"
        )
    return value


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def criteria_data() -> dict[str, Any]:
    text = resources.files("tillgang").joinpath("data/wcag21.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _label(entry: dict[str, Any]) -> str:
    title = (entry.get("title") or "").strip()
    source = entry.get("url") or entry.get("source") or ""
    filename = source.rstrip("/").rsplit("/", 1)[-1]
    if title and not is_placeholder_title(title, filename):
        return f"{title} ({source})"
    return source


def _items(run: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(kind, entry) for every item: kind is "page" (HTML) or "document"."""
    out: list[tuple[str, dict[str, Any]]] = []
    for key in ("pages", "documents"):
        for entry in run.get(key) or []:
            kind = "page" if entry.get("format") == "html" else "document"
            out.append((kind, entry))
    return out


def build_statement(
    run: dict[str, Any], info: StatementInput, catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """The draft as data; ``render_statement`` turns it into HTML, .docx or JSON."""
    cat = catalogue or load()
    data = criteria_data()
    criteria: dict[str, dict[str, Any]] = data["criteria"]
    situations: dict[str, dict[str, str]] = data["situations"]

    status = [d for d in info.decisions if d.kind == "status"]
    if any(d.subject == "helt" for d in status):
        raise StatementError(
            "Utkastet kan aldrig ange att webbplatsen är helt förenlig: automatiska kontroller kan inte visa det."
        )
    status_decision = next((d for d in reversed(status) if d.valid() and d.subject in STATUS_TEXT), None)

    exempt_hashes = {d.sha256 for d in info.decisions if d.kind == "9" and d.valid() and d.sha256}
    checked, not_checked, failed, review = _tally(run, cat, exempt_hashes)
    nonconformities = _nonconformities(failed, checked, criteria, situations)
    not_covered, manual = _coverage(cat, criteria, review)
    by_situation: dict[str, list[str]] = {}
    for item in nonconformities:
        meta = criteria.get(item["wcag"], {})
        for s in meta.get("situations", []) + meta.get("also", []):
            by_situation.setdefault(situations[s]["sv"], []).append(item["wcag"])
    gaps = _gaps(info, status_decision, bool(nonconformities))
    tool = run.get("tool", {})
    assessed = info.assessed_on or _date((run.get("run") or {}).get("finished", "")[:10] or None)
    return {
        "organisation": info.organisation,
        "service": info.service,
        "status": (
            {
                "value": status_decision.subject,
                "text": STATUS_TEXT[status_decision.subject],
                "decided_by": status_decision.decided_by,
                "decided_on": status_decision.decided_on.isoformat(),
            }
            if status_decision
            else None
        ),
        "proposed_status": "delvis" if nonconformities else None,
        "contact": info.contact,
        "feedback_url": info.feedback_url if is_safe_link(info.feedback_url) else None,
        "digg_report_url": DIGG_REPORT_URL,
        "nonconformities": nonconformities,
        "by_situation": {k: sorted(set(v), key=criterion_key) for k, v in sorted(by_situation.items())},
        "manual_review": manual,
        "not_covered": not_covered,
        "burden": [_decision(d) for d in info.decisions if d.kind == "12" and d.valid()],
        "exempt": [_decision(d) for d in info.decisions if d.kind == "9" and d.valid()],
        "population": {
            "pages_checked": checked["page"],
            "documents_checked": checked["document"],
            "not_checked": not_checked,
        },
        "method": _method(tool, data, assessed, info.manual_sample_on),
        "assessed_on": assessed.isoformat() if assessed else None,
        "published_on": info.published_on.isoformat() if info.published_on else None,
        "updated_on": info.updated_on.isoformat() if info.updated_on else None,
        "rule_set": data.get("rule_set"),
        "tool": tool,
        "gaps": gaps,
    }


def _tally(
    run: dict[str, Any], cat: Catalogue, exempt_hashes: set[str]
) -> tuple[dict[str, int], dict[str, int], dict[str, dict[str, list[str]]], dict[str, dict[str, int]]]:
    """Items checked per kind, items not checked per error code, and per success criterion the items that
    fail it (labels, per kind) and the items that only need review (counts, per kind)."""
    checked = {"page": 0, "document": 0}
    not_checked: dict[str, int] = {}
    failed: dict[str, dict[str, list[str]]] = {}  # sc -> kind -> item labels
    review: dict[str, dict[str, int]] = {}  # sc -> kind -> items with cantTell only
    for kind, entry in _items(run):
        if entry.get("sha256") in exempt_hashes:
            continue  # a recorded exemption for exactly this content
        if entry.get("error"):
            code = entry["error"].get("code", "error")
            not_checked[code] = not_checked.get(code, 0) + 1
            continue
        checked[kind] += 1
        failed_sc: set[str] = set()
        review_sc: set[str] = set()
        for rule_id, outcome in (entry.get("rules") or {}).items():
            if rule_id not in cat or cat[rule_id].rule_set != DEFAULT_RULE_SET:
                continue  # the statement answers to EN 301 549 V3.2.1 (WCAG 2.1), not to an opt-in rule set
            for sc in cat[rule_id].wcag:
                if outcome == "failed":
                    failed_sc.add(sc)
                elif outcome == "cantTell":
                    review_sc.add(sc)
        for sc in failed_sc:
            failed.setdefault(sc, {}).setdefault(kind, []).append(_label(entry))
        for sc in review_sc - failed_sc:
            bucket = review.setdefault(sc, {})
            bucket[kind] = bucket.get(kind, 0) + 1
    return checked, not_checked, failed, review


def _nonconformities(
    failed: dict[str, dict[str, list[str]]],
    checked: dict[str, int],
    criteria: dict[str, dict[str, Any]],
    situations: dict[str, dict[str, str]],
) -> list[dict[str, Any]]:
    """One entry per failed success criterion, in criterion order."""

    def share(n: int, kind: str) -> float:
        return round(100.0 * n / checked[kind], 1) if checked[kind] else 0.0

    nonconformities: list[dict[str, Any]] = []
    for sc in sorted(failed, key=criterion_key):
        meta = criteria.get(sc, {})
        by_kind = failed[sc]
        clauses = []
        if by_kind.get("page"):
            clauses.append(f"9.{sc}")
        if by_kind.get("document"):
            clauses.append(f"10.{sc}")
        examples = (by_kind.get("document", []) + by_kind.get("page", []))[:EXAMPLES]
        nonconformities.append(
            {
                "wcag": sc,
                "level": meta.get("level"),
                "name": {"sv": meta.get("sv", sc), "en": meta.get("en", sc)},
                "en301549": clauses,
                "documents": len(by_kind.get("document", [])),
                "documents_share": share(len(by_kind.get("document", [])), "document"),
                "pages": len(by_kind.get("page", [])),
                "pages_share": share(len(by_kind.get("page", [])), "page"),
                "examples": examples,
                "situations": [
                    situations[s]["sv"] for s in meta.get("situations", []) + meta.get("also", [])
                ],
            }
        )
    return nonconformities


def _coverage(
    cat: Catalogue, criteria: dict[str, dict[str, Any]], review: dict[str, dict[str, int]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The criteria no rule covers, and those with items that need a person's review."""
    rules = [rule for rule in cat if rule.rule_set == DEFAULT_RULE_SET]
    automated = {sc for rule in rules for sc in rule.wcag if rule.automation == "automatic"}
    partly = {sc for rule in rules for sc in rule.wcag} - automated
    not_covered = [
        {"wcag": sc, "name": {"sv": m["sv"], "en": m["en"]}, "level": m["level"]}
        for sc, m in sorted(criteria.items(), key=lambda kv: criterion_key(kv[0]))
        if sc not in automated and sc not in partly
    ]
    manual = [
        {
            "wcag": sc,
            "name": {"sv": criteria.get(sc, {}).get("sv", sc), "en": criteria.get(sc, {}).get("en", sc)},
            "documents": review[sc].get("document", 0),
            "pages": review[sc].get("page", 0),
        }
        for sc in sorted(review, key=criterion_key)
    ]
    return not_covered, manual


def _gaps(info: StatementInput, status_decision: Decision | None, nonconforming: bool) -> list[str]:
    """What a person must add before the draft is published."""
    gaps = []
    if not (info.organisation or "").strip():
        gaps.append("Organisationen som står bakom webbplatsen saknas.")
    if not info.contact:
        gaps.append("Kontaktvägar för att rapportera brister och begära tillgängligt innehåll saknas (krav).")
    if status_decision is None:
        gaps.append(
            "Ingen namngiven person har beslutat om förenlighetsstatus (delvis eller inte förenlig). "
            + ("Brister finns, så förslaget är 'delvis förenlig'." if nonconforming else "")
        )
    ignored = [d for d in info.decisions if d.kind in ("9", "12") and not d.valid()]
    if ignored:
        gaps.append(f"{len(ignored)} undantag saknar namngiven beslutsfattare eller skäl och har utelämnats.")
    if info.feedback_url and not is_safe_link(info.feedback_url):
        gaps.append(
            "Adressen till formuläret för synpunkter är ingen https-, http- eller mailto-adress och används inte."
        )
    return gaps


def _method(
    tool: dict[str, Any], data: dict[str, Any], assessed: dt.date | None, manual_sample_on: dt.date | None
) -> str:
    """How the site was tested, in one sentence."""
    return (
        f"Automatiserad granskning med tillgang {tool.get('version', '')}, regeluppsättning "
        f"{data.get('rule_set', '')} (WCAG 2.1 nivå AA), regelkatalog {str(tool.get('catalogue', ''))[:12]}"
        + (f", {assessed.isoformat()}" if assessed else "")
        + (
            f", kompletterad med manuellt stickprov {manual_sample_on.isoformat()}"
            if manual_sample_on
            else ""
        )
        + "."
    )


def _decision(d: Decision) -> dict[str, Any]:
    out = asdict(d)
    out["decided_on"] = d.decided_on.isoformat()
    return out


# ------------------------------------------------------------------ rendering

_TITLE = "Tillgänglighet för {service}"
HEADINGS = {
    "how": "Hur tillgänglig är webbplatsen?",
    "what": "Vad kan du göra om du inte kan använda delar av webbplatsen?",
    "report": "Rapportera brister i webbplatsens tillgänglighet",
    "supervision": "Tillsyn",
    "technical": "Teknisk information om webbplatsens tillgänglighet",
    "content": "Innehåll som inte är tillgängligt",
    "noncompliance": "Bristande förenlighet med lagkraven",
    "burden": "Oskäligt betungande anpassning",
    "exempt": "Innehåll som inte omfattas av tillämplig lagstiftning",
    "tested": "Hur vi testat webbplatsen",
    "annex": "Sammanställning per kriterium",
    "manual": "Kräver manuell kontroll",
    "not_covered": "Kriterier som inte kontrolleras automatiskt",
    "gaps": "Att komplettera innan publicering",
}


def _sections(model: dict[str, Any]) -> list[tuple[int, str, list[Any]]]:
    """The draft as (heading level, heading, blocks); a block is str (paragraph), list (bullets) or a table."""
    return [*_about_sections(model), *_content_sections(model), *_testing_sections(model)]


def _about_sections(model: dict[str, Any]) -> list[tuple[int, str, list[Any]]]:
    """The title, what to complete, how accessible, what you can do, reporting, supervision."""
    service = model["service"] or "webbplatsen"
    out: list[tuple[int, str, list[Any]]] = []
    how = (
        f"{model['organisation'] or '[ORGANISATION SAKNAS]'} står bakom den här webbplatsen. Vi vill att så många som möjligt ska kunna "
        f"använda den. Det här dokumentet beskriver hur {service} uppfyller lagen om tillgänglighet till digital "
        "offentlig service, eventuella kända tillgänglighetsproblem och hur du kan rapportera brister till oss så "
        "att vi kan åtgärda dem."
    )
    out.append((1, _TITLE.format(service=service), [how]))
    if model["gaps"]:
        out.append((2, HEADINGS["gaps"], [list(model["gaps"])]))
    blocks: list[Any] = []
    if model["nonconformities"]:
        blocks.append(
            "Vi vet att delar av webbplatsen och dess dokument inte är helt tillgängliga. Se avsnittet "
            "om innehåll som inte är tillgängligt nedan."
        )
    out.append((2, HEADINGS["how"], blocks or ["Se avsnittet Hur vi testat webbplatsen."]))
    contact = model["contact"] or "[KONTAKTVÄGAR SAKNAS]"
    out.append(
        (
            2,
            HEADINGS["what"],
            [
                f"Om du behöver innehåll från {service} som inte är tillgängligt för dig, men som omfattas av lagen, "
                f"kan du meddela oss: {contact}."
            ],
        )
    )
    report_blocks: list[Any] = [
        "Vi strävar hela tiden efter att förbättra webbplatsens tillgänglighet. Om du upptäcker problem som inte "
        f"beskrivs på den här sidan, eller om du anser att vi inte uppfyller lagens krav, meddela oss: {contact}."
    ]
    if model["feedback_url"]:
        report_blocks.append(("link", "Formulär för att rapportera brister", model["feedback_url"]))
    out.append((2, HEADINGS["report"], report_blocks))
    out.append(
        (
            2,
            HEADINGS["supervision"],
            [
                "Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn över lagen om tillgänglighet "
                "till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du "
                "kontakta DIGG och påtala det.",
                ("link", "Anmäl till DIGG", model["digg_report_url"]),
            ],
        )
    )
    return out


def _content_sections(model: dict[str, Any]) -> list[tuple[int, str, list[Any]]]:
    """The technical information: compliance status, and the content that is not accessible, and why."""
    status = model["status"]
    out: list[tuple[int, str, list[Any]]] = []
    if status:
        tech = (
            f"Webbplatsen är {status['text']}, på grund av de brister som beskrivs nedan. "
            f"(Beslutat av {status['decided_by']} {status['decided_on']}.)"
        )
    else:
        tech = (
            "[FÖRENLIGHETSSTATUS: beslutas av en namngiven person. Förslag: delvis förenlig.]"
            if model["proposed_status"]
            else "[FÖRENLIGHETSSTATUS: beslutas av en namngiven person.]"
        )
    out.append((2, HEADINGS["technical"], [tech]))
    out.append((2, HEADINGS["content"], []))
    nc_blocks: list[Any] = []
    for item in model["nonconformities"]:
        parts = []
        if item["documents"]:
            parts.append(
                f"{item['documents']} dokument ({sv_percent(item['documents_share'])} av de granskade)"
            )
        if item["pages"]:
            parts.append(
                f"{sv_count(item['pages'], 'sida', 'sidor')} ({sv_percent(item['pages_share'])} av de granskade)"
            )
        clause = ", ".join(item["en301549"])
        nc_blocks.append(
            f"{item['name']['sv']} (WCAG {item['wcag']}, EN 301 549 {clause}): brister i {' och '.join(parts)}. "
            f"Exempel: {'; '.join(item['examples'])}."
        )
    if not nc_blocks:
        nc_blocks.append(
            "De automatiska kontrollerna hittade inga brister. Det betyder inte att webbplatsen är "
            "helt tillgänglig: många krav kan bara bedömas av en människa."
        )
    out.append((3, HEADINGS["noncompliance"], nc_blocks))
    out.append(
        (
            3,
            HEADINGS["burden"],
            [
                f"{d['subject']}: {d['reason']} (beslut {d['decided_on']}, {d['decided_by']})"
                for d in model["burden"]
            ]
            or ["Vi åberopar inte oskäligt betungande anpassning för något innehåll."],
        )
    )
    out.append(
        (
            3,
            HEADINGS["exempt"],
            [
                f"{d['subject']}: {d['reason']} (beslut {d['decided_on']}, {d['decided_by']})"
                for d in model["exempt"]
            ]
            or ["Inget innehåll har undantagits."],
        )
    )
    return out


def _testing_sections(model: dict[str, Any]) -> list[tuple[int, str, list[Any]]]:
    """How the site was tested, the annex per criterion, what needs manual review, what is not covered."""
    out: list[tuple[int, str, list[Any]]] = []
    tested = [model["method"]]
    pop = model["population"]
    tested.append(
        f"Granskade: {sv_count(pop['pages_checked'], 'sida', 'sidor')} och {pop['documents_checked']} dokument."
        + (
            " Kunde inte granskas: "
            + ", ".join(f"{n} ({code})" for code, n in sorted(pop["not_checked"].items()))
            + "."
            if pop["not_checked"]
            else ""
        )
    )
    if model["published_on"]:
        tested.append(f"Webbplatsen publicerades {model['published_on']}.")
    if model["updated_on"]:
        tested.append(f"Redogörelsen uppdaterades senast {model['updated_on']}.")
    out.append((2, HEADINGS["tested"], tested))
    rows = [
        [
            item["wcag"],
            ", ".join(item["en301549"]),
            item["name"]["sv"],
            str(item["documents"]),
            sv_percent(item["documents_share"]),
            str(item["pages"]),
            "; ".join(item["examples"]),
            ", ".join(item["situations"]),
        ]
        for item in model["nonconformities"]
    ]
    header = [
        "WCAG",
        "EN 301 549",
        "Kriterium",
        "Dokument med brist",
        "Andel av granskade dokument",
        "Sidor med brist",
        "Exempel",
        "Användningssituationer",
    ]
    out.append((2, HEADINGS["annex"], [("table", header, rows)] if rows else ["Inga brister hittades."]))
    manual = [
        f"{m['name']['sv']} (WCAG {m['wcag']}): {m['documents']} dokument och "
        f"{sv_count(m['pages'], 'sida', 'sidor')} behöver bedömas "
        "av en människa."
        for m in model["manual_review"]
    ]
    out.append((2, HEADINGS["manual"], [manual] if manual else ["Inget."]))
    out.append(
        (
            2,
            HEADINGS["not_covered"],
            [[f"{c['wcag']} {c['name']['sv']} (nivå {c['level']})" for c in model["not_covered"]]],
        )
    )
    return out


def html_style_source() -> str:
    """The CSP source that allows the HTML draft's style block and nothing else: ``'sha256-…'``."""
    import base64
    import hashlib

    digest = hashlib.sha256(HTML_STYLE.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def render_statement(model: dict[str, Any], fmt: str = "html") -> bytes:
    if fmt == "json":
        return (json.dumps(model, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    sections = _sections(model)
    title = _TITLE.format(service=model["service"] or "webbplatsen")
    if fmt == "docx":
        from .render.docxwriter import AccessibleDocx

        doc = AccessibleDocx(title=title, lang="sv-SE", author=model["organisation"] or "tillgang")
        for level, heading, blocks in sections:
            doc.heading(heading, level)
            for block in blocks:
                if isinstance(block, str):
                    doc.paragraph(block)
                elif isinstance(block, list):
                    doc.bullets(block)
                elif block[0] == "link" and not is_safe_link(block[2]):
                    doc.paragraph(block[1])  # only http(s) and mailto become links
                elif block[0] == "link":
                    doc.link(block[1], block[2])
                elif block[0] == "table":
                    doc.table(block[1], block[2], caption="Brister per kriterium")
        return doc.to_bytes()
    if fmt != "html":
        raise ValueError(f"unknown format {fmt!r}")
    body: list[str] = []
    for level, heading, blocks in sections:
        body.append(f"<h{level}>{escape(heading)}</h{level}>")
        for block in blocks:
            if isinstance(block, str):
                body.append(f"<p>{escape(block)}</p>")
            elif isinstance(block, list):
                body.append("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in block) + "</ul>")
            elif block[0] == "link" and not is_safe_link(block[2]):
                body.append(f"<p>{escape(block[1])}</p>")  # only http(s) and mailto become links
            elif block[0] == "link":
                body.append(f'<p><a href="{escape(block[2])}">{escape(block[1])}</a></p>')
            elif block[0] == "table":
                head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block[1])
                rows = "".join(
                    "<tr>"
                    + "".join(
                        f'<td data-label="{escape(h)}">{escape(c)}</td>'
                        for h, c in zip(block[1], r, strict=False)
                    )
                    + "</tr>"
                    for r in block[2]
                )
                body.append(
                    f'<table class="stack"><caption>Brister per kriterium</caption><thead><tr>{head}</tr></thead>'
                    f"<tbody>{rows}</tbody></table>"
                )
    html_body = "\n".join(body)
    page = (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>{HTML_STYLE}</style>\n"
        f"</head>\n<body>\n<main>\n{html_body}\n</main>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")

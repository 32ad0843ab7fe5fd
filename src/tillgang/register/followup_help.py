"""Follow-up help: a proposed comment for the accessibility risk from its latest sealed evidence.

The comment is built from the latest sealed evidence record of the risk's control activities in (or before the
end of) the follow-up period, compared with the sealed record before it (docs/review.md), e.g.
"18 % av 230 granskade dokument bryter mot regeln ”PDF-filen ska vara taggad” (WCAG 1.3.1), ned från 31 % vid
förra uppföljningen". It names the record by id, version and a short seal, so the follow-up can be traced.

Shares count affected items, never occurrences: for each rule, the items (pages and documents) checked without
error that the rule applied to (outcome passed, failed or cantTell; not inapplicable), and how many of them failed
it; cantTell is not failure. These are the numbers of ``evidence.summary_by_rule``, as frozen in the sealed
record's manifest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from .models import ControlActivity, CrawlRun, Evidence, EvidenceStatus, Item, Period, Risk

__all__ = [
    "RuleShare",
    "evidence_for_period",
    "followup_hint",
    "period_end",
    "propose_comment",
    "record_shares",
    "rule_shares",
    "shares_from_results",
]

TOP_RULES = 3


@dataclass(frozen=True)
class RuleShare:
    rule: str
    failed: int  # items that failed the rule
    checked: int  # items of the rule's formats checked without error
    pages: int  # of ``checked``: pages
    documents: int  # of ``checked``: documents

    @property
    def percent(self) -> float:
        return 100.0 * self.failed / self.checked if self.checked else 0.0

    @property
    def noun(self) -> str:
        if self.documents and not self.pages:
            return "dokument"
        if self.pages and not self.documents:
            return "sidor"
        return "sidor och dokument"


def shares_from_results(results: dict[str, Any]) -> dict[str, RuleShare]:
    """RuleShares from ``evidence.summary_by_rule`` output (or a sealed manifest's ``results``)."""
    out = {}
    for rule, counts in sorted((results.get("rules") or {}).items()):
        by_kind = counts.get("by_kind") or {}
        out[rule] = RuleShare(
            rule,
            int(counts.get("failed") or 0),
            int(counts.get("checked") or 0),
            int((by_kind.get("page") or {}).get("checked") or 0),
            int((by_kind.get("document") or {}).get("checked") or 0),
        )
    return out


def rule_shares(run: CrawlRun) -> dict[str, RuleShare]:
    """Per rule: how many checked items the rule applied to failed it in ``run`` (the evidence's numbers)."""
    from .evidence import summary_by_rule

    return shares_from_results(summary_by_rule(run))


def record_shares(evidence: Evidence) -> dict[str, RuleShare]:
    """The numbers frozen in a record's manifest (its ``results``), else recomputed from its run."""
    from .evidence import manifest_of

    results = manifest_of(evidence).get("results")
    if isinstance(results, dict) and "rules" in results:
        return shares_from_results(results)
    return rule_shares(evidence.run) if evidence.run is not None else {}


def pct(value: float) -> str:
    """A share as Swedish text: whole percent, or one decimal below 10 % ("0,4 %")."""
    if value and value < 9.95:
        return f"{value:.1f}".replace(".", ",") + " %"
    return f"{value:.0f} %"


def period_end(period: str, year: int) -> dt.datetime:
    """The last moment of a follow-up period: delår ends 31 August (the usual delårsbokslut), helår 31 Dec."""
    day = dt.date(year, 8, 31) if period == Period.DELAR else dt.date(year, 12, 31)
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


def _activities(activity_or_risk: ControlActivity | Risk) -> list[ControlActivity]:
    if isinstance(activity_or_risk, ControlActivity):
        return [activity_or_risk]
    return list(activity_or_risk.activities.all())


def evidence_for_period(
    activity_or_risk: ControlActivity | Risk, period: str, year: int
) -> tuple[Evidence | None, Evidence | None]:
    """The latest sealed record whose run started by the end of the period, and the sealed record before it.

    Of several versions of one run's record, the newest counts (a correction replaces the record it supersedes)."""
    end = period_end(period, year)
    sealed = list(
        Evidence.objects.filter(activity__in=_activities(activity_or_risk), status=EvidenceStatus.SEALED)
        .filter(Q(run__started__lte=end) | Q(run__isnull=True, sealed_at__lte=end))
        .select_related("run", "sealed_by")
        .order_by("-run__started", "-sealed_at", "-pk")
    )
    superseded = {e.supersedes_id for e in sealed if e.supersedes_id}
    current = [e for e in sealed if e.pk not in superseded]
    latest = current[0] if current else None
    before = current[1] if len(current) > 1 else None
    return latest, before


def _rule_titles() -> dict[str, str]:
    from ..catalogue import load

    return {rule.id: rule.title.get("sv", rule.id) for rule in load()}


def _wcag(rule: str) -> list[str]:
    from ..catalogue import load

    cat = load()
    return list(cat[rule].wcag) if rule in cat else []


def _record_ref(evidence: Evidence) -> str:
    return f"underlag nr {evidence.pk} version {evidence.version}, sigill {evidence.seal[:12]}"


def propose_comment(activity_or_risk: ControlActivity | Risk, period: str, year: int) -> str:
    """The proposed follow-up comment, or "" when there is no sealed evidence for the period."""
    latest, before = evidence_for_period(activity_or_risk, period, year)
    if latest is None or latest.run is None:
        return ""
    now = record_shares(latest)
    then = record_shares(before) if before is not None else None
    titles = _rule_titles()
    worst = sorted((s for s in now.values() if s.failed), key=lambda s: (-s.percent, s.rule))[:TOP_RULES]
    parts = []
    for share in worst:
        wcag = _wcag(share.rule)
        text = (
            f"{pct(share.percent)} av {share.checked} granskade {share.noun} bryter mot regeln "
            f"”{titles.get(share.rule, share.rule)}”" + (f" (WCAG {', '.join(wcag)})" if wcag else "")
        )
        old = then.get(share.rule) if then is not None else None
        if old is not None and old.checked:
            if round(old.percent) > round(share.percent):
                text += f", ned från {pct(old.percent)} vid förra uppföljningen"
            elif round(old.percent) < round(share.percent):
                text += f", upp från {pct(old.percent)} vid förra uppföljningen"
            else:
                text += ", oförändrat sedan förra uppföljningen"
        parts.append(text)
    checked = Item.objects.filter(run=latest.run, error_code="").count()
    if not parts:
        parts.append(
            f"De automatiska reglerna hittade inga brister bland {checked} granskade sidor och dokument"
        )
    if then is not None:
        improved = [s for r, s in then.items() if s.failed and not (now.get(r) and now[r].failed)]
        if improved:
            parts.append(
                f"{len(improved)} "
                + ("regel" if len(improved) == 1 else "regler")
                + " som hade brister vid förra uppföljningen har inga brister nu"
            )
    fixed = _fixed_count(latest.run)
    if fixed:
        parts.append(
            "1 avvikelse åtgärdad sedan förra genomsökningen"
            if fixed == 1
            else f"{fixed} avvikelser åtgärdade sedan förra genomsökningen"
        )
    sentence = "; ".join(parts) + "."
    date = timezone.localtime(latest.run.started).date().isoformat()
    source = f"Källa: automatiserad granskning {date}, {_record_ref(latest)}"
    if before is not None:
        source += f" (jämfört med {_record_ref(before)})"
    if latest.partial:
        source += "; genomsökningen var ofullständig"
    return f"{sentence} {source}."


def _fixed_count(run: CrawlRun) -> int:
    from .models import Finding

    return Finding.objects.filter(fixed_in=run).count()


def followup_hint(activity_or_risk: ControlActivity | Risk, period: str, year: int) -> dict[str, Any]:
    """What the controller needs to answer Följer plan: the records of the period, sealed and not."""
    end = period_end(period, year)
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    records = Evidence.objects.filter(activity__in=_activities(activity_or_risk)).filter(
        Q(run__started__gte=start, run__started__lte=end) | Q(run__isnull=True, created_at__gte=start)
    )
    sealed = records.filter(status=EvidenceStatus.SEALED).count()
    drafts = records.filter(status=EvidenceStatus.DRAFT).count()
    return {
        "sealed": sealed,
        "drafts": drafts,
        "text": (
            "Följer plan = Ja betyder att kontrollen har utförts: att de planerade genomsökningarna gjordes under "
            "perioden och att deras underlag har godkänts och förseglats. Resultatet hör till kommentaren. "
            f"Under perioden finns {sealed} {'förseglat' if sealed == 1 else 'förseglade'} och {drafts} ej "
            f"{'förseglat' if drafts == 1 else 'förseglade'} underlag. Om körningar saknas "
            "eller inte har förseglats ska svaret vara Nej, med skälet i kommentaren."
        ),
    }

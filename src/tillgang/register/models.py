"""Models of the register (docs/register.md, docs/evidence.md). Every change is kept by django-simple-history (who, when, what).

Crawl runs, findings across runs, evidence records, API tokens and statement decisions (issue 5) hang off
``ControlActivity`` at the end of this module.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .riskconfig import get_config

SCORE = [MinValueValidator(1), MaxValueValidator(4)]


class Board(models.Model):
    """Nämnd (or Kommunstyrelsen): the committee that owns plans."""

    name = models.CharField("namn", max_length=200, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "nämnd"
        verbose_name_plural = "nämnder"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """Internkontrollplan: a board's plan for a year, with its whole bruttolista of risks."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="plans", verbose_name="nämnd")
    year = models.PositiveSmallIntegerField("år")
    title = models.CharField("titel", max_length=300, blank=True)
    decided = models.DateField("beslutsdatum", null=True, blank=True)
    valid_until = models.DateField("giltig till", null=True, blank=True)
    delar_deadline = models.DateField(
        "sista dag för delårsuppföljningen",
        null=True,
        blank=True,
        help_text="Tom: standarddatumet i konfigurationen ([register] delar_deadline, annars 31 augusti).",
    )
    helar_deadline = models.DateField(
        "sista dag för helårsuppföljningen",
        null=True,
        blank=True,
        help_text="Tom: standarddatumet i konfigurationen ([register] helar_deadline, annars 31 januari "
        "året efter planens år).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "internkontrollplan"
        verbose_name_plural = "internkontrollplaner"
        ordering = ("-year", "board__name")
        constraints = (models.UniqueConstraint(fields=["board", "year"], name="plan_board_year"),)
        permissions = (
            ("triage_findings", "Kan bedöma avvikelser"),
            ("check_documents", "Kan granska dokument"),
        )

    def __str__(self) -> str:
        return self.title or f"{self.board} internkontrollplan {self.year}"

    def deadline(self, period: str) -> dt.date:
        """The last day of the plan's follow-up for ``period``: the plan's own date when the controller set
        one, else ``[register] delar_deadline`` of the plan's year or ``helar_deadline`` of the year after
        ("MM-DD"; defaults 08-31 and 01-31)."""
        own = self.delar_deadline if period == Period.DELAR else self.helar_deadline
        return own or default_deadline(period, self.year)


class Process(models.Model):
    """Ansvarsområde/process with the responsible office, e.g. "Kompetensförsörjning (HR)"."""

    name = models.CharField("namn", max_length=300)
    office = models.CharField("ansvarig förvaltning/kontor", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "process"
        verbose_name_plural = "processer"
        ordering = ("name", "office")
        constraints = (models.UniqueConstraint(fields=["name", "office"], name="process_name_office"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.office})" if self.office else self.name


class Handling(models.TextChoices):
    IKP = "ikp", "Granskning i internkontrollplanen"
    OTHER = "other", "Omhändertas i annan planering"
    BOTH = "both", "Både granskning och annan planering"
    ACCEPTED = "accepted", "Accepteras"


class Risk(models.Model):
    """A risk of a plan. S and K are optional: an imported plan may give only the value."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks", verbose_name="plan")
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="risks", verbose_name="process"
    )
    order = models.PositiveIntegerField("ordning", default=0)
    description = models.TextField("risk")
    likelihood = models.PositiveSmallIntegerField("sannolikhet", null=True, blank=True, validators=SCORE)
    consequence = models.PositiveSmallIntegerField("konsekvens", null=True, blank=True, validators=SCORE)
    value = models.PositiveSmallIntegerField(
        "riskvärde",
        null=True,
        blank=True,
        help_text="Räknas fram ur sannolikhet och konsekvens när båda finns.",
    )
    existing_controls = models.TextField("befintliga åtgärder/kontrollmoment", blank=True)
    handling = models.CharField("ställningstagande", max_length=10, choices=Handling.choices, blank=True)
    planning = models.TextField("planering", blank=True)
    retired = models.DateField(
        "avvecklad",
        null=True,
        blank=True,
        help_text="En avvecklad risk visas under Avvecklade på planen och följs inte upp.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "risk"
        verbose_name_plural = "risker"
        ordering = ("plan", "order", "id")

    def __str__(self) -> str:
        text = " ".join(self.description.split())
        return text if len(text) <= 80 else text[:77] + "…"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.likelihood and self.consequence:
            self.value = get_config().value(self.likelihood, self.consequence)
        if not self.order and self.plan_id:  # a risk added by hand goes last in its plan
            last = Risk.objects.filter(plan_id=self.plan_id).aggregate(models.Max("order"))["order__max"]
            self.order = (last or 0) + 1
        super().save(*args, **kwargs)

    @property
    def risk_value(self) -> int | None:
        return self.value

    @property
    def critical(self) -> bool:
        return get_config().is_critical(self.value)

    @property
    def level(self) -> str:
        return get_config().level(self.value)


class ControlActivity(models.Model):
    """Kontrollmoment: what is checked, how, how often and by whom; may be performed by tillgang (a crawl)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="activities", verbose_name="risk")
    what = models.TextField("kontrollmoment")
    method = models.CharField("kontrollmetod", max_length=300, blank=True)
    frequency = models.CharField("frekvens", max_length=100, blank=True)
    responsible = models.CharField("kontrollansvarig", max_length=200, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="control_activities",
        verbose_name="kontrollansvarig användare",
    )
    performed_by_tillgang = models.BooleanField("utförs av tillgang", default=False)
    crawl_profile = models.CharField(
        "genomsökningsprofil", max_length=200, blank=True, help_text="Namnet på profilen i tillgang.toml."
    )
    retired = models.DateField(
        "avvecklad",
        null=True,
        blank=True,
        help_text="En avvecklad kontrollaktivitet visas under Avvecklade på risken och räknas inte med.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kontrollaktivitet"
        verbose_name_plural = "kontrollaktiviteter"
        ordering = ("risk", "id")

    def __str__(self) -> str:
        return self.what[:80]


class Period(models.TextChoices):
    DELAR = "delar", "Delår"
    HELAR = "helar", "Helår"


def default_deadline(period: str, year: int) -> dt.date:
    """The configured deadline of a plan of ``year`` without its own: delår in the plan's year, helår in the
    year after."""
    conf = settings.TILLGANG_REMINDERS
    text = conf["delar_deadline"] if period == Period.DELAR else conf["helar_deadline"]
    month, day = (int(x) for x in text.split("-"))
    return dt.date(year if period == Period.DELAR else year + 1, month, day)


class FollowUp(models.Model):
    """Uppföljning of one risk for one period: Följer plan (Ja/Nej) and a comment."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="followups", verbose_name="risk")
    period = models.CharField("period", max_length=5, choices=Period.choices)
    year = models.PositiveSmallIntegerField("år")
    follows_plan = models.BooleanField("följer plan", null=True, blank=True)
    comment = models.TextField("kommentar", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="uppföljd av",
    )
    date = models.DateField("datum", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "uppföljning"
        verbose_name_plural = "uppföljningar"
        ordering = ("risk", "year", "period")
        constraints = (
            models.UniqueConstraint(fields=["risk", "period", "year"], name="followup_risk_period_year"),
        )

    def __str__(self) -> str:
        return f"{self.get_period_display()} {self.year}: {self.risk}"

    @property
    def follows_plan_text(self) -> str:
        return {True: "Ja", False: "Nej"}.get(self.follows_plan, "")


def recompute_risk_values(reason: str = "ny riskmatris i konfigurationen") -> int:
    """Recompute the value of every risk with both scores after the matrix changed; history keeps the change."""
    config = get_config()
    changed = 0
    for risk in Risk.objects.filter(likelihood__isnull=False, consequence__isnull=False):
        value = config.value(risk.likelihood, risk.consequence)
        if risk.value != value:
            risk._change_reason = reason
            risk.save()
            changed += 1
    return changed


# ---------------------------------------------------------------------------------------------------------
# Evidence from crawls, findings across runs, triage, API tokens and statement decisions (issue 5).


class RunStatus(models.TextChoices):
    COMPLETE = "complete", "Klar"
    PARTIAL = "partial", "Ofullständig"
    INTERRUPTED = "interrupted", "Avbruten"


class CrawlRun(models.Model):
    """One stored crawl run: scope, method (tool and catalogue versions, configuration), counts."""

    run_id = models.CharField("körning", max_length=100, unique=True)
    site = models.CharField("webbplats", max_length=300)
    start_urls = models.JSONField("start-URL:er", default=list)
    started = models.DateTimeField("startad")
    finished = models.DateTimeField("avslutad", null=True, blank=True)
    status = models.CharField("status", max_length=12, choices=RunStatus.choices, default=RunStatus.COMPLETE)
    tool_version = models.CharField("verktygsversion", max_length=40)
    catalogue = models.CharField("regelkatalog (sha256)", max_length=64)
    config = models.JSONField("konfiguration", default=dict)
    summary = models.JSONField("sammanfattning", default=dict)
    activity = models.ForeignKey(
        ControlActivity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name="kontrollaktivitet",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="förra körningen",
    )
    stored_at = models.DateTimeField("sparad", auto_now_add=True)

    class Meta:
        verbose_name = "genomsökning"
        verbose_name_plural = "genomsökningar"
        ordering = ("-started",)
        indexes = (models.Index(fields=["site", "started"]),)

    def __str__(self) -> str:
        from django.utils import timezone

        started = timezone.localtime(self.started) if timezone.is_aware(self.started) else self.started
        return f"{self.site} {started:%Y-%m-%d %H:%M}"


class ItemKind(models.TextChoices):
    PAGE = "page", "Sida"
    DOCUMENT = "document", "Dokument"


class Item(models.Model):
    """A page or document as fetched and checked in one run (its report entry, as the engine produced it)."""

    run = models.ForeignKey(CrawlRun, on_delete=models.CASCADE, related_name="items", verbose_name="körning")
    url = models.URLField("URL", max_length=2048)
    final_url = models.URLField("slutlig URL", max_length=2048, blank=True)
    kind = models.CharField("typ", max_length=8, choices=ItemKind.choices)
    format = models.CharField("format", max_length=8, blank=True)
    title = models.CharField("titel", max_length=500, blank=True)
    sha256 = models.CharField("sha256", max_length=64, blank=True)
    http_status = models.PositiveSmallIntegerField("HTTP-status", null=True, blank=True)
    fetched_at = models.DateTimeField("hämtad", null=True, blank=True)
    error_code = models.CharField("fel", max_length=40, blank=True)
    error_message = models.TextField("felmeddelande", blank=True)
    rules = models.JSONField("regler", default=dict)  # rule id -> outcome
    reused = models.BooleanField("återanvänt resultat", default=False)

    class Meta:
        verbose_name = "granskad sida eller dokument"
        verbose_name_plural = "granskade sidor och dokument"
        ordering = ("run", "url")
        constraints = (models.UniqueConstraint(fields=["run", "url"], name="item_run_url"),)
        indexes = (models.Index(fields=["url"]), models.Index(fields=["sha256"]))

    def __str__(self) -> str:
        return self.url


class FindingStatus(models.TextChoices):
    OPEN = "open", "Öppen"
    CONFIRMED = "confirmed", "Bekräftad"
    FALSE_POSITIVE = "false-positive", "Falskt larm"
    ACCEPTED = "accepted", "Accepterad"
    FIXED = "fixed", "Åtgärdad"


class Finding(models.Model):
    """A rule failure (or a cantTell) on one URL at one location: the same finding across runs.

    Identity is (url, rule, location_key), stored as its sha256 in ``identity`` (an index on long URLs would
    break PostgreSQL's row limit); first and last seen name runs. A later run that checks the URL
    without finding it marks it fixed. Triage (status, reason, assignee) is kept in history."""

    identity = models.CharField("identitet (sha256)", max_length=64, unique=True)
    url = models.URLField("URL", max_length=2048)
    rule = models.CharField("regel", max_length=100)
    location_key = models.CharField("plats (nyckel)", max_length=500)  # canonical JSON of the location
    location = models.JSONField("plats", default=dict)
    outcome = models.CharField("utfall", max_length=10)  # failed | cantTell
    severity = models.CharField("allvarlighet", max_length=10, blank=True)
    wcag = models.JSONField("WCAG", default=list)
    message = models.TextField("meddelande")
    format = models.CharField("format", max_length=8, blank=True)
    first_seen = models.ForeignKey(
        CrawlRun, on_delete=models.PROTECT, related_name="+", verbose_name="först sedd"
    )
    last_seen = models.ForeignKey(
        CrawlRun, on_delete=models.PROTECT, related_name="+", verbose_name="senast sedd"
    )
    fixed_in = models.ForeignKey(
        CrawlRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="åtgärdad i",
    )
    status = models.CharField(
        "status", max_length=15, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    reason = models.TextField("motivering", blank=True)
    assigned_to = models.CharField("tilldelad", max_length=200, blank=True)
    # Optimistic locking of triage: every triage adds one, and a form posted with an older version is refused.
    version = models.PositiveIntegerField("version", default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "avvikelse"
        verbose_name_plural = "avvikelser"
        ordering = ("url", "rule")
        indexes = (models.Index(fields=["rule"]), models.Index(fields=["status"]))

    def __str__(self) -> str:
        return f"{self.rule}: {self.url}"

    @staticmethod
    def identity_of(url: str, rule: str, location_key: str) -> str:
        import hashlib

        return hashlib.sha256("\x1f".join((url, rule, location_key)).encode("utf-8")).hexdigest()


class EvidenceStatus(models.TextChoices):
    DRAFT = "draft", "Utkast"
    SEALED = "sealed", "Förseglad"


class SealedError(Exception):
    """A sealed evidence record never changes: corrections are new versions."""


class Evidence(models.Model):
    """Underlag: an immutable record attached to a control activity (docs/evidence.md).

    ``manifest`` holds the canonical JSON (RFC 8785) of the record; ``seal`` is its sha256, chained to the
    previous sealed record of the same activity. Once sealed, ``save()`` and ``delete()`` refuse."""

    activity = models.ForeignKey(
        ControlActivity, on_delete=models.PROTECT, related_name="evidence", verbose_name="kontrollaktivitet"
    )
    run = models.ForeignKey(
        CrawlRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name="körning",
    )
    title = models.CharField("rubrik", max_length=300)
    version = models.PositiveIntegerField("version", default=1)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="ersätter"
    )
    partial = models.BooleanField("ofullständig körning", default=False)
    manifest = models.BinaryField("manifest (kanonisk JSON)")
    file_name = models.CharField("filnamn", max_length=300, blank=True)  # an uploaded file, if any
    file_content = models.BinaryField("fil", null=True, blank=True)
    file_sha256 = models.CharField("filens sha256", max_length=64, blank=True)
    status = models.CharField(
        "status", max_length=6, choices=EvidenceStatus.choices, default=EvidenceStatus.DRAFT
    )
    seal = models.CharField("sigill (sha256)", max_length=64, blank=True)
    previous_seal = models.CharField("föregående sigill", max_length=64, blank=True)
    sealed_at = models.DateTimeField("förseglad", null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="förseglad av",
    )
    created_at = models.DateTimeField("skapad", auto_now_add=True)

    class Meta:
        verbose_name = "underlag"
        verbose_name_plural = "underlag"
        ordering = ("activity", "-created_at")
        permissions = (("seal_evidence", "Kan godkänna och försegla underlag"),)

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            stored = Evidence.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == EvidenceStatus.SEALED:
                raise SealedError("ett förseglat underlag kan inte ändras; skapa en ny version")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        if self.status == EvidenceStatus.SEALED:
            raise SealedError("ett förseglat underlag kan inte tas bort")
        return super().delete(*args, **kwargs)


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only its sha256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="användare",
    )
    key_sha256 = models.CharField("nyckel (sha256)", max_length=64, unique=True)
    name = models.CharField("namn", max_length=200, blank=True)
    created = models.DateTimeField("skapad", auto_now_add=True)
    last_used = models.DateTimeField("senast använd", null=True, blank=True)
    revoked = models.BooleanField("återkallad", default=False)

    class Meta:
        verbose_name = "API-nyckel"
        verbose_name_plural = "API-nycklar"

    def __str__(self) -> str:
        return f"{self.user} {self.name}".strip()


class DecisionKind(models.TextChoices):
    STATUS = "status", "Förenlighetsstatus"
    EXEMPT = "9", "Omfattas inte av lagen (9 §)"
    BURDEN = "12", "Oskäligt betungande anpassning (12 §)"


class StatementDecision(models.Model):
    """A named person's decision for the accessibility statement: the status, an exemption, a burden claim.

    An exemption is tied to a file's sha256: a changed or republished file makes it lapse."""

    kind = models.CharField("typ", max_length=6, choices=DecisionKind.choices)
    subject = models.CharField("gäller", max_length=500)  # title or URL; for the status: delvis | inte
    url = models.URLField("URL", max_length=2048, blank=True)
    sha256 = models.CharField("sha256", max_length=64, blank=True)
    reason = models.TextField("skäl")
    decided_by = models.CharField("beslutad av", max_length=200)
    decided_on = models.DateField("beslutsdatum")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="registrerad av",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "beslut för tillgänglighetsredogörelsen"
        verbose_name_plural = "beslut för tillgänglighetsredogörelsen"
        ordering = ("-decided_on",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_text}"

    @property
    def subject_text(self) -> str:
        """What the decision is about, in words: "Delvis förenlig" for the status value "delvis"."""
        if self.kind == DecisionKind.STATUS:
            return {"delvis": "Delvis förenlig", "inte": "Inte förenlig"}.get(self.subject, self.subject)
        return self.subject


class FindingScreenshot(models.Model):
    """A PNG of the element of a finding (a rendered crawl's cantTell, issue 11), stored with the finding.

    One per finding: a later run's picture replaces the earlier one, so storing a run again adds nothing. The
    bytes are in the database (a few kB each, capped when stored), which works alike on SQLite and PostgreSQL."""

    finding = models.OneToOneField(
        Finding, on_delete=models.CASCADE, related_name="screenshot", verbose_name="avvikelse"
    )
    png = models.BinaryField("bild (PNG)")
    sha256 = models.CharField("sha256", max_length=64)
    run = models.ForeignKey(
        CrawlRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="körning"
    )

    class Meta:
        verbose_name = "skärmbild av avvikelse"
        verbose_name_plural = "skärmbilder av avvikelser"

    def __str__(self) -> str:
        return f"skärmbild {self.finding_id}"


class CheckResult(models.Model):
    """A check done by a distributed worker (issue 6), stored in the shared database.

    Keyed by (run, URL, sha256): a task delivered twice (a worker died after checking, before acknowledging)
    writes the same row again, never a second one."""

    run_id = models.CharField("körning", max_length=100)
    url = models.URLField("URL", max_length=2048)
    sha256 = models.CharField("sha256", max_length=64)
    entry = models.JSONField("rapport")
    worker = models.CharField("arbetare", max_length=200, blank=True)
    checked_at = models.DateTimeField("kontrollerad", auto_now=True)

    class Meta:
        verbose_name = "kontrollresultat från arbetare"
        verbose_name_plural = "kontrollresultat från arbetare"
        constraints = (
            models.UniqueConstraint(fields=["run_id", "url", "sha256"], name="checkresult_run_url_sha"),
        )

    def __str__(self) -> str:
        return f"{self.run_id} {self.url}"


class EvidenceCheckpoint(models.Model):
    """The append-only checkpoint log of sealing (issue 14): one row per seal, written in the seal's transaction.

    ``mac`` is an HMAC (keyed by the secret key) over (record, activity, seal, previous seal). Someone who can
    write to the database but does not have the secret key can rewrite a record and its seal, and re-seal the
    records after it, but cannot write a matching checkpoint, so ``evidence.verify`` notices. Database triggers
    refuse updates, and deletions of a sealed record's checkpoint (see migration 0005)."""

    record = models.BigIntegerField("underlag")  # no foreign key: the log outlives a removed record
    activity = models.BigIntegerField("kontrollaktivitet")
    seal = models.CharField("sigill (sha256)", max_length=64)
    previous_seal = models.CharField("föregående sigill", max_length=64, blank=True)
    created = models.DateTimeField("skriven", auto_now_add=True)
    mac = models.CharField("HMAC-SHA256", max_length=64)

    class Meta:
        verbose_name = "kontrollpunkt för försegling"
        verbose_name_plural = "kontrollpunkter för försegling"
        ordering = ("pk",)
        indexes = (models.Index(fields=["record"]),)

    def __str__(self) -> str:
        return f"underlag {self.record}: {self.seal[:12]}"


class ReminderKind(models.TextChoices):
    DUE = "followup-due", "Uppföljning snart"
    OVERDUE = "followup-overdue", "Uppföljning försenad"
    FINDING = "finding", "Tilldelad avvikelse"
    RUN = "crawl-run", "Ny genomsökning med nya avvikelser"


class ReminderSent(models.Model):
    """The sent-log of ``tillgang register remind`` (issue 12): one row per reminder a user was mailed.

    Keyed by (user, kind, object, key): a reminder already in the log is never sent again. ``key`` is the period
    and deadline of a follow-up ("delar-2024@2024-08-31"), what the finding was assigned to, or empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="användare"
    )
    kind = models.CharField("typ", max_length=20, choices=ReminderKind.choices)
    obj = models.CharField("gäller", max_length=40)  # "risk:12", "finding:5", "run:7"
    key = models.CharField("nyckel", max_length=250, blank=True)
    sent_at = models.DateTimeField("skickad", auto_now_add=True)

    class Meta:
        verbose_name = "skickad påminnelse"
        verbose_name_plural = "skickade påminnelser"
        ordering = ("-sent_at",)
        constraints = (
            models.UniqueConstraint(fields=["user", "kind", "obj", "key"], name="remindersent_unique"),
        )

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.obj} {self.key}".strip()


class UserAction(models.TextChoices):
    CREATED = "created", "Skapad och inbjuden"
    INVITED = "invited", "Ny inbjudan skickad"
    ROLES = "roles", "Roller ändrade"
    DETAILS = "details", "Uppgifter ändrade"
    DEACTIVATED = "deactivated", "Inaktiverad"
    ACTIVATED = "activated", "Aktiverad igen"
    PASSWORD = "password", "Lösenord bytt"
    PASSWORD_RESET = "password-reset", "Lösenord återställt via e-post"


class UserEvent(models.Model):
    """The log of user administration (issue 12): who changed which user, when and what.

    Users are never deleted (the history of the register names them), so ``user`` is protected; ``actor`` is
    empty for a change the user made through a reset link without being logged in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="användare"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="utförd av",
    )
    action = models.CharField("händelse", max_length=20, choices=UserAction.choices)
    detail = models.TextField("vad", blank=True)
    at = models.DateTimeField("när", auto_now_add=True)

    class Meta:
        verbose_name = "händelse i användaradministrationen"
        verbose_name_plural = "händelser i användaradministrationen"
        ordering = ("-at", "-pk")
        permissions = (("manage_users", "Kan hantera användare och roller"),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user}: {self.get_action_display()}"

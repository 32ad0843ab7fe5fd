"""Models of the register (design §6). Every change is kept by django-simple-history (who, when, what).

Evidence and findings (issue 5) will hang off ``ControlActivity``; nothing here needs to change for that.
"""

from __future__ import annotations

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
    performed_by_tillgang = models.BooleanField("utförs av tillgang", default=False)
    crawl_profile = models.CharField(
        "genomsökningsprofil", max_length=200, blank=True, help_text="Namnet på profilen i tillgang.toml."
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

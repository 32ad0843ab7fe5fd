from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from .models import FollowUp, Handling, Plan, Risk
from .riskconfig import get_config

_CHOICES = [("ja", "Ja"), ("nej", "Nej")]


class FollowUpForm(forms.ModelForm):
    follows = forms.ChoiceField(
        label="Följer plan",
        choices=_CHOICES,
        widget=forms.RadioSelect,
        required=True,
        error_messages={"required": "Välj Ja eller Nej."},
    )

    class Meta:
        model = FollowUp
        fields = ("comment",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comment = self.fields["comment"]
        comment.label = "Kommentar"
        comment.help_text = "Beskriv genomförda och planerade aktiviteter. En tom rad skiljer stycken åt."
        if self.instance.follows_plan is not None:
            self.initial["follows"] = "ja" if self.instance.follows_plan else "nej"

    def save(self, commit: bool = True) -> FollowUp:
        self.instance.follows_plan = self.cleaned_data["follows"] == "ja"
        return super().save(commit)


def _score_choices(labels: tuple[str, ...]) -> list[tuple[str, str]]:
    return [("", "Ej bedömd")] + [(str(i), f"{i} – {label}") for i, label in enumerate(labels, start=1)]


class RiskForm(forms.ModelForm):
    """The controller's assessment of a risk: S and K with the scale's descriptors, handling and texts."""

    class Meta:
        model = Risk
        fields = ("likelihood", "consequence", "handling", "planning", "existing_controls")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        config = get_config()
        for name, labels in (
            ("likelihood", config.likelihood_labels),
            ("consequence", config.consequence_labels),
        ):
            field = forms.TypedChoiceField(
                label=self.fields[name].label.capitalize() if self.fields[name].label else name,
                choices=_score_choices(labels),
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[name] = field
        self.fields["handling"].label = "Ställningstagande"
        self.fields["handling"].choices = [("", "Ej angivet"), *Handling.choices]
        self.fields["planning"].label = "Planering"
        self.fields["existing_controls"].label = "Befintliga åtgärder/kontrollmoment"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("likelihood") is None) != (data.get("consequence") is None):
            raise forms.ValidationError("Ange både sannolikhet och konsekvens, eller ingen av dem.")
        return data


def deadline_fields(form: forms.BaseForm, plan: Plan | None) -> None:
    """Labels and help of the follow-up deadlines, naming the date that applies when the field is left empty."""
    from .models import Period, default_deadline

    for name, period, word in (
        ("delar_deadline", str(Period.DELAR), "delårsuppföljningen"),
        ("helar_deadline", str(Period.HELAR), "helårsuppföljningen"),
    ):
        field = form.fields[name]
        field.label = f"Sista dag för {word} (ÅÅÅÅ-MM-DD)"
        field.help_text = "Lämna tom för standarddatumet i konfigurationen" + (
            f" ({default_deadline(period, plan.year):%Y-%m-%d})." if plan is not None and plan.year else "."
        )


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ("title", "decided", "valid_until", "delar_deadline", "helar_deadline")
        widgets: ClassVar[dict[str, Any]] = {
            "decided": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "delar_deadline": forms.DateInput(attrs={"type": "date"}),
            "helar_deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].label = "Titel"
        self.fields["decided"].label = "Beslutsdatum (ÅÅÅÅ-MM-DD)"
        self.fields["valid_until"].label = "Giltig till (ÅÅÅÅ-MM-DD)"
        deadline_fields(self, self.instance)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        delar, helar = data.get("delar_deadline"), data.get("helar_deadline")
        if delar and helar and helar < delar:
            self.add_error(
                "helar_deadline", "Helårsuppföljningen kan inte vara klar före delårsuppföljningen."
            )
        return data

"""Forms of the plan year (issue 12): a new plan, a copied plan, a risk with its process and text, retiring a
risk, and a control activity with its responsible user."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model

from .forms import RiskForm, deadline_fields
from .models import Board, ControlActivity, Plan, Process, Risk

_DATE = forms.DateInput(attrs={"type": "date"})
YEARS = {"min_value": 1990, "max_value": 2200}


def _dates(form: forms.Form) -> None:
    form.fields["decided"].label = "Beslutsdatum (ÅÅÅÅ-MM-DD)"
    form.fields["valid_until"].label = "Giltig till (ÅÅÅÅ-MM-DD)"


class NewPlanForm(forms.ModelForm):
    """A plan from scratch: board, year and dates. The board's plan for that year must not exist."""

    class Meta:
        model = Plan
        # the board is chosen or named by the form's own fields and set in save(): a new one has no row yet
        fields = ("year", "title", "decided", "valid_until", "delar_deadline", "helar_deadline")
        widgets: ClassVar[dict[str, Any]] = {
            "decided": _DATE,
            "valid_until": _DATE,
            "delar_deadline": _DATE,
            "helar_deadline": _DATE,
        }

    board = forms.ModelChoiceField(queryset=Board.objects.none(), required=False)
    new_board = forms.CharField(
        label="Eller en ny nämnd",
        max_length=200,
        required=False,
        help_text="Skriv nämndens namn om den inte finns i listan, till exempel ”Socialnämnden”.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].label = "Nämnd"
        self.fields["board"].queryset = Board.objects.order_by("name")
        self.fields["board"].empty_label = "Välj nämnd"
        self.order_fields(["board", "new_board", "year"])
        self.fields["year"] = forms.IntegerField(label="År", **YEARS)
        self.fields["title"].label = "Titel"
        self.fields["title"].help_text = "Lämna tom för ”<nämnd> internkontrollplan <år>”."
        _dates(self)
        deadline_fields(self, None)

    def clean(self) -> dict[str, Any]:
        """A board from the list or a new one by name (an existing name is that board)."""
        data = super().clean() or {}
        name = " ".join((data.get("new_board") or "").split())
        if name and data.get("board"):
            raise forms.ValidationError("Välj en nämnd eller skriv en ny, inte båda.")
        if name:
            data["board"] = Board.objects.filter(name__iexact=name).first() or Board(name=name)
        elif not data.get("board"):
            self.add_error("board", "Välj en nämnd eller skriv namnet på en ny.")
        return data

    def save(self, commit: bool = True) -> Plan:
        board = self.cleaned_data["board"]
        if board.pk is None:  # a new board, saved with its plan (the view wraps both in one transaction)
            board.save()
        self.instance.board = board
        return super().save(commit)

    def validate_unique(self) -> None:
        """The board-and-year constraint in Swedish (the model's own message is English)."""
        from .planyear import plan_exists_message

        board, year = self.cleaned_data.get("board"), self.cleaned_data.get("year")
        if board and board.pk and year and Plan.objects.filter(board=board, year=year).exists():
            self.add_error("year", plan_exists_message(board, year))


class CopyPlanForm(forms.Form):
    year = forms.IntegerField(label="År för den nya planen", **YEARS)
    decided = forms.DateField(required=False, widget=_DATE)
    valid_until = forms.DateField(required=False, widget=_DATE)

    def __init__(self, *args: Any, source: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["year"].initial = source.year + 1
        _dates(self)

    def clean_year(self) -> int:
        from .planyear import plan_exists_message

        year: int = self.cleaned_data["year"]
        if Plan.objects.filter(board=self.source.board, year=year).exists():
            raise forms.ValidationError(plan_exists_message(self.source.board, year))
        return year


class RiskFullForm(RiskForm):
    """A risk with its process and text (a new risk, or changing the text of one)."""

    new_process = forms.CharField(label="Eller en ny process", max_length=300, required=False)
    new_office = forms.CharField(
        label="Den nya processens ansvariga förvaltning", max_length=200, required=False
    )

    class Meta:
        model = Risk
        fields = (
            "process",
            "description",
            "likelihood",
            "consequence",
            "handling",
            "planning",
            "existing_controls",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        process = self.fields["process"]
        process.label = "Process"
        process.required = False
        process.queryset = Process.objects.order_by("name", "office")
        process.empty_label = "Välj process"
        self.fields["description"].label = "Risk att …"
        self.fields[
            "description"
        ].help_text = "Beskriv risken, till exempel ”Risk att beslut fattas utan underlag”."
        self.order_fields(["process", "new_process", "new_office", "description"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name = (data.get("new_process") or "").strip()
        if name and data.get("process"):
            raise forms.ValidationError("Välj en process eller skriv en ny, inte båda.")
        if not name and not data.get("process"):
            self.add_error("process", "Välj en process eller skriv namnet på en ny.")
        return data

    def save(self, commit: bool = True) -> Risk:
        name = (self.cleaned_data.get("new_process") or "").strip()
        if name:
            office = (self.cleaned_data.get("new_office") or "").strip()
            self.instance.process, _ = Process.objects.get_or_create(name=name, office=office)
        return super().save(commit)


class RetireRiskForm(forms.Form):
    reason = forms.CharField(
        label="Skäl",
        max_length=300,
        required=False,
        help_text="Sparas i historiken, till exempel ”ingår i R3”.",
    )


class ActivityForm(forms.ModelForm):
    class Meta:
        model = ControlActivity
        fields = (
            "what",
            "method",
            "frequency",
            "responsible_user",
            "responsible",
            "performed_by_tillgang",
            "crawl_profile",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "what": "Kontrollmoment",
            "method": "Kontrollmetod",
            "frequency": "Frekvens",
            "responsible_user": "Kontrollansvarig (användare)",
            "responsible": "Kontrollansvarig (namn eller funktion)",
            "performed_by_tillgang": "Utförs av tillgang (genomsökning)",
            "crawl_profile": "Genomsökningsprofil",
        }
        for name, label in labels.items():
            self.fields[name].label = label
        user = self.fields["responsible_user"]
        user.queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        user.empty_label = "Ingen vald"
        user.help_text = "Användaren ser risken under Mina uppgifter när en uppföljning ska göras."

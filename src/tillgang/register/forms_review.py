"""Forms of the review pages: finding filters, triage (one or many), evidence versions, statement decisions."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from .models import CrawlRun, DecisionKind, FindingStatus, StatementDecision

__all__ = [
    "BulkTriageForm",
    "DecisionForm",
    "FindingFilterForm",
    "NewVersionForm",
    "StatementInfoForm",
    "TriageForm",
]

_LABELS = dict(FindingStatus.choices)
TRIAGE_CHOICES = [
    ("", "Oförändrad"),
    *((s, _LABELS[s]) for s in ("confirmed", "false-positive", "accepted")),
    ("open", "Öppen (återställ)"),
]


class FindingFilterForm(forms.Form):
    """GET filters of the findings list; every field is optional."""

    regel = forms.ChoiceField(label="Regel", required=False)
    wcag = forms.ChoiceField(label="WCAG-kriterium", required=False)
    format = forms.ChoiceField(label="Format", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Alla"), *FindingStatus.choices])
    avsnitt = forms.CharField(
        label="Del av webbplatsen",
        required=False,
        max_length=500,
        help_text="Början av sökvägen, t.ex. /kommun-och-politik/, eller en hel adress.",
    )
    korning = forms.ModelChoiceField(
        label="Genomsökning",
        required=False,
        queryset=CrawlRun.objects.order_by("-started"),
        empty_label="Alla",
    )
    sok = forms.CharField(
        label="Sök",
        required=False,
        max_length=200,
        help_text="Text i adressen, meddelandet, regelns namn eller tilldelningen.",
    )
    sortera = forms.ChoiceField(
        label="Sortera efter",
        required=False,
        choices=[
            ("", "Adress"),
            ("allvarlighet", "Allvarlighetsgrad (allvarligast först)"),
            ("regel", "Regel"),
            ("senast", "Senast sedd (senaste först)"),
            ("forst", "Först sedd (senaste först)"),
        ],
    )
    andring = forms.ChoiceField(
        label="Förändring i genomsökningen",
        required=False,
        choices=[
            ("", "Alla som fanns i genomsökningen"),
            ("ny", "Nya i genomsökningen"),
            ("atgardad", "Åtgärdade i genomsökningen"),
        ],
        help_text="Gäller den valda genomsökningen, eller den senaste när ingen är vald, jämfört med "
        "genomsökningen före den.",
    )

    def __init__(self, *args: Any, rules: list[str], criteria: list[str], formats: list[str], **kw: Any):
        if (
            args and args[0] is not None
        ):  # "status=öppen" (the Swedish label, as docs/review.md says) is "open"
            params = args[0].copy()
            labels = {str(label).lower(): value for value, label in FindingStatus.choices}
            status = str(params.get("status") or "").strip().lower()
            if status in labels:
                params["status"] = labels[status]
            args = (params, *args[1:])
        super().__init__(*args, **kw)
        from .findings_export import rule_title

        titled = sorted(((r, f"{rule_title(r)} ({r})") for r in rules), key=lambda c: c[1].lower())
        self.fields["regel"].choices = [("", "Alla"), *titled]
        self.fields["wcag"].choices = [("", "Alla")] + [(c, c) for c in criteria]
        self.fields["format"].choices = [("", "Alla")] + [(f, f) for f in formats]

    def valid_filters(self) -> dict[str, Any]:
        """The filters that are valid: an unknown value in one field never drops the others."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)

    def problems(self) -> list[str]:
        """One Swedish sentence per filter that was not used, naming the field and the value."""
        if not self.is_bound:
            return []
        out = []
        for name in self.errors:
            if name in self.fields:
                value = self.data.get(name, "")
                out.append(f"{self.fields[name].label}: värdet ”{value}” finns inte och användes inte.")
        return out


class TriageForm(forms.Form):
    status = forms.ChoiceField(label="Ny status", choices=TRIAGE_CHOICES, required=False)
    reason = forms.CharField(
        label="Motivering",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Krävs när avvikelsen accepteras.",
    )
    assigned_to = forms.CharField(
        label="Tilldela person eller enhet",
        required=False,
        max_length=200,
        help_text="Lämna tomt för att behålla nuvarande tilldelning.",
    )
    # the finding's version when the form was shown: a triage saved since then refuses this one
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == FindingStatus.ACCEPTED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Skriv varför avvikelsen accepteras.")
        if not data.get("status") and not (data.get("assigned_to") or "").strip():
            raise forms.ValidationError("Välj en ny status eller ange vem avvikelsen tilldelas.")
        return data


class BulkTriageForm(TriageForm):
    ids = forms.TypedMultipleChoiceField(
        label="Valda avvikelser",
        coerce=int,
        error_messages={"required": "Markera minst en avvikelse."},
    )

    def __init__(self, *args: Any, choices: list[int], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["ids"].choices = [(str(i), str(i)) for i in choices]


class NewVersionForm(forms.Form):
    reason = forms.CharField(
        label="Varför behövs en ny version?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "Skriv vad som rättas i den nya versionen."},
    )


STATUS_SUBJECTS = [("delvis", "Delvis förenlig"), ("inte", "Inte förenlig")]


class DecisionForm(forms.ModelForm):
    """A named person's decision. The status can only be delvis or inte: the draft never claims full conformance."""

    status_value = forms.ChoiceField(
        label="Förenlighetsstatus (gäller beslut om status)",
        choices=[("", "–"), *STATUS_SUBJECTS],
        required=False,
    )

    url = forms.URLField(label="Dokumentets adress", required=False, max_length=2048, assume_scheme="https")

    class Meta:
        model = StatementDecision
        fields = ("kind", "subject", "url", "sha256", "reason", "decided_by", "decided_on")
        widgets: ClassVar[dict[str, Any]] = {
            "reason": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            "decided_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].required = False
        self.fields["subject"].label = "Gäller (dokumentets titel eller adress)"
        self.fields["url"].label = "Dokumentets adress"
        self.fields["sha256"].label = "Dokumentets sha256"
        self.fields["sha256"].help_text = (
            "Lämna tomt för att hämta det från den senaste genomsökningen av adressen. Ett undantag gäller bara "
            "exakt det innehållet: ändras filen upphör undantaget."
        )
        self.fields["decided_by"].label = "Beslutad av (namn)"
        self.fields["decided_on"].label = "Beslutsdatum"
        self.fields["reason"].label = "Skäl"

    def clean(self) -> dict[str, Any]:
        from .models import Item

        data = super().clean() or {}
        kind = data.get("kind")
        if kind == DecisionKind.STATUS:
            value = data.get("status_value") or (data.get("subject") or "").strip()
            if value not in dict(STATUS_SUBJECTS):
                self.add_error(
                    "status_value",
                    "Välj delvis eller inte förenlig. Utkastet kan aldrig ange helt förenlig.",
                )
            else:
                data["subject"] = value
                data["url"] = ""
                data["sha256"] = ""
        elif kind in (DecisionKind.EXEMPT, DecisionKind.BURDEN):
            url = (data.get("url") or "").strip()
            if not url:
                self.add_error("url", "Ange dokumentets adress.")
            sha = (data.get("sha256") or "").strip().lower()
            if url and not sha:
                item = Item.objects.filter(url=url).exclude(sha256="").order_by("-run__started").first()
                sha = item.sha256 if item else ""
                if not sha:
                    self.add_error(
                        "sha256", "Ingen genomsökning har hämtat adressen: ange dokumentets sha256."
                    )
            if sha and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
                self.add_error("sha256", "En sha256 är 64 hexadecimala tecken.")
            data["sha256"] = sha
            if not (data.get("subject") or "").strip():
                data["subject"] = url
        return data


class StatementInfoForm(forms.Form):
    """Who publishes the statement and how to reach them (defaults from [statement] in tillgang.toml)."""

    organisation = forms.CharField(label="Organisation", max_length=300, required=False)
    service = forms.CharField(label="Webbplats eller tjänst", max_length=300, required=False)
    contact = forms.CharField(
        label="Kontaktvägar för att rapportera brister",
        max_length=1000,
        required=False,
        help_text="T.ex. e-postadress och telefonnummer. Krävs i redogörelsen.",
    )
    feedback_url = forms.URLField(
        label="Adress till formulär för synpunkter", required=False, assume_scheme="https"
    )

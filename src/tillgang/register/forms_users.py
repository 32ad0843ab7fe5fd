"""Forms of user administration (issue 12): a new user (invited by e-mail), a user's details and roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Case, IntegerField, Value, When

from .roles import ROLES, role_label


def _roles_field() -> forms.ModelMultipleChoiceField:
    field = forms.ModelMultipleChoiceField(
        label="Roller",
        queryset=Group.objects.filter(name__in=ROLES).order_by(  # as roles.py lists them, admin first
            Case(*(When(name=n, then=Value(i)) for i, n in enumerate(ROLES)), output_field=IntegerField())
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="En användare utan roll kan logga in men inte se något i registret.",
    )
    field.label_from_instance = lambda group: role_label(group.name)
    return field


class UserForm(forms.ModelForm):
    """Name, e-mail address and roles of a user. The user name is set once, when the user is created."""

    roles = forms.ModelMultipleChoiceField(queryset=Group.objects.none())

    class Meta:
        model = get_user_model()
        fields = ("first_name", "last_name", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].label = "Förnamn"
        self.fields["last_name"].label = "Efternamn"
        self.fields["email"].label = "E-postadress"
        self.fields["email"].required = True
        self.fields["email"].help_text = "Inbjudan, påminnelser och länkar för nytt lösenord skickas hit."
        self.fields["roles"] = _roles_field()
        if self.instance.pk is not None:
            self.initial["roles"] = list(self.instance.groups.filter(name__in=ROLES))

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        others = get_user_model().objects.filter(email__iexact=email)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("En annan användare har redan den e-postadressen.")
        return email


class NewUserForm(UserForm):
    username = forms.RegexField(
        label="Användarnamn",
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": "Använd bara bokstäver, siffror och tecknen . @ + - _"},
        help_text="Det namn användaren loggar in med. Det kan inte ändras senare.",
    )

    field_order = ("username", "first_name", "last_name", "email", "roles")

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("Det användarnamnet finns redan.")
        return name


class ConfirmForm(forms.Form):
    """A form with only its button (and the CSRF token): deactivating, activating, inviting again."""

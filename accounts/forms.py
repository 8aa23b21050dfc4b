"""Forms of the accounts app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import ALL_ROLES


class AccountForm(forms.ModelForm):
    """The employee's own name and preferred language."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]


class InvitationForm(forms.Form):
    """HR invites one person with their roles."""

    email = forms.EmailField(label=_("E-mail"))
    roles = forms.MultipleChoiceField(
        choices=[(r, r) for r in ALL_ROLES],
        initial=["Learner"],
        widget=forms.CheckboxSelectMultiple,
        label=_("Roles"),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exclude(password__startswith="!").exists():
            raise forms.ValidationError(_("This person already has an account."))
        return email

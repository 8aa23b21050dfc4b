"""Forms learners fill in on lesson pages, and HR's certificate correction."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REFLECTION_MAX_LENGTH = 5000


class ReflectionForm(forms.Form):
    """A learner's private answer to a reflection prompt (empty deletes it)."""

    text = forms.CharField(
        max_length=REFLECTION_MAX_LENGTH, required=False, widget=forms.Textarea, label=_("Answer")
    )


class CertificateNameForm(forms.Form):
    """HR corrects the name on an issued certificate."""

    learner_name = forms.CharField(
        max_length=200,
        label=_("Name on the certificate"),
        help_text=_("As on HR's records; the PDF and the public verification show it."),
    )

    def clean_learner_name(self) -> str:
        from .services import CertificateNameError, clean_certificate_name

        try:
            return clean_certificate_name(self.cleaned_data["learner_name"])
        except CertificateNameError as error:
            raise forms.ValidationError(str(error)) from error


class CertificateSearchForm(forms.Form):
    """HR's search of issued certificates."""

    q = forms.CharField(required=False, max_length=200, label=_("Name, e-mail, course or code"))

"""Forms learners fill in on lesson pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REFLECTION_MAX_LENGTH = 5000


class ReflectionForm(forms.Form):
    """A learner's private answer to a reflection prompt (empty deletes it)."""

    text = forms.CharField(
        max_length=REFLECTION_MAX_LENGTH, required=False, widget=forms.Textarea, label=_("Answer")
    )

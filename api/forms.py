"""HR's forms for API tokens and webhook endpoints."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Access, ResourceFamily, WebhookEndpoint, WebhookEvent


class TokenForm(forms.Form):
    """Name, lifetime, rate limit and one access level per resource family."""

    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("Which system uses it, e.g. 'HR system'.")
    )
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=730, initial=365
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Requests per minute"), min_value=1, max_value=6000, initial=120
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for family in ResourceFamily:
            self.fields[f"scope_{family.value}"] = forms.ChoiceField(
                label=family.label, choices=Access.choices, required=False
            )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"scope_{family.value}") for family in ResourceFamily):
            raise forms.ValidationError(_("Give the token access to at least one area."))
        return cleaned

    def scopes(self) -> dict[str, str]:
        return {
            family.value: self.cleaned_data[f"scope_{family.value}"]
            for family in ResourceFamily
            if self.cleaned_data.get(f"scope_{family.value}")
        }


class WebhookEndpointForm(forms.ModelForm):
    """Where to send which events."""

    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("HTTPS address that receives events."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events"]

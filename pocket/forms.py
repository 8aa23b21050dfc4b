"""The phone app's settings form: which messages come by push, and the quiet hours."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind


class PushPreferencesForm(forms.Form):
    """Per kind of message: by push (on devices with reminders on) or by e-mail; quiet hours."""

    push_kinds = forms.MultipleChoiceField(
        label=_("By push on my devices (the rest by e-mail)"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Without a device with reminders on, or when a device is no longer reachable, these "
            "come by e-mail. The CX-Minute reminder comes only by push."
        ),
    )
    quiet_from = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "No push arrives in these hours: what comes in them is delivered when they end. "
            "Leave both empty for no quiet hours."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("quiet_from"), data.get("quiet_until")
        if (start is None) != (end is None) and not self.errors:
            raise forms.ValidationError(
                _("Give both the start and the end of the quiet hours, or neither.")
            )
        if start is not None and start == end:
            raise forms.ValidationError(_("Quiet hours must start and end at different times."))
        return data

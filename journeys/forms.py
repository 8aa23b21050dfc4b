"""Forms of the journey-map exercise."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Touchpoint

EMOTIONS = [(2, "+2 😀"), (1, "+1 🙂"), (0, "0 😐"), (-1, "−1 🙁"), (-2, "−2 😠")]


class TouchpointForm(forms.ModelForm):
    """Add or edit one touchpoint; phase and channel choices come from the exercise."""

    emotion = forms.TypedChoiceField(
        choices=EMOTIONS,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        label=_("Customer emotion"),
    )

    class Meta:
        model = Touchpoint
        fields = [
            "phase",
            "name",
            "channel",
            "customer_wants",
            "what_happens",
            "emotion",
            "is_friction",
        ]

    def __init__(self, *args, exercise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"] = forms.TypedChoiceField(
            choices=list(enumerate(exercise.phases)), coerce=int, label=_("Phase")
        )
        self.fields["channel"] = forms.ChoiceField(
            choices=[("", "—")] + [(c, c) for c in exercise.channels],
            required=False,
            label=_("Channel"),
        )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

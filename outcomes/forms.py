"""Forms of the outcomes app: the course survey, figure uploads, new figures, the page filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Metric

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class FeedbackForm(forms.Form):
    """The short survey after a course (every question but the rating is optional)."""

    rating = forms.TypedChoiceField(
        label=_("How useful was this course for your work?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not useful, 5 = very useful"),
    )
    recommend = forms.TypedChoiceField(
        label=_("How likely are you to recommend this course to a colleague?"),
        choices=[("", _("No answer"))] + [(n, str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("0 = not at all likely, 10 = extremely likely"),
    )
    change_tomorrow = forms.CharField(
        label=_("What will you do differently tomorrow?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell the authors?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        for key in ("change_tomorrow", "comment"):
            if "\x00" in data.get(key, ""):
                self.add_error(key, _("The text contains characters that cannot be stored."))
        return data


class FigureUploadForm(forms.Form):
    """A CSV or Excel file of monthly figures."""

    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_("Columns: Monat, Standort or Abteilung, then one column per figure."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class MetricForm(forms.ModelForm):
    """A custom figure HR wants to track."""

    class Meta:
        model = Metric
        fields = ["code", "name_de", "name_en", "unit", "higher_is_better"]


class OutcomesFilterForm(forms.Form):
    """Which units, which figure, how far back."""

    kind = forms.ChoiceField(
        label=_("Units"),
        choices=[("location", _("Locations")), ("department", _("Departments"))],
        required=False,
    )
    metric = forms.ModelChoiceField(
        label=_("Figure"), queryset=Metric.objects.all(), required=False, empty_label=None
    )
    months = forms.TypedChoiceField(
        label=_("Period"),
        choices=[(6, _("6 months")), (12, _("12 months")), (24, _("24 months"))],
        coerce=int,
        required=False,
    )

    def values(self) -> tuple[str, Metric | None, int]:
        """The chosen (or default) kind, figure and number of months."""
        data = self.cleaned_data if self.is_valid() else {}
        metric = data.get("metric") or Metric.objects.first()
        return data.get("kind") or "location", metric, data.get("months") or 12

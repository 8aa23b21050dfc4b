"""HR's form for assigning mandatory training to many people at once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale

from core.forms import id_safe_formfield
from curriculum.models import CoursePage, LearningPathPage
from people.models import Department, Location, StaffRole, Team

from .models import AssignmentRule, TargetKind

FILTER_FIELDS = ["department", "location", "team", "staff_role", "hired_from", "hired_until"]


class AssignmentRuleForm(forms.ModelForm):
    """A course or learning path for the people matching the filters (or a search), with a due
    date and a grace period. Posted once to see the count, then again with `confirm`."""

    search = forms.CharField(
        label=_("Name or e-mail contains"),
        required=False,
        max_length=100,
        help_text=_(
            "Only the people found now (not future hires). Leave empty to assign by the filters, "
            "which also applies to people who join later."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        formfield_callback = id_safe_formfield
        model = AssignmentRule
        fields = [
            "course",
            "learning_path",
            *FILTER_FIELDS,
            "due_date",
            "due_days_after_hire",
            "grace_days",
        ]
        labels = {
            "course": _("Course"),
            "learning_path": _("Learning path"),
            "department": _("Department (incl. sub-departments)"),
            "location": _("Location"),
            "team": _("Team"),
            "staff_role": _("Staff role"),
            "hired_from": _("Hired on or after"),
            "hired_until": _("Hired on or before"),
            "due_date": _("Due date"),
            "due_days_after_hire": _("Due … days after hire"),
            "grace_days": _("Grace period (days)"),
        }
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "hired_from": forms.DateInput(attrs={"type": "date"}),
            "hired_until": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "due_days_after_hire": _("Instead of a date: due N days after each person's hire date.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = Locale.get_default()
        self.fields["course"].queryset = CoursePage.objects.live().filter(locale=default)
        self.fields["learning_path"].queryset = LearningPathPage.objects.live().filter(
            locale=default
        )
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["location"].queryset = Location.objects.filter(is_active=True)
        self.fields["team"].queryset = Team.objects.filter(is_active=True).select_related(
            "department"
        )
        self.fields["staff_role"] = forms.ChoiceField(
            choices=[("", "—"), *StaffRole.choices], required=False, label=_("Staff role")
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("course")) == bool(data.get("learning_path")):
            raise forms.ValidationError(_("Choose either a course or a learning path."))
        if bool(data.get("due_date")) == (data.get("due_days_after_hire") is not None):
            raise forms.ValidationError(_("Give either a due date or a number of days after hire."))
        if (
            data.get("hired_from")
            and data.get("hired_until")
            and data["hired_from"] > data["hired_until"]
        ):
            self.add_error("hired_until", _("This date is before “hired on or after”."))
        return data

    def target_filters(self) -> dict:
        """The chosen filters as keyword arguments of `services.filter_profiles`."""
        data = self.cleaned_data
        filters = {name: data.get(name) for name in FILTER_FIELDS}
        filters["staff_role"] = filters["staff_role"] or ""
        filters["search"] = data.get("search", "").strip()
        return filters

    def save(self, commit: bool = True) -> AssignmentRule:
        rule = super().save(commit=False)
        rule.target_kind = (
            TargetKind.PEOPLE if self.cleaned_data.get("search", "").strip() else TargetKind.FILTERS
        )
        if commit:
            rule.save()
        return rule

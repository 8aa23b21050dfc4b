"""Report filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale

from core.forms import IdChoiceField
from curriculum.models import CoursePage
from people.models import Department, Location, StaffRole, Team

from .services import CertificateFilters, ReportFilters


def _course_choices():
    """Live courses in the default language, as the filters list them (by title only: the
    dashboard lists every course, and whole pages cost a third more to load)."""
    return CoursePage.objects.live().filter(locale=Locale.get_default()).only("title")


class ReportFilterForm(forms.Form):
    """Narrow the dashboard by organisation, course and due dates."""

    department = IdChoiceField(Department.objects.all(), required=False, label=_("Department"))
    location = IdChoiceField(Location.objects.all(), required=False, label=_("Location"))
    team = IdChoiceField(Team.objects.select_related("department"), required=False, label=_("Team"))
    staff_role = forms.ChoiceField(
        choices=[("", "—"), *StaffRole.choices], required=False, label=_("Staff role")
    )
    course = IdChoiceField(CoursePage.objects.none(), required=False, label=_("Course"))
    due_from = forms.DateField(
        required=False, label=_("Due from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        required=False, label=_("Due until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _course_choices()

    def filters(self) -> ReportFilters:
        """The validated filters (empty when invalid)."""
        if not self.is_valid():
            return ReportFilters()
        data = self.cleaned_data
        return ReportFilters(
            department=data["department"].pk if data["department"] else None,
            location=data["location"].pk if data["location"] else None,
            team=data["team"].pk if data["team"] else None,
            staff_role=data["staff_role"] or "",
            course=data["course"].pk if data["course"] else None,
            due_from=data["due_from"],
            due_to=data["due_to"],
        )


class CertificateFilterForm(forms.Form):
    """Narrow the recertification report by organisation and course."""

    department = IdChoiceField(Department.objects.all(), required=False, label=_("Department"))
    location = IdChoiceField(Location.objects.all(), required=False, label=_("Location"))
    team = IdChoiceField(Team.objects.select_related("department"), required=False, label=_("Team"))
    course = IdChoiceField(CoursePage.objects.none(), required=False, label=_("Course"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = _course_choices()

    def filters(self) -> CertificateFilters:
        """The validated filters (empty when invalid)."""
        if not self.is_valid():
            return CertificateFilters()
        data = self.cleaned_data
        return CertificateFilters(
            **{name: data[name].pk if data[name] else None for name in self.fields}
        )

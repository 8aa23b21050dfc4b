"""HR's form for assigning mandatory training."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale

from accounts.models import User
from core.forms import id_safe_formfield
from curriculum.models import CoursePage, LearningPathPage
from people.models import Department, Location, StaffRole

from .models import AssignmentRule, TargetKind


class AssignmentRuleForm(forms.ModelForm):
    """Assign a course or a learning path to a target group with a due date."""

    class Meta:
        formfield_callback = id_safe_formfield
        model = AssignmentRule
        fields = [
            "course",
            "learning_path",
            "target_kind",
            "department",
            "location",
            "staff_role",
            "people",
            "due_date",
            "due_days_after_hire",
        ]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}
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
        self.fields["department"].queryset = Department.objects.all()
        self.fields["location"].queryset = Location.objects.all()
        self.fields["people"].queryset = User.objects.filter(is_active=True)
        self.fields["people"].required = False
        self.fields["staff_role"] = forms.ChoiceField(
            choices=[("", "—"), *StaffRole.choices], required=False, label=_("Staff role")
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("course")) == bool(data.get("learning_path")):
            raise forms.ValidationError(_("Choose either a course or a learning path."))
        if bool(data.get("due_date")) == (data.get("due_days_after_hire") is not None):
            raise forms.ValidationError(_("Give either a due date or a number of days after hire."))
        kind = data.get("target_kind")
        needed = {
            TargetKind.DEPARTMENT: "department",
            TargetKind.LOCATION: "location",
            TargetKind.STAFF_ROLE: "staff_role",
            TargetKind.PEOPLE: "people",
        }.get(kind)
        if needed and not data.get(needed):
            self.add_error(needed, _("Required for this target."))
        return data

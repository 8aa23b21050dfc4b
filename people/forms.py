"""Forms for HR's organisation screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField

from .importing import MAX_IMPORT_BYTES
from .models import Department, Location, StaffRole


class EmployeeImportForm(forms.Form):
    """Upload of an employee CSV for a dry run."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, first_name, last_name, department, location, staff_role, job_title, team, manager_email, hire_date, preferred_language, active."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class EmployeeFilterForm(forms.Form):
    """Filters of the employee list."""

    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    department = IdChoiceField(Department.objects.all(), required=False, label=_("Department"))
    location = IdChoiceField(Location.objects.all(), required=False, label=_("Location"))
    staff_role = forms.ChoiceField(
        choices=[("", "—"), *StaffRole.choices], required=False, label=_("Staff role")
    )

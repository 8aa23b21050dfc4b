"""Forms for HR's organisation screens and the employee import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField, id_safe_formfield

from .importing import MAX_IMPORT_BYTES
from .models import Department, InvitationTiming, Location, StaffRole, Team


class EmployeeImportForm(forms.Form):
    """Upload of an employee list (CSV or Excel) for a dry run."""

    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_(
            "CSV separated by comma, semicolon or tab (UTF-8, Windows-1252 or UTF-16) or an "
            "Excel workbook (.xlsx). Columns in German or English, e.g. E-Mail, Vorname, "
            "Nachname, Abteilung, Standort, Team, Rolle, Sprache, Eintrittsdatum, Vorgesetzte(r)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ImportApplyForm(forms.Form):
    """HR's choices for the side effects of an import, confirmed with the apply button."""

    invitations = forms.ChoiceField(
        label=_("Invitations for new people"),
        choices=InvitationTiming.choices,
        initial=InvitationTiming.NOW,
        widget=forms.RadioSelect,
    )
    deactivate_missing = forms.BooleanField(
        label=_("Mark the active people missing from this file as left"),
        required=False,
        help_text=_("Their accounts are deactivated; their training history is kept."),
    )


class EmployeeFilterForm(forms.Form):
    """Filters of the employee list."""

    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    department = IdChoiceField(Department.objects.all(), required=False, label=_("Department"))
    location = IdChoiceField(Location.objects.all(), required=False, label=_("Location"))
    staff_role = forms.ChoiceField(
        choices=[("", "—"), *StaffRole.choices], required=False, label=_("Staff role")
    )


class UnitFilterForm(forms.Form):
    """Search and status filter of an organisation list."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Inactive"))],
    )


class DepartmentForm(forms.ModelForm):
    """Create or edit a department (nested under a parent)."""

    class Meta:
        model = Department
        fields = ["name", "parent"]
        formfield_callback = id_safe_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Department.objects.filter(is_active=True)
        if self.instance.pk:
            from .services import department_with_children

            parents = parents.exclude(pk__in=department_with_children(self.instance))
        self.fields["parent"].queryset = parents


class LocationForm(forms.ModelForm):
    """Create or edit a location."""

    class Meta:
        model = Location
        fields = ["name"]


class TeamForm(forms.ModelForm):
    """Create or edit a team of a department."""

    class Meta:
        model = Team
        fields = ["name", "department"]
        formfield_callback = id_safe_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)


class MergeForm(forms.Form):
    """Choose the unit to merge another one into."""

    target = IdChoiceField(queryset=Department.objects.none(), label=_("Merge into"))

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["target"].queryset = (
            type(source).objects.filter(is_active=True).exclude(pk=source.pk)
        )

    def clean_target(self):
        from .services import can_merge

        target = self.cleaned_data["target"]
        problem = can_merge(self.source, target)
        if problem:
            raise forms.ValidationError(problem)
        return target


UNIT_FORMS = {"departments": DepartmentForm, "locations": LocationForm, "teams": TeamForm}

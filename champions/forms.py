"""Forms of the champions app."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField, id_safe_formfield
from people.models import Department, Location

from .models import FOCUS_AREAS, ChampionProfile, CoachingGroup


class ChampionProfileForm(forms.ModelForm):
    """A champion's own profile (photo validated and squared on save)."""

    focus_areas = forms.MultipleChoiceField(
        choices=FOCUS_AREAS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Focus areas"),
    )
    photo_upload = forms.FileField(
        required=False, label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 5 MB.")
    )

    class Meta:
        model = ChampionProfile
        fields = ["bio", "focus_areas", "languages", "department", "location", "capacity"]

    def clean_photo_upload(self):
        from django.core.exceptions import ValidationError

        from .services import square_thumbnails

        upload = self.cleaned_data.get("photo_upload")
        if upload:
            try:
                square_thumbnails(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return upload


class NominationForm(forms.Form):
    """Apply yourself or nominate a direct report."""

    reason = forms.CharField(
        label=_("Why?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class DirectoryFilterForm(forms.Form):
    location = IdChoiceField(Location.objects.all(), required=False, label=_("Location"))
    department = IdChoiceField(Department.objects.all(), required=False, label=_("Department"))
    focus = forms.ChoiceField(
        choices=[("", "—"), *FOCUS_AREAS], required=False, label=_("Focus area")
    )


class GroupForm(forms.ModelForm):
    class Meta:
        formfield_callback = id_safe_formfield
        model = CoachingGroup
        fields = ["name", "champion", "co_champion", "focus", "start_date"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"})}


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attendees = forms.MultipleChoiceField(
        label=_("Attendance"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(str(u.pk), str(u)) for u in members]


class ActionItemForm(forms.Form):
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    description = forms.CharField(label=_("Action item"), max_length=300, required=False)
    due_date = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(str(u.pk), str(u)) for u in members]

    def clean(self):
        data = super().clean()
        if data.get("description") and not (data.get("owner") and data.get("due_date")):
            raise forms.ValidationError(_("An action item needs an owner and a due date."))
        return data


ActionItemFormSet = formset_factory(ActionItemForm, extra=3, max_num=10)

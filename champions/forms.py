"""Forms of the champions app."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils import timezone
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
    """A coaching session: date (today unless changed), topic, notes and who attended."""

    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
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
    """One action item agreed in a session; an empty row is ignored."""

    owner = forms.ChoiceField(label=_("Owner"), required=False)
    description = forms.CharField(label=_("Action item"), max_length=300, required=False)
    due_date = forms.DateField(
        label=_("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(str(u.pk), str(u)) for u in members]

    def clean(self):
        data = super().clean()
        if data.get("description") and not (data.get("owner") and data.get("due_date")):
            raise forms.ValidationError(_("An action item needs an owner and a due date."))
        return data


class BaseActionItemFormSet(forms.BaseFormSet):
    """Action-item rows; the page adds rows with a button (up to `max_num`)."""

    row_label = _("Action item")


ActionItemFormSet = formset_factory(
    ActionItemForm, formset=BaseActionItemFormSet, extra=1, max_num=20, validate_max=True
)


class NudgeForm(forms.Form):
    """The champion's optional personal note in a reminder."""

    note = forms.CharField(
        label=_("Personal note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent with the reminder, below the list of open training."),
    )


class ObservationStartForm(forms.Form):
    """Who is observed, against which checklist; optionally with their own rating."""

    person = IdChoiceField(queryset=None, label=_("Colleague"), empty_label=None)
    checklist = IdChoiceField(
        queryset=None, label=_("Checklist"), widget=forms.RadioSelect, empty_label=None
    )
    with_self = forms.BooleanField(
        required=False,
        label=_("Ask the colleague to rate themselves too"),
        help_text=_("You will see both ratings side by side."),
    )

    def __init__(self, *args, people, checklists, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["person"].queryset = User.objects.filter(pk__in=[p.pk for p in people])
        self.fields["person"].label_from_instance = lambda user: user.display_name
        self.fields["checklist"].queryset = checklists
        self.fields["checklist"].label_from_instance = lambda checklist: checklist.title


class ObservationForm(forms.Form):
    """The rating of every behaviour plus a strength and one thing to try; every field may
    stay empty while it is a draft (sharing checks completeness)."""

    observed_on = forms.DateField(
        label=_("Observed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    situation = forms.CharField(
        label=_("Situation"),
        required=False,
        max_length=200,
        help_text=_("e.g. counter, Monday morning rush"),
    )
    strength = forms.CharField(
        label=_("A strength"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    try_next = forms.CharField(
        label=_("One thing to try next"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Becomes an action item for your colleague."),
    )
    try_next_due = forms.DateField(
        label=_("Try it by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Two weeks from now if left empty."),
    )

    def __init__(self, *args, observation, behaviours, **kwargs):
        super().__init__(*args, **kwargs)
        self.behaviours = behaviours
        levels = observation.checklist.levels
        for behaviour in behaviours:
            choices = [(str(value), label) for value, label in levels]
            choices.append(("", _("Did not come up") if behaviour.optional else _("Not rated yet")))
            self.fields[self.field_name(behaviour)] = forms.TypedChoiceField(
                label=behaviour.text,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        if observation.is_self:
            for name in ("try_next", "try_next_due"):
                del self.fields[name]
            self.fields["strength"].label = _("What went well, in your own words")

    NOTE_FIELDS = ("observed_on", "situation", "strength", "try_next", "try_next_due")

    @classmethod
    def for_draft(cls, observation, behaviours) -> ObservationForm:
        """The form showing what the draft holds so far (saved ratings and notes)."""
        saved = dict(observation.ratings.values_list("behaviour_id", "value"))
        initial = {
            cls.field_name(b): "" if saved.get(b.pk) is None else str(saved[b.pk])
            for b in behaviours
        }
        for name in cls.NOTE_FIELDS:
            initial[name] = getattr(observation, name)
        return cls(initial=initial, observation=observation, behaviours=behaviours)

    @staticmethod
    def field_name(behaviour) -> str:
        return f"behaviour_{behaviour.pk}"

    def rating_fields(self):
        """(behaviour, bound field) pairs for the template."""
        return [(b, self[self.field_name(b)]) for b in self.behaviours]

    def ratings(self) -> dict[int, int | None]:
        """Ratings by behaviour id from the fields that were sent (autosave sends all)."""
        return {
            b.pk: self.cleaned_data.get(self.field_name(b))
            for b in self.behaviours
            if self.field_name(b) in self.data
        }

    def notes(self) -> dict:
        """The text and date fields that were sent and are valid."""
        return {
            name: self.cleaned_data[name] if self.cleaned_data[name] is not None else None
            for name in self.NOTE_FIELDS
            if name in self.fields and name in self.data and name in self.cleaned_data
        }


class AcknowledgeForm(forms.Form):
    """The colleague's acknowledgement with an optional comment."""

    comment = forms.CharField(
        label=_("Your comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpForm(forms.Form):
    """When the next observation is planned."""

    due_on = forms.DateField(
        label=_("Next observation on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SkillsFilterForm(forms.Form):
    """Which checklist and which people an aggregated skills picture shows."""

    checklist = IdChoiceField(queryset=None, label=_("Checklist"), empty_label=None)
    of = forms.ChoiceField(label=_("Show for"))

    def __init__(self, *args, checklists, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = checklists
        self.fields["checklist"].label_from_instance = lambda checklist: checklist.title
        self.fields["of"].choices = targets

    def scope(self) -> tuple[str, int]:
        """("group", 5) from the chosen "group:5"."""
        scope, pk = self.cleaned_data["of"].split(":")
        return scope, int(pk)

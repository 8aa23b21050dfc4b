"""Forms of the My team page: filters, and assigning training to chosen team members."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale

from assignments import team
from assignments.team import SORTS, TEAM_STATUS_LABELS
from core.forms import IdChoiceField
from curriculum.models import CoursePage, LearningPathPage


class TeamFilterForm(forms.Form):
    """Narrow and order the team: by status, by a name, by a column."""

    status = forms.ChoiceField(
        choices=[("", _("All")), *[(k.value, v) for k, v in TEAM_STATUS_LABELS.items()]],
        required=False,
        label=_("Status"),
    )
    q = forms.CharField(required=False, max_length=100, label=_("Name"))
    sort = forms.ChoiceField(
        choices=[
            ("name", _("Name")),
            ("status", _("Most urgent first")),
            ("due", _("Next due date")),
            ("activity", _("Last activity")),
        ],
        required=False,
        label=_("Sort by"),
    )

    def names_only(self) -> None:
        """Under a privacy policy without individual progress: only the name search is left
        (a status filter or an urgency order would tell who is late)."""
        del self.fields["status"], self.fields["sort"]

    def values(self) -> dict:
        """The valid filters (defaults for anything invalid: a bad link never fails)."""
        if not self.is_valid():
            return {"status": "", "search": "", "sort": "name"}
        data = self.cleaned_data
        sort = data["sort"] if data["sort"] in SORTS else "name"
        return {"status": data["status"], "search": data["q"].strip(), "sort": sort}


class TeamAssignForm(forms.Form):
    """A course or a learning path for the chosen people, due on a date."""

    people = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    course = IdChoiceField(CoursePage.objects.none(), required=False, label=_("Course"))
    learning_path = IdChoiceField(
        LearningPathPage.objects.none(), required=False, label=_("or learning path")
    )
    due_date = forms.DateField(
        required=False, label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, team_ids: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        default = Locale.get_default()
        self.fields["people"].choices = [(pk, pk) for pk in team_ids]
        self.fields["people"].error_messages["invalid_choice"] = _(
            "Some of the chosen people are not in your team."
        )
        self.fields["course"].queryset = CoursePage.objects.live().filter(locale=default)
        self.fields["learning_path"].queryset = LearningPathPage.objects.live().filter(
            locale=default
        )

    def plan(self, manager) -> team.AssignmentPlan:
        """What assigning the chosen training to the chosen people would do (validated form).

        Raises `team.TeamActionError` when the choice cannot be assigned."""
        data = self.cleaned_data
        return team.plan_team_assignment(
            manager,
            data["people"],
            course=data["course"],
            learning_path=data["learning_path"],
            due_date=data["due_date"],
        )

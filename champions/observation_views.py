"""Floor observations: start, rate (with draft autosave), share, acknowledge, follow up, and the
skills picture. Rules live in `champions.observations`, permissions in `accounts.permissions`.

Kept apart from `views.py` (coaching groups and sessions) so each file stays one concept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import privacy
from accounts.models import User
from accounts.permissions import (
    can_observe,
    can_view_observation,
    is_champion,
    is_hr,
)
from people.models import Department, Location, Team

from . import observations as service
from .forms import (
    AcknowledgeForm,
    FollowUpForm,
    ObservationForm,
    ObservationStartForm,
    SkillsFilterForm,
)
from .models import CoachingGroup, Observation, ObservationChecklist


def _observation(request: HttpRequest, observation_id: int) -> Observation:
    """The observation if the user may see it; 404 otherwise (peers learn nothing)."""
    observation = get_object_or_404(
        Observation.objects.select_related("checklist", "observed", "observer", "self_assessment"),
        pk=observation_id,
    )
    if not can_view_observation(request.user, observation):
        raise Http404
    return observation


def _editable(request: HttpRequest, observation_id: int) -> Observation:
    """An observation the user is filling in (observer, not yet shared)."""
    observation = _observation(request, observation_id)
    if observation.observer_id != request.user.pk:
        raise Http404
    return observation


@require_GET
@login_required
def observation_list(request: HttpRequest) -> HttpResponse:
    """What I am to observe (or rate myself on), observations of me, observations I made."""
    return render(
        request,
        "champions/observation_list.html",
        {
            "to_do": service.observations_to_do(request.user),
            "about_me": service.observations_about(request.user)[:50],
            "made": service.observations_made_by(request.user)[:50],
            "may_observe": bool(service.observable_people(request.user)),
        },
    )


def _start_form(request: HttpRequest, people: list[User]) -> ObservationStartForm:
    """The start form; a ?person= link from a colleague's row preselects them."""
    initial = {}
    if str(request.GET.get("person", "")).isdigit():
        initial["person"] = request.GET["person"]
    return ObservationStartForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        people=people,
        checklists=ObservationChecklist.objects.filter(is_active=True).order_by("title_de"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def observe_start(request: HttpRequest) -> HttpResponse:
    """Choose the colleague and the checklist: two taps and the observation starts."""
    people = service.observable_people(request.user)
    if not people:
        raise PermissionDenied
    form = _start_form(request, people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation = service.start_observation(
                request.user, data["person"], data["checklist"], with_self=data["with_self"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("champions:observation_edit", observation_id=observation.pk)
    return render(
        request,
        "champions/observation_start.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _check_still_observer(request: HttpRequest, observation: Observation) -> None:
    """404 once the observer is no longer the colleague's coach or manager (a self-rating
    stays theirs)."""
    if not observation.is_self and not can_observe(request.user, observation.observed):
        raise Http404


def _shared_message(observation: Observation) -> str:
    if observation.is_self:
        return _("Thank you! Your self-rating is shared.")
    return _("Shared with %(name)s.") % {"name": observation.observed.display_name}


def _save_observation(
    request: HttpRequest, observation: Observation, form: ObservationForm
) -> HttpResponse | None:
    """Save the posted draft (and share it when asked); None when the form shows errors."""
    if not form.is_valid():
        return None
    try:
        service.save_draft(observation, form.ratings(), form.notes())
        if "share" in request.POST:
            service.share(observation)
            messages.success(request, _shared_message(observation))
            return redirect("champions:observation", observation_id=observation.pk)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(request, _("Draft saved."))
    return redirect("champions:observation_edit", observation_id=observation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def observation_edit(request: HttpRequest, observation_id: int) -> HttpResponse:
    """Rate each behaviour; saved as a draft while typing (htmx) or with "Save draft";
    "Share" checks completeness and shows it to the colleague."""
    observation = _editable(request, observation_id)
    if observation.is_shared:
        return redirect("champions:observation", observation_id=observation.pk)
    _check_still_observer(request, observation)
    behaviours = list(observation.checklist.behaviours.all())
    if request.method == "POST":
        form = ObservationForm(request.POST, observation=observation, behaviours=behaviours)
        if (saved := _save_observation(request, observation, form)) is not None:
            return saved
        status = 400
    else:
        service.begin_scheduled(observation)
        form = ObservationForm.for_draft(observation, behaviours)
        status = 200
    return render(
        request,
        "champions/observation_form.html",
        {"observation": observation, "form": form},
        status=status,
    )


@require_POST
@login_required
def observation_autosave(request: HttpRequest, observation_id: int) -> HttpResponse:
    """htmx autosave: keep the valid part of what was sent, say when it was saved."""
    observation = _editable(request, observation_id)
    behaviours = list(observation.checklist.behaviours.all())
    form = ObservationForm(request.POST, observation=observation, behaviours=behaviours)
    form.is_valid()  # invalid fields are left out of ratings()/notes() and reported
    problems = [
        f"{form.fields[name].label}: {' '.join(errs)}" for name, errs in form.errors.items()
    ]
    try:
        service.save_draft(observation, form.ratings(), form.notes())
    except ValidationError as error:
        problems.extend(error.messages)
    return render(
        request,
        "champions/includes/autosave_status.html",
        {"saved_at": timezone.localtime(), "problems": problems},
    )  # 200 even with problems: htmx swaps only successful responses into the status line


@require_GET
@login_required
def observation_detail(request: HttpRequest, observation_id: int) -> HttpResponse:
    """The shared observation: ratings (next to the self-rating), strength, the thing to try,
    suggested lessons; the colleague acknowledges, the observer plans a follow-up."""
    observation = _observation(request, observation_id)
    if not observation.is_shared and observation.observer_id == request.user.pk:
        return redirect("champions:observation_edit", observation_id=observation.pk)
    if not observation.is_shared:
        raise Http404
    is_observed = observation.observed_id == request.user.pk
    return render(
        request,
        "champions/observation_detail.html",
        {
            "observation": observation,
            "rows": service.rated_behaviours(observation),
            "suggestions": service.suggested_lessons(observation),
            "action_item": observation.action_items.first(),
            "follow_ups": observation.follow_ups.all(),
            "is_observed": is_observed,
            "is_observer": observation.observer_id == request.user.pk,
            "acknowledge_form": AcknowledgeForm(initial={"comment": observation.colleague_comment}),
            "follow_up_form": FollowUpForm(),
        },
    )


@require_POST
@login_required
def observation_acknowledge(request: HttpRequest, observation_id: int) -> HttpResponse:
    """The colleague confirms they read it, with an optional comment."""
    observation = _observation(request, observation_id)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
        return redirect("champions:observation", observation_id=observation.pk)
    try:
        service.acknowledge(observation, request.user, form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you – acknowledged."))
    return redirect("champions:observation", observation_id=observation.pk)


@require_POST
@login_required
def observation_follow_up(request: HttpRequest, observation_id: int) -> HttpResponse:
    """The observer plans the next observation of the same colleague."""
    observation = _observation(request, observation_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter a valid date."))
        return redirect("champions:observation", observation_id=observation.pk)
    try:
        service.schedule_follow_up(observation, request.user, form.cleaned_data["due_on"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Follow-up planned."))
    return redirect("champions:observation", observation_id=observation.pk)


def _skills_targets(user) -> list[tuple[str, str]]:
    """The aggregates `user` may look at: HR everything, champions their own groups."""
    if is_hr(user):
        groups = CoachingGroup.objects.filter(is_active=True)
        return (
            [
                (f"location:{x.pk}", _("Location: %(name)s") % {"name": x})
                for x in Location.objects.all()
            ]
            + [
                (f"department:{x.pk}", _("Department: %(name)s") % {"name": x})
                for x in Department.objects.all()
            ]
            + [
                (f"team:{x.pk}", _("Team: %(name)s") % {"name": x.name})
                for x in Team.objects.select_related("department")
            ]
            + [(f"group:{x.pk}", _("Group: %(name)s") % {"name": x}) for x in groups]
        )
    if is_champion(user):
        from .services import groups_coached_by

        return [
            (f"group:{x.pk}", _("Group: %(name)s") % {"name": x}) for x in groups_coached_by(user)
        ]
    return []


@require_GET
@login_required
def skills(request: HttpRequest) -> HttpResponse:
    """The aggregated skills picture (group, team, location, department) for champions and HR."""
    targets = _skills_targets(request.user)
    if not targets:
        raise PermissionDenied
    checklists = ObservationChecklist.objects.order_by("-is_active", "title_de")
    data = request.GET.copy()
    data.setdefault("of", targets[0][0])
    if "checklist" not in data and checklists:
        data["checklist"] = str(checklists[0].pk)
    form = SkillsFilterForm(data, checklists=checklists, targets=targets)
    context = {"form": form}
    if form.is_valid():
        scope, pk = form.scope()
        people = service.scope_people(scope, pk)
        checklist = form.cleaned_data["checklist"]
        context.update(
            checklist=checklist,
            target_label=dict(targets)[form.cleaned_data["of"]],
            heatmap=service.behaviour_heatmap(checklist, people, aggregated=True),
            comparison=service.lessons_and_behaviour(checklist, people, aggregated=True),
            min_people=service.min_people_per_cell(),
        )
    return render(request, "champions/skills.html", context, status=200 if form.is_valid() else 400)


@require_GET
@login_required
def person_skills(request: HttpRequest, user_id: int) -> HttpResponse:
    """One colleague's skills picture: for themselves (all their observations), for their
    champion or manager (only the observations they made), for HR only when configured."""
    person = get_object_or_404(User, pk=user_id, is_active=True)
    if privacy.can_see_observations(request.user, person):
        observer = None  # themselves, or a role the privacy settings let see others' observations
    elif can_observe(request.user, person):
        observer = request.user
    else:
        raise Http404
    privacy.record_view(request.user, person, "champions.skills")
    return render(
        request,
        "champions/person_skills.html",
        {
            "person": person,
            "pictures": service.person_skills_pictures(person, observer),
            "own_observations_only": observer is not None,
        },
    )

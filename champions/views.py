"""Champion directory, profiles, HR group management, sessions, dashboard, nudges."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import privacy
from accounts.models import User
from accounts.permissions import champion_required, hr_required, is_hr
from core.charts import bar_chart_svg
from core.forms import error_summary
from core.ids import parse_id
from core.redirects import safe_next

from . import services
from .forms import (
    ActionItemFormSet,
    ChampionProfileForm,
    DirectoryFilterForm,
    GroupForm,
    NominationForm,
    NudgeForm,
    SessionForm,
)
from .models import ActionItem, ChampionProfile, ChampionStatus, CoachingGroup, CoachingSession

# The dashboard's charts sit in small cards.
CARD_CHART = {"width": 320, "height": 200, "colour": "#2e7d32"}


@require_GET
@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """Active champions with photos, filterable by location, department and focus area."""
    form = DirectoryFilterForm(request.GET or None)
    champions = ChampionProfile.objects.filter(status=ChampionStatus.ACTIVE).select_related(
        "user", "location", "department"
    )
    if form.is_valid():
        if form.cleaned_data["location"]:
            champions = champions.filter(location=form.cleaned_data["location"])
        if form.cleaned_data["department"]:
            champions = champions.filter(department=form.cleaned_data["department"])
        if form.cleaned_data["focus"]:
            champions = [c for c in champions if form.cleaned_data["focus"] in c.focus_areas]
    page_obj = Paginator(list(champions), 12).get_page(request.GET.get("page"))
    return render(request, "champions/directory.html", {"form": form, "page_obj": page_obj})


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """An employee applies to become a champion (HR approves)."""
    if ChampionProfile.objects.filter(user=request.user).exists():
        messages.info(request, _("You already have a champion profile."))
        return redirect("champions:profile")
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.propose(request.user, form.cleaned_data["reason"])
        messages.success(request, _("Thank you! HR will review your application."))
        return redirect("champions:directory")
    return render(
        request,
        "champions/apply.html",
        {"form": form, "nominee": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, user_id: int) -> HttpResponse:
    """A manager nominates one of their direct reports."""
    nominee = get_object_or_404(User, pk=user_id, employee__manager=request.user)
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _profile, created = services.propose(
            nominee, form.cleaned_data["reason"], nominated_by=request.user
        )
        messages.success(
            request, _("Nomination sent to HR.") if created else _("Already nominated.")
        )
        return redirect("champions:directory")
    return render(
        request,
        "champions/apply.html",
        {"form": form, "nominee": nominee},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """A champion edits their own profile and photo."""
    champion = get_object_or_404(ChampionProfile, user=request.user)
    form = ChampionProfileForm(request.POST or None, request.FILES or None, instance=champion)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.cleaned_data.get("photo_upload"):
            services.set_photo(champion, form.cleaned_data["photo_upload"])
        messages.success(request, _("Profile saved."))
        return redirect("champions:profile")
    return render(
        request,
        "champions/profile.html",
        {"form": form, "champion": champion},
        status=400 if form.errors else 200,
    )


@require_GET
@hr_required
def manage(request: HttpRequest) -> HttpResponse:
    """HR: champions by status, groups, and the automatic assignment proposal."""
    champions = ChampionProfile.objects.select_related("user").order_by("status", "user__last_name")
    groups = CoachingGroup.objects.filter(is_active=True).select_related("champion__user")
    proposal, lookup = services.current_proposal()
    return render(
        request,
        "champions/manage.html",
        {
            "champions": champions,
            "groups": groups,
            "proposal": proposal,
            "proposal_rows": services.proposal_rows(proposal, lookup),
            "statuses": ChampionStatus.choices,
            "group_form": GroupForm(),
        },
    )


@require_POST
@hr_required
def set_status(request: HttpRequest, profile_id: int) -> HttpResponse:
    """HR approves, pauses, retires or reactivates a champion."""
    champion = get_object_or_404(ChampionProfile, pk=profile_id)
    target = request.POST.get("status", "")
    try:
        if target == ChampionStatus.IN_TRAINING and champion.status == ChampionStatus.NOMINATED:
            services.approve(champion, request.user)
        elif target in ChampionStatus.values:
            services.change_status(champion, target, request.user)
        else:
            raise ValidationError(_("Unknown status."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("champions:manage")
    messages.success(request, _("Status updated."))
    return redirect("champions:manage")


@require_POST
@hr_required
def create_group(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the group form."))
        return redirect("champions:manage")
    group = services.create_group(request.user, **form.cleaned_data)
    return redirect("champions:group", group_id=group.pk)


@require_POST
@hr_required
def apply_auto_assignment(request: HttpRequest) -> HttpResponse:
    """Apply the previewed proposal in one transaction (recomputed and re-checked)."""
    proposal, _lookup = services.current_proposal()
    try:
        created = services.apply_proposal(proposal, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("champions:manage")
    messages.success(
        request, _("%(count)d people assigned to coaching groups.") % {"count": created}
    )
    return redirect("champions:manage")


def _group_for(request: HttpRequest, group_id: int) -> CoachingGroup:
    group = get_object_or_404(CoachingGroup.objects.select_related("champion__user"), pk=group_id)
    if is_hr(request.user) or services.groups_coached_by(request.user).filter(pk=group.pk).exists():
        return group
    raise Http404


def _add_member(request: HttpRequest, group: CoachingGroup) -> None:
    """HR adds the posted person to the group; the message says whether it worked."""
    user_id = parse_id(request.POST.get("user_id"))
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        messages.error(request, _("Choose a person."))
        return
    try:
        services.add_member(group, user, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Member added."))


@login_required
@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group's members (HR may add members)."""
    group = _group_for(request, group_id)
    if request.method == "POST":
        if not is_hr(request.user):
            raise Http404
        _add_member(request, group)
        return redirect("champions:group", group_id=group.pk)
    members = group.memberships.filter(ended_on__isnull=True).select_related("user")
    sessions = group.sessions.all()[:20]
    candidates = services.unassigned_staff()[:200] if is_hr(request.user) else []
    return render(
        request,
        "champions/group.html",
        {
            "group": group,
            "members": members,
            "sessions": sessions,
            "candidates": candidates,
            "open_items": services.group_open_action_items(group),
            "today": timezone.localdate(),
        },
    )


@require_GET
@login_required
def session_detail(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    """A logged session afterwards: who came, the notes and the action items with their state."""
    group = _group_for(request, group_id)
    session = get_object_or_404(
        CoachingSession.objects.select_related("created_by").prefetch_related("attendees"),
        pk=session_id,
        group=group,
    )
    items = session.action_items.select_related("owner")
    return render(
        request,
        "champions/session_detail.html",
        {"group": group, "session": session, "items": items, "today": timezone.localdate()},
    )


def _log_session(group: CoachingGroup, form: SessionForm, formset, user: User) -> None:
    """Save a valid session form and its agreed action items (the empty rows left out)."""
    data = form.cleaned_data
    services.log_session(
        group,
        held_on=data["held_on"],
        topic=data["topic"],
        notes=data["notes"],
        attendee_ids=[int(pk) for pk in data["attendees"]],
        action_items=[
            services.AgreedActionItem(int(i["owner"]), i["description"], i["due_date"])
            for i in formset.cleaned_data
            if i.get("description")
        ],
        created_by=user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_session(request: HttpRequest, group_id: int) -> HttpResponse:
    """A champion logs a session with attendance, notes and action items."""
    group = _group_for(request, group_id)
    members = [
        m.user for m in group.memberships.filter(ended_on__isnull=True).select_related("user")
    ]
    form = SessionForm(request.POST or None, members=members)
    formset = ActionItemFormSet(
        request.POST or None, form_kwargs={"members": members}, prefix="items"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        _log_session(group, form, formset, request.user)
        messages.success(request, _("Session saved."))
        return redirect("champions:group", group_id=group.pk)
    status = 400 if request.method == "POST" else 200
    summary = error_summary(form, formset) if request.method == "POST" else []
    return render(
        request,
        "champions/session_form.html",
        {"group": group, "form": form, "formset": formset, "error_summary": summary},
        status=status,
    )


def _group_card(champion: User, group: CoachingGroup, policy) -> dict:
    """One group on the champion's dashboard: members as the policy allows, figures, charts.
    The people shown by name are recorded as viewed."""
    from journeys.services import shared_maps_for_members

    memberships = services.active_memberships(group)
    member_ids = [m.user_id for m in memberships]
    figures = services.group_figures(group, member_ids)
    members = services.member_overview(group, policy, memberships)
    shown = [row["user"] for row in members if not row["hidden"]]
    privacy.record_views(champion, shown, "champions.dashboard", privacy.CHAMPION)
    return {
        "group": group,
        "members": members,
        "figures": figures,
        "shared_maps": shared_maps_for_members(member_ids),
        "trend_chart": bar_chart_svg(
            figures["trend"], _("Quiz mastery per week"), unit=" %", **CARD_CHART
        ),
        "sessions_chart": bar_chart_svg(figures["sessions"], _("Sessions per month"), **CARD_CHART),
    }


@require_GET
@champion_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """For each of my groups: members' training, overdue items, mastery, sessions; figures."""
    policy = privacy.policy_for(privacy.CHAMPION)
    groups = [
        _group_card(request.user, group, policy)
        for group in services.groups_coached_by(request.user).select_related("champion__user")
    ]
    from .observations import observations_to_do

    return render(
        request,
        "champions/dashboard.html",
        {
            "groups": groups,
            "policy": policy,
            "observations_to_do": observations_to_do(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@champion_required
def nudge(request: HttpRequest, user_id: int) -> HttpResponse:
    """Remind a member of their open training, with an optional personal note (once a day)."""
    member = get_object_or_404(User, pk=user_id)
    if not services.coaches(request.user, member):
        raise Http404
    champion = get_object_or_404(ChampionProfile, user=request.user)
    form = NudgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.send_nudge(champion, member, note=form.cleaned_data["note"]):
            messages.success(
                request, _("Reminder sent to %(name)s.") % {"name": member.display_name}
            )
        else:
            messages.warning(
                request, _("%(name)s was already reminded today.") % {"name": member.display_name}
            )
        return redirect("champions:dashboard")
    from .tasks import nudge_trainings

    return render(
        request,
        "champions/nudge.html",
        {
            "member": member,
            "form": form,
            "trainings": nudge_trainings(member, translation.get_language()),
            "already_nudged": services.already_nudged_today(member),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def complete_action_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """The owner ticks off their action item."""
    item = get_object_or_404(ActionItem, pk=item_id, owner=request.user)
    services.mark_action_item_done(item)
    messages.success(request, _("Well done!"))
    return redirect(safe_next(request))

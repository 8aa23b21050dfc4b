"""My team: a manager's page about their reports' training, and the actions on it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import privacy
from accounts.permissions import leads_team_of, team_lead_required
from assignments import team
from core.exports import csv_response, xlsx_response
from core.ids import parse_id
from people.services import team_user_ids

from .team_forms import TeamAssignForm, TeamFilterForm


def _overview_url(request: HttpRequest) -> str:
    query = request.POST.get("next_query", "")[:500]
    return reverse("team:overview") + (f"?{query}" if query and "\n" not in query else "")


@require_GET
@team_lead_required
def overview(request: HttpRequest) -> HttpResponse:
    """Everyone in the manager's team with their trainings, certificates and activity."""
    form = TeamFilterForm(request.GET or None)
    data = team.team_overview(request.user, **form.values())
    if not data.individual:
        form.names_only()
    else:
        privacy.record_views(request.user, [m.user for m in data.shown], "team", privacy.MANAGER)
    return render(
        request,
        "team/overview.html",
        {
            "form": form,
            "overview": data,
            "assign_form": TeamAssignForm(team_ids=[m.user.pk for m in data.members]),
            "statuses": team.TEAM_STATUS_LABELS,
            "min_group_size": privacy.min_group_size(),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@team_lead_required
def member(request: HttpRequest, user_id: int) -> HttpResponse:
    """One team member's training page (only for their manager)."""
    data = team.team_overview(request.user)
    row = next((m for m in data.members if m.user.pk == user_id), None)
    if row is None:
        raise PermissionDenied
    history = team.certificate_history(row.user) if data.individual else []
    if data.individual:
        privacy.record_view(request.user, row.user, "team.member")
    return render(
        request,
        "team/member.html",
        {"member": row, "history": history, "individual": data.individual},
    )


@require_POST
@team_lead_required
def remind(request: HttpRequest) -> HttpResponse:
    """Remind one person (`person`) or everyone overdue (`all`), rate-limited."""
    person = parse_id(request.POST.get("person", ""))
    if person is None and not request.POST.get("all"):
        messages.error(request, _("Choose whom to remind."))
        return redirect(_overview_url(request))
    if person is not None and not leads_team_of(request.user, _user(person)):
        raise PermissionDenied
    try:
        result = team.remind_overdue(request.user, [person] if person is not None else None)
    except team.TeamActionError as error:
        messages.error(request, str(error))
        return redirect(_overview_url(request))
    individual = privacy.policy_for(privacy.MANAGER).individual_progress
    _tell_reminded(request, result, individual=individual)
    return redirect(_overview_url(request))


def _tell_reminded(
    request: HttpRequest,
    result: team.ReminderResult,
    nobody: bool = False,
    individual: bool = True,
) -> None:
    """Say who was reminded and who was left out because of the rate limit (no names or
    numbers when the privacy settings hide individual progress), and, when asked, that nobody
    needed a reminder."""
    if nobody and not result.reminded and not result.skipped:
        messages.info(request, _("Nobody in this list is overdue or has not started."))
    for level, text in team.reminder_messages(result, individual):
        messages.add_message(request, getattr(messages, level.upper()), text)


def _user(user_id: int):
    from accounts.models import User

    user = User.objects.filter(pk=user_id).select_related("employee").first()
    if user is None:
        raise PermissionDenied
    return user


@require_POST
@team_lead_required
def assign(request: HttpRequest) -> HttpResponse:
    """Assign a course or path to chosen team members: the first post previews, the confirmed
    one assigns (all or nothing)."""
    team_ids = team_user_ids(request.user)
    form = TeamAssignForm(request.POST, team_ids=team_ids)
    if not form.is_valid():
        if "people" in form.errors:
            raise PermissionDenied
        return render(request, "team/assign.html", {"form": form}, status=400)
    try:
        plan = form.plan(request.user)
        if not form.cleaned_data["confirm"]:
            return render(request, "team/assign.html", {"form": form, "plan": plan})
        created = team.assign_to_team(request.user, plan)
    except team.TeamActionError as error:
        return render(request, "team/assign.html", {"form": form, "error": str(error)}, status=400)
    people = len({a.user_id for a in created})
    messages.success(
        request,
        ngettext(
            "Assigned to %(count)d person; they are told by e-mail.",
            "Assigned to %(count)d people; they are told by e-mail.",
            people,
        )
        % {"count": people},
    )
    return redirect("team:overview")


@require_GET
@team_lead_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The My team view (with its filters) as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    data = team.team_overview(request.user, **TeamFilterForm(request.GET or None).values())
    if data.individual:
        privacy.record_views(
            request.user, [m.user for m in data.shown], "team.export", privacy.MANAGER
        )
    header, rows = team.export_table(data)
    if fmt == "csv":
        return csv_response("cx-mein-team", header, rows)
    return xlsx_response("cx-mein-team", header, rows, sheet_title="Mein Team")

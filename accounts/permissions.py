"""The one place that says who may do what. Views call these; templates read `roles` from the
context processor; nothing re-implements them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .roles import CHAMPION, EDITOR, HR, LEARNER

# Stands for "has active direct reports" among the role names read in one query (no group has it).
_LEADS_TEAM = "__cx:leads-team__"


def role_names(user) -> frozenset[str]:
    """The user's role names, cached on the user object for the request (read together with
    whether they lead a team, so the menu's "My team" entry costs no query of its own)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_cx_role_names", None)
    if cached is None:
        from django.db.models import CharField, Value

        marks = user.direct_reports.filter(is_active=True).order_by()
        names = set(
            user.groups.order_by()
            .values_list("name", flat=True)
            .union(marks.values_list(Value(_LEADS_TEAM, output_field=CharField()), flat=True))
        )
        user._cx_leads_team = _LEADS_TEAM in names
        cached = frozenset(names - {_LEADS_TEAM})
        user._cx_role_names = cached
    return cached


def shows_team_menu(user) -> bool:
    """The menu entry "My team": for people with active direct reports (`manages_people`),
    as read with the roles of this request."""
    if not getattr(user, "is_authenticated", False):
        return False
    role_names(user)
    return bool(getattr(user, "_cx_leads_team", False))


def has_role(user, *roles: str) -> bool:
    """True when the user holds one of the roles; superusers hold every role."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(role_names(user).intersection(roles))


def is_learner(user) -> bool:
    """Every active, logged-in employee can learn."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_champion(user) -> bool:
    """CX champions coach a group of colleagues."""
    return has_role(user, CHAMPION)


def is_hr(user) -> bool:
    """HR sees organisation data, assignments and reports for everyone."""
    return has_role(user, HR)


def is_editor(user) -> bool:
    """Editors write the curriculum in the Wagtail admin."""
    return has_role(user, EDITOR)


def role_required(check: Callable[[object], bool]):
    """View decorator: anonymous users go to log-in, logged-in users failing `check` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def grantable_roles(user) -> tuple[str, ...]:
    """Roles this person may hand out. HR invites learners and champions; the HR and editor
    roles (above what HR manages) only an administrator (superuser) gives."""
    if getattr(user, "is_superuser", False):
        return (LEARNER, CHAMPION, HR, EDITOR)
    if is_hr(user):
        return (LEARNER, CHAMPION)
    return ()


# What an identity provider (SCIM) may manage: the accounts HR manages, nothing above them.
PROVISIONED_ROLES = (LEARNER, CHAMPION)


def privileged_accounts(manageable_roles: tuple[str, ...]):
    """Accounts someone who may hand out only `manageable_roles` must not rename, re-address
    or deactivate: administrators, staff, and holders of any role above those (HR, editor).
    The one rule the people import and SCIM share."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from .roles import ALL_ROLES

    above = [role for role in ALL_ROLES if role not in manageable_roles]
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(is_staff=True) | Q(groups__name__in=above))
        .distinct()
    )


def accounts_protected_from(actor) -> set[int]:
    """Ids of the accounts `actor` may not change through an import; an administrator (or the
    command line, actor None) may change them all. One query."""
    if actor is None or getattr(actor, "is_superuser", False):
        return set()
    return set(privileged_accounts(grantable_roles(actor)).values_list("pk", flat=True))


def is_protected_from_provisioning(user) -> bool:
    """True if an identity provider (SCIM) may not change this account (admin, HR, editor)."""
    return privileged_accounts(PROVISIONED_ROLES).filter(pk=user.pk).exists()


def can_view_quiz_statistics(user) -> bool:
    """Editors (who write quizzes) and HR (who report on them) see quiz statistics."""
    return is_editor(user) or is_hr(user)


def owns(user, obj) -> bool:
    """Object-level rule for personal records (attempts, reflections, certificates): owner only."""
    return bool(getattr(user, "is_authenticated", False) and obj.user_id == user.pk)


_coach_lookup: Callable[[object, object], bool] | None = None


def register_coach_lookup(lookup: Callable[[object, object], bool]) -> None:
    """Let the champions app say who coaches whom, without lower apps importing it."""
    global _coach_lookup
    _coach_lookup = lookup


_coaches_lookup: Callable[[object], list] | None = None


def register_coaches_lookup(lookup: Callable[[object], list]) -> None:
    """Let the champions app say who coaches a person (their active group's champions)."""
    global _coaches_lookup
    _coaches_lookup = lookup


def coaches_of(member) -> list:
    """The champions who coach this person now (none without the champions app)."""
    return list(_coaches_lookup(member)) if _coaches_lookup is not None else []


def is_coach_of(coach, member) -> bool:
    """True when `coach` is an active champion of a coaching group `member` belongs to."""
    if not is_champion(coach) or _coach_lookup is None:
        return False
    return bool(_coach_lookup(coach, member))


def can_view_journey_map(user, journey_map) -> bool:
    """The owner always; their champion only when the map is shared."""
    if owns(user, journey_map):
        return True
    return bool(journey_map.shared_with_champion and is_coach_of(user, journey_map.user))


def is_manager_of(manager, person) -> bool:
    """True when `manager` is the manager on `person`'s employee profile."""
    employee = getattr(person, "employee", None)
    return bool(
        getattr(manager, "is_authenticated", False)
        and employee is not None
        and employee.manager_id == manager.pk
    )


def leads_team_of(manager, person) -> bool:
    """True when `person` reports to `manager`: directly, or (when the
    TEAM_INCLUDE_INDIRECT_REPORTS setting is on) anywhere down the manager chain. Never oneself."""
    from django.conf import settings

    if not getattr(manager, "is_authenticated", False) or person is None:
        return False
    if person.pk == manager.pk or not person.is_active:
        return False
    employee = getattr(person, "employee", None)
    if employee is None or not employee.is_active:
        return False
    if employee.manager_id == manager.pk:
        return True
    if not settings.TEAM_INCLUDE_INDIRECT_REPORTS:
        return False
    profiles = type(employee).objects
    seen = {person.pk}
    current = employee.manager_id
    while current is not None and current not in seen:
        if current == manager.pk:
            return True
        seen.add(current)
        current = profiles.filter(user_id=current).values_list("manager_id", flat=True).first()
    return False


def can_view_team(user) -> bool:
    """My team: everyone with active direct reports (HR sees people through its own reports)."""
    return manages_people(user)


def can_view_recertification_report(user) -> bool:
    """The expiring-certificates report is HR's."""
    return is_hr(user)


def can_observe(user, person) -> bool:
    """Floor observations: only someone who coaches or manages the person (never a peer)."""
    if not getattr(user, "is_authenticated", False) or user.pk == person.pk:
        return False
    return is_coach_of(user, person) or is_manager_of(user, person)


def hr_sees_individual_observations() -> bool:
    """HR sees observations aggregated unless the privacy settings say otherwise."""
    from .privacy import HR, policy_for

    return policy_for(HR).individual_observations


def can_view_observation(user, observation) -> bool:
    """The observer; the observed person once it is shared (or it is their self-observation);
    HR only when configured to see individual observations. Never peers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if observation.observer_id == user.pk:
        return True
    if observation.observed_id == user.pk:
        return observation.is_shared or observation.is_self
    return bool(is_hr(user) and hr_sees_individual_observations() and observation.is_shared)


def can_view_insights(user) -> bool:
    """HR sees all departments; managers see the departments of their direct reports."""
    return is_hr(user) or bool(
        getattr(user, "is_authenticated", False)
        and user.direct_reports.filter(is_active=True).exists()
    )


def manages_people(user) -> bool:
    """People with active direct reports lead a team."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.direct_reports.filter(is_active=True).exists()
    )


def can_view_outcomes(user) -> bool:
    """HR, operations leads (given the permission) and managers (for their own units)."""
    return is_hr(user) or user.has_perm("outcomes.view_outcomes") or manages_people(user)


def can_manage_figures(user) -> bool:
    """HR and operations leads with the permission upload customer figures."""
    return is_hr(user) or user.has_perm("outcomes.add_metricvalue")


def can_view_course_feedback(user) -> bool:
    """Authors and HR see course feedback (in aggregate only)."""
    return is_hr(user) or is_editor(user)


def can_view_retention(user) -> bool:
    """Champions (their groups) and HR (the company) see how much knowledge is kept, in
    aggregate only."""
    return is_hr(user) or is_champion(user)


learner_required = role_required(is_learner)
team_lead_required = role_required(can_view_team)
retention_required = role_required(can_view_retention)
champion_required = role_required(is_champion)
hr_required = role_required(is_hr)
editor_required = role_required(is_editor)

__all__ = [
    "CHAMPION",
    "EDITOR",
    "HR",
    "LEARNER",
    "can_manage_figures",
    "can_observe",
    "can_view_course_feedback",
    "can_view_insights",
    "can_view_retention",
    "coaches_of",
    "can_view_observation",
    "can_view_outcomes",
    "can_view_recertification_report",
    "can_view_team",
    "leads_team_of",
    "team_lead_required",
    "can_view_journey_map",
    "can_view_quiz_statistics",
    "champion_required",
    "editor_required",
    "has_role",
    "hr_required",
    "is_champion",
    "is_editor",
    "is_hr",
    "is_coach_of",
    "is_learner",
    "is_manager_of",
    "hr_sees_individual_observations",
    "learner_required",
    "manages_people",
    "shows_team_menu",
    "owns",
    "register_coach_lookup",
    "role_required",
]

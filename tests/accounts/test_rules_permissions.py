"""Who may do what (accounts/permissions.py), each rule named as the person who would notice.

Plain users with roles and small stand-ins for the records a rule looks at; the view-level
matrix (test_permission_matrix.py) checks that every view asks these rules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from accounts import permissions, roles
from accounts.factories import UserFactory
from champions.factories import CoachingGroupFactory, MembershipFactory
from people.factories import EmployeeProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(is_superuser=True)


def test_roles_are_read_from_the_users_groups_once(learner, champion, django_assert_num_queries):
    assert permissions.role_names(AnonymousUser()) == frozenset()
    assert permissions.role_names(champion) == {roles.LEARNER, roles.CHAMPION}
    with django_assert_num_queries(0):
        assert permissions.role_names(champion) == {roles.LEARNER, roles.CHAMPION}
    assert permissions.role_names(learner) == {roles.LEARNER}


def test_each_role_check_answers_for_its_own_role_only(learner, champion, hr_user, editor):
    table = {
        user.email: (
            permissions.is_champion(user),
            permissions.is_hr(user),
            permissions.is_editor(user),
        )
        for user in (learner, champion, hr_user, editor)
    }
    assert table == {
        learner.email: (False, False, False),
        champion.email: (True, False, False),
        hr_user.email: (False, True, False),
        editor.email: (False, False, True),
    }


def test_an_administrator_holds_every_role(admin):
    assert permissions.has_role(admin, roles.HR)
    assert permissions.is_champion(admin) and permissions.is_editor(admin)
    assert permissions.has_role(AnonymousUser(), roles.LEARNER) is False


def test_every_active_employee_can_learn_but_not_a_deactivated_one(learner):
    assert permissions.is_learner(learner) is True
    assert permissions.is_learner(AnonymousUser()) is False
    learner.is_active = False
    assert permissions.is_learner(learner) is False


def test_a_protected_page_sends_visitors_to_log_in_and_refuses_the_wrong_role(learner, hr_user):
    view = permissions.hr_required(lambda request: HttpResponse("Bericht"))
    request = RequestFactory().get("/reports/?page=2")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/reports/%3Fpage%3D2"
    request.user = learner
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = hr_user
    assert view(request).content == b"Bericht"


def test_who_may_hand_out_which_roles(admin, hr_user, learner, editor):
    assert permissions.grantable_roles(admin) == (
        roles.LEARNER,
        roles.CHAMPION,
        roles.HR,
        roles.EDITOR,
    )
    assert permissions.grantable_roles(hr_user) == (roles.LEARNER, roles.CHAMPION)
    assert permissions.grantable_roles(learner) == ()
    assert permissions.grantable_roles(editor) == ()


def test_quiz_statistics_and_course_feedback_for_editors_and_hr_only(
    learner, champion, hr_user, editor
):
    for check in (permissions.can_view_quiz_statistics, permissions.can_view_course_feedback):
        assert [check(u) for u in (learner, champion, hr_user, editor)] == [
            False,
            False,
            True,
            True,
        ]


def test_personal_records_belong_to_their_owner(learner, other_learner):
    record = SimpleNamespace(user_id=learner.pk)
    assert permissions.owns(learner, record) is True
    assert permissions.owns(other_learner, record) is False
    assert permissions.owns(AnonymousUser(), SimpleNamespace(user_id=None)) is False


def test_a_champion_coaches_only_the_members_of_their_own_groups(learner, other_learner):
    group = CoachingGroupFactory()
    coach = group.champion.user
    MembershipFactory(group=group, user=learner)
    assert permissions.is_coach_of(coach, learner) is True
    assert permissions.is_coach_of(coach, other_learner) is False
    assert permissions.is_coach_of(learner, coach) is False  # not a champion


def test_a_shared_journey_map_is_seen_by_the_coach_a_private_one_only_by_its_owner(
    learner, other_learner
):
    group = CoachingGroupFactory()
    coach = group.champion.user
    MembershipFactory(group=group, user=learner)
    private = SimpleNamespace(user_id=learner.pk, user=learner, shared_with_champion=False)
    shared = SimpleNamespace(user_id=learner.pk, user=learner, shared_with_champion=True)
    assert permissions.can_view_journey_map(learner, private) is True
    assert permissions.can_view_journey_map(coach, private) is False
    assert permissions.can_view_journey_map(coach, shared) is True
    assert permissions.can_view_journey_map(other_learner, shared) is False


def test_a_manager_is_the_one_on_the_persons_profile(learner, other_learner):
    boss = UserFactory()
    EmployeeProfileFactory(user=learner, manager=boss)
    assert permissions.is_manager_of(boss, learner) is True
    assert permissions.is_manager_of(other_learner, learner) is False
    assert permissions.is_manager_of(boss, other_learner) is False  # no profile
    assert permissions.is_manager_of(AnonymousUser(), learner) is False


def test_floor_observations_by_coach_or_manager_never_by_a_peer_or_oneself(learner, other_learner):
    boss = UserFactory()
    EmployeeProfileFactory(user=learner, manager=boss)
    group = CoachingGroupFactory()
    MembershipFactory(group=group, user=learner)
    assert permissions.can_observe(boss, learner) is True
    assert permissions.can_observe(group.champion.user, learner) is True
    assert permissions.can_observe(other_learner, learner) is False
    assert permissions.can_observe(learner, learner) is False
    assert permissions.can_observe(AnonymousUser(), learner) is False


def test_an_observation_is_seen_by_the_observer_and_once_shared_by_the_observed(
    learner, other_learner, hr_user
):
    observer = UserFactory()

    def observation(shared=False, is_self=False):
        return SimpleNamespace(
            observer_id=observer.pk, observed_id=learner.pk, is_shared=shared, is_self=is_self
        )

    assert permissions.can_view_observation(observer, observation()) is True
    assert permissions.can_view_observation(learner, observation()) is False
    assert permissions.can_view_observation(learner, observation(shared=True)) is True
    assert permissions.can_view_observation(learner, observation(is_self=True)) is True
    assert permissions.can_view_observation(other_learner, observation(shared=True)) is False
    assert permissions.can_view_observation(AnonymousUser(), observation(shared=True)) is False
    # by default HR sees observations only in aggregate (accounts.privacy), never one by one
    assert permissions.hr_sees_individual_observations() is False
    assert permissions.can_view_observation(hr_user, observation(shared=True)) is False


def test_insights_and_outcomes_for_hr_and_managers_of_active_people(learner, hr_user):
    boss = UserFactory()
    assert permissions.can_view_insights(hr_user) is True
    assert permissions.can_view_insights(boss) is False
    assert permissions.manages_people(boss) is False
    assert permissions.can_view_outcomes(boss) is False
    profile = EmployeeProfileFactory(user=learner, manager=boss)
    assert permissions.can_view_insights(boss) is True
    assert permissions.manages_people(boss) is True
    assert permissions.can_view_outcomes(boss) is True
    profile.is_active = False
    profile.save()
    assert permissions.can_view_insights(boss) is False  # only active reports count
    assert permissions.manages_people(boss) is False
    assert permissions.can_view_insights(AnonymousUser()) is False
    assert permissions.manages_people(AnonymousUser()) is False


def test_operations_leads_see_outcomes_and_upload_figures_with_the_permission(hr_user):
    lead = UserFactory()
    assert permissions.can_view_outcomes(lead) is False
    assert permissions.can_manage_figures(lead) is False
    assert permissions.can_view_outcomes(hr_user) is True
    assert permissions.can_manage_figures(hr_user) is True
    lead.user_permissions.add(Permission.objects.get(codename="view_outcomes"))
    lead = type(lead).objects.get(pk=lead.pk)  # permissions are cached per user object
    assert permissions.can_view_outcomes(lead) is True
    assert permissions.can_manage_figures(lead) is False
    lead.user_permissions.add(Permission.objects.get(codename="add_metricvalue"))
    lead = type(lead).objects.get(pk=lead.pk)
    assert permissions.can_manage_figures(lead) is True

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
from champions.factories import ChampionProfileFactory, CoachingGroupFactory, MembershipFactory
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
    another_coach = CoachingGroupFactory().champion.user
    assert permissions.is_coach_of(another_coach, learner) is False  # another group's champion


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


def test_an_import_by_hr_may_not_touch_administrators_staff_hr_or_editors(
    admin, hr_user, editor, champion, learner
):
    staff = UserFactory(is_staff=True)
    hr_and_editor = UserFactory(roles=[roles.HR, roles.EDITOR])
    protected = {admin.pk, staff.pk, hr_user.pk, editor.pk, hr_and_editor.pk}
    assert permissions.accounts_protected_from(hr_user) == protected
    # an administrator, or the command line (no actor), may change every account
    assert permissions.accounts_protected_from(admin) == set()
    assert permissions.accounts_protected_from(None) == set()
    # someone who may hand out no role may change no one who holds one
    assert permissions.accounts_protected_from(learner) == protected | {learner.pk, champion.pk}


def test_an_account_holding_two_protected_roles_is_listed_once(hr_user):
    both = UserFactory(roles=[roles.HR, roles.EDITOR])
    privileged = permissions.privileged_accounts(permissions.PROVISIONED_ROLES)
    assert sorted(privileged.values_list("pk", flat=True)) == [hr_user.pk, both.pk]


def test_the_identity_provider_may_change_learners_and_champions_only(
    admin, hr_user, editor, champion, learner
):
    staff = UserFactory(is_staff=True)
    table = {
        user.email: permissions.is_protected_from_provisioning(user)
        for user in (admin, staff, hr_user, editor, champion, learner)
    }
    assert table == {
        admin.email: True,
        staff.email: True,
        hr_user.email: True,
        editor.email: True,
        champion.email: False,
        learner.email: False,
    }


def test_a_persons_coaches_are_their_groups_champion_and_co_champion(
    learner, other_learner, monkeypatch
):
    co_champion = ChampionProfileFactory()
    group = CoachingGroupFactory(co_champion=co_champion)
    MembershipFactory(group=group, user=learner)
    assert sorted(permissions.coaches_of(learner), key=lambda u: u.pk) == sorted(
        [group.champion.user, co_champion.user], key=lambda u: u.pk
    )
    assert permissions.coaches_of(other_learner) == []
    # without the champions app nobody coaches anyone
    monkeypatch.setattr(permissions, "_coaches_lookup", None)
    assert permissions.coaches_of(learner) == []


def test_the_champions_app_decides_who_coaches_whom(learner, champion, monkeypatch):
    monkeypatch.setattr(permissions, "_coach_lookup", None)
    monkeypatch.setattr(permissions, "_coaches_lookup", None)
    assert permissions.is_coach_of(champion, learner) is False  # no champions app: nobody
    permissions.register_coach_lookup(lambda coach, member: member == learner)
    permissions.register_coaches_lookup(lambda member: [champion])
    assert permissions.is_coach_of(champion, learner) is True
    assert permissions.is_coach_of(learner, learner) is False  # only champions coach
    assert permissions.coaches_of(learner) == [champion]


@pytest.fixture
def chain(db):
    """Anna leads Bernd, Bernd leads Carla; Carla has no reports."""
    anna, bernd, carla = (UserFactory(first_name=name) for name in ("Anna", "Bernd", "Carla"))
    EmployeeProfileFactory(user=anna)
    EmployeeProfileFactory(user=bernd, manager=anna)
    EmployeeProfileFactory(user=carla, manager=bernd)
    return SimpleNamespace(anna=anna, bernd=bernd, carla=carla)


def test_my_team_holds_my_direct_reports_only_by_default(chain, settings):
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = False
    assert permissions.leads_team_of(chain.anna, chain.bernd) is True
    assert permissions.leads_team_of(chain.bernd, chain.carla) is True
    assert permissions.leads_team_of(chain.anna, chain.carla) is False  # a report's report
    assert permissions.leads_team_of(chain.carla, chain.bernd) is False  # upwards
    assert permissions.leads_team_of(AnonymousUser(), chain.bernd) is False
    assert permissions.leads_team_of(chain.anna, None) is False


def test_my_team_reaches_down_the_whole_chain_when_indirect_reports_are_on(chain, settings):
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = True
    dora = UserFactory(first_name="Dora")
    EmployeeProfileFactory(user=dora, manager=chain.carla)
    assert permissions.leads_team_of(chain.anna, dora) is True
    assert permissions.leads_team_of(chain.bernd, dora) is True
    assert permissions.leads_team_of(chain.carla, dora) is True
    assert permissions.leads_team_of(dora, chain.anna) is False  # upwards
    assert permissions.leads_team_of(chain.anna, chain.anna) is False  # never oneself
    outsider = UserFactory()
    EmployeeProfileFactory(user=outsider)  # no manager at all
    assert permissions.leads_team_of(chain.anna, outsider) is False


def test_someone_who_left_or_was_deactivated_is_no_longer_in_my_team(chain, settings):
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = True
    chain.bernd.employee.is_active = False  # left the company, account still open
    chain.bernd.employee.save()
    assert permissions.leads_team_of(chain.anna, chain.bernd) is False
    chain.carla.is_active = False  # account closed
    chain.carla.save()
    assert permissions.leads_team_of(chain.bernd, chain.carla) is False
    assert permissions.leads_team_of(chain.anna, UserFactory()) is False  # no profile


def test_a_circular_manager_chain_ends_without_a_match(chain, settings):
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = True
    chain.anna.employee.manager = chain.carla  # Carla leads Anna, who leads Bernd, who leads Carla
    chain.anna.employee.save()
    outsider = UserFactory()
    assert permissions.leads_team_of(outsider, chain.carla) is False
    assert permissions.leads_team_of(chain.anna, chain.carla) is True
    # a loop above the person: Dora reports to Anna, and Anna and Bernd lead each other
    chain.anna.employee.manager = chain.bernd
    chain.anna.employee.save()
    dora = UserFactory(first_name="Dora")
    EmployeeProfileFactory(user=dora, manager=chain.anna)
    assert permissions.leads_team_of(outsider, dora) is False
    assert permissions.leads_team_of(chain.bernd, dora) is True


def test_a_person_recorded_as_their_own_manager_is_not_their_own_team(chain, settings):
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = True
    chain.carla.employee.manager = chain.carla
    chain.carla.employee.save()
    assert permissions.leads_team_of(chain.carla, chain.carla) is False


def test_without_a_user_every_rule_refuses(learner, settings):
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = True
    EmployeeProfileFactory(user=learner)  # without a manager
    record = SimpleNamespace(user_id=None, user=learner, shared_with_champion=True)
    observation = SimpleNamespace(observer_id=None, observed_id=learner.pk, is_shared=True)
    assert permissions.role_names(None) == frozenset()
    assert permissions.grantable_roles(None) == ()
    answers = [
        permissions.shows_team_menu(None),
        permissions.has_role(None, roles.LEARNER),
        permissions.is_learner(None),
        permissions.is_champion(None),
        permissions.is_hr(None),
        permissions.is_editor(None),
        permissions.owns(None, record),
        permissions.is_coach_of(None, learner),
        permissions.can_view_journey_map(None, record),
        permissions.is_manager_of(None, learner),
        permissions.leads_team_of(None, learner),
        permissions.can_observe(None, learner),
        permissions.can_view_observation(None, observation),
        permissions.can_view_insights(None),
        permissions.manages_people(None),
        permissions.can_view_team(None),
        permissions.can_view_recertification_report(None),
        permissions.can_view_quiz_statistics(None),
        permissions.can_view_course_feedback(None),
        permissions.can_view_retention(None),
    ]
    assert answers == [False] * len(answers)


def test_hr_sees_shared_observations_one_by_one_only_when_the_privacy_settings_allow_it(
    learner, hr_user, champion, privacy_settings
):
    observer = UserFactory()

    def observation(shared):
        return SimpleNamespace(
            observer_id=observer.pk, observed_id=learner.pk, is_shared=shared, is_self=False
        )

    privacy_settings(hr_individual_observations=True)
    assert permissions.hr_sees_individual_observations() is True
    assert permissions.can_view_observation(hr_user, observation(shared=True)) is True
    assert permissions.can_view_observation(hr_user, observation(shared=False)) is False
    assert permissions.can_view_observation(champion, observation(shared=True)) is False


def test_the_my_team_menu_shows_for_people_with_active_direct_reports_only(
    learner, other_learner, django_assert_num_queries
):
    boss = UserFactory(roles=[roles.LEARNER])
    EmployeeProfileFactory(user=learner, manager=boss)
    former_boss = UserFactory(roles=[roles.LEARNER])
    EmployeeProfileFactory(user=other_learner, manager=former_boss, is_active=False)
    with django_assert_num_queries(1):  # roles and team read together, once
        assert permissions.shows_team_menu(boss) is True
        assert permissions.role_names(boss) == {roles.LEARNER}
    assert permissions.shows_team_menu(former_boss) is False
    assert permissions.role_names(former_boss) == {roles.LEARNER}
    assert permissions.shows_team_menu(learner) is False
    assert permissions.shows_team_menu(AnonymousUser()) is False


def test_my_team_is_for_people_with_active_direct_reports(learner):
    boss = UserFactory()
    assert permissions.can_view_team(boss) is False
    profile = EmployeeProfileFactory(user=learner, manager=boss)
    assert permissions.can_view_team(boss) is True
    profile.is_active = False
    profile.save()
    assert permissions.can_view_team(boss) is False


def test_the_expiring_certificates_report_is_for_hr_only(learner, champion, hr_user, editor):
    assert [
        permissions.can_view_recertification_report(user)
        for user in (learner, champion, hr_user, editor)
    ] == [False, False, True, False]

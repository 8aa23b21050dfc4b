"""The factories build valid objects."""

from __future__ import annotations

import pytest

from accounts.factories import UserFactory
from people.factories import EmployeeProfileFactory, TeamFactory


@pytest.mark.django_db
def test_user_factory_builds_a_verified_user_with_roles():
    user = UserFactory(roles=["HR"])
    assert user.groups.filter(name="HR").exists()
    assert user.emailaddress_set.get().verified
    assert user.check_password("correct-horse-42")


@pytest.mark.django_db
def test_people_factories_build():
    profile = EmployeeProfileFactory()
    team = TeamFactory()
    assert profile.user.employee == profile
    assert team.department.pk


@pytest.mark.django_db
def test_champions_factories_build_a_coached_group():
    from accounts.permissions import is_coach_of
    from champions.factories import ActionItemFactory

    item = ActionItemFactory()
    group = item.session.group
    champion = group.champion.user
    assert champion.groups.filter(name="Champion").exists()
    assert item.session.created_by == champion
    assert group.memberships.get(ended_on__isnull=True).user == item.owner
    assert is_coach_of(champion, item.owner)  # the registered coach lookup sees the membership


@pytest.mark.django_db
def test_assignment_factories_build_with_a_course(tree):
    from assignments.factories import AssignmentFactory, AssignmentRuleFactory
    from assignments.services import apply_rule

    person = EmployeeProfileFactory().user
    rule = AssignmentRuleFactory(course=tree.course, people=[person])
    assert list(rule.people.all()) == [person]
    assert apply_rule(rule) == 1
    other = AssignmentFactory(course=tree.course)
    assert other.user != person and other.course == tree.course


@pytest.mark.django_db
def test_journey_factories_build_a_map_with_touchpoints_and_a_comment(tree):
    from journeys.factories import JourneyMapFactory, MapCommentFactory, TouchpointFactory

    journey_map = JourneyMapFactory(lesson=tree.lessons[0], block_id="b1")
    TouchpointFactory.create_batch(2, journey_map=journey_map)
    comment = MapCommentFactory(journey_map=journey_map)
    assert journey_map.touchpoints.count() == 2
    assert comment.author == journey_map.user


def test_observation_factories_build(tree):
    from champions.factories import checklist_with

    checklist = checklist_with(behaviours=3, optional=1, lessons=tree.lessons[:1])
    behaviours = list(checklist.behaviours.all())
    assert [b.optional for b in behaviours] == [False, False, True]
    assert list(behaviours[0].lessons.all()) == [tree.lessons[0]]

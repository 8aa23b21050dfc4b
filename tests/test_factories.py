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
def test_observation_factories_build(tree):
    from champions.factories import checklist_with

    checklist = checklist_with(behaviours=3, optional=1, lessons=tree.lessons[:1])
    behaviours = list(checklist.behaviours.all())
    assert [b.optional for b in behaviours] == [False, False, True]
    assert list(behaviours[0].lessons.all()) == [tree.lessons[0]]

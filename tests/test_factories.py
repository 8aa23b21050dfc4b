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

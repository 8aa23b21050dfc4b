"""A small organisation for My team tests: a manager (Maria) with two direct reports, one of
whom (Tom) leads a report of his own (Ida); another manager (Otto) with his own report; one
published course with a final exam-less lesson tree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
import time_machine

from accounts import roles
from accounts.factories import UserFactory
from assignments.models import Assignment
from curriculum.factories import build_course_tree
from people.factories import EmployeeProfileFactory, TeamFactory

TODAY = datetime.date(2026, 6, 15)


@dataclass
class Org:
    maria: object
    anna: object
    tom: object
    ida: object
    otto: object
    olga: object
    tree: object
    team: object


def person(first: str, manager=None, team=None, language: str = "de", **profile):
    user = UserFactory(
        roles=[roles.LEARNER],
        first_name=first,
        last_name="Muster",
        email=f"{first.lower()}@cx-academy.example",
        preferred_language=language,
    )
    EmployeeProfileFactory(user=user, manager=manager, team=team, **profile)
    return user


@pytest.fixture
def frozen_today():
    with time_machine.travel(
        datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield TODAY


@pytest.fixture
def org(db, home_page) -> Org:
    team = TeamFactory(name="Hotline Nord")
    maria = person("Maria")
    tom = person("Tom", manager=maria, team=team)
    anna = person("Anna", manager=maria, team=team, language="en")
    ida = person("Ida", manager=tom, team=team)
    otto = person("Otto")
    olga = person("Olga", manager=otto)
    tree = build_course_tree(home_page, lessons=2)
    return Org(maria, anna, tom, ida, otto, olga, tree, team)


def assign(user, course, due: datetime.date) -> Assignment:
    return Assignment.objects.create(user=user, course=course, due_date=due)

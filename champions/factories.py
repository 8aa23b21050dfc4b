"""Test factories for champions: profiles, coaching groups, memberships, sessions, action items,
and floor-observation checklists."""

from __future__ import annotations

import datetime

import factory

from accounts import roles
from accounts.factories import UserFactory

from .models import (
    ActionItem,
    Behaviour,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
    Membership,
    ObservationChecklist,
)


class ChampionProfileFactory(factory.django.DjangoModelFactory):
    """An active champion (their user holds the Champion role)."""

    class Meta:
        model = ChampionProfile

    user = factory.SubFactory(UserFactory, roles=[roles.LEARNER, roles.CHAMPION])
    status = ChampionStatus.ACTIVE
    capacity = 5
    bio = "Ich helfe gern bei schwierigen Kundengesprächen."


class CoachingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingGroup

    name = factory.Sequence(lambda n: f"Runde {n}")
    champion = factory.SubFactory(ChampionProfileFactory)
    start_date = datetime.date(2026, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member of a coaching group."""

    class Meta:
        model = Membership

    group = factory.SubFactory(CoachingGroupFactory)
    user = factory.SubFactory(UserFactory)


class CoachingSessionFactory(factory.django.DjangoModelFactory):
    """A session the group's champion held."""

    class Meta:
        model = CoachingSession

    group = factory.SubFactory(CoachingGroupFactory)
    held_on = datetime.date(2026, 2, 1)
    topic = "Beschwerden in Chancen verwandeln"
    created_by = factory.LazyAttribute(lambda session: session.group.champion.user)


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An open action item agreed in a session, owned by a member of its group."""

    class Meta:
        model = ActionItem

    session = factory.SubFactory(CoachingSessionFactory)
    owner = factory.LazyAttribute(lambda item: MembershipFactory(group=item.session.group).user)
    description = "Rückruf innerhalb von 24 Stunden testen"
    due_date = datetime.date(2026, 3, 1)


class ObservationChecklistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservationChecklist

    title_de = factory.Sequence(lambda n: f"Service am Schalter {n}")
    title_en = factory.Sequence(lambda n: f"Service at the counter {n}")


class BehaviourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Behaviour

    checklist = factory.SubFactory(ObservationChecklistFactory)
    text_de = factory.Sequence(lambda n: f"Begrüßt den Kunden ({n})")
    text_en = factory.Sequence(lambda n: f"Greets the customer ({n})")
    sort_order = factory.Sequence(lambda n: n)


def checklist_with(behaviours: int = 3, optional: int = 0, lessons=None, **fields):
    """A checklist with `behaviours` behaviours, the last `optional` of them optional, each
    linked to `lessons`."""
    checklist = ObservationChecklistFactory(**fields)
    for n in range(behaviours):
        behaviour = BehaviourFactory(
            checklist=checklist, sort_order=n, optional=n >= behaviours - optional
        )
        if lessons:
            behaviour.lessons.set(lessons)
            behaviour.save()
    return checklist

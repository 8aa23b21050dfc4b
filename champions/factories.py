"""Test factories for floor observations."""

from __future__ import annotations

import factory

from .models import Behaviour, ObservationChecklist


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

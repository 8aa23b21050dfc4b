"""Test factories for journey maps and their touchpoints.

A map belongs to a lesson's journey-map block: pass `lesson=` and `block_id=`."""

from __future__ import annotations

import factory

from accounts.factories import UserFactory

from .models import JourneyMap, MapComment, Touchpoint


class JourneyMapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyMap

    user = factory.SubFactory(UserFactory)


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint

    journey_map = factory.SubFactory(JourneyMapFactory)
    phase = 0
    name = factory.Sequence(lambda n: f"Touchpoint {n}")
    channel = "Telefon"
    emotion = -1


class MapCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MapComment

    journey_map = factory.SubFactory(JourneyMapFactory)
    author = factory.LazyAttribute(lambda comment: comment.journey_map.user)
    text = "Was wäre der erste Schritt?"

"""Test factories for mandatory training: rules and assignments.

A course is a Wagtail page and needs a place in the tree: pass `course=` (e.g. from
`curriculum.factories.build_course_tree`)."""

from __future__ import annotations

import datetime

import factory

from accounts.factories import UserFactory

from .models import Assignment, AssignmentRule, TargetKind


class AssignmentRuleFactory(factory.django.DjangoModelFactory):
    """A rule assigning a course to named people by a fixed date (add them with `people=`)."""

    class Meta:
        model = AssignmentRule
        skip_postgeneration_save = True

    target_kind = TargetKind.PEOPLE
    due_date = datetime.date(2026, 12, 31)

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if create and extracted:
            self.people.set(extracted)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """One person's assignment of a course."""

    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory)
    due_date = datetime.date(2026, 12, 31)

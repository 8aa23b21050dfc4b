"""Test factories for curriculum pages (wagtail-factories) and a small ready-made course tree."""

from __future__ import annotations

from dataclasses import dataclass

import wagtail_factories

from .models import CoursePage, CurriculumIndexPage, LearningPathPage, LessonPage


class CurriculumIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CurriculumIndexPage

    title = "Curriculum"


class LearningPathPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LearningPathPage

    title = "Service-Team"
    audience = "service_staff"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = "CX-Grundlagen"
    summary = "Was Customer Experience ist."


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = "Lektion"
    minutes = 10
    body = [("text", "<p>Kundenerlebnis beginnt vor dem ersten Kontakt.</p>")]


@dataclass
class CourseTree:
    """A path with one course of `lessons`, built under the site's home page."""

    index: CurriculumIndexPage
    path: LearningPathPage
    course: CoursePage
    lessons: list[LessonPage]


def build_course_tree(home, lessons: int = 3, **course_fields) -> CourseTree:
    """Index → path → course → lessons, all published."""
    index = CurriculumIndexPageFactory(parent=home, slug="curriculum")
    path = LearningPathPageFactory(parent=index, slug="service-team")
    course = CoursePageFactory(parent=path, slug="cx-grundlagen", **course_fields)
    built = [
        LessonPageFactory(parent=course, title=f"Lektion {n}", slug=f"lektion-{n}")
        for n in range(1, lessons + 1)
    ]
    return CourseTree(index, path, course, built)

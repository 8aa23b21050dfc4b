"""Editors' content rules from issue #15: German slugs with "ue", and a word when a German
change leaves a translation behind."""

from __future__ import annotations

import datetime

import pytest

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.utils import timezone

from wagtail.models import Locale

from core.pages import german_slug, translation_gaps
from curriculum.factories import LessonPageFactory
from curriculum.wagtail_hooks import translation_gaps_after_create, translation_gaps_after_edit


def test_german_slug_writes_umlauts_as_the_content_does():
    assert german_slug("Kunden zuhören") == "kunden-zuhoeren"
    assert german_slug("Ärger über Größe") == "aerger-ueber-groesse"
    assert german_slug("Beschwerde-Management") == "beschwerde-management"


@pytest.mark.django_db
def test_new_pages_get_the_ue_slug_unless_the_editor_chose_one(tree):
    automatic = LessonPageFactory(parent=tree.course, title="Kunden zuhören", slug="kunden-zuhoren")
    assert automatic.slug == "kunden-zuhoeren"
    empty = LessonPageFactory(parent=tree.course, title="Übung macht", slug="")
    assert empty.slug == "uebung-macht"
    chosen = LessonPageFactory(parent=tree.course, title="Prüfung", slug="abschluss")
    assert chosen.slug == "abschluss"


@pytest.fixture
def english_course(tree):
    english = tree.course.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.save_revision().publish()
    return english


def request_with_messages(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.django_db
def test_a_new_german_lesson_says_there_is_no_english_version(tree, english_course, editor):
    lesson = LessonPageFactory(parent=tree.course, title="Neue Lektion", slug="neu")
    gaps = translation_gaps(lesson)
    assert [(g["locale"].language_code, g["translation"]) for g in gaps] == [("en", None)]
    request = request_with_messages(editor)
    assert translation_gaps_after_create(request, lesson) is None
    (message,) = get_messages(request)
    assert "Neue Lektion" in str(message) and "Englisch" in str(message)
    assert f"/admin/translation/submit/page/{lesson.pk}/" in str(message)


@pytest.mark.django_db
def test_editing_the_german_course_marks_the_english_one_out_of_date(tree, english_course, editor):
    assert translation_gaps(tree.course) == []  # the translation is newer
    later = timezone.now() + datetime.timedelta(minutes=5)
    tree.course.title = "CX-Grundlagen neu"
    revision = tree.course.save_revision()
    revision.created_at = later
    revision.save()
    tree.course.refresh_from_db()
    tree.course.latest_revision_created_at = later
    (gap,) = translation_gaps(tree.course)
    assert gap["translation"].pk == english_course.pk
    request = request_with_messages(editor)
    translation_gaps_after_edit(request, tree.course)
    (message,) = get_messages(request)
    assert "veraltet" in str(message)
    assert f"/admin/pages/{english_course.pk}/edit/" in str(message)
    # an English page is never the source of a warning
    assert translation_gaps(english_course) == []

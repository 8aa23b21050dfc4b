"""Learner pages cost a fixed number of queries, pinned here so a regression fails CI.

Each page is fetched once to warm what is cached for everyone (locales, site settings, site root
paths, and what core/content_cache.py keeps: routes, course outlines, quizzes, course cards), then
counted. The counts are those of the test settings: sessions in the database (one
query more than production's cached sessions with Redis)."""

from __future__ import annotations

import pytest

from curriculum import services
from curriculum.factories import CoursePageFactory, LessonPageFactory
from quizzes import services as quiz_services


def counted(client, url: str, django_assert_num_queries, expected: int):
    client.get(url)  # warm the shared caches
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_my_learning_queries_are_pinned_and_constant(
    client_as, learner, tree, django_assert_num_queries
):
    client = client_as(learner)
    services.complete_lesson(learner, tree.lessons[0])
    for n in range(6):
        course = CoursePageFactory(parent=tree.path, slug=f"kurs-{n}", title=f"Kurs {n}")
        services.complete_lesson(learner, LessonPageFactory(parent=course, slug=f"l-{n}"))
        LessonPageFactory(parent=course, slug=f"m-{n}")
    # + dashboard: assignments, action items, enrolments, completions, certificates; the
    # CX-Minute's practice days and questions due; whether the person leads a team (the "My team"
    # link); every page: session, user, roles. From the shared cache (core/content_cache.py):
    # site, route, view restrictions, curriculum index, the courses, their lessons and cards, the
    # "continue" lesson.
    response = counted(client, "/", django_assert_num_queries, 11)
    assert "Kurs 5" in response.content.decode()


@pytest.mark.django_db
def test_lesson_page_with_a_quiz_queries_are_pinned(
    client_as, learner, tree, quiz_lesson, django_assert_num_queries
):
    client = client_as(learner)
    # + the page, enrolment, done?, reflections, the quiz's attempts; every page: session, user,
    # roles. What is the same for everyone comes from the shared cache (core/content_cache.py):
    # site, route, view restrictions, the course, its prerequisites and lessons, the page's
    # translations (language switcher), the quiz and its question count.
    response = counted(client, quiz_lesson.url, django_assert_num_queries, 8)
    assert 'name="context"' in response.content.decode()


@pytest.mark.django_db
def test_learning_path_queries_do_not_grow_with_courses(
    client_as, learner, tree, django_assert_num_queries
):
    client = client_as(learner)
    for n in range(8):
        course = CoursePageFactory(parent=tree.path, slug=f"kurs-{n}", title=f"Kurs {n}")
        LessonPageFactory(parent=course, slug=f"l-{n}")
    # + the page, completions, enrolments; every page: session, user, roles. From the shared
    # cache: site, route, view restrictions, the courses, their lessons and cards, the parent
    # page, the page's translations.
    response = counted(client, tree.path.url, django_assert_num_queries, 6)
    assert "Kurs 7" in response.content.decode()


@pytest.mark.django_db
def test_quiz_submit_scores_in_one_update(learner, quiz_lesson, knowledge_check, tree):
    """Submit: lock and read the attempt with its quiz, its questions, one UPDATE; then the
    passed quiz completes the lesson without re-reading what it was given."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attempt = quiz_services.start_attempt(
        learner, knowledge_check, context_key=f"lesson:{quiz_lesson.pk}"
    )
    answers = {
        str(q.pk): [next(o["id"] for o in q.option_items() if o["correct"])]
        for q in quiz_services.attempt_questions(attempt)
    }
    with CaptureQueriesContext(connection) as ctx:
        result = quiz_services.submit_attempt(attempt, answers=answers)
    assert result.passed
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert len([sql for sql in updates if "quizzes_attempt" in sql]) == 1
    assert services.completed_lesson_ids(learner, tree.course) == {quiz_lesson.pk}


@pytest.mark.django_db
def test_passing_a_knowledge_check_completes_the_lesson_in_pinned_queries(
    learner, quiz_lesson, knowledge_check, tree, django_assert_num_queries
):
    attempt = quiz_services.start_attempt(
        learner, knowledge_check, context_key=f"lesson:{quiz_lesson.pk}"
    )
    answers = {
        str(q.pk): [next(o["id"] for o in q.option_items() if o["correct"])]
        for q in quiz_services.attempt_questions(attempt)
    }
    # Scoring: lock and read the attempt with its quiz, the UPDATE. The lesson completes: the
    # lesson, its completion (none yet), the lock (course, prerequisites), the enrolment (new),
    # the INSERT, the course's lessons and completions (not all done). The CX-Minute: passed
    # quizzes, their lessons and courses, completed courses, question counts, cards, the new
    # cards. With the savepoints of each transaction: 28.
    with django_assert_num_queries(28):
        quiz_services.submit_attempt(attempt, answers=answers)
    assert services.completed_lesson_ids(learner, tree.course) == {quiz_lesson.pk}

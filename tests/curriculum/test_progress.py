"""Enrolment, completion, locks, continue, quiz-driven completion and "My learning"."""

from __future__ import annotations

import pytest

from curriculum import services
from curriculum.factories import CoursePageFactory, LessonPageFactory
from curriculum.models import CourseEnrolment, LessonCompletion
from quizzes import services as quiz_services


def _answer_all_right(attempt):
    from quizzes.demo import _right_answer

    attempt.answers = {
        str(q.pk): _right_answer(q.kind, q.option_items())
        for q in quiz_services.attempt_questions(attempt)
    }
    attempt.save()


@pytest.mark.django_db
def test_opening_a_lesson_enrols_implicitly_and_continue_points_there(client_as, learner, tree):
    client = client_as(learner)
    client.get(tree.lessons[1].url)
    enrolment = CourseEnrolment.objects.get(user=learner, course=tree.course)
    assert enrolment.last_lesson_id == tree.lessons[1].pk
    assert services.course_progress(learner, tree.course).next_lesson == tree.lessons[1]


@pytest.mark.django_db
def test_start_course_redirects_to_first_open_lesson(client_as, learner, tree):
    response = client_as(learner).post(f"/learning/courses/{tree.course.pk}/start/")
    assert response.status_code == 302
    assert response["Location"] == tree.lessons[0].url
    assert CourseEnrolment.objects.filter(user=learner, course=tree.course).exists()


@pytest.mark.django_db
def test_mark_done_moves_progress_and_completes_course(client_as, learner, tree):
    client = client_as(learner)
    for index, lesson in enumerate(tree.lessons, start=1):
        response = client.post(f"/learning/lessons/{lesson.pk}/done/")
        assert response.status_code == 302
        assert services.course_progress(learner, tree.course).done == index
    # marking twice counts once
    client.post(f"/learning/lessons/{tree.lessons[0].pk}/done/")
    assert LessonCompletion.objects.filter(user=learner).count() == 3
    enrolment = CourseEnrolment.objects.get(user=learner, course=tree.course)
    assert enrolment.completed_at is not None
    page = client.get(tree.course.url).content.decode()
    assert "100 %" in page and "/download/" in page


@pytest.mark.django_db
def test_in_order_lock_blocks_a_forged_lesson_url(client_as, learner, tree):
    tree.course.lessons_in_order = True
    tree.course.save_revision().publish()
    client = client_as(learner)
    response = client.get(tree.lessons[2].url)
    assert response.status_code == 403
    html = response.content.decode()
    assert tree.lessons[0].title in html  # links to what to do first
    assert tree.lessons[0].url in html
    forged = client.post(f"/learning/lessons/{tree.lessons[2].pk}/done/")
    assert forged.status_code == 302
    assert not LessonCompletion.objects.filter(user=learner, lesson=tree.lessons[2]).exists()
    client.post(f"/learning/lessons/{tree.lessons[0].pk}/done/")
    client.post(f"/learning/lessons/{tree.lessons[1].pk}/done/")
    assert client.get(tree.lessons[2].url).status_code == 200


@pytest.mark.django_db
def test_prerequisite_lock(client_as, learner, tree):
    advanced = CoursePageFactory(parent=tree.path, slug="fortgeschritten", title="Fortgeschritten")
    lesson = LessonPageFactory(parent=advanced, slug="vertiefung", title="Vertiefung")
    advanced.prerequisites.add(tree.course)
    advanced.save_revision().publish()
    client = client_as(learner)
    response = client.get(lesson.url)
    assert response.status_code == 403
    assert tree.course.title in response.content.decode()
    start = client.post(f"/learning/courses/{advanced.pk}/start/")
    assert start["Location"] == advanced.url
    assert not CourseEnrolment.objects.filter(user=learner, course=advanced).exists()


def _embed(lesson, quiz):
    """Put the quiz into the lesson as a knowledge check (as an editor would)."""
    lesson.body = [("quiz", {"quiz": quiz})]
    lesson.save_revision().publish()


@pytest.mark.django_db
def test_passing_the_lesson_quiz_completes_the_lesson(learner, tree, knowledge_check):
    lesson = tree.lessons[0]
    _embed(lesson, knowledge_check)
    attempt = quiz_services.start_attempt(
        learner, knowledge_check, context_key=f"lesson:{lesson.pk}"
    )
    _answer_all_right(attempt)
    quiz_services.submit_attempt(attempt)
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()


@pytest.mark.django_db
def test_failed_quiz_does_not_complete_the_lesson(learner, tree, knowledge_check):
    lesson = tree.lessons[0]
    attempt = quiz_services.start_attempt(
        learner, knowledge_check, context_key=f"lesson:{lesson.pk}"
    )
    quiz_services.submit_attempt(attempt)  # no answers: 0 %
    assert not LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()


@pytest.mark.django_db
def test_final_exam_is_required_for_course_completion(client_as, learner, tree, knowledge_check):
    tree.course.final_exam = knowledge_check
    tree.course.save_revision().publish()
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    enrolment = CourseEnrolment.objects.get(user=learner, course=tree.course)
    assert enrolment.completed_at is None
    html = client_as(learner).get(tree.course.url).content.decode()
    token = quiz_services.sign_context(knowledge_check, f"course:{tree.course.pk}")
    assert f'value="{token}"' in html  # exam offered (with its signed context) once lessons done
    attempt = quiz_services.start_attempt(
        learner, knowledge_check, context_key=f"course:{tree.course.pk}"
    )
    _answer_all_right(attempt)
    quiz_services.submit_attempt(attempt)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


@pytest.mark.django_db
def test_progress_actions_need_login_and_post(client, client_as, learner, tree):
    url = f"/learning/lessons/{tree.lessons[0].pk}/done/"
    assert client.post(url).status_code == 302
    assert "/accounts/login/" in client.post(url)["Location"]
    assert client_as(learner).get(url).status_code == 405
    assert client_as(learner).post("/learning/lessons/999999/done/").status_code == 404


@pytest.mark.django_db
def test_course_page_query_count_is_constant_in_lessons(
    client_as, learner, tree, django_assert_max_num_queries
):
    client = client_as(learner)
    services.complete_lesson(learner, tree.lessons[0])
    client.get(tree.course.url)  # warm caches (site, locales)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(tree.course.url)
    for n in range(4, 12):
        LessonPageFactory(parent=tree.course, slug=f"extra-{n}", title=f"Extra {n}")
    client.get(tree.course.url)
    with CaptureQueriesContext(connection) as many:
        client.get(tree.course.url)
    assert len(many) == len(few)


@pytest.mark.django_db
def test_my_learning_query_count_is_constant_in_courses(client_as, learner, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(learner)
    services.complete_lesson(learner, tree.lessons[0])
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        response = client.get("/")
    assert tree.course.title in response.content.decode()
    for n in range(5):
        course = CoursePageFactory(parent=tree.path, slug=f"kurs-{n}", title=f"Kurs {n}")
        lesson = LessonPageFactory(parent=course, slug=f"l-{n}")
        LessonPageFactory(parent=course, slug=f"m-{n}")
        services.complete_lesson(learner, lesson)
    client.get("/")  # the new courses' outlines and cards, cached for everyone
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert "Kurs 4" in response.content.decode()
    assert len(many) == len(few)


@pytest.mark.django_db
def test_progress_for_users_is_bulk(learner, other_learner, tree, django_assert_num_queries):
    services.complete_lesson(learner, tree.lessons[0])
    with django_assert_num_queries(3):  # lessons, completions, enrolments (locale is cached)
        result = services.progress_for_users([learner, other_learner], [tree.course])
    assert result[(learner.pk, tree.course.pk)]["percent"] == 33
    assert (other_learner.pk, tree.course.pk) not in result

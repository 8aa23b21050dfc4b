"""No unearned completion: the context of a quiz comes from its page, and complete_lesson keeps
locks and prerequisites for every caller (button, quiz, journey map)."""

from __future__ import annotations

import pytest

from curriculum import services
from curriculum.factories import CoursePageFactory, LessonPageFactory
from curriculum.models import Certificate, LessonCompletion
from journeys.signals import journey_map_completed
from quizzes import services as quiz_services
from quizzes.demo import _right_answer
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt


@pytest.fixture
def ordered(tree, knowledge_check):
    """The course is taken in order; lesson 3 embeds the knowledge check."""
    tree.course.lessons_in_order = True
    tree.course.save_revision().publish()
    locked = tree.lessons[2]
    locked.body = [("quiz", {"quiz": knowledge_check})]
    locked.save_revision().publish()
    return tree


@pytest.fixture
def easy_quiz(db):
    quiz = QuizFactory(title="Leicht", pass_mark=1)
    QuestionFactory(quiz=quiz)
    return quiz


def _pass_through_views(client, quiz, context: str = "") -> Attempt:
    client.post(f"/quizzes/{quiz.pk}/start/", {"context": context, "next": "/"})
    attempt = Attempt.objects.filter(quiz=quiz).latest("started_at")
    data = {
        f"q{q.pk}": _right_answer(q.kind, q.option_items())
        for q in quiz_services.attempt_questions(attempt)
    }
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {**data, "next": "/"})
    attempt.refresh_from_db()
    return attempt


@pytest.mark.django_db
def test_a_forged_context_is_refused(client_as, learner, ordered, easy_quiz):
    """Regression: context_key=lesson:<locked lesson> on an easy quiz completed that lesson."""
    client = client_as(learner)
    locked = ordered.lessons[2]
    for forged in (
        f"lesson:{locked.pk}",
        f"{easy_quiz.pk}|lesson:{locked.pk}",
        f"{easy_quiz.pk}|lesson:{locked.pk}:forgedsignature",
        quiz_services.sign_context(QuizFactory(), f"lesson:{locked.pk}"),  # another quiz's
    ):
        response = client.post(
            f"/quizzes/{easy_quiz.pk}/start/", {"context": forged, "next": "/"}, follow=True
        )
        assert response.status_code == 200
        assert "auf der Seite, die ihn enthält" in response.content.decode()
    assert not Attempt.objects.filter(quiz=easy_quiz).exists()
    assert not LessonCompletion.objects.filter(user=learner).exists()


@pytest.mark.django_db
def test_a_quiz_completes_only_a_lesson_that_embeds_it(client_as, learner, tree, easy_quiz):
    """Even a context signed by the server completes nothing unless that page embeds the quiz."""
    lesson = tree.lessons[0]
    attempt = _pass_through_views(
        client_as(learner), easy_quiz, quiz_services.sign_context(easy_quiz, f"lesson:{lesson.pk}")
    )
    assert attempt.passed and attempt.context_key == f"lesson:{lesson.pk}"
    assert not LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()


@pytest.mark.django_db
def test_no_certificate_from_an_easy_quiz_posing_as_the_exam(
    client_as, learner, tree, easy_quiz, knowledge_check
):
    """Regression: course:<id> on an easy quiz issued the certificate without the exam."""
    tree.course.final_exam = knowledge_check
    tree.course.save_revision().publish()
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    attempt = quiz_services.start_attempt(
        learner, easy_quiz, context_key=f"course:{tree.course.pk}"
    )
    quiz_services.save_answers(
        attempt,
        {
            str(q.pk): _right_answer(q.kind, q.option_items())
            for q in quiz_services.attempt_questions(attempt)
        },
    )
    assert quiz_services.submit_attempt(attempt).passed
    assert not Certificate.objects.filter(user=learner).exists()


@pytest.mark.django_db
def test_the_lesson_quiz_completes_its_open_lesson_through_the_page(client_as, learner, ordered):
    """The real journey: open the lesson, start its quiz from the page's form, pass it."""
    client = client_as(learner)
    for lesson in ordered.lessons[:2]:
        services.complete_lesson(learner, lesson)
    lesson = ordered.lessons[2]
    html = client.get(lesson.url).content.decode()
    context = html.split('name="context" value="', 1)[1].split('"', 1)[0]
    quiz = lesson.body[0].value["quiz"]
    assert _pass_through_views(client, quiz, context).passed
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()


@pytest.mark.django_db
def test_complete_lesson_keeps_the_order_for_every_caller(client_as, learner, ordered):
    """Regression: journey-map completion (and a quiz) skipped the lesson lock."""
    locked = ordered.lessons[2]
    with pytest.raises(services.LessonLocked):
        services.complete_lesson(learner, locked)
    journey_map_completed.send(
        sender=None, journey_map=None, user=learner, lesson_page_id=locked.pk
    )
    assert not LessonCompletion.objects.filter(user=learner, lesson=locked).exists()
    response = client_as(learner).post(f"/learning/lessons/{locked.pk}/done/")
    assert response.status_code == 302
    assert not LessonCompletion.objects.filter(user=learner, lesson=locked).exists()
    for lesson in ordered.lessons:
        services.complete_lesson(learner, lesson)
    assert LessonCompletion.objects.filter(user=learner).count() == 3


@pytest.mark.django_db
def test_complete_lesson_needs_the_prerequisites(learner, tree):
    advanced = CoursePageFactory(parent=tree.path, slug="fortgeschritten", title="Fortgeschritten")
    lesson = LessonPageFactory(parent=advanced, slug="f-1")
    advanced.prerequisites.add(tree.course)
    advanced.save_revision().publish()
    with pytest.raises(services.LessonLocked) as locked:
        services.complete_lesson(learner, lesson)
    assert list(locked.value.lock.todo) == [tree.course]
    for done in tree.lessons:
        services.complete_lesson(learner, done)
    services.complete_lesson(learner, lesson)
    assert Certificate.objects.filter(user=learner, course=advanced).exists()

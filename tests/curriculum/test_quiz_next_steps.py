"""After passing a lesson's quiz the result page leads on: next lesson, or the certificate."""

from __future__ import annotations

import pytest

from curriculum import services
from curriculum.models import Certificate
from quizzes import services as quiz_services
from quizzes.demo import _right_answer
from quizzes.models import Attempt


@pytest.fixture
def quiz_lesson(tree, knowledge_check):
    """Lesson 2 of 3 embeds the knowledge check."""
    lesson = tree.lessons[1]
    lesson.body = [("quiz", {"quiz": knowledge_check})]
    lesson.save_revision().publish()
    return tree


def _pass(client, lesson, quiz) -> str:
    html = client.get(lesson.url).content.decode()
    context = html.split('name="context" value="', 1)[1].split('"', 1)[0]
    client.post(f"/quizzes/{quiz.pk}/start/", {"context": context, "next": lesson.url})
    attempt = Attempt.objects.filter(quiz=quiz).latest("started_at")
    data = {
        f"q{q.pk}": _right_answer(q.kind, q.option_items())
        for q in quiz_services.attempt_questions(attempt)
    }
    response = client.post(
        f"/quizzes/attempts/{attempt.pk}/submit/", {**data, "next": lesson.url}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def _steps(html: str) -> str:
    return html.split('class="next-steps"', 1)[1].split("</div>", 1)[0]


@pytest.mark.django_db
def test_passing_offers_the_next_lesson_as_the_one_primary_step(
    client_as, learner, quiz_lesson, knowledge_check
):
    client = client_as(learner)
    services.complete_lesson(learner, quiz_lesson.lessons[0])
    html = _pass(client, quiz_lesson.lessons[1], knowledge_check)
    assert "Gut gemacht" in html
    steps = _steps(html)
    third = quiz_lesson.lessons[2]
    assert f'href="{third.url}"' in steps and third.title in steps
    assert steps.count('class="secondary outline"') == 1  # back to the lesson
    assert steps.index(third.url) < steps.index(quiz_lesson.lessons[1].url)


@pytest.mark.django_db
def test_passing_the_last_step_offers_the_certificate(
    client_as, learner, quiz_lesson, knowledge_check
):
    for lesson in (quiz_lesson.lessons[0], quiz_lesson.lessons[2]):
        services.complete_lesson(learner, lesson)
    html = _pass(client_as(learner), quiz_lesson.lessons[1], knowledge_check)
    certificate = Certificate.objects.get(user=learner)
    assert f"/certificates/{certificate.code}/download/" in _steps(html)


@pytest.mark.django_db
def test_a_context_without_a_page_offers_no_curriculum_step(learner, knowledge_check):
    attempt = quiz_services.start_attempt(learner, knowledge_check, context_key="")
    attempt.passed = True
    assert services.quiz_next_steps(attempt) == []
    attempt.context_key = "lesson:999999"
    assert services.quiz_next_steps(attempt) == []

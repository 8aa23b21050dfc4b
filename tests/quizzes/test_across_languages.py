"""Attempts, passes and progress belong to the quiz, whatever language it was taken in."""

from __future__ import annotations

import pytest

from django.test import RequestFactory

from wagtail.models import Locale

from quizzes import services
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt, ShowAnswers
from quizzes.templatetags.quiz_tags import quiz_status


@pytest.fixture
def quiz_pair(home_page):
    """A German quiz limited to 3 attempts and its English translation, one question each."""
    german = QuizFactory(title="Abschlusstest", max_attempts=3, show_answers=ShowAnswers.AFTER_PASS)
    QuestionFactory(quiz=german)
    english = german.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Final test"
    english.save()
    QuestionFactory(quiz=english, prompt="Question?")
    return german, english


def _take(user, quiz, right: bool) -> Attempt:
    attempt = services.start_attempt(user, quiz)
    answers = {}
    for question in services.attempt_questions(attempt):
        options = services.attempt_options(attempt, question)
        answers[str(question.pk)] = [next(o["id"] for o in options if o["correct"] is right)]
    return services.submit_attempt(attempt, answers=answers)


def _status(user, quiz) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return quiz_status({"request": request}, quiz)


@pytest.mark.django_db
def test_a_pass_in_german_counts_on_the_english_quiz(learner, quiz_pair):
    german, english = quiz_pair
    passed = _take(learner, german, right=True)
    assert passed.passed
    assert services.has_passed(learner, english)
    assert services.best_attempt(learner, english) == passed
    assert services.attempts_left(learner, english) == 2
    status = _status(learner, english)
    assert status["passed"] is True
    assert status["attempts_left"] == 2
    assert status["best"].pk == passed.pk


@pytest.mark.django_db
def test_the_best_attempt_is_taken_over_every_language(learner, quiz_pair):
    german, english = quiz_pair
    _take(learner, german, right=False)
    best = _take(learner, english, right=True)
    assert services.best_attempt(learner, german) == best
    assert services.has_passed(learner, german)


@pytest.mark.django_db
def test_an_attempt_begun_in_german_is_resumed_not_doubled_in_english(learner, quiz_pair):
    german, english = quiz_pair
    begun = services.start_attempt(learner, german)
    assert services.start_attempt(learner, english) == begun
    assert _status(learner, english)["open_attempt"].pk == begun.pk
    assert Attempt.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
def test_answers_shown_after_a_pass_in_another_language(learner, quiz_pair):
    german, english = quiz_pair
    _take(learner, german, right=True)
    failed_in_english = _take(learner, english, right=False)
    assert services.may_show_answers(failed_in_english)


@pytest.mark.django_db
def test_history_lists_the_attempts_of_every_language(client_as, learner, quiz_pair):
    german, english = quiz_pair
    _take(learner, german, right=True)
    _take(learner, english, right=False)
    assert len(services.attempt_history(learner, english)) == 2
    response = client_as(learner).get(f"/quizzes/{english.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="attempt-row"') == 2


@pytest.mark.django_db
def test_another_learner_does_not_share_passes(learner, other_learner, quiz_pair):
    german, english = quiz_pair
    _take(learner, german, right=True)
    assert not services.has_passed(other_learner, english)
    assert services.attempts_left(other_learner, english) == 3

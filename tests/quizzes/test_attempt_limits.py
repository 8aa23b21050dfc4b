"""The attempt limit holds under concurrency and across the languages of a quiz."""

from __future__ import annotations

import threading

import pytest

from django.db import connection

from quizzes import services
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt, Quiz


@pytest.fixture
def exam(home_page):
    """A final exam allowed three attempts (`home_page` creates the locales: the racing test's
    database may have been flushed by an earlier transactional test)."""
    quiz = QuizFactory(title="Abschlusstest", max_attempts=3)
    QuestionFactory(quiz=quiz)
    return quiz


def _use_attempts(user, quiz: Quiz, count: int) -> None:
    for _ in range(count):
        services.submit_attempt(services.start_attempt(user, quiz))


def _race(count: int, start) -> list[Exception]:
    """Run `start` in `count` threads released at once; the errors they raised."""
    barrier = threading.Barrier(count)
    errors: list[Exception] = []

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            start()
        except Exception as error:  # surfaced to the test
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_starts_never_exceed_the_attempt_limit(learner, exam):
    """Regression: 20 concurrent starts on an exam limited to 3 created 13 open attempts (on
    SQLite the race was a 500). Now one start wins, the others resume that attempt or get a
    clear message; never more attempts than allowed."""
    _use_attempts(learner, exam, 2)
    errors = _race(20, lambda: services.start_attempt(learner, exam))
    assert all(isinstance(error, services.QuizRuleError) for error in errors), errors
    open_attempts = Attempt.objects.filter(user=learner, quiz=exam, submitted_at__isnull=True)
    if connection.vendor == "postgresql":
        assert errors == []  # the row lock queues them: all resume the one open attempt
        assert open_attempts.count() == 1
    else:  # SQLite refuses concurrent writers: some get "try again", none a 500
        assert open_attempts.count() <= 1
    assert Attempt.objects.filter(user=learner, quiz=exam).count() <= 3

    for attempt in open_attempts:
        services.submit_attempt(attempt)
    _use_attempts(learner, exam, 3 - Attempt.objects.filter(user=learner, quiz=exam).count())
    errors = _race(20, lambda: services.start_attempt(learner, exam))
    assert len(errors) == 20 and all(isinstance(e, services.QuizRuleError) for e in errors)
    assert Attempt.objects.filter(user=learner, quiz=exam).count() == 3


@pytest.mark.django_db
def test_the_limit_counts_every_language_of_the_quiz(client_as, learner, exam, home_page):
    """Regression: the final exam allowed 3 German plus 3 English attempts; the limit counts per
    original quiz (its translation key), in the service, the start view and the page embed."""
    from wagtail.models import Locale

    english = exam.copy_for_translation(Locale.objects.get(language_code="en"))
    english.save()
    QuestionFactory(quiz=english)
    _use_attempts(learner, exam, 2)
    _use_attempts(learner, english, 1)
    assert services.attempts_left(learner, exam) == 0
    assert services.attempts_left(learner, english) == 0
    from django.test import RequestFactory

    from quizzes.templatetags.quiz_tags import quiz_status

    request = RequestFactory().get("/")
    request.user = learner
    for version in (exam, english):  # the exam embedded on the German and the English course page
        assert quiz_status({"request": request}, version)["attempts_left"] == 0
    with pytest.raises(services.QuizRuleError):
        services.start_attempt(learner, english)
    response = client_as(learner).post(f"/quizzes/{english.pk}/start/", {"next": "/"}, follow=True)
    assert "alle Versuche" in response.content.decode()
    assert Attempt.objects.filter(user=learner).count() == 3

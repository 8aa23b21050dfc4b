"""A renewal gives the final exam's full attempt allowance again: a learner who used every
attempt in the first cycle is not locked out of renewing their certificate."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from assignments.tasks import reassign_expiring_certificates
from curriculum.models import Certificate, LessonPage, RenewalMode
from curriculum.services import certificate_state, complete_lesson
from quizzes import services as quiz_services
from quizzes.demo import _right_answer
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt

ISSUED = datetime.date(2025, 7, 10)


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), tick=False
    )


@pytest.fixture
def exam_course(org):
    """Tom's course: valid 12 months, renewed by passing its final exam (3 attempts) again."""
    exam = QuizFactory(title="Abschlusstest", max_attempts=3, pass_mark=100)
    QuestionFactory(quiz=exam)
    course = org.tree.course
    course.final_exam = exam
    course.validity_months = 12
    course.renewal_mode = RenewalMode.FINAL_EXAM
    course.save_revision().publish()
    return course


def take_exam(client, course, *, right: bool) -> Attempt:
    """Start the exam from the course page's form and submit it (right or empty answers)."""
    exam = course.final_exam
    token = quiz_services.sign_context(exam, f"course:{course.pk}")
    client.post(f"/quizzes/{exam.pk}/start/", {"context": token, "next": "/"})
    attempt = Attempt.objects.filter(quiz=exam).latest("pk")
    answers = (
        {
            f"q{q.pk}": _right_answer(q.kind, q.option_items())
            for q in quiz_services.attempt_questions(attempt)
        }
        if right
        else {}
    )
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {**answers, "next": "/"})
    attempt.refresh_from_db()
    return attempt


def course_page(client, course) -> str:
    return client.get(course.url).content.decode()


@pytest.mark.django_db
def test_used_up_attempts_are_given_again_for_the_renewal(client_as, org, exam_course):
    client = client_as(org.tom)
    exam = exam_course.final_exam
    with at(ISSUED):
        for lesson in org.tree.lessons:
            complete_lesson(org.tom, LessonPage.objects.get(pk=lesson.pk))
        assert not take_exam(client, exam_course, right=False).passed
        assert not take_exam(client, exam_course, right=False).passed
        assert take_exam(client, exam_course, right=True).passed  # the third and last attempt
        old = Certificate.objects.get(user=org.tom, is_current=True)
        assert quiz_services.attempts_left(org.tom, exam) == 0
        assert "Keine Versuche mehr übrig." in course_page(client, exam_course)

    with at(datetime.date(2026, 6, 10)):  # re-assigned 30 days before expiry
        assert reassign_expiring_certificates() == 1
    with at(datetime.date(2026, 7, 15)):  # not renewed in time: the certificate has expired
        assert certificate_state(old) == "expired"
        assert quiz_services.attempts_left(org.tom, exam) == 3
        body = course_page(client, exam_course)
        assert "Verbleibende Versuche: 3" in body and "Keine Versuche mehr übrig." not in body
        assert "Quiz starten" in body  # the renewal's exam, not last year's pass
        assert not take_exam(client, exam_course, right=False).passed
        assert quiz_services.attempts_left(org.tom, exam) == 2
        assert take_exam(client, exam_course, right=True).passed

    new = Certificate.objects.get(user=org.tom, is_current=True)
    old.refresh_from_db()
    assert new.pk != old.pk and new.replaces == old and not old.is_current
    assert new.expires_on == datetime.date(2027, 7, 15)
    assert Attempt.objects.filter(user=org.tom, quiz=exam).count() == 5  # history kept
    # The renewal's allowance still counts after it completed: 3 allowed, 2 used.
    assert quiz_services.attempts_left(org.tom, exam) == 1


@pytest.mark.django_db
def test_without_a_renewal_the_limit_holds(client_as, org, exam_course):
    """Only a renewal resets the allowance: a learner who used up the attempts is still refused."""
    client = client_as(org.tom)
    with at(ISSUED):
        for _ in range(3):
            take_exam(client, exam_course, right=False)
        with pytest.raises(quiz_services.QuizRuleError):
            quiz_services.start_attempt(org.tom, exam_course.final_exam)
    assert Attempt.objects.filter(user=org.tom).count() == 3


@pytest.mark.django_db
def test_a_renewal_resets_only_its_own_exam(client_as, org, exam_course):
    """Another limited quiz the learner used up stays used up while the course renews."""
    other = QuizFactory(title="Anderer Test", max_attempts=1)
    QuestionFactory(quiz=other)
    client = client_as(org.tom)
    with at(ISSUED):
        quiz_services.submit_attempt(quiz_services.start_attempt(org.tom, other))
        for lesson in org.tree.lessons:
            complete_lesson(org.tom, LessonPage.objects.get(pk=lesson.pk))
        take_exam(client, exam_course, right=True)
    with at(datetime.date(2026, 6, 10)):
        assert reassign_expiring_certificates() == 1
    with at(datetime.date(2026, 6, 11)):
        assert quiz_services.attempts_left(org.tom, exam_course.final_exam) == 3
        assert quiz_services.attempts_left(org.tom, other) == 0
        assert quiz_services.attempts_left(org.anna, exam_course.final_exam) == 3

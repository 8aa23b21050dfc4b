"""Recertification: expiry fixed at issue, re-assignment N days before expiry (frozen clock),
an idempotent beat task, renewal by full course or final exam, history and verification."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from wagtail.models import Locale

from assignments.models import Assignment, ReminderLog, ReminderReason
from assignments.tasks import reassign_expiring_certificates
from assignments.team import TeamStatus, team_overview
from curriculum.models import (
    Certificate,
    CourseEnrolment,
    LessonCompletion,
    LessonPage,
    RenewalMode,
)
from curriculum.services import (
    add_months,
    certificate_state,
    check_course_completion,
    complete_lesson,
)
from outbox.models import OutboxMessage
from quizzes.demo import build_quiz
from quizzes.models import Attempt
from tests.curriculum.conftest import QUIZ_DATA

from .conftest import assign


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), tick=False
    )


ISSUED = datetime.date(2025, 7, 10)


def complete_course(user, tree) -> Certificate:
    for lesson in tree.lessons:
        complete_lesson(user, LessonPage.objects.get(pk=lesson.pk))  # fresh: reads the course
    return Certificate.objects.get(user=user, course=tree.course, is_current=True)


@pytest.fixture
def valid_course(org):
    course = org.tree.course
    course.validity_months = 12
    course.renew_days_before = 30
    course.save()
    return course


def test_add_months_keeps_the_day_or_takes_the_last():
    assert add_months(datetime.date(2025, 7, 10), 12) == datetime.date(2026, 7, 10)
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2025, 11, 15), 3) == datetime.date(2026, 2, 15)


def test_certificate_carries_its_expiry(org, valid_course):
    with at(ISSUED):
        certificate = complete_course(org.tom, org.tree)
    assert certificate.expires_on == datetime.date(2026, 7, 10)


def test_no_validity_means_no_expiry(org):
    with at(ISSUED):
        assert complete_course(org.tom, org.tree).expires_on is None


def test_path_validity_applies_when_course_has_none(org):
    org.tree.path.validity_months = 24
    org.tree.path.save()
    with at(ISSUED):
        assert complete_course(org.tom, org.tree).expires_on == datetime.date(2027, 7, 10)


def test_editing_validity_does_not_change_issued_certificates(org, valid_course):
    with at(ISSUED):
        certificate = complete_course(org.tom, org.tree)
    valid_course.validity_months = 6
    valid_course.save()
    certificate.refresh_from_db()
    assert certificate.expires_on == datetime.date(2026, 7, 10)
    with at(ISSUED):
        assert complete_course(org.anna, org.tree).expires_on == datetime.date(2026, 1, 10)


def test_reassigned_exactly_n_days_before_expiry_once(org, valid_course):
    with at(ISSUED):
        certificate = complete_course(org.tom, org.tree)
    assert reassign_expiring_certificates(today_iso="2026-06-09") == 0
    assert not Assignment.objects.exists()
    assert reassign_expiring_certificates(today_iso="2026-06-10") == 1
    assert reassign_expiring_certificates(today_iso="2026-06-10") == 0  # run twice
    assert reassign_expiring_certificates(today_iso="2026-06-11") == 0
    assignment = Assignment.objects.get()
    assert assignment.user == org.tom and assignment.due_date == datetime.date(2026, 7, 10)
    assert assignment.renewal_of == certificate
    mails = OutboxMessage.objects.filter(topic="recertification")
    assert mails.count() == 1 and mails.get().recipient == org.tom.email
    assert mails.get().subject.startswith("Zeit zum Auffrischen")
    assert ReminderLog.objects.filter(reason=ReminderReason.RENEWAL).count() == 1


def test_days_before_is_per_course(org, valid_course):
    valid_course.renew_days_before = 7
    valid_course.save()
    with at(ISSUED):
        complete_course(org.tom, org.tree)
    assert reassign_expiring_certificates(today_iso="2026-06-10") == 0
    assert reassign_expiring_certificates(today_iso="2026-07-03") == 1


def test_existing_assignment_gets_the_expiry_as_due_date(org, valid_course):
    assign(org.tom, org.tree.course, datetime.date(2025, 8, 1))
    with at(ISSUED):
        complete_course(org.tom, org.tree)
    reassign_expiring_certificates(today_iso="2026-06-10")
    assert Assignment.objects.get().due_date == datetime.date(2026, 7, 10)


def test_full_renewal_issues_a_new_certificate_and_keeps_history(client, org, valid_course):
    with at(ISSUED):
        old = complete_course(org.tom, org.tree)
    with at(datetime.date(2026, 6, 10)):
        reassign_expiring_certificates()
        enrolment = CourseEnrolment.objects.get(user=org.tom)
        assert enrolment.completed_at is None
        assert not LessonCompletion.objects.filter(user=org.tom).exists()
        # Still valid while the renewal runs.
        assert certificate_state(old) == "valid"
        data = team_overview(org.maria, include_indirect=False)
        tom = next(m for m in data.members if m.user == org.tom)
        assert tom.trainings[0].status == TeamStatus.EXPIRING and tom.trainings[0].is_renewal
    with at(datetime.date(2026, 6, 20)):
        new = complete_course(org.tom, org.tree)
    old.refresh_from_db()
    assert new.pk != old.pk and new.replaces == old and not old.is_current
    assert new.expires_on == datetime.date(2027, 6, 20)
    assert Certificate.objects.filter(user=org.tom).count() == 2
    # The next cycle starts from the new certificate.
    assert reassign_expiring_certificates(today_iso="2027-05-21") == 1
    with at(datetime.date(2026, 6, 21)):
        body = client.get(f"/certificates/verify/{old.code}/").content.decode()
        assert "Erneuert" in body and new.code in body
        body = client.get(f"/certificates/verify/{new.code}/").content.decode()
        assert "Gültiges Zertifikat" in body
        assert '<dd data-testid="valid-until">20.06.2027</dd>' in body


def test_expired_certificate_says_so(client, org, valid_course):
    with at(ISSUED):
        certificate = complete_course(org.tom, org.tree)
    with at(datetime.date(2026, 7, 11)):
        assert certificate_state(certificate) == "expired"
        response = client.get(f"/certificates/verify/{certificate.code}/")
    assert response.status_code == 200 and "Abgelaufen" in response.content.decode()


def test_exam_renewal_needs_only_a_new_pass(org, valid_course):
    exam = build_quiz("final-exam", QUIZ_DATA, Locale.get_default())
    valid_course.final_exam = exam
    valid_course.renewal_mode = RenewalMode.FINAL_EXAM
    valid_course.save()

    def passed(day):
        return Attempt.objects.create(
            quiz=exam,
            user=org.tom,
            context_key=f"course:{valid_course.pk}",
            submitted_at=datetime.datetime(day.year, day.month, day.day, 11, tzinfo=datetime.UTC),
            score_percent=90,
            passed=True,
        )

    with at(ISSUED):
        passed(ISSUED)
        old = complete_course(org.tom, org.tree)
    with at(datetime.date(2026, 6, 10)):
        reassign_expiring_certificates()
        assert LessonCompletion.objects.filter(user=org.tom).count() == 2  # lessons kept
        assert not check_course_completion(org.tom, valid_course)  # the old pass doesn't count
    with at(datetime.date(2026, 6, 12)):
        passed(datetime.date(2026, 6, 12))
        assert check_course_completion(org.tom, valid_course)
    new = Certificate.objects.get(user=org.tom, is_current=True)
    assert new.replaces == old and new.expires_on == datetime.date(2027, 6, 12)


def test_exam_mode_without_exam_is_refused_in_the_admin_form(org):
    from django.core.exceptions import ValidationError

    course = org.tree.course
    course.renewal_mode = RenewalMode.FINAL_EXAM
    with pytest.raises(ValidationError):
        course.full_clean()


def test_team_marks_certificates_expiring_soon(org, valid_course):
    assign(org.anna, org.tree.course, datetime.date(2025, 8, 1))
    with at(ISSUED):
        complete_course(org.anna, org.tree)
    far = team_overview(org.maria, today=datetime.date(2026, 1, 1), include_indirect=False)
    near = team_overview(org.maria, today=datetime.date(2026, 6, 1), include_indirect=False)
    assert far.totals["completed"] == 1 and far.totals["expiring"] == 0
    assert near.totals["expiring"] == 1

"""Retention periods (daily task, dry run, frozen clock, idempotent), leavers anonymised, data
subject requests: the complete download, HR's export and erasure (all or nothing, preview)."""

from __future__ import annotations

import datetime
import io
import json

import pytest

from django.core.management import call_command

from accounts import lifecycle
from accounts.factories import UserFactory
from accounts.models import AuditEntry, ResultView
from assignments.models import Assignment
from champions.models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
)
from curriculum import services as progress
from curriculum.models import CourseEnrolment, ReflectionAnswer
from journeys.models import JourneyMap, Touchpoint
from people.factories import DepartmentFactory, EmployeeProfileFactory
from quizzes import services as quiz_services
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt

NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)


def at(days_ago: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days_ago)


def backdate(model, pk: int, **fields) -> None:
    """Set timestamps past auto_now (update() skips it)."""
    model.objects.filter(pk=pk).update(**fields)


@pytest.fixture
def person(tree):
    """Someone with every kind of record: old and new ones."""
    service = DepartmentFactory(name="Service")
    user = EmployeeProfileFactory(
        department=service,
        job_title="Teamleitung Nord",
        user=UserFactory(first_name="Renate", last_name="Reinhold", email="renate@cx.example"),
    ).user
    Assignment.objects.create(user=user, course=tree.course, due_date=datetime.date(2026, 1, 1))
    for lesson in tree.lessons:
        progress.complete_lesson(user, lesson)
    quiz = QuizFactory(title="Altes Quiz")
    QuestionFactory(quiz=quiz)
    for days in (800, 10):
        attempt = quiz_services.start_attempt(user, quiz)
        quiz_services.submit_attempt(attempt)
        backdate(Attempt, attempt.pk, started_at=at(days), submitted_at=at(days))
    for days, block in ((800, "alt"), (10, "neu")):
        answer = ReflectionAnswer.objects.create(
            user=user, lesson=tree.lessons[0], block_id=block, text="Meine Gedanken"
        )
        backdate(ReflectionAnswer, answer.pk, updated_at=at(days))
        journey_map = JourneyMap.objects.create(user=user, lesson=tree.lessons[0], block_id=block)
        Touchpoint.objects.create(journey_map=journey_map, phase=0, name="Hotline")
        backdate(JourneyMap, journey_map.pk, updated_at=at(days))
    for days in (1200, 10):
        entry = AuditEntry.objects.create(action="test.old", summary="x")
        backdate(AuditEntry, entry.pk, created_at=at(days))
    coach = ChampionProfile.objects.create(
        user=UserFactory(email="coach@cx.example"), status=ChampionStatus.ACTIVE
    )
    group = CoachingGroup.objects.create(
        name="Runde", champion=coach, start_date=datetime.date(2026, 1, 1)
    )
    session = CoachingSession.objects.create(group=group, held_on=NOW.date(), topic="Rückrufe")
    ActionItem.objects.create(
        session=session, owner=user, description="Kunden zurückrufen", due_date=NOW.date()
    )
    return user


@pytest.mark.django_db
def test_retention_deletes_exactly_what_is_due_and_is_idempotent(person, caplog):
    caplog.set_level("INFO", logger="accounts.lifecycle")
    preview = lifecycle.run_retention(NOW, dry_run=True)
    assert preview["quiz_attempts"] == 1
    assert preview["reflections"] == 1
    assert preview["journey_maps"] == 1
    assert preview["audit_log"] == 1
    assert Attempt.objects.count() == 2 and ReflectionAnswer.objects.count() == 2  # dry run
    counts = lifecycle.run_retention(NOW)
    assert counts == {**preview, **{k: v for k, v in counts.items() if k not in preview}}
    assert list(Attempt.objects.values_list("started_at", flat=True)) == [at(10)]
    assert list(ReflectionAnswer.objects.values_list("block_id", flat=True)) == ["neu"]
    assert list(JourneyMap.objects.values_list("block_id", flat=True)) == ["neu"]
    assert Touchpoint.objects.count() == 1
    assert not AuditEntry.objects.filter(action="test.old", created_at__lt=at(1000)).exists()
    assert AuditEntry.objects.filter(action="privacy.retention").count() == 1
    assert "quiz_attempts=1" in caplog.text
    # the next run finds nothing; nothing else was touched
    again = lifecycle.run_retention(NOW)
    assert set(again.values()) == {0}
    assert AuditEntry.objects.filter(action="privacy.retention").count() == 1
    assert CourseEnrolment.objects.filter(user=person, completed_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_period_of_zero_keeps_that_kind(person, privacy_settings):
    privacy_settings(quiz_attempts_days=0, reflections_days=0)
    counts = lifecycle.run_retention(NOW)
    assert "quiz_attempts" not in counts and "reflections" not in counts
    assert Attempt.objects.count() == 2 and ReflectionAnswer.objects.count() == 2
    assert counts["journey_maps"] == 1


@pytest.mark.django_db
def test_the_daily_task_and_the_dry_run_command(person, settings):
    from accounts.tasks import apply_retention

    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "would be deleted" in out.getvalue()
    assert Attempt.objects.count() == 2
    assert "privacy-retention-daily" in settings.CELERY_BEAT_SCHEDULE
    apply_retention.delay(NOW.isoformat())
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_leavers_are_anonymised_after_the_period_and_still_count(person, tree, privacy_settings):
    privacy_settings(leavers_days=180)
    profile = person.employee
    profile.is_active, profile.left_on = False, (NOW - datetime.timedelta(days=200)).date()
    profile.save()
    person.is_active = False
    person.save()
    recent = EmployeeProfileFactory(
        is_active=False, left_on=(NOW - datetime.timedelta(days=30)).date()
    ).user
    recent.is_active = False
    recent.save()
    counts = lifecycle.run_retention(NOW)
    assert counts["leavers"] == 1
    person.refresh_from_db()
    recent.refresh_from_db()
    assert person.first_name == "" and person.last_name == "" and "renate" not in person.email
    assert lifecycle.is_anonymised(person) and not lifecycle.is_anonymised(recent)
    assert not person.has_usable_password()
    # aggregates keep counting: the assignment and completion stay, attached to the account
    assert Assignment.objects.filter(user=person).count() == 1
    assert CourseEnrolment.objects.filter(user=person, completed_at__isnull=False).count() == 1
    assert person.employee.department.name == "Service" and person.employee.job_title == ""
    assert lifecycle.run_retention(NOW)["leavers"] == 0  # idempotent


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True, email="root@cx.example")


@pytest.mark.django_db
def test_the_download_covers_everything(client_as, person, tree):
    progress.issue_certificate(person, tree.course)  # once: returns the existing one
    data = json.loads(client_as(person).get("/account/data.json").content)
    for section in (
        "user",
        "employee_profile",
        "assignments",
        "courses",
        "lessons",
        "certificates",
        "quiz_attempts",
        "reflections",
        "journey_maps",
        "action_items",
        "observations",
        "views_of_my_results",
    ):
        assert section in data, section
    assert data["employee_profile"][0]["job_title"] == "Teamleitung Nord"
    assert data["journey_maps"][0]["touchpoints"][0]["touchpoint"] == "Hotline"
    assert data["certificates"][0]["code"]
    csv_text = client_as(person).get("/account/data.csv").content.decode()
    assert (
        "journey_map" in csv_text and "certificate" in csv_text and "employee_profile" in csv_text
    )


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_hr_handles_data_requests(
    client, client_as, method, person, learner, champion, editor
):
    urls = [
        "/account/requests/?q=renate",
        f"/account/requests/{person.pk}/data.json",
        f"/account/requests/{person.pk}/erase/",
    ]
    for url in urls:
        client.logout()
        response = getattr(client, method)(url)
        if response.status_code != 405:  # GET-only pages refuse a POST before asking who
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for user in (learner, champion, editor, person):
            assert getattr(client_as(user), method)(url, {"confirm": person.email}).status_code in (
                403,
                405,
            ), (url, user)
    person.refresh_from_db()
    assert person.first_name == "Renate"


@pytest.mark.django_db
def test_hr_finds_exports_and_erases_a_person_after_a_preview(client_as, hr_user, person, tree):
    certificate = progress.issue_certificate(person, tree.course)
    client = client_as(hr_user)
    found = client.get("/account/requests/?q=Reinhold").content.decode()
    assert "renate@cx.example" in found
    assert client.get("/account/requests/?q=r").status_code == 200  # too short: a message
    export = client.get(f"/account/requests/{person.pk}/data.json")
    assert json.loads(export.content)["user"]["email"] == "renate@cx.example"
    assert AuditEntry.objects.filter(action="privacy.export", actor=hr_user).exists()
    assert ResultView.objects.filter(viewer=hr_user, subject=person).exists()
    assert client.get(f"/account/requests/{person.pk}/data.xml").status_code == 404
    preview = client.get(f"/account/requests/{person.pk}/erase/").content.decode()
    assert "Zertifikate" in preview
    wrong = client.post(f"/account/requests/{person.pk}/erase/", {"confirm": "falsch"})
    assert wrong.status_code == 400
    person.refresh_from_db()
    assert person.first_name == "Renate"  # nothing happened
    done = client.post(f"/account/requests/{person.pk}/erase/", {"confirm": "RENATE@cx.example"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert lifecycle.is_anonymised(person) and person.first_name == "" and not person.is_active
    assert not ReflectionAnswer.objects.filter(user=person).exists()
    assert not JourneyMap.objects.filter(user=person).exists()
    assert not ActionItem.objects.filter(owner=person).exists()
    attempts = list(Attempt.objects.filter(user=person).values_list("answers", "score_percent"))
    assert len(attempts) == 2 and all(answers == {} for answers, _score in attempts)
    # aggregates keep counting
    assert Assignment.objects.filter(user=person).count() == 1
    assert CourseEnrolment.objects.filter(user=person, completed_at__isnull=False).count() == 1
    # the certificate's verification page says "withdrawn" and names nobody
    page = client_as(hr_user).get(f"/certificates/verify/{certificate.code}/")
    html = page.content.decode()
    assert "data-withdrawn" in html and "Renate" not in html
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert "Renate" not in entry.summary and entry.actor == hr_user
    again = client.post(f"/account/requests/{person.pk}/erase/", {"confirm": person.email})
    assert again.status_code == 403  # already erased


@pytest.mark.django_db
def test_erasure_is_all_or_nothing(client_as, hr_user, person, monkeypatch):
    def broken(user):
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        lifecycle._erasers, "zz_broken", lifecycle.Eraser("zz_broken", lambda u: 0, broken, 999)
    )
    with pytest.raises(RuntimeError):
        lifecycle.erase_person(person, hr_user)
    person.refresh_from_db()
    assert person.first_name == "Renate"
    assert ReflectionAnswer.objects.filter(user=person).count() == 2
    assert not AuditEntry.objects.filter(action="privacy.erase").exists()


@pytest.mark.django_db
def test_hr_cannot_erase_admins_or_themselves(client_as, hr_user, admin):
    client = client_as(hr_user)
    for target in (admin, hr_user):
        response = client.post(f"/account/requests/{target.pk}/erase/", {"confirm": target.email})
        assert response.status_code == 403
        target.refresh_from_db()
        assert not lifecycle.is_anonymised(target)
    assert client.get("/account/requests/999999/erase/").status_code == 404


@pytest.mark.django_db
def test_the_person_sees_who_viewed_their_results(client_as, person, hr_user, privacy_settings):
    client_as(hr_user).get(f"/account/requests/{person.pk}/data.json")
    html = client_as(person).get("/account/").content.decode()
    assert "Datenexport durch HR" in html
    assert hr_user.display_name in html
    privacy_settings(show_views_to_subject=False)
    assert hr_user.display_name not in client_as(person).get("/account/").content.decode()

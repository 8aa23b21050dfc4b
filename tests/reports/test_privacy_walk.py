"""Under the strictest visibility policy, walk every report, export, dashboard, API resource and
digest and check that nothing describes an individual or a group smaller than the minimum.
Every URL of the project (not a hand-picked list) is walked in
tests/accounts/test_privacy_walk_every_url.py."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from openpyxl import load_workbook

from django.utils import timezone

from accounts.factories import UserFactory
from accounts.models import QuizResults
from assignments.models import Assignment
from champions.models import ChampionProfile, ChampionStatus, CoachingGroup, Membership
from curriculum import services as progress
from journeys.models import JourneyMap, Touchpoint
from outbox.models import OutboxMessage
from people.factories import DepartmentFactory, EmployeeProfileFactory, LocationFactory
from quizzes import services as quiz_services
from quizzes.factories import QuestionFactory, QuizFactory
from reports.services import DIMENSIONS

STRICTEST = {
    **{f"{role}_quiz_results": QuizResults.HIDDEN for role in ("manager", "champion", "hr")},
    **{f"{role}_individual_progress": False for role in ("manager", "champion", "hr")},
    **{f"{role}_individual_observations": False for role in ("manager", "champion", "hr")},
    "min_group_size": 5,
}


@pytest.fixture
def team(tree, champion, privacy_settings):
    """Three colleagues (a group smaller than five) with a manager, a champion, assignments,
    a completed course, quiz attempts and shared journey maps; the strictest policy."""
    manager = UserFactory(email="chefin@cx-academy.example", first_name="Chefin")
    service = DepartmentFactory(name="Service")
    hamburg = LocationFactory(name="Hamburg")
    people = [
        EmployeeProfileFactory(
            department=service,
            location=hamburg,
            manager=manager,
            user=UserFactory(
                first_name=name, last_name="Muster", email=f"{name.lower()}@cx-academy.example"
            ),
        ).user
        for name in ("Anneliese", "Bertram", "Cosima")
    ]
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="Runde Nord", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    quiz = QuizFactory(title="Beschwerdequiz", pass_mark=50)
    QuestionFactory(quiz=quiz)
    lesson = tree.lessons[0]
    for number, person in enumerate(people):
        Membership.objects.create(group=group, user=person)
        Assignment.objects.create(
            user=person,
            course=tree.course,
            due_date=datetime.date(2020, 1, 1) if number else datetime.date(2099, 1, 1),
        )
        attempt = quiz_services.start_attempt(person, quiz)
        quiz_services.submit_attempt(attempt)
        journey_map = JourneyMap.objects.create(
            user=person, lesson=lesson, block_id="b", shared_with_champion=True
        )
        Touchpoint.objects.create(
            journey_map=journey_map, phase=0, name="Warteschleife", emotion=-2, is_friction=True
        )
    for item in tree.lessons:
        progress.complete_lesson(people[0], item)
    privacy_settings(**STRICTEST)
    return {"people": people, "manager": manager, "quiz": quiz, "tree": tree}


def individual_marks(people) -> list[str]:
    """What would identify one of them: names and e-mail addresses."""
    return [mark for p in people for mark in (p.first_name, p.email)]


def assert_nothing_individual(text: str, people, where: str) -> None:
    for mark in individual_marks(people):
        assert mark not in text, f"{mark} in {where}"


@pytest.mark.django_db
def test_hr_reports_and_exports_show_no_individual_and_no_small_group(client_as, hr_user, team):
    people = team["people"]
    client = client_as(hr_user)
    html = client.get("/reports/").content.decode()
    assert_nothing_individual(html, people, "/reports/")
    assert 'data-stat="' not in html  # the totals describe three people: hidden
    assert "Beschwerdequiz" in html and "data-suppressed" in html
    # every row of every table is suppressed: no figure next to any group
    for label in ("Service", "Hamburg"):
        row = re.search(rf"<tr[^>]*>\s*<td>{label}</td>(.*?)</tr>", html, re.S)
        assert row is not None and "data-suppressed" in row.group(0), label
        assert not re.search(r"<td>\d+</td>", row.group(1)), label
    assert "/reports/location/people/" not in html  # no links to individual rows
    for dimension in DIMENSIONS:
        drill = client.get(f"/reports/{dimension}/people/?value=Hamburg")
        assert drill.status_code == 403, dimension
        assert_nothing_individual(drill.content.decode(), people, dimension)
        for fmt in ("csv", "xlsx"):
            refused = client.get(f"/reports/{dimension}/export.{fmt}?value=Service")
            assert refused.status_code == 403
            export = client.get(f"/reports/{dimension}/export.{fmt}")
            assert export.status_code == 200
            content = b"".join(export.streaming_content) if export.streaming else export.content
            if fmt == "csv":
                lines = content.decode("utf-8-sig").splitlines()[1:]
                cells = [line.split(",")[1:] for line in lines]
            else:
                sheet = load_workbook(io.BytesIO(content)).active
                cells = [list(row[1:]) for row in sheet.iter_rows(min_row=2, values_only=True)]
            assert cells, (dimension, fmt)
            for row in cells:  # no row describes fewer than five people with a number
                assert all(
                    not isinstance(value, int) and not str(value).isdigit() for value in row
                ), (dimension, fmt, row)
            assert_nothing_individual(content.decode("latin-1"), people, dimension)
    stats = client.get(f"/quizzes/{team['quiz'].pk}/statistics/").content.decode()
    assert "data-suppressed" in stats and 'data-stat="attempts"' not in stats
    insights = client.get("/journeys/insights/").content.decode()
    assert "warteschleife" not in insights.lower()


@pytest.mark.django_db
def test_champion_dashboard_shows_no_individual_result(client_as, champion, team):
    html = client_as(champion).get("/champions/dashboard/").content.decode()
    assert "Beschwerdequiz" not in html  # no quiz results per member
    assert team["tree"].course.title not in html  # no courses per member
    assert "badge-danger" not in html and "✓" not in html  # no status per member
    assert re.search(r"Gruppe: ausgeblendet|Group: hidden", html)
    assert not re.search(r"Gruppe \d+ %|Group \d+ %", html)


@pytest.mark.django_db
def test_api_serves_no_individual_learning_record(team, hr_user):
    from rest_framework.test import APIClient

    from api.services import create_token

    _token, key = create_token(
        hr_user,
        "HR system",
        {"people": "read", "learning": "read", "assignments": "read", "champions": "read"},
        30,
        1000,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for resource in (
        "enrolments",
        "lesson-completions",
        "quiz-attempts",
        "certificates",
        "assignments",
    ):
        response = client.get(f"/api/v1/{resource}/")
        assert response.status_code == 403, resource
        assert (
            "privacy" in response.json()["detail"].lower()
            or "Datenschutz" in response.json()["detail"]
        )
    assert client.get("/api/v1/employees/").status_code == 200  # who works here is no result


@pytest.mark.django_db
def test_digests_and_escalations_name_nobody(team, settings):
    from assignments.tasks import send_due_reminders, send_weekly_digests

    settings.REMINDER_ESCALATE_AFTER_DAYS = 1
    send_weekly_digests(timezone.localdate().isoformat())
    digest = OutboxMessage.objects.get(recipient=team["manager"].email, topic="digest")
    text = digest.subject + json.dumps(digest.payload, ensure_ascii=False)
    assert_nothing_individual(text, team["people"], "digest")
    assert "ausgeblendet" in text
    before = OutboxMessage.objects.filter(recipient=team["manager"].email).count()
    send_due_reminders(timezone.localdate().isoformat())
    # reminders go to the people themselves; the manager hears nothing about one person
    assert OutboxMessage.objects.filter(recipient=team["manager"].email).count() == before


@pytest.mark.django_db
def test_with_the_default_policy_the_same_walk_shows_figures(
    client_as, hr_user, team, privacy_settings
):
    """The walk above proves something only if the same data shows people without the policy."""
    privacy_settings(
        hr_individual_progress=True, hr_quiz_results=QuizResults.SCORES, min_group_size=2
    )
    html = client_as(hr_user).get("/reports/").content.decode()
    assert 'data-stat="total">3<' in html
    drill = client_as(hr_user).get("/reports/location/people/?value=Hamburg").content.decode()
    assert "Anneliese" in drill and "Bertram" in drill

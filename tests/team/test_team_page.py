"""My team: membership from the manager chain, the page's figures, query count, permissions."""

from __future__ import annotations

import datetime

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.factories import UserFactory
from assignments.team import TeamStatus, team_overview
from curriculum.services import complete_lesson
from people.services import team_user_ids
from quizzes.models import Attempt

from .conftest import TODAY, assign, person


def test_direct_team_is_the_direct_reports(org):
    assert set(team_user_ids(org.maria, include_indirect=False)) == {org.tom.pk, org.anna.pk}
    assert team_user_ids(org.otto, include_indirect=False) == [org.olga.pk]
    assert team_user_ids(org.anna, include_indirect=False) == []


def test_transitive_team_follows_the_chain(org):
    assert set(team_user_ids(org.maria, include_indirect=True)) == {
        org.tom.pk,
        org.anna.pk,
        org.ida.pk,
    }


def test_a_cycle_in_the_manager_chain_ends(org):
    org.maria.employee.manager = org.ida
    org.maria.employee.save()
    assert set(team_user_ids(org.maria, include_indirect=True)) == {
        org.tom.pk,
        org.anna.pk,
        org.ida.pk,
    }


def test_people_who_left_are_not_in_the_team(org):
    org.anna.employee.is_active = False
    org.anna.employee.save()
    assert team_user_ids(org.maria, include_indirect=False) == [org.tom.pk]


def test_indirect_reports_follow_the_setting(org, settings):
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = False
    assert org.ida.pk not in team_user_ids(org.maria)
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = True
    assert org.ida.pk in team_user_ids(org.maria)


def test_statuses_totals_and_best_quiz(org):
    from accounts import privacy
    from accounts.models import PrivacySettings, QuizResults

    PrivacySettings.objects.update_or_create(
        pk=1, defaults={"manager_quiz_results": QuizResults.SCORES}
    )
    privacy.forget_settings()
    course = org.tree.course
    assign(org.tom, course, TODAY - datetime.timedelta(days=3))  # overdue
    assign(org.anna, course, TODAY + datetime.timedelta(days=10))
    for lesson in org.tree.lessons:
        complete_lesson(org.anna, lesson)
    Attempt.objects.create(
        quiz_id=_quiz(org).pk,
        user=org.anna,
        context_key=f"course:{course.pk}",
        submitted_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
        score_percent=85,
        passed=True,
    )
    data = team_overview(org.maria, today=TODAY, include_indirect=False)
    by_name = {m.user.first_name: m for m in data.members}
    assert by_name["Tom"].trainings[0].status == TeamStatus.OVERDUE
    assert by_name["Anna"].trainings[0].status == TeamStatus.COMPLETED
    assert by_name["Anna"].trainings[0].best_score == 85.0
    assert by_name["Anna"].certificates[0].course_title == course.title
    assert by_name["Anna"].last_activity is not None
    assert data.totals["people"] == 2
    assert data.totals["overdue"] == 1
    assert data.totals["completed"] == 1
    assert data.totals["people_overdue"] == 1
    assert data.totals["percent"] == 50


def test_scores_stay_hidden_when_privacy_settings_say_so(org):
    """By default managers see pass/fail only, so My team shows no score percentages."""
    assign(org.anna, org.tree.course, TODAY + datetime.timedelta(days=10))
    Attempt.objects.create(
        quiz_id=_quiz(org).pk,
        user=org.anna,
        context_key=f"course:{org.tree.course.pk}",
        submitted_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
        score_percent=85,
        passed=True,
    )
    data = team_overview(org.maria, today=TODAY, include_indirect=False)
    anna = next(m for m in data.members if m.user == org.anna)
    assert anna.trainings[0].best_score is None


def _quiz(org):
    from wagtail.models import Locale

    from quizzes.demo import build_quiz
    from tests.curriculum.conftest import QUIZ_DATA

    return build_quiz("team-quiz", QUIZ_DATA, Locale.get_default())


def test_filter_and_sort(org):
    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=3))
    assign(org.anna, org.tree.course, TODAY + datetime.timedelta(days=3))
    data = team_overview(org.maria, status="overdue", today=TODAY, include_indirect=False)
    assert [m.user for m in data.shown] == [org.tom]
    assert data.totals["people"] == 2  # totals stay about the whole team
    data = team_overview(org.maria, search="anna", today=TODAY, include_indirect=False)
    assert [m.user for m in data.shown] == [org.anna]
    data = team_overview(org.maria, sort="status", today=TODAY, include_indirect=False)
    assert [m.user for m in data.shown] == [org.tom, org.anna]
    data = team_overview(org.maria, sort="due", today=TODAY, include_indirect=False)
    assert [m.user for m in data.shown] == [org.tom, org.anna]


def test_page_shows_team_and_totals(client_as, org, frozen_today):
    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=3))
    response = client_as(org.maria).get("/team/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tom Muster" in body and "Anna Muster" in body
    assert "Olga" not in body and "Ida" not in body
    assert 'data-testid="remind-person"' in body


def test_query_count_does_not_grow_with_the_team(client_as, org, django_assert_num_queries):
    client = client_as(org.maria)
    for user in (org.tom, org.anna):
        assign(user, org.tree.course, TODAY)
    client.get("/team/")  # warm the locale cache
    with CaptureQueriesContext(connection) as small:
        assert client.get("/team/").status_code == 200
    for n in range(6):
        user = person(f"Extra{n}", manager=org.maria, team=org.team)
        assign(user, org.tree.course, TODAY)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/team/")
    assert response.content.decode().count('data-testid="member-card"') == 8
    assert len(small.captured_queries) <= 20


# Permissions ---------------------------------------------------------------------------------


@pytest.fixture
def hr_person(org):
    return UserFactory(roles=[roles.LEARNER, roles.HR], email="hr-team@cx-academy.example")


def _who(org, hr_person, name):
    return {
        "manager": org.maria,
        "other manager": org.otto,
        "peer": org.anna,
        "report": org.ida,
        "hr": hr_person,
    }[name]


@pytest.mark.parametrize("url", ["/team/", "/team/export.csv", "/team/export.xlsx"])
@pytest.mark.parametrize(
    ("who", "allowed"),
    [("manager", True), ("peer", False), ("report", False), ("hr", False)],
)
def test_get_permissions(client_as, org, hr_person, url, who, allowed):
    response = client_as(_who(org, hr_person, who)).get(url)
    assert response.status_code == (200 if allowed else 403)


def test_anonymous_goes_to_log_in(client, org):
    for url in ("/team/", f"/team/{org.tom.pk}/", "/team/export.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in ("/team/remind/", "/team/assign/"):
        response = client.post(url, {"all": "1"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_manager_gets_only_their_own_team(client_as, org):
    client = client_as(org.otto)
    body = client.get("/team/").content.decode()
    assert "Olga" in body and "Tom" not in body
    assert client.get(f"/team/{org.tom.pk}/").status_code == 403
    assert client.get(f"/team/{org.olga.pk}/").status_code == 200


def test_a_report_cannot_see_their_manager(client_as, org):
    client = client_as(org.tom)  # Tom leads Ida, reports to Maria
    assert client.get("/team/").status_code == 200
    assert client.get(f"/team/{org.maria.pk}/").status_code == 403
    assert client.get(f"/team/{org.anna.pk}/").status_code == 403  # his peer
    assert client.get(f"/team/{org.ida.pk}/").status_code == 200


def test_indirect_member_page_follows_the_setting(client_as, org, settings):
    client = client_as(org.maria)
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = False
    assert client.get(f"/team/{org.ida.pk}/").status_code == 403
    settings.TEAM_INCLUDE_INDIRECT_REPORTS = True
    assert client.get(f"/team/{org.ida.pk}/").status_code == 200
    assert "Ida Muster" in client.get("/team/").content.decode()


@pytest.mark.parametrize("who", ["peer", "hr"])
def test_post_refused_without_a_team(client_as, org, hr_person, who):
    client = client_as(_who(org, hr_person, who))
    assert client.post("/team/remind/", {"all": "1"}).status_code == 403
    due = (TODAY + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        "/team/assign/",
        {"people": [org.tom.pk], "course": org.tree.course.pk, "due_date": due},
    )
    assert response.status_code == 403


def test_other_manager_cannot_remind_or_assign_my_people(client_as, org, frozen_today):
    from assignments.models import Assignment
    from outbox.models import OutboxMessage

    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=5))
    client = client_as(org.otto)
    assert client.post("/team/remind/", {"person": org.tom.pk}).status_code == 403
    response = client.post(
        "/team/assign/",
        {
            "people": [org.olga.pk, org.tom.pk],
            "course": org.tree.course.pk,
            "due_date": "2026-07-31",
            "confirm": "on",
        },
    )
    assert response.status_code == 403
    assert not Assignment.objects.filter(user=org.olga).exists()
    assert not OutboxMessage.objects.exists()


def test_unknown_export_format_is_404(client_as, org):
    assert client_as(org.maria).get("/team/export.pdf").status_code == 404


def test_bad_filters_never_fail(client_as, org):
    response = client_as(org.maria).get("/team/?status=nonsense&sort=%00&q=" + "x" * 500)
    assert response.status_code == 200

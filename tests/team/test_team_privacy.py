"""My team follows the managers' privacy policy (`accounts.privacy`): under a strict policy the
page, the person page, the exports, the reminders and the digest say nothing about any one
person's training, and figures for fewer people than the minimum group size stay hidden; under
the default policy (pass/fail) no score percentage is shown."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from accounts.models import QuizResults, ResultView
from assignments.tasks import send_weekly_digests
from curriculum.services import complete_lesson
from outbox.models import OutboxMessage
from quizzes.models import Attempt

from .conftest import TODAY, assign, person

STRICT = {
    "manager_individual_progress": False,
    "manager_quiz_results": QuizResults.HIDDEN,
    "min_group_size": 5,
}


def _scored(user, course, score: int, passed: bool) -> Attempt:
    from wagtail.models import Locale

    from quizzes.demo import build_quiz
    from tests.curriculum.conftest import QUIZ_DATA

    return Attempt.objects.create(
        quiz=build_quiz(f"team-quiz-{user.pk}", QUIZ_DATA, Locale.get_default()),
        user=user,
        context_key=f"course:{course.pk}",
        submitted_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
        score_percent=score,
        passed=passed,
    )


@pytest.fixture
def training(org, frozen_today):
    """Tom is overdue; Anna completed the course (certificate) with a quiz scored 87 %."""
    course = org.tree.course
    assign(org.tom, course, TODAY - datetime.timedelta(days=4))
    assign(org.anna, course, TODAY + datetime.timedelta(days=10))
    for lesson in org.tree.lessons:
        complete_lesson(org.anna, lesson)
    _scored(org.anna, course, 87, passed=True)
    return course


# What would tell a manager something about one person's training.
INDIVIDUAL_MARKS = (
    'data-testid="remind-person"',
    "badge-danger",  # an overdue training
    "badge-success",  # a completed one
    "87 %",
    "gültig bis",  # a certificate's expiry
    "Letzte Aktivität",
    "fällig am",
    'data-testid="quiz-passed"',
)


def assert_nothing_individual(body: str) -> None:
    for mark in INDIVIDUAL_MARKS:
        assert mark not in body, mark


def test_strict_policy_page_shows_names_but_no_ones_training(
    client_as, org, training, privacy_settings
):
    privacy_settings(**STRICT)
    client = client_as(org.maria)
    body = client.get("/team/").content.decode()
    assert "Tom Muster" in body and "Anna Muster" in body  # who is in the team is no result
    assert 'data-testid="team-privacy"' in body
    assert_nothing_individual(body)
    # Two people are fewer than five: no team figures, the course row hidden.
    assert 'data-testid="team-totals"' not in body
    assert 'data-testid="team-totals-hidden"' in body
    assert "zu wenige Personen" in body
    # A status filter or an urgency order would single out the late ones: both are gone.
    filtered = client.get("/team/?status=overdue&sort=status").content.decode()
    assert "Anna Muster" in filtered and "Tom Muster" in filtered
    assert 'name="status"' not in filtered and 'name="sort"' not in filtered
    assert_nothing_individual(filtered)


def test_strict_policy_person_page_and_exports(client_as, org, training, privacy_settings):
    privacy_settings(**STRICT)
    client = client_as(org.maria)
    body = client.get(f"/team/{org.anna.pk}/").content.decode()
    assert "Anna Muster" in body
    assert_nothing_individual(body)
    assert org.tree.course.title not in body and "Zertifikate (mit Verlauf)" not in body
    csv = client.get("/team/export.csv").getvalue().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Kurs;Personen") or csv.splitlines()[0].startswith(
        "Kurs,Personen"
    )
    for mark in ("Tom", "Anna", "tom@", "anna@", "87"):
        assert mark not in csv, mark
    assert "ausgeblendet (zu wenige Personen)" in csv
    sheet = load_workbook(io.BytesIO(client.get("/team/export.xlsx").getvalue())).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert cells[0] == "Kurs" and not any("Muster" in c or "@" in c for c in cells)
    assert not ResultView.objects.filter(viewer=org.maria).exists()  # nothing individual seen


def test_strict_policy_shows_group_figures_for_a_big_enough_team(
    client_as, org, training, privacy_settings
):
    privacy_settings(**STRICT)
    for n in range(4):  # six people with the course: enough to show figures
        extra = person(f"Extra{n}", manager=org.maria, team=org.team)
        assign(extra, org.tree.course, TODAY + datetime.timedelta(days=20))
    body = client_as(org.maria).get("/team/").content.decode()
    assert 'data-testid="team-totals"' in body and 'data-testid="total-overdue">1<' in body
    assert "<td>6</td><td>1</td><td>0</td><td>4</td><td>0</td><td>1</td>" in body
    assert_nothing_individual(body)


def test_strict_policy_reminds_only_everyone_at_once(client_as, org, training, privacy_settings):
    privacy_settings(**STRICT)
    client = client_as(org.maria)
    response = client.post("/team/remind/", {"person": org.tom.pk}, follow=True)
    assert "nur alle Überfälligen auf einmal" in response.content.decode()
    assert not OutboxMessage.objects.exists()
    body = client.post("/team/remind/", {"all": "1"}, follow=True).content.decode()
    assert OutboxMessage.objects.get().recipient == org.tom.email
    assert "Die überfälligen Personen in Ihrem Team wurden erinnert." in body
    assert "Tom" not in body.split("<main", 1)[1].split("team-grid", 1)[0]  # not in the message
    again = client.post("/team/remind/", {"all": "1"}, follow=True).content.decode()
    assert "Einige wurden kürzlich erinnert" in again and "Tom Muster." not in again


def test_strict_policy_digest_names_nobody_and_hides_small_team_figures(
    org, training, privacy_settings
):
    privacy_settings(**STRICT)
    send_weekly_digests(today_iso=TODAY.isoformat())
    body = OutboxMessage.objects.get(topic="digest").payload["body"]
    assert "Tom" not in body and "Anna" not in body
    assert "Ihr Team:" not in body  # two people: the team figures stay hidden
    assert "/team/" in body


def test_pass_fail_policy_shows_passed_quizzes_not_scores(client_as, org, training):
    """The default policy: managers see whether quizzes were passed, never a percentage."""
    client = client_as(org.maria)
    body = client.get("/team/").content.decode()
    assert "Quizze bestanden: 1 von 1" in body and "87 %" not in body
    csv = client.get("/team/export.csv").getvalue().decode("utf-8-sig")
    assert "Quizze bestanden" in csv and "1 von 1" in csv and "87" not in csv
    assert ResultView.objects.filter(viewer=org.maria, subject=org.anna).exists()


def test_hidden_quiz_results_leave_the_quiz_column_out(client_as, org, training, privacy_settings):
    privacy_settings(manager_quiz_results=QuizResults.HIDDEN)
    client = client_as(org.maria)
    body = client.get("/team/").content.decode()
    assert "badge-danger" in body  # progress is still shown
    assert "Quizze bestanden" not in body and "87 %" not in body
    header = client.get("/team/export.csv").getvalue().decode("utf-8-sig").splitlines()[0]
    assert "Quiz" not in header and "Status" in header


def test_scores_policy_shows_the_best_score(client_as, org, training, privacy_settings):
    privacy_settings(manager_quiz_results=QuizResults.SCORES)
    client = client_as(org.maria)
    assert "bestes Quiz 87 %" in client.get("/team/").content.decode()
    header = client.get("/team/export.csv").getvalue().decode("utf-8-sig").splitlines()[0]
    assert "Bestes Quiz-Ergebnis %" in header

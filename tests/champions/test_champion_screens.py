"""Champion screens from issue #15: best quiz result, session form, sessions afterwards, open
action items on the group page, and the nudge with training, link and personal note."""

from __future__ import annotations

import datetime
import re

import pytest

from django.core import mail
from django.utils import timezone

from wagtail.models import Locale

from accounts.factories import UserFactory
from assignments.models import Assignment
from champions import services
from champions.models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
    Membership,
)
from quizzes.factories import QuizFactory
from quizzes.models import Attempt

TODAY = timezone.localdate


@pytest.fixture
def group(db, champion, learner):
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="Runde Nord", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=learner)
    return group


def submitted(quiz, user, score, passed):
    return Attempt.objects.create(
        quiz=quiz, user=user, submitted_at=timezone.now(), score_percent=score, passed=passed
    )


@pytest.mark.django_db
def test_quiz_mastery_is_the_best_attempt_and_whether_it_was_passed(learner, other_learner):
    quiz = QuizFactory(title="Beschwerden")
    submitted(quiz, learner, 0, False)
    submitted(quiz, learner, 100, True)
    other = QuizFactory(title="Zuhören")
    submitted(other, learner, 40, False)
    submitted(other, learner, 60, False)
    mastery = services.quiz_mastery([learner.pk, other_learner.pk])
    assert mastery[learner.pk] == [
        {"topic": "Beschwerden", "score": 100, "passed": True},  # not the 50 % average
        {"topic": "Zuhören", "score": 60, "passed": False},
    ]
    assert other_learner.pk not in mastery


@pytest.mark.django_db
def test_quiz_mastery_counts_language_versions_as_one_quiz(home_page, learner):
    german = QuizFactory(title="Beschwerden")
    english = german.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Complaints"
    english.save()
    submitted(german, learner, 80, True)
    submitted(english, learner, 50, False)
    from django.utils import translation

    with translation.override("en"):
        assert services.quiz_mastery([learner.pk])[learner.pk] == [
            {"topic": "Complaints", "score": 80, "passed": True}
        ]


@pytest.mark.django_db
def test_dashboard_shows_best_and_passed(client_as, group, champion, learner):
    quiz = QuizFactory(title="Beschwerden")
    submitted(quiz, learner, 0, False)
    submitted(quiz, learner, 100, True)
    html = client_as(champion).get("/champions/dashboard/").content.decode()
    assert "Beschwerden: bestes Ergebnis 100 %" in html and "bestanden" in html
    assert "bestes Ergebnis 50 %" not in html
    # the reminder is a link to the note form, named for the person it reminds
    assert f'href="/champions/nudge/{learner.pk}/"' in html
    assert 'data-label="Erinnern"' in html


@pytest.mark.django_db
def test_dashboard_lists_a_members_three_latest_courses_when_nothing_is_assigned(
    client_as, group, champion, learner, tree
):
    from curriculum.factories import CoursePageFactory
    from curriculum.models import CourseEnrolment

    for n, day in enumerate([3, 9, 1, 6]):  # started on these days of March, not in this order
        course = CoursePageFactory(parent=tree.path, slug=f"kurs-{n}", title=f"Kurs vom {day}.")
        enrolment = CourseEnrolment.objects.create(user=learner, course=course)
        CourseEnrolment.objects.filter(pk=enrolment.pk).update(
            started_at=datetime.datetime(2026, 3, day, tzinfo=datetime.UTC)
        )
    html = client_as(champion).get("/champions/dashboard/").content.decode()
    shown = re.findall(r"<div>(Kurs vom \d+\.)</div>", html)
    assert shown == ["Kurs vom 9.", "Kurs vom 6.", "Kurs vom 3."]


@pytest.mark.django_db
def test_session_form_prefills_today_groups_attendance_and_offers_more_rows(
    client_as, group, champion
):
    html = client_as(champion).get(f"/champions/groups/{group.pk}/sessions/new/").content.decode()
    assert f'value="{TODAY().isoformat()}"' in html
    assert re.search(r"<fieldset[^>]*>\s*<legend>Anwesenheit", html)
    assert 'name="items-TOTAL_FORMS" value="1"' in html
    assert "data-formset-template" in html and "items-__prefix__-description" in html
    assert "Weitere Aufgabe hinzufügen" in html


@pytest.mark.django_db
def test_session_form_saves_any_number_of_action_items(client_as, group, champion, learner):
    due = (TODAY() + datetime.timedelta(days=7)).isoformat()
    data = {
        "held_on": TODAY().isoformat(),
        "topic": "Rückrufe",
        "attendees": [str(learner.pk)],
        "items-TOTAL_FORMS": "5",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
    }
    for index in range(5):
        data |= {
            f"items-{index}-owner": str(learner.pk),
            f"items-{index}-description": f"Aufgabe {index + 1}",
            f"items-{index}-due_date": due,
        }
    response = client_as(champion).post(f"/champions/groups/{group.pk}/sessions/new/", data)
    assert response.status_code == 302
    assert ActionItem.objects.filter(owner=learner).count() == 5


@pytest.mark.django_db
def test_session_form_errors_are_summarised_and_marked_in_their_row(
    client_as, group, champion, learner
):
    data = {
        "held_on": "",
        "topic": "Rückrufe",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
        "items-1-description": "Ohne Verantwortliche",
    }
    response = client_as(champion).post(f"/champions/groups/{group.pk}/sessions/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte korrigieren Sie 2 Angaben" in html
    assert 'href="#id_held_on"' in html and 'href="#items-1-errors"' in html
    assert "Aufgabe 2: Eine Aufgabe braucht" in html
    assert 'class="action-item-row row-error"' in html
    assert not CoachingSession.objects.exists()


@pytest.mark.django_db
def test_a_session_can_be_opened_afterwards_and_open_items_show_on_the_group(
    client, client_as, group, champion, learner, hr_user
):
    session = services.log_session(
        group,
        held_on=datetime.date(2026, 11, 20),
        topic="Beschwerden",
        notes="Gute Runde",
        attendee_ids=[learner.pk],
        action_items=[
            services.AgreedActionItem(learner.pk, "Rückruf testen", TODAY()),
            services.AgreedActionItem(
                learner.pk, "Altes Thema", TODAY() - datetime.timedelta(days=2)
            ),
        ],
        created_by=champion,
    )
    ActionItem.objects.filter(description="Rückruf testen").update(done_at=timezone.now())
    url = f"/champions/groups/{group.pk}/sessions/{session.pk}/"
    group_html = client_as(champion).get(f"/champions/groups/{group.pk}/").content.decode()
    assert f'href="{url}"' in group_html
    assert "Offene Aufgaben" in group_html and "Altes Thema" in group_html
    assert "Rückruf testen" not in group_html  # done
    assert "überfällig" in group_html
    html = client_as(champion).get(url).content.decode()
    assert "Gute Runde" in html and learner.display_name in html
    assert "Rückruf testen" in html and "erledigt" in html
    assert client_as(hr_user).get(url).status_code == 200
    other = UserFactory(roles=["Learner", "Champion"])
    ChampionProfile.objects.create(user=other, status=ChampionStatus.ACTIVE)
    assert client_as(other).get(url).status_code == 404
    assert client_as(learner).get(url).status_code == 404
    assert client_as(champion).post(url).status_code == 405
    assert (
        client_as(champion).get(f"/champions/groups/{group.pk}/sessions/999999/").status_code == 404
    )
    client.logout()
    assert client.get(url).status_code == 302


@pytest.fixture
def assigned(tree, learner):
    """The learner's mandatory course, overdue since 3 days."""
    return Assignment.objects.create(
        user=learner, course=tree.course, due_date=TODAY() - datetime.timedelta(days=3)
    )


@pytest.mark.django_db
def test_nudge_page_names_the_overdue_training_and_sends_the_note(
    client_as, group, champion, learner, assigned, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://academy.firma.example"
    client = client_as(champion)
    page = client.get(f"/champions/nudge/{learner.pk}/").content.decode()
    assert assigned.course.title in page and "überfällig seit" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/champions/nudge/{learner.pk}/", {"note": "Melde dich, wenn du Hilfe brauchst!"}
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert assigned.course.title in message.subject
    assert "Melde dich, wenn du Hilfe brauchst!" in message.body
    assert "überfällig seit" in message.body
    assert f"https://academy.firma.example{assigned.course.url}" in message.body
    html = message.alternatives[0][0]
    assert "Melde dich" in html and f"https://academy.firma.example{assigned.course.url}" in html
    again = client.get(f"/champions/nudge/{learner.pk}/").content.decode()
    assert "wurde heute bereits erinnert" in again and "disabled" in again


@pytest.mark.django_db
def test_nudge_mail_is_wholly_in_the_members_language(
    client_as, group, champion, learner, assigned, django_capture_on_commit_callbacks
):
    english = assigned.course.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = "Complaints that turn around"
    english.save_revision().publish()
    learner.preferred_language = "en"
    learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_as(champion).post(f"/champions/nudge/{learner.pk}/", {"note": "Go!"})
    (message,) = mail.outbox
    assert "Complaints that turn around" in message.subject and "reminds you" in message.subject
    assert "overdue since" in message.body and "A note from" in message.body
    for german in ("Hallo", "überfällig", "Erinnerung", "Notiz"):
        assert german not in message.subject + message.body, german
    assert "/en/" in message.body


@pytest.mark.django_db
def test_nudge_note_too_long_is_refused_with_a_message(client_as, group, champion, learner):
    response = client_as(champion).post(f"/champions/nudge/{learner.pk}/", {"note": "x" * 1001})
    assert response.status_code == 400
    assert "höchstens 1000 Zeichen" in response.content.decode()
    assert not mail.outbox


@pytest.mark.django_db
def test_nudge_page_permissions(client, client_as, group, champion, learner, hr_user):
    url = f"/champions/nudge/{learner.pk}/"
    assert client_as(champion).get(url).status_code == 200
    for user in (learner, hr_user):
        assert client_as(user).get(url).status_code == 403
        assert client_as(user).post(url).status_code == 403
    other = UserFactory(roles=["Learner", "Champion"])
    ChampionProfile.objects.create(user=other, status=ChampionStatus.ACTIVE)
    assert client_as(other).get(url).status_code == 404
    assert client_as(other).post(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert not mail.outbox

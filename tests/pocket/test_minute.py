"""CX-Minute: a daily spaced-retrieval practice of questions from quizzes the learner passed.

The schedule is tested with a frozen clock (time-machine): a wrong answer brings the question back
the next day, a right one pushes it out by its Leitner box's interval."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Locale

from curriculum import services as curriculum_services
from pocket import services
from pocket.models import PracticeDay, ReviewCard
from quizzes import services as quiz_services
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt, QuestionKind

pytestmark = pytest.mark.django_db

BERLIN_MORNING = datetime.time(8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


def at(day: datetime.date):
    """Freeze the clock on the morning of `day` (Berlin time)."""
    return time_machine.travel(datetime.datetime.combine(day, BERLIN_MORNING), tick=False)


def bilingual_quiz(questions: int = 2, **quiz_fields):
    """A German quiz with single-choice questions and its English translation."""
    german = QuizFactory(title="Beschwerden", **quiz_fields)
    english = QuizFactory(
        title="Complaints",
        locale=Locale.objects.get(language_code="en"),
        translation_key=german.translation_key,
        **quiz_fields,
    )
    for n in range(questions):
        QuestionFactory(quiz=german, prompt=f"Deutsche Frage {n + 1}?", sort_order=n)
        QuestionFactory(
            quiz=english,
            prompt=f"English question {n + 1}?",
            sort_order=n,
            options=[("Right", True), ("Wrong", False)],
        )
    return german, english


def passed(user, quiz, context_key: str = "", when: datetime.datetime | None = None) -> Attempt:
    """A passed attempt (as the quiz pages leave it)."""
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        context_key=context_key,
        submitted_at=when or timezone.now(),
        score_percent=100,
        passed=True,
    )


def option_id(question, correct: bool) -> str:
    return next(o["id"] for o in question.option_items() if o["correct"] is correct)


def current_card(client):
    """The card and question the CX-Minute page shows now."""
    response = client.get(reverse("pocket:minute"))
    assert response.status_code == 200
    return response.context["card"], response


def answer(client, card, right: bool):
    question = card.question
    return client.post(
        reverse("pocket:minute_answer", args=[card.pk]),
        {"choice": option_id(question, right)},
    )


# --- the schedule -------------------------------------------------------------------------------


def test_leitner_rule():
    today = datetime.date(2026, 3, 2)
    assert services.next_review(1, True, today) == (2, datetime.date(2026, 3, 5))
    assert services.next_review(2, True, today) == (3, datetime.date(2026, 3, 9))
    assert services.next_review(4, True, today) == (5, datetime.date(2026, 4, 6))
    assert services.next_review(5, True, today) == (5, datetime.date(2026, 4, 6))
    assert services.next_review(4, False, today) == (1, datetime.date(2026, 3, 3))


def test_a_wrong_answer_comes_back_the_next_day_and_a_right_one_later(
    client_as, learner, home_page
):
    german, _english = bilingual_quiz(questions=1)
    monday = datetime.date(2026, 3, 2)
    client = client_as(learner)
    with at(monday):
        passed(learner, german)
        card, response = current_card(client)
        assert card is None  # learned today: first practice tomorrow
        assert ReviewCard.objects.get(user=learner).due_on == monday + datetime.timedelta(days=1)

    with at(monday + datetime.timedelta(days=1)):
        card, response = current_card(client)
        assert card.question.prompt == "Deutsche Frage 1?"
        feedback = answer(client, card, right=False)
        assert feedback.status_code == 200
        page = feedback.content.decode()
        assert "Diese Frage kommt morgen wieder." in page
        assert "Richtige Antwort: Richtig" in page
        card.refresh_from_db()
        assert (card.box, card.due_on) == (1, datetime.date(2026, 3, 4))
        assert current_card(client)[0] is None  # answered today: not again today

    with at(datetime.date(2026, 3, 4)):
        card, _response = current_card(client)
        assert card is not None  # the wrong answer is back the next day
        page = answer(client, card, right=True).content.decode()
        assert "Diese Frage kommt in 3 Tagen wieder." in page
        card.refresh_from_db()
        assert (card.box, card.due_on) == (2, datetime.date(2026, 3, 7))

    for day in (datetime.date(2026, 3, 5), datetime.date(2026, 3, 6)):
        with at(day):
            assert current_card(client)[0] is None
    with at(datetime.date(2026, 3, 7)):
        card, _response = current_card(client)
        answer(client, card, right=True)
        card.refresh_from_db()
        assert (card.box, card.due_on, card.reviews) == (3, datetime.date(2026, 3, 14), 3)


def test_three_questions_a_day_longest_overdue_first(client_as, learner, home_page):
    german, _english = bilingual_quiz(questions=5)
    client = client_as(learner)
    with at(datetime.date(2026, 3, 1)):
        passed(learner, german)
        services.sync_review_cards(learner)
    ReviewCard.objects.filter(user=learner, position=4).update(due_on=datetime.date(2026, 2, 1))
    with at(datetime.date(2026, 3, 10)):
        card, response = current_card(client)
        assert card.position == 4
        assert "Frage 1 von 3" in response.content.decode()
        for _n in range(3):
            card, _response = current_card(client)
            assert answer(client, card, right=True).status_code == 200
        card, response = current_card(client)
        assert card is None
        page = response.content.decode()
        assert "Für heute geschafft" in page and "3 von 3 richtig." in page
        assert "1 Tag in Folge" in page
        # a fourth card is still due, but the day's minute is over
        fourth = ReviewCard.objects.filter(user=learner, reviews=0).first()
        refused = client.post(
            reverse("pocket:minute_answer", args=[fourth.pk]),
            {"choice": option_id(german.questions.first(), True)},
        )
        assert refused.status_code == 400
        assert "Das war die CX-Minute für heute" in refused.content.decode()
        assert PracticeDay.objects.get(user=learner).answered == 3


def test_the_streak_counts_days_in_a_row(learner, home_page):
    start = datetime.date(2026, 3, 1)
    for offset in (0, 1, 2, 4, 5):
        PracticeDay.objects.create(
            user=learner, day=start + datetime.timedelta(days=offset), answered=1
        )
    assert services.practice_streak(learner, start + datetime.timedelta(days=2)) == 3
    assert services.practice_streak(learner, start + datetime.timedelta(days=3)) == 3  # not yet
    assert services.practice_streak(learner, start + datetime.timedelta(days=5)) == 2
    assert services.practice_streak(learner, start + datetime.timedelta(days=7)) == 0


# --- German and English share one card -----------------------------------------------------------


def test_questions_come_in_the_learners_language_with_one_schedule(client_as, learner, home_page):
    german, english = bilingual_quiz(questions=1)
    client = client_as(learner)
    with at(datetime.date(2026, 3, 1)):
        passed(learner, english)  # passed in English
    learner.preferred_language = "en"  # app pages speak the learner's chosen language
    learner.save()
    with at(datetime.date(2026, 3, 2)):
        card, response = current_card(client)
        assert card.question.prompt == "English question 1?"
        assert "Question 1 of 1" in response.content.decode()
        page = answer(client, card, right=False).content.decode()
        assert "This question comes back tomorrow." in page
    learner.preferred_language = "de"
    learner.save()
    with at(datetime.date(2026, 3, 3)):
        card, _response = current_card(client)
        assert card.question.prompt == "Deutsche Frage 1?"
        answer(client, card, right=True)
    assert ReviewCard.objects.filter(user=learner).count() == 1
    card = ReviewCard.objects.get(user=learner)
    assert (card.box, card.reviews, card.quiz_key) == (2, 2, german.translation_key)


# --- where the questions come from ---------------------------------------------------------------


def test_a_passed_knowledge_check_adds_its_questions_and_links_the_lesson(client_as, learner, tree):
    german, _english = bilingual_quiz(questions=2)
    lesson = tree.lessons[0]
    lesson.body = [("quiz", {"quiz": german})]
    lesson.save_revision().publish()
    attempt = quiz_services.start_attempt(learner, german, context_key=f"lesson:{lesson.pk}")
    attempt.answers = {str(q.pk): [option_id(q, True)] for q in german.questions.all()}
    attempt.save()
    quiz_services.submit_attempt(attempt)  # the signal adds the cards at once
    cards = ReviewCard.objects.filter(user=learner).order_by("position")
    assert [(c.position, c.course_id, c.lesson_id) for c in cards] == [
        (0, tree.course.pk, lesson.pk),
        (1, tree.course.pk, lesson.pk),
    ]
    cards.update(due_on=timezone.localdate())
    client = client_as(learner)
    card, _response = current_card(client)
    page = answer(client, card, right=False).content.decode()
    assert f'href="{lesson.url}"' in page and "Lektion noch einmal lesen: Lektion 1" in page


def test_a_completed_course_adds_its_knowledge_checks_and_exam(learner, tree):
    check, _ = bilingual_quiz(questions=2)
    exam = QuizFactory(title="Abschluss")
    QuestionFactory(quiz=exam, prompt="Prüfungsfrage?")
    lesson = tree.lessons[1]
    lesson.body = [("text", "<p>Text</p>"), ("quiz", {"quiz": check})]
    lesson.save_revision().publish()
    tree.course.final_exam = exam
    tree.course.save_revision().publish()
    other_course_quiz, _ = bilingual_quiz(questions=3)  # never passed, course not completed
    for done in tree.lessons:
        curriculum_services.complete_lesson(learner, done)
    passed(learner, exam, context_key=f"course:{tree.course.pk}")
    assert curriculum_services.check_course_completion(learner, tree.course)

    assert services.sync_review_cards(learner) == 3
    assert services.sync_review_cards(learner) == 0  # once
    cards = {(c.quiz_key, c.position): c for c in ReviewCard.objects.filter(user=learner)}
    assert set(cards) == {
        (check.translation_key, 0),
        (check.translation_key, 1),
        (exam.translation_key, 0),
    }
    assert cards[(check.translation_key, 0)].lesson_id == lesson.pk
    assert all(c.course_id == tree.course.pk for c in cards.values())
    assert other_course_quiz.translation_key not in {key for key, _pos in cards}


def test_the_minute_page_costs_the_same_for_one_or_many_quizzes(
    client_as, learner, home_page, django_assert_num_queries
):
    client = client_as(learner)
    first, _ = bilingual_quiz(questions=2)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    passed(learner, first, when=yesterday)
    client.get(reverse("pocket:minute"))  # cards made
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("pocket:minute"))
    queries = len(one.captured_queries)
    for _n in range(4):
        quiz, _ = bilingual_quiz(questions=3)
        passed(learner, quiz, when=yesterday)
    client.get(reverse("pocket:minute"))
    with django_assert_num_queries(queries):
        client.get(reverse("pocket:minute"))
    assert queries <= 16


# --- every question type is scored on the server -------------------------------------------------


def test_ordering_and_multiple_choice_are_scored_on_the_server(client_as, learner, home_page):
    quiz = QuizFactory(title="Typen")
    ordering = QuestionFactory(
        quiz=quiz,
        kind=QuestionKind.ORDERING,
        prompt="Reihenfolge?",
        sort_order=0,
        options=[("Zuhören", False), ("Verstehen", False), ("Lösen", False)],
    )
    multiple = QuestionFactory(
        quiz=quiz,
        kind=QuestionKind.MULTIPLE,
        prompt="Was hilft?",
        sort_order=1,
        options=[("Zuhören", True), ("Unterbrechen", False), ("Nachfragen", True)],
    )
    with at(datetime.date(2026, 3, 1)):
        passed(learner, quiz)
    client = client_as(learner)
    with at(datetime.date(2026, 3, 2)):
        card, response = current_card(client)
        assert card.question == ordering
        shown = [o["id"] for o in response.context["options"]]
        right = [o["id"] for o in ordering.option_items()]
        assert shown != right  # the right order is never the order shown
        url = reverse("pocket:minute_answer", args=[card.pk])
        missing = client.post(url, {f"pos_{right[0]}": "1", f"pos_{right[1]}": "2"})
        assert missing.status_code == 400
        assert "Geben Sie jedem Schritt eine Position." in missing.content.decode()
        same = client.post(url, {f"pos_{oid}": "1" for oid in right})
        assert same.status_code == 400
        assert "Geben Sie jedem Schritt eine andere Position." in same.content.decode()
        response = client.post(url, {f"pos_{oid}": str(n) for n, oid in enumerate(right, 1)})
        assert "Richtig" in response.content.decode() and response.context["feedback"].correct

        card, _response = current_card(client)
        assert card.question == multiple
        ids = {o["text"]: o["id"] for o in multiple.option_items()}
        url = reverse("pocket:minute_answer", args=[card.pk])
        response = client.post(url, {"choice": [ids["Zuhören"]]})  # half right is not right
        assert response.status_code == 200 and not response.context["feedback"].correct
    assert ReviewCard.objects.get(user=learner, position=1).due_on == datetime.date(2026, 3, 3)


# --- bad input, repeats and permissions ----------------------------------------------------------


def test_bad_answers_get_a_clear_message_never_a_500(client_as, learner, other_learner, home_page):
    german, _ = bilingual_quiz(questions=2)
    with at(datetime.date(2026, 3, 1)):
        passed(learner, german)
        passed(other_learner, german)
        services.sync_review_cards(other_learner)
    client = client_as(learner)
    with at(datetime.date(2026, 3, 2)):
        card, _response = current_card(client)
        url = reverse("pocket:minute_answer", args=[card.pk])
        cases = [
            ({}, "Wählen Sie zuerst eine Antwort."),
            ({"choice": "erfunden"}, "Diese Antwort gehört nicht zu dieser Frage."),
            (
                {"choice": [o["id"] for o in card.question.option_items()]},
                "Wählen Sie eine Antwort.",
            ),
            ({"pos_x": "eins"}, "Geben Sie jedem Schritt eine Position."),
        ]
        for data, message in cases:
            response = client.post(url, data)
            assert response.status_code == 400, data
            assert message in response.content.decode()
        foreign = ReviewCard.objects.get(user=other_learner, position=0)
        response = client.post(
            reverse("pocket:minute_answer", args=[foreign.pk]),
            {"choice": option_id(card.question, True)},
        )
        assert response.status_code == 400
        assert "Diese Frage gehört nicht zu Ihrer CX-Minute." in response.content.decode()
        foreign.refresh_from_db()
        assert foreign.reviews == 0

        assert answer(client, card, right=True).status_code == 200
        again = answer(client, card, right=True)  # a second tap
        assert again.status_code == 400
        assert "Diese Frage haben Sie schon beantwortet." in again.content.decode()
        card.refresh_from_db()
        assert (card.reviews, card.box) == (1, 2)
        assert PracticeDay.objects.get(user=learner).answered == 1


def test_anonymous_visitors_are_sent_to_log_in(client, home_page):
    for response in (
        client.get(reverse("pocket:minute")),
        client.post(reverse("pocket:minute_answer", args=[1]), {"choice": "x"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["learner", "champion", "hr_user", "editor"])
def test_every_role_has_a_cx_minute(request, client_as, role, home_page):
    user = request.getfixturevalue(role)
    client = client_as(user)
    response = client.get(reverse("pocket:minute"))
    assert response.status_code == 200
    assert "Bestehen Sie ein Quiz" in response.content.decode()
    german, _ = bilingual_quiz(questions=1)
    passed(user, german, when=timezone.now() - datetime.timedelta(days=1))
    card, _response = current_card(client)
    assert answer(client, card, right=True).status_code == 200
    assert client.put(reverse("pocket:minute")).status_code == 405


def test_the_dashboard_shows_todays_minute_and_the_streak(client_as, learner, home_page):
    german, _ = bilingual_quiz(questions=2)
    passed(learner, german, when=timezone.now() - datetime.timedelta(days=1))
    services.sync_review_cards(learner)
    client = client_as(learner)
    page = client.get("/").content.decode()
    assert 'href="/minute/"' in page and "2 Fragen heute" in page
    card, _response = current_card(client)
    answer(client, card, right=True)
    page = client.get("/").content.decode()
    assert "1 Frage heute" in page and "1 Tag in Folge" in page


def test_knowledge_kept_per_course(learner, tree):
    german, _ = bilingual_quiz(questions=4)
    today = timezone.localdate()
    for position, last_correct in enumerate([True, True, False, None]):
        ReviewCard.objects.create(
            user=learner,
            quiz_key=german.translation_key,
            position=position,
            course=tree.course,
            due_on=today,
            reviews=0 if last_correct is None else 1,
            last_correct=last_correct,
        )
    [row] = services.knowledge_kept(learner)
    assert (row.course.pk, row.cards, row.reviewed, row.kept, row.percent) == (
        tree.course.pk,
        4,
        3,
        2,
        67,
    )

"""Attempt rules through the views: start, answer, submit once, limits, time, privacy."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine

from django.db import connection
from django.utils import timezone

from quizzes import services
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt, QuestionKind
from quizzes.signals import attempt_submitted


@pytest.fixture
def quiz(home_page):
    quiz = QuizFactory(title="Wissenscheck Journey", pass_mark=60, shuffle_options=True)
    QuestionFactory(
        quiz=quiz,
        prompt="Was zeigt die Emotionskurve?",
        options=[("Gefühle", True), ("Umsatz", False)],
    )
    QuestionFactory(
        quiz=quiz,
        kind=QuestionKind.ORDERING,
        prompt="Phasen ordnen",
        options=[("Vorher", False), ("Während", False), ("Nachher", False)],
    )
    return quiz


def _start(client, quiz, key="lesson:1"):
    context = services.sign_context(quiz, key)
    response = client.post(f"/quizzes/{quiz.pk}/start/", {"context": context, "next": "/"})
    assert response.status_code == 302
    return Attempt.objects.filter(quiz=quiz).latest("started_at")


def _right_form(attempt) -> dict:
    data = {"next": "/"}
    for q in services.attempt_questions(attempt):
        items = q.option_items()
        if q.kind == QuestionKind.ORDERING:
            for position, option in enumerate(items, start=1):
                data[f"q{q.pk}_pos_{option['id']}"] = str(position)
        else:
            data[f"q{q.pk}"] = [o["id"] for o in items if o["correct"]]
    return data


@pytest.mark.django_db
def test_reload_shows_the_same_frozen_attempt(client_as, learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    again = _start(client, quiz)
    assert again.pk == attempt.pk
    import re

    def question_order(html: str) -> list[str]:
        return re.findall(r'name="(q\d+(?:_pos_[\w-]+)?)" value="([\w-]*)"', html) or re.findall(
            r'name="(q[\w-]+)"', html
        )

    first = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    second = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    assert question_order(first) == question_order(second)
    assert question_order(first)


@pytest.mark.django_db
def test_attempt_page_never_contains_the_correct_answers(client_as, learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    html = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    assert "Gefühle" in html and "Umsatz" in html
    for marker in ["correct", "Feedback Gefühle", "Richtig", "true"]:
        assert marker not in html.split("<main")[1], marker


@pytest.mark.django_db
def test_full_run_scores_on_the_server_and_shows_feedback(client_as, learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    response = client.post(f"/quizzes/attempts/{attempt.pk}/submit/", _right_form(attempt))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100
    result = client.get(response["Location"]).content.decode()
    assert "100 %" in result and "Feedback Gefühle" in result


@pytest.mark.django_db
def test_editing_the_quiz_never_regrades_an_attempt(client_as, learner, quiz):
    """An attempt keeps the answer key and pass mark it started with."""
    client = client_as(learner)
    attempt = _start(client, quiz)
    answers = _right_form(attempt)
    first = quiz.questions.get(kind=QuestionKind.SINGLE)
    # the editor flips which option is correct and raises the pass mark while the learner works
    first.options = [
        ("option", {**block.value, "correct": not block.value["correct"]})
        for block in first.options
    ]
    first.save()
    quiz.pass_mark = 100
    quiz.save()
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", answers)
    attempt.refresh_from_db()
    assert attempt.score_percent == 100 and attempt.passed
    result = client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()
    assert "100 %" in result
    assert services.score_attempt(attempt)[0] == 100  # and stays so when scored again
    new = Attempt.objects.create(
        user=learner, quiz=quiz, question_ids=attempt.question_ids, answers=attempt.answers
    )  # an attempt from before keys were kept is scored against the quiz as it is now
    assert services.score_attempt(new)[0] == 50


@pytest.mark.django_db
def test_double_submit_counts_once(client_as, learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    calls = []
    handler = lambda sender, attempt, **kw: calls.append(attempt.pk)  # noqa: E731
    attempt_submitted.connect(handler)
    try:
        client.post(f"/quizzes/attempts/{attempt.pk}/submit/", _right_form(attempt))
        second = client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"next": "/"})
    finally:
        attempt_submitted.disconnect(handler)
    assert second.status_code == 302
    assert calls == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.score_percent == 100  # the empty second submit changed nothing


@pytest.mark.django_db
def test_no_answers_after_submission(client_as, learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"next": "/"})
    response = client.post(f"/quizzes/attempts/{attempt.pk}/save/", _right_form(attempt))
    assert response.status_code == 400
    assert "Dieser Versuch wurde bereits abgegeben." in response.content.decode()


@pytest.mark.django_db
def test_attempt_limit_is_enforced(client_as, learner, quiz):
    quiz.max_attempts = 1
    quiz.save()
    client = client_as(learner)
    attempt = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt.pk}/submit/", {"next": "/"})
    response = client.post(f"/quizzes/{quiz.pk}/start/", {"context": "", "next": "/"}, follow=True)
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    assert "Sie haben alle Versuche für dieses Quiz aufgebraucht." in response.content.decode()


@pytest.mark.django_db
def test_time_limit_refuses_late_answers_and_scores_at_the_limit(client_as, learner, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    client = client_as(learner)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = _start(client, quiz)
    with time_machine.travel(start + datetime.timedelta(minutes=15), tick=False):
        late_save = client.post(f"/quizzes/attempts/{attempt.pk}/save/", _right_form(attempt))
        assert late_save.status_code == 400
        client.post(f"/quizzes/attempts/{attempt.pk}/submit/", _right_form(attempt))
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score_percent == 0  # answers after the limit were not taken


@pytest.mark.django_db
def test_another_learner_cannot_open_or_submit_my_attempt(client_as, learner, other_learner, quiz):
    attempt = _start(client_as(learner), quiz)
    intruder = client_as(other_learner)
    for url in [f"/quizzes/attempts/{attempt.pk}/", f"/quizzes/attempts/{attempt.pk}/result/"]:
        assert intruder.get(url).status_code == 404
    assert intruder.post(f"/quizzes/attempts/{attempt.pk}/submit/", {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


@pytest.mark.django_db
def test_junk_answers_get_a_clear_400(client_as, learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    question = services.attempt_questions(attempt)[0]
    bad = client.post(f"/quizzes/attempts/{attempt.pk}/save/", {f"q{question.pk}": "not-an-option"})
    assert bad.status_code == 400
    unknown = client.post(f"/quizzes/attempts/{attempt.pk}/save/", {"q999999": "x"})
    assert unknown.status_code == 400
    ordering = services.attempt_questions(attempt)[1]
    option = ordering.option_items()[0]["id"]
    assert (
        client.post(
            f"/quizzes/attempts/{attempt.pk}/save/", {f"q{ordering.pk}_pos_{option}": "abc"}
        ).status_code
        == 400
    )
    assert client.post("/quizzes/999999/start/", {}).status_code == 404


@pytest.mark.django_db
def test_statistics_only_for_editors_and_hr(
    client, client_as, learner, champion, editor, hr_user, quiz
):
    url = f"/quizzes/{quiz.pk}/statistics/"
    assert client.get(url).status_code == 302
    assert client_as(learner).get(url).status_code == 403
    assert client_as(champion).get(url).status_code == 403
    assert client_as(editor).get(url).status_code == 200
    assert client_as(hr_user).get(url).status_code == 200


@pytest.mark.django_db
def test_history_lists_only_my_attempts(client_as, learner, other_learner, quiz):
    services.submit_attempt(services.start_attempt(other_learner, quiz))
    mine = services.submit_attempt(services.start_attempt(learner, quiz))
    html = client_as(learner).get(f"/quizzes/{quiz.pk}/history/").content.decode()
    assert f"/quizzes/attempts/{mine.pk}/result/" in html
    assert html.count("/result/") == 1


@pytest.mark.django_db
def test_editor_can_create_a_quiz_with_inline_questions(client_as, editor):
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    from quizzes.models import Quiz

    data = nested_form_data(
        {
            "title": "Neuer Test",
            "intro": "",
            "pass_mark": 70,
            "show_answers": "after_attempt",
            "shuffle_options": "on",
            "key": "",
            "questions": inline_formset(
                [
                    {
                        "kind": "single",
                        "prompt": "Was ist CX?",
                        "stem": rich_text(""),
                        "explanation": "",
                        "options": streamfield(
                            [
                                (
                                    "option",
                                    {"text": "Alle Erlebnisse", "correct": "on", "feedback": ""},
                                ),
                                ("option", {"text": "Nur Service", "feedback": ""}),
                            ]
                        ),
                    }
                ]
            ),
        }
    )
    response = client_as(editor).post("/admin/snippets/quizzes/quiz/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    quiz = Quiz.objects.get(title="Neuer Test")
    question = quiz.questions.get()
    assert [o["correct"] for o in question.option_items()] == [True, False]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_submits_count_once_on_postgresql(learner, quiz):
    if connection.vendor != "postgresql":
        pytest.skip("racing submits need PostgreSQL (set DATABASE_URL)")
    attempt = services.start_attempt(learner, quiz)
    calls = []
    handler = lambda sender, attempt, **kw: calls.append(attempt.pk)  # noqa: E731
    attempt_submitted.connect(handler)
    barrier = threading.Barrier(2)
    errors = []

    def submit():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.submit_attempt(Attempt.objects.get(pk=attempt.pk))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        attempt_submitted.disconnect(handler)
    assert not errors
    assert calls == [attempt.pk]
    assert Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=False).count() == 1

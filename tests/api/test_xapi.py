"""Learning events become xAPI statements in a real Ralph LRS; nothing leaves when unconfigured."""

from __future__ import annotations

import base64
import datetime
import json
import urllib.request

import pytest
import time_machine

from django.utils import timezone

from wagtail.models import Locale

from api import tasks, xapi
from api.models import XapiStatement
from curriculum import services as progress
from quizzes import services as quiz_services
from quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


def lrs_statements(lrs) -> list[dict]:
    """Every statement the LRS holds (Ralph's GET /xAPI/statements)."""
    credentials = base64.b64encode(f"{lrs['key']}:{lrs['secret']}".encode()).decode()
    request = urllib.request.Request(
        f"{lrs['endpoint']}/statements?limit=500",
        headers={"Authorization": f"Basic {credentials}", "X-Experience-API-Version": "1.0.3"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["statements"]


@pytest.fixture
def lrs_settings(settings, ralph_lrs, privacy_settings):
    privacy_settings(hr_quiz_results="scores")  # the LRS is HR's: it gets what HR may see
    settings.XAPI_LRS_ENDPOINT = ralph_lrs["endpoint"]
    settings.XAPI_LRS_KEY = ralph_lrs["key"]
    settings.XAPI_LRS_SECRET = ralph_lrs["secret"]
    settings.XAPI_ACTIVITY_BASE = "https://academy.example"
    return ralph_lrs


def pass_lesson_quiz(user, lesson):
    quiz = QuizFactory(pass_mark=50)
    question = QuestionFactory(quiz=quiz)
    right = next(block.id for block in question.options if block.value["correct"])
    attempt = quiz_services.start_attempt(user, quiz, context_key=f"lesson:{lesson.pk}")
    quiz_services.save_answers(attempt, {str(question.pk): [right]})
    return quiz, quiz_services.submit_attempt(attempt)


def test_lesson_and_quiz_end_up_as_valid_statements_in_ralph(
    tree, learner, lrs_settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        progress.open_lesson(learner, tree.lessons[0])
        progress.complete_lesson(learner, tree.lessons[0])
    with django_capture_on_commit_callbacks(execute=True):
        quiz, attempt = pass_lesson_quiz(learner, tree.lessons[1])
    with django_capture_on_commit_callbacks(execute=True):
        # the test quiz is not embedded in the lesson body, so passing it completes no lesson
        # (the server derives the lesson from the page); the learner marks it done instead
        progress.complete_lesson(learner, tree.lessons[1])
        progress.complete_lesson(learner, tree.lessons[2])

    assert attempt.passed
    stored = lrs_statements(lrs_settings)
    ours = {s["id"]: s for s in stored}
    queued = list(XapiStatement.objects.order_by("id"))
    assert all(row.sent_at for row in queued)
    assert set(ours) == {str(row.statement_id) for row in queued}

    def ids(verb):
        return [s["object"]["id"] for s in stored if s["verb"]["id"].endswith(f"/verbs/{verb}")]

    lesson_id = xapi.activity_id("lesson", tree.lessons[0].translation_key)
    course_id = xapi.activity_id("course", tree.course.translation_key)
    quiz_id = xapi.activity_id("quiz", quiz.translation_key)
    assert ids("experienced") == [lesson_id]
    assert lesson_id in ids("completed")
    assert course_id in ids("completed")  # the third lesson completed the course
    assert ids("attempted") == [quiz_id]
    assert ids("passed") == [quiz_id]

    passed = next(s for s in stored if s["verb"]["id"] == xapi.VERBS["passed"][0])
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100}
    assert passed["result"]["success"] is True
    assert passed["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "https://academy.example", "name": str(learner.pk)},
    }
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == xapi.activity_id(
        "lesson", tree.lessons[1].translation_key
    )
    assert passed["object"]["definition"]["type"] == xapi.ACTIVITY_TYPES["assessment"]
    assert all(s["authority"]["account"]["name"] == "cx" for s in stored)  # stored by Ralph

    earned = [s for s in stored if s["verb"]["id"] == xapi.VERBS["earned"][0]]
    assert len(earned) == 1  # the course's certificate
    assert earned[0]["object"]["definition"]["type"] == xapi.ACTIVITY_TYPES["certificate"]
    assert earned[0]["actor"] == passed["actor"]


def test_lrs_down_never_blocks_the_learner_and_is_retried(
    tree, learner, lrs_settings, settings, django_capture_on_commit_callbacks
):
    settings.XAPI_LRS_ENDPOINT = "http://127.0.0.1:9/xAPI"  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        completion = progress.complete_lesson(learner, tree.lessons[0])
    assert completion.pk  # the learner's progress is saved
    row = XapiStatement.objects.get()
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    assert row.next_attempt_at > timezone.now()
    settings.XAPI_LRS_ENDPOINT = lrs_settings["endpoint"]
    assert tasks.send_xapi_statements() == 0  # not due yet
    with time_machine.travel(row.next_attempt_at + datetime.timedelta(seconds=1)):
        assert tasks.send_xapi_statements() == 1
    row.refresh_from_db()
    assert row.sent_at and row.attempts == 2
    assert str(row.statement_id) in {s["id"] for s in lrs_statements(lrs_settings)}


def test_statements_are_sent_in_batches(tree, learner, lrs_settings):
    rows = [
        xapi.statement(learner, "experienced", xapi.activity("lesson", tree.lessons[0]))
        for _ in range(xapi.BATCH_SIZE + 5)
    ]
    XapiStatement.objects.bulk_create(
        [XapiStatement(statement_id=s["id"], verb="experienced", statement=s) for s in rows]
    )
    assert xapi.send_batch() == (xapi.BATCH_SIZE, 0)
    assert tasks.send_xapi_statements() == 5
    assert not XapiStatement.objects.filter(sent_at__isnull=True).exists()


def test_nothing_is_recorded_when_no_lrs_is_configured(
    tree, learner, settings, django_capture_on_commit_callbacks
):
    settings.XAPI_LRS_ENDPOINT = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for lesson in tree.lessons:
            progress.complete_lesson(learner, lesson)
        pass_lesson_quiz(learner, tree.lessons[0])
    assert not XapiStatement.objects.exists()
    assert tasks.send_xapi_statements() == 0
    assert all("xapi" not in repr(callback) for callback in callbacks)


def test_activity_ids_stay_the_same_across_languages_and_moves(tree, settings):
    settings.XAPI_ACTIVITY_BASE = "https://academy.example"
    lesson = tree.lessons[0]
    english = lesson.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    assert xapi.activity("lesson", english)["id"] == xapi.activity("lesson", lesson)["id"]
    names = xapi.activity("lesson", lesson)["definition"]["name"]
    assert set(names) == {"de-DE", "en-US"}
    before = xapi.activity("lesson", lesson)["id"]
    lesson.move(tree.course, pos="first-child")
    lesson.refresh_from_db()
    assert xapi.activity("lesson", lesson)["id"] == before

"""Quiz results that teach: the learner's own order, feedback at its option, the next step."""

from __future__ import annotations

import datetime
import re

import pytest

from quizzes import services
from quizzes.factories import QuestionFactory, QuizFactory
from quizzes.models import Attempt, QuestionKind, ShowAnswers


@pytest.fixture
def quiz(home_page):
    quiz = QuizFactory(title="Reihenfolge", pass_mark=100, max_attempts=2)
    QuestionFactory(
        quiz=quiz,
        kind=QuestionKind.ORDERING,
        prompt="Phasen ordnen",
        options=[("Vorher", False), ("Während", False), ("Nachher", False)],
    )
    QuestionFactory(
        quiz=quiz,
        kind=QuestionKind.MULTIPLE,
        prompt="Was gehört dazu?",
        options=[("Zuhören", True), ("Nachfragen", True), ("Unterbrechen", False)],
    )
    return quiz


def _start(client, quiz, key="lesson:1") -> Attempt:
    context = services.sign_context(quiz, key)
    client.post(f"/quizzes/{quiz.pk}/start/", {"context": context, "next": "/lesson/"})
    return Attempt.objects.filter(quiz=quiz).latest("started_at")


def _questions(attempt):
    ordering, multiple = services.attempt_questions(attempt)
    return ordering, multiple


def _submit_wrong(client, attempt) -> str:
    """Ordering answered Nachher, Vorher, Während; multiple choice: Zuhören + Unterbrechen."""
    ordering, multiple = _questions(attempt)
    by_text = {o["text"]: o["id"] for o in ordering.option_items()}
    choice = {o["text"]: o["id"] for o in multiple.option_items()}
    data = {
        "next": "/lesson/",
        f"q{ordering.pk}_pos_{by_text['Nachher']}": "1",
        f"q{ordering.pk}_pos_{by_text['Vorher']}": "2",
        f"q{ordering.pk}_pos_{by_text['Während']}": "3",
        f"q{multiple.pk}": [choice["Zuhören"], choice["Unterbrechen"]],
    }
    response = client.post(f"/quizzes/attempts/{attempt.pk}/submit/", data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _list(html: str, css_class: str) -> list[str]:
    block = html.split(f'class="{css_class}"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li>([^<]+)</li>", block)


@pytest.mark.django_db
def test_a_wrong_order_is_shown_as_the_learner_gave_it(client_as, learner, quiz):
    client = client_as(learner)
    html = _submit_wrong(client, _start(client, quiz))
    assert _list(html, "your-order") == ["Nachher", "Vorher", "Während"]
    assert _list(html, "right-order") == ["Vorher", "Während", "Nachher"]


@pytest.mark.django_db
def test_right_answer_has_no_stray_separator_and_feedback_sits_at_its_option(
    client_as, learner, quiz
):
    client = client_as(learner)
    html = _submit_wrong(client, _start(client, quiz))
    assert "Zuhören; Nachfragen</p>" in html
    assert not re.search(r";\s*</p>", html)
    options = re.findall(r'<li class="chosen-option">(.*?)</li>', html, re.S)
    assert len(options) == 2
    assert "Unterbrechen" in options[1] and "Feedback Unterbrechen" in options[1]
    assert "Feedback Zuhören" in options[0] and "Feedback Unterbrechen" not in options[0]


@pytest.mark.django_db
def test_a_failed_attempt_offers_a_retry_with_the_same_context(client_as, learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    html = _submit_wrong(client, attempt)
    assert "Nicht bestanden" in html
    retry = html.split('class="next-steps"', 1)[1].split("</div>", 1)[0]
    assert f'action="/quizzes/{quiz.pk}/start/"' in retry
    token = re.search(r'name="context" value="([^"]+)"', retry).group(1)
    assert services.context_from_token(quiz, token) == "lesson:1"
    assert 'href="/lesson/"' in retry  # read the lesson again
    response = client.post(f"/quizzes/{quiz.pk}/start/", {"context": token, "next": "/lesson/"})
    assert response.status_code == 302
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 2


@pytest.mark.django_db
def test_no_retry_when_no_attempts_are_left(client_as, learner, quiz):
    client = client_as(learner)
    _submit_wrong(client, _start(client, quiz))
    html = _submit_wrong(client, _start(client, quiz))
    assert "/start/" not in html.split('class="next-steps"', 1)[1].split("</div>", 1)[0]
    assert "alle Versuche" in html


@pytest.mark.django_db
def test_answers_hidden_when_the_quiz_says_never(client_as, learner, quiz):
    quiz.show_answers = ShowAnswers.NEVER
    quiz.save()
    client = client_as(learner)
    html = _submit_wrong(client, _start(client, quiz))
    assert "right-order" not in html and "right-answer" not in html
    assert _list(html, "your-order") == ["Nachher", "Vorher", "Während"]


@pytest.mark.django_db
def test_question_x_of_n_and_a_countdown_with_a_time_limit(client_as, learner, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    client = client_as(learner)
    attempt = _start(client, quiz)
    html = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    assert "Frage 1 von 2" in html and "Frage 2 von 2" in html
    assert 'role="timer"' in html
    shown = re.search(r'data-deadline="([^"]+)"', html).group(1)
    assert abs(datetime.datetime.fromisoformat(shown) - attempt.deadline).total_seconds() < 1


@pytest.mark.django_db
def test_saving_with_htmx_answers_in_place(client_as, learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    _ordering, multiple = _questions(attempt)
    option = multiple.option_items()[0]["id"]
    response = client.post(
        f"/quizzes/attempts/{attempt.pk}/save/", {f"q{multiple.pk}": option}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Gespeichert" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.answers[str(multiple.pk)] == [option]
    html = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    assert f'hx-post="/quizzes/attempts/{attempt.pk}/save/"' in html


@pytest.mark.django_db
def test_another_learner_cannot_see_the_result(client_as, learner, other_learner, quiz):
    client = client_as(learner)
    attempt = _start(client, quiz)
    _submit_wrong(client, attempt)
    other = client_as(other_learner)
    assert other.get(f"/quizzes/attempts/{attempt.pk}/result/").status_code == 404
    assert other.post(f"/quizzes/attempts/{attempt.pk}/submit/").status_code == 404

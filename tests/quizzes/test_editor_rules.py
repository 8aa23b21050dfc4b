"""Editors' rules from issue #15: the pass mark is a percentage; the quiz list speaks German."""

from __future__ import annotations

import pytest

from django.core.exceptions import ValidationError

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from quizzes.factories import QuizFactory
from quizzes.models import Quiz


@pytest.mark.parametrize("mark", [0, 70, 100])
@pytest.mark.django_db
def test_pass_marks_from_0_to_100_are_accepted(mark):
    QuizFactory.build(pass_mark=mark).clean()


@pytest.mark.parametrize("mark", [101, 170, 32767])
@pytest.mark.django_db
def test_pass_marks_above_100_are_refused(mark):
    with pytest.raises(ValidationError) as error:
        QuizFactory.build(pass_mark=mark).clean()
    assert "pass_mark" in error.value.message_dict


def quiz_form(pass_mark: int) -> dict:
    return nested_form_data(
        {
            "title": "Neuer Test",
            "intro": "",
            "pass_mark": pass_mark,
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
                                ("option", {"text": "Alles", "correct": "on", "feedback": ""}),
                                ("option", {"text": "Nur Service", "feedback": ""}),
                            ]
                        ),
                    }
                ]
            ),
        }
    )


@pytest.mark.django_db
def test_admin_refuses_a_pass_mark_of_170_with_a_message(client_as, editor, home_page):
    response = client_as(editor).post("/admin/snippets/quizzes/quiz/add/", quiz_form(170))
    assert response.status_code == 200
    assert (
        "Die Bestehensgrenze ist ein Prozentwert zwischen 0 und 100." in response.content.decode()
    )
    assert not Quiz.objects.filter(title="Neuer Test").exists()
    response = client_as(editor).post("/admin/snippets/quizzes/quiz/add/", quiz_form(100))
    assert response.status_code == 302
    assert Quiz.objects.get(title="Neuer Test").pass_mark == 100


@pytest.mark.django_db
def test_quiz_list_headers_are_german(client_as, editor, home_page):
    QuizFactory(title="Zuhören")
    html = client_as(editor).get("/admin/snippets/quizzes/quiz/").content.decode()
    assert "Zuhören" in html
    assert ">Locale<" not in html and "Sprache" in html

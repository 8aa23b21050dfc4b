"""The certificate says how it was earned, by whom it is issued, and can be checked by code."""

from __future__ import annotations

import pytest

from curriculum import services
from curriculum.models import Certificate
from quizzes import services as quiz_services
from quizzes.demo import _right_answer


def _complete(learner, tree) -> Certificate:
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    return Certificate.objects.get(user=learner, course=tree.course)


@pytest.fixture
def with_exam(tree, knowledge_check):
    tree.course.final_exam = knowledge_check
    tree.course.save_revision().publish()
    tree.course.refresh_from_db()
    return tree


def _pass_exam(learner, tree, quiz) -> None:
    attempt = quiz_services.start_attempt(learner, quiz, context_key=f"course:{tree.course.pk}")
    answers = {
        str(q.pk): _right_answer(q.kind, q.option_items())
        for q in quiz_services.attempt_questions(attempt)
    }
    assert quiz_services.submit_attempt(attempt, answers=answers).passed


@pytest.mark.django_db
def test_a_course_without_exam_gives_a_participation_certificate(client_as, learner, tree):
    certificate = _complete(learner, tree)
    pdf = client_as(learner).get(f"/certificates/{certificate.code}/download/").content
    assert b"Teilnahmezertifikat" in pdf
    assert b"teilgenommen" in pdf and b"erfolgreich" not in pdf
    assert b"30 Minuten" in pdf  # three lessons of ten minutes
    assert b"CX Academy" in pdf and b"Schulungsteam" in pdf  # issuer under the signature line
    assert certificate.code.encode() in pdf


@pytest.mark.django_db
def test_a_passed_final_test_gives_a_certificate_with_its_score(
    client_as, learner, with_exam, knowledge_check
):
    for lesson in with_exam.lessons:
        services.complete_lesson(learner, lesson)
    _pass_exam(learner, with_exam, knowledge_check)
    certificate = Certificate.objects.get(user=learner)
    pdf = client_as(learner).get(f"/certificates/{certificate.code}/download/").content
    assert b"erfolgreich" in pdf and b"Teilnahmezertifikat" not in pdf
    assert b"Abschlusstest: 100 %" in pdf


@pytest.mark.django_db
def test_the_pdf_is_in_the_learners_language(client_as, learner, tree):
    learner.preferred_language = "en"
    learner.save()
    certificate = _complete(learner, tree)
    response = client_as(learner).get(f"/certificates/{certificate.code}/download/")
    assert b"Certificate of participation" in response.content
    assert b"30 minutes" in response.content
    assert "certificate-" in response["Content-Disposition"]


@pytest.mark.django_db
def test_verification_shows_a_clear_valid_state(client, learner, tree):
    certificate = _complete(learner, tree)
    html = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "verify-valid" in html and "Gültiges Zertifikat" in html
    assert certificate.learner_name in html and "Teilnahme" in html
    typed = " ".join(certificate.code.lower()[i : i + 4] for i in range(0, 16, 4))
    response = client.get("/certificates/verify/", {"code": typed})
    assert response.status_code == 200 and "verify-valid" in response.content.decode()


@pytest.mark.django_db
def test_verification_shows_a_clear_invalid_state_and_a_form(client, home_page):
    response = client.get("/certificates/verify/", {"code": "NOPE1234"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "verify-invalid" in html and 'name="code"' in html and "NOPE1234" in html
    empty = client.get("/certificates/verify/")
    assert empty.status_code == 200
    assert (
        'name="code"' in empty.content.decode() and "verify-invalid" not in empty.content.decode()
    )
    junk = client.get("/certificates/verify/", {"code": "<script>" * 20})
    assert junk.status_code == 404 and "<script>" not in junk.content.decode().split("<main", 1)[1]

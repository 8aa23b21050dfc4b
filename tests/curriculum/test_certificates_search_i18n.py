"""Certificates, verification, search, English translations and private reflections."""

from __future__ import annotations

import pytest

from wagtail.models import Locale

from curriculum import services
from curriculum.models import Certificate, ReflectionAnswer


@pytest.fixture
def completed(learner, tree):
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    return Certificate.objects.get(user=learner, course=tree.course)


@pytest.mark.django_db
def test_certificate_pdf_is_valid_and_names_the_learner(client_as, learner, tree):
    learner.first_name, learner.last_name = "Lena", "Lernfreudig"
    learner.save()
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    completed = Certificate.objects.get(user=learner, course=tree.course)
    assert completed.learner_name == "Lena Lernfreudig"  # taken from the account at completion
    response = client_as(learner).get(f"/certificates/{completed.code}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Lena Lernfreudig" in response.content
    assert completed.code.encode() in response.content


@pytest.mark.django_db
def test_other_users_cannot_download_a_certificate(client, client_as, other_learner, completed):
    assert (
        client_as(other_learner).get(f"/certificates/{completed.code}/download/").status_code == 404
    )
    client.logout()
    assert client.get(f"/certificates/{completed.code}/download/").status_code == 302


@pytest.mark.django_db
def test_anyone_can_verify_a_certificate_code(client, completed):
    response = client.get(f"/certificates/verify/{completed.code}/")
    assert response.status_code == 200
    assert completed.course_title in response.content.decode()
    assert client.get("/certificates/verify/NOPE1234/").status_code == 404


@pytest.mark.django_db
def test_search_finds_a_lesson_by_a_german_word(client_as, learner, tree):
    lesson = tree.lessons[1]
    lesson.body = [("text", "<p>Die Emotionskurve zeigt Reibungspunkte.</p>")]
    lesson.save_revision().publish()
    response = client_as(learner).get("/search/?q=Emotionskurve")
    assert response.status_code == 200
    assert lesson.title in response.content.decode()
    assert tree.lessons[2].title not in response.content.decode()
    empty = client_as(learner).get("/search/?q=Quantenphysik")
    assert "Quantenphysik" in empty.content.decode()


@pytest.mark.django_db
def test_english_translation_renders_and_shares_progress(client_as, learner, tree):
    english = Locale.objects.get(language_code="en")
    path_en = tree.path.copy_for_translation(english, copy_parents=True)
    path_en.save_revision().publish()
    course_en = tree.course.copy_for_translation(english)
    course_en.title = "CX basics"
    course_en.save_revision().publish()
    lesson_en = tree.lessons[0].copy_for_translation(english)
    lesson_en.title = "Lesson one"
    lesson_en.save_revision().publish()
    learner.preferred_language = "en"  # a German reader is sent to the German page
    learner.save(update_fields=["preferred_language"])
    client = client_as(learner)
    response = client.get(lesson_en.url)
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    client.post(f"/learning/lessons/{lesson_en.pk}/done/")
    # progress is stored against the German original and shows in both languages
    assert services.course_progress(learner, tree.course).done == 1
    learner.preferred_language = "de"
    learner.save(update_fields=["preferred_language"])
    german_html = client.get(tree.lessons[0].url).content.decode()
    assert f"next={lesson_en.url}" in german_html  # the switcher offers the page's translation


@pytest.mark.django_db
def test_reflection_is_saved_and_private(client_as, learner, other_learner, tree):
    lesson = tree.lessons[0]
    lesson.body = [("reflection", {"prompt": "Was nehmen Sie mit?"})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    block_id = lesson.body[0].id
    client = client_as(learner)
    response = client.post(
        f"/learning/lessons/{lesson.pk}/reflections/{block_id}/", {"text": "Mein geheimer Gedanke"}
    )
    assert response.status_code == 302
    assert ReflectionAnswer.objects.get(user=learner).text == "Mein geheimer Gedanke"
    assert "Mein geheimer Gedanke" in client.get(lesson.url).content.decode()
    other = client_as(other_learner).get(lesson.url).content.decode()
    assert "Mein geheimer Gedanke" not in other
    assert (
        client_as(learner)
        .post(f"/learning/lessons/{lesson.pk}/reflections/unknown/", {"text": "x"})
        .status_code
        == 404
    )
    too_long = client_as(learner).post(
        f"/learning/lessons/{lesson.pk}/reflections/{block_id}/", {"text": "x" * 6000}
    )
    assert too_long.status_code == 400
    assert "5000" in too_long.content.decode()  # says what the limit is
    assert ReflectionAnswer.objects.get(user=learner).text == "Mein geheimer Gedanke"  # kept


@pytest.mark.django_db
def test_save_reflection_keeps_one_answer_across_languages_and_empty_deletes(learner, tree):
    from wagtail.models import Locale

    from curriculum.services import save_reflection

    lesson = tree.lessons[0]
    lesson.body = [("reflection", {"prompt": "Was nehmen Sie mit?"})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    block_id = lesson.body[0].id
    english = lesson.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.save_revision().publish()
    save_reflection(learner, lesson, block_id, "Erster Gedanke")
    answer = save_reflection(learner, english, block_id, "Second thought")
    assert answer.lesson_id == lesson.pk  # kept against the German original
    assert list(ReflectionAnswer.objects.values_list("text", flat=True)) == ["Second thought"]
    assert save_reflection(learner, lesson, block_id, "") is None
    assert not ReflectionAnswer.objects.exists()
    with pytest.raises(ValueError):
        save_reflection(learner, lesson, "no-such-block", "x")

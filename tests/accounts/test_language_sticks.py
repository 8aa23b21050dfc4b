"""The user's preferred language governs every page after log-in and after switching."""

from __future__ import annotations

import datetime

import pytest

from django.utils import formats, translation

from accounts import roles
from accounts.factories import UserFactory

APP_PAGES = ["/account/", "/champions/", "/champions/observations/"]


@pytest.fixture
def english_learner(db):
    return UserFactory(roles=[roles.LEARNER], preferred_language="en", first_name="Emma")


@pytest.mark.django_db
@pytest.mark.parametrize("url", APP_PAGES)
def test_app_pages_follow_the_preference_even_with_a_stale_german_cookie(
    client, english_learner, home_page, url
):
    client.force_login(english_learner)
    client.cookies["django_language"] = "de"  # left behind by another account on this browser
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "My account" in html and "Mein Konto" not in html
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_german_preference_gives_german_app_pages(client_as, learner, home_page):
    client_as(learner).cookies["django_language"] = "en"
    html = client_as(learner).get("/account/").content.decode()
    assert '<html lang="de"' in html and "Mein Konto" in html


@pytest.mark.django_db
def test_switching_changes_every_later_page(client_as, learner, home_page):
    client = client_as(learner)
    assert '<html lang="de"' in client.get("/account/").content.decode()
    response = client.post("/language/?next=/account/", {"language": "en"})
    assert response["Location"] == "/account/"
    for url in ["/account/", "/champions/", "/en/"]:
        assert '<html lang="en"' in client.get(url).content.decode(), url
    learner.refresh_from_db()
    assert learner.preferred_language == "en"
    client.post("/language/?next=/", {"language": "de"})
    assert '<html lang="de"' in client.get("/account/").content.decode()


@pytest.mark.django_db
def test_english_preference_lands_on_the_english_dashboard(client, english_learner, home_page):
    client.force_login(english_learner)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    html = client.get("/en/").content.decode()
    assert '<html lang="en"' in html and "Emma" in html


@pytest.mark.django_db
def test_log_in_with_english_preference_ends_on_the_english_dashboard(client, home_page):
    UserFactory(roles=[roles.LEARNER], email="emma@cx-academy.example", preferred_language="en")
    response = client.post(
        "/accounts/login/",
        {"login": "emma@cx-academy.example", "password": "correct-horse-42"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/en/"
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_visitors_and_german_users_stay_on_the_german_home(client_as, client, learner, home_page):
    assert client.get("/").status_code == 200
    assert client_as(learner).get("/").status_code == 200


def test_english_dates_are_day_first_and_24_hour():
    moment = datetime.datetime(2026, 11, 5, 15, 45)
    with translation.override("en"):
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "5 Nov 2026"
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "5 November 2026"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "5 Nov 2026, 15:45"
    with translation.override("de"):
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "05.11.2026"


@pytest.mark.django_db
def test_the_quiz_of_an_english_user_is_english_with_european_dates(
    client, english_learner, home_page
):
    import re

    from quizzes import services
    from quizzes.factories import QuestionFactory, QuizFactory

    quiz = QuizFactory(title="Final test", time_limit_minutes=10)
    QuestionFactory(quiz=quiz)
    attempt = services.start_attempt(english_learner, quiz)
    client.force_login(english_learner)
    client.cookies["django_language"] = "de"
    html = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    assert "Submit by" in html and "Abgabe bis" not in html
    assert "Question 1 of 1" in html
    services.submit_attempt(attempt)
    history = client.get(f"/quizzes/{quiz.pk}/history/").content.decode()
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", history)  # 29 Nov 2026, 17:10
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", history)


@pytest.fixture
def translated_tree(tree):
    """The course tree with English translations of the path, the course and its first lesson
    (the other lessons are German only)."""
    from wagtail.models import Locale

    english = Locale.objects.get(language_code="en")
    path = tree.path.copy_for_translation(english, copy_parents=True)
    path.save_revision().publish()
    course = tree.course.copy_for_translation(english)
    course.title = "CX basics"
    course.save_revision().publish()
    lesson = tree.lessons[0].copy_for_translation(english)
    lesson.title = "Lesson one"
    lesson.save_revision().publish()
    tree.english = {"path": path, "course": course, "lesson": lesson}
    return tree


def german_and_english(tree, kind: str):
    german = {"path": tree.path, "course": tree.course, "lesson": tree.lessons[0]}[kind]
    german.refresh_from_db()
    english = tree.english[kind]
    english.refresh_from_db()
    return german.url, english.url


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["path", "course", "lesson"])
def test_a_german_page_link_opens_the_english_page_for_an_english_reader(
    client, english_learner, translated_tree, kind
):
    german, english = german_and_english(translated_tree, kind)
    assert english.startswith("/en/") and not german.startswith("/en/")
    client.force_login(english_learner)
    response = client.get(german, {"from": "mail"})
    assert response.status_code == 302
    assert response["Location"] == f"{english}?from=mail"
    page = client.get(english)
    assert page.status_code == 200 and '<html lang="en"' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["course", "lesson"])
def test_an_english_page_link_opens_the_german_page_for_a_german_reader(
    client_as, learner, translated_tree, kind
):
    german, english = german_and_english(translated_tree, kind)
    response = client_as(learner).get(english)
    assert response.status_code == 302 and response["Location"] == german


@pytest.mark.django_db
def test_a_page_without_translation_stays_in_its_language(client, english_learner, tree):
    client.force_login(english_learner)
    response = client.get(tree.lessons[1].url)
    assert response.status_code == 200
    assert "Lektion 2" in response.content.decode()


@pytest.mark.django_db
def test_visitors_keep_the_language_of_the_url(client, translated_tree):
    german, english = german_and_english(translated_tree, "course")
    response = client.get(german)  # courses need a log-in: to it, not to the English page
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/en/").status_code == 200
    assert '<html lang="de"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_switching_language_on_a_page_sticks_to_that_page(client, english_learner, translated_tree):
    german, english = german_and_english(translated_tree, "lesson")
    client.force_login(english_learner)
    assert client.get(english).status_code == 200
    response = client.post(f"/language/?next={german}", {"language": "de"})
    assert response["Location"] == german
    page = client.get(german)
    assert page.status_code == 200 and '<html lang="de"' in page.content.decode()
    english_learner.refresh_from_db()
    assert english_learner.preferred_language == "de"
    assert client.get(english)["Location"] == german  # now German wins everywhere

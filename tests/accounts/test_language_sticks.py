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

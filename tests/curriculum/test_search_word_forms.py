"""Search finds word forms and compounds, in the page's language, with excerpt and progress."""

from __future__ import annotations

import pytest

from wagtail.models import Locale

from curriculum import search, services


@pytest.fixture
def complaints(tree):
    """Lesson 2 speaks of "Beschwerden" and "Management"; lesson 3 of something else; an
    English translation of lesson 2 speaks of "complaints"."""
    lesson = tree.lessons[1]
    lesson.title = "Kritik annehmen"
    lesson.body = [
        ("text", "<p>Viele Kunden melden sich nie. Beschwerden sind ein Geschenk.</p>"),
        ("text", "<p>Ein gutes Management macht aus Kritik Verbesserungen.</p>"),
    ]
    lesson.save_revision().publish()
    english = Locale.objects.get(language_code="en")
    tree.path.copy_for_translation(english, copy_parents=True).save_revision().publish()
    tree.course.copy_for_translation(english).save_revision().publish()
    translated = lesson.copy_for_translation(english)
    translated.title = "Welcoming criticism"
    translated.body = [("text", "<p>Complaints are a gift from customers.</p>")]
    translated.save_revision().publish()
    return tree


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Beschwerde", "beschwerden", "Beschwerdemanagement"])
def test_german_word_forms_and_compounds_are_found(client_as, learner, complaints, query):
    html = client_as(learner).get("/search/", {"q": query}).content.decode()
    assert "Kritik annehmen" in html
    assert "Lektion 3" not in html
    assert "<mark>Beschwerden</mark>" in html


@pytest.mark.django_db
def test_results_show_the_course_and_the_learners_progress(client_as, learner, complaints):
    services.complete_lesson(learner, complaints.lessons[0])
    services.complete_lesson(learner, complaints.lessons[1])
    html = client_as(learner).get("/search/", {"q": "Beschwerden"}).content.decode()
    hit = html.split('class="search-hit"', 1)[1]
    assert complaints.course.title in hit
    assert "Erledigt" in hit


@pytest.mark.django_db
def test_english_search_is_served_under_en_and_finds_english_forms(client_as, learner, complaints):
    response = client_as(learner).get("/en/search/", {"q": "complaint"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Welcoming criticism" in html and "Kritik annehmen" not in html


@pytest.mark.django_db
def test_nothing_found_suggests_courses(client_as, learner, complaints):
    html = client_as(learner).get("/search/", {"q": "Quantenphysik"}).content.decode()
    assert "Quantenphysik" in html
    assert complaints.course.title in html
    assert "/learning/catalogue/" in html


@pytest.mark.django_db
def test_search_and_catalogue_need_a_log_in(client, complaints):
    for url in ("/search/?q=Beschwerde", "/en/search/?q=complaint", "/learning/catalogue/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/search/", {"q": "x"}).status_code in (302, 405)


@pytest.mark.django_db
def test_catalogue_and_search_are_in_the_menu(client_as, learner, complaints):
    client = client_as(learner)
    html = client.get("/account/").content.decode()
    assert 'href="/learning/catalogue/"' in html and 'href="/search/"' in html
    response = client.get("/learning/catalogue/")
    assert response.status_code == 302 and response["Location"] == complaints.index.url


@pytest.mark.django_db
def test_search_queries_do_not_grow_with_the_hits(
    learner, complaints, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        outcome = search.search_curriculum(learner, "Kunden", "de")
    assert len(outcome.hits) >= 3


def test_compound_splits_and_stems():
    assert ("beschwerde", "management") in search.compound_splits("beschwerdemanagement")
    assert ("kunden", "reise") in search.compound_splits("kundenreise")
    assert search.stem("Beschwerden", "de") == search.stem("Beschwerde", "de")
    assert search.stem("complaints", "en") == "complaint"


def test_excerpt_marks_the_word_and_escapes_html():
    html = search.excerpt(["<b>Beschwerden</b> sind & bleiben ein Geschenk."], ["beschwerde"], "de")
    assert "<mark>Beschwerden</mark>" in html
    assert "&amp;" in html and "<b>" not in html


@pytest.mark.django_db
def test_a_german_word_finds_the_english_term_the_content_uses(client_as, learner, tree):
    lesson = tree.lessons[2]
    lesson.title = "Ein Weg in Etappen"
    lesson.body = [("text", "<p>Die Customer Journey beginnt vor dem ersten Kontakt.</p>")]
    lesson.save_revision().publish()
    html = client_as(learner).get("/search/", {"q": "Kundenreise"}).content.decode()
    assert "Ein Weg in Etappen" in html


@pytest.fixture
def compound_lesson(tree):
    """Lesson 3 speaks only of "Kundenbeschwerden" (the word "Beschwerde" is inside a compound)."""
    lesson = tree.lessons[2]
    lesson.title = "Der zweite Eindruck"
    lesson.body = [("text", "<p>Jede Kundenbeschwerde zeigt, was wir besser machen.</p>")]
    lesson.save_revision().publish()
    return lesson


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Beschwerde", "beschwerden"])
def test_a_word_finds_the_compound_it_ends(client_as, learner, compound_lesson, query):
    html = client_as(learner).get("/search/", {"q": query}).content.decode()
    assert "Der zweite Eindruck" in html
    assert "<mark>Kundenbeschwerde</mark>" in html


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_full_text_search_finds_compound_parts(learner, compound_lesson, tree):
    """PostgreSQL's German configuration: "Beschwerde" is found inside "Kundenbeschwerde", a
    short word is not matched inside others ("Tag" must not find "Vertrag")."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search (set DATABASE_URL)")
    found = [hit.page.pk for hit in search.search_curriculum(learner, "Beschwerde", "de").hits]
    assert compound_lesson.pk in found
    both = search.search_curriculum(learner, "Beschwerde machen", "de").hits
    assert compound_lesson.pk in [hit.page.pk for hit in both]
    assert not search.search_curriculum(learner, "Beschwerde Quantenphysik", "de").hits
    tree.lessons[1].body = [("text", "<p>Der Vertrag gilt.</p>")]
    tree.lessons[1].save_revision().publish()
    assert tree.lessons[1].pk not in [
        hit.page.pk for hit in search.search_curriculum(learner, "Tag", "de").hits
    ]

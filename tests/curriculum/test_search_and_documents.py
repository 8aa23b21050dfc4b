"""Any search text works; documents are for logged-in people."""

from __future__ import annotations

import pytest

from django.core.files.base import ContentFile


@pytest.mark.django_db
def test_any_search_text_works(client_as, learner, tree):
    """Regression: /search/?q=" was a 500 on SQLite (FTS syntax error)."""
    lesson = tree.lessons[1]
    lesson.body = [("text", "<p>Die Emotionskurve zeigt Reibungspunkte.</p>")]
    lesson.save_revision().publish()
    client = client_as(learner)
    for text in (
        '"',
        "'",
        '"Emotionskurve',
        "Emotionskurve*",
        "(",
        ")",
        "AND",
        "OR NOT",
        "-",
        "^",
        "a:b",
        "NEAR(a b)",
        "*",
        "\\",
        "%",
        "_",
        "ü💥",
    ):
        response = client.get("/search/", {"q": text})
        assert response.status_code == 200, text
    found = client.get("/search/", {"q": '"Emotionskurve'}).content.decode()
    assert lesson.title in found


@pytest.fixture
def document(db):
    from wagtail.documents import get_document_model

    return get_document_model().objects.create(
        title="Checkliste", file=ContentFile(b"%PDF-1.4 intern", name="checkliste.pdf")
    )


@pytest.mark.django_db
def test_documents_need_a_log_in(client, client_as, learner, document, home_page):
    """Regression: documents linked from lessons were served to anonymous visitors."""
    response = client.get(document.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    served = client_as(learner).get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_a_document_a_public_page_links_is_public(client, document, tree, home_page):
    """The exception: a document the (public) home page links may be fetched without a log-in;
    one only a lesson links may not, nor one whose public page gets a view restriction."""
    from wagtail.models import PageViewRestriction

    lesson = tree.lessons[0]
    lesson.body = [("text", f'<p><a linktype="document" id="{document.pk}">Checkliste</a></p>')]
    lesson.save_revision().publish()
    assert client.get(document.url).status_code == 302  # linked by a lesson only

    home_page.intro = f'<p>Zum Mitnehmen: <a linktype="document" id="{document.pk}">Liste</a></p>'
    home_page.save_revision().publish()
    served = client.get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF")

    PageViewRestriction.objects.create(page=home_page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(document.url).status_code == 302

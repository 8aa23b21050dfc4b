"""core.mail: one multipart mail from templates, in the recipient's language, linking SITE_URL."""

from __future__ import annotations

import pytest

from core.mail import compose, language_of, site_url


def test_site_url_builds_links_on_the_configured_site(settings):
    settings.SITE_URL = "https://academy.firma.example"
    assert site_url() == "https://academy.firma.example/"
    assert site_url("/kurse/a/") == "https://academy.firma.example/kurse/a/"
    # a Wagtail page URL built from another host keeps only its path
    assert (
        site_url("http://127.0.0.1:8000/en/x/?a=1#b") == "https://academy.firma.example/en/x/?a=1#b"
    )


def test_language_of_falls_back_to_the_default(settings):
    class Person:
        preferred_language = "en"

    assert language_of(Person()) == "en"
    assert language_of(None) == settings.LANGUAGE_CODE


@pytest.mark.django_db
def test_compose_writes_both_parts_without_escaping_the_text(settings):
    settings.SITE_URL = "https://academy.firma.example"
    context = {
        "manager": {"first_name": "Bea", "email": "boss@firma.example"},
        "person_name": "Ann & Bob",
        "course_title": "Customer Journey & Touchpoints",
        "due_date": __import__("datetime").date(2026, 6, 1),
        "days_overdue": 3,
        "action_url": site_url("/"),
        "action_label": "Open",
    }
    message = compose("assignments/email/escalation", context, "boss@firma.example", "en")
    html = message.alternatives[0][0]
    assert "Customer Journey & Touchpoints" in message.subject
    assert "Customer Journey & Touchpoints" in message.body and "&amp;" not in message.body
    assert "Customer Journey &amp; Touchpoints" in html and "https://academy.firma.example/" in html
    assert message.extra_headers["Content-Language"] == "en"
    german = compose("assignments/email/escalation", context, "boss@firma.example", "de")
    assert "Vielleicht sprechen Sie" in german.body


@pytest.mark.django_db
def test_the_sites_framework_names_the_academy_not_the_host(settings):
    from django.contrib.sites.models import Site

    site = Site.objects.get_current()
    assert site.name == settings.ACADEMY_NAME
    assert site.domain == settings.SITE_URL.split("://", 1)[1]

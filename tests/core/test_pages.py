"""The default-language page helper that progress, certificates and journey maps key on."""

from __future__ import annotations

import pytest

from wagtail.models import Locale

from core.pages import default_language_ids, default_language_page


@pytest.mark.django_db
def test_default_language_page_maps_a_translation_to_its_german_original(home_page):
    english_home = home_page.get_translation(Locale.objects.get(language_code="en"))
    assert default_language_page(english_home).pk == home_page.pk
    assert default_language_page(home_page) is home_page


@pytest.mark.django_db
def test_default_language_ids_maps_many_pages_in_one_query(home_page, django_assert_num_queries):
    english = Locale.objects.get(language_code="en")
    english_home = home_page.get_translation(english)
    with django_assert_num_queries(2):  # the default locale, then the originals
        mapping = default_language_ids([home_page, english_home])
    assert mapping == {home_page.pk: home_page.pk, english_home.pk: home_page.pk}

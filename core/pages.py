"""The default-language version of Wagtail pages.

Progress, certificates and journey maps are keyed on a page in the default language (German), so
learners who switch language keep one record per lesson or course."""

from __future__ import annotations

from collections.abc import Iterable

from wagtail.models import Locale, Page


def default_language_page(page: Page) -> Page:
    """The default-language version of a page (the page itself when it has none)."""
    default = Locale.get_default()
    if page.locale_id == default.pk:
        return page
    return page.get_translation_or_none(default) or page


def default_language_ids(pages: Iterable[Page]) -> dict[int, int]:
    """{page id: id of its default-language version} for many pages, in at most one query."""
    pages = list(pages)
    default = Locale.get_default()
    mapping = {p.pk: p.pk for p in pages if p.locale_id == default.pk}
    foreign = [p for p in pages if p.locale_id != default.pk]
    if foreign:
        originals = dict(
            Page.objects.filter(
                translation_key__in=[p.translation_key for p in foreign], locale=default
            ).values_list("translation_key", "pk")
        )
        for page in foreign:
            mapping[page.pk] = originals.get(page.translation_key, page.pk)
    return mapping

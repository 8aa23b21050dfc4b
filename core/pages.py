"""The default-language version of Wagtail pages.

Progress, certificates and journey maps are keyed on a page in the default language (German), so
learners who switch language keep one record per lesson or course."""

from __future__ import annotations

from collections.abc import Iterable

from wagtail.models import Locale, Page


def preferred_translation_url(page: Page, request) -> str | None:
    """Where a logged-in reader of `page` belongs when their preferred language is another one
    and the page is translated into it (the URL with the request's query), else None.

    Visitors keep the language of the URL; so does a page without that translation."""
    from django.conf import settings

    from .locales import locale_for

    user = getattr(request, "user", None)
    language = getattr(user, "preferred_language", "") if user and user.is_authenticated else ""
    if request.method not in ("GET", "HEAD") or language not in dict(settings.LANGUAGES):
        return None
    locale = locale_for(language)
    if locale is None or page.locale_id == locale.pk:
        return None
    translation = page.get_translations().live().filter(locale=locale).first()
    if translation is None:
        return None
    url = translation.get_url(request)
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


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


GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def german_slug(text: str) -> str:
    """A URL slug the way the content writes German without umlauts: "Kunden zuhören" →
    "kunden-zuhoeren" (not "kunden-zuhoren")."""
    from django.utils.text import slugify

    return slugify(text.translate(GERMAN_LETTERS))


class GermanSlugMixin:
    """Pages whose automatic slug follows the "ue" convention.

    The admin proposes a slug from the title by dropping the dots ("zuhoren"); a slug that is
    exactly that proposal (or empty) is replaced by `german_slug(title)`. A slug the editor typed
    differently is kept."""

    def full_clean(self, *args, **kwargs):
        from django.utils.text import slugify

        if self.title and (
            not self.slug
            or self.slug in (slugify(self.title), slugify(self.title, allow_unicode=True))
        ):
            self.slug = german_slug(self.title)
        return super().full_clean(*args, **kwargs)


def translation_gaps(page: Page) -> list[dict]:
    """For a default-language page: each other language whose version is missing (though the
    parent is translated) or older than this page's latest change.

    Returns [{"locale": Locale, "translation": Page | None}] (None: not translated yet)."""
    default = Locale.get_default()
    if page.locale_id != default.pk:
        return []
    changed = page.latest_revision_created_at or page.last_published_at
    translations = {p.locale_id: p for p in page.get_translations()}
    parent = page.get_parent()
    parent_locales = (
        set(parent.get_translations().values_list("locale_id", flat=True)) if parent else set()
    )
    gaps = []
    for locale in Locale.objects.exclude(pk=default.pk).order_by("language_code"):
        translation = translations.get(locale.pk)
        if translation is None:
            if locale.pk in parent_locales:
                gaps.append({"locale": locale, "translation": None})
            continue
        translated = translation.latest_revision_created_at or translation.last_published_at
        if changed and translated and translated < changed:
            gaps.append({"locale": locale, "translation": translation})
    return gaps

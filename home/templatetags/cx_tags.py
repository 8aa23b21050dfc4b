"""Template helpers used across the site."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url

from core.content_cache import cached_content
from core.locales import locale_for

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    """One entry per language: the page's translation when it exists, else this URL translated."""
    request = context["request"]
    page = context.get("page")
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    translations = {}
    if page is not None and hasattr(page, "get_translations"):
        # Every live version of the page, the page itself included, in one query.
        translations = cached_content(
            f"translations:{page.translation_key}",
            lambda: {
                translation.locale_id: translation
                for translation in page.get_translations(inclusive=True)
                .live()
                .only("id", "url_path", "locale_id", "depth", "path")
            },
        )
    choices = []
    for code, name in settings.LANGUAGES:
        target = None
        locale = locale_for(code) if translations else None
        translation = translations.get(locale.pk) if locale is not None else None
        if translation is not None:
            target = translation.get_url(request)
        if target is None:
            target = translate_url(request.get_full_path(), code)
        choices.append({"code": code, "name": name, "url": target, "current": code == current})
    return {"choices": choices, "request": request}

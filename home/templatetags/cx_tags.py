"""Template helpers used across the site."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url

from wagtail.models import Locale

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context) -> dict:
    """One entry per language: the page's translation when it exists, else this URL translated."""
    request = context["request"]
    page = context.get("page")
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    choices = []
    for code, name in settings.LANGUAGES:
        target = None
        if page is not None and hasattr(page, "get_translation_or_none"):
            locale = Locale.objects.filter(language_code=code).first()
            translation = page.get_translation_or_none(locale) if locale else None
            if translation is not None and translation.live:
                target = translation.url
        if target is None:
            target = translate_url(request.get_full_path(), code)
        choices.append({"code": code, "name": name, "url": target, "current": code == current})
    return {"choices": choices, "request": request}

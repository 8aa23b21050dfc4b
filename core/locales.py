"""Content locales, looked up once per process: every page asks for them, they almost never change.

Wagtail's `Locale.get_default()` and `Locale.get_active()` query the database on every call, and a
page listing fifty courses calls them fifty times. The cache is emptied whenever a locale is saved
or deleted in this process; another process only ever misses a new locale (misses are not
remembered), never serves a wrong one for a language that still exists."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

_by_language: dict[str, Locale] = {}


def locale_for(language_code: str) -> Locale | None:
    """The content locale of a language code (or its supported variant); None when absent."""
    try:
        code = get_supported_content_language_variant(language_code)
    except LookupError:
        return None
    locale = _by_language.get(code)
    if locale is None:
        locale = Locale.objects.filter(language_code=code).first()
        if locale is not None:
            _by_language[code] = locale
    return locale


def default_locale() -> Locale:
    """The locale of LANGUAGE_CODE (German): where progress and certificates are kept."""
    locale = locale_for(settings.LANGUAGE_CODE)
    if locale is None:
        raise Locale.DoesNotExist(f"No locale for {settings.LANGUAGE_CODE}")
    return locale


def active_locale() -> Locale:
    """The locale of the active language, else the default one (as `Locale.get_active()`)."""
    return locale_for(translation.get_language() or settings.LANGUAGE_CODE) or default_locale()


def forget_locales(**_kwargs) -> None:
    """Empty the cache (a locale was added, changed or removed)."""
    _by_language.clear()


post_save.connect(forget_locales, sender=Locale, dispatch_uid="core.locales.saved")
post_delete.connect(forget_locales, sender=Locale, dispatch_uid="core.locales.deleted")


def install() -> None:
    """Make Wagtail's own look-ups (`page.localized`, routing) use this cache too."""
    Locale.get_default = classmethod(lambda cls: default_locale())
    Locale.get_active = classmethod(lambda cls: active_locale())

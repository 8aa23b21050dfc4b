"""Site-wide Wagtail hooks of the learner's face."""

from __future__ import annotations

from django.http import HttpResponseRedirect

from wagtail import hooks

from core.pages import preferred_translation_url


@hooks.register("before_serve_page")
def follow_the_preferred_language(page, request, serve_args, serve_kwargs):
    """A logged-in person opening any page (home, path, course, lesson) in the other language
    is sent to its translation in their preferred language; after log-in the site sends
    everyone to "/", the German root. The language switcher changes the preference."""
    url = preferred_translation_url(page, request)
    return HttpResponseRedirect(url) if url is not None else None

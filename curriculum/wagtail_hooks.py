"""Wagtail hooks of the curriculum: lesson documents are for logged-in employees only."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from wagtail import hooks


@hooks.register("before_serve_document")
def require_login_for_documents(document, request: HttpRequest) -> HttpResponse | None:
    """Documents belong to the (log-in only) lessons that link them: anonymous visitors are sent
    to log in first, like on the lesson pages themselves, unless a public page links it."""
    from .services import document_is_public

    if not request.user.is_authenticated and not document_is_public(document):
        return redirect_to_login(request.get_full_path())
    return None


def _tell_about_translation_gaps(request: HttpRequest, page) -> None:
    """After an editor saves or publishes a German page: say which translations are now out of
    date or missing, with a link to act on."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from wagtail.admin import messages

    from core.pages import translation_gaps

    for gap in translation_gaps(page):
        language = gap["locale"].get_display_name()
        if gap["translation"] is None:
            link = reverse("simple_translation:submit_page_translation", args=[page.pk])
            text = _("There is no %(language)s version of “%(title)s” yet.")
            label = _("Translate it")
        else:
            link = reverse("wagtailadmin_pages:edit", args=[gap["translation"].pk])
            text = _("The %(language)s version of “%(title)s” is now out of date.")
            label = _("Update the translation")
        messages.warning(
            request,
            text % {"language": language, "title": page.title},
            buttons=[messages.button(link, label)],
        )


@hooks.register("after_create_page")
def translation_gaps_after_create(request: HttpRequest, page) -> None:
    _tell_about_translation_gaps(request, page)


@hooks.register("after_edit_page")
def translation_gaps_after_edit(request: HttpRequest, page) -> None:
    _tell_about_translation_gaps(request, page)

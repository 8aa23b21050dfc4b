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

"""Site-wide views."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.redirects import safe_next


@require_POST
def switch_language(request: HttpRequest) -> HttpResponseRedirect | HttpResponseBadRequest:
    """Remember the chosen language (cookie, and the profile when logged in), then go to `next`.

    Unlike Django's set_language, `next` is used as given: the switcher already points at the
    page's translation, which may have its own slug."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    response = HttpResponseRedirect(safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    user = request.user
    if user.is_authenticated and getattr(user, "preferred_language", language) != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response

"""After log-out, the browser forgets every cached page and queued answer of that person."""

from __future__ import annotations

from django.urls import reverse


class ClearSiteDataOnLogoutMiddleware:
    """Adds `Clear-Site-Data` to the log-out response (caches, storage, service worker), so a
    shared phone or PC never shows one person's lessons to the next."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.logout_path: str | None = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.logout_path is None:
            self.logout_path = reverse("account_logout")
        if (
            request.method == "POST"
            and request.path == self.logout_path
            and response.status_code in (302, 303)
        ):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response

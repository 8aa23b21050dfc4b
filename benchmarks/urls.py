"""The project's URLs plus the two reference pages every benchmark figure is divided by."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

_TRIVIAL = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>Trivial page.</p>{% endblock %}'
)


def bare(request: HttpRequest) -> HttpResponse:
    """The framework's floor: middleware, session and user, no template."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


def trivial(request: HttpRequest) -> HttpResponse:
    """The site's floor: the base template (navigation, language switcher, footer) and nothing else."""
    return HttpResponse(_TRIVIAL.render({}, request))


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/trivial/", trivial),
    *project_urlpatterns,
]

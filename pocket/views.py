"""The installable app: manifest, service worker, the offline page and the lessons to keep; the
CX-Minute."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import notifications, privacy
from accounts.permissions import is_champion, is_hr, learner_required, retention_required

from . import push, services
from .forms import PushPreferencesForm

THEME_COLOUR = "#0b5f8a"


def web_app_manifest(english: bool) -> dict:
    """The manifest's content in English or German: name, description, start page, colours,
    icons (one maskable for Android's round launchers)."""
    with translation.override("en" if english else "de"):
        description = _("Customer-experience training for the whole service team.")
    return {
        "name": "CX Academy",
        "short_name": "CX Academy",
        "description": description,
        "lang": "en" if english else "de",
        "start_url": "/en/" if english else "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("pocket/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("pocket/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("pocket/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest in the visitor's language (name, icons, colours, start page).

    Served outside the language prefixes, so the language comes from the visitor's choice
    (cookie) or browser, not from the path."""
    language = translation.get_language_from_request(request)
    data = web_app_manifest(english=language.startswith("en"))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site root so it may control every page."""
    response = render(
        request,
        "pocket/sw.js",
        {
            "version": services.cache_version(),
            "offline_url": reverse("pocket:offline"),
            "precache": [
                reverse("pocket:offline"),
                static("vendor/pico/pico.min.css"),
                static("css/app.css"),
                static("vendor/htmx/htmx.min.js"),
                static("js/app.js"),
                static("pocket/pocket.js"),
                static("pocket/icon-192.png"),
            ],
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when a page is not on the phone and there is no network."""
    return render(request, "pocket/offline.html")


@require_GET
@never_cache
@learner_required
def offline_lessons(request: HttpRequest) -> JsonResponse:
    """The lessons this person should have on the phone (fetched by the service worker)."""
    lessons = services.offline_lessons(request.user)
    return JsonResponse(
        {
            "version": services.cache_version(),
            "lessons": [{"url": lesson.url, "title": lesson.title} for lesson in lessons],
        }
    )


def _posted_choice(request: HttpRequest) -> list[str]:
    """The answer from the form: ticked `choice` values, or `pos_<option>` positions (ordering)."""
    positions = []
    for name, raw in request.POST.items():
        if not name.startswith("pos_"):
            continue
        if not raw.strip().isdigit():
            raise services.MinuteError(_("Give every step a position."))
        positions.append((int(raw), name[4:]))
    if positions:
        numbers = [number for number, _option in positions]
        if len(set(numbers)) != len(numbers):
            raise services.MinuteError(_("Give every step a different position."))
        return [option for _number, option in sorted(positions)]
    return request.POST.getlist("choice")


def _minute_context(request: HttpRequest, today) -> dict:
    minute = services.minute_today(request.user, today)
    card = minute.cards[0] if minute.cards else None
    return {
        "minute": minute,
        "card": card,
        "options": services.presented_options(card, card.question, today) if card else [],
        "number": minute.answered + 1,
        "retention": services.knowledge_kept(request.user) if minute.done else [],
    }


@require_GET
@learner_required
def minute(request: HttpRequest) -> HttpResponse:
    """The CX-Minute: today's next question, or the day's result with streak and knowledge kept."""
    today = timezone.localdate()
    return render(request, "pocket/minute.html", _minute_context(request, today))


@require_POST
@learner_required
def minute_answer(request: HttpRequest, card_id: int) -> HttpResponse:
    """Score one CX-Minute answer on the server and show why it was right or wrong."""
    today = timezone.localdate()
    try:
        feedback = services.answer_card(request.user, card_id, _posted_choice(request), today)
    except services.MinuteError as error:
        context = _minute_context(request, today)
        context["error"] = str(error)
        return render(request, "pocket/minute.html", context, status=400)
    return render(request, "pocket/minute_feedback.html", {"feedback": feedback})


def _json_body(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


@require_POST
@learner_required
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Turn on push reminders for this device (the browser's PushSubscription as JSON)."""
    try:
        push.subscribe(request.user, _json_body(request))
    except push.PushError as error:
        return JsonResponse({"ok": False, "error": str(error)}, status=400)
    return JsonResponse({"ok": True, "message": _("Reminders are on for this device.")}, status=201)


@require_POST
@learner_required
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    """Turn off push reminders for this device."""
    data = _json_body(request)
    try:
        push.unsubscribe(request.user, data.get("endpoint") if isinstance(data, dict) else None)
    except push.PushError as error:
        return JsonResponse({"ok": False, "error": str(error)}, status=400)
    return JsonResponse({"ok": True, "message": _("Reminders are off for this device.")})


@require_POST
@learner_required
def push_preferences(request: HttpRequest) -> HttpResponse:
    """Save which messages come by push and the quiet hours (from the account page)."""
    form = PushPreferencesForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(reverse("accounts:account") + "#push-settings")
    notifications.save_preferences(
        request.user,
        form.cleaned_data["push_kinds"],
        form.cleaned_data["quiet_from"],
        form.cleaned_data["quiet_until"],
    )
    messages.success(request, _("Your reminder settings were saved."))
    return redirect(reverse("accounts:account") + "#push-settings")


@require_GET
@retention_required
def retention(request: HttpRequest) -> HttpResponse:
    """Knowledge kept, in aggregate: a champion's groups per course; for HR the company per
    course and per department."""
    user = request.user
    return render(
        request,
        "pocket/retention.html",
        {
            "groups": services.group_retention(user) if is_champion(user) else None,
            "company": services.company_retention() if is_hr(user) else None,
            "minimum": privacy.min_group_size(),
        },
    )

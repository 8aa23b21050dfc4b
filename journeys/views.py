"""Building, sharing, commenting and exporting journey maps; department insights."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import privacy
from accounts.permissions import can_view_insights, can_view_journey_map, role_required
from core.ids import is_valid_id, parse_id
from core.redirects import safe_next

from . import services
from .forms import CommentForm, TouchpointForm
from .models import JourneyMap, Touchpoint


def _exercise_or_404(lesson_id: int, block_id: str) -> services.Exercise:
    exercise = services.find_exercise(lesson_id, block_id)
    if exercise is None:
        raise Http404
    return exercise


def _back(request: HttpRequest, exercise: services.Exercise) -> HttpResponse:
    url = safe_next(request, exercise.lesson.url)
    return redirect(f"{url.split('#', 1)[0]}#journey-{exercise.block_id}")


@require_POST
@login_required
def add_touchpoint(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    """Add a touchpoint to my map (creates the map on first use)."""
    exercise = _exercise_or_404(lesson_id, block_id)
    form = TouchpointForm(request.POST, exercise=exercise)
    if not form.is_valid():
        return render(
            request, "journeys/form_errors.html", {"form": form, "exercise": exercise}, status=400
        )
    touchpoint = form.save(commit=False)
    services.add_touchpoint(request.user, exercise, touchpoint)
    messages.success(
        request,
        _("Touchpoint “%(name)s” added to the phase “%(phase)s”.")
        % {"name": touchpoint.name, "phase": exercise.phases[touchpoint.phase]},
    )
    return _back(request, exercise)


def _own_touchpoint(request: HttpRequest, touchpoint_id: int) -> Touchpoint:
    return get_object_or_404(
        Touchpoint.objects.select_related("journey_map"),
        pk=touchpoint_id,
        journey_map__user=request.user,
    )


def _exercise_of(journey_map: JourneyMap) -> services.Exercise:
    return _exercise_or_404(journey_map.lesson_id, journey_map.block_id)


@require_POST
@login_required
def edit_touchpoint(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    touchpoint = _own_touchpoint(request, touchpoint_id)
    exercise = _exercise_of(touchpoint.journey_map)
    form = TouchpointForm(request.POST, instance=touchpoint, exercise=exercise)
    if not form.is_valid():
        return render(
            request, "journeys/form_errors.html", {"form": form, "exercise": exercise}, status=400
        )
    services.save_touchpoint(form.save(commit=False), exercise)
    messages.success(request, _("Touchpoint “%(name)s” saved.") % {"name": touchpoint.name})
    return _back(request, exercise)


@require_POST
@login_required
def delete_touchpoint(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    touchpoint = _own_touchpoint(request, touchpoint_id)
    exercise = _exercise_of(touchpoint.journey_map)
    touchpoint.delete()
    return _back(request, exercise)


@require_POST
@login_required
def choose_top_three(request: HttpRequest, map_id: int) -> HttpResponse:
    journey_map = get_object_or_404(JourneyMap, pk=map_id, user=request.user)
    exercise = _exercise_of(journey_map)
    raw = request.POST.getlist("top")
    if not all(is_valid_id(value) for value in raw):
        return HttpResponse(_("Invalid choice."), status=400)
    try:
        services.set_top_three(journey_map, [int(v) for v in raw])
    except ValueError as error:
        return render(
            request,
            "journeys/form_errors.html",
            {"message": str(error), "exercise": exercise},
            status=400,
        )
    if services.refresh_completion(journey_map, exercise):
        messages.success(request, _("Your journey map is complete – the lesson is done."))
    return _back(request, exercise)


@require_POST
@login_required
def toggle_share(request: HttpRequest, map_id: int) -> HttpResponse:
    journey_map = get_object_or_404(JourneyMap, pk=map_id, user=request.user)
    services.set_shared(journey_map, request.POST.get("share") == "1")
    messages.success(
        request,
        _("Shared with your champion.")
        if journey_map.shared_with_champion
        else _("Your map is private again."),
    )
    return _back(request, _exercise_of(journey_map))


def _visible_map(request: HttpRequest, map_id: int) -> JourneyMap:
    journey_map = get_object_or_404(JourneyMap.objects.select_related("user"), pk=map_id)
    if not can_view_journey_map(request.user, journey_map):
        raise Http404
    return journey_map


@login_required
@require_http_methods(["GET", "POST"])
def map_detail(request: HttpRequest, map_id: int) -> HttpResponse:
    """A map read-only with comments: for its owner and, when shared, their champion."""
    journey_map = _visible_map(request, map_id)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_comment(journey_map, request.user, form.cleaned_data["text"])
        return redirect("journeys:map", map_id=journey_map.pk)
    exercise = services.find_exercise(journey_map.lesson_id, journey_map.block_id)
    touchpoints = services.with_phase_names(list(journey_map.touchpoints.all()), exercise)
    return render(
        request,
        "journeys/map_detail.html",
        {
            "journey_map": journey_map,
            "touchpoints": touchpoints,
            "exercise": exercise,
            "form": form,
            "comments": journey_map.comments.select_related("author"),
            "curve": services.emotion_curve_svg(touchpoints),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def download(request: HttpRequest, map_id: int, fmt: str) -> HttpResponse:
    journey_map = _visible_map(request, map_id)
    exercise = services.find_exercise(journey_map.lesson_id, journey_map.block_id)
    if fmt == "pdf":
        response = HttpResponse(
            services.map_pdf(journey_map, exercise), content_type="application/pdf"
        )
    elif fmt == "png":
        response = HttpResponse(services.map_png(journey_map, exercise), content_type="image/png")
    else:
        raise Http404
    response["Content-Disposition"] = (
        f'attachment; filename="customer-journey-map-{journey_map.pk}.{fmt}"'
    )
    return response


@require_GET
@role_required(can_view_insights)
def insights(request: HttpRequest) -> HttpResponse:
    """Voice of the front line: frequent friction points and low-emotion touchpoints by department."""
    selected, ids = services.insight_scope(request.user, parse_id(request.GET.get("department")))
    return render(
        request,
        "journeys/insights.html",
        {
            "departments": services.insight_departments(request.user),
            "selected": selected,
            "data": services.department_insights(ids),
            "minimum": privacy.min_group_size(),
        },
    )

"""Template helpers for the journey-map exercise block."""

from __future__ import annotations

from django import template

from journeys import services
from journeys.forms import TouchpointForm

register = template.Library()


@register.simple_tag(takes_context=True)
def journey_exercise(context, lesson_page, block_id: str) -> dict:
    """Everything the block template needs for the current user's map."""
    request = context["request"]
    if lesson_page is None or not block_id or not request.user.is_authenticated:
        return {}
    exercise = services.find_exercise(lesson_page.pk, block_id)
    if exercise is None:
        return {}
    journey_map = services.map_for(request.user, exercise)
    touchpoints = services.with_phase_names(
        list(journey_map.touchpoints.all()) if journey_map else [], exercise
    )
    phases = [
        {"index": i, "name": name, "touchpoints": [t for t in touchpoints if t.phase == i]}
        for i, name in enumerate(exercise.phases)
    ]
    return {
        "exercise": exercise,
        "map": journey_map,
        "phases": phases,
        "touchpoints": touchpoints,
        "friction": [t for t in touchpoints if t.is_friction],
        "curve": services.emotion_curve_svg(touchpoints),
        "problems": services.completion_problems(journey_map, exercise) if journey_map else [],
        "form": TouchpointForm(exercise=exercise, auto_id=f"jm-{block_id}-%s"),
        "lesson_id": lesson_page.pk,
    }


@register.simple_tag
def touchpoint_form(touchpoint, exercise):
    """An edit form for one touchpoint with unique ids."""
    return TouchpointForm(instance=touchpoint, exercise=exercise, auto_id=f"tp-{touchpoint.pk}-%s")


@register.simple_tag
def shared_maps(group) -> list:
    """Shared maps of a coaching group's active members (works on any object with memberships)."""
    member_ids = group.memberships.filter(ended_on__isnull=True).values_list("user_id", flat=True)
    return services.shared_maps_for_members(member_ids)

"""Journeys' part of a person's data: their maps in the download, retention and erasure."""

from __future__ import annotations

from accounts.lifecycle import register_eraser, register_retention
from accounts.services import register_personal_data

from .models import JourneyMap, Touchpoint


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def journey_maps(user) -> list[dict]:
    """The person's customer journey maps with every touchpoint."""
    points: dict[int, list[dict]] = {}
    for t in Touchpoint.objects.filter(journey_map__user=user).order_by("phase", "pk"):
        points.setdefault(t.journey_map_id, []).append(
            {
                "phase": t.phase,
                "touchpoint": t.name,
                "channel": t.channel,
                "customer_wants": t.customer_wants,
                "what_happens": t.what_happens,
                "emotion": t.emotion,
                "friction": t.is_friction,
            }
        )
    return [
        {
            "lesson": m.lesson.title,
            "shared_with_champion": m.shared_with_champion,
            "completed_at": _iso(m.completed_at),
            "updated_at": _iso(m.updated_at),
            "touchpoints": points.get(m.pk, []),
        }
        for m in JourneyMap.objects.filter(user=user).select_related("lesson")
    ]


def register() -> None:
    """Called from `JourneysConfig.ready`."""
    register_personal_data(
        "journey_maps",
        journey_maps,
        lambda r: [
            "journey_map",
            r["lesson"],
            r["updated_at"],
            "; ".join(t["touchpoint"] for t in r["touchpoints"]),
        ],
        order=45,
    )
    register_retention(
        "journey_maps",
        "journey_maps_days",
        lambda cutoff: JourneyMap.objects.filter(updated_at__lt=cutoff),
    )
    register_eraser(
        "journey_maps",
        lambda user: JourneyMap.objects.filter(user=user).count(),
        lambda user: JourneyMap.objects.filter(user=user).delete()[1].get("journeys.JourneyMap", 0),
    )

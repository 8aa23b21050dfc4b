"""Demo journey maps: several shared by members of the demo champion's group, Lea's own started."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wagtail.models import Page

from accounts.models import User

from . import services
from .models import JourneyMap, Touchpoint

DEMO_MAPS = {
    0: [
        (0, "Hilfe-Seite in der App", "App", 0, False),
        (0, "Hotline-Warteschleife", "Telefon", -2, True),
        (1, "Schadensformular", "Web", -1, True),
        (1, "Rückruf vom Service", "Telefon", 1, False),
        (2, "Bestätigungs-E-Mail", "E-Mail", 1, False),
        (2, "Ersatzlieferung verspätet", "E-Mail", -2, True),
    ],
    1: [
        (0, "Suche nach Kontakt", "Web", -1, True),
        (0, "Hotline-Warteschleife", "Telefon", -2, True),
        (1, "Beratung in der Filiale", "Filiale", 2, False),
        (1, "Schadensformular", "Web", -2, True),
        (2, "Rechnung", "E-Mail", 0, False),
    ],
    2: [
        (0, "Chatbot", "App", -1, True),
        (1, "Hotline-Warteschleife", "Telefon", -1, True),
        (1, "Rückruf vom Service", "Telefon", 2, False),
        (2, "Bewertungsanfrage", "E-Mail", 0, False),
        (2, "Schadensformular", "Web", -1, True),
    ],
}


@transaction.atomic
def load(stdout, lesson: Page | None) -> None:
    """Shared maps for three members of Chris's group and an unfinished map for Lea (once).

    `lesson` is the demo lesson that embeds the exercise (`load_demo` finds it)."""
    if lesson is None or JourneyMap.objects.exists():
        return
    block_id = next((b.id for b in lesson.body if b.block_type == "journey_map"), None)
    exercise = services.find_exercise(lesson.pk, block_id) if block_id else None
    if exercise is None:
        return
    learner = User.objects.get(email="learner@cx-academy.example")
    members = list(
        User.objects.filter(
            coaching_memberships__group__champion__user__email="champion@cx-academy.example",
            coaching_memberships__ended_on__isnull=True,
        )
        .exclude(pk=learner.pk)
        .order_by("pk")[:3]
    )
    for index, member in enumerate(members):
        journey_map = JourneyMap.objects.create(
            user=member,
            lesson=lesson,
            block_id=block_id,
            shared_with_champion=True,
            shared_at=timezone.now(),
        )
        points = [
            Touchpoint.objects.create(
                journey_map=journey_map, phase=p, name=n, channel=c, emotion=e, is_friction=f
            )
            for p, n, c, e, f in DEMO_MAPS[index]
        ]
        services.set_top_three(journey_map, [t.pk for t in points if t.is_friction][:3])
        services.refresh_completion(journey_map, exercise)
    own = JourneyMap.objects.create(user=learner, lesson=lesson, block_id=block_id)
    Touchpoint.objects.create(
        journey_map=own, phase=0, name="Hilfe-Seite in der App", channel="App", emotion=0
    )
    Touchpoint.objects.create(
        journey_map=own,
        phase=0,
        name="Hotline-Warteschleife",
        channel="Telefon",
        emotion=-2,
        is_friction=True,
    )
    stdout.write("Created demo journey maps.")

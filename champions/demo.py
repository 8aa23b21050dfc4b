"""Demo champions with generated photos, groups in Hamburg and München, past sessions."""

from __future__ import annotations

import datetime
import io

from PIL import Image, ImageDraw, ImageFont

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.demo import ensure_demo_user
from accounts.models import User
from accounts.roles import CHAMPION, LEARNER
from people.models import EmployeeProfile, Location

from . import services
from .models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
    Membership,
)

CHAMPIONS = [
    (
        "champion@cx-academy.example",
        "Chris",
        "Berger",
        "Hamburg",
        "#2e7d32",
        ["journey_mapping", "complaints"],
    ),
    (
        "selin.kaya@cx-academy.example",
        "Selin",
        "Kaya",
        "Hamburg",
        "#6a1b9a",
        ["omnichannel", "feedback"],
    ),
    (
        "jan.hoffmann@cx-academy.example",
        "Jan",
        "Hoffmann",
        "München",
        "#0b5f8a",
        ["culture", "complaints"],
    ),
    (
        "maria.lang@cx-academy.example",
        "Maria",
        "Lang",
        "München",
        "#ad1457",
        ["journey_mapping", "feedback"],
    ),
]


def portrait(initials: str, color: str) -> SimpleUploadedFile:
    """A generated portrait: initials on a coloured square (no downloads)."""
    image = Image.new("RGB", (400, 400), color)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=160)
    box = draw.textbbox((0, 0), initials, font=font)
    draw.text(((400 - box[2]) / 2, (400 - box[3]) / 2 - 10), initials, fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{initials}.png", buffer.getvalue(), content_type="image/png")


# Action items agreed in the demo sessions (by weeks ago), for the first and second member.
ACTION_ITEMS = {
    6: (
        "Zwei Beschwerden der Woche mit dem Team als Lernchance besprechen",
        "Einen Reibungspunkt aus der Journey Map im Team vorstellen",
    ),
    2: (
        "Drei Rückrufe zur vereinbarten Zeit führen und kurz festhalten, wie sie ankamen",
        "Das Schadensformular einmal aus Kundensicht ausfüllen und Hürden notieren",
    ),
}


@transaction.atomic
def load(stdout) -> None:
    """Champions, one group each, members from the demo staff, two past sessions per group."""
    champion_group = Group.objects.get(name=CHAMPION)
    profiles = []
    for email, first, last, location_name, color, focus in CHAMPIONS:
        user = ensure_demo_user(email, first, last, [LEARNER, CHAMPION])
        user.groups.add(champion_group)
        location = Location.objects.filter(name=location_name).first()
        employee = EmployeeProfile.objects.filter(user=user).first()
        profile, created = ChampionProfile.objects.get_or_create(
            user=user,
            defaults={
                "bio": f"{first} coacht Kolleginnen und Kollegen in {location_name} rund um gute Kundenerlebnisse.",
                "focus_areas": focus,
                "languages": "Deutsch, Englisch",
                "location": location,
                "department": getattr(employee, "department", None),
                "capacity": 6,
                "status": ChampionStatus.ACTIVE,
            },
        )
        if created:
            services.set_photo(profile, portrait(first[0] + last[0], color))
        profiles.append(profile)
    if CoachingGroup.objects.exists():
        return
    today = timezone.localdate()
    learner = User.objects.get(email="learner@cx-academy.example")
    staff_by_location = {
        name: list(
            EmployeeProfile.objects.filter(
                location__name=name, staff_role="service", is_active=True
            )
            .exclude(user__champion__isnull=False)
            .exclude(user=learner)
            .order_by("user_id")
        )
        for name in ("Hamburg", "München")
    }
    for index, profile in enumerate(profiles):
        group = CoachingGroup.objects.create(
            name=f"CX-Runde {profile.user.first_name}",
            champion=profile,
            focus=", ".join(profile.focus_labels()),
            start_date=today - datetime.timedelta(days=90),
        )
        pool = staff_by_location[profile.location.name]
        members = pool[(index % 2) * 4 : (index % 2) * 4 + 4]
        if profile.user.email == "champion@cx-academy.example":
            members = [learner.employee] + members[:3]
        for member in members:
            Membership.objects.create(group=group, user=member.user)
        for weeks_ago, topic in (
            (6, "Beschwerden als Chance"),
            (2, "Unsere Customer Journey im Schadensfall"),
        ):
            session = CoachingSession.objects.create(
                group=group,
                held_on=today - datetime.timedelta(weeks=weeks_ago),
                topic=topic,
                created_by=profile.user,
                notes="Offene Runde mit Beispielen aus der Hotline; wichtigste Erkenntnis: Rückrufe zur vereinbarten Zeit.",
            )
            session.attendees.set([m.user for m in members[:3]])
            for offset, member in enumerate(members[:2]):
                ActionItem.objects.create(
                    session=session,
                    owner=member.user,
                    description=ACTION_ITEMS[weeks_ago][offset],
                    due_date=today + datetime.timedelta(days=7 - weeks_ago * 3),
                    done_at=timezone.now() if weeks_ago == 6 and offset == 1 else None,
                )
    stdout.write("Created demo champions and coaching groups.")

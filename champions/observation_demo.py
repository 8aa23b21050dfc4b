"""Demo floor observations: three checklists written from the seeds (counter, phone, complaint)
with behaviours linked to the lessons that teach them, and half a year of shared observations
in every demo coaching group, so the skills picture has something to show."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from curriculum.models import CoursePage, LessonCompletion, LessonPage

from . import observations
from .models import (
    ActionItem,
    Behaviour,
    CoachingGroup,
    Observation,
    ObservationChecklist,
    ObservationStatus,
    Rating,
)

# key, (title de, en), (situation de, en), trigger course slug, days, behaviours:
# (German, English, optional, lesson slugs)
CHECKLISTS = [
    (
        "schalter",
        ("Service am Schalter", "Service at the counter"),
        (
            "Ein ganz normales Kundengespräch am Schalter oder Tresen, von der Begrüßung bis zum Abschied.",
            "An ordinary conversation with a customer at the counter, from the greeting to the goodbye.",
        ),
        "cx-grundlagen",
        14,
        [
            (
                "Begrüßt den Kunden innerhalb von 10 Sekunden mit Blickkontakt",
                "Greets the customer within 10 seconds, with eye contact",
                False,
                ["cx-im-alltag"],
            ),
            (
                "Fragt nach dem Anliegen und lässt den Kunden ausreden",
                "Asks what the customer needs and lets them finish",
                False,
                ["voice-of-customer"],
            ),
            (
                "Fasst das Anliegen in eigenen Worten zusammen",
                "Sums up the request in their own words",
                False,
                ["voice-of-customer"],
            ),
            (
                "Nennt den nächsten Schritt und wie lange er dauert",
                "Says what happens next and how long it will take",
                False,
                ["cx-im-alltag"],
            ),
            (
                "Löst das Anliegen selbst, statt den Kunden weiterzuschicken, wo es geht",
                "Solves the request themselves instead of sending the customer elsewhere, where possible",
                False,
                ["medienbrueche-vermeiden"],
            ),
            (
                "Bietet von sich aus Hilfe für den nächsten Schritt an",
                "Offers help with the next step without being asked",
                False,
                ["was-ist-cx"],
            ),
            (
                "Zeigt App oder Self-Service, wo es dem Kunden hilft, ohne ihn abzuwimmeln",
                "Shows the app or self-service where it helps the customer, without brushing them off",
                True,
                ["mobile-first"],
            ),
            (
                "Fragt zum Abschied, ob alles geklärt ist",
                "Asks at the end whether everything is settled",
                False,
                ["cx-im-alltag"],
            ),
        ],
    ),
    (
        "hotline",
        ("Telefon und Hotline", "Phone and hotline"),
        (
            "Ein eingehender Anruf an der Hotline; am besten mithören, mit Einverständnis des Kunden.",
            "An incoming call on the hotline; best listened to with the customer's consent.",
        ),
        "omnichannel-service",
        21,
        [
            (
                "Meldet sich freundlich und deutlich mit Namen und Unternehmen",
                "Answers in a friendly, clear voice with their name and the company",
                False,
                ["cx-im-alltag"],
            ),
            (
                "Hört aktiv zu und unterbricht nicht",
                "Listens actively and does not interrupt",
                False,
                ["voice-of-customer"],
            ),
            (
                "Fasst das Anliegen zusammen und prüft, ob es richtig verstanden ist",
                "Sums up the request and checks it was understood correctly",
                False,
                ["voice-of-customer"],
            ),
            (
                "Verbindet nur weiter, wenn nötig, und gibt das Anliegen vollständig mit",
                "Transfers only when needed, and passes the whole story on",
                False,
                ["kanaele-im-team", "medienbrueche-vermeiden"],
            ),
            (
                "Kündigt Wartezeiten an und hält sie kurz",
                "Announces any hold and keeps it short",
                False,
                ["emotionskurve"],
            ),
            (
                "Vereinbart einen Rückruf mit Zeitfenster und hält ihn ein",
                "Agrees a call-back time window and keeps it",
                True,
                ["kanaele-im-team"],
            ),
            (
                "Fasst am Ende zusammen, was als Nächstes passiert, und fragt nach offenen Fragen",
                "Ends with what happens next and asks whether anything is still open",
                False,
                ["cx-im-alltag"],
            ),
        ],
    ),
    (
        "beschwerde",
        ("Eine Beschwerde annehmen", "Handling a complaint"),
        (
            "Ein verärgerter Kunde am Schalter oder am Telefon – vom ersten Satz bis zur Lösung.",
            "An upset customer at the counter or on the phone – from the first sentence to the solution.",
        ),
        "kunden-zuhoeren",
        14,
        [
            (
                "Bleibt ruhig und lässt den Kunden seinen Ärger ausreden",
                "Stays calm and lets the customer say what upset them",
                False,
                ["beschwerden-als-chance"],
            ),
            (
                "Bedankt sich für den Hinweis",
                "Thanks the customer for raising it",
                False,
                ["beschwerden-als-chance"],
            ),
            (
                "Zeigt Verständnis, ohne jemandem die Schuld zu geben",
                "Shows understanding without blaming anyone",
                False,
                ["beschwerden-als-chance"],
            ),
            (
                "Übernimmt das Anliegen persönlich („Ich kümmere mich darum“)",
                "Takes ownership (“I'll take care of it”)",
                False,
                ["beschwerden-als-chance"],
            ),
            (
                "Fragt, was dem Kunden jetzt am meisten hilft",
                "Asks what would help the customer most right now",
                False,
                ["voice-of-customer"],
            ),
            (
                "Bietet eine konkrete Lösung oder einen nächsten Schritt mit Termin an",
                "Offers a concrete solution or a next step with a date",
                False,
                ["cx-im-alltag"],
            ),
            (
                "Hält die Beschwerde fest, damit das Team daraus lernt",
                "Records the complaint so the team can learn from it",
                False,
                ["aus-abwanderung-lernen", "voice-of-customer"],
            ),
            (
                "Meldet sich nach der Lösung noch einmal beim Kunden",
                "Gets back to the customer once it is solved (closes the loop)",
                True,
                ["aus-abwanderung-lernen"],
            ),
        ],
    ),
]

STRENGTHS = [
    "Sehr freundliche, ruhige Begrüßung – der Kunde war sofort entspannt.",
    "Hat das Anliegen klar zusammengefasst, bevor es an die Lösung ging.",
    "Hat die Lösung selbst in die Hand genommen, statt weiterzuverbinden.",
]
TRY_NEXT = [
    "Am Ende fragen: „Ist damit alles für Sie geklärt?“",
    "Den nächsten Schritt mit einer Zeitangabe nennen.",
    "Bei Wartezeit vorher ankündigen, wie lange es dauert.",
]


def _lessons(slugs: list[str]) -> list[LessonPage]:
    from wagtail.models import Locale

    return list(LessonPage.objects.filter(slug__in=slugs, locale=Locale.get_default()))


def load_checklists() -> dict[str, ObservationChecklist]:
    """The three demo checklists, created once by key (editors' changes are kept)."""
    from wagtail.models import Locale

    checklists = {}
    for key, titles, intros, course_slug, days, behaviours in CHECKLISTS:
        checklist = ObservationChecklist.objects.filter(key=key).first()
        if checklist is None:
            course = CoursePage.objects.filter(
                slug=course_slug, locale=Locale.get_default()
            ).first()
            checklist = ObservationChecklist(
                key=key,
                title_de=titles[0],
                title_en=titles[1],
                intro_de=intros[0],
                intro_en=intros[1],
                trigger_course=course,
                request_after_days=days if course else None,
            )
            checklist.save()
            for order, (german, english, optional, slugs) in enumerate(behaviours):
                behaviour = Behaviour.objects.create(
                    checklist=checklist,
                    sort_order=order,
                    text_de=german,
                    text_en=english,
                    optional=optional,
                )
                behaviour.lessons.set(_lessons(slugs))
                behaviour.save()  # a parental many-to-many is written on save
        checklists[key] = checklist
    return checklists


def _rating(seed: int, month_index: int, learned: bool, top: int) -> int:
    """A believable rating: colleagues improve over the months, and those who completed the
    lesson are rated a little higher (the demo's built-in correlation)."""
    base = 1 + (month_index >= 3) + (1 if learned and seed % 3 else 0)
    wobble = (seed * 7 + month_index) % 4 - 1  # -1 … 2
    return max(0, min(top, base + (wobble > 1) - (wobble < 0)))


@transaction.atomic
def load(stdout) -> None:
    """Checklists, then shared observations for every demo group (once)."""
    checklists = load_checklists()
    if Observation.objects.exists():
        return
    today = timezone.localdate()
    completions = set(LessonCompletion.objects.values_list("user_id", "lesson_id"))
    groups = CoachingGroup.objects.filter(is_active=True).select_related("champion__user")
    for group in groups:
        observer = group.champion.user
        members = [m.user for m in group.memberships.filter(ended_on__isnull=True)]
        for member_index, member in enumerate(members):
            plan = [("schalter", 150), ("beschwerde", 120), ("schalter", 90), ("hotline", 60)]
            plan += [("beschwerde", 40), ("schalter", 20)]
            for step, (key, days_ago) in enumerate(plan):
                checklist = checklists[key]
                observed_on = today - datetime.timedelta(days=days_ago + member_index)
                month_index = step
                observation = Observation.objects.create(
                    checklist=checklist,
                    observed=member,
                    observer=observer,
                    status=ObservationStatus.ACKNOWLEDGED,
                    observed_on=observed_on,
                    situation="Vormittag, viel Betrieb" if step % 2 else "Ruhiger Nachmittag",
                    strength=STRENGTHS[(member_index + step) % 3],
                    try_next=TRY_NEXT[(member_index + step) % 3],
                    submitted_at=timezone.make_aware(
                        datetime.datetime.combine(observed_on, datetime.time(15))
                    ),
                    acknowledged_at=timezone.make_aware(
                        datetime.datetime.combine(observed_on, datetime.time(18))
                    ),
                    colleague_comment="Danke, probiere ich aus!" if step % 2 else "",
                )
                for behaviour in checklist.behaviours.all():
                    learned = any(
                        (member.pk, lesson.pk) in completions for lesson in behaviour.lessons.all()
                    )
                    Rating.objects.create(
                        observation=observation,
                        behaviour=behaviour,
                        value=_rating(
                            member.pk + behaviour.pk, month_index, learned, checklist.top_level
                        ),
                    )
                ActionItem.objects.create(
                    observation=observation,
                    owner=member,
                    description=observation.try_next,
                    due_date=observed_on + datetime.timedelta(days=14),
                    done_at=timezone.now() if days_ago > 30 else None,
                )
    requested = observations.request_observations_after_completion(today)
    stdout.write(f"Created demo observations ({requested} requested after course completion).")

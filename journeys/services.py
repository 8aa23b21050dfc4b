"""Journey-map rules: the exercise's settings, completion, the emotion curve, exports, insights."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from wagtail.models import Page

from accounts import privacy
from accounts.models import NotificationKind
from accounts.notifications import notify_by_mail_or_push
from accounts.permissions import can_view_journey_map, coaches_of, is_hr
from core.mail import compose, language_of, site_url
from core.pages import default_language_page
from people.models import Department
from people.services import department_with_children

from .blocks import DEFAULT_CHANNELS, DEFAULT_PHASES
from .models import JourneyMap, MapComment, Touchpoint
from .signals import journey_map_completed


@dataclass
class Exercise:
    """The editor's settings of one journey-map block."""

    lesson: Page
    block_id: str
    scenario: str
    phases: list[str]
    channels: list[str]
    suggested_touchpoints: list[str]
    min_touchpoints: int


def find_exercise(lesson_id: int, block_id: str) -> Exercise | None:
    """The journey-map block `block_id` of a live lesson, or None."""
    page = Page.objects.live().filter(pk=lesson_id).first()
    if page is None:
        return None
    page = page.specific
    for block in getattr(page, "body", []):
        if block.block_type == "journey_map" and block.id == block_id:
            value = block.value
            return Exercise(
                lesson=default_language_page(page),
                block_id=block_id,
                scenario=str(value.get("scenario") or ""),
                phases=list(value.get("phases") or DEFAULT_PHASES),
                channels=list(value.get("channels") or DEFAULT_CHANNELS),
                suggested_touchpoints=list(value.get("suggested_touchpoints") or []),
                min_touchpoints=int(value.get("min_touchpoints") or 5),
            )
    return None


def map_for(user, exercise: Exercise, create: bool = False) -> JourneyMap | None:
    """The user's map for an exercise (created on first change)."""
    if create:
        return JourneyMap.objects.get_or_create(
            user=user, lesson=exercise.lesson, block_id=exercise.block_id
        )[0]
    return JourneyMap.objects.filter(
        user=user, lesson=exercise.lesson, block_id=exercise.block_id
    ).first()


def completion_problems(journey_map: JourneyMap, exercise: Exercise) -> list[str]:
    """What is still missing before the map counts as complete (empty list = complete)."""
    touchpoints = list(journey_map.touchpoints.all())
    problems = []
    if len(touchpoints) < exercise.min_touchpoints:
        problems.append(
            _("Add at least %(n)d touchpoints (you have %(have)d).")
            % {"n": exercise.min_touchpoints, "have": len(touchpoints)}
        )
    covered = {t.phase for t in touchpoints}
    missing = [name for index, name in enumerate(exercise.phases) if index not in covered]
    if missing:
        problems.append(
            _("Add a touchpoint to every phase (missing: %(phases)s).")
            % {"phases": ", ".join(missing)}
        )
    if any(t.emotion is None for t in touchpoints):
        problems.append(_("Rate the customer's emotion at every touchpoint."))
    top = [t for t in touchpoints if t.top_rank]
    if len(top) != 3:
        problems.append(_("Choose the three friction points that matter most."))
    return problems


@transaction.atomic
def refresh_completion(journey_map: JourneyMap, exercise: Exercise) -> bool:
    """Mark the map complete (once) when it meets the rules; tells curriculum to complete the lesson."""
    complete = not completion_problems(journey_map, exercise)
    if complete and journey_map.completed_at is None:
        journey_map.completed_at = timezone.now()
        journey_map.save(update_fields=["completed_at"])
        journey_map_completed.send(
            sender=JourneyMap,
            journey_map=journey_map,
            user=journey_map.user,
            lesson_page_id=journey_map.lesson_id,
        )
    return complete


@transaction.atomic
def add_touchpoint(user, exercise: Exercise, touchpoint: Touchpoint) -> bool:
    """Put a new touchpoint on the user's map of this exercise (the map is made on first use);
    returns whether the map now meets the rules (then it is complete and the lesson done)."""
    journey_map = map_for(user, exercise, create=True)
    touchpoint.journey_map = journey_map
    touchpoint.save()
    return refresh_completion(journey_map, exercise)


@transaction.atomic
def save_touchpoint(touchpoint: Touchpoint, exercise: Exercise) -> bool:
    """Save a changed touchpoint; returns whether its map now meets the rules."""
    touchpoint.save()
    return refresh_completion(touchpoint.journey_map, exercise)


def set_top_three(journey_map: JourneyMap, touchpoint_ids: list[int]) -> None:
    """Rank up to three of the map's friction points as the most important."""
    if len(touchpoint_ids) > 3 or len(set(touchpoint_ids)) != len(touchpoint_ids):
        raise ValueError(_("Choose at most three different touchpoints."))
    points = {t.pk: t for t in journey_map.touchpoints.filter(pk__in=touchpoint_ids)}
    if len(points) != len(touchpoint_ids):
        raise ValueError(_("That touchpoint is not on your map."))
    journey_map.touchpoints.update(top_rank=None)
    for rank, pk in enumerate(touchpoint_ids, start=1):
        point = points[pk]
        point.top_rank, point.is_friction = rank, True
        point.save(update_fields=["top_rank", "is_friction"])


def curve_points(
    touchpoints: list[Touchpoint], width: int = 640, height: int = 240
) -> list[tuple[float, float]]:
    """x/y of each rated touchpoint: spread evenly left to right, +2 at the top, −2 at the bottom."""
    rated = [t for t in touchpoints if t.emotion is not None]
    if not rated:
        return []
    margin = 40
    step = (width - 2 * margin) / max(1, len(rated) - 1)
    middle, unit = height / 2, (height / 2 - margin) / 2
    return [
        (round(margin + i * step, 1), round(middle - t.emotion * unit, 1))
        for i, t in enumerate(rated)
    ]


AXIS_GUTTER = 56  # room left of the plot for the emotion scale (drawn at negative x)
EMOTION_LABELS = {2: "+2", 1: "+1", 0: "0", -1: "−1", -2: "−2"}


def emotion_curve_svg(
    touchpoints: list[Touchpoint], width: int = 640, height: int = 240
) -> SafeString:
    """The emotion curve as accessible SVG, safe to put in a page as it is: an emotion scale
    (+2 … −2), dashed phase boundaries with the phase names, friction points in red, points
    numbered (text large enough on a phone) and a numbered list of the full names below."""
    rated = [t for t in touchpoints if t.emotion is not None]
    points = curve_points(touchpoints, width, height)
    if not points:
        return mark_safe("")
    path = " ".join(f"{x},{y}" for x, y in points)
    middle, unit = height / 2, (height / 2 - 40) / 2
    parts = []
    for level, label in EMOTION_LABELS.items():  # the y-axis: scale and light grid lines
        y = middle - level * unit
        dashes = ' stroke-dasharray="4"' if level == 0 else ""
        parts.append(
            f'<line x1="30" y1="{y}" x2="{width - 30}" y2="{y}" stroke="#d5dbe1"{dashes}></line>'
            f'<text x="{-AXIS_GUTTER + 4}" y="{y + 8}" font-size="24" fill="#1b2733">{label}</text>'
        )
    parts.append(
        f'<line x1="30" y1="{middle - 2 * unit - 12}" x2="30" y2="{middle + 2 * unit + 12}" '
        'stroke="#3d4a57"></line>'
    )
    runs: list[list[int]] = []  # consecutive rated touchpoints of one phase
    for index, touchpoint in enumerate(rated):
        if runs and rated[runs[-1][0]].phase == touchpoint.phase:
            runs[-1].append(index)
        else:
            runs.append([index])
    for number, run in enumerate(runs):
        first_x = points[run[0]][0]
        if number:  # boundary halfway between this phase and the one before
            x = round((points[run[0] - 1][0] + first_x) / 2, 1)
            parts.append(
                f'<line x1="{x}" y1="4" x2="{x}" y2="{height - 30}" stroke="#6b7785" '
                'stroke-dasharray="6 4" class="phase-boundary"></line>'
            )
        name = getattr(rated[run[0]], "phase_name", "")
        if name:  # at the start of its phase; every other name a row lower, so none overlap
            start = x + 4 if number else first_x - 10
            anchor = "start"
            if start > width - 10 * len(name) - 30:  # too close to the right edge: end there
                start, anchor = width - 30, "end"
            parts.append(
                f'<text x="{start}" y="{20 + 22 * (number % 2)}" font-size="20" '
                f'text-anchor="{anchor}" fill="#3d4a57">{escape(name)}</text>'
            )
    parts.append(
        f'<polyline points="{path}" fill="none" stroke="#0b5f8a" stroke-width="3"></polyline>'
    )
    for number, ((x, y), touchpoint) in enumerate(zip(points, rated, strict=True), start=1):
        color = "#a3231d" if touchpoint.is_friction else "#0b5f8a"
        radius = 9 if touchpoint.top_rank else 6
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{color}" data-friction="{str(touchpoint.is_friction).lower()}">'
            f"<title>{escape(touchpoint.name)}: {touchpoint.emotion:+d}</title></circle>"
            f'<text x="{x}" y="{height - 4}" font-size="24" font-weight="700" text-anchor="middle" '
            f'fill="{color}">{number}</text>'
        )
    description = "; ".join(f"{t.name}: {t.emotion:+d}" for t in rated)
    friction_class = ' class="is-friction"'
    legend = "".join(
        f"<li{friction_class if t.is_friction else ''}>{escape(t.name)} "
        f"({EMOTION_LABELS.get(t.emotion, t.emotion)})</li>"
        for t in rated
    )
    return mark_safe(  # noqa: S308 (numbers we computed; every text escaped above)
        f'<svg role="img" aria-labelledby="curve-title curve-desc" viewBox="{-AXIS_GUTTER} 0 {width + AXIS_GUTTER} {height}" width="100%" class="emotion-curve">'
        f'<title id="curve-title">{escape(_("Emotion curve"))}</title><desc id="curve-desc">{escape(description)}</desc>'
        + "".join(parts)
        + "</svg>"
        + f'<ol class="curve-legend" aria-label="{escape(_("Touchpoints on the curve"))}">{legend}</ol>'
    )


def map_png(journey_map: JourneyMap, exercise: Exercise | None = None) -> bytes:
    """The curve and touchpoint list drawn with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    touchpoints = list(journey_map.touchpoints.all())
    width, height = 1200, 700
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=20)
    draw.text(
        (40, 20), _("Customer journey map"), fill="#0b5f8a", font=ImageFont.load_default(size=32)
    )
    points = curve_points(touchpoints, width, 400)
    shifted = [(x, y + 60) for x, y in points]
    if len(shifted) > 1:
        draw.line(shifted, fill="#0b5f8a", width=4)
    rated = [t for t in touchpoints if t.emotion is not None]
    for (x, y), t in zip(shifted, rated, strict=True):
        color = "#a3231d" if t.is_friction else "#0b5f8a"
        draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=color)
        draw.text((x - 40, 480), t.name[:14], fill="#333", font=ImageFont.load_default(size=14))
    for index, t in enumerate(touchpoints[:8]):
        draw.text(
            (40, 520 + index * 22),
            f"{t.name} ({t.channel}) {t.emotion if t.emotion is not None else '?'}",
            fill="#333",
            font=font,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def map_pdf(journey_map: JourneyMap, exercise: Exercise | None = None) -> bytes:
    """A PDF with the scenario, the touchpoint table and the curve (reportlab)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    touchpoints = list(journey_map.touchpoints.all())
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle("Customer Journey Map")
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(40, height - 50, "Customer Journey Map")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(40, height - 70, str(journey_map.user))
    points = curve_points(touchpoints, int(width), 220)
    rated = [t for t in touchpoints if t.emotion is not None]
    pdf.setStrokeColor(colors.HexColor("#0b5f8a"))
    pdf.setLineWidth(2)
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        pdf.line(x1, height - 90 - y1, x2, height - 90 - y2)
    for (x, y), t in zip(points, rated, strict=True):
        pdf.setFillColor(colors.HexColor("#a3231d" if t.is_friction else "#0b5f8a"))
        pdf.circle(x, height - 90 - y, 5, fill=1, stroke=0)
    pdf.setFillColor(colors.black)
    y = height - 340
    phases = exercise.phases if exercise else DEFAULT_PHASES
    for t in touchpoints:
        phase = phases[t.phase] if t.phase < len(phases) else str(t.phase)
        marker = " (!)" if t.is_friction else ""
        pdf.drawString(
            40,
            y,
            f"{phase} | {t.name}{marker} | {t.channel} | {t.emotion if t.emotion is not None else '-'}",
        )
        y -= 16
        if y < 40:
            pdf.showPage()
            y = height - 40
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def with_phase_names(touchpoints: list[Touchpoint], exercise: Exercise | None) -> list[Touchpoint]:
    """Touchpoints with `phase_name` set from the exercise's phases (blank when unknown)."""
    phases = exercise.phases if exercise else []
    for touchpoint in touchpoints:
        touchpoint.phase_name = (
            phases[touchpoint.phase] if 0 <= touchpoint.phase < len(phases) else ""
        )
    return touchpoints


def set_shared(journey_map: JourneyMap, shared: bool) -> JourneyMap:
    """The learner shares their map with their champion, or makes it private again."""
    journey_map.shared_with_champion = shared
    journey_map.shared_at = timezone.now() if shared else None
    journey_map.save(update_fields=["shared_with_champion", "shared_at"])
    return journey_map


def add_comment(journey_map: JourneyMap, author, text: str) -> MapComment:
    """A comment on a map by someone who may see it (its owner, or their champion once shared)."""
    if not can_view_journey_map(author, journey_map):
        raise PermissionDenied
    with transaction.atomic():
        comment = MapComment.objects.create(journey_map=journey_map, author=author, text=text)
        if author.pk != journey_map.user_id:
            _tell_of_comment(comment, journey_map.user)
        else:  # the owner answers: their champion, who may see the shared map, hears of it
            for coach in coaches_of(author):
                if can_view_journey_map(coach, journey_map):
                    _tell_of_comment(comment, coach)
    return comment


def _tell_of_comment(comment: MapComment, reader) -> None:
    """Someone who follows the map (its owner, or the owner's champion) hears of a comment by
    someone else: by push or e-mail, their choice."""
    language = language_of(reader)
    url = site_url(reverse("journeys:map", args=[comment.journey_map_id]))
    with translation.override(language):
        label = _("Read the comment")
    message = compose(
        "journeys/email/comment",
        {
            "reader_name": reader.first_name or reader.email,
            "author_name": comment.author.display_name,
            "own_map": reader.pk == comment.journey_map.user_id,
            "text": comment.text,
            "action_url": url,
            "action_label": label,
        },
        to=reader.email,
        language=language,
    )
    notify_by_mail_or_push(
        reader,
        NotificationKind.OBSERVATION,
        message,
        key=f"map-comment:{comment.pk}:{reader.pk}",
        topic="map-comment",
        url=url,
    )


def insight_departments(user) -> QuerySet[Department]:
    """The departments whose insights a user may see: every one for HR, for a manager those of
    their active direct reports (the rule `can_view_insights` asks for)."""
    if is_hr(user):
        return Department.objects.all()
    return Department.objects.filter(employees__manager=user, employees__is_active=True).distinct()


def insight_scope(user, department_id: int | None) -> tuple[Department | None, list[int] | None]:
    """The department chosen (if the user may see it) and the department ids to aggregate:
    its subtree, else every department the user may see (None: all, for HR)."""
    departments = insight_departments(user)
    selected = departments.filter(pk=department_id).first() if department_id else None
    if selected is not None:
        return selected, department_with_children(selected)
    if is_hr(user):
        return None, None
    return None, list(departments.values_list("pk", flat=True))


def shared_maps_for_members(member_ids) -> list[JourneyMap]:
    """Shared maps of the given people, newest first (for a champion's dashboard)."""
    return list(
        JourneyMap.objects.filter(user_id__in=list(member_ids), shared_with_champion=True)
        .select_related("user")
        .annotate(points=Count("touchpoints"))
        .order_by("-shared_at")
    )


def department_insights(department_ids: list[int] | None, limit: int = 10) -> dict:
    """Most frequent friction points and lowest-emotion touchpoints across shared maps (2 queries)."""
    touchpoints = Touchpoint.objects.filter(journey_map__shared_with_champion=True)
    if department_ids is not None:
        touchpoints = touchpoints.filter(
            journey_map__user__employee__department_id__in=department_ids
        )
    friction = Counter()
    friction_people = defaultdict(set)
    for name, person in touchpoints.filter(is_friction=True).values_list(
        "name", "journey_map__user_id"
    ):
        friction[name.strip().lower()] += 1
        friction_people[name.strip().lower()].add(person)
    emotions = defaultdict(list)
    emotion_people = defaultdict(set)
    for name, emotion, person in touchpoints.filter(emotion__isnull=False).values_list(
        "name", "emotion", "journey_map__user_id"
    ):
        emotions[name.strip().lower()].append(emotion)
        emotion_people[name.strip().lower()].add(person)
    # A touchpoint named by fewer people than the privacy minimum is left out: its wording or
    # emotion could point to the colleague who wrote it.
    minimum = privacy.min_group_size()
    friction = Counter(
        {name: n for name, n in friction.items() if len(friction_people[name]) >= minimum}
    )
    emotions = {name: v for name, v in emotions.items() if len(emotion_people[name]) >= minimum}
    lowest = sorted(
        (
            {"name": name, "average": round(sum(v) / len(v), 2), "count": len(v)}
            for name, v in emotions.items()
        ),
        key=lambda r: (r["average"], -r["count"], r["name"]),
    )
    return {
        "friction": [
            {"name": n, "count": c}
            for n, c in sorted(friction.items(), key=lambda i: (-i[1], i[0]))[:limit]
        ],
        "lowest": lowest[:limit],
    }

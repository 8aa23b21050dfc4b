"""Champion rules: photos, status changes, activation, groups, retirement, dashboard, nudges."""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Max, Q, Window
from django.db.models.functions import RowNumber, TruncMonth, TruncWeek
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import audit, privacy
from accounts.roles import CHAMPION
from curriculum.models import CourseEnrolment, LearningPathPage
from curriculum.services import path_courses
from people.models import EmployeeProfile
from quizzes.models import Attempt

from .assignment import ChampionSlot, Proposal, StaffMember, propose_groups
from .models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
    Membership,
    Nudge,
)

MAX_PHOTO_BYTES = 5 * 1024 * 1024
# A few kilobytes of PNG can claim 12000 x 12000 pixels and take gigabytes to decode: the
# dimensions in the header are checked before any pixel is decoded.
MAX_PHOTO_PIXELS = 40_000_000
THUMBNAIL_SIZES = (256, 96)
ALLOWED_TRANSITIONS = {
    ChampionStatus.NOMINATED: {ChampionStatus.IN_TRAINING, ChampionStatus.RETIRED},
    ChampionStatus.IN_TRAINING: {
        ChampionStatus.ACTIVE,
        ChampionStatus.PAUSED,
        ChampionStatus.RETIRED,
    },
    ChampionStatus.ACTIVE: {ChampionStatus.PAUSED, ChampionStatus.RETIRED},
    ChampionStatus.PAUSED: {ChampionStatus.ACTIVE, ChampionStatus.RETIRED},
    ChampionStatus.RETIRED: set(),
}


def square_thumbnails(upload) -> tuple[ContentFile, ContentFile]:
    """Validate an uploaded photo by its content and return square 256 px and 96 px JPEGs."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB."))
    too_large = ValidationError(
        _("The photo has too many pixels; at most %(megapixels)s megapixels, please.")
        % {"megapixels": MAX_PHOTO_PIXELS // 1_000_000}
    )
    try:
        upload.seek(0)
        image = Image.open(upload)  # reads the header only
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise too_large
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in {"JPEG", "PNG", "WEBP"}:
            raise ValidationError(_("This file is not an image (JPEG, PNG or WebP)."))
        image.draft("RGB", (1024, 1024))  # JPEG: decode at a reduced scale, enough for 256 px
        image.load()
    except Image.DecompressionBombError as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(_("This file is not an image (JPEG, PNG or WebP).")) from error
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.convert("RGB").crop((left, top, left + side, top + side))
    files = []
    for size in THUMBNAIL_SIZES:
        buffer = io.BytesIO()
        square.resize((size, size), Image.Resampling.LANCZOS).save(
            buffer, format="JPEG", quality=85
        )
        files.append(ContentFile(buffer.getvalue()))
    return files[0], files[1]


def set_photo(profile: ChampionProfile, upload) -> None:
    """Store the processed square photo and its small version."""
    large, small = square_thumbnails(upload)
    profile.photo.save(f"champion-{profile.user_id}.jpg", large, save=False)
    profile.photo_small.save(f"champion-{profile.user_id}-small.jpg", small, save=False)
    profile.save()


def champions_path_completed(user) -> bool:
    """True when the user completed every course of the "CX Champions" learning path."""
    path = LearningPathPage.objects.live().filter(audience="champions").first()
    if path is None:
        return False
    courses = path_courses(path)
    if not courses:
        return False
    done = CourseEnrolment.objects.filter(
        user=user, course__in=courses, completed_at__isnull=False
    ).count()
    return done == len(courses)


def propose(user, reason: str, nominated_by=None) -> tuple[ChampionProfile, bool]:
    """A nominated champion profile for `user` (their own application, or a manager's
    nomination), placed in their department and location; an existing profile is kept."""
    employee = getattr(user, "employee", None)
    return ChampionProfile.objects.get_or_create(
        user=user,
        defaults={
            "bio": reason,
            "nominated_by": nominated_by,
            "department": getattr(employee, "department", None),
            "location": getattr(employee, "location", None),
        },
    )


@transaction.atomic
def change_status(profile: ChampionProfile, new_status: str, actor=None) -> ChampionProfile:
    """Move a champion to a new status if allowed; activation needs the completed champions path."""
    new_status = ChampionStatus(new_status)
    if new_status not in ALLOWED_TRANSITIONS[ChampionStatus(profile.status)]:
        raise ValidationError(
            _("A champion cannot go from “%(old)s” to “%(new)s”.")
            % {"old": profile.get_status_display(), "new": new_status.label}
        )
    if new_status == ChampionStatus.ACTIVE and not champions_path_completed(profile.user):
        raise ValidationError(
            _("A champion becomes active only after completing the CX Champions path.")
        )
    profile.status = new_status
    profile.save(update_fields=["status"])
    if new_status in (ChampionStatus.PAUSED, ChampionStatus.RETIRED):
        release_members(profile, reason=new_status.label)
    audit.record(actor, "champions.status", f"{profile}: {new_status.label}", profile_id=profile.pk)
    return profile


@transaction.atomic
def approve(profile: ChampionProfile, actor) -> ChampionProfile:
    """HR approves a nomination or application: the champion starts training."""
    change_status(profile, ChampionStatus.IN_TRAINING, actor)
    profile.approved_by = actor
    profile.save(update_fields=["approved_by"])
    profile.user.groups.add(Group.objects.get(name=CHAMPION))
    activate_if_ready(profile)
    return profile


def activate_if_ready(profile: ChampionProfile) -> bool:
    """Activate a champion in training as soon as the champions path is complete."""
    if profile.status == ChampionStatus.IN_TRAINING and champions_path_completed(profile.user):
        change_status(profile, ChampionStatus.ACTIVE)
        return True
    return False


def release_members(profile: ChampionProfile, reason: str) -> list[int]:
    """End the memberships of a champion's groups (history kept) and tell HR who is unassigned."""
    from .tasks import notify_hr_unassigned

    today = timezone.localdate()
    memberships = Membership.objects.filter(group__champion=profile, ended_on__isnull=True)
    user_ids = list(memberships.values_list("user_id", flat=True))
    memberships.update(ended_on=today, unassigned_reason=reason)
    CoachingGroup.objects.filter(champion=profile).update(is_active=False)
    if user_ids:
        # Written to the outbox in this transaction: HR hears about it exactly when it happened.
        event = f"{today.isoformat()}:{reason}:{min(user_ids)}-{max(user_ids)}:{len(user_ids)}"
        notify_hr_unassigned(profile.pk, user_ids, event)
    return user_ids


def active_member_ids(group: CoachingGroup) -> list[int]:
    return list(group.memberships.filter(ended_on__isnull=True).values_list("user_id", flat=True))


def add_member(group: CoachingGroup, user, actor=None) -> Membership:
    """Put a person into a group; refused when they already are in an active group."""
    try:
        with transaction.atomic():
            membership = Membership.objects.create(group=group, user=user)
    except IntegrityError as error:
        raise ValidationError(
            _("%(person)s is already in an active coaching group.") % {"person": user}
        ) from error
    audit.record(actor, "champions.group_member_added", f"{user} → {group}", group_id=group.pk)
    return membership


@transaction.atomic
def create_group(actor, **fields) -> CoachingGroup:
    """HR opens a coaching group (name, champion, co-champion, focus, start date); audited."""
    group = CoachingGroup.objects.create(**fields)
    audit.record(actor, "champions.group_created", str(group), group_id=group.pk)
    return group


@dataclass(frozen=True)
class AgreedActionItem:
    """An action item agreed in a session, before it is saved."""

    owner_id: int
    description: str
    due_date: datetime.date


@transaction.atomic
def log_session(
    group: CoachingGroup,
    *,
    held_on: datetime.date,
    topic: str,
    created_by,
    notes: str = "",
    attendee_ids: Iterable[int] = (),
    action_items: Iterable[AgreedActionItem] = (),
) -> CoachingSession:
    """A coaching session with who came and the action items agreed, saved all or nothing.

    Only active members of the group can attend or own an action item."""
    attendee_ids = {int(pk) for pk in attendee_ids}
    action_items = list(action_items)
    members = set(active_member_ids(group))
    if not (attendee_ids | {item.owner_id for item in action_items}) <= members:
        raise ValidationError(_("Only members of the group can attend or own an action item."))
    session = CoachingSession.objects.create(
        group=group, held_on=held_on, topic=topic, notes=notes, created_by=created_by
    )
    session.attendees.set(attendee_ids)
    for item in action_items:
        ActionItem.objects.create(
            session=session,
            owner_id=item.owner_id,
            description=item.description,
            due_date=item.due_date,
        )
    return session


def mark_action_item_done(item: ActionItem) -> bool:
    """The owner ticks an item off; True when this call did it (the first tick's time stays)."""
    now = timezone.now()
    done = ActionItem.objects.filter(pk=item.pk, done_at__isnull=True).update(done_at=now) == 1
    if done:
        item.done_at = now
    return done


def unassigned_staff():
    """Active employees who are in no active group and are not champions themselves."""
    return (
        EmployeeProfile.objects.filter(is_active=True, user__is_active=True)
        .exclude(user__in=Membership.objects.filter(ended_on__isnull=True).values("user"))
        .exclude(user__champion__status__in=[ChampionStatus.ACTIVE, ChampionStatus.IN_TRAINING])
        .select_related("user")
    )


def current_proposal() -> tuple[Proposal, dict]:
    """The automatic proposal for all unassigned staff, with the objects to show it."""
    staff_profiles = list(unassigned_staff().order_by("user_id"))
    champions = list(
        ChampionProfile.objects.filter(status=ChampionStatus.ACTIVE)
        .select_related("user", "user__employee")
        .annotate(
            load=Count("groups__memberships", filter=Q(groups__memberships__ended_on__isnull=True))
        )
    )
    slots = [
        ChampionSlot(
            id=c.user_id,
            location_id=c.location_id,
            department_id=c.department_id,
            capacity=c.capacity,
            manager_id=getattr(getattr(c.user, "employee", None), "manager_id", None),
            load=c.load,
        )
        for c in champions
    ]
    staff = [StaffMember(p.user_id, p.location_id, p.department_id) for p in staff_profiles]
    proposal = propose_groups(staff, slots)
    lookup = {
        "users": {p.user_id: p.user for p in staff_profiles},
        "champions": {c.user_id: c for c in champions},
    }
    return proposal, lookup


def proposal_rows(proposal: Proposal, lookup: dict) -> list[tuple[ChampionProfile, list]]:
    """(champion, [new members]) per champion who gets anyone: what the HR preview shows,
    resolved here in one pass instead of scanning the lookups per row in the template."""
    return [
        (lookup["champions"][champion_id], [lookup["users"][m] for m in member_ids])
        for champion_id, member_ids in proposal.assignments.items()
        if member_ids
    ]


@transaction.atomic
def apply_proposal(proposal: Proposal, actor) -> int:
    """Create the proposed memberships in one transaction (re-checked by the DB constraint)."""
    created = 0
    today = timezone.localdate()
    for champion_user_id, member_ids in proposal.assignments.items():
        if not member_ids:
            continue
        champion = ChampionProfile.objects.select_for_update().get(user_id=champion_user_id)
        group = champion.groups.filter(is_active=True).first() or CoachingGroup.objects.create(
            name=_("Group of %(name)s") % {"name": champion.user.display_name},
            champion=champion,
            start_date=today,
        )
        current = Membership.objects.filter(group__champion=champion, ended_on__isnull=True).count()
        if current + len(member_ids) > champion.capacity:
            raise ValidationError(_("The proposal is out of date; please preview again."))
        for user_id in member_ids:
            try:
                with transaction.atomic():
                    Membership.objects.create(group=group, user_id=user_id)
            except IntegrityError as error:
                raise ValidationError(
                    _("The proposal is out of date; please preview again.")
                ) from error
            created += 1
    audit.record(actor, "champions.auto_assign", f"{created} people assigned to coaching groups")
    return created


def groups_coached_by(user):
    """Active groups where the user is champion or co-champion."""
    return CoachingGroup.objects.filter(
        Q(champion__user=user) | Q(co_champion__user=user), is_active=True
    )


def coaches(coach, member) -> bool:
    """The coaching relation used by `accounts.permissions.is_coach_of`."""
    return Membership.objects.filter(
        group__in=groups_coached_by(coach), user=member, ended_on__isnull=True
    ).exists()


def coaches_of(member) -> list:
    """The champions and co-champions of the person's active coaching group."""
    from accounts.models import User

    groups = CoachingGroup.objects.filter(
        is_active=True, memberships__user=member, memberships__ended_on__isnull=True
    )
    return list(
        User.objects.filter(
            Q(champion__groups__in=groups) | Q(champion__co_groups__in=groups),
            is_active=True,
        ).distinct()
    )


def quiz_mastery(user_ids: Iterable[int]) -> dict[int, list[dict]]:
    """Per user: each quiz taken with the best score and whether it was ever passed.

    A quiz's language versions count as one quiz (the title is the one in the active language
    where the user took that version); one query."""
    language = translation.get_language() or ""
    quizzes: dict[tuple[int, object], dict] = {}
    for row in (
        Attempt.objects.filter(user_id__in=list(user_ids), submitted_at__isnull=False)
        .values("user_id", "quiz__translation_key", "quiz__title", "quiz__locale__language_code")
        .annotate(best=Max("score_percent"), passes=Count("id", filter=Q(passed=True)))
    ):
        key = (row["user_id"], row["quiz__translation_key"])
        entry = quizzes.setdefault(
            key, {"topic": row["quiz__title"], "score": 0, "passed": False, "user_id": key[0]}
        )
        if language.startswith(row["quiz__locale__language_code"] or "-"):
            entry["topic"] = row["quiz__title"]
        entry["score"] = max(entry["score"], round(float(row["best"] or 0)))
        entry["passed"] = entry["passed"] or row["passes"] > 0
    mastery: dict[int, list[dict]] = defaultdict(list)
    for entry in sorted(quizzes.values(), key=lambda e: e["topic"]):
        mastery[entry.pop("user_id")].append(entry)
    return mastery


def active_memberships(group: CoachingGroup) -> list[Membership]:
    """The group's current memberships with their people (one query)."""
    return list(group.memberships.filter(ended_on__isnull=True).select_related("user"))


def member_overview(
    group: CoachingGroup,
    policy: privacy.RolePolicy | None = None,
    memberships: list[Membership] | None = None,
) -> list[dict]:
    """Per member: assigned training with progress, overdue items, quiz mastery, last session,
    as far as the champions' visibility policy allows (constant queries). `memberships`:
    the group's current ones when the caller has them already.

    Courses are read as titles, not as page objects: a page object costs more to build than
    the rest of a member's row."""
    from assignments.services import assignment_statuses_for_users

    policy = policy or privacy.policy_for(privacy.CHAMPION)
    if memberships is None:
        memberships = active_memberships(group)
    user_ids = [m.user_id for m in memberships]
    if not policy.individual_progress and not policy.individual_pass_fail:
        return [{"user": m.user, "hidden": True} for m in memberships]
    progress_ids = user_ids if policy.individual_progress else []
    assignments = assignment_statuses_for_users(progress_ids) if progress_ids else {}
    today = timezone.localdate()
    overdue = defaultdict(int)
    for owner_id in ActionItem.objects.filter(
        owner_id__in=progress_ids, done_at__isnull=True, due_date__lt=today
    ).values_list("owner_id", flat=True):
        overdue[owner_id] += 1
    mastery = quiz_mastery(user_ids if policy.individual_pass_fail else [])
    if not policy.individual_scores:
        for entries in mastery.values():
            for entry in entries:
                entry["score"] = None
    last_session = {}
    for session in (
        CoachingSession.objects.filter(group=group, attendees__in=user_ids)
        .values("held_on", "attendees")
        .order_by("held_on")
    ):
        last_session[session["attendees"]] = session["held_on"]
    enrolled = defaultdict(list)
    # Only the latest three per member are shown: ranked in the database rather than loading
    # every enrolment (and its course page) of the group.
    for e in (
        CourseEnrolment.objects.filter(user_id__in=progress_ids)
        .annotate(
            latest=Window(RowNumber(), partition_by="user_id", order_by=F("started_at").desc())
        )
        .filter(latest__lte=3)
        .values("user_id", "completed_at", course_title=F("course__title"))
        .order_by("-started_at")
    ):
        enrolled[e["user_id"]].append(e)
    return [
        {
            "user": m.user,
            "hidden": False,
            "progress_shown": policy.individual_progress,
            "assignments": assignments.get(m.user_id, []),
            "enrolments": enrolled[m.user_id],
            "overdue_items": overdue[m.user_id],
            "mastery": mastery[m.user_id][-3:],
            "last_session": last_session.get(m.user_id),
        }
        for m in memberships
    ]


COMPANY_RATE_CACHE_KEY = "champions:company-completion-rate"
COMPANY_RATE_SECONDS = 15 * 60


def completion_rate(enrolments) -> int:
    """Share of enrolments completed, in whole percent (0 without enrolments)."""
    counts = enrolments.aggregate(
        total=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False))
    )
    return round(100 * counts["done"] / counts["total"]) if counts["total"] else 0


def company_completion_rate() -> int | None:
    """The company-wide completion rate, from the cache when it holds it.

    Counting every enrolment of the company takes longer than the rest of a champion's page, and
    the figure is the same for every champion: it is kept for a while and dropped as soon as an
    enrolment starts, completes or goes (see `forget_company_rate`)."""
    cached = cache.get(COMPANY_RATE_CACHE_KEY)
    if cached is None:
        enrolments = CourseEnrolment.objects.all()
        people = enrolments.values("user_id").distinct().count()
        cached = (completion_rate(enrolments), people)
        cache.set(COMPANY_RATE_CACHE_KEY, cached, COMPANY_RATE_SECONDS)
    rate, people = cached
    # like every figure, none that describes fewer people than the privacy minimum
    return None if privacy.is_small(people) else rate


def forget_company_rate() -> None:
    """Drop the cached company-wide rate (an enrolment started, completed or went)."""
    cache.delete(COMPANY_RATE_CACHE_KEY)


def group_figures(group: CoachingGroup, user_ids: list[int] | None = None) -> dict:
    """Culture-change figures: completion vs company, quiz trend per week, sessions per month.
    `user_ids`: the group's current members when the caller has them already."""
    if user_ids is None:
        user_ids = active_member_ids(group)
    since = timezone.now() - datetime.timedelta(weeks=12)
    trend = list(
        Attempt.objects.filter(user_id__in=user_ids, submitted_at__gte=since)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(score=Avg("score_percent"), people=Count("user_id", distinct=True))
        .order_by("week")
    )
    minimum = privacy.min_group_size()
    sessions = list(
        CoachingSession.objects.filter(group=group)
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("month")
    )
    too_small = privacy.is_small(len(user_ids), minimum)
    # computed either way, so the page's queries do not depend on the group's size
    group_rate = completion_rate(CourseEnrolment.objects.filter(user_id__in=user_ids))
    return {
        "group_rate": None if too_small else group_rate,
        "group_suppressed": too_small,
        "minimum": minimum,
        "company_rate": company_completion_rate(),
        # (label, value) bars for `core.charts.bar_chart_svg`; weeks of too few people left out
        "trend": [
            (t["week"].strftime("%d.%m."), round(float(t["score"] or 0)))
            for t in trend
            if not privacy.is_small(t["people"], minimum)
        ],
        "sessions": [(s["month"].strftime("%m/%Y"), s["count"]) for s in sessions],
    }


NUDGE_NOTE_MAX_LENGTH = 1000


def send_nudge(champion: ChampionProfile, member, note: str = "") -> bool:
    """Queue a friendly reminder e-mail (with the champion's personal note, if any); False when
    this member was already nudged today.

    The nudge and its e-mail are committed together (outbox): a broker outage delays the mail,
    it never loses it nor makes the champion wait.
    """
    from .tasks import send_nudge_email

    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(
                champion=champion, member=member, sent_on=timezone.localdate()
            )
            send_nudge_email(champion.user_id, member.pk, key=f"nudge:{nudge.pk}", note=note)
    except IntegrityError:
        return False
    return True


def already_nudged_today(member) -> bool:
    """True when someone reminded this member today (one nudge per member per day)."""
    return Nudge.objects.filter(member=member, sent_on=timezone.localdate()).exists()


def group_open_action_items(group: CoachingGroup):
    """Open action items of the group's current members from its sessions, soonest first."""
    return (
        ActionItem.objects.filter(
            session__group=group,
            done_at__isnull=True,
            owner__in=Membership.objects.filter(group=group, ended_on__isnull=True).values("user"),
        )
        .select_related("owner", "session")
        .order_by("due_date", "pk")
    )


def open_action_items(user):
    """The user's own open action items, soonest first."""
    return (
        ActionItem.objects.filter(owner=user, done_at__isnull=True)
        .select_related("session__group")
        .order_by("due_date")
    )

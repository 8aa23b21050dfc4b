"""Account rules: invitations, personal data export."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import csv_text

from .models import Invitation, User

INVITATION_DAYS = 14


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why."""


def invite(email: str, inviter=None, roles: list[str] | None = None) -> Invitation:
    """Create an invitation and e-mail its link (through Celery, after the commit)."""
    return invite_many([email], inviter, roles)[0]


def invite_many(
    emails: list[str], inviter=None, roles: list[str] | None = None
) -> list[Invitation]:
    """Invite many people at once: the invitations in bulk, the e-mails in batches sent by a
    task after the commit, spaced so the mail server is not flooded (INVITATION_BATCH_SIZE
    per INVITATION_BATCH_SECONDS). The one way the invite form, imports and commands invite."""
    expires_at = timezone.now() + datetime.timedelta(days=INVITATION_DAYS)
    invited_by = inviter if getattr(inviter, "is_authenticated", False) else None
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                email=email.lower(),
                token=secrets.token_urlsafe(32),
                roles=roles or ["Learner"],
                invited_by=invited_by,
                expires_at=expires_at,
            )
            for email in emails
        ],
        batch_size=1000,
    )
    if invitations and invitations[0].pk is None:  # backends that do not return ids
        tokens = [i.token for i in invitations]
        invitations = list(Invitation.objects.filter(token__in=tokens))
    schedule_invitation_mails([i.pk for i in invitations])
    return invitations


def schedule_invitation_mails(invitation_ids: list[int]) -> None:
    """Queue the e-mails of these invitations in batches once the transaction commits."""
    from django.db import transaction

    from .tasks import send_invitation_batch

    size = settings.INVITATION_BATCH_SIZE
    pause = settings.INVITATION_BATCH_SECONDS
    for number, start in enumerate(range(0, len(invitation_ids), size)):
        batch = invitation_ids[start : start + size]
        transaction.on_commit(
            lambda batch=batch, number=number: send_invitation_batch.apply_async(
                args=[batch], countdown=number * pause
            )
        )


def usable_invitation(token: str) -> Invitation:
    """The invitation for a token if it can still be used, else InvitationError with a reason."""
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. Please log in."))
    if invitation.expires_at < timezone.now():
        raise InvitationError(_("This invitation has expired. Ask HR for a new one."))
    return invitation


def pending_invitation_for(email: str) -> Invitation | None:
    """The newest unused, unexpired invitation for an e-mail address (SSO sign-ups honour it)."""
    return (
        Invitation.objects.filter(
            email=email.lower(), accepted_at__isnull=True, expires_at__gte=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


def email_domain_allowed(email: str) -> bool:
    """Self sign-up is open only to the company domains in ALLOWED_SIGNUP_DOMAINS."""
    domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
    return bool(domain) and domain in {d.lower() for d in settings.ALLOWED_SIGNUP_DOMAINS}


def personal_data(user: User) -> dict:
    """Everything the platform stores about a learner's own training (GDPR access)."""
    from champions.models import ActionItem
    from curriculum.models import CourseEnrolment, LessonCompletion, ReflectionAnswer
    from quizzes.models import Attempt

    def iso(value):
        return value.isoformat() if value else None

    return {
        "user": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
        },
        "courses": [
            {
                "course": e.course.title,
                "started_at": iso(e.started_at),
                "completed_at": iso(e.completed_at),
            }
            for e in CourseEnrolment.objects.filter(user=user).select_related("course")
        ],
        "lessons": [
            {"lesson": c.lesson.title, "completed_at": iso(c.completed_at)}
            for c in LessonCompletion.objects.filter(user=user).select_related("lesson")
        ],
        "quiz_attempts": [
            {
                "quiz": a.quiz.title,
                "started_at": iso(a.started_at),
                "submitted_at": iso(a.submitted_at),
                "score_percent": float(a.score_percent) if a.score_percent is not None else None,
                "passed": a.passed,
            }
            for a in Attempt.objects.filter(user=user).select_related("quiz")
        ],
        "reflections": [
            {"lesson": r.lesson.title, "text": r.text, "updated_at": iso(r.updated_at)}
            for r in ReflectionAnswer.objects.filter(user=user).select_related("lesson")
        ],
        "action_items": [
            {"what": i.description, "due_date": iso(i.due_date), "done_at": iso(i.done_at)}
            for i in ActionItem.objects.filter(owner=user)
        ],
    }


def personal_data_csv(user: User) -> str:
    """The same data as CSV rows: section, item, date, detail."""
    data = personal_data(user)
    rows = [
        *(["course", r["course"], r["started_at"], r["completed_at"]] for r in data["courses"]),
        *(["lesson", r["lesson"], r["completed_at"], ""] for r in data["lessons"]),
        *(
            ["quiz_attempt", r["quiz"], r["started_at"], r["score_percent"]]
            for r in data["quiz_attempts"]
        ),
        *(["reflection", r["lesson"], r["updated_at"], r["text"]] for r in data["reflections"]),
        *(["action_item", r["what"], r["due_date"], r["done_at"]] for r in data["action_items"]),
    ]
    return csv_text(["section", "item", "date", "detail"], rows)

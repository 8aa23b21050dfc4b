"""Account rules: invitations, personal data export."""

from __future__ import annotations

import csv
import datetime
import io
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Invitation, User

INVITATION_DAYS = 14


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why."""


def invite(email: str, inviter=None, roles: list[str] | None = None) -> Invitation:
    """Create an invitation and e-mail its link (the mail is committed with it, sent via the outbox)."""
    from .tasks import send_invitation

    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.lower(),
            token=secrets.token_urlsafe(32),
            roles=roles or ["Learner"],
            invited_by=inviter if getattr(inviter, "is_authenticated", False) else None,
            expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
        )
        send_invitation(invitation.pk)
    return invitation


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
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["section", "item", "date", "detail"])
    for row in data["courses"]:
        writer.writerow(["course", row["course"], row["started_at"], row["completed_at"] or ""])
    for row in data["lessons"]:
        writer.writerow(["lesson", row["lesson"], row["completed_at"], ""])
    for row in data["quiz_attempts"]:
        writer.writerow(["quiz_attempt", row["quiz"], row["started_at"], row["score_percent"]])
    for row in data["reflections"]:
        writer.writerow(["reflection", row["lesson"], row["updated_at"], row["text"]])
    for row in data["action_items"]:
        writer.writerow(["action_item", row["what"], row["due_date"], row["done_at"] or ""])
    return buffer.getvalue()

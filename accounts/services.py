"""Account rules: invitations, personal data export."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import csv_text

from . import audit, privacy
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
    per INVITATION_BATCH_SECONDS). The one way the invite form, imports and commands invite.
    An inviter may hand out only the roles they may grant (HR: learner and champion)."""
    from .permissions import grantable_roles

    roles = roles or ["Learner"]
    if getattr(inviter, "is_authenticated", False):
        beyond = set(roles) - set(grantable_roles(inviter))
        if beyond:
            raise InvitationError(
                _("You may not give these roles: %(roles)s.") % {"roles": ", ".join(sorted(beyond))}
            )
    expires_at = timezone.now() + datetime.timedelta(days=INVITATION_DAYS)
    invited_by = inviter if getattr(inviter, "is_authenticated", False) else None
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                email=email.lower(),
                token=secrets.token_urlsafe(32),
                roles=roles,
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
    """Queue the e-mails of these invitations in batches, written to the outbox in this
    transaction: a broker that is down when HR presses the button loses none of them."""
    from outbox.services import enqueue_task

    size = settings.INVITATION_BATCH_SIZE
    pause = settings.INVITATION_BATCH_SECONDS
    for number, start in enumerate(range(0, len(invitation_ids), size)):
        batch = invitation_ids[start : start + size]
        enqueue_task(
            "accounts.tasks.send_invitation_batch",
            key=f"invitations:{batch[0]}-{batch[-1]}:{len(batch)}",
            args=[batch],
            delay=number * pause,
            topic="invitation-batch",
        )


def invite_person(email: str, actor, roles: list[str]) -> Invitation:
    """HR invites one person: the invitation mail and its audit entry."""
    invitation = invite(email, actor, roles)
    audit.record(actor, "accounts.invite", f"Invitation to {invitation.email}", roles=roles)
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


@dataclass(frozen=True)
class PersonalDataSection:
    """One part of a learner's data download, contributed by the app that stores it."""

    key: str
    collect: Callable[[User], list[dict]]
    csv_row: Callable[[dict], list]  # [section, item, date, detail]
    order: int = 100


_personal_data_sections: dict[str, PersonalDataSection] = {}


def register_personal_data(
    key: str,
    collect: Callable[[User], list[dict]],
    csv_row: Callable[[dict], list],
    order: int = 100,
) -> None:
    """Called by higher apps in `ready()`: their part of the GDPR download (accounts imports
    none of them; the same registered-lookup pattern as `register_coach_lookup`)."""
    _personal_data_sections[key] = PersonalDataSection(key, collect, csv_row, order)


_name_keepers: list[Callable[[User], bool]] = []


def register_name_keeper(keeps_name: Callable[[User], bool]) -> None:
    """Called by higher apps in `ready()`: `keeps_name(user)` says HR keeps that person's name on
    record (people: an employee profile), so the person cannot change it themselves."""
    if keeps_name not in _name_keepers:
        _name_keepers.append(keeps_name)


def name_kept_by_hr(user: User) -> bool:
    """Whether HR keeps this person's name on record: then only HR changes it (import, SCIM), and
    certificates are issued in that name, not in one the person typed."""
    return user.pk is not None and any(keeps_name(user) for keeps_name in _name_keepers)


def personal_data_sections() -> list[PersonalDataSection]:
    """The registered sections in the order the download lists them."""
    return sorted(_personal_data_sections.values(), key=lambda s: (s.order, s.key))


def personal_data(user: User) -> dict:
    """Everything the platform stores about a learner's own training (GDPR access)."""
    data: dict = {
        "user": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
        }
    }
    for section in personal_data_sections():
        data[section.key] = section.collect(user)
    return _local_times(data)


def _local_times(value):
    """Timestamps as the learner's clock shows them (with the offset), not raw UTC: every
    ISO date-time string the sections return is converted to the site's time zone."""
    if isinstance(value, dict):
        return {key: _local_times(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_local_times(item) for item in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return timezone.localtime(moment).isoformat(timespec="seconds")
    return value


def _readable_time(value):
    """A timestamp for the spreadsheet: local "2026-11-29 17:45" (Excel reads it as a date)."""
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T":
        try:
            return datetime.datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return value


def personal_data_csv(user: User) -> str:
    """The same data as CSV rows: section, item, date, detail."""
    data = personal_data(user)
    rows = (
        [_readable_time(cell) for cell in section.csv_row(row)]
        for section in personal_data_sections()
        for row in data[section.key]
    )
    return csv_text([_("Section"), _("Item"), _("Date"), _("Details")], rows)


def personal_data_for_hr(actor: User, person: User, fmt: str) -> dict | str:
    """HR's download of everything stored about a person on request (GDPR art. 15): the same
    data as the person's own download, audited and recorded as a view of that person."""
    audit.record(actor, "privacy.export", f"Data export of person #{person.pk}", person=person.pk)
    privacy.record_view(actor, person, "accounts.export")
    return personal_data(person) if fmt == "json" else personal_data_csv(person)


def find_people(query: str, limit: int = 20) -> list[User]:
    """People whose e-mail or name contains the query (HR's data-subject requests)."""
    from django.db.models import Q

    words = query.split()
    people = User.objects.all()
    for word in words:
        people = people.filter(
            Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return list(people.order_by("last_name", "first_name", "email")[:limit])


def erasure_refusal(actor, person: User) -> str | None:
    """Why HR may not erase this person, or None: not themselves, not an administrator, not
    someone already erased."""
    from .lifecycle import is_anonymised

    if person.pk == actor.pk:
        return _("You cannot erase your own account here; ask another HR colleague.")
    if person.is_superuser or person.is_staff:
        return _("Administrator accounts are erased by an administrator, not here.")
    if is_anonymised(person):
        return _("This person's data has already been erased.")
    return None


ERASURE_LABELS = {
    "employee_profile": gettext_lazy("Employee profile: job title and hire date removed"),
    "reflections": gettext_lazy("Reflections deleted"),
    "certificates": gettext_lazy("Certificates withdrawn (the verification page says so)"),
    "quiz_answers": gettext_lazy("Quiz attempts: answers removed, scores kept without a name"),
    "journey_maps": gettext_lazy("Customer journey maps deleted"),
    "action_items": gettext_lazy("Action items deleted"),
    "observations": gettext_lazy("Floor observations: texts removed, ratings kept without a name"),
    "cx_minute": gettext_lazy(
        "CX-Minute practice, devices with reminders and their settings deleted"
    ),
}


def erasure_summary(person: User) -> list[tuple[str, int]]:
    """(what happens, how many records) per kind, for HR's confirmation page."""
    from .lifecycle import erasure_preview

    return [
        (str(ERASURE_LABELS.get(key, key)), count) for key, count in erasure_preview(person).items()
    ]

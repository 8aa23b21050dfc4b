"""The end of personal data: retention periods (a daily task deletes or anonymises what is past
its period) and erasure of one person on request. Each app registers, in `ready()`, the rules
for the records it stores (accounts imports none of them; the `register_personal_data`
pattern). Aggregates keep counting: an erased or anonymised person's assignments, enrolments
and completions stay, attached to an account without name or e-mail."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import audit

logger = logging.getLogger(__name__)

ANONYMOUS_DOMAIN = "anonymised.invalid"


@dataclass(frozen=True)
class RetentionRule:
    """Records of one kind that are deleted (or anonymised) once older than their period."""

    key: str
    setting: str  # the PrivacySettings field holding the period in days
    expired: Callable[[datetime.datetime], QuerySet]  # records last touched before the cut-off
    apply: Callable[[QuerySet], int] | None = None  # default: delete them


@dataclass(frozen=True)
class Eraser:
    """What one app does with a person's records when the person is erased or anonymised:
    `preview` counts them (for HR's confirmation page), `erase` deletes or blanks them."""

    key: str
    preview: Callable[[object], int]
    erase: Callable[[object], int]
    order: int = 100


_rules: dict[str, RetentionRule] = {}
_erasers: dict[str, Eraser] = {}


def register_retention(
    key: str,
    setting: str,
    expired: Callable[[datetime.datetime], QuerySet],
    apply: Callable[[QuerySet], int] | None = None,
) -> None:
    """Called by apps in `ready()`: a kind of record with a retention period."""
    _rules[key] = RetentionRule(key, setting, expired, apply)


def register_eraser(
    key: str,
    preview: Callable[[object], int],
    erase: Callable[[object], int],
    order: int = 100,
) -> None:
    """Called by apps in `ready()`: how their records of one person are erased."""
    _erasers[key] = Eraser(key, preview, erase, order)


def retention_rules() -> list[RetentionRule]:
    return sorted(_rules.values(), key=lambda rule: rule.key)


def erasers() -> list[Eraser]:
    return sorted(_erasers.values(), key=lambda e: (e.order, e.key))


def _delete(queryset: QuerySet) -> int:
    deleted, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, deleted)


def run_retention(now: datetime.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete or anonymise everything past its retention period; {kind: how many}. A period
    of 0 days keeps that kind. Safe to run again: a second run finds nothing left to do.
    With `dry_run` only counts, changes nothing."""
    from .privacy import current_settings

    now = now or timezone.now()
    stored = current_settings()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for rule in retention_rules():
            days = getattr(stored, rule.setting)
            if not days:
                continue
            due = rule.expired(now - datetime.timedelta(days=days))
            if dry_run:
                counts[rule.key] = due.count()
            else:
                counts[rule.key] = (rule.apply or _delete)(due)
        if not dry_run and any(counts.values()):
            audit.record(
                None,
                "privacy.retention",
                "Retention: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v),
                counts=counts,
            )
    logger.info(
        "retention %s: %s",
        "dry run" if dry_run else "run",
        ", ".join(f"{key}={count}" for key, count in counts.items()) or "nothing configured",
    )
    return counts


def is_anonymised(user) -> bool:
    """True once a person's identity was removed (erasure, or a leaver past the period)."""
    return bool(user.email.endswith("@" + ANONYMOUS_DOMAIN))


def erasure_preview(user) -> dict[str, int]:
    """How many records of each kind erasing this person deletes or blanks."""
    return {eraser.key: eraser.preview(user) for eraser in erasers()}


def erase_person(user, actor=None, reason: str = "request") -> dict[str, int]:
    """Remove a person's identity and personal records, all or nothing: name, e-mail, log-ins
    and every registered app's records; assignments, enrolments and completions stay (without
    a name) so group figures keep counting. Audited without the name."""
    from allauth.account.models import EmailAddress

    from .models import Invitation, ResultView

    if is_anonymised(user):
        return {}
    with transaction.atomic():
        counts = {eraser.key: eraser.erase(user) for eraser in erasers()}
        EmailAddress.objects.filter(user=user).delete()
        Invitation.objects.filter(email__iexact=user.email).delete()
        counts["views"] = _delete(ResultView.objects.filter(subject=user))
        _drop_logins(user)
        user.email = f"person-{user.pk}@{ANONYMOUS_DOMAIN}"
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        audit.record(
            actor,
            "privacy.erase",
            f"Person #{user.pk} erased ({reason})",
            person=user.pk,
            reason=reason,
            counts=counts,
        )
    return counts


def _drop_logins(user) -> None:
    """Second factors and SSO links go with the identity."""
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    user.groups.clear()


def anonymise_leavers(queryset: QuerySet) -> int:
    """Retention `apply` for leavers: erase each (queryset of users)."""
    count = 0
    for user in queryset:
        erase_person(user, None, reason="retention")
        count += 1
    return count

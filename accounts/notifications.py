"""The one way the product tells a person something happened: by push on their phone when they
chose that kind of message and have a device with reminders on, otherwise by e-mail.

Every sender (training reminders, a champion's nudge, an observation or a comment, the daily
CX-Minute) calls `notify()`. A push is one outbox row per message and person (kind "push",
delivered by the phone app to each of the person's devices); inside the person's quiet hours it
waits until they end (it is delivered after them, not dropped, and not turned into an e-mail).
When the push service says a device is gone (404/410) the device is forgotten, and when no
device took the message, the e-mail composed with it is sent instead.

Which people have a device is asked through a lookup the phone app registers (`accounts`
imports no higher app), the same pattern as `register_coach_lookup`."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.services import email_payload, enqueue, enqueue_email

from .models import NotificationKind, NotificationSettings

PUSH_KIND = "push"
BY_PUSH, BY_MAIL = "push", "mail"

_device_lookup: Callable[[list[int]], set[int]] | None = None


def register_device_lookup(lookup: Callable[[list[int]], set[int]]) -> None:
    """Let the phone app say which of the given people have a device with reminders on."""
    global _device_lookup
    _device_lookup = lookup


@dataclass(frozen=True)
class Preferences:
    """How one person is reached: kinds by push, quiet hours, and whether a device is on."""

    push_kinds: frozenset[str]
    quiet_from: datetime.time | None = None
    quiet_until: datetime.time | None = None
    has_device: bool = False

    def by_push(self, kind: str) -> bool:
        """Whether a message of this kind goes to the person's devices."""
        return self.has_device and kind in self.push_kinds

    def quiet_until_after(self, now: datetime.datetime) -> datetime.datetime | None:
        """When the quiet hours around `now` end, or None when `now` is not inside them."""
        start, end = self.quiet_from, self.quiet_until
        if start is None or end is None or start == end:
            return None
        local = timezone.localtime(now)
        moment = local.time()
        inside = start <= moment < end if start < end else moment >= start or moment < end
        if not inside:
            return None
        day = local.date() if moment < end else local.date() + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, end))


ALL_KINDS = frozenset(NotificationKind.values)


def preferences_for(user_ids: Iterable[int]) -> dict[int, Preferences]:
    """{user id: Preferences} for these people (two queries, any number of people). People who
    never saved a choice get every kind by push, without quiet hours."""
    user_ids = list(user_ids)
    devices = _device_lookup(user_ids) if _device_lookup is not None and user_ids else set()
    stored = {row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=user_ids)}
    result = {}
    for user_id in user_ids:
        row = stored.get(user_id)
        result[user_id] = Preferences(
            push_kinds=frozenset(row.push_kinds) & ALL_KINDS if row else ALL_KINDS,
            quiet_from=row.quiet_from if row else None,
            quiet_until=row.quiet_until if row else None,
            has_device=user_id in devices,
        )
    return result


def save_preferences(
    user, push_kinds: Iterable[str], quiet_from: datetime.time | None, quiet_until=None
) -> NotificationSettings:
    """Store a person's choice (unknown kinds are ignored; quiet hours need both ends)."""
    kinds = [kind for kind in NotificationKind.values if kind in set(push_kinds)]
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        quiet_from = quiet_until = None
    row, _created = NotificationSettings.objects.update_or_create(
        user=user,
        defaults={"push_kinds": kinds, "quiet_from": quiet_from, "quiet_until": quiet_until},
    )
    return row


def notify(
    user,
    kind: str,
    *,
    key: str,
    topic: str,
    push: dict,
    email: EmailMessage | None,
    preferences: Preferences | None = None,
) -> str:
    """Queue one message for a person (inside the caller's transaction, via the outbox): a push
    (`push`: title, body, url) when they take this kind by push on a device, else the `email`
    (None: this kind is push-only, nothing is sent). Returns BY_PUSH, BY_MAIL or ""."""
    if kind not in ALL_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if preferences is None:
        preferences = preferences_for([user.pk])[user.pk]
    if preferences.by_push(kind):
        enqueue(
            kind=PUSH_KIND,
            topic=f"push-{topic}",
            key=f"push:{key}",
            recipient=user.email,
            subject=str(push.get("body", ""))[:300],
            payload={
                "user": user.pk,
                "message": {"tag": f"cx-{kind}", **push},
                "fallback": email_payload(email) if email is not None else None,
                "fallback_key": key,
                "delivered": [],
            },
            not_before=preferences.quiet_until_after(timezone.now()),
        )
        return BY_PUSH
    if email is not None:
        enqueue_email(email, topic=topic, key=key)
        return BY_MAIL
    return ""


def notify_by_mail_or_push(
    user, kind: str, message: EmailMessage, *, key: str, topic: str, url: str
) -> str:
    """`notify()` for a message composed as an e-mail: the push says the mail's subject and
    opens `url` (as a path: the phone opens it on the site it installed)."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    push = {"title": settings.ACADEMY_NAME, "body": str(message.subject), "url": path}
    return notify(user, kind, key=key, topic=topic, push=push, email=message)


def send_fallback_mail(message: OutboxMessage) -> bool:
    """A push no device took: queue the e-mail composed with it (once); False when it had none."""
    fallback = message.payload.get("fallback")
    if not fallback:
        return False
    with transaction.atomic():
        enqueue(
            kind=OutboxMessage.KIND_MAIL,
            topic=message.topic.removeprefix("push-"),
            key=message.payload.get("fallback_key") or f"{message.idempotency_key}:mail",
            recipient=", ".join(fallback.get("to") or [message.recipient]),
            subject=fallback.get("subject", ""),
            payload=fallback,
        )
    return True

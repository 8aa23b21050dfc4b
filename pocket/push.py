"""Web Push for the phone app: the server's VAPID key, devices subscribing, the daily reminder.

A reminder is written to the outbox (kind "push", one row per device and day), so a push service
that is down is tried again like a mail server; a device whose subscription has expired (404/410)
is forgotten."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assignments.models import Assignment
from assignments.services import with_progress
from outbox.models import OutboxMessage
from outbox.services import enqueue

from .models import PracticeDay, PushSubscription, ReviewCard
from .services import DAILY_QUESTIONS

logger = logging.getLogger("pocket.push")

PUSH_KIND = "push"
DEV_KEY_FILE = Path(settings.BASE_DIR) / ".vapid-dev-key"
_vapid: Vapid | None = None


class PushError(ValueError):
    """A subscription the server refuses; the message says why."""


def push_available() -> bool:
    """Whether this installation can send push messages (a key is configured, or dev keys)."""
    return bool(settings.VAPID_PRIVATE_KEY or settings.PUSH_DEV_KEYS)


def vapid() -> Vapid:
    """The server's VAPID key: from VAPID_PRIVATE_KEY, else (dev/test) one made up once."""
    global _vapid
    if _vapid is None:
        if settings.VAPID_PRIVATE_KEY:
            _vapid = Vapid.from_string(private_key=settings.VAPID_PRIVATE_KEY)
        elif settings.PUSH_DEV_KEYS:
            _vapid = _dev_key()
        else:
            raise PushError(_("Push messages are not set up on this server."))
    return _vapid


def _dev_key() -> Vapid:
    if settings.DEBUG and DEV_KEY_FILE.exists():
        return Vapid.from_file(str(DEV_KEY_FILE))
    key = Vapid()
    key.generate_keys()
    if settings.DEBUG:
        key.save_key(str(DEV_KEY_FILE))
    return key


def public_key() -> str:
    """The VAPID public key as the browser's `applicationServerKey` (base64url, no padding)."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise PushError(_("The browser sent an unreadable push key.")) from error


def _check_endpoint(endpoint: str) -> None:
    """Push services are public https servers; anything else is refused (the server would
    otherwise post to addresses a user chose, e.g. inside the company network)."""
    parts = urlsplit(endpoint)
    if settings.PUSH_ALLOW_LOCAL_ENDPOINTS and parts.scheme in ("http", "https") and parts.hostname:
        return
    if parts.scheme != "https" or not parts.hostname or parts.hostname == "localhost":
        raise PushError(_("This push service address is not allowed."))
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    if not address.is_global:
        raise PushError(_("This push service address is not allowed."))


@transaction.atomic
def subscribe(user, data: object) -> PushSubscription:
    """Remember a device's push subscription (`PushSubscription.toJSON()` from the browser) for
    this person; the same device logging in as someone else moves to them."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise PushError(_("The browser sent no push subscription."))
    endpoint, keys = data.get("endpoint"), data["keys"]
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not all(isinstance(value, str) and value for value in (endpoint, p256dh, auth)):
        raise PushError(_("The browser sent no push subscription."))
    if len(endpoint) > 1000:
        raise PushError(_("This push service address is not allowed."))
    _check_endpoint(endpoint)
    point, secret = _b64_bytes(p256dh), _b64_bytes(auth)
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise PushError(_("The browser sent an unreadable push key."))
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    return subscription


def unsubscribe(user, endpoint: object) -> int:
    """Forget this person's subscription for a device; returns how many were removed."""
    if not isinstance(endpoint, str) or not endpoint:
        raise PushError(_("The browser sent no push subscription."))
    return PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()[0]


def reminder_text(user, due_questions: int, overdue: int) -> dict | None:
    """The day's reminder in the person's language, or None when there is nothing to say."""
    if not due_questions and not overdue:
        return None
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        parts = []
        if due_questions:
            parts.append(
                ngettext(
                    "Your CX-Minute: %(count)s question is waiting.",
                    "Your CX-Minute: %(count)s questions are waiting.",
                    due_questions,
                )
                % {"count": due_questions}
            )
        if overdue:
            parts.append(
                ngettext(
                    "%(count)s training is overdue.",
                    "%(count)s trainings are overdue.",
                    overdue,
                )
                % {"count": overdue}
            )
        return {
            "title": "CX Academy",
            "body": " ".join(parts),
            "url": "/minute/" if due_questions else "/",
            "tag": "cx-daily",
        }


def queue_daily_reminders(today: date | None = None) -> int:
    """Write today's reminder for every device whose owner has CX-Minute questions due or an
    overdue training into the outbox (once per device and day). Five queries, any number of
    people; returns the number of messages queued."""
    today = today or timezone.localdate()
    subscriptions = list(
        PushSubscription.objects.select_related("user").filter(user__is_active=True)
    )
    if not subscriptions:
        return 0
    user_ids = {s.user_id for s in subscriptions}
    due = dict(
        ReviewCard.objects.filter(user_id__in=user_ids, due_on__lte=today)
        .values_list("user_id")
        .annotate(count=Count("pk"))
        .values_list("user_id", "count")
    )
    answered = dict(
        PracticeDay.objects.filter(user_id__in=user_ids, day=today).values_list(
            "user_id", "answered"
        )
    )
    overdue = dict(
        with_progress(Assignment.objects.filter(user_id__in=user_ids, due_date__lt=today))
        .filter(completed_at__isnull=True)
        .values_list("user_id")
        .annotate(count=Count("pk"))
        .values_list("user_id", "count")
    )
    queued = 0
    with transaction.atomic():
        for subscription in subscriptions:
            user_id = subscription.user_id
            questions = min(due.get(user_id, 0), max(0, DAILY_QUESTIONS - answered.get(user_id, 0)))
            text = reminder_text(subscription.user, questions, overdue.get(user_id, 0))
            if text is None:
                continue
            enqueue(
                kind=PUSH_KIND,
                topic="push-reminder",
                key=f"push-reminder:{subscription.pk}:{today.isoformat()}",
                recipient=subscription.user.email,
                subject=text["body"],
                payload={"subscription": subscription.pk, "message": text},
            )
            queued += 1
    return queued


def deliver_push(message: OutboxMessage) -> None:
    """Outbox handler: encrypt and send one push message. An expired subscription (404/410) is
    forgotten and the row counts as done; any other failure raises, and the outbox retries."""
    subscription = PushSubscription.objects.filter(pk=message.payload["subscription"]).first()
    if subscription is None:
        return
    try:
        webpush(
            subscription.subscription_info(),
            data=json.dumps(message.payload["message"]),
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            timeout=10,
            ttl=12 * 60 * 60,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            logger.info("push: subscription %s expired (%s), forgotten", subscription.pk, status)
            subscription.delete()
            return
        raise
    PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())

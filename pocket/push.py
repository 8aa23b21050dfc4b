"""Web Push for the phone app: the server's VAPID key, devices subscribing, the daily reminder.

Every push goes through `accounts.notifications.notify()` (the one service every sender calls),
which writes it to the outbox (kind "push", one row per message and person); this module delivers
the row to each of the person's devices, so a push service that is down is tried again like a
mail server, and a device whose subscription has expired (404/410) is forgotten."""

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

from accounts import notifications
from accounts.models import NotificationKind
from core.mail import compose, language_of, site_url
from outbox.models import OutboxMessage
from outbox.services import Postpone

from .models import PracticeDay, PushSubscription, ReviewCard
from .services import DAILY_QUESTIONS

logger = logging.getLogger("pocket.push")

PUSH_KIND = notifications.PUSH_KIND
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


def reminder_text(user, due_questions: int) -> dict | None:
    """The day's CX-Minute reminder in the person's language, or None when nothing is waiting.

    Overdue training is not repeated here every day: its reminders follow the assignments'
    cadence (and come by push too, when the person chose that)."""
    if not due_questions:
        return None
    with translation.override(language_of(user)):
        return {
            "title": "CX Academy",
            "body": ngettext(
                "Your CX-Minute: %(count)s question is waiting.",
                "Your CX-Minute: %(count)s questions are waiting.",
                due_questions,
            )
            % {"count": due_questions},
            "url": "/minute/",
        }


def _reminder_mail(user, text: dict):
    """The same reminder as an e-mail: sent when the push service says the device is gone."""
    language = language_of(user)
    with translation.override(language):
        label = _("Open the CX-Minute")
    return compose(
        "pocket/email/minute_reminder",
        {"text": text["body"], "action_url": site_url(text["url"]), "action_label": label},
        to=user.email,
        language=language,
    )


def users_with_devices(user_ids: list[int]) -> set[int]:
    """Which of these people have a device with reminders on (the notifications' lookup)."""
    return set(
        PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )


def queue_daily_reminders(today: date | None = None) -> int:
    """Queue today's CX-Minute reminder for every person with a device, questions due and the
    CX-Minute chosen by push (once per person and day; held through quiet hours). Six queries,
    any number of people; returns the number of reminders queued."""
    today = today or timezone.localdate()
    users = {
        s.user_id: s.user
        for s in PushSubscription.objects.select_related("user").filter(user__is_active=True)
    }
    if not users:
        return 0
    due = dict(
        ReviewCard.objects.filter(user_id__in=users, due_on__lte=today)
        .values_list("user_id")
        .annotate(count=Count("pk"))
        .values_list("user_id", "count")
    )
    answered = dict(
        PracticeDay.objects.filter(user_id__in=users, day=today).values_list("user_id", "answered")
    )
    preferences = notifications.preferences_for(users)
    queued = 0
    with transaction.atomic():
        for user_id, user in users.items():
            questions = min(due.get(user_id, 0), max(0, DAILY_QUESTIONS - answered.get(user_id, 0)))
            text = reminder_text(user, questions)
            if text is None or not preferences[user_id].by_push(NotificationKind.MINUTE):
                continue
            notifications.notify(
                user,
                NotificationKind.MINUTE,
                key=f"minute-reminder:{user_id}:{today.isoformat()}",
                topic="minute-reminder",
                push=text,
                email=_reminder_mail(user, text),
                preferences=preferences[user_id],
            )
            queued += 1
    return queued


class SubscriptionGone(Exception):
    """The push service no longer knows this device (404/410)."""


def _send(subscription: PushSubscription, data: dict) -> None:
    """Encrypt and post one message to one device; SubscriptionGone when it has expired."""
    try:
        webpush(
            subscription.subscription_info(),
            data=json.dumps(data),
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
            raise SubscriptionGone from error
        raise


def deliver_push(message: OutboxMessage) -> None:
    """Outbox handler: send one message to each of the person's devices. An expired device is
    forgotten; a failing push service raises (the outbox retries, skipping the devices that
    already have it); when no device took the message – none left, or the last try failed – its
    e-mail is sent instead."""
    payload = message.payload
    if "user" in payload:  # queued before quiet hours began, or retried into them: wait
        quiet_end = (
            notifications.preferences_for([payload["user"]])
            .get(payload["user"])
            .quiet_until_after(timezone.now())
        )
        if quiet_end is not None:
            raise Postpone(quiet_end)
    delivered = list(payload.get("delivered", []))
    if "subscription" in payload:  # a row queued before pushes went per person
        devices = PushSubscription.objects.filter(pk=payload["subscription"])
    else:
        devices = PushSubscription.objects.filter(user_id=payload["user"]).exclude(pk__in=delivered)
    failure = None
    for subscription in devices.order_by("pk"):
        try:
            _send(subscription, payload["message"])
        except SubscriptionGone:
            continue
        except Exception as error:  # noqa: BLE001 (re-raised below, after the other devices)
            failure = failure or error
            continue
        delivered.append(subscription.pk)
        PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
    if delivered != payload.get("delivered", []):
        OutboxMessage.objects.filter(pk=message.pk).update(
            payload={**payload, "delivered": delivered}
        )
    if failure is not None:
        if not delivered and message.attempts >= getattr(settings, "OUTBOX_MAX_ATTEMPTS", 10):
            notifications.send_fallback_mail(message)  # the last try: the e-mail goes instead
        raise failure
    if not delivered:
        notifications.send_fallback_mail(message)

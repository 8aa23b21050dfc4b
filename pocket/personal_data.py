"""The phone app's part of a person's data: CX-Minute practice, devices with push on and the
reminder settings – in the download, and erased with the person."""

from __future__ import annotations

from accounts.lifecycle import register_eraser
from accounts.models import NotificationSettings
from accounts.services import register_personal_data

from .models import PracticeDay, PushSubscription, ReviewCard


def cx_minute(user) -> list[dict]:
    """Each question the person practises (its course, box, next day due, last answer) and each
    day they practised."""
    cards = [
        {
            "kind": "question",
            "course": card.course.title if card.course else "",
            "box": card.box,
            "due_on": card.due_on.isoformat(),
            "reviews": card.reviews,
            "last_correct": card.last_correct,
        }
        for card in ReviewCard.objects.filter(user=user).select_related("course").order_by("pk")
    ]
    days = [
        {"kind": "day", "day": d.day.isoformat(), "answered": d.answered, "correct": d.correct}
        for d in PracticeDay.objects.filter(user=user).order_by("day")
    ]
    return cards + days


def reminders(user) -> list[dict]:
    """The devices with push on (their push service, not the keys) and the reminder settings."""
    devices = [
        {
            "kind": "device",
            "push_service": device.endpoint.split("/")[2] if "//" in device.endpoint else "",
            "since": device.created_at.isoformat(),
        }
        for device in PushSubscription.objects.filter(user=user).order_by("pk")
    ]
    chosen = NotificationSettings.objects.filter(user=user).first()
    if chosen is not None:
        devices.append(
            {
                "kind": "settings",
                "by_push": chosen.push_kinds,
                "quiet_from": chosen.quiet_from.isoformat() if chosen.quiet_from else None,
                "quiet_until": chosen.quiet_until.isoformat() if chosen.quiet_until else None,
            }
        )
    return devices


def _erase(user) -> int:
    removed = 0
    for model in (ReviewCard, PracticeDay, PushSubscription, NotificationSettings):
        removed += model.objects.filter(user=user).delete()[0]
    return removed


def _count(user) -> int:
    return sum(
        model.objects.filter(user=user).count()
        for model in (ReviewCard, PracticeDay, PushSubscription, NotificationSettings)
    )


def _cx_minute_row(row: dict) -> list:
    if row["kind"] == "day":
        return ["cx_minute_day", "", row["day"], f"{row['correct']}/{row['answered']}"]
    detail = f"box {row['box']}, reviews {row['reviews']}, last right: {row['last_correct']}"
    return ["cx_minute_question", row["course"], row["due_on"], detail]


def register() -> None:
    """Called from `PocketConfig.ready`."""
    register_personal_data(
        "cx_minute",
        cx_minute,
        _cx_minute_row,
        order=48,
    )
    register_personal_data(
        "reminders",
        reminders,
        lambda r: ["reminders", r["kind"], r.get("since", ""), r.get("push_service", "")],
        order=95,
    )
    register_eraser("cx_minute", _count, _erase)

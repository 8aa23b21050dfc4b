"""Champions' part of a learner's data download: their action items."""

from __future__ import annotations

from accounts.services import register_personal_data

from .models import ActionItem


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def action_items(user) -> list[dict]:
    """The action items the learner owns."""
    return [
        {"what": i.description, "due_date": _iso(i.due_date), "done_at": _iso(i.done_at)}
        for i in ActionItem.objects.filter(owner=user)
    ]


def register() -> None:
    """Add the action items to the download (called from `ChampionsConfig.ready`)."""
    register_personal_data(
        "action_items",
        action_items,
        lambda r: ["action_item", r["what"], r["due_date"], r["done_at"] or ""],
        order=50,
    )

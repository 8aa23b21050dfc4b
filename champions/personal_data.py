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


def observations(user) -> list[dict]:
    """Floor observations about the person that were shared with them (and their own
    self-observations)."""
    from .observations import observations_about

    return [
        {
            "situation": o.situation,
            "observed_on": _iso(o.observed_on),
            "strength": o.strength,
            "try_next": o.try_next,
            "comment": o.colleague_comment,
        }
        for o in observations_about(user)
    ]


def register_lifecycle() -> None:
    """Observations in the download; their retention; erasure deletes action items and blanks
    the observations' free text (their ratings keep counting in the skills heatmaps)."""
    from accounts.lifecycle import register_eraser, register_retention

    from .models import Observation

    register_personal_data(
        "observations",
        observations,
        lambda r: ["observation", r["situation"], r["observed_on"], r["strength"]],
        order=60,
    )
    register_retention(
        "observations",
        "observations_days",
        lambda cutoff: Observation.objects.filter(created_at__lt=cutoff),
    )
    register_eraser(
        "action_items",
        lambda user: ActionItem.objects.filter(owner=user).count(),
        lambda user: ActionItem.objects.filter(owner=user).delete()[0],
    )
    register_eraser(
        "observations",
        lambda user: Observation.objects.filter(observed=user).count(),
        lambda user: Observation.objects.filter(observed=user).update(
            situation="", strength="", try_next="", colleague_comment="", reason=""
        ),
    )

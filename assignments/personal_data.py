"""Assignments' part of a person's data download: the mandatory training assigned to them."""

from __future__ import annotations

from accounts.services import register_personal_data

from .models import Assignment


def assignments(user) -> list[dict]:
    """Courses assigned to the person with their due dates."""
    return [
        {"course": a.course.title, "due_date": a.due_date.isoformat()}
        for a in Assignment.objects.filter(user=user).select_related("course")
    ]


def register() -> None:
    """Called from `AssignmentsConfig.ready`."""
    register_personal_data(
        "assignments",
        assignments,
        lambda r: ["assignment", r["course"], r["due_date"], ""],
        order=15,
    )

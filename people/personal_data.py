"""People's part of a person's data: the employee profile in the download, leavers' retention
and erasure of the profile's personal fields (the unit stays for group figures)."""

from __future__ import annotations

from accounts.lifecycle import (
    ANONYMOUS_DOMAIN,
    anonymise_leavers,
    register_eraser,
    register_retention,
)
from accounts.models import User
from accounts.services import register_personal_data

from .models import EmployeeProfile


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def employee_profile(user) -> list[dict]:
    """The employee profile HR keeps about the person."""
    profile = (
        EmployeeProfile.objects.filter(user=user)
        .select_related("department", "location", "team", "manager")
        .first()
    )
    if profile is None:
        return []
    return [
        {
            "job_title": profile.job_title,
            "staff_role": profile.get_staff_role_display(),
            "department": getattr(profile.department, "name", ""),
            "location": getattr(profile.location, "name", ""),
            "team": getattr(profile.team, "name", ""),
            "manager": profile.manager.display_name if profile.manager else "",
            "hire_date": _iso(profile.hire_date),
            "active": profile.is_active,
            "left_on": _iso(profile.left_on),
        }
    ]


def _leavers_before(cutoff):
    """Accounts of people who left before the cut-off and still carry a name."""
    return User.objects.filter(
        employee__left_on__lt=cutoff.date(), employee__is_active=False
    ).exclude(email__endswith="@" + ANONYMOUS_DOMAIN)


def _blank_profile(user) -> int:
    return EmployeeProfile.objects.filter(user=user).update(
        job_title="", hire_date=None, is_active=False
    )


def register() -> None:
    """Called from `PeopleConfig.ready`."""
    register_personal_data(
        "employee_profile",
        employee_profile,
        lambda r: ["employee_profile", r["job_title"], r["hire_date"], r["department"]],
        order=5,
    )
    register_retention("leavers", "leavers_days", _leavers_before, anonymise_leavers)
    register_eraser(
        "employee_profile",
        lambda user: EmployeeProfile.objects.filter(user=user).count(),
        _blank_profile,
    )

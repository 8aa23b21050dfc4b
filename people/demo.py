"""Demo organisation: departments, locations, teams and profiles for the demo log-ins."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import User

from .models import Department, EmployeeProfile, Location, StaffRole, Team

DEPARTMENTS = {
    "Kundenservice": None,
    "Kundenservice Hamburg": "Kundenservice",
    "Vertrieb": None,
    "Personal": None,
}
LOCATIONS = ["Hamburg", "München"]
TEAMS = [("Hotline", "Kundenservice"), ("Filiale", "Kundenservice"), ("Key Accounts", "Vertrieb")]

DEMO_PROFILES = {
    "learner@cx-academy.example": (
        "service",
        "Servicemitarbeiterin",
        "Kundenservice",
        "Hamburg",
        "Hotline",
    ),
    "champion@cx-academy.example": (
        "service",
        "Teamleiter Hotline",
        "Kundenservice",
        "Hamburg",
        "Hotline",
    ),
    "hr@cx-academy.example": ("other", "HR-Referentin", "Personal", "München", None),
    "editor@cx-academy.example": ("other", "Redakteur Lernplattform", "Personal", "München", None),
}


@transaction.atomic
def load(stdout) -> None:
    """Create the org chart once and give each demo log-in an employee profile."""
    for name, parent in DEPARTMENTS.items():
        Department.objects.get_or_create(
            name=name, defaults={"parent": Department.objects.filter(name=parent).first()}
        )
    for name in LOCATIONS:
        Location.objects.get_or_create(name=name)
    for name, department in TEAMS:
        Team.objects.get_or_create(name=name, department=Department.objects.get(name=department))
    for email, (role, title, department, location, team) in DEMO_PROFILES.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        dept = Department.objects.get(name=department)
        EmployeeProfile.objects.get_or_create(
            user=user,
            defaults={
                "staff_role": StaffRole(role),
                "job_title": title,
                "department": dept,
                "location": Location.objects.get(name=location),
                "team": Team.objects.filter(name=team, department=dept).first(),
                "hire_date": datetime.date(2024, 3, 1),
            },
        )

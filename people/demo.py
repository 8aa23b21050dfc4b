"""Demo organisation: departments, locations, teams and profiles for the demo log-ins."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import (
    Department,
    EmployeeImport,
    EmployeeProfile,
    ImportStatus,
    Location,
    StaffRole,
    Team,
)

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


FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Finn",
    "Greta",
    "Hakan",
    "Ida",
    "Jonas",
    "Katrin",
    "Luca",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Rosa",
    "Sami",
    "Tina",
    "Umut",
    "Vera",
    "Willi",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Marc",
    "Nele",
    "Ole",
    "Pia",
    "Quirin",
]
LAST_NAMES = [
    "Albrecht",
    "Bauer",
    "Claasen",
    "Demir",
    "Engel",
    "Fischer",
    "Graf",
    "Hansen",
    "Imhof",
    "Jung",
    "Keller",
    "Lorenz",
    "Meyer",
    "Nowak",
    "Otto",
    "Peters",
    "Quast",
    "Richter",
    "Schulz",
    "Thiel",
    "Ulrich",
    "Vogel",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmer",
    "Arnold",
    "Brandt",
    "Conrad",
    "Dietz",
]


def demo_staff() -> list[dict]:
    """30 deterministic demo employees with managers across Hamburg and München."""
    staff = []
    for index, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES, strict=True)):
        hamburg = index % 2 == 0
        is_manager = index in (0, 1)
        staff.append(
            {
                "email": f"{first.lower()}.{last.lower()}@cx-academy.example",
                "first_name": first,
                "last_name": last,
                "location": "Hamburg" if hamburg else "München",
                "department": "Kundenservice Hamburg"
                if hamburg
                else ("Vertrieb" if index % 3 == 0 else "Kundenservice"),
                "team": "Hotline" if hamburg else ("Filiale" if index % 3 else "Key Accounts"),
                "staff_role": "management" if is_manager else "service",
                "job_title": "Teamleitung" if is_manager else "Kundenberater:in",
                "manager": None if is_manager else (FIRST_NAMES[0] if hamburg else FIRST_NAMES[1]),
                "hire_date": datetime.date(2025, 1, 1) + datetime.timedelta(days=23 * index),
            }
        )
    return staff


def _ensure_staff() -> None:
    emails = {f.lower(): s["email"] for f, s in zip(FIRST_NAMES, demo_staff(), strict=True)}
    for person in demo_staff():
        user, _created = User.objects.get_or_create(
            email=person["email"],
            defaults={"first_name": person["first_name"], "last_name": person["last_name"]},
        )
        department = Department.objects.get(name=person["department"])
        team_department = department.parent or department
        team = Team.objects.filter(
            name=person["team"], department__in=[department, team_department]
        ).first()
        manager = User.objects.filter(
            email=emails.get((person["manager"] or "").lower(), "")
        ).first()
        EmployeeProfile.objects.get_or_create(
            user=user,
            defaults={
                "staff_role": StaffRole(person["staff_role"]),
                "job_title": person["job_title"],
                "department": department,
                "location": Location.objects.get(name=person["location"]),
                "team": team,
                "manager": manager,
                "hire_date": person["hire_date"],
            },
        )


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
    _ensure_staff()
    _interrupted_import()


INTERRUPTED_IMPORT = (
    "email;first_name;last_name;department;location;staff_role;job_title\n"
    "neu.eins@cx-academy.example;Nele;Eins;Kundenservice;Hamburg;service;Servicemitarbeiterin\n"
    "neu.zwei@cx-academy.example;Nico;Zwei;Kundenservice;München;service;Servicemitarbeiter\n"
)


def _interrupted_import() -> None:
    """An import whose worker stopped half-way: HR see it as interrupted and can start it again."""
    from .services import INTERRUPTED_MESSAGE

    if EmployeeImport.objects.filter(filename="neue-mitarbeitende-demo.csv").exists():
        return
    started = timezone.now() - datetime.timedelta(hours=2)
    EmployeeImport.objects.create(
        filename="neue-mitarbeitende-demo.csv",
        content=INTERRUPTED_IMPORT.encode(),
        created_by=User.objects.filter(email="hr@cx-academy.example").first(),
        status=ImportStatus.INTERRUPTED,
        queued_at=started,
        started_at=started,
        heartbeat_at=started,
        worker="celery@demo",
        runs=1,
        total_rows=2,
        error=str(INTERRUPTED_MESSAGE),
        finished_at=started + datetime.timedelta(minutes=33),
    )

"""CSV import of employees: validate everything first, then apply all rows in one transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import tablib

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Department, EmployeeProfile, Location, StaffRole, Team

REQUIRED_COLUMNS = ["email", "first_name", "last_name", "department", "location"]
OPTIONAL_COLUMNS = [
    "staff_role",
    "job_title",
    "team",
    "manager_email",
    "hire_date",
    "preferred_language",
    "active",
]
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@dataclass
class ImportRow:
    """One validated CSV row, ready to apply."""

    line: int
    email: str
    values: dict
    is_new: bool


@dataclass
class ImportPreview:
    """What an import would do: creates, updates and every error with its line number."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def creates(self) -> list[ImportRow]:
        return [r for r in self.rows if r.is_new]

    @property
    def updates(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.is_new]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _parse_date(raw: str) -> datetime.date | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def preview_import(content: bytes) -> ImportPreview:
    """Validate a CSV upload completely without changing anything."""
    preview = ImportPreview()
    if len(content) > MAX_IMPORT_BYTES:
        preview.errors.append(_("The file is larger than 2 MB."))
        return preview
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        preview.errors.append(
            _("The file is not UTF-8 encoded. Save it as “CSV UTF-8” and try again.")
        )
        return preview
    try:
        data = tablib.Dataset().load(text, format="csv")
    except Exception:  # tablib raises several parser errors
        preview.errors.append(_("The file could not be read as CSV."))
        return preview
    headers = [h.strip().lower() for h in (data.headers or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        preview.errors.append(
            _("Line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
        return preview
    departments = {d.name.lower(): d for d in Department.objects.all()}
    locations = {loc.name.lower(): loc for loc in Location.objects.all()}
    teams = {(t.department_id, t.name.lower()): t for t in Team.objects.all()}
    emails_in_file = {}
    rows = [dict(zip(headers, [(v or "").strip() for v in row], strict=False)) for row in data]
    file_emails = {r.get("email", "").lower() for r in rows}
    existing_users = {u.email: u for u in User.objects.filter(email__in=file_emails)}
    for offset, row in enumerate(rows):
        line = offset + 2
        problems = []
        email = row.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(email)s” is not a valid e-mail address") % {"email": email})
        if email in emails_in_file:
            problems.append(
                _("%(email)s appears twice (also line %(other)d)")
                % {"email": email, "other": emails_in_file[email]}
            )
        emails_in_file.setdefault(email, line)
        department = departments.get(row.get("department", "").lower())
        if department is None:
            problems.append(
                _("unknown department “%(name)s”") % {"name": row.get("department", "")}
            )
        location = locations.get(row.get("location", "").lower())
        if location is None:
            problems.append(_("unknown location “%(name)s”") % {"name": row.get("location", "")})
        team = None
        if row.get("team") and department is not None:
            team = teams.get((department.pk, row["team"].lower()))
            if team is None:
                problems.append(_("unknown team “%(name)s”") % {"name": row["team"]})
        role = row.get("staff_role") or StaffRole.SERVICE
        if role not in StaffRole.values:
            problems.append(_("unknown staff role “%(role)s”") % {"role": role})
        try:
            hire_date = _parse_date(row.get("hire_date", ""))
        except ValueError:
            problems.append(
                _("“%(date)s” is not a date (use YYYY-MM-DD)") % {"date": row.get("hire_date")}
            )
            hire_date = None
        language = row.get("preferred_language") or "de"
        if language not in ("de", "en"):
            problems.append(_("unknown language “%(lang)s”") % {"lang": language})
        if not row.get("first_name") or not row.get("last_name"):
            problems.append(_("first and last name are required"))
        if problems:
            preview.errors.append(
                _("Line %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        preview.rows.append(
            ImportRow(
                line=line,
                email=email,
                is_new=email not in existing_users,
                values={
                    "first_name": row["first_name"],
                    "last_name": row["last_name"],
                    "department": department,
                    "location": location,
                    "team": team,
                    "staff_role": role,
                    "job_title": row.get("job_title", ""),
                    "manager_email": row.get("manager_email", "").lower(),
                    "hire_date": hire_date,
                    "preferred_language": language,
                    "active": row.get("active", "yes").lower() not in ("no", "nein", "0", "false"),
                },
            )
        )
    # managers must exist in the system or in the same file
    known = set(existing_users) | {r.email for r in preview.rows}
    unknown_managers = [
        r
        for r in preview.rows
        if r.values["manager_email"]
        and r.values["manager_email"] not in known
        and not User.objects.filter(email=r.values["manager_email"]).exists()
    ]
    for row in unknown_managers:
        preview.errors.append(
            _("Line %(line)d: unknown manager “%(email)s”.")
            % {"line": row.line, "email": row.values["manager_email"]}
        )
    return preview


@transaction.atomic
def apply_import(preview: ImportPreview) -> list[User]:
    """Create or update every row; all or nothing. Returns the newly created users."""
    if not preview.ok:
        raise ValueError("Refusing to import a file with errors.")
    created = []
    users = {}
    for row in preview.rows:
        v = row.values
        user, was_created = User.objects.update_or_create(
            email=row.email,
            defaults={
                "first_name": v["first_name"],
                "last_name": v["last_name"],
                "preferred_language": v["preferred_language"],
                "is_active": v["active"],
            },
        )
        if was_created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            created.append(user)
        users[row.email] = user
    for row in preview.rows:
        v = row.values
        manager = (
            users.get(v["manager_email"]) or User.objects.filter(email=v["manager_email"]).first()
            if v["manager_email"]
            else None
        )
        EmployeeProfile.objects.update_or_create(
            user=users[row.email],
            defaults={
                "department": v["department"],
                "location": v["location"],
                "team": v["team"],
                "staff_role": v["staff_role"],
                "job_title": v["job_title"],
                "manager": manager,
                "hire_date": v["hire_date"],
                "is_active": v["active"],
            },
        )
    return created

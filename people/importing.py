"""Employee import: read HR's file, preview every change, then apply all rows in bulk, all or
nothing. The web view, the management command and the background task all use these functions."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import User

from .models import Department, EmployeeProfile, Location, StaffRole, Team
from .signals import employees_batch_saved, import_forecast
from .tabular import Table, TableError, read_table

MAX_IMPORT_BYTES = 20 * 1024 * 1024
BATCH_SIZE = 1000
LOOKUP_CHUNK = 2000

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

# Header spellings understood for each column (compared after `normalise`: lower case, umlauts
# spelled out, everything but letters and digits removed, so "Vorgesetzte(r)" is "vorgesetzter").
HEADER_ALIASES: dict[str, list[str]] = {
    "email": [
        "email",
        "emailadresse",
        "emailaddress",
        "mail",
        "mailadresse",
        "geschaeftlicheemail",
    ],
    "first_name": ["firstname", "vorname", "givenname", "forename"],
    "last_name": ["lastname", "nachname", "surname", "familienname", "familyname"],
    "department": ["department", "abteilung", "bereich", "organisationseinheit", "orgeinheit"],
    "location": ["location", "standort", "ort", "site", "niederlassung", "arbeitsort", "office"],
    "team": ["team", "gruppe", "teamname"],
    "staff_role": ["staffrole", "role", "rolle", "mitarbeiterrolle", "funktion", "zielgruppe"],
    "job_title": [
        "jobtitle",
        "title",
        "position",
        "stelle",
        "stellenbezeichnung",
        "berufsbezeichnung",
        "jobbezeichnung",
        "titel",
    ],
    "manager_email": [
        "manageremail",
        "manager",
        "vorgesetzter",
        "vorgesetzte",
        "vorgesetzterr",
        "vorgesetzteremail",
        "vorgesetzteemail",
        "fuehrungskraft",
        "linemanager",
        "supervisor",
    ],
    "hire_date": ["hiredate", "eintrittsdatum", "eintritt", "startdate", "startdatum", "hired"],
    "preferred_language": ["preferredlanguage", "language", "sprache", "bevorzugtesprache"],
    "active": ["active", "aktiv", "status", "beschaeftigt"],
}
COLUMN_LABELS = {
    "email": gettext_lazy("E-mail"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "department": gettext_lazy("Department"),
    "location": gettext_lazy("Location"),
    "team": gettext_lazy("Team"),
    "staff_role": gettext_lazy("Staff role"),
    "job_title": gettext_lazy("Job title"),
    "manager_email": gettext_lazy("Manager"),
    "hire_date": gettext_lazy("Hire date"),
    "preferred_language": gettext_lazy("Language"),
    "active": gettext_lazy("Active"),
}
ROLE_ALIASES = {
    StaffRole.SERVICE: ["service", "servicestaff", "servicekraft", "servicemitarbeiter", "berater"],
    StaffRole.MANAGEMENT: [
        "management",
        "manager",
        "fuehrungskraft",
        "leitung",
        "teamleitung",
        "teamleiter",
        "teamleiterin",
        "fuehrung",
    ],
    StaffRole.OTHER: ["other", "sonstige", "sonstiges", "andere"],
}
LANGUAGE_ALIASES = {
    "de": ["de", "deu", "ger", "deutsch", "german", "dede", "deat", "dech"],
    "en": ["en", "eng", "englisch", "english", "engb", "enus"],
}
TRUE_WORDS = {"yes", "ja", "j", "y", "1", "true", "wahr", "x", "aktiv", "active"}
FALSE_WORDS = {"no", "nein", "n", "0", "false", "falsch", "inaktiv", "inactive", "ausgetreten"}
GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S")


def normalise(text: str) -> str:
    """Header or value in a comparable form: 'Vorgesetzte(r)' → 'vorgesetzter'."""
    text = text.strip().lower()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    return re.sub(r"[^a-z0-9]", "", text)


HEADER_LOOKUP = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}


def _role_lookup() -> dict[str, str]:
    lookup = {alias: role for role, aliases in ROLE_ALIASES.items() for alias in aliases}
    for language in ("de", "en"):
        with translation.override(language):
            for value, label in StaffRole.choices:
                lookup.setdefault(normalise(str(label)), value)
    return lookup


def _language_lookup() -> dict[str, str]:
    return {alias: code for code, aliases in LANGUAGE_ALIASES.items() for alias in aliases}


def parse_date(raw: str) -> datetime.date | None:
    """A date as HR systems write it (ISO, 01.03.2025, 01.03.25, 01/03/2025)."""
    raw = raw.strip()
    if not raw:
        return None
    german = GERMAN_DATE.match(raw)  # the common case without strptime's cost (100,000 rows)
    if german:
        day, month, year = (int(part) for part in german.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValueError(raw) from None
    raw = raw.split(" ")[0] if re.match(r"^\d{4}-\d\d-\d\d \d", raw) else raw
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def line_ranges(lines: list[int]) -> str:
    """'2–313, 400' for HR instead of 313 numbers."""
    parts, start, previous = [], None, None
    for line in sorted(lines):
        if start is None:
            start = previous = line
        elif line == previous + 1:
            previous = line
        else:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
            start = previous = line
    if start is not None:
        parts.append(str(start) if start == previous else f"{start}–{previous}")
    return ", ".join(parts)


@dataclass
class ErrorGroup:
    """One problem and every line that has it."""

    message: str
    lines: list[int] = field(default_factory=list)

    @property
    def line_text(self) -> str:
        return line_ranges(self.lines)

    def __str__(self) -> str:
        if not self.lines:
            return self.message
        return _("%(message)s — %(count)d row(s): %(lines)s") % {
            "message": self.message,
            "count": len(self.lines),
            "lines": self.line_text,
        }


@dataclass
class Change:
    """One field of one person that the import changes."""

    label: str
    old: str
    new: str


@dataclass
class ImportRow:
    """One valid row, ready to apply, with what it changes."""

    line: int
    email: str
    values: dict
    is_new: bool
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportPreview:
    """Everything an import would do, computed without changing anything."""

    rows: list[ImportRow] = field(default_factory=list)
    error_groups: dict[str, ErrorGroup] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # column → header in the file
    unknown_columns: list[str] = field(default_factory=list)
    missing_departments: dict[str, list[int]] = field(default_factory=dict)
    missing_locations: dict[str, list[int]] = field(default_factory=dict)
    missing_teams: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    to_deactivate: list[tuple[int, str]] = field(default_factory=list)  # (profile id, e-mail)
    forecast: dict = field(default_factory=dict)
    file_format: str = ""
    encoding: str = ""
    delimiter: str = ""
    total_rows: int = 0

    def error(self, message: str, line: int | None = None) -> None:
        group = self.error_groups.setdefault(message, ErrorGroup(message))
        if line is not None:
            group.lines.append(line)

    @property
    def errors(self) -> list[str]:
        return [str(group) for group in self.error_groups.values()]

    @property
    def creates(self) -> list[ImportRow]:
        return [r for r in self.rows if r.is_new]

    @property
    def updates(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.is_new and r.changes]

    @property
    def unchanged(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.is_new and not r.changes]

    @property
    def has_missing_units(self) -> bool:
        return bool(self.missing_departments or self.missing_locations or self.missing_teams)

    @property
    def invitations(self) -> int:
        return sum(1 for r in self.creates if r.values["active"])

    @property
    def ok(self) -> bool:
        return not self.error_groups and not self.has_missing_units and bool(self.rows)

    @property
    def delimiter_name(self) -> str:
        return {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}.get(self.delimiter, "")


def _protected_accounts(actor) -> set[int]:
    """Accounts this import may not rename or deactivate (the shared rule in permissions)."""
    from accounts.permissions import accounts_protected_from

    return accounts_protected_from(actor)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


EXISTING_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "preferred_language",
    "is_active",
    "is_superuser",
    "is_staff",
    "employee__staff_role",
    "employee__job_title",
    "employee__hire_date",
    "employee__is_active",
    "employee__department__name",
    "employee__location__name",
    "employee__team__name",
    "employee__manager__email",
]


def _existing_users(emails: list[str]) -> dict[str, User]:
    users: dict[str, User] = {}
    for chunk in _chunks(emails, LOOKUP_CHUNK):
        for user in (
            User.objects.filter(email__in=chunk)
            .select_related(
                "employee__department", "employee__location", "employee__team", "employee__manager"
            )
            .only(*EXISTING_FIELDS)
        ):
            users[user.email] = user
    return users


def _text(value, labels: _Labels) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return labels.yes if value else labels.no
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


@dataclass
class _Labels:
    """Translated labels, looked up once per preview instead of once per row."""

    columns: dict
    roles: dict
    languages: dict
    yes: str
    no: str

    @classmethod
    def current(cls) -> _Labels:
        return cls(
            columns={key: str(label) for key, label in COLUMN_LABELS.items()},
            roles={value: str(label) for value, label in StaffRole.choices},
            languages={"de": _("German"), "en": _("English")},
            yes=_("yes"),
            no=_("no"),
        )


def _changes(user: User | None, values: dict, manager_email: str, labels: _Labels) -> list[Change]:
    profile = getattr(user, "employee", None) if user is not None else None
    role_labels = labels.roles
    language_labels = labels.languages
    old = {
        "first_name": user.first_name if user else "",
        "last_name": user.last_name if user else "",
        "preferred_language": language_labels.get(user.preferred_language, "") if user else "",
        "active": (user.is_active and (profile is None or profile.is_active)) if user else None,
        "department": profile.department.name if profile and profile.department else "",
        "location": profile.location.name if profile and profile.location else "",
        "team": profile.team.name if profile and profile.team else "",
        "staff_role": role_labels.get(profile.staff_role, "") if profile else "",
        "job_title": profile.job_title if profile else "",
        "manager_email": profile.manager.email if profile and profile.manager else "",
        "hire_date": profile.hire_date if profile else None,
    }
    new = {
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "preferred_language": language_labels[values["preferred_language"]],
        "active": values["active"],
        "department": values["department_name"],
        "location": values["location_name"],
        "team": values["team_name"],
        "staff_role": role_labels[values["staff_role"]],
        "job_title": values["job_title"],
        "manager_email": manager_email,
        "hire_date": values["hire_date"],
    }
    changes = []
    for key, new_value in new.items():
        old_value = old[key]
        if user is None and new_value in ("", None):
            continue
        if (old_value or "") != (new_value or "") if key != "active" else old_value != new_value:
            changes.append(
                Change(labels.columns[key], _text(old_value, labels), _text(new_value, labels))
            )
    return changes


def preview_import(
    content: bytes,
    filename: str = "",
    actor=None,
) -> ImportPreview:
    """Read and validate a whole file without changing anything: rows with their changes,
    grouped errors, unknown organisation units, and the side effects of applying it."""
    preview = ImportPreview()
    if len(content) > MAX_IMPORT_BYTES:
        preview.error(_("The file is larger than 20 MB."))
        return preview
    try:
        table = read_table(content, filename)
    except TableError as exc:
        preview.error(str(exc))
        return preview
    _read_columns(preview, table)
    if preview.error_groups:
        return preview
    _validate_rows(preview, table, actor)
    if preview.rows:
        _find_missing_people(preview, actor)
    if preview.ok:
        preview.forecast = _forecast(preview)
    return preview


def _read_columns(preview: ImportPreview, table: Table) -> None:
    preview.file_format, preview.encoding, preview.delimiter = (
        table.file_format,
        table.encoding,
        table.delimiter,
    )
    preview.total_rows = len(table.rows)
    for header in table.headers:
        column = HEADER_LOOKUP.get(normalise(header))
        if column is None:
            if header.strip():
                preview.unknown_columns.append(header.strip())
        elif column in preview.columns:
            preview.error(
                _("Line 1: the columns “%(first)s” and “%(second)s” both mean %(column)s.")
                % {"first": preview.columns[column], "second": header, "column": column}
            )
        else:
            preview.columns[column] = header.strip()
    missing = [c for c in REQUIRED_COLUMNS if c not in preview.columns]
    if missing:
        preview.error(
            _("Line 1: missing column(s): %(columns)s. Found: %(found)s.")
            % {
                "columns": ", ".join(f"{c} ({COLUMN_LABELS[c]})" for c in missing),
                "found": ", ".join(h for h in table.headers if h) or "—",
            }
        )
    if not table.rows and not missing:
        preview.error(_("The file has a header but no rows."))


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _validate_rows(preview: ImportPreview, table: Table, actor) -> None:
    index = {}
    for position, header in enumerate(table.headers):
        column = HEADER_LOOKUP.get(normalise(header))
        if column is not None:
            index.setdefault(column, position)
    roles, languages = _role_lookup(), _language_lookup()
    departments = {d.name.lower(): d for d in Department.objects.all()}
    locations = {loc.name.lower(): loc for loc in Location.objects.all()}
    teams = {(t.department_id, t.name.lower()): t for t in Team.objects.all()}
    limits = {
        "first_name": _max_length(User, "first_name"),
        "last_name": _max_length(User, "last_name"),
        "email": _max_length(User, "email"),
        "job_title": _max_length(EmployeeProfile, "job_title"),
        "unit": _max_length(Department, "name"),
    }

    def cell(row: list[str], column: str) -> str:
        position = index.get(column)
        return row[position].strip() if position is not None and position < len(row) else ""

    rows = [{column: cell(row, column) for column in index} for row in table.rows]
    file_emails = [r.get("email", "").lower() for r in rows]
    existing = _existing_users(sorted(set(file_emails)))
    seen: dict[str, int] = {}
    pending = []
    for offset, row in enumerate(rows):
        line = offset + 2
        ok = True

        def problem(message: str, line: int = line) -> None:
            nonlocal ok
            ok = False
            preview.error(message, line)

        email = row.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            problem(_("Not a valid e-mail address: “%(email)s”") % {"email": email})
        if email in seen:
            problem(
                _("“%(email)s” appears more than once (first in line %(other)d)")
                % {"email": email, "other": seen[email]}
            )
        seen.setdefault(email, line)
        for column in ("first_name", "last_name", "job_title"):
            if len(row.get(column, "")) > limits[column]:
                problem(
                    _("%(column)s longer than %(max)d characters")
                    % {"column": COLUMN_LABELS[column], "max": limits[column]}
                )
        if not row.get("first_name") or not row.get("last_name"):
            problem(_("First and last name are required"))

        department_name = row.get("department", "")
        department = departments.get(department_name.lower())
        if not department_name:
            problem(_("Department is empty"))
        elif len(department_name) > limits["unit"]:
            problem(_("Department name longer than %(max)d characters") % {"max": limits["unit"]})
        elif department is None:
            preview.missing_departments.setdefault(department_name, []).append(line)
        location_name = row.get("location", "")
        location = locations.get(location_name.lower())
        if not location_name:
            problem(_("Location is empty"))
        elif len(location_name) > limits["unit"]:
            problem(_("Location name longer than %(max)d characters") % {"max": limits["unit"]})
        elif location is None:
            preview.missing_locations.setdefault(location_name, []).append(line)
        team_name = row.get("team", "")
        team = None
        if team_name:
            if len(team_name) > limits["unit"]:
                problem(_("Team name longer than %(max)d characters") % {"max": limits["unit"]})
            elif department is not None:
                team = teams.get((department.pk, team_name.lower()))
            if team is None and department_name and len(team_name) <= limits["unit"]:
                key = (department.name if department else department_name, team_name)
                preview.missing_teams.setdefault(key, []).append(line)

        raw_role = row.get("staff_role", "")
        role = roles.get(normalise(raw_role)) if raw_role else StaffRole.SERVICE
        if role is None:
            problem(
                _("Unknown role “%(role)s” (known: %(known)s)")
                % {
                    "role": raw_role,
                    "known": ", ".join(str(label) for _v, label in StaffRole.choices),
                }
            )
        raw_language = row.get("preferred_language", "")
        language = languages.get(normalise(raw_language)) if raw_language else None
        if raw_language and language is None:
            problem(
                _("Unknown language “%(language)s” (use de or en)") % {"language": raw_language}
            )
        try:
            hire_date = parse_date(row.get("hire_date", ""))
        except ValueError:
            problem(
                _("“%(date)s” is not a date (use 01.03.2025 or 2025-03-01)")
                % {"date": row.get("hire_date")}
            )
            hire_date = None
        raw_active = normalise(row.get("active", ""))
        if raw_active and raw_active not in TRUE_WORDS | FALSE_WORDS:
            problem(_("“%(value)s” is not yes or no") % {"value": row.get("active")})
        manager_email = row.get("manager_email", "").lower()
        if manager_email:
            try:
                validate_email(manager_email)
            except ValidationError:
                problem(
                    _("Manager is not an e-mail address: “%(email)s”") % {"email": manager_email}
                )
        user = existing.get(email)
        if not ok:
            continue
        pending.append(
            (
                line,
                email,
                user,
                manager_email,
                {
                    "first_name": row["first_name"],
                    "last_name": row["last_name"],
                    "department": department,
                    "department_name": department.name if department else department_name,
                    "location": location,
                    "location_name": location.name if location else location_name,
                    "team": team,
                    "team_name": team.name if team else team_name,
                    "staff_role": role,
                    "job_title": row.get("job_title", ""),
                    "manager_email": manager_email,
                    "hire_date": hire_date,
                    "preferred_language": language or (user.preferred_language if user else "de"),
                    "active": raw_active not in FALSE_WORDS,
                },
            )
        )
    # managers must exist already or come with the same file
    manager_emails = sorted({p[3] for p in pending if p[3]} - set(file_emails) - set(existing))
    known_managers = set()
    for chunk in _chunks(manager_emails, LOOKUP_CHUNK):
        known_managers |= set(User.objects.filter(email__in=chunk).values_list("email", flat=True))
    labels = _Labels.current()
    protected = _protected_accounts(actor)
    for line, email, user, manager_email, values in pending:
        if manager_email and manager_email not in known_managers and manager_email not in seen:
            preview.error(_("Unknown manager “%(email)s”") % {"email": manager_email}, line)
            continue
        changes = _changes(user, values, manager_email, labels)
        if user is not None and changes and user.pk in protected:
            preview.error(
                _(
                    "“%(email)s” is an administrator, HR or editor account; only an "
                    "administrator may change it"
                )
                % {"email": email},
                line,
            )
            continue
        preview.rows.append(
            ImportRow(line=line, email=email, values=values, is_new=user is None, changes=changes)
        )


def _find_missing_people(preview: ImportPreview, actor) -> None:
    """Active employees the file no longer lists: candidates to mark as left."""
    in_file = {r.email for r in preview.rows}
    protected = _protected_accounts(actor)
    for profile_id, email, user_id in EmployeeProfile.objects.filter(is_active=True).values_list(
        "pk", "user__email", "user_id"
    ):
        if email in in_file:
            continue
        if user_id in protected:
            continue  # HR may not deactivate administrators, HR or editors
        preview.to_deactivate.append((profile_id, email))


@dataclass(slots=True)
class PlannedProfile:
    """A profile as it will be after the import: what assignment rules look at (no model
    instance, so a 100,000-row forecast stays cheap)."""

    user_id: int | None
    department_id: int | None
    location_id: int | None
    team_id: int | None
    staff_role: str
    hire_date: datetime.date | None
    is_active: bool = True


def _planned_profiles(preview: ImportPreview) -> list[PlannedProfile]:
    """Profiles as they will be after the import (for forecasts)."""
    emails = [r.email for r in preview.rows if not r.is_new]
    ids: dict[str, int] = {}
    for chunk in _chunks(emails, LOOKUP_CHUNK):
        ids.update(User.objects.filter(email__in=chunk).values_list("email", "pk"))
    return [
        PlannedProfile(
            user_id=ids.get(row.email),
            department_id=row.values["department"].pk,
            location_id=row.values["location"].pk,
            team_id=row.values["team"].pk if row.values["team"] else None,
            staff_role=row.values["staff_role"],
            hire_date=row.values["hire_date"],
        )
        for row in preview.rows
        if row.values["active"]
    ]


def _forecast(preview: ImportPreview) -> dict:
    """What other apps will do when these people are saved (assignments, overdue ones…)."""
    forecast: dict = {}
    profiles = _planned_profiles(preview)
    if not profiles:
        return forecast
    for _receiver, answer in import_forecast.send(sender=EmployeeProfile, profiles=profiles):
        for key, value in (answer or {}).items():
            forecast[key] = forecast.get(key, 0) + value
    return forecast


def create_missing_units(
    preview: ImportPreview, actor=None, *, filename: str = "", import_id: int | None = None
) -> dict[str, int]:
    """Create the departments, locations and teams the preview found unknown (one step,
    audited whoever asks: HR on the import page or the command line)."""
    with transaction.atomic():
        departments = {d.name.lower(): d for d in Department.objects.all()}
        created = {"departments": 0, "locations": 0, "teams": 0}
        for name in preview.missing_departments:
            if name.lower() not in departments:
                departments[name.lower()] = Department.objects.create(name=name)
                created["departments"] += 1
        existing_locations = {n.lower() for n in Location.objects.values_list("name", flat=True)}
        for name in preview.missing_locations:
            if name.lower() not in existing_locations:
                Location.objects.create(name=name)
                existing_locations.add(name.lower())
                created["locations"] += 1
        for department_name, team_name in preview.missing_teams:
            department = departments[department_name.lower()]
            _team, was_created = Team.objects.get_or_create(
                department=department, name__iexact=team_name, defaults={"name": team_name}
            )
            created["teams"] += int(was_created)
        audit.record(
            actor,
            "organisation.created",
            f"From import {filename}: {created['departments']} departments, "
            f"{created['locations']} locations, {created['teams']} teams",
            **({"import_id": import_id} if import_id is not None else {}),
            **created,
        )
    return created


ProgressCallback = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an applied import did."""

    created_user_ids: list[int] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    assignments: int = 0

    def as_dict(self) -> dict:
        return {
            "created": len(self.created_user_ids),
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "assignments": self.assignments,
        }


USER_FIELDS = ["first_name", "last_name", "preferred_language", "is_active"]
PROFILE_FIELDS = [
    "department",
    "location",
    "team",
    "staff_role",
    "job_title",
    "manager",
    "hire_date",
    "is_active",
    "left_on",
    "updated_at",  # bulk_update does not touch auto_now fields; API sync reads this one
]


@transaction.atomic
def apply_import(
    preview: ImportPreview,
    deactivate_missing: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Write every row in batches (queries per batch, not per row); all or nothing.

    Assignment rules are evaluated once per batch through `employees_batch_saved`."""
    if not preview.ok:
        raise ValueError("Refusing to import a file with errors.")
    result = ImportResult()
    rows = preview.rows
    total = len(rows) + (len(preview.to_deactivate) if deactivate_missing else 0)
    today, now = timezone.localdate(), timezone.now()
    unusable = make_password(None)
    user_ids: dict[str, int] = {}
    context: dict = {}  # receivers keep what they load once per import (e.g. the rules)
    # people the file leaves as they are: only their ids (managers may be among them)
    unchanged = [r.email for r in rows if not r.is_new and not r.changes]
    for chunk in _chunks(unchanged, LOOKUP_CHUNK):
        user_ids.update(User.objects.filter(email__in=chunk).values_list("email", "pk"))
    result.unchanged = len(unchanged)
    done = len(unchanged)
    rows = [r for r in rows if r.is_new or r.changes]
    # pass 1: accounts (all of them, so managers later in the file exist for pass 2)
    for batch in _chunks(rows, BATCH_SIZE):
        existing = {u.email: u for u in User.objects.filter(email__in=[r.email for r in batch])}
        new_users, changed_users = [], []
        for row in batch:
            v = row.values
            fields = {
                "first_name": v["first_name"],
                "last_name": v["last_name"],
                "preferred_language": v["preferred_language"],
                "is_active": v["active"],
            }
            user = existing.get(row.email)
            if user is None:
                new_users.append(User(email=row.email, password=unusable, **fields))
            elif any(getattr(user, k) != value for k, value in fields.items()):
                for k, value in fields.items():
                    setattr(user, k, value)
                changed_users.append(user)
            if user is not None:
                user_ids[row.email] = user.pk
        User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
        if changed_users:
            User.objects.bulk_update(changed_users, USER_FIELDS, batch_size=BATCH_SIZE)
        if new_users and new_users[0].pk is None:  # backends that do not return ids
            user_ids.update(
                User.objects.filter(email__in=[u.email for u in new_users]).values_list(
                    "email", "pk"
                )
            )
        else:
            user_ids.update((u.email, u.pk) for u in new_users)
        result.created_user_ids.extend(user_ids[u.email] for u in new_users)
    manager_emails = sorted({r.values["manager_email"] for r in rows} - set(user_ids) - {""})
    for chunk in _chunks(manager_emails, LOOKUP_CHUNK):
        user_ids.update(User.objects.filter(email__in=chunk).values_list("email", "pk"))
    # pass 2: employee profiles, then the assignment rules once per batch
    for batch in _chunks(rows, BATCH_SIZE):
        batch_ids = [user_ids[r.email] for r in batch]
        profiles = {p.user_id: p for p in EmployeeProfile.objects.filter(user_id__in=batch_ids)}
        new_profiles, changed_profiles, saved = [], [], []
        for row in batch:
            v = row.values
            fields = {
                "department_id": v["department"].pk,
                "location_id": v["location"].pk,
                "team_id": v["team"].pk if v["team"] else None,
                "staff_role": v["staff_role"],
                "job_title": v["job_title"],
                "manager_id": user_ids.get(v["manager_email"]) if v["manager_email"] else None,
                "hire_date": v["hire_date"],
                "is_active": v["active"],
            }
            profile = profiles.get(user_ids[row.email])
            if profile is None:
                profile = EmployeeProfile(user_id=user_ids[row.email], **fields)
                if not v["active"]:
                    profile.left_on = today
                new_profiles.append(profile)
            elif any(getattr(profile, k) != value for k, value in fields.items()):
                if profile.is_active and not v["active"]:
                    profile.left_on = today
                elif v["active"]:
                    profile.left_on = None
                for k, value in fields.items():
                    setattr(profile, k, value)
                profile.updated_at = now
                changed_profiles.append(profile)
            if v["active"]:
                saved.append(profile)
        EmployeeProfile.objects.bulk_create(new_profiles, batch_size=BATCH_SIZE)
        if changed_profiles:
            EmployeeProfile.objects.bulk_update(
                changed_profiles, PROFILE_FIELDS, batch_size=BATCH_SIZE
            )
        result.updated += sum(1 for r in batch if not r.is_new)
        if saved and saved[0].pk is None:
            saved = list(EmployeeProfile.objects.filter(user_id__in=[p.user_id for p in saved]))
        for _receiver, created in employees_batch_saved.send(
            sender=EmployeeProfile, profiles=saved, today=today, context=context
        ):
            result.assignments += created or 0
        done += len(batch)
        if progress:
            progress(done, total)
    if deactivate_missing and preview.to_deactivate:
        result.deactivated = deactivate_profiles([pid for pid, _e in preview.to_deactivate], today)
        done += len(preview.to_deactivate)
        if progress:
            progress(done, total)
    return result


def deactivate_profiles(profile_ids: list[int], today: datetime.date | None = None) -> int:
    """Mark people as left: profile and account inactive, everything they did is kept."""
    today = today or timezone.localdate()
    count = 0
    for chunk in _chunks(profile_ids, BATCH_SIZE):
        count += EmployeeProfile.objects.filter(pk__in=chunk, is_active=True).update(
            is_active=False, left_on=today, updated_at=timezone.now()
        )
        User.objects.filter(employee__pk__in=chunk).update(is_active=False)
    return count

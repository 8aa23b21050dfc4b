"""Rules of the employee import (people/importing.py) that HR would notice when broken: how
errors name their lines, what a preview accepts or refuses, which units it creates, what
applying changes and whom it marks as left."""

from __future__ import annotations

import datetime

import pytest

from django.utils import timezone

from accounts.models import AuditEntry
from people import importing
from people.factories import DepartmentFactory, EmployeeProfileFactory, LocationFactory, TeamFactory
from people.importing import ImportPreview, create_missing_units, deactivate_profiles, line_ranges
from people.models import Department, EmployeeProfile, Location, Team

# Errors name their lines -----------------------------------------------------------------------


def test_error_lines_are_named_as_ranges_in_order():
    assert line_ranges([9, 2, 3, 4, 7, 10]) == "2–4, 7, 9–10"
    assert line_ranges([2, 3, 7, 8]) == "2–3, 7–8"
    assert line_ranges([5, 9]) == "5, 9"
    assert line_ranges([12]) == "12"
    assert line_ranges([]) == ""


# Unknown units created from the preview ----------------------------------------------------------


@pytest.mark.django_db
def test_missing_units_are_created_once_whatever_their_spelling(hr_user):
    service = DepartmentFactory(name="Kundenservice")
    TeamFactory(department=service, name="Hotline")
    LocationFactory(name="Hamburg")
    preview = ImportPreview(
        missing_departments={"Filiale Nord": [2], "filiale nord": [3], "Filiale Süd": [4]},
        missing_locations={"Bremen": [2], "BREMEN": [3], "Kiel": [4], "hamburg": [5]},
        missing_teams={
            ("Filiale Nord", "Kasse"): [2],
            ("filiale nord", "kasse"): [3],
            ("Kundenservice", "hotline"): [4],
            ("Kundenservice", "Beschwerden"): [5],
        },
    )
    created = create_missing_units(preview, hr_user, filename="personal.csv", import_id=7)
    assert created == {"departments": 2, "locations": 2, "teams": 2}
    assert sorted(Department.objects.values_list("name", flat=True)) == [
        "Filiale Nord",
        "Filiale Süd",
        "Kundenservice",
    ]
    assert sorted(Location.objects.values_list("name", flat=True)) == ["Bremen", "Hamburg", "Kiel"]
    assert sorted(Team.objects.values_list("department__name", "name")) == [
        ("Filiale Nord", "Kasse"),
        ("Kundenservice", "Beschwerden"),
        ("Kundenservice", "Hotline"),
    ]
    entry = AuditEntry.objects.get(action="organisation.created")
    assert entry.actor == hr_user
    assert entry.summary == "From import personal.csv: 2 departments, 2 locations, 2 teams"
    assert entry.details == {"import_id": 7, "departments": 2, "locations": 2, "teams": 2}


@pytest.mark.django_db
def test_units_created_from_the_command_line_name_no_import():
    preview = ImportPreview(missing_departments={"Filiale Nord": [2]})
    create_missing_units(preview, None, filename="personal.csv")
    entry = AuditEntry.objects.get(action="organisation.created")
    assert entry.actor is None and "import_id" not in entry.details


# People marked as left ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_marking_people_as_left_counts_each_once_and_keeps_earlier_leaving_dates(monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)  # three batches for five people
    staying, *leaving = EmployeeProfileFactory.create_batch(5)
    gone = leaving[-1]
    gone.is_active, gone.left_on = False, datetime.date(2024, 12, 31)
    gone.save()
    EmployeeProfile.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    before = timezone.now() - datetime.timedelta(minutes=1)
    count = deactivate_profiles([p.pk for p in leaving])
    assert count == 3  # the one who had already left is not counted again
    gone.refresh_from_db()
    assert gone.left_on == datetime.date(2024, 12, 31)
    for profile in leaving[:-1]:
        profile.refresh_from_db()
        assert (profile.is_active, profile.user.is_active) == (False, False)
        assert profile.left_on == timezone.localdate()
        assert profile.updated_at > before  # the API's change feed sees them
    staying.refresh_from_db()
    assert staying.is_active and staying.left_on is None


# The preview's forecast ----------------------------------------------------------------------

HEADER = (
    "email,first_name,last_name,department,location,staff_role,job_title,team,manager_email,"
    "hire_date,preferred_language,active\n"
)


@pytest.mark.django_db
def test_the_forecast_sees_each_person_as_the_file_leaves_them(tree):
    from accounts.factories import UserFactory
    from assignments.models import Assignment, AssignmentRule, TargetKind
    from people.importing import preview_import

    service = DepartmentFactory(name="Kundenservice")
    hamburg, bremen = LocationFactory(name="Hamburg"), LocationFactory(name="Bremen")
    till = TeamFactory(department=service, name="Kasse")
    mia = UserFactory(email="mia.meyer@example.com", first_name="Mia", last_name="Meyer")
    EmployeeProfileFactory(user=mia, department=service, location=hamburg)
    Assignment.objects.create(user=mia, course=tree.course, due_date=datetime.date(2099, 1, 1))
    content = (
        HEADER
        + "mia.meyer@example.com,Mia,Meyer,Kundenservice,Hamburg,,,,,,,\n"
        + "nele.neu@example.com,Nele,Neu,Kundenservice,Bremen,,,Kasse,,01.03.2025,,\n"
    ).encode()
    due = {"course": tree.course, "due_date": datetime.date(2099, 1, 1)}
    for target, expected in [
        ({"target_kind": TargetKind.LOCATION, "location": hamburg}, 0),  # Mia has it already
        ({"target_kind": TargetKind.LOCATION, "location": bremen}, 1),
        ({"target_kind": TargetKind.FILTERS, "team": till}, 1),
        ({"target_kind": TargetKind.FILTERS, "hired_from": datetime.date(2025, 1, 1)}, 1),
    ]:
        AssignmentRule.objects.all().delete()
        AssignmentRule.objects.create(**target, **due)
        preview = preview_import(content)
        assert preview.ok, preview.errors
        assert preview.forecast["assignments"] == expected, target


# What a preview refuses, in German -----------------------------------------------------------

LONG = "x" * 121


@pytest.mark.django_db
def test_every_broken_row_is_named_with_its_reason_and_lines():
    from django.utils import translation

    from people.importing import preview_import

    service = DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    TeamFactory(department=service, name="Hotline")
    rows = [
        "kaputt,Anna,Alt,Kundenservice,Hamburg,,,,,,,",  # 2
        "kaputt,Anna,Alt,Kundenservice,Hamburg,,,,,,,",  # 3
        "dup@example.com,Dora,Dopp,Kundenservice,Hamburg,,,Hotline,,,,",  # 4: fine
        "DUP@example.com,Dora,Dopp,Kundenservice,Hamburg,,,,,,,",  # 5
        "noname@example.com,,Ohne,Kundenservice,Hamburg,,,,,,,",  # 6
        "nodept@example.com,Nina,Nix,,Hamburg,,,,,,,",  # 7
        "noloc@example.com,Nina,Nix,Kundenservice,,,,,,,,",  # 8
        "role@example.com,Rita,Rolle,Kundenservice,Hamburg,Praktikant,,,,,,",  # 9
        "lang@example.com,Lars,Lang,Kundenservice,Hamburg,,,,,,fr,",  # 10
        "date@example.com,Dana,Datum,Kundenservice,Hamburg,,,,,31.02.2025,,",  # 11
        "active@example.com,Alex,Aktiv,Kundenservice,Hamburg,,,,,,,vielleicht",  # 12
        "boss@example.com,Bea,Boss,Kundenservice,Hamburg,,,,chef,,,",  # 13
        "ghost@example.com,Gil,Geist,Kundenservice,Hamburg,,,,nobody@example.com,,,",  # 14
        f"long@example.com,{'A' * 151},Lang,Kundenservice,Hamburg,,,,,,,",  # 15
        f"longdept@example.com,Lea,Lang,{LONG},Hamburg,,,,,,,",  # 16
        f"longloc@example.com,Lea,Lang,Kundenservice,{LONG},,,,,,,",  # 17
        f"longteam@example.com,Lea,Lang,Kundenservice,Hamburg,,,{LONG},,,,",  # 18
        "ok@example.com,Olaf,Ok,kundenservice,hamburg,Führungskräfte,,hotline,dup@example.com,"
        "2025-03-01,Englisch,nein",  # 19: fine; units matched whatever their case
    ]
    with translation.override("de"):
        preview = preview_import((HEADER + "\n".join(rows) + "\n").encode())
        errors = preview.errors
    assert errors == [
        "Keine gültige E-Mail-Adresse: „kaputt“ — 2 Zeile(n): 2–3",
        "„kaputt“ kommt mehrfach vor (zuerst in Zeile 2) — 1 Zeile(n): 3",
        "„dup@example.com“ kommt mehrfach vor (zuerst in Zeile 4) — 1 Zeile(n): 5",
        "Vor- und Nachname sind Pflicht — 1 Zeile(n): 6",
        "Abteilung ist leer — 1 Zeile(n): 7",
        "Standort ist leer — 1 Zeile(n): 8",
        "Unbekannte Rolle „Praktikant“ (bekannt: Servicemitarbeitende, Führungskräfte, "
        "Sonstige) — 1 Zeile(n): 9",
        "Unbekannte Sprache „fr“ (de oder en verwenden) — 1 Zeile(n): 10",
        "„31.02.2025“ ist kein Datum (01.03.2025 oder 2025-03-01 verwenden) — 1 Zeile(n): 11",
        "„vielleicht“ ist weder ja noch nein — 1 Zeile(n): 12",
        "Vorgesetzte(r) ist keine E-Mail-Adresse: „chef“ — 1 Zeile(n): 13",
        "Vorname länger als 150 Zeichen — 1 Zeile(n): 15",
        "Abteilungsname länger als 120 Zeichen — 1 Zeile(n): 16",
        "Standortname länger als 120 Zeichen — 1 Zeile(n): 17",
        "Teamname länger als 120 Zeichen — 1 Zeile(n): 18",
        "Unbekannte(r) Vorgesetzte(r) „nobody@example.com“ — 1 Zeile(n): 14",
    ]
    assert not preview.has_missing_units and not preview.ok
    (dora, olaf) = preview.rows
    assert (dora.line, dora.email, dora.values["team_name"]) == (4, "dup@example.com", "Hotline")
    assert (olaf.line, olaf.values["department_name"], olaf.values["location_name"]) == (
        19,
        "Kundenservice",
        "Hamburg",
    )
    assert (olaf.values["staff_role"], olaf.values["preferred_language"]) == ("management", "en")
    assert (olaf.values["hire_date"], olaf.values["active"]) == (datetime.date(2025, 3, 1), False)
    assert olaf.values["manager_email"] == "dup@example.com"


# What the preview says a row changes ---------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_lists_each_changed_field_with_old_and_new_value_in_german():
    from django.utils import translation

    from accounts.factories import UserFactory
    from people.importing import preview_import
    from people.models import StaffRole

    service = DepartmentFactory(name="Kundenservice")
    hamburg = LocationFactory(name="Hamburg")
    LocationFactory(name="Bremen")
    TeamFactory(department=service, name="Hotline")
    UserFactory(email="boss@example.com")
    mia = UserFactory(
        email="mia.meyer@example.com", first_name="Mia", last_name="Meyer", preferred_language="de"
    )
    EmployeeProfileFactory(
        user=mia,
        department=service,
        location=hamburg,
        team=None,
        staff_role=StaffRole.SERVICE,
        job_title="Beraterin",
        manager=None,
        hire_date=datetime.date(2024, 1, 15),
    )
    same = UserFactory(email="same@example.com", first_name="Sam", last_name="Same")
    EmployeeProfileFactory(user=same, department=service, location=hamburg, job_title="")
    rows = [
        "mia.meyer@example.com,Mia,Meier,Kundenservice,Bremen,management,,Hotline,"
        "boss@example.com,01.02.2024,en,nein",
        "same@example.com,Sam,Same,Kundenservice,Hamburg,service,,,,,,",
        "neu@example.com,Nele,Neu,Kundenservice,Hamburg,,,,,,,",
    ]
    with translation.override("de"):
        preview = preview_import((HEADER + "\n".join(rows) + "\n").encode())
    assert preview.ok, preview.errors
    changed, unchanged, new = preview.rows
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("Nachname", "Meyer", "Meier"),
        ("Sprache", "Deutsch", "Englisch"),
        ("Aktiv", "ja", "nein"),
        ("Standort", "Hamburg", "Bremen"),
        ("Team", "—", "Hotline"),
        ("Mitarbeiterrolle", "Servicemitarbeitende", "Führungskräfte"),
        ("Stellenbezeichnung", "Beraterin", "—"),
        ("Führungskraft", "—", "boss@example.com"),
        ("Eintrittsdatum", "15.01.2024", "01.02.2024"),
    ]
    assert unchanged.changes == [] and preview.unchanged == [unchanged]
    assert preview.updates == [changed] and preview.creates == [new]
    assert [(c.label, c.old, c.new) for c in new.changes] == [
        ("Vorname", "—", "Nele"),
        ("Nachname", "—", "Neu"),
        ("Sprache", "—", "Deutsch"),
        ("Aktiv", "—", "ja"),
        ("Abteilung", "—", "Kundenservice"),
        ("Standort", "—", "Hamburg"),
        ("Mitarbeiterrolle", "—", "Servicemitarbeitende"),
    ]
    assert preview.invitations == 1


# Reading the header and the dates -------------------------------------------------------------


@pytest.mark.django_db
def test_a_header_that_names_a_column_twice_or_misses_one_is_refused_in_german():
    from django.utils import translation

    from people.importing import preview_import

    with translation.override("de"):
        twice = preview_import(b"E-Mail;Mail;Vorname;Nachname;Abteilung;Standort\na;b;c;d;e;f\n")
        missing = preview_import(b"E-Mail;Vorname;Farbe; \nanna@example.com;Anna;blau;\n")
        empty = preview_import(b"E-Mail;Vorname;Nachname;Abteilung;Standort\n")
        twice_errors, missing_errors, empty_errors = twice.errors, missing.errors, empty.errors
    assert twice_errors == ["Zeile 1: Die Spalten „E-Mail“ und „Mail“ bedeuten beide email."]
    assert missing_errors == [
        "Zeile 1: Spalte(n) fehlen: last_name (Nachname), department (Abteilung), "
        "location (Standort). Gefunden: E-Mail, Vorname, Farbe."
    ]
    assert missing.unknown_columns == ["Farbe"] and missing.rows == []
    assert missing.columns == {"email": "E-Mail", "first_name": "Vorname"}
    assert empty_errors == ["Die Datei hat eine Kopfzeile, aber keine Zeilen."]
    assert (empty.total_rows, empty.delimiter) == (0, ";")


def test_hire_dates_are_read_as_hr_systems_write_them():
    from people.importing import parse_date

    march = datetime.date(2025, 3, 1)
    for text in ["2025-03-01", "01.03.2025", "1.3.2025", "01.03.25", "01/03/2025"]:
        assert parse_date(text) == march, text
    assert parse_date("2025-03-01 00:00:00") == march  # Excel's date and time as text
    assert parse_date("2025-03-01T08:30:00") == march
    assert parse_date("  ") is None
    for wrong in ["31.02.2025", "2025-02-31", "März 2025", "01.03."]:
        with pytest.raises(ValueError, match=wrong):
            parse_date(wrong)


@pytest.mark.django_db
def test_only_active_people_missing_from_the_file_are_offered_as_leavers(hr_user):
    from accounts import roles
    from accounts.factories import UserFactory
    from people.importing import preview_import

    service, hamburg = DepartmentFactory(name="Kundenservice"), LocationFactory(name="Hamburg")
    listed = EmployeeProfileFactory(
        user=UserFactory(email="anna@example.com"), department=service, location=hamburg
    )
    EmployeeProfileFactory(user=UserFactory(email="hr2@example.com", roles=[roles.HR]))
    EmployeeProfileFactory(user=UserFactory(email="schon-weg@example.com"), is_active=False)
    missing = EmployeeProfileFactory(user=UserFactory(email="weg@example.com"))
    preview = preview_import(
        (HEADER + "anna@example.com,Anna,Alt,Kundenservice,Hamburg,,,,,,,\n").encode(),
        actor=hr_user,
    )
    assert preview.ok, preview.errors
    assert preview.to_deactivate == [(missing.pk, "weg@example.com")]  # not HR, not the gone
    assert listed.pk not in [pk for pk, _email in preview.to_deactivate]


@pytest.mark.django_db
def test_unchanged_team_and_manager_are_no_change_and_a_return_or_a_leaver_is():
    from django.utils import translation

    from accounts.factories import UserFactory
    from people.importing import preview_import

    service, hamburg = DepartmentFactory(name="Kundenservice"), LocationFactory(name="Hamburg")
    hotline = TeamFactory(department=service, name="Hotline")
    boss = UserFactory(email="boss@example.com")
    back = UserFactory(email="back@example.com", first_name="Ben", last_name="Back")
    EmployeeProfileFactory(
        user=back,
        department=service,
        location=hamburg,
        team=hotline,
        manager=boss,
        job_title="",
        hire_date=None,
        is_active=False,  # left once, comes back
    )
    UserFactory(email="account@example.com", first_name="Ali", last_name="Konto")  # no profile
    rows = [
        "back@example.com,Ben,Back,Kundenservice,Hamburg,,,Hotline,boss@example.com,,,ja",
        "account@example.com,Ali,Konto,Kundenservice,Hamburg,,,,,,,",
        "gone@example.com,Gina,Gone,Kundenservice,Hamburg,,,,,,,nein",
    ]
    with translation.override("de"):
        preview = preview_import((HEADER + "\n".join(rows) + "\n").encode())
    assert preview.ok, preview.errors
    back_row, account_row, gone_row = preview.rows
    assert [(c.label, c.old, c.new) for c in back_row.changes] == [("Aktiv", "nein", "ja")]
    assert [c.label for c in account_row.changes] == [
        "Abteilung",
        "Standort",
        "Mitarbeiterrolle",
    ]  # an account without an employee profile gets one; its name stays
    assert ("Aktiv", "—", "nein") in [(c.label, c.old, c.new) for c in gone_row.changes]
    assert preview.invitations == 0  # a new person marked as gone is not invited


def test_a_file_over_the_size_limit_or_unreadable_is_refused_with_the_reason(monkeypatch):
    from django.utils import translation

    from people.importing import preview_import

    monkeypatch.setattr(importing, "MAX_IMPORT_BYTES", 60)
    at_limit = HEADER[:60].encode()
    assert len(at_limit) == 60
    with translation.override("de"):
        assert "Die Datei ist größer als 20 MB." not in preview_import(at_limit).errors
        assert preview_import(at_limit + b"x").errors == ["Die Datei ist größer als 20 MB."]
        assert preview_import(b"  \n").errors == ["Die Datei ist leer."]
        broken = preview_import(b"email,first_name\n", "personal.xlsx").errors
    assert len(broken) == 1 and broken[0].startswith("Die Excel-Datei konnte nicht")


@pytest.mark.django_db
def test_a_row_that_ends_early_has_its_missing_cells_empty():
    from people.importing import preview_import

    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    content = b"email,first_name,last_name,department,location,team,job_title\n" + (
        b"kurz@example.com,Kim,Kurz,Kundenservice,Hamburg\n"  # Excel drops empty trailing cells
    )
    preview = preview_import(content)
    assert preview.ok, preview.errors
    assert (preview.rows[0].values["team_name"], preview.rows[0].values["job_title"]) == ("", "")


@pytest.mark.django_db
def test_names_exactly_as_long_as_allowed_are_accepted():
    from people.importing import preview_import

    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    longest, title = "A" * 150, "T" * 120
    content = HEADER + f"lang@example.com,{longest},{longest},Kundenservice,Hamburg,,{title},,,,,\n"
    preview = preview_import(content.encode())
    assert preview.ok, preview.errors
    assert preview.rows[0].values["first_name"] == longest


@pytest.mark.django_db
def test_unknown_units_name_their_lines_and_may_be_exactly_as_long_as_allowed():
    from people.importing import preview_import

    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    unit = "U" * 120
    rows = [
        "a@example.com,Anna,Alt,Filiale Nord,Bremen,,,,,,,",
        "b@example.com,Ben,Berg,Filiale Nord,Bremen,,,,,,,",
        f"c@example.com,Cem,Cay,{unit},{unit},,,{unit},,,,",
    ]
    preview = preview_import((HEADER + "\n".join(rows) + "\n").encode())
    assert preview.errors == []
    assert preview.missing_departments == {"Filiale Nord": [2, 3], unit: [4]}
    assert preview.missing_locations == {"Bremen": [2, 3], unit: [4]}
    assert preview.missing_teams == {(unit, unit): [4]}


@pytest.mark.django_db
def test_an_unknown_team_is_listed_under_its_departments_stored_name():
    from people.importing import preview_import

    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    content = HEADER + "a@example.com,Anna,Alt,KUNDENSERVICE,Hamburg,,,Kasse,,,,\n"
    preview = preview_import(content.encode())
    assert preview.missing_teams == {("Kundenservice", "Kasse"): [2]}


# Umlauts, roles by their label, and a preview that stays fast -----------------------------------


def test_umlauts_and_sharp_s_are_spelled_out_when_headers_and_values_are_compared():
    assert importing.normalise(" Vorgesetzte(r) ") == "vorgesetzter"
    assert importing.normalise("Geschäftliche E-Mail") == "geschaeftlicheemail"
    assert importing.normalise("FÜHRUNGSKRAFT") == "fuehrungskraft"
    assert importing.normalise("Größe") == "groesse"
    assert importing.normalise("Straße") == "strasse"


@pytest.mark.django_db
def test_german_headers_and_roles_with_umlauts_are_recognised():
    from django.utils import translation

    from accounts.factories import UserFactory
    from people.importing import preview_import

    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    UserFactory(email="chefin@example.com")
    content = (
        "Geschäftliche E-Mail;Vorname;Nachname;Abteilung;Standort;Funktion;Führungskraft;"
        "Beschäftigt\n"
        "jan.jahn@example.com;Jan;Jahn;Kundenservice;Hamburg;Führungskraft;chefin@example.com;ja\n"
    )
    with translation.override("de"):
        preview = preview_import(content.encode())
    assert preview.ok, preview.errors
    assert preview.unknown_columns == []
    assert preview.columns["email"] == "Geschäftliche E-Mail"
    assert preview.columns["manager_email"] == "Führungskraft"
    assert preview.columns["active"] == "Beschäftigt"
    (jan,) = preview.rows
    assert jan.email == "jan.jahn@example.com"
    assert (jan.values["staff_role"], jan.values["manager_email"]) == (
        "management",
        "chefin@example.com",
    )


@pytest.mark.django_db
def test_roles_are_recognised_by_their_german_label_while_hr_works_in_english():
    from django.utils import translation

    from people.importing import preview_import

    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    rows = [
        "sara@example.com,Sara,Service,Kundenservice,Hamburg,Servicemitarbeitende,,,,,,",
        "max@example.com,Max,Leiter,Kundenservice,Hamburg,Führungskräfte,,,,,,",
        "eva@example.com,Eva,Extern,Kundenservice,Hamburg,Other,,,,,,",
    ]
    with translation.override("en"):
        preview = preview_import((HEADER + "\n".join(rows) + "\n").encode())
    assert preview.ok, preview.errors
    assert [row.values["staff_role"] for row in preview.rows] == [
        "service",
        "management",
        "other",
    ]


@pytest.mark.django_db
def test_previewing_more_known_people_costs_no_more_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from accounts.factories import UserFactory
    from people.importing import preview_import

    service = DepartmentFactory(name="Kundenservice")
    hamburg = LocationFactory(name="Hamburg")
    hotline = TeamFactory(department=service, name="Hotline")
    boss = UserFactory(email="boss@example.com")
    EmployeeProfileFactory(user=boss, department=service, location=hamburg, team=hotline)
    for number in range(5):
        person = UserFactory(email=f"p{number}@example.com", first_name="Pia", last_name="Post")
        EmployeeProfileFactory(
            user=person,
            department=service,
            location=hamburg,
            team=hotline,
            manager=boss,
            job_title="",
        )

    def file_of(count: int) -> bytes:
        rows = [
            f"p{number}@example.com,Pia,Neu,Kundenservice,Hamburg,,,Hotline,boss@example.com,,,"
            for number in range(count)
        ]
        return (HEADER + "\n".join(rows) + "\n").encode()

    with translation.override("de"):
        preview_import(file_of(1))  # caches warmed (content types, translations)
        with CaptureQueriesContext(connection) as one:
            small = preview_import(file_of(1))
        with CaptureQueriesContext(connection) as five:
            large = preview_import(file_of(5))
        labels = [c.label for c in large.rows[0].changes]
    assert small.ok and large.ok
    assert labels == ["Nachname"]
    assert len(five.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_a_known_persons_team_job_title_and_language_are_read_as_hr_expects(monkeypatch, hr_user):
    from django.utils import translation

    from accounts import roles
    from accounts.factories import UserFactory
    from people.importing import preview_import

    monkeypatch.setattr(importing, "LOOKUP_CHUNK", 1)  # every manager looked up on their own
    service = DepartmentFactory(name="Kundenservice")
    hamburg = LocationFactory(name="Hamburg")
    TeamFactory(department=service, name="Hotline")
    UserFactory(email="anna.boss@example.com")
    UserFactory(email="ben.boss@example.com")
    eve = UserFactory(email="eve@example.com", first_name="Eve", last_name="Eng")
    eve.preferred_language = "en"
    eve.save()
    EmployeeProfileFactory(user=eve, department=service, location=hamburg, team=None, job_title="")
    colleague = UserFactory(
        roles=[roles.LEARNER, roles.HR], email="kollegin@example.com", last_name="Alt"
    )
    EmployeeProfileFactory(user=colleague, department=service, location=hamburg)
    rows = [
        "eve@example.com,Eve,Eng,Kundenservice,Hamburg,,Beraterin,hotline,anna.boss@example.com,,,",
        "kollegin@example.com,Kim,Neu,Kundenservice,Hamburg,,,,,,,",
        "neu@example.com,Nele,Neu,Kundenservice,Hamburg,,,,ben.boss@example.com,,,",
    ]
    with translation.override("de"):
        preview = preview_import((HEADER + "\n".join(rows) + "\n").encode(), actor=hr_user)
        errors = preview.errors
        eve_row, new_row = preview.rows
        eve_changes = [(c.label, c.old, c.new) for c in eve_row.changes]
    assert errors == [  # the colleague HR may not change, by line
        "„kollegin@example.com“ ist ein Administrator-, Personal- oder Redaktionskonto; nur ein "
        "Administrator darf es ändern — 1 Zeile(n): 3"
    ]
    assert eve_row.values["team_name"] == "Hotline"  # the team's stored spelling
    assert eve_row.values["job_title"] == "Beraterin"
    assert eve_row.values["preferred_language"] == "en"  # an empty cell keeps her language
    assert eve_changes == [
        ("Team", "—", "Hotline"),
        ("Stellenbezeichnung", "—", "Beraterin"),
        ("Führungskraft", "—", "anna.boss@example.com"),
    ]
    assert new_row.values["manager_email"] == "ben.boss@example.com"


@pytest.mark.django_db
def test_a_file_without_a_job_title_column_leaves_job_titles_empty():
    from people.importing import preview_import

    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    content = "email,first_name,last_name,department,location\nneu@example.com,Nele,Neu,Kundenservice,Hamburg\n"
    preview = preview_import(content.encode())
    assert preview.ok, preview.errors
    assert preview.rows[0].values["job_title"] == ""

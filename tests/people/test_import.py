"""Employee import: the files HR really has, the preview, the background apply and its options."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry, Invitation, User
from assignments.models import Assignment, AssignmentRule, TargetKind
from people.factories import DepartmentFactory, EmployeeProfileFactory, LocationFactory
from people.importing import apply_import, preview_import
from people.models import Department, EmployeeImport, EmployeeProfile, Location, StaffRole
from people.signals import employees_batch_saved
from people.tabular import read_table

HEADER = "email,first_name,last_name,department,location,staff_role,job_title,team,manager_email,hire_date,preferred_language,active\n"
GOOD = HEADER + (
    "mia.meyer@example.com,Mia,Meyer,Kundenservice,Hamburg,management,Teamleitung,,,2025-01-15,de,yes\n"
    "tom.tester@example.com,Tom,Tester,Kundenservice,Hamburg,service,Berater,,mia.meyer@example.com,15.02.2025,en,yes\n"
)
GERMAN_HEADER = (
    "E-Mail;Vorname;Nachname;Abteilung;Standort;Rolle;Sprache;Eintrittsdatum;Vorgesetzte(r)"
)
GERMAN_ROWS = [
    "juergen.weiss@example.com;Jürgen;Weiß;Kundenservice;Hamburg;Führungskraft;Deutsch;01.03.2025;",
    "anna.oez@example.com;Anna;Öztürk;Kundenservice;Hamburg;Service;Englisch;01.04.2025;juergen.weiss@example.com",
]


@pytest.fixture
def org(db):
    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")


def upload(client, content: str | bytes, name="employees.csv"):
    """Upload like HR does and return the preview page."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    response = client.post(
        "/people/import/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"])


def latest_job() -> EmployeeImport:
    return EmployeeImport.objects.latest("pk")


def apply(client, invitations="now", deactivate=False):
    job = latest_job()
    data = {"invitations": invitations}
    if deactivate:
        data["deactivate_missing"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job starts after the commit
        response = client.post(f"/people/import/{job.pk}/apply/", data)
    assert response.status_code == 302
    return client.get(response["Location"])


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Reading the files HR has -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ";"),
        ("cp1252", ";"),
        ("cp1252", "\t"),
        ("utf-16", "\t"),  # Excel's "Unicode text"
        ("utf-16-le", ","),  # no BOM
        ("utf-8", "\t"),
    ],
)
@pytest.mark.django_db
def test_every_encoding_and_delimiter_reads_the_same(org, encoding, delimiter):
    text = "\r\n".join([GERMAN_HEADER, *GERMAN_ROWS]).replace(";", delimiter) + "\r\n"
    preview = preview_import(text.encode(encoding))
    assert preview.ok, preview.errors
    first = preview.rows[0]
    assert (first.email, first.values["last_name"]) == ("juergen.weiss@example.com", "Weiß")
    assert preview.delimiter == delimiter


@pytest.mark.django_db
def test_xlsx_upload_with_real_dates_and_numbers(org):
    content = xlsx_bytes(
        [
            ["E-Mail", "Vorname", "Nachname", "Abteilung", "Standort", "Eintrittsdatum", "Aktiv"],
            [
                "lea@example.com",
                "Lea",
                "Groß",
                "Kundenservice",
                "Hamburg",
                datetime.date(2025, 3, 1),
                1,
            ],
            [None, None, None, None, None, None, None],
        ]
    )
    preview = preview_import(content, "staff.xlsx")
    assert preview.ok, preview.errors
    assert preview.file_format == "XLSX"
    assert preview.rows[0].values["hire_date"] == datetime.date(2025, 3, 1)
    assert preview.rows[0].values["active"] is True


def test_broken_excel_and_old_xls_get_a_message():
    with pytest.raises(Exception, match="Excel"):
        read_table(b"PK\x03\x04 not really a zip", "staff.xlsx")
    with pytest.raises(Exception, match="xls"):
        read_table(b"\xd0\xcf\x11\xe0 legacy", "staff.xls")


@pytest.mark.django_db
def test_german_header_aliases_and_values(org):
    text = "\n".join([GERMAN_HEADER, *GERMAN_ROWS])
    preview = preview_import(text.encode("cp1252"))
    assert preview.ok, preview.errors
    jurgen, anna = preview.rows
    assert jurgen.values["staff_role"] == StaffRole.MANAGEMENT
    assert jurgen.values["hire_date"] == datetime.date(2025, 3, 1)
    assert anna.values["preferred_language"] == "en"
    assert anna.values["manager_email"] == "juergen.weiss@example.com"
    assert preview.columns["manager_email"] == "Vorgesetzte(r)"


@pytest.mark.django_db
def test_unknown_columns_are_named_in_the_preview(client_as, hr_user, org, home_page):
    text = GERMAN_HEADER + ";Kostenstelle;Lieblingsfarbe\n" + GERMAN_ROWS[0] + ";4711;blau\n"
    page = upload(client_as(hr_user), text.encode("cp1252"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kostenstelle" in html and "Lieblingsfarbe" in html
    assert "Semikolon" in html  # what was detected is shown


# Preview --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_preview_shows_old_and_new_values_and_changes_nothing(client_as, hr_user, org, home_page):
    client = client_as(hr_user)
    User.objects.create_user("tom.tester@example.com", first_name="Thomas", last_name="Tester")
    page = upload(client, GOOD)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<del>Thomas</del> → <ins>Tom</ins>" in html
    assert "1 anlegen, 1 aktualisieren" in html
    assert not EmployeeProfile.objects.exists()


@pytest.mark.django_db
def test_errors_are_grouped_with_line_ranges(client_as, hr_user, org, home_page):
    rows = [f"p{n}@example.com,P,{n},Filiale Nord,Hamburg,,,,,,,\n" for n in range(300)]
    rows += ["kaputt,A,B,Kundenservice,Hamburg,,,,,,,\n"] * 3
    rows += ["x@example.com,A,B,Kundenservice,Hamburg,,,,,31.31.2025,,\n"]
    page = upload(client_as(hr_user), HEADER + "".join(rows))
    html = page.content.decode()
    assert page.status_code == 400
    missing = html.split('id="missing-units"')[1].split("</section>")[0]
    assert missing.count("Filiale Nord") == 1  # one line for 300 rows, not 300 lines
    assert "300" in missing
    assert "302–304" in html  # the three broken e-mails as one range
    assert "31.31.2025" in html
    errors = html.split('id="import-errors"')[1].split("</section>")[0]
    assert errors.count("<li>") < 10  # grouped: a handful of lines for 304 broken rows
    assert not User.objects.filter(email="p1@example.com").exists()


@pytest.mark.django_db
def test_unknown_units_are_created_from_the_preview_in_one_step(client_as, hr_user, org, home_page):
    client = client_as(hr_user)
    text = HEADER.replace("team", "team") + (
        "a@example.com,A,B,Filiale Nord,Bremen,,,Kasse,,,,\n"
        "b@example.com,C,D,Filiale Nord,Bremen,,,Kasse,,,,\n"
    )
    page = upload(client, text)
    assert page.status_code == 400
    assert "Filiale Nord" in page.content.decode() and "Bremen" in page.content.decode()
    job = latest_job()
    response = client.post(f"/people/import/{job.pk}/create-units/")
    assert response.status_code == 302
    assert Department.objects.filter(name="Filiale Nord").exists()
    assert Location.objects.filter(name="Bremen").exists()
    assert Department.objects.get(name="Filiale Nord").teams.filter(name="Kasse").exists()
    assert AuditEntry.objects.filter(action="organisation.created").exists()
    again = client.get(f"/people/import/{job.pk}/")
    assert again.status_code == 200 and 'id="apply-import"' in again.content.decode()


@pytest.mark.django_db
def test_too_long_name_is_a_preview_error_not_a_crash(client_as, hr_user, org, home_page):
    text = HEADER + f"long@example.com,{'A' * 151},B,Kundenservice,Hamburg,,,,,,,\n"
    page = upload(client_as(hr_user), text)
    assert page.status_code == 400
    assert "150" in page.content.decode()
    assert 'id="apply-import"' not in page.content.decode()


# Security (#12): HR's import may not touch administrators -----------------------------------


@pytest.mark.django_db
def test_hr_import_may_not_rename_or_deactivate_an_administrator(
    client_as, hr_user, org, home_page
):
    boss = User.objects.create_superuser(
        "root@example.com", "pw", first_name="Root", last_name="Admin"
    )
    EmployeeProfileFactory(user=boss)
    client = client_as(hr_user)
    page = upload(client, HEADER + "root@example.com,Evil,Name,Kundenservice,Hamburg,,,,,,,no\n")
    assert page.status_code == 400
    assert "root@example.com" in page.content.decode()
    # and a file without them does not offer to deactivate them
    page = upload(client, HEADER + "new@example.com,New,Person,Kundenservice,Hamburg,,,,,,,\n")
    assert "root@example.com" not in page.content.decode()
    apply(client, deactivate=True)
    boss.refresh_from_db()
    assert boss.is_active and boss.first_name == "Root"


@pytest.mark.django_db
def test_hr_import_may_not_change_an_editor_or_hr_colleague(client_as, hr_user, org, home_page):
    """Regression: HR's import could rename or deactivate anyone without the staff flag, e.g. an
    editor or another HR person (roles HR may not hand out). An administrator still may."""
    from accounts import roles
    from accounts.factories import UserFactory

    editor = UserFactory(
        email="ed@example.com", first_name="Eda", last_name="Editor", roles=[roles.EDITOR]
    )
    colleague = UserFactory(
        email="hr2@example.com", first_name="Hanna", last_name="HR", roles=[roles.HR]
    )
    for person in (editor, colleague):
        EmployeeProfileFactory(user=person)
    client = client_as(hr_user)
    for email in (editor.email, colleague.email):
        page = upload(client, HEADER + f"{email},Evil,Name,Kundenservice,Hamburg,,,,,,,no\n")
        assert page.status_code == 400 and email in page.content.decode()
    page = upload(client, HEADER + "new@example.com,New,Person,Kundenservice,Hamburg,,,,,,,\n")
    text = page.content.decode()
    assert editor.email not in text and colleague.email not in text
    apply(client, deactivate=True)
    for person, first in ((editor, "Eda"), (colleague, "Hanna")):
        person.refresh_from_db()
        assert person.is_active and person.first_name == first
    admin = User.objects.create_superuser("root@example.com", "pw")
    preview = preview_import(
        (HEADER + "ed@example.com,Edith,Editor,Kundenservice,Hamburg,,,,,,,\n").encode(),
        actor=admin,
    )
    assert preview.ok, preview.errors


@pytest.mark.django_db
def test_an_administrator_may_change_administrators(org):
    User.objects.create_superuser("root@example.com", "pw", first_name="Root")
    preview = preview_import(
        (HEADER + "root@example.com,Rooty,Admin,Kundenservice,Hamburg,,,,,,,\n").encode(),
        actor=None,
    )
    assert preview.ok, preview.errors


# Apply ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_apply_runs_as_a_job_and_invites_the_new_people(client_as, hr_user, org, home_page):
    client = client_as(hr_user)
    User.objects.create_user("tom.tester@example.com", first_name="Thomas", last_name="Alt")
    upload(client, GOOD)
    page = apply(client, invitations="now")
    html = page.content.decode()
    job = latest_job()
    assert job.status == "done", job.error
    assert 'id="import-bar"' in html
    tom = User.objects.get(email="tom.tester@example.com")
    assert tom.first_name == "Tom" and tom.preferred_language == "en"
    assert tom.employee.manager.email == "mia.meyer@example.com"
    assert tom.employee.hire_date == datetime.date(2025, 2, 15)
    assert [m.to for m in mail.outbox] == [["mia.meyer@example.com"]]  # only the new person
    assert AuditEntry.objects.filter(action="employees.import").exists()
    progress = client.get(f"/people/import/{job.pk}/progress/")
    assert progress.status_code == 200 and "hx-trigger" not in progress.content.decode()
    # a second click does nothing
    client.post(f"/people/import/{job.pk}/apply/", {"invitations": "now"})
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_invitations_later_and_never(client_as, hr_user, org, home_page):
    client = client_as(hr_user)
    upload(client, GOOD)
    page = apply(client, invitations="later")
    assert not mail.outbox and not Invitation.objects.exists()
    job = latest_job()
    assert f"/people/import/{job.pk}/invitations/" in page.content.decode()
    for _twice in range(2):  # a second click sends nothing more
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(f"/people/import/{job.pk}/invitations/")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mia.meyer@example.com",
        "tom.tester@example.com",
    ]
    mail.outbox.clear()
    upload(client, GOOD.replace("example.com", "example.org"))
    apply(client, invitations="never")
    assert not mail.outbox
    assert User.objects.filter(email="mia.meyer@example.org").exists()


@pytest.mark.django_db
def test_invitations_go_out_in_batches(org, settings):
    from accounts.services import invite_many
    from outbox.models import OutboxMessage

    settings.INVITATION_BATCH_SIZE = 2
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a real worker waits for the spaced batches
    with TestCase.captureOnCommitCallbacks(execute=False):
        invite_many([f"p{n}@example.com" for n in range(5)])
        # written to the outbox with the invitations, handed to the broker after the commit
        batches = list(OutboxMessage.objects.filter(kind="task").order_by("pk"))
    assert [len(b.payload["args"][0]) for b in batches] == [2, 2, 1]
    assert {b.payload["task"] for b in batches} == {"accounts.tasks.send_invitation_batch"}
    first = batches[0].created_at
    waits = [
        b.next_attempt_at and round((b.next_attempt_at - first).total_seconds()) for b in batches
    ]
    assert waits == [None, 60, 120]


@pytest.mark.django_db
def test_a_failure_in_a_later_batch_writes_nothing(client_as, hr_user, org, home_page, monkeypatch):
    monkeypatch.setattr("people.importing.BATCH_SIZE", 10)
    client = client_as(hr_user)
    rows = [f"p{n}@example.com,P,{n},Kundenservice,Hamburg,,,,,,,\n" for n in range(25)]
    upload(client, HEADER + "".join(rows))
    calls = []

    def explode(sender, profiles, **kwargs):
        calls.append(len(profiles))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return 0

    employees_batch_saved.connect(explode)
    try:
        page = apply(client)
    finally:
        employees_batch_saved.disconnect(explode)
    assert latest_job().status == "failed"
    assert "disk full" in page.content.decode()
    assert calls == [10, 10, 5]
    assert not User.objects.filter(email__startswith="p").exists()
    assert not EmployeeProfile.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_queries_grow_per_batch_not_per_row(org, monkeypatch):
    monkeypatch.setattr("people.importing.BATCH_SIZE", 50)

    def queries_for(count: int, offset: int) -> int:
        rows = [
            f"q{offset + n}@example.com,Q,{n},Kundenservice,Hamburg,,,,,,,\n" for n in range(count)
        ]
        preview = preview_import((HEADER + "".join(rows)).encode())
        with CaptureQueriesContext(connection) as captured:
            apply_import(preview)
        return len(captured)

    one_batch, two_batches, three_batches = (
        queries_for(50, 0),
        queries_for(100, 1000),
        queries_for(150, 2000),
    )
    assert two_batches - one_batch == three_batches - two_batches  # constant per batch
    assert one_batch < 40


@pytest.mark.django_db
def test_rules_are_evaluated_per_batch_with_a_grace_period(tree, org):
    today = datetime.date.today()
    department = Department.objects.get(name="Kundenservice")
    AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.DEPARTMENT,
        department=department,
        due_date=today - datetime.timedelta(days=30),
        grace_days=10,
    )
    rows = [f"g{n}@example.com,G,{n},Kundenservice,Hamburg,,,,,,,\n" for n in range(3)]
    preview = preview_import((HEADER + "".join(rows)).encode())
    assert preview.forecast == {"assignments": 3, "given_grace": 3, "overdue_at_once": 0}
    result = apply_import(preview)
    assert result.assignments == 3
    assert set(Assignment.objects.values_list("due_date", flat=True)) == {
        today + datetime.timedelta(days=10)
    }


@pytest.mark.django_db
def test_rules_without_grace_are_announced_as_overdue(tree, org):
    AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.STAFF_ROLE,
        staff_role="service",
        due_date=datetime.date(2020, 1, 1),
        grace_days=0,
    )
    preview = preview_import(GOOD.encode())
    assert preview.forecast["overdue_at_once"] == 1  # Tom is service staff, Mia management


@pytest.mark.django_db
def test_people_missing_from_a_later_import_can_be_marked_as_left(
    client_as, hr_user, org, home_page, tree
):
    client = client_as(hr_user)
    upload(client, GOOD)
    apply(client, invitations="never")
    mia = User.objects.get(email="mia.meyer@example.com")
    Assignment.objects.create(user=mia, course=tree.course, due_date=datetime.date(2026, 12, 1))
    only_tom = HEADER + GOOD.splitlines()[2] + "\n"
    page = upload(client, only_tom)
    assert "mia.meyer@example.com" in page.content.decode()
    apply(client, invitations="never", deactivate=False)
    mia.refresh_from_db()
    assert mia.is_active  # not without HR's confirmation
    upload(client, only_tom)
    apply(client, invitations="never", deactivate=True)
    mia.refresh_from_db()
    assert not mia.is_active and not mia.employee.is_active
    assert mia.employee.left_on == datetime.date.today()
    assert Assignment.objects.filter(user=mia).exists()  # history kept
    assert latest_job().result["deactivated"] == 1


@pytest.mark.django_db
def test_active_column_deactivates_and_keeps_history(org):
    apply_import(preview_import(GOOD.encode()))
    apply_import(preview_import(GOOD.replace("de,yes", "de,nein").encode()))
    mia = User.objects.get(email="mia.meyer@example.com")
    assert mia.is_active is False and mia.employee.is_active is False


@pytest.mark.django_db
def test_management_command_dry_run_and_apply(tmp_path, org):
    path = tmp_path / "staff.csv"
    path.write_bytes(GOOD.replace(",", ";").encode("cp1252"))
    out = io.StringIO()
    call_command("import_employees", str(path), stdout=out)
    assert "2 to create" in out.getvalue()
    assert not User.objects.filter(email="mia.meyer@example.com").exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("import_employees", str(path), "--apply", "--invite", stdout=out)
    assert EmployeeProfile.objects.count() == 2
    assert len(mail.outbox) == 2
    path.write_text(HEADER + "x,,,,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_employees", str(path), "--apply", stdout=out, stderr=io.StringIO())


@pytest.mark.django_db
def test_units_created_by_the_command_line_import_are_audited(tmp_path):
    """The command creates unknown units through the same service as HR's button, so the
    audit log shows them too (no person acted: the actor is empty)."""
    path = tmp_path / "staff.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_employees", str(path), "--apply", "--create-units", stdout=io.StringIO())
    entry = AuditEntry.objects.get(action="organisation.created")
    assert entry.actor is None
    assert entry.summary == "From import staff.csv: 1 departments, 1 locations, 0 teams"
    assert entry.details == {"departments": 1, "locations": 1, "teams": 0}


@pytest.mark.django_db
def test_learners_cannot_reach_an_import(client_as, learner, hr_user, org, home_page):
    job = EmployeeImport.objects.create(filename="x.csv", content=GOOD.encode(), created_by=hr_user)
    client = client_as(learner)
    for url in (f"/people/import/{job.pk}/", f"/people/import/{job.pk}/progress/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/people/import/{job.pk}/apply/", {"invitations": "now"}).status_code == 403
    assert not User.objects.filter(email="mia.meyer@example.com").exists()


@pytest.mark.django_db
def test_the_sample_file_in_the_repository_imports():
    from pathlib import Path

    from people.importing import create_missing_units

    content = (Path(__file__).resolve().parents[2] / "docs/sample-employees.csv").read_bytes()
    preview = preview_import(content, "sample-employees.csv")
    assert not preview.error_groups and not preview.unknown_columns
    assert set(preview.missing_departments) == {"Kundenservice", "Kundenservice Nord", "Vertrieb"}
    create_missing_units(preview)
    preview = preview_import(content, "sample-employees.csv")
    assert preview.ok and preview.encoding == "Windows-1252" and preview.delimiter == ";"
    apply_import(preview)
    assert User.objects.get(email="jonas.weiss@firma.example").last_name == "Weiß"
    assert not User.objects.get(email="mehmet.oezdemir@firma.example").is_active

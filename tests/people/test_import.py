"""CSV import: happy path, every bad-input case (nothing imported, line number named), command."""

from __future__ import annotations

import io

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.models import AuditEntry, User
from people.factories import DepartmentFactory, LocationFactory
from people.models import EmployeeProfile

HEADER = "email,first_name,last_name,department,location,staff_role,job_title,team,manager_email,hire_date,preferred_language,active\n"


@pytest.fixture
def org(db):
    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")


def upload(client, text: str | bytes, name="employees.csv"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        "/people/import/", {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    )


GOOD = HEADER + (
    "mia.meyer@example.com,Mia,Meyer,Kundenservice,Hamburg,management,Teamleitung,,,2025-01-15,de,yes\n"
    "tom.tester@example.com,Tom,Tester,Kundenservice,Hamburg,service,Berater,,mia.meyer@example.com,15.02.2025,en,yes\n"
)


@pytest.mark.django_db
def test_preview_then_apply_creates_and_updates(client_as, hr_user, org, home_page):
    client = client_as(hr_user)
    User.objects.create_user("tom.tester@example.com", first_name="Thomas", last_name="Alt")
    preview = upload(client, GOOD)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "1 to create, 1 to update" in html or "1 anlegen, 1 aktualisieren" in html
    assert not EmployeeProfile.objects.exists()  # dry run
    response = client.post("/people/import/apply/")
    assert response.status_code == 302
    tom = User.objects.get(email="tom.tester@example.com")
    assert tom.first_name == "Tom" and tom.preferred_language == "en"
    assert tom.employee.manager.email == "mia.meyer@example.com"
    assert str(tom.employee.hire_date) == "2025-02-15"
    assert AuditEntry.objects.filter(action="employees.import").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER + "bad-email,A,B,Kundenservice,Hamburg,service,,,,,de,yes\n", "Zeile 2"),
        (HEADER + "a@example.com,A,B,Nirgendwo,Hamburg,service,,,,,de,yes\n", "Nirgendwo"),
        (
            HEADER + "a@example.com,A,B,Kundenservice,Hamburg,service,,,,31.31.2025,de,yes\n",
            "31.31.2025",
        ),
        (
            HEADER
            + "a@example.com,A,B,Kundenservice,Hamburg,service,,,,,de,yes\nA@example.com,C,D,Kundenservice,Hamburg,service,,,,,de,yes\n",
            "Zeile 3",
        ),
        ("email,first_name\na@example.com,A\n", "Zeile 1"),
        (
            HEADER
            + "a@example.com,A,B,Kundenservice,Hamburg,service,,,boss@nowhere.example,,de,yes\n",
            "boss@nowhere.example",
        ),
    ],
    ids=[
        "bad-email",
        "unknown-department",
        "bad-date",
        "duplicate-email",
        "missing-column",
        "unknown-manager",
    ],
)
@pytest.mark.django_db
def test_bad_rows_import_nothing_and_name_the_line(
    client_as, hr_user, org, home_page, content, message
):
    ok_row = "ok.person@example.com,Ok,Person,Kundenservice,Hamburg,service,,,,,de,yes\n"
    text = content + (ok_row if content.startswith(HEADER) else "")
    response = upload(client_as(hr_user), text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (
        client_as(hr_user).post("/people/import/apply/").status_code == 302
    )  # nothing stored to apply
    assert not User.objects.filter(email="ok.person@example.com").exists()


@pytest.mark.django_db
def test_wrong_encoding_is_rejected(client_as, hr_user, org, home_page):
    response = upload(client_as(hr_user), GOOD.replace("Meyer", "Müller").encode("latin-1"))
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not User.objects.filter(email="mia.meyer@example.com").exists()


@pytest.mark.django_db
def test_management_command_dry_run_and_apply(tmp_path, org):
    path = tmp_path / "staff.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_employees", str(path), stdout=out)
    assert "2 to create" in out.getvalue()
    assert not User.objects.filter(email="mia.meyer@example.com").exists()
    call_command("import_employees", str(path), "--apply", stdout=out)
    assert EmployeeProfile.objects.count() == 2
    path.write_text(HEADER + "x,,,,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_employees", str(path), "--apply", stdout=out, stderr=io.StringIO())


@pytest.mark.django_db
def test_deactivated_employees_keep_their_history(org):
    from people.importing import apply_import, preview_import

    apply_import(preview_import(GOOD.encode()))
    apply_import(preview_import(GOOD.replace("de,yes", "de,no").encode()))
    mia = User.objects.get(email="mia.meyer@example.com")
    assert mia.is_active is False and mia.employee.is_active is False

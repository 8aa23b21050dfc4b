"""My team actions: remind overdue people (rate-limited, in their language, logged), assign a
course or path with a preview (all or nothing), export."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from openpyxl import load_workbook

from accounts.models import AuditEntry
from assignments.models import Assignment, AssignmentRule, ReminderLog, ReminderReason
from assignments.team import TeamActionError, remind_overdue
from outbox.models import OutboxMessage

from .conftest import TODAY, assign


def test_remind_one_overdue_person_in_their_language(client_as, org, frozen_today):
    assignment = assign(org.anna, org.tree.course, TODAY - datetime.timedelta(days=4))
    response = client_as(org.maria).post("/team/remind/", {"person": org.anna.pk}, follow=True)
    assert "1 Person wurde per E-Mail erinnert" in response.content.decode() or (
        "1 person was reminded" in response.content.decode()
    )
    mail = OutboxMessage.objects.get()
    assert mail.recipient == org.anna.email
    assert mail.subject.startswith("Reminder from your manager")  # Anna reads English
    assert "Maria Muster" in mail.payload["body"]
    assert ReminderLog.objects.filter(
        assignment=assignment, reason=ReminderReason.MANAGER, sent_on=TODAY
    ).exists()
    assert AuditEntry.objects.filter(action="team.reminded", actor=org.maria).exists()


def test_german_reader_gets_german_mail(org):
    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=4))
    remind_overdue(org.maria, [org.tom.pk], today=TODAY)
    assert OutboxMessage.objects.get().subject.startswith("Erinnerung")


def test_remind_all_sends_one_mail_per_overdue_person(org):
    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=4))
    assign(org.anna, org.tree.course, TODAY + datetime.timedelta(days=4))  # not overdue
    result = remind_overdue(org.maria, today=TODAY)
    assert result.reminded == [org.tom]
    assert OutboxMessage.objects.count() == 1


def test_reminder_is_rate_limited(org, settings):
    settings.TEAM_REMINDER_INTERVAL_DAYS = 3
    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=4))
    assert remind_overdue(org.maria, [org.tom.pk], today=TODAY).reminded == [org.tom]
    again = remind_overdue(org.maria, [org.tom.pk], today=TODAY)
    assert again.reminded == [] and again.skipped == [org.tom]
    later = remind_overdue(org.maria, [org.tom.pk], today=TODAY + datetime.timedelta(days=2))
    assert later.skipped == [org.tom]
    assert OutboxMessage.objects.count() == 1
    after = remind_overdue(org.maria, [org.tom.pk], today=TODAY + datetime.timedelta(days=3))
    assert after.reminded == [org.tom]
    assert OutboxMessage.objects.count() == 2


def test_rate_limit_shown_to_the_manager(client_as, org, frozen_today):
    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=4))
    client = client_as(org.maria)
    client.post("/team/remind/", {"person": org.tom.pk})
    response = client.post("/team/remind/", {"person": org.tom.pk}, follow=True)
    body = response.content.decode()
    assert "Tom Muster" in body and "nicht erneut" in body
    assert OutboxMessage.objects.count() == 1


def test_nobody_overdue_is_a_clear_message(client_as, org, frozen_today):
    response = client_as(org.maria).post("/team/remind/", {"all": "1"}, follow=True)
    assert response.status_code == 200
    assert not OutboxMessage.objects.exists()
    with pytest.raises(TeamActionError):
        remind_overdue(org.maria, today=TODAY)


def test_remind_without_target_or_with_junk(client_as, org):
    client = client_as(org.maria)
    assert client.post("/team/remind/", {}).status_code == 302
    assert client.post("/team/remind/", {"person": "abc"}).status_code == 302
    assert client.post("/team/remind/", {"person": "999999"}).status_code == 403
    assert client.get("/team/remind/").status_code == 405


def _assign_post(client, org, chosen, **extra):
    data = {
        "people": [p.pk for p in chosen],
        "course": org.tree.course.pk,
        "due_date": "2026-07-31",
    }
    data.update(extra)
    return client.post("/team/assign/", data)


def test_assign_previews_then_assigns(
    client_as, org, frozen_today, django_capture_on_commit_callbacks
):
    client = client_as(org.maria)
    preview = _assign_post(client, org, [org.tom, org.anna])
    assert preview.status_code == 200
    assert 'data-testid="assign-plan"' in preview.content.decode()
    assert not Assignment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _assign_post(client, org, [org.tom, org.anna], confirm="on")
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("user_id", "due_date")) == {
        (org.tom.pk, datetime.date(2026, 7, 31)),
        (org.anna.pk, datetime.date(2026, 7, 31)),
    }
    rule = AssignmentRule.objects.get()
    assert rule.created_by == org.maria and set(rule.people.all()) == {org.tom, org.anna}
    assert AuditEntry.objects.filter(action="team.assigned").exists()


def test_assign_keeps_existing_due_dates_and_lists_them(client_as, org, frozen_today):
    assign(org.tom, org.tree.course, datetime.date(2026, 9, 1))
    client = client_as(org.maria)
    body = _assign_post(client, org, [org.tom, org.anna]).content.decode()
    assert "Tom Muster" in body and "Bereits zugewiesen" in body
    _assign_post(client, org, [org.tom, org.anna], confirm="on")
    assert Assignment.objects.get(user=org.tom).due_date == datetime.date(2026, 9, 1)
    assert Assignment.objects.filter(user=org.anna).exists()


def test_assign_a_path(client_as, org, frozen_today):
    client = client_as(org.maria)
    response = client.post(
        "/team/assign/",
        {
            "people": [org.tom.pk],
            "learning_path": org.tree.path.pk,
            "due_date": "2026-07-31",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(user=org.tom, course=org.tree.course).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_date": "2026-01-01"}, "past"),
        ({"due_date": ""}, "due date"),
        ({"course": ""}, "course"),
        ({"due_date": "not-a-date"}, ""),
        ({"course": "99999999"}, ""),
        ({"people": []}, ""),
    ],
)
def test_assign_bad_input_is_a_clear_400(client_as, org, frozen_today, data, message):
    client = client_as(org.maria)
    response = _assign_post(client, org, [org.tom], confirm="on", **data)
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_assign_is_all_or_nothing(client_as, org, frozen_today, monkeypatch):
    from assignments import team

    def broken(ids):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(team, "schedule_assignment_notices", broken)
    client = client_as(org.maria)
    client.raise_request_exception = False
    response = _assign_post(client, org, [org.tom, org.anna], confirm="on")
    assert response.status_code == 500
    assert not Assignment.objects.exists() and not AssignmentRule.objects.exists()


def test_export_csv_and_xlsx(client_as, org, frozen_today):
    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=2))
    client = client_as(org.maria)
    response = client.get("/team/export.csv?status=overdue")
    text = b"".join(response.streaming_content).decode()
    lines = text.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Name;E-Mail;Team;Kurs;Status")
    assert len(lines) == 2 and "tom@cx-academy.example" in lines[1]
    response = client.get("/team/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    emails = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(emails) == ["anna@cx-academy.example", "tom@cx-academy.example"]


def test_time_machine_freezes_view_dates(client_as, org):
    assign(org.tom, org.tree.course, datetime.date(2026, 6, 20))
    client = client_as(org.maria)
    with time_machine.travel(datetime.datetime(2026, 6, 19, 9, tzinfo=datetime.UTC), tick=False):
        assert "badge-danger" not in client.get("/team/").content.decode()
    with time_machine.travel(datetime.datetime(2026, 6, 22, 9, tzinfo=datetime.UTC), tick=False):
        assert "badge-danger" in client.get("/team/").content.decode()

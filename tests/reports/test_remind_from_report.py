"""HR's "Remind these people" on the list behind a report number: a confirmation saying how many
people will be reminded, then one e-mail per overdue or not-started person in their language,
rate-limited together with the managers' reminders, logged and audited."""

from __future__ import annotations

import datetime

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.models import AuditEntry
from assignments import reminders
from assignments.models import Assignment, ReminderLog, ReminderReason
from curriculum import services as progress
from outbox.models import OutboxMessage
from people.factories import DepartmentFactory, EmployeeProfileFactory

PAST, FUTURE = datetime.date(2020, 1, 1), datetime.date(2099, 1, 1)


@pytest.fixture
def service(tree):
    """Department "Service": Zeller overdue (reads English), Berg not started (German), Albers
    completed, Cramer in progress, Ernst overdue but no longer employed; Sales: Vogt overdue."""
    department = DepartmentFactory(name="Service")

    def person(name: str, due: datetime.date, language: str = "de", dept=department, **user):
        profile = EmployeeProfileFactory(
            department=dept, user__last_name=name, user__preferred_language=language, **user
        )
        Assignment.objects.create(user=profile.user, course=tree.course, due_date=due)
        return profile.user

    people = {
        "zeller": person("Zeller", PAST, "en"),
        "berg": person("Berg", FUTURE),
        "albers": person("Albers", FUTURE),
        "cramer": person("Cramer", FUTURE),
        "ernst": person("Ernst", PAST, user__is_active=False),
        "vogt": person("Vogt", PAST, dept=DepartmentFactory(name="Sales")),
    }
    for lesson in tree.lessons:
        progress.complete_lesson(people["albers"], lesson)
    progress.open_lesson(people["cramer"], tree.lessons[0])
    return {"department": department, **people}


def remind_url(service, only: str = "") -> str:
    url = "/reports/department/remind/?value=Service"
    return url + (f"&only={only}" if only else "")


@pytest.mark.django_db
def test_the_list_offers_to_remind_and_the_confirmation_says_how_many(client_as, hr_user, service):
    client = client_as(hr_user)
    listing = client.get("/reports/department/people/?value=Service")
    assert f'href="{remind_url(service)}"' in listing.content.decode().replace("&amp;", "&")
    html = client.get(remind_url(service)).content.decode()
    assert 'data-count="2"' in html
    assert "2 Personen werden erinnert (2 Schulungen" in html
    assert "Zeller" in html and "Berg" in html
    assert "Albers" not in html and "Cramer" not in html and "Ernst" not in html
    assert "Vogt" not in html
    assert not OutboxMessage.objects.exists()  # asking is not sending


@pytest.mark.django_db
def test_confirming_reminds_each_person_once_in_their_language(client_as, hr_user, service):
    client = client_as(hr_user)
    response = client.post(remind_url(service), follow=True)
    assert response.redirect_chain[-1][0].startswith("/reports/department/people/?value=")
    assert "2 Personen wurden per E-Mail erinnert" in response.content.decode()
    mails = {m.recipient: m for m in OutboxMessage.objects.all()}
    assert set(mails) == {service["zeller"].email, service["berg"].email}
    english, german = mails[service["zeller"].email], mails[service["berg"].email]
    assert english.subject == "Reminder: 1 mandatory course is waiting for you"
    assert "overdue since" in english.payload["body"]
    assert german.subject.startswith("Erinnerung: 1 Pflichtkurs")
    assert "fällig am" in german.payload["body"]
    assert hr_user.get_full_name() in german.payload["body"]
    assert ReminderLog.objects.filter(reason=ReminderReason.HR).count() == 2
    entry = AuditEntry.objects.get(action="reports.reminded", actor=hr_user)
    assert set(entry.details["user_ids"]) == {service["zeller"].pk, service["berg"].pk}


@pytest.mark.django_db
def test_a_second_click_does_not_remind_again(client_as, hr_user, service):
    client = client_as(hr_user)
    client.post(remind_url(service))
    html = client.post(remind_url(service), follow=True).content.decode()
    assert "Kürzlich erinnert, noch nicht erneut" in html
    assert OutboxMessage.objects.count() == 2
    again = client.get(remind_url(service)).content.decode()
    assert 'data-testid="remind-nobody"' in again and "remind-confirm" not in again


@pytest.mark.django_db
def test_the_overdue_list_reminds_only_the_overdue(client_as, hr_user, service):
    client_as(hr_user).post(remind_url(service, only="overdue"))
    assert [m.recipient for m in OutboxMessage.objects.all()] == [service["zeller"].email]


@pytest.mark.django_db
def test_a_manager_reminder_yesterday_holds_hr_back(service, hr_user, settings):
    settings.TEAM_REMINDER_INTERVAL_DAYS = 3
    today = timezone.localdate()
    overdue = Assignment.objects.get(user=service["zeller"])
    ReminderLog.objects.create(
        assignment=overdue,
        reason=ReminderReason.MANAGER,
        sent_on=today - datetime.timedelta(days=1),
    )
    rows = Assignment.objects.filter(user__employee__department=service["department"])
    from assignments.services import with_progress

    result = reminders.remind_from_report(hr_user, with_progress(rows).select_related("user"))
    assert result.reminded == [service["berg"]] and result.skipped == [service["zeller"]]


@pytest.mark.django_db
def test_nobody_to_remind_is_said_plainly(client_as, hr_user, service):
    client = client_as(hr_user)
    url = "/reports/department/remind/?value=Service&only=completed"
    assert "Niemand in dieser Liste" in client.get(url).content.decode()
    assert "Niemand in dieser Liste" in client.post(url, follow=True).content.decode()
    assert not OutboxMessage.objects.exists()
    listing = client.get("/reports/department/people/?value=Service")
    assert 'data-testid="remind-these"' in listing.content.decode()
    completed = client.get("/reports/department/people/?value=Service&only=completed")
    assert 'data-testid="remind-these"' not in completed.content.decode()


@pytest.mark.django_db
def test_only_hr_may_remind_from_the_report(client, client_as, hr_user, service):
    url = remind_url(service)
    for roles in (["Learner"], ["Learner", "Champion"], ["Learner", "Editor"]):
        user = UserFactory(roles=roles)
        assert client_as(user).get(url).status_code == 403
        assert client_as(user).post(url).status_code == 403
    client.logout()
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_as(hr_user).get("/reports/nonsense/remind/").status_code == 404
    assert client_as(hr_user).put(url).status_code == 405
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_policy_hiding_individuals_stops_hr_reminding_people(
    client_as, hr_user, service, privacy_settings
):
    privacy_settings(hr_individual_progress=False)
    client = client_as(hr_user)
    assert client.get(remind_url(service)).status_code == 403
    assert client.post(remind_url(service)).status_code == 403
    assert not OutboxMessage.objects.exists()
    listing = client.get("/reports/department/people/?value=Service")
    assert "remind-these" not in listing.content.decode()


@pytest.mark.django_db
def test_the_confirmation_needs_the_same_queries_for_more_people(client_as, hr_user, service, tree):
    client = client_as(hr_user)
    client.get(remind_url(service))  # warm caches (site, locales, settings)
    with CaptureQueriesContext(connection) as few:
        client.get(remind_url(service))
    for _ in range(5):
        profile = EmployeeProfileFactory(department=service["department"])
        Assignment.objects.create(user=profile.user, course=tree.course, due_date=PAST)
    with CaptureQueriesContext(connection) as many:
        html = client.get(remind_url(service)).content.decode()
    assert 'data-count="7"' in html
    assert len(many) == len(few)

"""Every message a person may get on the phone goes through one service: by push when they chose
that kind and have a device with reminders on, else by e-mail; nothing pushed in their quiet
hours (held until the hours end); a device the push service says is gone is forgotten and the
e-mail goes instead. The pushes reach the local test push service and are decrypted there."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import notifications
from accounts.models import NotificationKind, NotificationSettings
from assignments.models import Assignment
from assignments.tasks import send_due_reminders
from champions import observations
from champions.factories import ChampionProfileFactory, MembershipFactory, checklist_with
from champions.models import ChampionStatus
from champions.services import send_nudge
from outbox.models import OutboxMessage, OutboxStatus
from outbox.services import sweep
from pocket import push
from pocket.models import PushSubscription

from .test_push import Browser, due_questions, subscribe

pytestmark = pytest.mark.django_db

BERLIN = datetime.timezone(datetime.timedelta(hours=1))
TODAY = datetime.date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: datetime.date = TODAY):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour, minute, tzinfo=BERLIN)), tick=False
    )


def pushes(service, browser) -> list[dict]:
    return [browser.decrypt(r["body"]) for r in service.received]


def assigned_due_in_a_week(user, course) -> Assignment:
    return Assignment.objects.create(
        user=user, course=course, due_date=TODAY + datetime.timedelta(days=7)
    )


def test_a_training_reminder_comes_by_push_instead_of_e_mail(
    client_as, learner, tree, push_service, django_capture_on_commit_callbacks
):
    browser = Browser(push_service.url("/push/phone"))
    subscribe(client_as(learner), browser)
    assigned_due_in_a_week(learner, tree.course)
    with at(7), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(TODAY.isoformat()) == 1
    [message] = pushes(push_service, browser)
    assert message["body"] == f"Fällig in 7 Tagen: {tree.course.title}"
    assert message["url"] == tree.course.url and message["tag"] == "cx-assignment"
    assert mail.outbox == []  # not both
    row = OutboxMessage.objects.get(kind=push.PUSH_KIND)
    assert row.status == OutboxStatus.SENT and row.topic == "push-reminder-before"


def test_without_a_device_or_with_the_kind_unticked_the_reminder_is_an_e_mail(
    client_as, learner, other_learner, tree, push_service, django_capture_on_commit_callbacks
):
    browser = Browser(push_service.url("/push/unticked"))
    subscribe(client_as(other_learner), browser)
    notifications.save_preferences(other_learner, [NotificationKind.NUDGE], None, None)
    assigned_due_in_a_week(learner, tree.course)  # learner: no device at all
    assigned_due_in_a_week(other_learner, tree.course)
    with at(7), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(TODAY.isoformat()) == 2
    assert push_service.received == []
    assert sorted(m.to[0] for m in mail.outbox) == [learner.email, other_learner.email]
    assert not OutboxMessage.objects.filter(kind=push.PUSH_KIND).exists()


def test_a_gone_device_is_forgotten_and_the_e_mail_goes_instead(
    client_as, learner, tree, push_service, django_capture_on_commit_callbacks
):
    subscribe(client_as(learner), Browser(push_service.url("/push/gone")))
    push_service.status["/push/gone"] = 410
    assigned_due_in_a_week(learner, tree.course)
    with at(7), django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(TODAY.isoformat())
    assert len(push_service.received) == 1
    assert not PushSubscription.objects.exists()
    [sent] = mail.outbox
    assert sent.to == [learner.email] and sent.subject == f"Fällig in 7 Tagen: {tree.course.title}"
    # the fallback mail has the key the reminder mail always had (one per reminder log)
    assert OutboxMessage.objects.get(kind=OutboxMessage.KIND_MAIL).idempotency_key.startswith(
        "reminder:"
    )


def test_of_two_devices_the_live_one_gets_it_and_no_e_mail_is_sent(
    client_as, learner, tree, push_service, django_capture_on_commit_callbacks
):
    client = client_as(learner)
    subscribe(client, Browser(push_service.url("/push/old")))
    phone = Browser(push_service.url("/push/new"))
    subscribe(client, phone)
    push_service.status["/push/old"] = 404
    assigned_due_in_a_week(learner, tree.course)
    with at(7), django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(TODAY.isoformat())
    assert [r["path"] for r in push_service.received] == ["/push/old", "/push/new"]
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        push_service.url("/push/new")
    ]
    assert mail.outbox == []


def test_nothing_is_pushed_in_quiet_hours_it_arrives_when_they_end(
    client_as, learner, tree, push_service, django_capture_on_commit_callbacks
):
    browser = Browser(push_service.url("/push/night"))
    subscribe(client_as(learner), browser)
    notifications.save_preferences(
        learner, NotificationKind.values, datetime.time(21, 0), datetime.time(7, 30)
    )
    assigned_due_in_a_week(learner, tree.course)
    with at(7), django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(TODAY.isoformat())
        sweep()
    assert push_service.received == [] and mail.outbox == []
    row = OutboxMessage.objects.get(kind=push.PUSH_KIND)
    assert row.status == OutboxStatus.PENDING
    assert row.next_attempt_at == datetime.datetime.combine(
        TODAY, datetime.time(7, 30), tzinfo=BERLIN
    )
    with at(7, 31), django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert [m["body"] for m in pushes(push_service, browser)] == [
        f"Fällig in 7 Tagen: {tree.course.title}"
    ]
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("start", "end", "now", "until"),
    [
        ((21, 0), (7, 0), (23, 15), (TODAY + datetime.timedelta(days=1), (7, 0))),
        ((21, 0), (7, 0), (6, 59), (TODAY, (7, 0))),
        ((21, 0), (7, 0), (7, 0), None),
        ((21, 0), (7, 0), (20, 59), None),
        ((12, 0), (14, 0), (13, 0), (TODAY, (14, 0))),
        ((12, 0), (14, 0), (14, 30), None),
    ],
)
def test_quiet_hours_over_midnight_and_during_the_day(start, end, now, until):
    preferences = notifications.Preferences(
        frozenset(), datetime.time(*start), datetime.time(*end), True
    )
    moment = datetime.datetime.combine(TODAY, datetime.time(*now, tzinfo=BERLIN))
    expected = (
        None
        if until is None
        else datetime.datetime.combine(until[0], datetime.time(*until[1], tzinfo=BERLIN))
    )
    assert preferences.quiet_until_after(moment) == expected


def test_a_champions_nudge_and_a_shared_observation_come_by_push(
    client_as, learner, tree, push_service, django_capture_on_commit_callbacks
):
    browser = Browser(push_service.url("/push/floor"))
    subscribe(client_as(learner), browser)
    profile = ChampionProfileFactory(status=ChampionStatus.ACTIVE, user__first_name="Carla")
    MembershipFactory(group__champion=profile, user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_nudge(profile, learner, note="Du schaffst das!")
    checklist = checklist_with(behaviours=1, optional=1)
    observation = observations.start_observation(profile.user, learner, checklist)
    observation.strength, observation.try_next = "Freundlich", "Namen nennen"
    observation.save()
    with django_capture_on_commit_callbacks(execute=True):
        observations.share(observation)
    received = pushes(push_service, browser)
    assert [m["tag"] for m in received] == ["cx-nudge", "cx-observation"]
    assert received[0]["body"] == f"Eine freundliche Erinnerung von {profile.user.display_name}"
    assert (
        received[1]["body"] == f"{profile.user.display_name} hat eine Beobachtung mit Ihnen geteilt"
    )
    assert received[1]["url"] == reverse("champions:observation", args=[observation.pk])
    assert mail.outbox == []


def test_the_daily_minute_reminder_respects_the_choice(
    client_as, learner, home_page, push_service, django_capture_on_commit_callbacks
):
    subscribe(client_as(learner), Browser(push_service.url("/push/minute")))
    due_questions(learner, 2)
    notifications.save_preferences(learner, [NotificationKind.ASSIGNMENT], None, None)
    assert push.queue_daily_reminders() == 0  # unticked: no push, and no daily e-mail either
    notifications.save_preferences(learner, [NotificationKind.MINUTE], None, None)
    with django_capture_on_commit_callbacks(execute=True):
        assert push.queue_daily_reminders() == 1
    assert len(push_service.received) == 1


def test_the_daily_queue_costs_the_same_for_one_or_many_people(
    client_as, learner, other_learner, champion, home_page, push_service
):
    def queries_for(users) -> int:
        OutboxMessage.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            assert push.queue_daily_reminders() == len(users)
        return len(captured)

    subscribe(client_as(learner), Browser(push_service.url("/push/one")))
    due_questions(learner, 1)
    one = queries_for([learner])
    for user in (other_learner, champion):
        subscribe(client_as(user), Browser(push_service.url(f"/push/{user.pk}")))
        due_questions(user, 1)
    # the reads do not grow; per person only its outbox row is written (get_or_create: a
    # look-up, and an insert inside a savepoint)
    assert queries_for([learner, other_learner, champion]) - one == 2 * 4


def test_the_account_page_saves_the_choice_and_quiet_hours(client_as, learner, home_page):
    client = client_as(learner)
    page = client.get(reverse("accounts:account"))
    content = page.content.decode()
    assert 'id="push-preferences"' in content
    section = content.split('id="push-preferences"', 1)[1].split("</form>", 1)[0]
    assert section.count('name="push_kinds"') == 4
    assert section.count("checked") == 4  # before a choice every kind comes by push
    response = client.post(
        reverse("pocket:push_preferences"),
        {"push_kinds": ["nudge", "minute"], "quiet_from": "21:00", "quiet_until": "07:00"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#push-settings")
    stored = NotificationSettings.objects.get(user=learner)
    assert stored.push_kinds == ["nudge", "minute"]
    assert (stored.quiet_from, stored.quiet_until) == (datetime.time(21), datetime.time(7))
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Ihre Einstellungen für Erinnerungen wurden gespeichert." in page
    assert 'value="21:00"' in page and 'value="07:00"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"quiet_from": "21:00"},
            "Geben Sie Beginn und Ende der Ruhezeit an – oder keines von beiden.",
        ),
        (
            {"quiet_from": "21:00", "quiet_until": "21:00"},
            "Die Ruhezeit muss zu verschiedenen Uhrzeiten beginnen und enden.",
        ),
        ({"quiet_from": "25:99", "quiet_until": "07:00"}, "Bitte eine gültige Uhrzeit eingeben."),
        ({"push_kinds": ["everything"]}, "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_bad_settings_get_a_clear_message_never_a_500(client_as, learner, home_page, data, message):
    client = client_as(learner)
    response = client.post(reverse("pocket:push_preferences"), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationSettings.objects.filter(user=learner).exists()


def test_reminder_settings_need_a_log_in_and_a_post(client, learner, home_page):
    url = reverse("pocket:push_preferences")
    assert client.post(url, {"push_kinds": ["nudge"]}).status_code == 302
    assert not NotificationSettings.objects.exists()
    client.force_login(learner)
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("role", ["learner", "champion", "hr_user", "editor"])
def test_every_role_may_choose_its_reminders(request, client_as, role, home_page):
    user = request.getfixturevalue(role)
    response = client_as(user).post(reverse("pocket:push_preferences"), {"push_kinds": ["minute"]})
    assert response.status_code == 302
    assert NotificationSettings.objects.get(user=user).push_kinds == ["minute"]


def test_a_push_service_down_until_the_last_try_gets_the_e_mail_sent_instead(
    client_as, learner, tree, push_service, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    subscribe(client_as(learner), Browser(push_service.url("/push/down")))
    push_service.status["/push/down"] = 503
    assigned_due_in_a_week(learner, tree.course)
    with at(7), django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(TODAY.isoformat())
    row = OutboxMessage.objects.get(kind=push.PUSH_KIND)
    assert row.status == OutboxStatus.PENDING and mail.outbox == []  # first try: retried later
    with at(9), django_capture_on_commit_callbacks(execute=True):
        sweep()
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and len(push_service.received) == 2
    [sent] = mail.outbox
    assert sent.to == [learner.email] and sent.subject == f"Fällig in 7 Tagen: {tree.course.title}"
    assert PushSubscription.objects.filter(user=learner).exists()  # down is not gone


def test_a_push_retried_into_quiet_hours_waits_until_they_end(
    client_as, learner, tree, push_service, django_capture_on_commit_callbacks
):
    browser = Browser(push_service.url("/push/late"))
    subscribe(client_as(learner), browser)
    notifications.save_preferences(
        learner, NotificationKind.values, datetime.time(21, 0), datetime.time(7, 0)
    )
    assigned_due_in_a_week(learner, tree.course)
    push_service.status["/push/late"] = 503
    with at(20, 55), django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(TODAY.isoformat())  # before the quiet hours: tried, service down
    push_service.status["/push/late"] = 201
    with at(21, 30), django_capture_on_commit_callbacks(execute=True):
        sweep()  # the retry falls into the quiet hours
    row = OutboxMessage.objects.get(kind=push.PUSH_KIND)
    assert len(push_service.received) == 1  # only the failed try
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert row.next_attempt_at == datetime.datetime.combine(
        tomorrow, datetime.time(7), tzinfo=BERLIN
    )
    with at(7, 1, day=tomorrow), django_capture_on_commit_callbacks(execute=True):
        sweep()
    assert len(push_service.received) == 2
    assert pushes(push_service, browser)[1]["body"] == f"Fällig in 7 Tagen: {tree.course.title}"
    assert mail.outbox == []

"""Every kind of mail the product sends, through a real SMTP server (aiosmtpd), in German and
English: both parts, subject, sender, language, no HTML entities in the text part, and every link
absolute on SITE_URL (with at least one link to act on)."""

from __future__ import annotations

import datetime
import re
from email.message import EmailMessage

import pytest

from django.conf import settings as django_settings

from wagtail.models import Locale

from accounts import roles
from accounts.factories import UserFactory
from accounts.models import User
from outbox.services import sweep
from people.factories import DepartmentFactory, EmployeeProfileFactory

SITE = "https://academy.firma.example"
COURSE = "Customer Journey & Touchpoints"
ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
URL = re.compile(r"https?://[^\s\"'<>]+")
INFORMAL = re.compile(r"\b(du|dich|dir|dein\w*|Du|Dich|Dir|Dein\w*)\b")


def subject_of(message: EmailMessage) -> str:
    """The subject as a mail client shows it (Python's parser keeps the space of a folded line)."""
    return str(message["Subject"]).strip()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts of a multipart/alternative mail."""
    assert message.get_content_type() == "multipart/alternative", message.get_content_type()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def check(message: EmailMessage, to: str, language: str, subject: str) -> str:
    """The checks every mail must pass; returns its text part."""
    text, html = parts(message)
    assert message["To"] == to
    assert message["From"] == django_settings.DEFAULT_FROM_EMAIL
    assert subject in subject_of(message), (subject_of(message), subject)
    assert message["Content-Language"] == language
    assert html.lstrip().startswith("<!DOCTYPE html>") and f'lang="{language}"' in html
    assert "<style" not in html and "<link" not in html  # inline styles only
    assert not ENTITY.search(text), ENTITY.search(text)
    assert not ENTITY.search(subject_of(message))
    text_links, html_links = URL.findall(text), URL.findall(html)
    assert text_links, "no link to act on in the text part"
    for link in text_links + html_links:
        assert link.startswith(SITE + "/"), link
    if language == "de":
        assert not INFORMAL.search(text), INFORMAL.search(text)
    return text


@pytest.fixture
def mail_world(tree, settings):
    """The course (with an English translation) under an '&' title, a department with a manager,
    an English and a German learner."""
    settings.SITE_URL = SITE
    tree.course.title = COURSE
    tree.course.save_revision().publish()
    english = tree.course.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = COURSE + " (EN)"
    english.save_revision().publish()
    department = DepartmentFactory()
    manager_de = EmployeeProfileFactory(department=department).user
    manager_en = EmployeeProfileFactory(department=department).user
    manager_en.preferred_language = "en"
    manager_en.save()
    de = EmployeeProfileFactory(department=department, manager=manager_de).user
    en = EmployeeProfileFactory(department=department, manager=manager_en).user
    en.preferred_language = "en"
    en.save()
    return {
        "course": tree.course,
        "de": de,
        "en": en,
        "manager_de": manager_de,
        "manager_en": manager_en,
    }


def by_recipient(sink) -> dict[str, list[EmailMessage]]:
    result: dict[str, list[EmailMessage]] = {}
    for message in sink.received():
        result.setdefault(message["To"], []).append(message)
    return result


@pytest.mark.django_db
def test_invitations(smtp_sink, settings, django_capture_on_commit_callbacks):
    from accounts import services

    settings.SITE_URL = SITE
    # an imported person whose language HR knows gets the invitation in it
    UserFactory(email="new@firma.example", preferred_language="en", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _other = services.invite_many(["neu@firma.example", "new@firma.example"])
    mails = by_recipient(smtp_sink)
    text = check(
        mails["neu@firma.example"][0], "neu@firma.example", "de", "Ihre Einladung zu CX Academy"
    )
    assert f"{SITE}/account/invite/{invitation.token}/" in text
    text = check(
        mails["new@firma.example"][0], "new@firma.example", "en", "Your invitation to CX Academy"
    )
    assert "valid until" in text


@pytest.mark.django_db
def test_reminders_and_escalation(mail_world, smtp_sink, settings):
    from assignments.models import Assignment
    from assignments.tasks import send_due_reminders

    settings.REMINDER_ESCALATE_AFTER_DAYS = 3
    today = datetime.date(2026, 6, 10)
    course = mail_world["course"]
    for key in ("de", "en"):
        Assignment.objects.create(
            user=mail_world[key], course=course, due_date=today + datetime.timedelta(days=7)
        )
    send_due_reminders.delay(today.isoformat()).get()
    send_due_reminders.delay((today + datetime.timedelta(days=7)).isoformat()).get()
    send_due_reminders.delay((today + datetime.timedelta(days=10)).isoformat()).get()
    sweep()  # the outbox rows wait for their commit; the sweep sends them
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    expected = {
        de: ["Fällig in 7 Tagen: " + COURSE, "Heute fällig: " + COURSE, "Überfällig: " + COURSE],
        en: [
            "Due in 7 days: " + COURSE + " (EN)",
            "Due today: " + COURSE + " (EN)",
            "Overdue: " + COURSE + " (EN)",
        ],
    }
    for email, subjects in expected.items():
        language = "de" if email == de else "en"
        assert [subject_of(m) for m in mails[email]] == subjects
        for message, subject in zip(mails[email], subjects, strict=True):
            text = check(message, email, language, subject)
            assert COURSE in text
            # the course in the reader's language
            assert (f"{SITE}/en/" in text) == (language == "en")
    (to_de_manager,) = mails[mail_world["manager_de"].email]
    text = check(to_de_manager, mail_world["manager_de"].email, "de", f"„{COURSE}“ ist überfällig")
    assert "vor 3 Tagen" in text
    (to_en_manager,) = mails[mail_world["manager_en"].email]
    check(to_en_manager, mail_world["manager_en"].email, "en", f"is overdue with “{COURSE} (EN)”")


@pytest.mark.django_db
def test_weekly_digests(mail_world, smtp_sink):
    from assignments.models import Assignment
    from assignments.tasks import send_weekly_digests

    for key in ("de", "en"):
        Assignment.objects.create(
            user=mail_world[key], course=mail_world["course"], due_date=datetime.date(2026, 1, 1)
        )
    assert send_weekly_digests.delay("2026-06-01").get() == 2
    sweep()  # the outbox rows wait for their commit; the sweep sends them
    mails = by_recipient(smtp_sink)
    text = check(
        mails[mail_world["manager_de"].email][0],
        mail_world["manager_de"].email,
        "de",
        "Schulungen Ihres Teams: 1 überfällig",
    )
    assert "Überfällig" in text and COURSE in text
    text = check(
        mails[mail_world["manager_en"].email][0],
        mail_world["manager_en"].email,
        "en",
        "Your team's training: 1 overdue",
    )
    assert "– Overdue" in text and "Überfällig" not in text


@pytest.mark.django_db
def test_nudges_action_items_and_hr_notice(mail_world, smtp_sink):
    from champions.models import (
        ActionItem,
        ChampionProfile,
        ChampionStatus,
        CoachingGroup,
        CoachingSession,
    )
    from champions.tasks import notify_hr_unassigned, remind_overdue_action_items, send_nudge_email

    champion = UserFactory(
        roles=[roles.LEARNER, roles.CHAMPION], first_name="Chris", last_name="Champ"
    )
    hr = UserFactory(roles=[roles.LEARNER, roles.HR], email="hr@firma.example")
    hr_en = UserFactory(
        roles=[roles.LEARNER, roles.HR], email="hr.en@firma.example", preferred_language="en"
    )
    for key in ("de", "en"):
        send_nudge_email(champion.pk, mail_world[key].pk, key=f"nudge-test:{key}")
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="G", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    session = CoachingSession.objects.create(
        group=group, held_on=datetime.date(2026, 1, 2), topic="T"
    )
    for key in ("de", "en"):
        ActionItem.objects.create(
            session=session,
            owner=mail_world[key],
            description="Journey Map & Notizen teilen",
            due_date=datetime.date(2026, 2, 1),
        )
    assert remind_overdue_action_items.delay("2026-02-05").get() == 2
    notify_hr_unassigned(profile.pk, [mail_world["de"].pk, mail_world["en"].pk], "test")
    sweep()  # the outbox rows wait for their commit; the sweep sends them
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    nudge_de, item_de = mails[de]
    nudge_en, item_en = mails[en]
    assert "Bleiben Sie" in check(nudge_de, de, "de", "Eine freundliche Erinnerung von Chris Champ")
    assert "keep going" in check(nudge_en, en, "en", "A friendly reminder from Chris Champ")
    check(item_de, de, "de", "Überfällige Aufgabe: Journey Map & Notizen teilen")
    check(item_en, en, "en", "Overdue action item: Journey Map & Notizen teilen")
    text = check(mails[hr.email][0], hr.email, "de", "2 Personen ohne Coaching-Gruppe")
    check(mails[hr_en.email][0], hr_en.email, "en", "2 people without a coaching group")
    assert f"{SITE}/champions/manage/" in text


@pytest.mark.django_db
def test_allauth_mails_follow_the_person_or_the_browser(client, home_page, smtp_sink, settings):
    settings.SITE_URL = SITE
    english = UserFactory(email="ellen@firma.example", preferred_language="en")
    german = UserFactory(email="gerd@firma.example")
    # a known person's preference wins over the browser
    client.post("/accounts/password/reset/", {"email": english.email}, HTTP_ACCEPT_LANGUAGE="de")
    client.post("/accounts/password/reset/", {"email": german.email}, HTTP_ACCEPT_LANGUAGE="de")
    client.post(
        "/accounts/password/reset/", {"email": "niemand@firma.example"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    client.post(
        "/accounts/password/reset/", {"email": "keiner@firma.example"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    sweep()  # the outbox rows wait for their commit; the sweep sends them
    mails = by_recipient(smtp_sink)
    text = check(mails[english.email][0], english.email, "en", "Reset your password")
    assert f"{SITE}/accounts/password/reset/key/" in text
    text = check(mails[german.email][0], german.email, "de", "Passwort zurücksetzen")
    assert "Ihr Passwort" in text and "127.0.0.1" not in text
    check(
        mails["niemand@firma.example"][0],
        "niemand@firma.example",
        "en",
        "Log-in attempt with an unknown e-mail address",
    )
    check(
        mails["keiner@firma.example"][0],
        "keiner@firma.example",
        "de",
        "Anmeldeversuch mit einer unbekannten E-Mail-Adresse",
    )


@pytest.mark.django_db
def test_allauth_sign_up_mails(client, home_page, smtp_sink, settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_SIGNUP_DOMAINS = ["firma.example"]
    UserFactory(email="schon.da@firma.example")
    # a new person: the browser's language (their account keeps it); someone known: theirs
    for email, browser in (
        ("new.en@firma.example", "en"),
        ("neu.de@firma.example", "de"),
        ("schon.da@firma.example", "en"),
    ):
        response = client.post(
            "/accounts/signup/",
            {
                "email": email,
                "password1": "a-long-Passphrase-42",
                "password2": "a-long-Passphrase-42",
            },
            HTTP_ACCEPT_LANGUAGE=browser,
        )
        assert response.status_code == 302, response.content.decode()[:500]
        client.logout()
    sweep()  # the outbox rows wait for their commit; the sweep sends them
    mails = by_recipient(smtp_sink)
    neu = mails["neu.de@firma.example"][0]
    check(neu, "neu.de@firma.example", "de", "Bitte bestätigen Sie Ihre E-Mail-Adresse")
    new = mails["new.en@firma.example"][0]
    text = check(new, "new.en@firma.example", "en", "Please confirm your e-mail address")
    assert f"{SITE}/accounts/confirm-email/" in text
    assert User.objects.get(email="new.en@firma.example").preferred_language == "en"
    known = mails["schon.da@firma.example"][0]
    text = check(known, "schon.da@firma.example", "de", "Sie haben bereits ein Konto")
    assert f"{SITE}/accounts/password/reset/" in text


@pytest.mark.django_db
def test_queued_mail_keeps_both_parts_through_the_outbox(smtp_sink, settings):
    from core.mail import compose, site_url
    from outbox.services import enqueue_email

    settings.SITE_URL = SITE
    message = compose(
        "champions/email/nudge",
        {
            "champion_name": "Chris",
            "member_name": "Ann & Bo",
            "action_url": site_url("/"),
            "action_label": "Go",
        },
        "ann@firma.example",
        "en",
    )
    enqueue_email(message, topic="nudge", key="both-parts")
    sweep()
    (received,) = smtp_sink.received()
    text = check(received, "ann@firma.example", "en", "A friendly reminder from Chris")
    assert "Hello Ann & Bo," in text


# The kinds added since: assignment notice, renewal, the manager's and HR's reminders, a shared
# observation, a journey-map comment, the CX-Minute mail and the e-mail-change confirmation.


@pytest.mark.django_db
def test_assignment_notice(mail_world, smtp_sink):
    from assignments.models import Assignment
    from assignments.tasks import send_assignment_notices

    ids = [
        Assignment.objects.create(
            user=mail_world[key], course=mail_world["course"], due_date=datetime.date(2026, 9, 1)
        ).pk
        for key in ("de", "en")
    ]
    send_assignment_notices.delay(ids).get()
    sweep()
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    text = check(mails[de][0], de, "de", f"Neue Pflichtschulung: {COURSE}")
    assert COURSE in text
    text = check(mails[en][0], en, "en", f"New mandatory training: {COURSE} (EN)")
    assert f"{SITE}/en/" in text


@pytest.mark.django_db
def test_renewal_notice(mail_world, smtp_sink):
    from assignments.tasks import renew_certificate
    from curriculum.models import Certificate

    today = datetime.date(2026, 6, 1)
    for key in ("de", "en"):
        user = mail_world[key]
        certificate = Certificate.objects.create(
            user=user,
            course=mail_world["course"],
            code=f"RENEW-{key}",
            learner_name=user.email,
            course_title=COURSE,
            issued_at=datetime.datetime(2025, 6, 20, tzinfo=datetime.UTC),
            expires_on=datetime.date(2026, 6, 20),
        )
        assert renew_certificate(certificate, today)
    sweep()
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    text = check(mails[de][0], de, "de", f"Zeit zum Auffrischen: {COURSE}")
    assert COURSE in text
    text = check(mails[en][0], en, "en", f"Time to renew: {COURSE} (EN)")
    assert f"{SITE}/en/" in text


def _overdue(mail_world) -> list:
    from assignments.models import Assignment

    return [
        Assignment.objects.create(
            user=mail_world[key], course=mail_world["course"], due_date=datetime.date(2026, 1, 1)
        )
        for key in ("de", "en")
    ]


@pytest.mark.django_db
def test_managers_team_reminder(mail_world, smtp_sink):
    from assignments.team import remind_overdue

    _overdue(mail_world)
    today = datetime.date(2026, 2, 1)
    remind_overdue(mail_world["manager_de"], today=today)
    remind_overdue(mail_world["manager_en"], today=today)
    sweep()
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    text = check(mails[de][0], de, "de", "Erinnerung Ihrer Führungskraft: 1 überfälliger Kurs")
    assert COURSE in text
    text = check(mails[en][0], en, "en", "Reminder from your manager: 1 overdue course")
    assert COURSE + " (EN)" in text


@pytest.mark.django_db
def test_hr_remind_these_people(mail_world, smtp_sink):
    from assignments.models import Assignment
    from assignments.reminders import remind_from_report
    from assignments.services import with_progress

    _overdue(mail_world)
    hr = UserFactory(roles=[roles.LEARNER, roles.HR], email="hr@firma.example")
    rows = with_progress(Assignment.objects.select_related("user", "course").order_by("pk"))
    remind_from_report(hr, rows, today=datetime.date(2026, 2, 1))
    sweep()
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    text = check(mails[de][0], de, "de", "Erinnerung: 1 Pflichtkurs wartet auf Sie")
    assert COURSE in text
    text = check(mails[en][0], en, "en", "Reminder: 1 mandatory course is waiting for you")
    assert COURSE + " (EN)" in text


@pytest.mark.django_db
def test_observation_shared(mail_world, smtp_sink):
    from champions.factories import ObservationChecklistFactory
    from champions.models import Observation, ObservationStatus
    from champions.tasks import send_observation_shared_email

    champion = UserFactory(
        roles=[roles.LEARNER, roles.CHAMPION], first_name="Chris", last_name="Champ"
    )
    checklist = ObservationChecklistFactory(title_de="Telefon & Chat", title_en="Phone & chat")
    for key in ("de", "en"):
        observation = Observation.objects.create(
            checklist=checklist,
            observed=mail_world[key],
            observer=champion,
            status=ObservationStatus.SUBMITTED,
            strength="Ruhig & freundlich",
            try_next="Den Namen nennen",
        )
        send_observation_shared_email(observation)
    sweep()
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    text = check(mails[de][0], de, "de", "Chris Champ hat eine Beobachtung mit Ihnen geteilt")
    assert "Ruhig & freundlich" in text and f"{SITE}/champions/" in text
    assert "Telefon & Chat" in text
    text = check(mails[en][0], en, "en", "Chris Champ shared an observation with you")
    assert "Phone & chat" in text


@pytest.mark.django_db
def test_journey_map_comment(mail_world, smtp_sink, tree):
    from champions.models import ChampionProfile, ChampionStatus, CoachingGroup, Membership
    from journeys import services as journeys
    from journeys.models import JourneyMap

    champion = UserFactory(
        roles=[roles.LEARNER, roles.CHAMPION], first_name="Chris", last_name="Champ"
    )
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="G", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    for key in ("de", "en"):
        Membership.objects.create(group=group, user=mail_world[key])
        journey_map = JourneyMap.objects.create(
            user=mail_world[key], lesson=tree.lessons[0], block_id=f"block-{key}"
        )
        journeys.set_shared(journey_map, True)
        journeys.add_comment(journey_map, champion, "Stark & klar")
    sweep()
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    text = check(mails[de][0], de, "de", "Chris Champ hat Ihre Customer Journey Map kommentiert")
    assert "Stark & klar" in text and f"{SITE}/journeys/maps/" in text
    check(mails[en][0], en, "en", "Chris Champ commented on your journey map")


@pytest.mark.django_db
def test_cx_minute_mail(mail_world, smtp_sink):
    from outbox.services import enqueue_email
    from pocket.push import _reminder_mail, reminder_text

    for key in ("de", "en"):
        user = mail_world[key]
        enqueue_email(_reminder_mail(user, reminder_text(user, 3)), topic="minute", key=key)
    sweep()
    mails = by_recipient(smtp_sink)
    de, en = mail_world["de"].email, mail_world["en"].email
    text = check(mails[de][0], de, "de", "Ihre CX-Minute: 3 Fragen warten.")
    assert f"{SITE}/minute/" in text
    check(mails[en][0], en, "en", "Your CX-Minute: 3 questions are waiting.")


@pytest.mark.django_db
def test_email_change_confirmation(client, home_page, smtp_sink, settings):
    settings.SITE_URL = SITE
    for email, language in (("gerd@firma.example", "de"), ("ellen@firma.example", "en")):
        person = UserFactory(email=email, preferred_language=language)
        client.force_login(person)
        new = email.replace("@", ".neu@")
        response = client.post("/accounts/email/", {"email": new, "action_add": ""})
        assert response.status_code == 302, response.content.decode()[:500]
        client.logout()
    sweep()
    mails = by_recipient(smtp_sink)
    text = check(
        mails["gerd.neu@firma.example"][0],
        "gerd.neu@firma.example",
        "de",
        "Bitte bestätigen Sie Ihre E-Mail-Adresse",
    )
    assert f"{SITE}/accounts/confirm-email/" in text
    check(
        mails["ellen.neu@firma.example"][0],
        "ellen.neu@firma.example",
        "en",
        "Please confirm your e-mail address",
    )

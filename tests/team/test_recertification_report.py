"""HR's recertification report on a known data set, its filters, export and permissions; the
weekly manager digest with the team's figures."""

from __future__ import annotations

import datetime

import pytest

from accounts import roles
from accounts.factories import UserFactory
from assignments.tasks import send_weekly_digests
from curriculum.models import Certificate
from outbox.models import OutboxMessage
from people.factories import TeamFactory
from reports.services import CertificateFilters, certificate_figures

from .conftest import TODAY, assign, person


def cert(user, course, issued: datetime.date, expires: datetime.date, **extra) -> Certificate:
    return Certificate.objects.create(
        user=user,
        course=course,
        code=f"C{Certificate.objects.count():06d}",
        learner_name=user.get_full_name(),
        course_title=course.title,
        issued_at=datetime.datetime.combine(issued, datetime.time(12), tzinfo=datetime.UTC),
        expires_on=expires,
        **extra,
    )


@pytest.fixture
def known(org):
    """Expiring in 10, 45, 80 and 200 days; one expired; one renewed on time; one late."""
    course = org.tree.course
    days = datetime.timedelta
    other_team = TeamFactory(name="Filiale Süd")
    people = [person(f"P{n}", manager=org.maria, team=org.team) for n in range(4)]
    south = person("Sued", manager=org.otto, team=other_team)
    for user, offset in zip(people, (10, 45, 80, 200), strict=True):
        cert(user, course, TODAY - days(300), TODAY + days(offset))
    cert(south, course, TODAY - days(400), TODAY - days(5))  # expired
    old = cert(org.tom, course, TODAY - days(400), TODAY - days(20), is_current=False)
    cert(org.tom, course, TODAY - days(25), TODAY + days(340), replaces=old)  # on time
    late_old = cert(org.anna, course, TODAY - days(400), TODAY - days(30), is_current=False)
    cert(org.anna, course, TODAY - days(10), TODAY + days(355), replaces=late_old)  # late
    return {"team": org.team, "south": other_team}


def test_figures_on_a_known_data_set(known, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = certificate_figures(CertificateFilters(), today=TODAY)
    assert figures == {
        "30": 1,
        "60": 2,
        "90": 3,
        "expired": 1,
        "renewed_on_time": 1,
        "renewed_late": 1,
    }


def test_figures_by_team(known):
    south = certificate_figures(CertificateFilters(team=known["south"].pk), today=TODAY)
    assert south["expired"] == 1 and south["90"] == 0


def test_page_export_and_permissions(client_as, known, org, frozen_today):
    hr = UserFactory(roles=[roles.LEARNER, roles.HR])
    client = client_as(hr)
    response = client.get("/reports/recertification/?band=60")
    assert response.status_code == 200
    body = response.content.decode()
    assert "P0 Muster" in body and "P1 Muster" in body and "P2 Muster" not in body
    csv = b"".join(
        client.get("/reports/recertification/export.csv?band=expired").streaming_content
    ).decode()
    assert "sued@cx-academy.example" in csv and len(csv.strip().splitlines()) == 2
    assert client.get("/reports/recertification/export.xlsx?band=90").status_code == 200
    assert client.get("/reports/recertification/?band=junk&team=abc").status_code == 200
    assert client.get("/reports/recertification/export.pdf").status_code == 404
    for user in (org.maria, org.tom):
        assert client_as(user).get("/reports/recertification/").status_code == 403
        assert client_as(user).get("/reports/recertification/export.csv").status_code == 403
    assert client_as(hr).post("/reports/recertification/").status_code == 405


def test_anonymous_recertification_report_goes_to_log_in(client, db):
    response = client.get("/reports/recertification/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_weekly_digest_shows_team_figures_and_links_to_my_team(org):
    assign(org.tom, org.tree.course, TODAY - datetime.timedelta(days=3))
    assign(org.anna, org.tree.course, TODAY + datetime.timedelta(days=3))
    assert send_weekly_digests(today_iso=TODAY.isoformat()) == 1
    assert send_weekly_digests(today_iso=TODAY.isoformat()) == 1  # same key: still one mail
    mail = OutboxMessage.objects.get(topic="digest")
    assert mail.recipient == org.maria.email
    body = mail.payload["body"]
    assert "Ihr Team: 2 Personen, 2 Schulungen zugewiesen, 0 % abgeschlossen; 1 überfällig" in body
    assert "/team/" in body


def test_strict_policy_report_shows_no_names_and_hides_small_figures(
    client_as, known, frozen_today, privacy_settings
):
    """Under a policy that hides individual progress from HR, the recertification report shows
    no one's certificate, only figures of at least the minimum group size; no export."""
    privacy_settings(hr_individual_progress=False, min_group_size=3)
    client = client_as(UserFactory(roles=[roles.LEARNER, roles.HR]))
    body = client.get("/reports/recertification/?band=90").content.decode()
    assert 'data-testid="individual-hidden"' in body
    for name in ("P0 Muster", "P1 Muster", "P2 Muster", "Sued Muster", "Tom Muster"):
        assert name not in body, name
    assert 'data-stat="90">3<' in body  # three people: shown
    assert 'data-stat="30"' not in body and "data-suppressed" in body  # one person: hidden
    assert "band=30" not in body  # no links to the people behind a figure
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/reports/recertification/export.{fmt}?band=90").status_code == 403
    privacy_settings(hr_individual_progress=True)
    body = client.get("/reports/recertification/?band=90").content.decode()
    assert "P0 Muster" in body and 'data-stat="30"><a' in body

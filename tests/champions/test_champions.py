"""Champion rules through services and views: activation, retirement, photos, sessions, nudges, privacy."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from PIL import Image

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.factories import UserFactory
from champions import services
from champions.models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
    Membership,
)
from champions.tasks import remind_overdue_action_items
from curriculum import services as progress
from people.factories import EmployeeProfileFactory


def png(size=(300, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#336699").save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def champions_path(tree):
    tree.path.audience = "champions"
    tree.path.save_revision().publish()
    return tree


@pytest.fixture
def group(db, champion, learner):
    profile = ChampionProfile.objects.create(
        user=champion, status=ChampionStatus.ACTIVE, capacity=5
    )
    group = CoachingGroup.objects.create(
        name="Runde Nord", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=learner)
    return group


@pytest.mark.django_db
def test_activation_requires_the_completed_champions_path(champions_path, hr_user):
    candidate = UserFactory()
    profile = ChampionProfile.objects.create(user=candidate)
    services.approve(profile, hr_user)
    profile.refresh_from_db()
    assert profile.status == ChampionStatus.IN_TRAINING
    assert candidate.groups.filter(name="Champion").exists()
    with pytest.raises(ValidationError):
        services.change_status(profile, ChampionStatus.ACTIVE, hr_user)
    for lesson in champions_path.lessons:
        progress.complete_lesson(candidate, lesson)
    profile.refresh_from_db()
    assert profile.status == ChampionStatus.ACTIVE  # automatically, from progress


@pytest.mark.django_db
def test_retiring_a_champion_unassigns_members_keeps_history_and_tells_hr(
    group, learner, hr_user, django_capture_on_commit_callbacks
):
    EmployeeProfileFactory(user=learner)
    assert learner.pk not in [p.user_id for p in services.unassigned_staff()]  # in a group
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(group.champion, ChampionStatus.RETIRED, hr_user)
    membership = Membership.objects.get(user=learner)
    assert membership.ended_on is not None and membership.unassigned_reason
    assert learner.pk in [p.user_id for p in services.unassigned_staff()]
    assert len(mail.outbox) == 1 and hr_user.email in mail.outbox[0].to
    assert str(learner) in mail.outbox[0].body


@pytest.mark.django_db
def test_a_person_is_in_at_most_one_active_group(group, learner, champion):
    other = CoachingGroup.objects.create(
        name="Runde Süd", champion=group.champion, start_date=datetime.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.add_member(other, learner)


@pytest.mark.django_db
def test_auto_assignment_preview_and_atomic_apply(client_as, hr_user, group):
    profile = group.champion
    employees = [EmployeeProfileFactory() for _ in range(7)]
    proposal, _lookup = services.current_proposal()
    assert sum(len(v) for v in proposal.assignments.values()) == 4  # capacity 5, one member already
    assert len(proposal.leftovers) == 3
    assert client_as(hr_user).get("/champions/manage/").status_code == 200
    response = client_as(hr_user).post("/champions/manage/auto-assign/")
    assert response.status_code == 302
    assert Membership.objects.filter(group__champion=profile, ended_on__isnull=True).count() == 5
    assert {e.user_id for e in employees} >= set(
        Membership.objects.values_list("user_id", flat=True)
    ) - {group.memberships.first().user_id}


@pytest.mark.django_db
def test_photo_is_squared_and_non_images_are_rejected(client_as, group, champion, media_root):
    client = client_as(champion)
    data = {"bio": "Hallo", "languages": "Deutsch", "capacity": 5, "focus_areas": ["feedback"]}
    ok = client.post("/champions/profile/", {**data, "photo_upload": png()})
    assert ok.status_code == 302
    profile = ChampionProfile.objects.get(user=champion)
    assert Path(profile.photo.path).is_relative_to(media_root)  # not the repository's media/
    assert Image.open(profile.photo).size == (256, 256)
    assert Image.open(profile.photo_small).size == (96, 96)
    fake = SimpleUploadedFile(
        "evil.png", b"this is plain text, not a picture", content_type="image/png"
    )
    bad = client.post("/champions/profile/", {**data, "photo_upload": fake})
    assert bad.status_code == 400
    assert "Diese Datei ist kein Bild (JPEG, PNG oder WebP)." in bad.content.decode()
    huge = SimpleUploadedFile("big.png", b"0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    assert client.post("/champions/profile/", {**data, "photo_upload": huge}).status_code == 400


@pytest.mark.django_db
def test_champion_logs_a_session_and_the_member_ticks_off_the_item(
    client_as, group, champion, learner, home_page
):
    response = client_as(champion).post(
        f"/champions/groups/{group.pk}/sessions/new/",
        {
            "held_on": "2026-11-20",
            "topic": "Beschwerden",
            "notes": "Gute Runde",
            "attendees": [str(learner.pk)],
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "10",
            "items-0-owner": str(learner.pk),
            "items-0-description": "Rückruf testen",
            "items-0-due_date": "2026-12-01",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    home = client_as(learner).get("/").content.decode()
    assert "Rückruf testen" in home
    assert (
        client_as(champion).post(f"/champions/action-items/{item.pk}/done/").status_code == 404
    )  # not the owner
    client_as(learner).post(f"/champions/action-items/{item.pk}/done/", {"next": "/"})
    item.refresh_from_db()
    assert item.done_at is not None
    incomplete = client_as(champion).post(
        f"/champions/groups/{group.pk}/sessions/new/",
        {
            "held_on": "x",
            "topic": "",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-description": "ohne Besitzer",
        },
    )
    assert incomplete.status_code == 400


@pytest.mark.django_db
def test_member_sees_which_action_items_are_overdue(client_as, group, champion, learner, home_page):
    from django.utils import timezone

    today = timezone.localdate()
    session = CoachingSession.objects.create(group=group, held_on=today, topic="Rückrufe")
    for text, days in (("Überfälliger Rückruf", -3), ("Offener Rückruf", 3)):
        ActionItem.objects.create(
            session=session,
            owner=learner,
            description=text,
            due_date=today + datetime.timedelta(days=days),
        )
    home = client_as(learner).get("/").content.decode()
    late = (today - datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    soon = (today + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    assert f"überfällig seit {late}" in home
    assert f"fällig am {soon}" in home and f"überfällig seit {soon}" not in home


@pytest.mark.django_db
def test_nudge_at_most_once_per_member_per_day(
    client_as, group, champion, learner, django_capture_on_commit_callbacks
):
    client = client_as(champion)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/champions/nudge/{learner.pk}/")
        client.post(f"/champions/nudge/{learner.pk}/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [learner.email]


@pytest.mark.django_db
def test_overdue_action_items_are_reminded_once_a_day(
    group, champion, learner, django_capture_on_commit_callbacks
):
    from champions.models import CoachingSession

    session = CoachingSession.objects.create(
        group=group, held_on=datetime.date(2026, 1, 5), topic="Start"
    )
    ActionItem.objects.create(
        session=session,
        owner=learner,
        description="Journey Map teilen",
        due_date=datetime.date(2026, 1, 10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_action_items.delay("2026-01-12").get() == 1
        assert remind_overdue_action_items.delay("2026-01-12").get() == 0
    assert len(mail.outbox) == 1 and "Journey Map teilen" in mail.outbox[0].subject


@pytest.mark.django_db
def test_dashboard_query_count_is_constant_in_group_size(client_as, group, champion):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(champion)
    client.get("/champions/dashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/champions/dashboard/")
    for _ in range(4):
        Membership.objects.create(group=group, user=UserFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get("/champions/dashboard/")
    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
def test_permissions_on_champion_views(client, client_as, group, learner, champion, hr_user):
    other_champion_user = UserFactory(roles=["Learner", "Champion"])
    ChampionProfile.objects.create(user=other_champion_user, status=ChampionStatus.ACTIVE)
    group_urls = [f"/champions/groups/{group.pk}/", f"/champions/groups/{group.pk}/sessions/new/"]
    for url in group_urls:
        assert client_as(learner).get(url).status_code == 404
        assert client_as(other_champion_user).get(url).status_code == 404
        assert client_as(champion).get(url).status_code == 200
        assert client_as(hr_user).get(url).status_code == 200
    assert client_as(learner).get("/champions/dashboard/").status_code == 403
    assert client_as(other_champion_user).post(f"/champions/nudge/{learner.pk}/").status_code == 404
    for url in ["/champions/manage/"]:
        assert client_as(learner).get(url).status_code == 403
        assert client_as(champion).get(url).status_code == 403
    assert (
        client_as(champion)
        .post(f"/champions/manage/{group.champion.pk}/status/", {"status": "retired"})
        .status_code
        == 403
    )
    assert client_as(learner).get("/champions/").status_code == 200  # directory for all staff
    client.logout()
    assert client.get("/champions/").status_code == 302
    # the dashboard shows only training data of my members
    html = client_as(other_champion_user).get("/champions/dashboard/").content.decode()
    assert str(learner.display_name) not in html


@pytest.mark.django_db
def test_directory_filters_and_photo(client_as, learner, group):
    from people.factories import LocationFactory

    hamburg = LocationFactory(name="Hamburg")
    group.champion.location = hamburg
    group.champion.focus_areas = ["complaints"]
    group.champion.save()
    client = client_as(learner)
    assert (
        group.champion.user.display_name
        in client.get(f"/champions/?location={hamburg.pk}").content.decode()
    )
    assert (
        group.champion.user.display_name
        not in client.get("/champions/?focus=omnichannel").content.decode()
    )
    assert client.get("/champions/?location=abc").status_code == 200


@pytest.mark.django_db
def test_ticking_off_an_action_item_never_redirects_off_site(client_as, group, learner):
    """Regression: next=//evil.example/ on the "done" POST was an open redirect."""
    session = CoachingSession.objects.create(group=group, held_on=datetime.date(2026, 1, 2))
    item = ActionItem.objects.create(
        session=session, owner=learner, description="x", due_date=datetime.date(2026, 2, 1)
    )
    client = client_as(learner)
    for target in ("//evil.example/", "/\\evil.example", "https://evil.example/"):
        response = client.post(f"/champions/action-items/{item.pk}/done/", {"next": target})
        assert response.status_code == 302 and response["Location"] == "/", target
    response = client.post(f"/champions/action-items/{item.pk}/done/", {"next": "/kurse/"})
    assert response["Location"] == "/kurse/"


def _bomb(side: int) -> SimpleUploadedFile:
    """A PNG of a few kilobytes that claims side x side pixels."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused_before_decoding(client_as, group, champion):
    """Regression: a 140 KB 12000x12000 PNG took the worker to 1.4 GB; 20000x20000 was a 500."""
    import resource

    client = client_as(champion)
    data = {"bio": "Hallo", "languages": "Deutsch", "capacity": 5, "focus_areas": ["feedback"]}
    bombs = [_bomb(12000), _bomb(20000)]
    assert all(bomb.size < 1024 * 1024 for bomb in bombs)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for bomb in bombs:
        response = client.post("/champions/profile/", {**data, "photo_upload": bomb})
        assert response.status_code == 400
        assert "megapixel" in response.content.decode().lower()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, f"peak memory grew by {grown_mb:.0f} MB"
    assert not ChampionProfile.objects.get(user=champion).photo


def test_wagtail_images_refuse_huge_dimensions(settings):
    from django.core.exceptions import ValidationError

    from wagtail.images.fields import WagtailImageField

    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000
    with pytest.raises(ValidationError):
        WagtailImageField().clean(_bomb(12000))


@pytest.mark.django_db
def test_line_breaks_never_reach_a_subject(
    client_as, group, champion, learner, django_capture_on_commit_callbacks
):
    """Regression: a CR/LF in an action item or a champion's name broke the reminder mails (the
    daily task failed every day, a nudge was a 500). Subjects are one line."""
    from champions.models import CoachingSession

    champion.first_name, champion.last_name = "Kim\r\nBcc: victim@evil.example", "Chef\n"
    champion.save()
    session = CoachingSession.objects.create(
        group=group, held_on=datetime.date(2026, 1, 5), topic="Start"
    )
    ActionItem.objects.create(
        session=session,
        owner=learner,
        description="Journey Map\r\nteilen\rbitte\n",
        due_date=datetime.date(2026, 1, 10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client_as(champion).post(f"/champions/nudge/{learner.pk}/").status_code == 302
        assert remind_overdue_action_items.delay("2026-01-12").get() == 1
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "\r" not in message.subject and "\n" not in message.subject
        assert message.message()["Bcc"] is None
        assert message.recipients() == [learner.email]
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("Journey Map teilen bitte" in s for s in subjects)
    assert any("Kim Bcc: victim@evil.example Chef" in s for s in subjects)

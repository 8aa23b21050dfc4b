"""Coaching sessions, action items and groups through their service functions."""

from __future__ import annotations

import datetime

import pytest

from django.core.exceptions import ValidationError

from accounts.factories import UserFactory
from accounts.models import AuditEntry
from champions import services
from champions.models import (
    ActionItem,
    ChampionProfile,
    ChampionStatus,
    CoachingGroup,
    CoachingSession,
    Membership,
)


@pytest.fixture
def group(db, champion, learner):
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="Runde Nord", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=learner)
    return group


@pytest.mark.django_db
def test_log_session_saves_attendance_and_agreed_action_items(group, champion, learner):
    session = services.log_session(
        group,
        held_on=datetime.date(2026, 11, 20),
        topic="Beschwerden",
        notes="Gute Runde",
        attendee_ids=[learner.pk],
        action_items=[
            services.AgreedActionItem(learner.pk, "Rückruf testen", datetime.date(2026, 12, 1))
        ],
        created_by=champion,
    )
    assert list(session.attendees.all()) == [learner]
    item = ActionItem.objects.get(session=session)
    assert (item.owner, item.description, item.due_date) == (
        learner,
        "Rückruf testen",
        datetime.date(2026, 12, 1),
    )


@pytest.mark.django_db
def test_log_session_refuses_outsiders_and_saves_nothing(group, champion, learner):
    outsider = UserFactory()
    with pytest.raises(ValidationError):
        services.log_session(
            group,
            held_on=datetime.date(2026, 11, 20),
            topic="Beschwerden",
            attendee_ids=[learner.pk],
            action_items=[services.AgreedActionItem(outsider.pk, "x", datetime.date(2026, 12, 1))],
            created_by=champion,
        )
    with pytest.raises(ValidationError):
        services.log_session(
            group,
            held_on=datetime.date(2026, 11, 20),
            topic="Beschwerden",
            attendee_ids=[outsider.pk],
            created_by=champion,
        )
    assert not CoachingSession.objects.exists() and not ActionItem.objects.exists()


@pytest.mark.django_db
def test_mark_action_item_done_keeps_the_first_tick(group, champion, learner):
    session = services.log_session(
        group,
        held_on=datetime.date(2026, 11, 20),
        topic="Beschwerden",
        action_items=[services.AgreedActionItem(learner.pk, "Anrufen", datetime.date(2026, 12, 1))],
        created_by=champion,
    )
    item = session.action_items.get()
    assert services.mark_action_item_done(item) is True
    first = ActionItem.objects.get(pk=item.pk).done_at
    assert first is not None and item.done_at == first
    assert services.mark_action_item_done(ActionItem.objects.get(pk=item.pk)) is False
    assert ActionItem.objects.get(pk=item.pk).done_at == first


@pytest.mark.django_db
def test_create_group_is_audited(group, hr_user):
    created = services.create_group(
        hr_user,
        name="Runde Süd",
        champion=group.champion,
        start_date=datetime.date(2026, 2, 1),
    )
    entry = AuditEntry.objects.get(action="champions.group_created")
    assert entry.actor == hr_user and entry.summary == "Runde Süd"
    assert CoachingGroup.objects.get(name="Runde Süd") == created

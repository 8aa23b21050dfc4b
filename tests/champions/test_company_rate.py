"""The company-wide completion rate on the champion dashboard: cached, dropped when it moves."""

from __future__ import annotations

import datetime

import pytest

from accounts.factories import UserFactory
from champions import services
from champions.models import ChampionProfile, ChampionStatus, CoachingGroup, Membership
from curriculum import services as progress


@pytest.fixture(autouse=True)
def _figures_of_few_people(small_groups_shown):
    """Figures of two or three people (suppression is tested in tests/accounts/test_privacy.py)."""


@pytest.fixture
def group(db, champion, learner):
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="Runde Süd", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=learner)
    return group


@pytest.mark.django_db
def test_company_rate_is_cached_and_follows_enrolments(
    client_as, group, learner, tree, django_assert_num_queries
):
    outsider = UserFactory()
    progress.enrol(outsider, tree.course)
    progress.enrol(learner, tree.course)
    assert services.company_completion_rate() == 0
    with django_assert_num_queries(0):  # from the cache: no scan of every enrolment
        assert services.company_completion_rate() == 0
    for lesson in tree.lessons:  # completing the course drops the cached figure
        progress.complete_lesson(outsider, lesson)
    assert services.company_completion_rate() == 50
    progress.open_lesson(learner, tree.lessons[1])  # "where I am" does not move the rate
    with django_assert_num_queries(0):
        assert services.company_completion_rate() == 50
    progress.enrol(UserFactory(), tree.course)  # a new enrolment does
    assert services.company_completion_rate() == 33
    html = client_as(group.champion.user).get("/champions/dashboard/").content.decode()
    assert "33" in html


@pytest.mark.django_db
def test_dashboard_queries_are_pinned(
    client_as, group, champion, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = client_as(champion)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/champions/dashboard/")  # fills the cache with the company rate
    # session, user, roles, groups coached, members, quiz trend, sessions per month, group rate,
    # assignments, overdue items, mastery, last sessions, enrolments, journey maps shared, floor
    # observations to do (the footer's site comes from the shared content cache); the log of who
    # viewed the members' results was written by the first visit today, so a reload writes nothing.
    with django_assert_num_queries(15):
        assert client.get("/champions/dashboard/").status_code == 200

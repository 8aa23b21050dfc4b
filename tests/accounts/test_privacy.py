"""The visibility policy: stored settings, HR's settings page (audited), the one decision module
and the transparency page that is generated from it."""

from __future__ import annotations

import datetime

import pytest

from django.urls import reverse

from accounts import privacy
from accounts.factories import UserFactory
from accounts.models import AuditEntry, PrivacySettings, QuizResults, ResultView
from champions.models import ChampionProfile, ChampionStatus, CoachingGroup, Membership
from people.factories import EmployeeProfileFactory

URL = "/account/privacy/"


def settings_post(**changes) -> dict:
    """A complete POST of the settings form: the defaults with `changes` applied."""
    stored = PrivacySettings()
    data = {}
    for role in privacy.ROLES:
        data[f"{role}_quiz_results"] = getattr(stored, f"{role}_quiz_results")
        for flag in ("individual_progress", "individual_observations"):
            if getattr(stored, f"{role}_{flag}"):
                data[f"{role}_{flag}"] = "on"
    data["min_group_size"] = stored.min_group_size
    data["show_views_to_subject"] = "on"
    for name in (
        "quiz_attempts_days",
        "reflections_days",
        "journey_maps_days",
        "observations_days",
        "audit_log_days",
        "view_log_days",
        "leavers_days",
    ):
        data[name] = getattr(stored, name)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True, email="root@cx-academy.example")


@pytest.mark.django_db
def test_defaults_before_anyone_saved(django_assert_num_queries):
    assert not PrivacySettings.objects.exists()
    privacy.forget_settings()
    with django_assert_num_queries(1):  # one read, then cached
        assert privacy.min_group_size() == 5
    assert privacy.policy_for(privacy.HR).quiz_results == QuizResults.PASS_FAIL
    assert privacy.policy_for(privacy.CHAMPION).individual_scores
    with django_assert_num_queries(0):  # cached for every later question
        privacy.policy_for(privacy.MANAGER)
        privacy.min_group_size()
    with pytest.raises(ValueError):
        privacy.policy_for("peer")


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_hr_and_admins_reach_the_settings_page(
    client, client_as, method, learner, champion, editor, hr_user, admin
):
    anonymous = getattr(client, method)(URL, settings_post())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for user in (learner, champion, editor):
        assert getattr(client_as(user), method)(URL, settings_post()).status_code == 403
    assert not PrivacySettings.objects.exists()  # nobody above changed anything
    for user in (hr_user, admin):
        response = getattr(client_as(user), method)(URL, settings_post())
        assert response.status_code == (200 if method == "get" else 302)


@pytest.mark.django_db
def test_hr_changes_the_policy_and_the_change_is_audited(client_as, hr_user):
    client = client_as(hr_user)
    page = client.get(URL).content.decode()
    assert "Mindestgruppengröße" in page
    response = client.post(
        URL,
        settings_post(
            champion_quiz_results=QuizResults.HIDDEN,
            champion_individual_progress=False,
            min_group_size=7,
            leavers_days=90,
        ),
    )
    assert response.status_code == 302
    assert privacy.policy_for(privacy.CHAMPION) == privacy.RolePolicy(
        privacy.CHAMPION, QuizResults.HIDDEN, False, False
    )
    assert privacy.min_group_size() == 7
    stored = PrivacySettings.objects.get()
    assert stored.leavers_days == 90 and stored.updated_by == hr_user
    entry = AuditEntry.objects.get(action="privacy.settings")
    assert entry.actor == hr_user
    assert entry.details["changes"]["min_group_size"] == ["5", "7"]
    assert entry.details["changes"]["champion_quiz_results"] == ["scores", "hidden"]
    assert set(entry.details["changes"]) == {
        "champion_quiz_results",
        "champion_individual_progress",
        "min_group_size",
        "leavers_days",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        ({"min_group_size": 1}, "2"),
        ({"min_group_size": "viele"}, ""),
        ({"hr_quiz_results": "everything"}, ""),
        ({"audit_log_days": 99999}, "3650"),
        ({"leavers_days": -5}, ""),
    ],
)
def test_bad_settings_are_refused_with_a_message(client_as, hr_user, change, message):
    response = client_as(hr_user).post(URL, settings_post(**change))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert message in response.content.decode()
    assert not PrivacySettings.objects.exists()
    assert not AuditEntry.objects.filter(action="privacy.settings").exists()


@pytest.mark.django_db
def test_suppress_small_hides_small_rows_and_one_more_so_none_can_be_subtracted():
    rows = [
        {"label": "Hamburg", "people": 12, "total": 30},
        {"label": "Kiel", "people": 6, "total": 9},
        {"label": "Sylt", "people": 2, "total": 2},
        {"label": "leer", "people": 0, "total": 0},
    ]
    shown = privacy.suppress_small(rows, min_size=5)
    assert [r["suppressed"] for r in shown] == [False, True, True, False]
    assert shown[2]["total"] is None and shown[1]["total"] is None and shown[1]["people"] is None
    assert shown[0]["total"] == 30 and shown[2]["label"] == "Sylt"
    # without the complement only the small row goes; two small rows need no complement
    assert [r["suppressed"] for r in privacy.suppress_small(rows, 5, complement=False)] == [
        False,
        False,
        True,
        False,
    ]
    rows.append({"label": "Föhr", "people": 1, "total": 1})
    assert [r["suppressed"] for r in privacy.suppress_small(rows, 5)] == [
        False,
        False,
        True,
        False,
        True,
    ]


@pytest.fixture
def team(db, champion):
    """A manager with one report, who is also in a coaching group of the champion."""
    manager = UserFactory(email="chefin@cx-academy.example")
    report = EmployeeProfileFactory(manager=manager).user
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="Runde", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=report)
    return {"manager": manager, "report": report}


@pytest.mark.django_db
def test_what_someone_sees_of_a_colleague_follows_their_relation(
    team, champion, hr_user, other_learner, privacy_settings
):
    manager, report = team["manager"], team["report"]
    privacy_settings(
        manager_quiz_results=QuizResults.PASS_FAIL,
        manager_individual_progress=True,
        champion_quiz_results=QuizResults.SCORES,
        champion_individual_progress=False,
        hr_quiz_results=QuizResults.HIDDEN,
        hr_individual_progress=False,
        hr_individual_observations=True,
    )
    assert privacy.relations(manager, report) == [privacy.MANAGER]
    assert privacy.relations(champion, report) == [privacy.CHAMPION]
    assert privacy.relations(report, report) == [privacy.SELF]
    assert privacy.relations(other_learner, report) == []
    assert not privacy.can_see_scores(manager, report) and privacy.can_see_pass_fail(
        manager, report
    )
    assert privacy.can_see_progress(manager, report)
    assert privacy.can_see_scores(champion, report) and not privacy.can_see_progress(
        champion, report
    )
    assert not privacy.can_see_pass_fail(hr_user, report)
    assert privacy.can_see_observations(hr_user, report)
    for check in (
        privacy.can_see_scores,
        privacy.can_see_pass_fail,
        privacy.can_see_progress,
        privacy.can_see_observations,
    ):
        assert not check(other_learner, report)  # a peer sees nothing
        assert check(report, report)  # everyone sees all of their own
    # someone holding two roles towards a person gets the more open of the two
    report.employee.manager = champion
    report.employee.save()
    champion.refresh_from_db()
    report.refresh_from_db()
    assert privacy.can_see_progress(champion, report)
    assert privacy.can_see_scores(champion, report)


@pytest.mark.django_db
def test_a_view_is_logged_once_per_day_and_never_for_oneself(team):
    manager, report = team["manager"], team["report"]
    privacy.record_view(manager, report, "team.person")
    privacy.record_view(manager, report, "team.person")
    privacy.record_views(manager, [report, manager], "team.person")
    privacy.record_view(report, report, "team.person")
    view = ResultView.objects.get()
    assert (view.viewer, view.subject, view.role) == (manager, report, privacy.MANAGER)
    assert list(privacy.views_of(report)) == [view]


@pytest.mark.django_db
def test_a_list_reloaded_the_same_day_writes_nothing_and_a_new_person_on_it_is_logged(
    team, django_assert_num_queries, django_capture_on_commit_callbacks
):
    manager, report = team["manager"], team["report"]
    newcomer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        privacy.record_views(manager, [report], "team.list", privacy.MANAGER)
    with django_assert_num_queries(0):
        privacy.record_views(manager, [report], "team.list", privacy.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.record_views(manager, [report, newcomer], "team.list", privacy.MANAGER)
    assert sorted(v.subject.pk for v in ResultView.objects.filter(what="team.list")) == sorted(
        [report.pk, newcomer.pk]
    )


@pytest.mark.django_db
def test_a_list_shown_in_a_request_that_was_rolled_back_is_logged_on_the_next_view(team):
    from django.db import transaction

    manager, report = team["manager"], team["report"]

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        privacy.record_views(manager, [report], "team.list", privacy.MANAGER)
        raise RolledBack
    assert not ResultView.objects.filter(what="team.list").exists()
    privacy.record_views(manager, [report], "team.list", privacy.MANAGER)
    assert ResultView.objects.filter(what="team.list", subject=report).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_transparency_page_reflects_the_current_settings(
    client_as, learner, privacy_settings, language
):
    client = client_as(learner)
    learner.preferred_language = language
    learner.save()
    html = client.get("/account/transparency/").content.decode()
    words = {
        "de": ("Transparenz", "Nur bestanden oder nicht bestanden", "730 Tage", "weniger als 5"),
        "en": ("Transparency", "Only passed or not passed", "730 days", "fewer than 5"),
    }[language]
    for word in words:
        assert word in html, word
    privacy_settings(min_group_size=8, quiz_attempts_days=400, hr_quiz_results=QuizResults.HIDDEN)
    html = client.get("/account/transparency/").content.decode()
    changed = {
        "de": ("400 Tage", "weniger als 8", "Nichts Individuelles"),
        "en": ("400 days", "fewer than 8", "Nothing individual"),
    }[language]
    for word in changed:
        assert word in html, word


@pytest.mark.django_db
def test_the_transparency_page_needs_a_log_in_and_is_linked_from_every_page(
    client, client_as, learner
):
    response = client.get("/account/transparency/")
    assert response.status_code == 302
    assert client.post("/account/transparency/").status_code in (302, 405)
    html = client_as(learner).get("/account/").content.decode()
    assert reverse("accounts:transparency") in html
    assert client_as(learner).post("/account/transparency/").status_code == 405


@pytest.mark.django_db
def test_xapi_and_webhooks_carry_only_what_hrs_policy_shows(privacy_settings, learner):
    from api import webhooks, xapi
    from api.models import WebhookEndpoint

    def statements():
        quiz = {"objectType": "Activity", "id": "https://academy.example/q"}
        result = {"score": {"raw": 80.0}, "success": True, "completion": True}
        return [
            xapi.statement(learner, "attempted", quiz),
            xapi.statement(learner, "passed", quiz, result=result),
        ]

    privacy_settings(hr_quiz_results=QuizResults.SCORES)
    assert xapi.allowed_by_policy(statements())[1]["result"]["score"] == {"raw": 80.0}
    privacy_settings(hr_quiz_results=QuizResults.PASS_FAIL)
    kept = xapi.allowed_by_policy(statements())
    assert "score" not in kept[1]["result"] and kept[1]["result"]["success"] is True
    privacy_settings(hr_quiz_results=QuizResults.HIDDEN)
    assert [s["verb"]["display"]["en-US"] for s in xapi.allowed_by_policy(statements())] == [
        "attempted"
    ]
    WebhookEndpoint.objects.create(
        url="https://hr.example/hook", events=["course.completed"], secret="whsec_x"
    )
    assert len(webhooks.emit("course.completed", {"user": learner.pk})) == 1
    privacy_settings(hr_individual_progress=False)
    assert xapi.allowed_by_policy(statements()) == []
    assert webhooks.emit("course.completed", {"user": learner.pk}) == []

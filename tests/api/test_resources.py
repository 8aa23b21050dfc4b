"""The REST API as another system meets it: tokens, scopes, pages, incremental sync, audit."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from api.models import ApiToken
from curriculum import services as progress
from people.factories import DepartmentFactory, EmployeeProfileFactory, TeamFactory
from quizzes import services as quiz_services
from quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

# resource list URL name -> the family a token needs
RESOURCES = {
    "api:employee-list": "people",
    "api:department-list": "people",
    "api:location-list": "people",
    "api:team-list": "people",
    "api:course-list": "learning",
    "api:learning-path-list": "learning",
    "api:enrolment-list": "learning",
    "api:lesson-completion-list": "learning",
    "api:quiz-attempt-list": "learning",
    "api:certificate-list": "learning",
    "api:assignment-list": "assignments",
    "api:champion-group-list": "champions",
}
FAMILIES = ("people", "learning", "assignments", "champions", "scim")


@pytest.fixture
def learning_world(tree, learner):
    """The learner completed the course (certificate) and submitted a quiz attempt."""
    EmployeeProfileFactory(user=learner)
    for lesson in tree.lessons:
        progress.complete_lesson(learner, lesson)
    quiz = QuizFactory()
    QuestionFactory(quiz=quiz)
    quiz_services.submit_attempt(quiz_services.start_attempt(learner, quiz))
    return tree


@pytest.mark.parametrize("family", FAMILIES)
def test_each_resource_answers_only_tokens_scoped_for_its_family(
    learning_world, make_token, api_client, family
):
    """A token reads exactly the families it was given; everything else is 403."""
    _token, key = make_token({family: "read"})
    client = api_client(key)
    wrong = []
    for url_name, needed in RESOURCES.items():
        status = client.get(reverse(url_name)).status_code
        expected = 200 if needed == family else 403
        if status != expected:
            wrong.append(f"{url_name}: {status} != {expected}")
    assert not wrong, "\n".join(wrong)


def test_without_or_with_a_wrong_token_everything_is_401(learning_world, api_client):
    for key in (None, "cxa_deadbeef_nope", "not-even-our-format"):
        client = api_client(key)
        for url_name in RESOURCES:
            response = client.get(reverse(url_name))
            assert response.status_code == 401, (key, url_name)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_logged_in_session_is_not_enough_for_resources(client, hr_user):
    client.force_login(hr_user)
    assert client.get(reverse("api:employee-list")).status_code == 401


def test_revoked_token_stops_working_and_its_use_is_audited(make_token, api_client, hr_user):
    token, key = make_token({"people": "read"})
    client = api_client(key)
    assert client.get(reverse("api:department-list")).status_code == 200
    from api import services

    services.revoke_token(hr_user, token)
    response = client.get(reverse("api:department-list"))
    assert response.status_code == 401
    assert "widerrufen" in response.json()["detail"]
    refused = AuditEntry.objects.get(action="api.token_refused")
    assert refused.details["reason"] == "revoked"
    assert refused.details["token_id"] == token.pk


def test_expired_token_is_refused(make_token, api_client):
    _token, key = make_token({"people": "read"}, valid_days=1)
    client = api_client(key)
    assert client.get(reverse("api:department-list")).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, seconds=5)):
        response = client.get(reverse("api:department-list"))
    assert response.status_code == 401
    assert "abgelaufen" in response.json()["detail"]


def test_every_use_is_audited_with_method_path_and_status(make_token, api_client):
    token, key = make_token({"people": "read"})
    client = api_client(key)
    client.get(reverse("api:department-list") + "?updated_since=2020-01-01")
    client.get(reverse("api:course-list"))  # out of scope: 403, audited too
    entries = AuditEntry.objects.filter(action="api.token_used").order_by("id")
    assert [(e.details["path"], e.details["status"]) for e in entries] == [
        ("/api/v1/departments/?updated_since=2020-01-01", 200),
        ("/api/v1/courses/", 403),
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_rate_limit_per_token(make_token, api_client):
    _token, key = make_token({"people": "read"}, rate_limit_per_minute=3)
    _other, other_key = make_token({"people": "read"}, rate_limit_per_minute=3, name="other")
    url = reverse("api:department-list")
    with time_machine.travel(datetime.datetime(2026, 5, 4, 10, 0, 5, tzinfo=datetime.UTC)):
        statuses = [api_client(key).get(url).status_code for _ in range(4)]
        response = api_client(key).get(url)
        other = api_client(other_key).get(url).status_code
    assert statuses == [200, 200, 200, 429]
    assert int(response["Retry-After"]) == 55
    assert other == 200  # the limit is per token
    with time_machine.travel(datetime.datetime(2026, 5, 4, 10, 1, 1, tzinfo=datetime.UTC)):
        assert api_client(key).get(url).status_code == 200  # next minute


def test_incremental_sync_with_updated_since_and_cursor_pages(make_token, api_client):
    """A nightly sync: first everything page by page, then only what changed since."""
    start = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        old = [DepartmentFactory(name=f"Alt {n}") for n in range(5)]
    _token, key = make_token({"people": "read"})
    client = api_client(key)
    names, url = [], reverse("api:department-list") + "?page_size=2"
    while url:
        body = client.get(url).json()
        names += [row["name"] for row in body["results"]]
        url = body["next"]
    assert names == [d.name for d in old]
    synced_at = start + datetime.timedelta(hours=1)
    with time_machine.travel(synced_at + datetime.timedelta(minutes=5), tick=False):
        renamed = old[2]
        renamed.name = "Umbenannt"
        renamed.save()
        DepartmentFactory(name="Neu")
    body = client.get(
        reverse("api:department-list"), {"updated_since": synced_at.isoformat()}
    ).json()
    assert [row["name"] for row in body["results"]] == ["Umbenannt", "Neu"]


def test_employee_changes_on_the_user_count_as_changes(make_token, api_client, learner):
    with time_machine.travel(datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC), tick=False):
        EmployeeProfileFactory(user=learner)
        EmployeeProfileFactory()
    _token, key = make_token({"people": "read"})
    learner.last_name = "Neuname"
    learner.save()
    rows = (
        api_client(key)
        .get(reverse("api:employee-list"), {"updated_since": "2026-03-02"})
        .json()["results"]
    )
    assert [(r["id"], r["last_name"]) for r in rows] == [(learner.pk, "Neuname")]


def test_bad_updated_since_is_a_clear_400(make_token, api_client):
    _token, key = make_token({"people": "read"})
    response = api_client(key).get(reverse("api:department-list"), {"updated_since": "gestern"})
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["updated_since"][0]


def test_bad_cursor_and_unknown_ids(make_token, api_client):
    _token, key = make_token({"people": "read"})
    client = api_client(key)
    assert client.get(reverse("api:department-list"), {"cursor": "zzz"}).status_code == 404
    assert client.get(reverse("api:employee-detail", kwargs={"pk": 999999})).status_code == 404
    assert client.get("/api/v1/employees/abc/").status_code == 404


def test_employee_shape_and_constant_queries(
    make_token, api_client, learner, django_assert_num_queries
):
    boss = EmployeeProfileFactory().user
    team = TeamFactory()
    EmployeeProfileFactory(user=learner, manager=boss, team=team, department=team.department)
    _token, key = make_token({"people": "read"})
    client = api_client(key)
    url = reverse("api:employee-list")
    row = next(r for r in client.get(url).json()["results"] if r["id"] == learner.pk)
    assert row["email"] == learner.email
    assert row["manager"] == {"id": boss.pk, "email": boss.email}
    assert row["team"] == {"id": team.pk, "name": team.name}
    assert row["department"]["name"] == team.department.name
    assert row["is_active"] is True
    # 4 for auth, rate limit is the cache; 1 page; 2 for audit (last used, entry)
    with django_assert_num_queries(4):
        client.get(url)
    EmployeeProfileFactory.create_batch(10, manager=boss, team=team)
    with django_assert_num_queries(4):
        assert len(client.get(url).json()["results"]) == 12


def test_learning_resources_show_progress_scores_and_certificates(
    learning_world, make_token, api_client, learner
):
    _token, key = make_token({"learning": "read"})
    client = api_client(key)
    course = learning_world.course
    courses = client.get(reverse("api:course-list")).json()["results"]
    assert [c["id"] for c in courses] == [course.pk]
    paths = client.get(reverse("api:learning-path-list")).json()["results"]
    assert paths[0]["courses"] == [course.pk]
    enrolment = client.get(reverse("api:enrolment-list")).json()["results"][0]
    assert enrolment["progress"] == {"done": 3, "total": 3, "percent": 100}
    assert enrolment["completed_at"]
    completions = client.get(reverse("api:lesson-completion-list")).json()["results"]
    assert sorted(c["lesson"] for c in completions) == sorted(
        lesson.pk for lesson in learning_world.lessons
    )
    certificate = client.get(reverse("api:certificate-list")).json()["results"][0]
    assert certificate["verification_url"].endswith(
        reverse("curriculum:verify_certificate", kwargs={"code": certificate["code"]})
    )
    assert certificate["expires_at"] is None


def test_quiz_attempts_show_scores_never_answers(
    tree, learner, make_token, api_client, privacy_settings
):
    privacy_settings(hr_quiz_results="scores")  # the default shows HR (and tokens) pass/fail only
    quiz = QuizFactory()
    QuestionFactory(quiz=quiz)
    quiz_services.start_attempt(learner, quiz)  # still open: not listed
    other = QuizFactory()
    QuestionFactory(quiz=other)
    submitted = quiz_services.submit_attempt(quiz_services.start_attempt(learner, other))
    _token, key = make_token({"learning": "read"})
    rows = api_client(key).get(reverse("api:quiz-attempt-list")).json()["results"]
    assert [row["id"] for row in rows] == [submitted.pk]
    row = rows[0]
    assert "answers" not in row and "question_scores" not in row
    assert row["score_percent"] == "0.00" and row["passed"] is False
    assert row["quiz"] == {"id": other.pk, "title": other.title}
    privacy_settings(hr_quiz_results="pass_fail")
    row = api_client(key).get(reverse("api:quiz-attempt-list")).json()["results"][0]
    assert row["score_percent"] is None and row["passed"] is False


def test_schema_for_tokens_and_hr_only(client, client_as, hr_user, learner, make_token, api_client):
    _token, key = make_token({"people": "read"})
    response = api_client(key).get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert client.get(reverse("api:schema")).status_code == 401
    assert client_as(learner).get(reverse("api:schema")).status_code == 403
    schema = client_as(hr_user).get(reverse("api:schema") + "?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/employees/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/assignments/"]


def test_docs_page_for_hr_only_with_vendored_assets(client, client_as, hr_user, learner):
    assert client.get(reverse("api:docs")).status_code == 302
    assert client_as(learner).get(reverse("api:docs")).status_code == 403
    page = client_as(hr_user).get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    script = client_as(hr_user).get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert reverse("api:schema") in script.content.decode()


def test_hr_creates_a_token_in_the_ui_sees_it_once_and_revokes_it(client_as, hr_user, api_client):
    client = client_as(hr_user)
    page = client.post(
        reverse("api:tokens"),
        {
            "name": "Personio",
            "valid_days": "90",
            "rate_limit_per_minute": "60",
            "scope_people": "read",
            "scope_assignments": "write",
        },
    )
    assert page.status_code == 200
    key = page.context["new_key"]
    assert key.startswith("cxa_")
    token = ApiToken.objects.get(name="Personio")
    assert key not in token.key_hash and len(token.key_hash) == 64
    assert token.scopes == {"people": "read", "assignments": "write"}
    assert api_client(key).get(reverse("api:department-list")).status_code == 200
    again = client.get(reverse("api:tokens"))
    assert key not in again.content.decode()  # shown once
    assert "Personio" in again.content.decode()
    client.post(reverse("api:revoke_token", kwargs={"token_id": token.pk}))
    assert api_client(key).get(reverse("api:department-list")).status_code == 401
    assert AuditEntry.objects.filter(action="api.token_revoked", actor=hr_user).exists()


def test_token_form_refuses_a_token_without_any_access(client_as, hr_user):
    page = client_as(hr_user).post(
        reverse("api:tokens"), {"name": "x", "valid_days": "10", "rate_limit_per_minute": "5"}
    )
    assert page.status_code == 200
    assert page.context["new_key"] is None
    assert "mindestens einen Bereich" in page.content.decode()
    assert not ApiToken.objects.exists()

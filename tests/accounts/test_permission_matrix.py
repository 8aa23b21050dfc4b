"""Every URL pattern of the project, tried as anonymous, learner, champion, HR and editor.

The list of patterns comes from the URL resolver, so a new view that is missing from EXPECTED
fails this test. Wagtail's own admin/documents views, allauth's views and the Wagtail page
catch-all are tested by their projects and by the page tests, and are skipped by prefix."""

from __future__ import annotations

import pytest

from django.urls import URLPattern, URLResolver, get_resolver, reverse

SKIPPED_PREFIXES = ("admin/", "documents/", "accounts/", "^static/", "media/")
ROLES = ("anonymous", "learner", "champion", "hr", "editor")

LOGIN, OK, FORBIDDEN, MISSING, NOT_ALLOWED, GONE = 302, 200, 403, 404, 405, 410
UNAUTHORIZED = 401  # the REST API answers sessions like anonymous callers: it wants a token


def everyone(status):
    return dict.fromkeys(ROLES, status)


def logged_in(status, anonymous=LOGIN):
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], status)}


def only(roles, status=OK, others=FORBIDDEN):
    return {"anonymous": LOGIN, **{r: (status if r in roles else others) for r in ROLES[1:]}}


def owner(status=OK, others=MISSING):
    """Object belongs to the learner."""
    return {"anonymous": LOGIN, "learner": status, **dict.fromkeys(ROLES[2:], others)}


# url name -> (kwargs builder name, {role: expected GET status})
EXPECTED = {
    "switch_language": (None, everyone(NOT_ALLOWED)),
    "accounts:account": (None, logged_in(OK)),
    "accounts:data_download": ("fmt_json", logged_in(OK)),
    "accounts:invite": (None, only({"hr"})),
    "accounts:accept_invitation": ("bad_token", everyone(GONE)),
    "accounts:audit_log": (None, only({"hr"})),
    "accounts:privacy_settings": (None, only({"hr"})),
    "accounts:transparency": (None, logged_in(OK)),
    "accounts:data_requests": (None, only({"hr"})),
    "accounts:person_data": ("learner_data_json", only({"hr"})),
    "accounts:erase_person": ("learner_user", only({"hr"})),
    "quizzes:start": ("quiz", everyone(NOT_ALLOWED)),
    "quizzes:history": ("quiz", logged_in(OK)),
    "quizzes:statistics": ("quiz", only({"hr", "editor"})),
    "quizzes:attempt": ("attempt", owner()),
    "quizzes:save": ("attempt", everyone(NOT_ALLOWED)),
    "quizzes:submit": ("attempt", everyone(NOT_ALLOWED)),
    "quizzes:result": (
        "attempt",
        owner(status=302),
    ),  # open attempt: result redirects to the questions
    "journeys:add_touchpoint": ("exercise", everyone(NOT_ALLOWED)),
    "journeys:edit_touchpoint": ("touchpoint", everyone(NOT_ALLOWED)),
    "journeys:delete_touchpoint": ("touchpoint", everyone(NOT_ALLOWED)),
    "journeys:map": ("journey_map", owner()),  # not shared: even the learner's champion gets 404
    "journeys:top_three": ("journey_map", everyone(NOT_ALLOWED)),
    "journeys:share": ("journey_map", everyone(NOT_ALLOWED)),
    "journeys:download": ("journey_map_pdf", owner()),
    "journeys:insights": (None, only({"hr"})),
    "champions:directory": (None, logged_in(OK)),
    "champions:apply": (
        None,
        {**logged_in(OK), "champion": 302},
    ),  # a champion already has a profile
    "champions:nominate": ("learner_user", logged_in(MISSING)),  # only the nominee's manager
    "champions:profile": (None, {**logged_in(MISSING), "champion": OK}),
    "champions:dashboard": (None, only({"champion"})),
    "champions:nudge": ("learner_user", only({"champion"})),  # the champion coaches the learner
    "champions:manage": (None, only({"hr"})),
    "champions:set_status": ("champion_profile", everyone(NOT_ALLOWED)),
    "champions:create_group": (None, everyone(NOT_ALLOWED)),
    "champions:auto_assign": (None, everyone(NOT_ALLOWED)),
    "champions:group": ("group", only({"champion", "hr"}, others=MISSING)),
    "champions:log_session": ("group", only({"champion", "hr"}, others=MISSING)),
    "champions:session": ("session", only({"champion", "hr"}, others=MISSING)),
    "champions:complete_action_item": ("action_item", everyone(NOT_ALLOWED)),
    "champions:observations": (None, logged_in(OK)),
    "champions:observe_start": (None, only({"champion"})),
    # an observation: the observed learner and the observing champion; never HR or peers
    "champions:observation": ("observation", {**logged_in(MISSING), "learner": OK, "champion": OK}),
    "champions:observation_edit": ("observation_draft", {**logged_in(MISSING), "champion": OK}),
    "champions:observation_autosave": ("observation_draft", everyone(NOT_ALLOWED)),
    "champions:observation_acknowledge": ("observation", everyone(NOT_ALLOWED)),
    "champions:observation_follow_up": ("observation", everyone(NOT_ALLOWED)),
    "champions:skills": (None, only({"champion", "hr"})),
    "champions:person_skills": (
        "learner_user",
        {**logged_in(MISSING), "learner": OK, "champion": OK},
    ),
    "people:employees": (None, only({"hr"})),
    "people:import": (None, only({"hr"})),
    "people:import_detail": ("import_job", only({"hr"}, status=400)),  # the file has errors
    "people:import_progress": ("import_job", only({"hr"})),
    "people:import_create_units": ("import_job", only({"hr"}, status=NOT_ALLOWED)),
    "people:import_apply": ("import_job", only({"hr"}, status=NOT_ALLOWED)),
    "people:import_send_invitations": ("import_job", only({"hr"}, status=NOT_ALLOWED)),
    "people:import_restart": ("import_job", only({"hr"}, status=NOT_ALLOWED)),
    "people:units": ("unit_kind", only({"hr"})),
    "people:unit_new": ("unit_kind", only({"hr"})),
    "people:unit_edit": ("unit", only({"hr"})),
    "people:unit_merge": ("unit", only({"hr"})),
    "people:unit_active": ("unit", only({"hr"}, status=NOT_ALLOWED)),
    "assignments:rules": (None, only({"hr"})),
    "assignments:target_count": (None, only({"hr"})),
    "reports:dashboard": (None, only({"hr"})),
    "reports:people": ("dimension", only({"hr"})),
    "reports:remind": ("dimension", only({"hr"})),  # the confirmation (nobody listed: no value)
    "reports:person": ("learner_user", only({"hr"})),
    "reports:export": ("dimension_csv", only({"hr"})),
    "reports:mails": (None, only({"hr"})),
    "reports:recertification": (None, only({"hr"})),
    "reports:recertification_export": ("fmt_csv", only({"hr"})),
    # My team is for people with direct reports; none of these roles leads anyone here (the
    # manager's own rights are in tests/team).
    "team:overview": (None, only(set())),
    "team:export": ("fmt_csv", only(set())),
    "team:member": ("learner_user", only(set())),
    "team:remind": (None, everyone(NOT_ALLOWED)),
    "team:assign": (None, everyone(NOT_ALLOWED)),
    "reports:retry_mail": ("outbox_message", everyone(NOT_ALLOWED)),
    "health_live": (None, everyone(OK)),
    "health_ready": (None, everyone(OK)),
    "curriculum:start_course": ("course", everyone(NOT_ALLOWED)),
    "curriculum:mark_lesson_done": ("lesson", everyone(NOT_ALLOWED)),
    "curriculum:save_reflection": ("reflection", everyone(NOT_ALLOWED)),
    "curriculum:search": (None, logged_in(OK)),
    "curriculum:catalogue": (None, logged_in(302)),  # to the catalogue page in their language
    "curriculum:verify_certificate_form": (None, everyone(OK)),
    "curriculum:download_certificate": ("certificate", owner()),
    "curriculum:verify_certificate": ("certificate", everyone(OK)),
    "curriculum:certificates": (None, only({"hr"})),
    "curriculum:certificate_name": ("certificate", only({"hr"})),
    "pocket:manifest": (None, everyone(OK)),
    "pocket:service_worker": (None, everyone(OK)),
    "pocket:offline": (None, everyone(OK)),
    "pocket:offline_lessons": (None, logged_in(OK)),
    "pocket:minute": (None, logged_in(OK)),
    "pocket:minute_answer": ("review_card", everyone(NOT_ALLOWED)),
    "pocket:push_subscribe": (None, everyone(NOT_ALLOWED)),
    "pocket:push_unsubscribe": (None, everyone(NOT_ALLOWED)),
    "pocket:push_preferences": (None, everyone(NOT_ALLOWED)),
    "pocket:retention": (None, only({"champion", "hr"})),  # aggregates only
    "outcomes:overview": (None, only({"hr"})),
    "outcomes:unit": ("outcome_unit", only({"hr"}, others=FORBIDDEN)),
    "outcomes:unit_export": ("outcome_unit_csv", only({"hr"})),
    "outcomes:figures": (None, only({"hr"})),
    "outcomes:metric_create": (None, everyone(NOT_ALLOWED)),
    "outcomes:figure_upload": ("figure_upload", only({"hr"})),
    "outcomes:feedback_overview": (None, only({"hr", "editor"})),
    "outcomes:feedback_course": ("course", only({"hr", "editor"})),
    # the learner finished the course; the others have not: back to the course page
    "outcomes:feedback_answer": ("course", {**everyone(302), "learner": OK}),
    "api:schema": (None, {**only({"hr"}), "anonymous": UNAUTHORIZED}),
    "api:docs": (None, only({"hr"})),
    "api:tokens": (None, only({"hr"})),
    "api:revoke_token": ("api_token", only({"hr"}, status=NOT_ALLOWED)),
    "api:webhooks": (None, only({"hr"})),
    "api:webhook_log": ("webhook_endpoint", only({"hr"})),
    "api:scim_config": (None, everyone(UNAUTHORIZED)),
    "api:scim_resource_types": (None, everyone(UNAUTHORIZED)),
    "api:scim_resource_type": ("scim_type", everyone(UNAUTHORIZED)),
    "api:scim_schemas": (None, everyone(UNAUTHORIZED)),
    "api:scim_schema": ("scim_schema", everyone(UNAUTHORIZED)),
    "api:scim_users": (None, everyone(UNAUTHORIZED)),
    "api:scim_user": ("scim_user", everyone(UNAUTHORIZED)),
    "api:scim_groups": (None, everyone(UNAUTHORIZED)),
    "api:scim_group": ("scim_group", everyone(UNAUTHORIZED)),
    "api:employee-list": (None, everyone(UNAUTHORIZED)),
    "api:employee-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:department-list": (None, everyone(UNAUTHORIZED)),
    "api:department-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:location-list": (None, everyone(UNAUTHORIZED)),
    "api:location-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:team-list": (None, everyone(UNAUTHORIZED)),
    "api:team-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:course-list": (None, everyone(UNAUTHORIZED)),
    "api:course-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:learning-path-list": (None, everyone(UNAUTHORIZED)),
    "api:learning-path-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:enrolment-list": (None, everyone(UNAUTHORIZED)),
    "api:enrolment-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:lesson-completion-list": (None, everyone(UNAUTHORIZED)),
    "api:lesson-completion-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:quiz-attempt-list": (None, everyone(UNAUTHORIZED)),
    "api:quiz-attempt-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:certificate-list": (None, everyone(UNAUTHORIZED)),
    "api:certificate-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:assignment-list": (None, everyone(UNAUTHORIZED)),
    "api:assignment-detail": ("api_pk", everyone(UNAUTHORIZED)),
    "api:champion-group-list": (None, everyone(UNAUTHORIZED)),
    "api:champion-group-detail": ("api_pk", everyone(UNAUTHORIZED)),
}


def project_url_names() -> set[str]:
    """Every named URL pattern outside the skipped third-party prefixes."""
    names = set()

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES) or "wagtail" in str(
                getattr(pattern, "urlconf_name", "")
            ):
                continue
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, ns)
            elif (
                isinstance(pattern, URLPattern) and pattern.name and pattern.name != "wagtail_serve"
            ):
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_project_url_is_in_the_matrix():
    assert project_url_names() == set(EXPECTED), "update EXPECTED for new or removed views"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    """Every project URL answers each role with the expected status (one world per role)."""
    kwargs_by_key, users = world
    if role != "anonymous":
        client.force_login(users[role])
    wrong = []
    for url_name, (key, expected) in sorted(EXPECTED.items()):
        url = reverse(url_name, kwargs=kwargs_by_key[key] if key else None)
        status = client.get(url).status_code
        if status != expected[role]:
            wrong.append(f"{url_name}: {status} != {expected[role]}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


# --- POST column ------------------------------------------------------------------------------
# Every URL above is also POSTed by every role (an empty form: most forms are then shown again,
# 200; some answer 400 or redirect with a message). Listed here: the roles whose POST reaches the
# view, with the status it answers.
# Every role not listed must be turned away (log-in redirect, 401, 403, 404, 405, 410) without a
# single write to the database. Accepted POSTs are rolled back before the next URL is tried.
LEARNERS = ("learner", "champion", "hr", "editor")  # every employee is a learner too


def roles_get(status, roles=LEARNERS):
    return dict.fromkeys(roles, status)


POST_EXPECTED: dict[str, dict[str, int]] = {
    "switch_language": {**roles_get(400), "anonymous": 400},  # no language chosen
    "accounts:account": roles_get(200),  # own name/language form, re-shown with its errors
    "accounts:erase_person": {"hr": 400},  # nothing confirmed: the preview with its error
    "accounts:invite": {"hr": 200},
    "accounts:privacy_settings": {"hr": 200},  # the settings form re-shown with its errors
    "api:tokens": {"hr": 200},
    "api:webhook_log": {"hr": 302},  # sends a test event to the endpoint
    "api:webhooks": {"hr": 200},
    "assignments:rules": {"hr": 200},
    "champions:apply": {**roles_get(200), "champion": 302},  # a champion already has a profile
    "champions:auto_assign": {"hr": 302},
    "champions:complete_action_item": {"learner": 302},  # the item's owner
    "champions:create_group": {"hr": 302},
    "champions:group": {"hr": 302},
    "champions:log_session": {"champion": 400, "hr": 400},
    "champions:nudge": {"champion": 302},  # the learner's coach
    "champions:observation_acknowledge": {"learner": 302, "champion": 302},
    "champions:observation_autosave": {"champion": 200},
    "champions:observation_edit": {"champion": 302},
    "champions:observation_follow_up": {"learner": 302, "champion": 302},
    "champions:observe_start": {"champion": 400},
    "champions:profile": {"champion": 200},
    "champions:set_status": {"hr": 302},
    "curriculum:mark_lesson_done": roles_get(302),  # each for themselves
    "curriculum:save_reflection": roles_get(302),
    "curriculum:start_course": roles_get(302),
    "curriculum:certificate_name": {"hr": 200},
    "journeys:add_touchpoint": roles_get(400),  # to their own map of the exercise
    "journeys:delete_touchpoint": {"learner": 302},  # the map's owner only
    "journeys:edit_touchpoint": {"learner": 400},
    "journeys:map": {"learner": 200},
    "journeys:share": {"learner": 302},
    "journeys:top_three": {"learner": 302},
    "outcomes:feedback_answer": roles_get(302) | {"learner": 200},  # others: back to the course
    "outcomes:figure_upload": {"hr": 302},
    "outcomes:figures": {"hr": 200},
    "outcomes:metric_create": {"hr": 400},
    "pocket:minute_answer": roles_get(400),  # card 1 is nobody's: "not in your CX-Minute"
    "pocket:push_subscribe": roles_get(400),  # each for their own device; {} is no subscription
    "pocket:push_unsubscribe": roles_get(400),
    "pocket:push_preferences": roles_get(302),  # each their own choice (none ticked is valid)
    "people:import": {"hr": 200},
    "people:import_apply": {"hr": 302},
    "people:import_create_units": {"hr": 302},
    "people:import_send_invitations": {"hr": 302},
    "people:import_restart": {"hr": 302},
    "people:unit_active": {"hr": 302},
    "people:unit_edit": {"hr": 200},
    "people:unit_merge": {"hr": 200},
    "people:unit_new": {"hr": 200},
    "quizzes:save": {"learner": 302},  # the attempt's owner
    "quizzes:start": roles_get(302),
    "quizzes:submit": {"learner": 302},
    "reports:remind": {"hr": 302},  # nobody listed: back to the list, nobody reminded
    "reports:retry_mail": {"hr": 302},
}

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
UNTRACKED_TABLES = ("django_session",)  # a log-in redirect may keep `next`/messages there


def writes_in(queries) -> list[str]:
    """The SQL statements that changed a table (a session update aside)."""
    return [
        query["sql"][:120]
        for query in queries
        if query["sql"].lstrip().upper().startswith(WRITES)
        and not any(table in query["sql"] for table in UNTRACKED_TABLES)
    ]


def refused(response) -> bool:
    """The request was turned away before the view did anything."""
    if response.status_code in (UNAUTHORIZED, FORBIDDEN, MISSING, NOT_ALLOWED, GONE):
        return True
    return response.status_code == LOGIN and response["Location"].startswith("/accounts/login/")


def test_the_post_column_names_only_known_urls():
    assert set(POST_EXPECTED) <= set(EXPECTED)
    assert all(set(roles) <= set(ROLES) for roles in POST_EXPECTED.values())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(client, world, role):
    """Every project URL POSTed by each role: accepted only where POST_EXPECTED says so, with that
    status; everywhere else refused, and a refused POST writes nothing to the database."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from wagtail.users.models import UserProfile

    kwargs_by_key, users = world
    if role != "anonymous":
        client.force_login(users[role])
        UserProfile.get_for_user(users[role])  # Wagtail creates it on an editor's first page
    wrong = []
    for url_name, (key, _get) in sorted(EXPECTED.items()):
        url = reverse(url_name, kwargs=kwargs_by_key[key] if key else None)
        expected = POST_EXPECTED.get(url_name, {}).get(role)
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                response = client.post(url, {})
            transaction.set_rollback(True)  # the next URL meets the same world
        if expected is not None:
            if response.status_code != expected:
                wrong.append(f"{url_name}: POST {response.status_code} != {expected}")
        elif not refused(response):
            wrong.append(f"{url_name}: POST accepted ({response.status_code}), should be refused")
        elif writes_in(queries.captured_queries):
            written = writes_in(queries.captured_queries)
            wrong.append(f"{url_name}: refused ({response.status_code}) but wrote {written}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)

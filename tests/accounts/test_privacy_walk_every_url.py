"""Under the strictest visibility policy, EVERY project URL that HR, a manager or a champion can
open is walked (the list comes from the URL resolver, ids from the permission-matrix world), and
nothing individual may show: no result of the learner (certificate, observation notes, journey
map, reflection, due date of their training) anywhere, and their name only on the pages listed
below with the reason why a name there reveals no result.

The REST and SCIM API is walked the same way with an HR token that may read everything.
A new view is walked automatically: if it shows a person's result, or names a person on a page
not listed here, this test fails. (Deeper checks of the report tables, exports, small-group
suppression and the e-mail digests are in tests/reports/test_privacy_walk.py.)"""

from __future__ import annotations

import datetime

import pytest

from django.urls import reverse

from accounts.factories import UserFactory
from accounts.models import QuizResults
from assignments.models import Assignment
from curriculum.models import ReflectionAnswer
from people.factories import EmployeeProfileFactory

from .test_permission_matrix import EXPECTED, project_url_names

ROLES = ("hr", "manager", "champion")

STRICTEST = {
    **{f"{role}_quiz_results": QuizResults.HIDDEN for role in ROLES},
    **{f"{role}_individual_progress": False for role in ROLES},
    **{f"{role}_individual_observations": False for role in ROLES},
    "min_group_size": 5,
}

# Pages that name the learner without any of their results: (role, url name) -> why.
NAME_WITHOUT_RESULTS = {
    ("hr", "people:employees"): "who works here, in which unit: master data, no result",
    ("hr", "reports:person"): "the person's master data; their training is hidden by the policy",
    ("hr", "reports:mails"): "an undelivered e-mail to them (delivery, not learning)",
    ("hr", "accounts:audit_log"): "sensitive actions on a person (roles, imports), not results",
    ("hr", "accounts:erase_person"): "HR erases a person on request (their rights, not results)",
    ("hr", "champions:manage"): "who is in which coaching group (membership, no result)",
    ("hr", "champions:group"): "who is in the group (membership, no result)",
    ("hr", "champions:log_session"): "attendance form of the group (membership)",
    ("hr", "champions:session"): "who attended a session and owns its action items",
    ("champion", "champions:dashboard"): "the members of their own group, no results",
    ("champion", "champions:group"): "the members of their own group, no results",
    ("champion", "champions:log_session"): "attendance form of their own group",
    ("champion", "champions:session"): "who attended and owns action items",
    ("champion", "champions:nudge"): "the nudge form names whom it goes to",
    ("manager", "team:overview"): "their own direct reports by name (results per the policy)",
    ("manager", "team:member"): "one direct report's name (results per the policy)",
    ("manager", "champions:nominate"): "the manager nominates their report as a champion",
    ("manager", "champions:observe_start"): "whom they may observe (their reports)",
    ("manager", "champions:person_skills"): "their report's skills from the manager's own "
    "observations only (none here: the champion's shared notes must not show)",
    ("champion", "champions:observe_start"): "whom they may observe (their group)",
}

# Pages the policy does not govern, (role, url name) -> why: the viewer's own work, and a data
# subject's request that HR answers with everything stored about the person.
OWN_WORK = {
    ("hr", "accounts:person_data"): "the person's own data export, run on their request (Art. 15)",
    ("champion", "champions:observation"): "the champion made this observation themselves",
    ("champion", "champions:observation_edit"): "the champion's own draft observation",
    ("champion", "champions:observations"): "the observations the champion made themselves",
    ("champion", "champions:person_skills"): "skills from the champion's own observations",
    ("champion", "champions:skills"): "skills from the champion's own observations",
}

# The certificate's code is in the address of these pages (the public verification): who holds
# it is what the code, which its holder hands out, already tells.
CODE_IN_ADDRESS = {"curriculum:verify_certificate", "curriculum:certificate_name"}

# Query strings that ask a page for individuals (besides its plain address).
QUERIES = {
    "curriculum:certificates": ["q=Quellmalz", "q=lena@cx-academy.example", "q=Kurs"],
    "people:employees": ["export=csv"],
    "reports:people": ["value=Hamburg", "value=", "only=completed"],
    "reports:export": ["value=", "value=Hamburg"],
    "reports:recertification": ["band=expired", "band=90"],
    "team:overview": ["show=all"],
}

# The REST/SCIM API answers a session with 401: it is walked again with an HR token that may
# read every resource family. Resources that name people without results -> why.
API_NAMES_WITHOUT_RESULTS = {
    "api:employee-list": "who works here, in which unit: master data",
    "api:employee-detail": "one employee's master data",
    "api:scim_users": "provisioning: the identity system's own master data",
    "api:scim_user": "provisioning: the identity system's own master data",
    "api:scim_groups": "provisioning: department membership",
    "api:scim_group": "provisioning: department membership",
    "api:champion-group-list": "who is in which coaching group (membership)",
    "api:champion-group-detail": "who is in the group (membership)",
}
DUE = datetime.date(2031, 7, 13)


@pytest.fixture
def strict_world(world, privacy_settings, tree):
    """The permission-matrix world plus: a manager of the learner, an assignment with a
    distinctive due date, a written reflection; then the strictest policy."""
    kwargs, users = world
    learner = users["learner"]
    learner.last_name = "Quellmalz"
    learner.save()
    manager = UserFactory(first_name="Mara", last_name="Chefin")
    EmployeeProfileFactory(user=learner, manager=manager, location__name="Hamburg")
    Assignment.objects.create(user=learner, course=tree.course, due_date=DUE)
    lesson_id = kwargs["reflection"]["lesson_id"]
    ReflectionAnswer.objects.create(
        user=learner,
        lesson_id=lesson_id,
        block_id=kwargs["reflection"]["block_id"],
        text="Quokka-Gedanke zur Hotline",
    )
    certificate = learner.certificates.get()
    journey_map = learner.journey_maps.get()
    journey_map.touchpoints.create(phase=0, name="Wartemusik-Zwischenfall", emotion=-2)
    privacy_settings(**STRICTEST)
    viewers = {"hr": users["hr"], "champion": users["champion"], "manager": manager}
    marks = {
        "names": [learner.email, "Quellmalz", certificate.learner_name],
        "results": [
            certificate.code,
            "Quokka-Gedanke",
            "Wartemusik-Zwischenfall",
            "Ruhig",  # the shared observation's notes
            "Nachfragen",
            DUE.strftime("%d.%m.%Y"),
            DUE.strftime("%m/%d/%Y"),
            DUE.isoformat(),
        ],
    }
    return kwargs, viewers, marks


def urls_to_walk(kwargs) -> list[tuple[str, str]]:
    """(url name, address) of every project page a session can GET, with its query variants."""
    walked = []
    for name in sorted(project_url_names()):
        key = EXPECTED[name][0]
        url = reverse(name, kwargs=kwargs[key] if key else None)
        walked.append((name, url))
        walked.extend((name, f"{url}?{query}") for query in QUERIES.get(name, []))
    return walked


def page_text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def without_the_query(text: str, url: str) -> str:
    """The page without what the viewer typed in (a search box shows it again)."""
    from urllib.parse import parse_qsl, urlsplit

    for _key, value in parse_qsl(urlsplit(url).query):
        if value:
            text = text.replace(value, "")
    return text


def leaks_on_walk(client, kwargs, viewer, role, marks) -> tuple[list[str], int]:
    """What individual shows on any page `viewer` opens in `role`, and how many pages opened."""
    client.force_login(viewer)
    found, opened = [], 0
    for name, url in urls_to_walk(kwargs):
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        text = without_the_query(page_text(response), url)
        if (role, name) in OWN_WORK:
            continue
        results = [m for m in marks["results"] if m in text]
        if name in CODE_IN_ADDRESS:
            results = [m for m in results if m not in url]
        if results:
            found.append(f"{role} {url}: result {results}")
        names = [m for m in marks["names"] if m in text]
        if names and (role, name) not in NAME_WITHOUT_RESULTS and name not in CODE_IN_ADDRESS:
            found.append(f"{role} {url}: name {names} on a page not listed")
    client.logout()
    return found, opened


def test_every_listed_page_exists():
    names = project_url_names()
    listed = {name for _role, name in NAME_WITHOUT_RESULTS} | {n for _r, n in OWN_WORK}
    assert listed <= names and set(QUERIES) <= names and CODE_IN_ADDRESS <= names
    assert set(API_NAMES_WITHOUT_RESULTS) <= names


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_strict_policy_every_page_shows_nothing_individual(client, strict_world, role):
    kwargs, viewers, marks = strict_world
    leaks, opened = leaks_on_walk(client, kwargs, viewers[role], role, marks)
    assert opened > 5, "the walk opened almost nothing: the world is broken"
    assert not leaks, "\n".join(leaks)


@pytest.mark.django_db
def test_the_walk_finds_individual_results_under_an_open_policy(
    client, strict_world, privacy_settings
):
    """The walk proves something only if it sees the same results once the policy allows them."""
    kwargs, viewers, marks = strict_world
    privacy_settings(
        hr_individual_progress=True,
        hr_quiz_results=QuizResults.SCORES,
        hr_individual_observations=True,
        min_group_size=1,
    )
    leaks, _opened = leaks_on_walk(client, kwargs, viewers["hr"], "hr", marks)
    code = marks["results"][0]
    assert any("/reports/person/" in leak and code in leak for leak in leaks), leaks
    assert any("/certificates/?q=Quellmalz" in leak for leak in leaks), leaks
    leaks, _answered = api_leaks(viewers["hr"], kwargs, marks)
    assert any("/api/v1/certificates/" in leak and code in leak for leak in leaks), leaks


def api_leaks(hr_user, kwargs, marks) -> tuple[list[str], int]:
    """What individual every API URL shows to an HR token allowed every resource family."""
    from rest_framework.test import APIClient

    from api.models import ResourceFamily
    from api.services import create_token

    _token, key = create_token(
        hr_user, "HR system", dict.fromkeys(ResourceFamily.values, "read"), 30, 10_000
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    leaks, answered = [], 0
    for name, url in urls_to_walk(kwargs):
        if not name.startswith("api:"):
            continue
        response = client.get(url)
        answered += response.status_code == 200
        text = page_text(response)
        if results := [m for m in marks["results"] if m in text]:
            leaks.append(f"{url}: result {results}")
        names = [m for m in marks["names"] if m in text]
        if names and response.status_code == 200 and name not in API_NAMES_WITHOUT_RESULTS:
            leaks.append(f"{url}: name {names} in a resource not listed")
    return leaks, answered


@pytest.mark.django_db
def test_strict_policy_every_api_resource_shows_nothing_individual(strict_world):
    kwargs, viewers, marks = strict_world
    leaks, answered = api_leaks(viewers["hr"], kwargs, marks)
    assert answered > 5, "the token read almost nothing: the walk proves nothing"
    assert not leaks, "\n".join(leaks)

"""SCIM 2.0 provisioning as an identity provider drives it, plus the scim2-tester checker."""

from __future__ import annotations

import collections
import json

import pytest

from accounts.models import AuditEntry, User
from api.models import ScimIdentity
from curriculum import services as progress
from people.factories import EmployeeProfileFactory
from people.models import Department, EmployeeProfile

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def new_user(email="mara.klein@cx-academy.example", **extra):
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "externalId": "entra-4711",
        "name": {"givenName": "Mara", "familyName": "Klein"},
        "title": "Teamleitung Service",
        "active": True,
        ENTERPRISE: {"department": "Kundenservice"},
        **extra,
    }


def test_create_update_deactivate_end_to_end(scim, tree):
    boss = scim.call("post", "/Users", new_user("boss@cx-academy.example")).json()
    created = scim.call(
        "post",
        "/Users",
        new_user(**{ENTERPRISE: {"department": "Kundenservice", "manager": {"value": boss["id"]}}}),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert created["Location"] == body["meta"]["location"]
    user = User.objects.get(email="mara.klein@cx-academy.example")
    profile = user.employee
    assert (user.first_name, user.last_name, user.is_active) == ("Mara", "Klein", True)
    assert profile.department.name == "Kundenservice"
    assert profile.manager.email == "boss@cx-academy.example"
    assert profile.job_title == "Teamleitung Service"
    assert user.groups.filter(name="Learner").exists()
    assert not user.has_usable_password()  # they log in through the company SSO
    assert body[ENTERPRISE]["manager"]["value"] == boss["id"]

    # Their learning history, before the IdP changes and deactivates them.
    for lesson in tree.lessons:
        progress.complete_lesson(user, lesson)

    renamed = scim.call(
        "patch",
        f"/Users/{body['id']}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "replace", "path": "name.familyName", "value": "Klein-Berg"},
                {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Vertrieb"},
            ],
        },
    )
    assert renamed.status_code == 200, renamed.content
    user.refresh_from_db()
    assert user.last_name == "Klein-Berg"
    assert user.employee.department.name == "Vertrieb"
    assert user.employee.manager.email == "boss@cx-academy.example"  # untouched by the patch

    off = scim.call(
        "patch",
        f"/Users/{body['id']}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
    )
    assert off.status_code == 200 and off.json()["active"] is False
    user.refresh_from_db()
    assert user.is_active is False and user.employee.is_active is False
    assert user.lesson_completions.count() == 3 and user.certificates.count() == 1

    gone = scim.call("delete", f"/Users/{body['id']}")
    assert gone.status_code == 204
    assert scim.call("get", f"/Users/{body['id']}").status_code == 404
    assert User.objects.filter(pk=user.pk, is_active=False).exists()  # history kept
    assert user.certificates.count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"scim.user_created", "scim.user_updated", "scim.user_deleted"} <= actions

    # The IdP provisions them again later: same account, history still there.
    again = scim.call("post", "/Users", new_user(email="Mara.Klein@cx-academy.example"))
    assert again.status_code == 201
    user.refresh_from_db()
    assert user.is_active and user.lesson_completions.count() == 3


def test_put_replaces_and_filter_finds_existing_staff(scim):
    existing = EmployeeProfileFactory(user__email="tom.berg@cx-academy.example").user
    found = scim.call("get", '/Users?filter=userName eq "Tom.Berg@cx-academy.example"').json()
    assert found["totalResults"] == 1
    scim_id = found["Resources"][0]["id"]
    replaced = scim.call(
        "put",
        f"/Users/{scim_id}",
        {
            "schemas": [USER],
            "userName": "tom.berg@cx-academy.example",
            "name": {"givenName": "Tom", "familyName": "Berg"},
            "active": True,
        },
    )
    assert replaced.status_code == 200, replaced.content
    existing.refresh_from_db()
    assert existing.employee.department is None  # PUT without the extension clears it
    assert ScimIdentity.objects.get(user=existing).scim_id.hex == scim_id.replace("-", "")


def test_groups_are_departments(scim):
    mara = scim.call("post", "/Users", new_user()).json()
    tom = scim.call("post", "/Users", new_user("tom@cx-academy.example")).json()
    group = scim.call(
        "post",
        "/Groups",
        {
            "schemas": [GROUP],
            "displayName": "Beschwerdemanagement",
            "members": [{"value": mara["id"]}],
        },
    )
    assert group.status_code == 201, group.content
    department = Department.objects.get(name="Beschwerdemanagement")
    assert list(
        EmployeeProfile.objects.filter(department=department).values_list("user__email", flat=True)
    ) == ["mara.klein@cx-academy.example"]
    group_id = group.json()["id"]
    patched = scim.call(
        "patch",
        f"/Groups/{group_id}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "add", "path": "members", "value": [{"value": tom["id"]}]},
                {"op": "remove", "path": f'members[value eq "{mara["id"]}"]'},
            ],
        },
    )
    assert patched.status_code == 200, patched.content
    assert [m["value"] for m in patched.json()["members"]] == [tom["id"]]
    assert User.objects.get(email="mara.klein@cx-academy.example").employee.department is None
    assert scim.call("delete", f"/Groups/{group_id}").status_code == 204
    assert not Department.objects.filter(name="Beschwerdemanagement").exists()


@pytest.mark.parametrize(
    ("body", "status", "scim_type"),
    [
        ({"schemas": [USER], "userName": "  "}, 400, "invalidValue"),
        ({"schemas": [USER]}, 400, "invalidValue"),
        (
            {
                "schemas": [USER, ENTERPRISE],
                "userName": "a@cx-academy.example",
                ENTERPRISE: {"manager": {"value": "nobody"}},
            },
            400,
            "invalidValue",
        ),
    ],
)
def test_bad_input_gets_a_scim_error(scim, body, status, scim_type):
    response = scim.call("post", "/Users", body)
    assert response.status_code == status, response.content
    assert response.json()["scimType"] == scim_type
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert not User.objects.filter(email="a@cx-academy.example").exists()


def test_broken_json_and_duplicates(scim, make_token, api_client):
    _t, key = make_token({"scim": "write"})
    raw = api_client(key).post("/scim/v2/Users", data="{nope", content_type="application/scim+json")
    assert raw.status_code == 400 and raw.json()["scimType"] == "invalidSyntax"
    assert scim.call("post", "/Users", new_user()).status_code == 201
    clash = scim.call("post", "/Users", new_user())
    assert clash.status_code == 409 and clash.json()["scimType"] == "uniqueness"
    assert scim.call("get", '/Users?filter=title co "x"').json()["scimType"] == "invalidFilter"


def test_scim_needs_a_scim_scope(make_token, api_client):
    _r, read_key = make_token({"scim": "read"})
    _p, people_key = make_token({"people": "write"})
    assert api_client(None).get("/scim/v2/Users").status_code == 401
    assert api_client(people_key).get("/scim/v2/Users").status_code == 403
    assert api_client(read_key).get("/scim/v2/Users").status_code == 200
    denied = api_client(read_key).post(
        "/scim/v2/Users", data=json.dumps(new_user()), content_type="application/scim+json"
    )
    assert denied.status_code == 403
    assert denied.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert not User.objects.filter(email="mara.klein@cx-academy.example").exists()


def test_scim2_tester_compliance(make_token, capsys, wsgi_app):
    """The scim2-tester checker against our endpoints (in process); no error may remain."""
    from scim2_client.engines.wsgi import WSGISCIMClient
    from scim2_tester import Status, check_server

    _token, key = make_token({"scim": "write"}, name="scim2-tester")
    client = WSGISCIMClient(
        wsgi_app,
        base_url="http://localhost/scim/v2",
        headers={"Authorization": f"Bearer {key}"},
    )
    results = check_server(client)
    counts = collections.Counter(result.status.name for result in results)
    bad = [
        f"{r.status.name} {r.resource_type or ''} {r.title}: {r.reason}"
        for r in results
        if r.status in (Status.ERROR, Status.CRITICAL)
    ]
    with capsys.disabled():
        print(f"\nscim2-tester: {len(results)} checks, {dict(counts)}")
        for line in bad:
            print("  " + line)
        for r in results:
            if r.status == Status.SKIPPED:
                print(f"  skipped: {r.resource_type or ''} {r.title}: {r.reason}")
    assert counts["SUCCESS"] > 0
    assert not bad

"""Schemathesis against the OpenAPI schema: every documented operation, called with generated
valid and invalid input through the real WSGI stack, answers without a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from api.models import ResourceFamily
from curriculum import services as progress
from people.factories import EmployeeProfileFactory

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def api_schema(tree, learner, make_token, wsgi_app):
    """The schema as IT loads it (with a token for every family, read and write), bound to the
    WSGI application so generated calls go through middleware, auth, throttling and views; a
    learner with a profile, progress and a certificate gives the list operations rows."""
    EmployeeProfileFactory(user=learner)
    for lesson in tree.lessons:
        progress.complete_lesson(learner, lesson)
    _token, key = make_token(
        {family.value: "write" for family in ResourceFamily}, rate_limit_per_minute=100_000
    )
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", wsgi_app, headers=headers
    )
    return schema, headers


def test_no_operation_answers_with_a_server_error(api_schema):
    schema, headers = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12, "the schema lists the API's resources"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples every run: CI does not flake
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error])

        call()


def test_an_id_too_large_for_the_database_is_a_404_not_a_server_error(
    learner, make_token, api_client
):
    """Found by schemathesis: a 20-digit id overflowed SQLite's integer (500)."""
    EmployeeProfileFactory(user=learner)
    _token, key = make_token({"people": "read"})
    response = api_client(key).get("/api/v1/employees/99999999999999999999/")
    assert response.status_code == 404
    assert api_client(key).get(f"/api/v1/employees/{learner.pk}/").status_code == 200


def test_an_updated_since_offset_postgresql_refuses_is_converted_not_a_server_error(
    learner, make_token, api_client
):
    """Found by schemathesis on PostgreSQL: an offset of -18:47 was a 500 there."""
    EmployeeProfileFactory(user=learner)
    _token, key = make_token({"people": "read"})
    client = api_client(key)
    odd = client.get("/api/v1/employees/", {"updated_since": "2000-01-01T06:11:39-18:47"})
    assert odd.status_code == 200 and len(odd.json()["results"]) == 1
    edge = client.get("/api/v1/employees/", {"updated_since": "9999-12-31T23:59:59-18:00"})
    assert edge.status_code == 400

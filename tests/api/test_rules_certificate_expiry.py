"""An HR system reading certificates through the API sees when each one expires and whether it
is still valid, the same as the verification page says (since recertification)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from curriculum.models import Certificate

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


def _certificate(user, course, code, expires_on, is_current=True, replaces=None):
    return Certificate.objects.create(
        user=user,
        course=course,
        code=code,
        learner_name=user.get_full_name() or user.email,
        course_title=course.title,
        issued_at=NOW - datetime.timedelta(days=400),
        expires_on=expires_on,
        is_current=is_current,
        replaces=replaces,
    )


def _by_code(client) -> dict[str, dict]:
    rows = client.get(reverse("api:certificate-list"), {"page_size": 100}).json()["results"]
    return {row["code"]: row for row in rows}


@time_machine.travel(NOW, tick=False)
def test_certificates_carry_their_real_expiry_and_validity(
    tree, learner, make_token, api_client, django_assert_num_queries
):
    course = tree.course
    other = UserFactory()
    old = _certificate(learner, course, "OLD1", datetime.date(2026, 5, 1), is_current=False)
    _certificate(learner, course, "NEW1", datetime.date(2027, 6, 14), replaces=old)
    _certificate(other, course, "LAPSED", datetime.date(2026, 6, 14))
    _token, key = make_token({"learning": "read"})
    client = api_client(key)

    rows = _by_code(client)

    assert rows["NEW1"]["expires_on"] == "2027-06-14"
    valid_until = datetime.datetime.fromisoformat(rows["NEW1"]["expires_at"])
    assert valid_until == timezone.make_aware(datetime.datetime(2027, 6, 15))
    assert rows["NEW1"]["state"] == "valid"
    assert rows["OLD1"]["state"] == "renewed"
    assert rows["LAPSED"]["state"] == "expired"  # its last valid day was yesterday

    with django_assert_num_queries(4) as few:
        _by_code(client)
    for n in range(10):
        _certificate(UserFactory(), course, f"MORE{n}", datetime.date(2027, 1, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(_by_code(client)) == 13


@time_machine.travel(NOW, tick=False)
def test_a_certificate_without_expiry_says_so(tree, learner, make_token, api_client):
    _certificate(learner, tree.course, "FOREVER", None)
    _token, key = make_token({"learning": "read"})
    row = _by_code(api_client(key))["FOREVER"]
    assert row["expires_on"] is None and row["expires_at"] is None
    assert row["state"] == "valid"

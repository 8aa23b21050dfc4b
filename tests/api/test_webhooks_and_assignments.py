"""Creating assignments through the API; signed webhooks delivered to a real local receiver."""

from __future__ import annotations

import datetime
import http.server
import json
import socket
import threading

import pytest
import time_machine
from standardwebhooks.webhooks import Webhook

from django.urls import reverse
from django.utils import timezone

from api import tasks
from api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from assignments.models import Assignment, ReminderLog, ReminderReason
from curriculum import services as progress
from people.factories import EmployeeProfileFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A webhook receiver on a free local port; answers `fail_next` requests with 500."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail_next = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = 500 if receiver.fail_next else 204
                receiver.fail_next = max(0, receiver.fail_next - 1)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/hooks/cx"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def endpoint(client_as, hr_user, receiver):
    """HR adds the receiver in the UI; the secret is shown once."""
    page = client_as(hr_user).post(
        reverse("api:webhooks"),
        {
            "url": receiver.url,
            "description": "Analytics",
            "events": ["course.completed", "certificate.issued", "assignment.overdue"],
        },
    )
    assert page.status_code == 200
    secret = page.context["new_secret"]
    assert secret.startswith("whsec_")
    assert secret not in client_as(hr_user).get(reverse("api:webhooks")).content.decode()
    endpoint = WebhookEndpoint.objects.get()
    return endpoint


def test_completing_a_course_sends_signed_events(
    tree, learner, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in tree.lessons:
            progress.complete_lesson(learner, lesson)
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["type"] for e in events] == ["course.completed", "certificate.issued"]
    completed = events[0]["data"]
    assert completed["user"] == {"id": learner.pk, "email": learner.email}
    assert completed["course"]["id"] == tree.course.pk
    verifier = Webhook(endpoint.secret)
    for request in receiver.requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert verifier.verify(request["body"], headers)["type"]  # raises on a bad signature
    assert events[1]["data"]["verification_url"].startswith("http")
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}


def test_a_tampered_body_fails_the_signature_check(
    tree, learner, endpoint, receiver, django_capture_on_commit_callbacks
):
    from standardwebhooks.webhooks import WebhookVerificationError

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in tree.lessons:
            progress.complete_lesson(learner, lesson)
    request = receiver.requests[0]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(request["body"].replace("completed", "komplett"), headers)


def test_failed_delivery_is_retried_with_backoff_then_given_up(
    tree, learner, endpoint, receiver, django_capture_on_commit_callbacks, client_as, hr_user
):
    endpoint.events = ["course.completed"]
    endpoint.save()
    receiver.fail_next = 2
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in tree.lessons:
            progress.complete_lesson(learner, lesson)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at >= start + datetime.timedelta(seconds=5)
    assert tasks.deliver_due_webhooks() == 0  # not due yet
    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
        tasks.deliver_due_webhooks()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - timezone.now() > datetime.timedelta(minutes=4)
    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
        assert tasks.deliver_due_webhooks() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 3)
    ids = {r["headers"]["Webhook-Id"] for r in receiver.requests}
    assert ids == {delivery.message_id}  # the same message each time: receivers can dedupe

    log = client_as(hr_user).get(reverse("api:webhook_log", kwargs={"endpoint_id": endpoint.pk}))
    assert log.status_code == 200
    assert delivery.message_id in log.content.decode()


def test_delivery_gives_up_after_the_last_retry(endpoint, receiver):
    from api import webhooks

    receiver.fail_next = 100
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_x", event_type="course.completed", payload={"a": 1}
    )
    for _ in range(len(webhooks.RETRY_DELAYS) + 1):
        webhooks.attempt_delivery(delivery)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(webhooks.RETRY_DELAYS) + 1


def test_unreachable_receiver_is_logged_not_raised(endpoint):
    from api import webhooks

    endpoint.url = "http://127.0.0.1:9/nothing-listens"
    endpoint.save()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_y", event_type="course.completed", payload={}
    )
    assert webhooks.attempt_delivery(delivery) is False
    assert delivery.last_error and delivery.status == DeliveryStatus.PENDING


def test_assignment_overdue_is_sent_once(
    tree, learner, endpoint, receiver, django_capture_on_commit_callbacks
):
    assignment = Assignment.objects.create(
        user=learner, course=tree.course, due_date=datetime.date(2026, 3, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        ReminderLog.objects.create(
            assignment=assignment, reason=ReminderReason.OVERDUE, sent_on=datetime.date(2026, 3, 2)
        )
        ReminderLog.objects.create(
            assignment=assignment, reason=ReminderReason.OVERDUE, sent_on=datetime.date(2026, 3, 9)
        )
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["type"] for e in events] == ["assignment.overdue"]
    assert events[0]["data"]["due_date"] == "2026-03-01"


def test_paused_endpoint_gets_nothing(
    tree, learner, endpoint, receiver, client_as, hr_user, django_capture_on_commit_callbacks
):
    client_as(hr_user).post(reverse("api:webhook_log", kwargs={"endpoint_id": endpoint.pk}))
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in tree.lessons:
            progress.complete_lesson(learner, lesson)
    assert receiver.requests == []


def test_webhook_screens_are_hr_only(client_as, learner, champion, endpoint):
    for user in (learner, champion):
        client = client_as(user)
        assert client.get(reverse("api:webhooks")).status_code == 403
        assert client.post(reverse("api:webhooks"), {"url": "https://x.example"}).status_code == 403
        url = reverse("api:webhook_log", kwargs={"endpoint_id": endpoint.pk})
        assert client.post(url).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.is_active is True


def test_bad_webhook_form_shows_errors(client_as, hr_user):
    page = client_as(hr_user).post(reverse("api:webhooks"), {"url": "not a url", "events": []})
    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"url", "events"}
    assert not WebhookEndpoint.objects.exists()


# Assignments through the API ---------------------------------------------------------------


def test_write_token_creates_an_assignment_read_token_cannot(tree, learner, make_token, api_client):
    EmployeeProfileFactory(user=learner)
    _r, read_key = make_token({"assignments": "read"})
    _w, write_key = make_token({"assignments": "write"})
    payload = {"user": learner.pk, "course": tree.course.pk, "due_date": "2026-12-31"}
    assert api_client(read_key).post(reverse("api:assignment-list"), payload).status_code == 403
    response = api_client(write_key).post(reverse("api:assignment-list"), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "not_started" and body["due_date"] == "2026-12-31"
    assignment = Assignment.objects.get()
    assert (assignment.user, assignment.course_id) == (learner, tree.course.pk)
    listed = api_client(read_key).get(reverse("api:assignment-list")).json()["results"]
    assert [a["id"] for a in listed] == [assignment.pk]

    again = api_client(write_key).post(reverse("api:assignment-list"), payload, format="json")
    assert again.status_code == 400
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"user": 999999},
        {"course": 999999},
        {"due_date": "morgen"},
        {"due_date": None},
        {"user": "abc"},
    ],
)
def test_bad_assignment_input_is_a_clear_400(tree, learner, make_token, api_client, change):
    _w, key = make_token({"assignments": "write"})
    payload = {"user": learner.pk, "course": tree.course.pk, "due_date": "2026-12-31", **change}
    response = api_client(key).post(reverse("api:assignment-list"), payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) & set(change)
    assert not Assignment.objects.exists()


def test_deactivated_person_cannot_be_assigned(tree, learner, make_token, api_client):
    learner.is_active = False
    learner.save()
    _w, key = make_token({"assignments": "write"})
    payload = {"user": learner.pk, "course": tree.course.pk, "due_date": "2026-12-31"}
    response = api_client(key).post(reverse("api:assignment-list"), payload, format="json")
    assert response.status_code == 400
    assert "deaktiviert" in response.json()["non_field_errors"][0]

"""Web Push reminders: devices subscribe from the account page, the daily task queues a reminder
in the outbox, and the message reaches a push service – here a local HTTP server started by the
test, which keeps what it receives so the test can decrypt it like a browser would."""

from __future__ import annotations

import base64
import datetime
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment
from outbox.models import OutboxMessage, OutboxStatus
from pocket import push, tasks
from pocket.models import PushSubscription, ReviewCard

pytestmark = pytest.mark.django_db


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class PushService:
    """A push service on 127.0.0.1: records every POST and answers with `status[path]`."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                self.send_response(service.status.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 5
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"


@pytest.fixture
def push_service():
    service = PushService()
    service.thread.start()
    yield service
    service.server.shutdown()
    service.server.server_close()
    service.thread.join(timeout=5)


class Browser:
    """A browser's side of a subscription: its P-256 key pair and auth secret."""

    def __init__(self, endpoint: str) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.subscription = {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64(public), "auth": b64(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def subscribe(client, browser: Browser):
    return client.post(
        reverse("pocket:push_subscribe"),
        json.dumps(browser.subscription),
        content_type="application/json",
    )


def due_questions(user, count: int) -> None:
    for position in range(count):
        ReviewCard.objects.create(
            user=user,
            quiz_key="6f1c8f5e-0000-4000-8000-000000000001",
            position=position,
            due_on=timezone.localdate(),
        )


def test_a_reminder_reaches_the_push_service_encrypted_and_signed(
    client_as, learner, home_page, push_service, settings, django_capture_on_commit_callbacks
):
    browser = Browser(push_service.url("/push/device-1"))
    response = subscribe(client_as(learner), browser)
    assert response.status_code == 201
    assert response.json()["message"] == "Erinnerungen sind auf diesem Gerät eingeschaltet."
    due_questions(learner, 5)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_push_reminders.delay().get(timeout=30) == 1

    [received] = push_service.received
    assert received["path"] == "/push/device-1"
    assert received["headers"]["content-encoding"] == "aes128gcm"
    assert int(received["headers"]["ttl"]) == 12 * 60 * 60
    message = browser.decrypt(received["body"])
    assert message == {
        "title": "CX Academy",
        "body": "Ihre CX-Minute: 3 Fragen warten.",
        "url": "/minute/",
        "tag": "cx-minute",
    }
    authorization = received["headers"]["authorization"]
    assert Vapid02.verify(authorization)  # signed by the server's VAPID key …
    assert authorization.endswith(f"k={push.public_key()}")
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["aud"] == push_service.url("").rstrip("/")  # … for this push service
    assert claims["sub"] == settings.VAPID_SUBJECT
    row = OutboxMessage.objects.get(kind=push.PUSH_KIND)
    assert row.status == OutboxStatus.SENT
    assert PushSubscription.objects.get().last_sent_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_push_reminders.delay().get(timeout=30)  # beat runs twice: one push a day
    assert len(push_service.received) == 1


def test_the_reminder_speaks_the_learners_language_and_leaves_overdue_training_to_its_cadence(
    client_as, learner, tree, push_service, django_capture_on_commit_callbacks
):
    learner.preferred_language = "en"
    learner.save()
    browser = Browser(push_service.url("/push/en"))
    subscribe(client_as(learner), browser)
    Assignment.objects.create(
        user=learner,
        course=tree.course,
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    assert push.queue_daily_reminders() == 0  # overdue alone: not every day (the cadence tells)
    due_questions(learner, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert push.queue_daily_reminders() == 1
    message = browser.decrypt(push_service.received[0]["body"])
    assert message["body"] == "Your CX-Minute: 1 question is waiting."
    assert message["url"] == "/minute/"


def test_nothing_to_say_sends_nothing(client_as, learner, home_page, push_service):
    subscribe(client_as(learner), Browser(push_service.url("/push/quiet")))
    assert push.queue_daily_reminders() == 0
    assert push_service.received == []


def test_an_expired_subscription_is_forgotten_and_a_failing_service_retried(
    client_as, learner, other_learner, home_page, push_service, django_capture_on_commit_callbacks
):
    subscribe(client_as(learner), Browser(push_service.url("/push/gone")))
    push_service.status["/push/gone"] = 410
    subscribe(client_as(other_learner), Browser(push_service.url("/push/down")))
    push_service.status["/push/down"] = 503
    due_questions(learner, 1)
    due_questions(other_learner, 1)

    with django_capture_on_commit_callbacks(execute=True):
        assert push.queue_daily_reminders() == 2
    assert len(push_service.received) == 2
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        push_service.url("/push/down")
    ]
    gone = OutboxMessage.objects.get(recipient=learner.email, kind=push.PUSH_KIND)
    down = OutboxMessage.objects.get(recipient=other_learner.email, kind=push.PUSH_KIND)
    assert gone.status == OutboxStatus.SENT
    # the device is gone: that day's reminder comes by e-mail instead
    fallback = OutboxMessage.objects.get(recipient=learner.email, kind=OutboxMessage.KIND_MAIL)
    assert fallback.subject == "Ihre CX-Minute: 1 Frage wartet."
    assert down.status == OutboxStatus.PENDING and down.next_attempt_at is not None
    assert "503" in down.last_error
    assert not OutboxMessage.objects.filter(
        recipient=other_learner.email, kind=OutboxMessage.KIND_MAIL
    ).exists()  # a push service that is down is retried, not replaced by a mail


def test_subscriptions_are_checked(client_as, learner, home_page, push_service):
    client = client_as(learner)
    good = Browser(push_service.url("/push/ok")).subscription
    cases = [
        ("null", "Der Browser hat kein Push-Abonnement gesendet."),
        ("[1, 2]", "Der Browser hat kein Push-Abonnement gesendet."),
        ("{not json", "Der Browser hat kein Push-Abonnement gesendet."),
        (
            json.dumps({**good, "keys": {"p256dh": "AAAA", "auth": good["keys"]["auth"]}}),
            "Der Browser hat einen unlesbaren Push-Schlüssel gesendet.",
        ),
        (
            json.dumps({**good, "keys": {**good["keys"], "auth": "%%%"}}),
            "Der Browser hat einen unlesbaren Push-Schlüssel gesendet.",
        ),
        (
            json.dumps({**good, "endpoint": "file:///etc/passwd"}),
            "Diese Adresse eines Push-Dienstes ist nicht erlaubt.",
        ),
    ]
    for body, message in cases:
        response = client.post(
            reverse("pocket:push_subscribe"), body, content_type="application/json"
        )
        assert response.status_code == 400, body
        assert response.json()["error"] == message
    assert not PushSubscription.objects.exists()


def test_production_refuses_internal_addresses(settings):
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = False
    for endpoint in (
        "http://fcm.googleapis.com/fcm/send/x",
        "https://localhost/x",
        "https://10.0.0.5/x",
        "https://[::1]/x",
        "https://169.254.169.254/latest",
    ):
        with pytest.raises(push.PushError):
            push._check_endpoint(endpoint)
    push._check_endpoint("https://fcm.googleapis.com/fcm/send/abc")


def test_the_same_device_moves_to_whoever_logs_in_and_unsubscribes(
    client_as, learner, other_learner, home_page, push_service
):
    browser = Browser(push_service.url("/push/shared"))
    subscribe(client_as(learner), browser)
    client = client_as(other_learner)
    subscribe(client, browser)
    assert PushSubscription.objects.get().user == other_learner
    client_as(learner)
    response = client.post(
        reverse("pocket:push_unsubscribe"),
        json.dumps({"endpoint": browser.subscription["endpoint"]}),
        content_type="application/json",
    )
    assert response.status_code == 200  # not the learner's: nothing removed, nothing told
    assert PushSubscription.objects.filter(user=other_learner).exists()
    client_as(other_learner)
    response = client.post(
        reverse("pocket:push_unsubscribe"),
        json.dumps({"endpoint": browser.subscription["endpoint"]}),
        content_type="application/json",
    )
    assert response.json()["message"] == "Erinnerungen sind auf diesem Gerät ausgeschaltet."
    assert not PushSubscription.objects.exists()
    bad = client.post(reverse("pocket:push_unsubscribe"), "{}", content_type="application/json")
    assert bad.status_code == 400


def test_push_endpoints_need_a_log_in_csrf_and_post(learner, home_page, push_service):
    browser = Browser(push_service.url("/push/csrf"))
    anonymous = Client(enforce_csrf_checks=True)
    for name in ("pocket:push_subscribe", "pocket:push_unsubscribe"):
        assert anonymous.get(reverse(name)).status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    url = reverse("pocket:push_subscribe")
    body = json.dumps(browser.subscription)
    assert client.post(url, body, content_type="application/json").status_code == 403
    page = client.get(reverse("accounts:account"))
    token = page.context["csrf_token"]
    assert 'id="push-settings"' in page.content.decode()
    assert f'data-key="{push.public_key()}"' in page.content.decode()
    response = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=str(token))
    assert response.status_code == 201
    anonymous_post = Client().post(url, body, content_type="application/json")
    assert anonymous_post.status_code == 302


@pytest.mark.parametrize("role", ["learner", "champion", "hr_user", "editor"])
def test_every_role_may_turn_on_reminders(request, client_as, role, home_page, push_service):
    user = request.getfixturevalue(role)
    response = subscribe(client_as(user), Browser(push_service.url(f"/push/{role}")))
    assert response.status_code == 201
    assert PushSubscription.objects.filter(user=user).count() == 1


def test_the_service_worker_shows_pushed_reminders(client):
    body = client.get("/sw.js").content.decode()
    assert 'addEventListener("push"' in body and "showNotification" in body
    assert 'addEventListener("notificationclick"' in body

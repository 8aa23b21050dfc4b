"""Learning events as xAPI 1.0.3 statements, queued and sent in batches to the company's LRS.

Activity ids use the Wagtail translation key, which every language version of a page (or quiz)
shares and which a page keeps when it moves: one course is one activity in the LRS."""

from __future__ import annotations

import base64
import datetime
import json
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import privacy

from .models import XapiStatement

VERSION = "1.0.3"
BATCH_SIZE = 50
TIMEOUT_SECONDS = 10
RETRY_DELAYS = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
]

VERBS = {
    "experienced": ("http://adlnet.gov/expapi/verbs/experienced", "experienced", "erlebt"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed", "abgeschlossen"),
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "attempted", "versucht"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "passed", "bestanden"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "failed", "nicht bestanden"),
    "earned": ("http://id.tincanapi.com/verb/earned", "earned", "erhalten"),
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "certificate": "http://id.tincanapi.com/activitytype/certificate",
}
LANGUAGE_TAGS = {"de": "de-DE", "en": "en-US"}


def is_configured() -> bool:
    """Statements are only recorded when an LRS endpoint is set."""
    return bool(settings.XAPI_LRS_ENDPOINT)


def activity_base() -> str:
    return (settings.XAPI_ACTIVITY_BASE or settings.SITE_URL).rstrip("/")


def activity_id(kind: str, translation_key) -> str:
    """Stable IRI of a course, lesson or quiz: the same in every language and after moves."""
    return f"{activity_base()}/xapi/activities/{kind}/{translation_key}"


def actor(user) -> dict:
    """The learner as an xAPI account agent (the user id, not the e-mail address)."""
    return {
        "objectType": "Agent",
        "account": {
            "homePage": settings.XAPI_ACCOUNT_HOMEPAGE or activity_base(),
            "name": str(user.pk),
        },
    }


def _names(obj) -> dict:
    """{language tag: title} over the object's translations, in one query."""
    model = type(obj)
    manager = getattr(model, "objects", None)
    rows = manager.filter(translation_key=obj.translation_key).values_list(
        "locale__language_code", "title"
    )
    names = {LANGUAGE_TAGS.get(code, code): title for code, title in rows}
    return names or {"de-DE": obj.title}


def activity(kind: str, obj, activity_type: str | None = None) -> dict:
    return {
        "objectType": "Activity",
        "id": activity_id(kind, obj.translation_key),
        "definition": {
            "type": ACTIVITY_TYPES[activity_type or kind],
            "name": _names(obj),
        },
    }


def statement(
    user,
    verb: str,
    obj: dict,
    *,
    result: dict | None = None,
    parent: dict | None = None,
    timestamp: datetime.datetime | None = None,
) -> dict:
    """One xAPI statement; the id is fixed here so a retried batch never duplicates it."""
    verb_id, english, german = VERBS[verb]
    body: dict = {
        "id": str(uuid.uuid4()),
        "actor": actor(user),
        "verb": {"id": verb_id, "display": {"en-US": english, "de-DE": german}},
        "object": obj,
        "context": {
            "platform": "CX Academy",
            "language": LANGUAGE_TAGS.get(getattr(user, "preferred_language", "de"), "de-DE"),
        },
        "timestamp": (timestamp or timezone.now()).isoformat(),
    }
    if parent:
        body["context"]["contextActivities"] = {"parent": [parent]}
    if result:
        body["result"] = result
    return body


def allowed_by_policy(statements: list[dict]) -> list[dict]:
    """What of these statements the privacy settings let leave the platform: a Learning Record
    Store is an HR system, so HR's policy applies (no individual progress: nothing; pass/fail
    only: no scores; nothing individual about quizzes: no passed/failed statements)."""
    policy = privacy.policy_for(privacy.HR)
    if not policy.individual_progress:
        return []
    allowed = []
    for item in statements:
        verb = item["verb"]["display"]["en-US"]
        if verb in ("passed", "failed") and not policy.individual_pass_fail:
            continue
        if "score" in item.get("result", {}) and not policy.individual_scores:
            item = {**item, "result": {k: v for k, v in item["result"].items() if k != "score"}}
        allowed.append(item)
    return allowed


def queue(statements: list[dict]) -> None:
    """Store statements (inside the caller's transaction) and send them after the commit."""
    if not is_configured() or not statements:
        return
    statements = allowed_by_policy(statements)
    if not statements:
        return
    XapiStatement.objects.bulk_create(
        [
            XapiStatement(statement_id=s["id"], verb=s["verb"]["display"]["en-US"], statement=s)
            for s in statements
        ]
    )
    from .tasks import send_xapi_statements
    from .webhooks import _dispatch

    transaction.on_commit(lambda: _dispatch(send_xapi_statements))


def send_batch(now: datetime.datetime | None = None) -> tuple[int, int]:
    """POST the due statements (oldest first, up to BATCH_SIZE) in one request.

    Returns (sent, failed). A failed batch waits longer each time and is tried again."""
    if not is_configured():
        return 0, 0
    now = now or timezone.now()
    with transaction.atomic():
        batch = list(
            XapiStatement.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, next_attempt_at__lte=now)
            .order_by("created_at", "id")[:BATCH_SIZE]
        )
        if not batch:
            return 0, 0
        error = _post([row.statement for row in batch])
        for row in batch:
            row.attempts += 1
            if error is None:
                row.sent_at = now
                row.last_error = ""
            else:
                row.last_error = error[:500]
                delay = RETRY_DELAYS[min(row.attempts, len(RETRY_DELAYS)) - 1]
                row.next_attempt_at = now + delay
        XapiStatement.objects.bulk_update(
            batch, ["attempts", "sent_at", "last_error", "next_attempt_at"]
        )
    return (len(batch), 0) if error is None else (0, len(batch))


def _post(statements: list[dict]) -> str | None:
    """Send statements to the LRS; None on success, else what went wrong."""
    url = settings.XAPI_LRS_ENDPOINT.rstrip("/") + "/statements"
    credentials = f"{settings.XAPI_LRS_KEY}:{settings.XAPI_LRS_SECRET}".encode()
    request = urllib.request.Request(
        url,
        data=json.dumps(statements).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": VERSION,
            "Authorization": "Basic " + base64.b64encode(credentials).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            if 200 <= response.status < 300:
                return None
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        detail = error.read()[:300].decode(errors="replace")
        return f"HTTP {error.code}: {detail}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return str(getattr(error, "reason", error))

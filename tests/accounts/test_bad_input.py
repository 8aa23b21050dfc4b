"""Junk sent to every project URL, by every role, never gives a server error (500).

For each URL of the permission matrix the test reads the forms on the page (when the role may
open it) and posts junk into exactly those fields, then posts junk under common field names to
the URL itself and sends junk query strings. Any 5xx response fails with the URL, role and
payload, so a form or view added later is covered as soon as it is in the matrix."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .test_permission_matrix import EXPECTED

JUNK_VALUES = [
    "",
    "-1",
    "99999999999999999999999",
    "2026-02-31",
    "x" * 5000,
    "<script>alert(1)</script>",
    "\x00null",
    "ü💥' OR 1=1 --",
]
COMMON_FIELDS = [
    "answer",
    "body",
    "channel",
    "course",
    "date",
    "department",
    "due_date",
    "email",
    "emotion",
    "file",
    "held_on",
    "members",
    "name",
    "next",
    "option",
    "order",
    "owner",
    "page",
    "phase",
    "position",
    "question",
    "q",
    "rank",
    "status",
    "text",
    "top",
    "touchpoints",
    "user",
]


class FormFields(HTMLParser):
    """Collects (action, method, {field name: input type}) for each <form> on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append((attributes.get("action") or "", method, {}))
        elif tag in {"input", "select", "textarea"} and self.forms and attributes.get("name"):
            name = attributes["name"]
            if name != "csrfmiddlewaretoken":
                self.forms[-1][2][name] = attributes.get("type") or tag


def forms_on(html: str) -> list[tuple[str, str, dict[str, str]]]:
    parser = FormFields()
    parser.feed(html)
    return parser.forms


def junk_payload(fields: dict[str, str], value: str) -> dict:
    """Every field set to the junk value; file inputs get a junk 'file' of random bytes."""
    data: dict = {}
    for name, kind in fields.items():
        if kind == "file":
            data[name] = SimpleUploadedFile("junk.csv", b"\xff\xfe\x00junk;;\n" + value.encode())
        else:
            data[name] = value
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["learner", "champion", "hr", "editor"])
def test_junk_input_never_causes_a_server_error(client, world, role):
    kwargs_by_key, users = world
    client.force_login(users[role])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.raise_request_exception = False
    failures = []

    def check(response, what: str) -> None:
        if response.status_code >= 500:
            failures.append(f"{what} -> {response.status_code}")

    for url_name, (key, _expected) in sorted(EXPECTED.items()):
        url = reverse(url_name, kwargs=kwargs_by_key[key] if key else None)
        page = client.get(url)
        targets = [(url, "post", dict.fromkeys(COMMON_FIELDS, "text"))]
        if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
            for action, method, fields in forms_on(page.content.decode()):
                if fields and "://" not in action:  # this site's forms only
                    targets.append((action or url, method, fields))
        # A page the role may not open refuses before it reads the input: one junk value shows
        # the refusal holds; pages it may open (or POST-only ones, 405 on GET) get every value.
        refused = page.status_code in (302, 403, 404)
        for value in JUNK_VALUES[2:3] if refused else JUNK_VALUES:
            for target, method, fields in targets:
                payload = junk_payload(fields, value)
                if method == "post":
                    check(client.post(target, payload), f"POST {target} {value[:20]!r}")
                else:
                    check(client.get(target, payload), f"GET {target} {value[:20]!r}")
            if client.cookies[settings.SESSION_COOKIE_NAME].value != session:
                client.force_login(users[role])  # a junk post logged us out (or in anew)
                session = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert not failures, f"as {role}:\n" + "\n".join(failures)

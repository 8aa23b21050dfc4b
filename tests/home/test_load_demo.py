"""`load_demo` builds the demo site and is safe to run twice."""

from __future__ import annotations

import io

import pytest

from django.apps import apps
from django.core.management import call_command

from wagtail.models import ReferenceIndex

from accounts.demo import DEMO_PASSWORD
from accounts.models import User


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "home",
            "accounts",
            "people",
            "curriculum",
            "quizzes",
            "champions",
            "assignments",
            "journeys",
            "wagtailcore",
            "wagtailimages",
            "wagtaildocs",
            "auth",
            "account",
        }
        and not model._meta.label.startswith(
            ("wagtailcore.Revision", "wagtailcore.ModelLogEntry", "wagtailcore.PageLogEntry")
        )
    }


@pytest.mark.django_db
def test_the_demo_names_its_logins_fills_my_team_and_loads_twice_without_duplicates(client):
    """One load of the demo (about 10 s) serves every check: run again at once it adds no row;
    then what the first run printed and the pages it filled are checked."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = _row_counts()
    call_command("load_demo", quiet=True)
    assert _row_counts() == first
    _role_logins_are_named_and_work(out.getvalue(), client)
    _my_team_and_recertification_have_something_to_show(client)


def _role_logins_are_named_and_work(text: str, client) -> None:
    for email in ["learner@", "champion@", "hr@", "editor@"]:
        assert email in text
    assert DEMO_PASSWORD in text
    assert "/admin/" in text
    learner = User.objects.get(email="learner@cx-academy.example")
    assert learner.check_password(DEMO_PASSWORD)
    assert User.objects.get(email="hr@cx-academy.example").groups.filter(name="HR").exists()
    # the site answers, the admin log-in is there, and the demo lessons are in the search index
    assert client.get("/").status_code == 200
    assert client.get("/admin/login/", follow=True).status_code == 200
    client.force_login(learner)
    hits = client.get("/search/", {"q": "Beschwerden"}).context["outcome"].hits
    assert any(hit.page.slug == "beschwerden-als-chance" for hit in hits)
    assert ReferenceIndex.objects.exists()  # built once at the end of the load


def _my_team_and_recertification_have_something_to_show(client) -> None:
    """The demo team lead finds My team in the menu with late people and certificates about to
    expire; HR's recertification report has expiring and expired certificates."""
    import re

    from assignments.demo import DEMO_MANAGER

    client.force_login(User.objects.get(email=DEMO_MANAGER))
    body = client.get("/team/").content.decode()
    assert 'data-testid="nav-my-team"' in body
    overdue = re.search(r'data-testid="total-overdue">(\d+)<', body)
    expiring = re.search(r'data-testid="total-expiring">(\d+)<', body)
    assert overdue and int(overdue.group(1)) > 0
    assert expiring and int(expiring.group(1)) > 0
    client.force_login(User.objects.get(email="hr@cx-academy.example"))
    report = client.get("/reports/recertification/")
    assert report.status_code == 200
    counts = {item["key"]: item["count"] for item in report.context["bands"]}
    assert counts["30"] > 0 and counts["90"] > counts["30"] and counts["expired"] > 0

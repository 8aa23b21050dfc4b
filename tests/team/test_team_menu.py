"""The menu's "My team" entry: shown to people with active direct reports only (desktop and
phone share the one menu list), read with the roles at no extra query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from accounts.factories import UserFactory

ENTRY = 'data-testid="nav-my-team"'


def _menu(client) -> str:
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 200
    body = response.content.decode()
    return body.split('id="site-menu"', 1)[1].split("</nav>", 1)[0]


def test_managers_see_my_team_in_the_menu(client_as, org):
    menu = _menu(client_as(org.maria))
    assert ENTRY in menu and 'href="/team/"' in menu and "Mein Team" in menu


def test_people_without_reports_do_not(client_as, org):
    hr = UserFactory(roles=[roles.LEARNER, roles.HR])
    for user in (org.anna, org.ida, hr):  # a report, a report's report, HR without a team
        assert ENTRY not in _menu(client_as(user)), user


def test_a_manager_whose_reports_left_loses_the_entry(client_as, org):
    org.olga.employee.is_active = False
    org.olga.employee.save()
    assert ENTRY not in _menu(client_as(org.otto))


def test_the_entry_costs_no_query(client_as, org):
    client = client_as(org.anna)
    _menu(client)  # warm caches
    with CaptureQueriesContext(connection) as without:
        assert ENTRY not in _menu(client)
    org.ida.employee.manager = org.anna
    org.ida.employee.save()
    with CaptureQueriesContext(connection) as with_team:
        assert ENTRY in _menu(client)
    assert len(with_team.captured_queries) == len(without.captured_queries)

"""Knowledge kept by groups: a champion sees their coaching groups per course, HR the company per
course and per department – aggregated, never for fewer people than the privacy minimum."""

from __future__ import annotations

import uuid

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.factories import UserFactory
from champions.factories import ChampionProfileFactory, MembershipFactory
from champions.models import ChampionStatus
from people.factories import DepartmentFactory, EmployeeProfileFactory
from pocket import services
from pocket.models import ReviewCard

pytestmark = pytest.mark.django_db
QUIZ = uuid.UUID("6f1c8f5e-0000-4000-8000-0000000000aa")


def practised(user, course, right: int, wrong: int) -> None:
    """`right` + `wrong` questions practised; the last answer right for `right` of them."""
    for position in range(right + wrong):
        ReviewCard.objects.create(
            user=user,
            quiz_key=QUIZ,
            position=position,
            course=course,
            due_on=timezone.localdate(),
            reviews=1,
            last_correct=position < right,
        )


def people(count: int, department=None) -> list:
    users = [UserFactory(roles=[roles.LEARNER]) for _ in range(count)]
    if department is not None:
        for user in users:
            EmployeeProfileFactory(user=user, department=department)
    return users


@pytest.fixture
def coached(champion):
    """`coached(users, name)`: a coaching group of the champion with these members."""
    profile = ChampionProfileFactory(user=champion, status=ChampionStatus.ACTIVE)

    def group(users, name: str):
        first = MembershipFactory(group__champion=profile, group__name=name, user=users[0])
        for user in users[1:]:
            MembershipFactory(group=first.group, user=user)
        return first.group

    return group


def test_a_champion_sees_each_group_per_course_and_small_groups_hidden(
    champion, coached, tree, privacy_settings
):
    privacy_settings(min_group_size=3)
    big, small = people(3), people(2)
    coached(big, "Frühschicht")
    coached(small, "Spätschicht")
    practised(big[0], tree.course, right=4, wrong=0)
    practised(big[1], tree.course, right=2, wrong=2)
    practised(big[2], tree.course, right=0, wrong=2)
    for user in small:
        practised(user, tree.course, right=1, wrong=0)
    practised(people(3)[0], tree.course, right=0, wrong=5)  # not in the champion's groups

    early, late = services.group_retention(champion)
    assert early["group"].name == "Frühschicht" and early["people"] == 3
    [row] = early["courses"]
    assert (row["course"], row["people"], row["percent"], row["suppressed"]) == (
        tree.course,
        3,
        60,  # 6 of 10 questions answered right the last time
        False,
    )
    [row] = late["courses"]
    assert row["suppressed"] and row["percent"] is None and row["kept"] is None


def test_hr_sees_the_company_per_course_and_per_department_with_small_ones_hidden(
    tree, privacy_settings
):
    privacy_settings(min_group_size=2)
    service, sales, solo = (DepartmentFactory(name=n) for n in ("Service", "Vertrieb", "Solo"))
    for user in people(2, service):
        practised(user, tree.course, right=3, wrong=1)
    for user in people(3, sales):
        practised(user, tree.course, right=1, wrong=1)
    [alone] = people(1, solo)
    practised(alone, tree.course, right=0, wrong=4)

    figures = services.company_retention()
    [company] = figures["courses"]
    assert (company["people"], company["percent"]) == (6, 50)  # 9 of 18 answered right
    shown = {row["department"]: (row["people"], row["percent"]) for row in figures["departments"]}
    # Solo is one person; Service (the next smallest) is hidden too, or Solo's figure could be
    # worked out from the company's total.
    assert shown == {"Solo": (None, None), "Service": (None, None), "Vertrieb": (3, 50)}


def test_the_page_shows_groups_to_champions_and_the_company_to_hr(
    client_as, champion, hr_user, coached, tree, privacy_settings
):
    privacy_settings(min_group_size=2)
    members = people(2, DepartmentFactory(name="Service"))
    coached(members, "Frühschicht")
    practised(members[0], tree.course, right=1, wrong=0)
    practised(members[1], tree.course, right=0, wrong=1)

    page = client_as(champion).get(reverse("pocket:retention")).content.decode()
    assert 'id="retention-groups"' in page and 'id="retention-company"' not in page
    assert "Frühschicht" in page and "50 %" in page
    page = client_as(hr_user).get(reverse("pocket:retention")).content.decode()
    assert 'id="retention-company"' in page and 'id="retention-groups"' not in page
    assert "Service" in page and "50 %" in page


def test_under_a_strict_policy_no_individual_figure_leaks(
    client_as, champion, coached, tree, privacy_settings
):
    privacy_settings(min_group_size=5, champion_quiz_results="hidden")
    members = people(4)
    coached(members, "Frühschicht")
    practised(members[0], tree.course, right=3, wrong=4)  # 43 %
    for member in members[1:]:
        practised(member, tree.course, right=1, wrong=0)
    page = client_as(champion).get(reverse("pocket:retention")).content.decode()
    assert "ausgeblendet (zu wenige Personen)" in page
    assert " %" not in page.split('id="retention-groups"', 1)[1]


@pytest.mark.parametrize(
    ("role", "status"),
    [("learner", 403), ("editor", 403), ("champion", 200), ("hr_user", 200)],
)
def test_who_may_see_knowledge_kept(request, client_as, home_page, role, status):
    client = client_as(request.getfixturevalue(role))
    assert client.get(reverse("pocket:retention")).status_code == status
    assert client.post(reverse("pocket:retention")).status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client, home_page):
    response = client.get(reverse("pocket:retention"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_menu_offers_knowledge_kept_to_champions_and_hr_only(
    client_as, learner, champion, hr_user, home_page
):
    url = reverse("pocket:retention")
    assert url not in client_as(learner).get(reverse("accounts:account")).content.decode()
    for user in (champion, hr_user):
        assert f'href="{url}"' in client_as(user).get(reverse("accounts:account")).content.decode()


def test_the_pages_cost_the_same_for_few_or_many_people(
    client_as, champion, hr_user, coached, tree, privacy_settings
):
    privacy_settings(min_group_size=1)
    department = DepartmentFactory(name="Service")

    def queries(user) -> int:
        client = client_as(user)
        client.get(reverse("pocket:retention"))  # warm (session, privacy settings)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("pocket:retention")).status_code == 200
        return len(captured)

    first = people(1, department)
    coached(first, "Eins")
    practised(first[0], tree.course, right=1, wrong=0)
    few = (queries(champion), queries(hr_user))
    more = people(4, DepartmentFactory(name="Vertrieb"))
    coached(more[:2], "Zwei")
    coached(more[2:], "Drei")
    for user in more:
        practised(user, tree.course, right=1, wrong=1)
    assert (queries(champion), queries(hr_user)) == few

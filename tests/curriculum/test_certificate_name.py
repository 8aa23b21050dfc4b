"""A certificate carries the name HR keeps on record when it is issued; HR may correct it."""

from __future__ import annotations

import re

import pytest

from accounts.models import AuditEntry
from curriculum import services
from curriculum.models import Certificate
from people.factories import EmployeeProfileFactory


def _finish(learner, tree) -> Certificate:
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    return Certificate.objects.get(user=learner, course=tree.course)


@pytest.fixture
def employee(learner):
    """The learner as HR has them on record (an employee profile, name from the import)."""
    learner.first_name, learner.last_name = "Lena", "Lernfreudig"
    learner.save()
    EmployeeProfileFactory(user=learner)
    return learner


@pytest.mark.django_db
def test_the_certificate_shows_the_name_hr_has_on_record(client, client_as, employee, tree):
    """Regression: the certificate showed whatever name the learner had just typed."""
    account = client_as(employee).post(
        "/account/", {"first_name": "Chefin", "last_name": "Allmächtig", "preferred_language": "en"}
    )
    assert account.status_code == 302
    employee.refresh_from_db()
    assert (employee.first_name, employee.last_name) == ("Lena", "Lernfreudig")
    assert employee.preferred_language == "en"  # the rest of the form still saves
    page = client.get("/account/").content.decode()
    for field in ("first_name", "last_name"):
        assert re.search(rf'<input[^>]*name="{field}"[^>]*disabled', page), field
    assert "ask HR" in page  # the page speaks her chosen language, English

    certificate = _finish(employee, tree)
    assert certificate.learner_name == "Lena Lernfreudig"

    # HR's record changes later (marriage, a corrected import): the issued certificate keeps
    # the name it was issued in, in the PDF and on the public verification page.
    employee.last_name = "Meyer"
    employee.save()
    pdf = client.get(f"/certificates/{certificate.code}/download/").content
    assert b"Lena Lernfreudig" in pdf and b"Meyer" not in pdf
    client.logout()
    verify = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "Lena Lernfreudig" in verify and "Meyer" not in verify


@pytest.mark.django_db
def test_someone_without_an_hr_record_still_names_themselves(client_as, learner, tree):
    """Accounts HR has no record of (domain sign-up) keep their own name; HR can correct it."""
    response = client_as(learner).post(
        "/account/", {"first_name": "Lea", "last_name": "Lernfroh", "preferred_language": "de"}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert _finish(learner, tree).learner_name == "Lea Lernfroh"


@pytest.mark.django_db
def test_hr_corrects_the_name_on_a_certificate(client, client_as, hr_user, employee, tree):
    certificate = _finish(employee, tree)
    hr = client_as(hr_user)
    listing = hr.get("/certificates/", {"q": "lernfreudig"})
    assert listing.status_code == 200
    assert f"/certificates/{certificate.code}/name/" in listing.content.decode()
    assert "/certificates/" in hr.get("/people/").content.decode()
    form = hr.get(f"/certificates/{certificate.code}/name/")
    assert form.status_code == 200 and 'value="Lena Lernfreudig"' in form.content.decode()

    saved = hr.post(
        f"/certificates/{certificate.code}/name/", {"learner_name": "  Lena\r\nLernfreudig-Meyer "}
    )
    assert saved.status_code == 302
    assert saved["Location"] == f"/certificates/?q={certificate.code}"
    certificate.refresh_from_db()
    assert certificate.learner_name == "Lena Lernfreudig-Meyer"
    entry = AuditEntry.objects.get(action="certificate.name_corrected")
    assert entry.actor == hr_user
    assert entry.details["old"] == "Lena Lernfreudig"
    assert entry.details["new"] == "Lena Lernfreudig-Meyer"

    pdf = client_as(employee).get(f"/certificates/{certificate.code}/download/").content
    assert b"Lena Lernfreudig-Meyer" in pdf
    client.logout()
    verify = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "Lena Lernfreudig-Meyer" in verify


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", " \r\n\t ", "\u200b\u2028", "x" * 201, "Lena\x00"])
def test_a_bad_name_is_a_clear_message(client_as, hr_user, employee, tree, name):
    certificate = _finish(employee, tree)
    response = client_as(hr_user).post(
        f"/certificates/{certificate.code}/name/", {"learner_name": name}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["learner_name"]
    assert 'class="errorlist' in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.learner_name == "Lena Lernfreudig"
    assert not AuditEntry.objects.filter(action="certificate.name_corrected").exists()


@pytest.mark.django_db
def test_only_hr_sees_or_corrects_certificate_names(
    client, learner, champion, hr_user, editor, employee, tree
):
    """Every role, GET and POST, on both HR pages; a refused POST changes nothing."""
    certificate = _finish(employee, tree)
    urls = ["/certificates/", f"/certificates/{certificate.code}/name/"]
    expected = {None: 302, learner: 403, champion: 403, editor: 403, hr_user: None}
    for user, status in expected.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            get = client.get(url)
            post = client.post(url, {"learner_name": "Hacker"})
            if status == 302:
                assert get.status_code == post.status_code == 302, url
                assert get["Location"].startswith("/accounts/login/")
            elif status is not None:
                assert get.status_code == post.status_code == status, (user, url)
            else:
                assert get.status_code == 200, url
        certificate.refresh_from_db()
        assert certificate.learner_name == ("Hacker" if user == hr_user else "Lena Lernfreudig")
    client.force_login(hr_user)
    assert client.post("/certificates/").status_code == 405
    assert client.get("/certificates/NOPE/name/").status_code == 404
    assert AuditEntry.objects.filter(action="certificate.name_corrected").count() == 1


@pytest.mark.django_db
def test_the_certificate_list_needs_constant_queries(client_as, hr_user, tree):
    from accounts.factories import UserFactory

    client = client_as(hr_user)
    client.get("/certificates/")  # warm the per-process caches (site, locales)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/certificates/").status_code == 200
        return len(queries)

    _finish(UserFactory(), tree)
    one = count()
    for _ in range(4):
        _finish(UserFactory(), tree)
    assert count() == one


@pytest.mark.django_db
def test_under_a_strict_policy_hr_finds_a_certificate_only_by_its_code(
    client_as, hr_user, employee, tree, privacy_settings
):
    """Regression (#21 review): /certificates/ listed everyone's certificates by name although
    the policy hides individual progress from HR. The code its holder hands over still finds
    it (the public verification page shows as much), so a wrong name can still be corrected."""
    certificate = _finish(employee, tree)
    other = _finish(EmployeeProfileFactory(user__last_name="Zweitmann").user, tree)
    privacy_settings(hr_individual_progress=False)
    client = client_as(hr_user)
    for query in ("", "?q=Lernfreudig", "?q=lena", f"?q={tree.course.title}", "?q=Lena+X"):
        html = client.get(f"/certificates/{query}").content.decode()
        assert certificate.code not in html and other.code not in html, query
        assert "Zweitmann" not in html and employee.email not in html, query
        assert 'data-privacy="individual-hidden"' in html
    found = client.get(f"/certificates/?q={certificate.code.lower()}").content.decode()
    assert certificate.code in found and other.code not in found
    response = client.post(
        f"/certificates/{certificate.code}/name/", {"learner_name": "Lena Meyer"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.learner_name == "Lena Meyer"

    privacy_settings(hr_individual_progress=True)
    html = client.get("/certificates/").content.decode()
    assert certificate.code in html and other.code in html

"""Certificate rules HR and learners would notice if they broke (each test named as that behaviour).

Issuing, HR's certificate search and the name correction, called as services with small data;
they pin the rules that mutation testing (docs/mutation.md) showed the rest of the suite did not."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from django.utils import translation

from accounts.factories import UserFactory
from accounts.models import AuditEntry
from curriculum import services
from curriculum.factories import CoursePageFactory
from curriculum.models import Certificate

pytestmark = pytest.mark.django_db

LIMIT = Certificate._meta.get_field("learner_name").max_length


# --- the name on a certificate -----------------------------------------------------------------


def test_a_name_of_exactly_the_limit_fits_the_certificate():
    assert services.clean_certificate_name("L" * LIMIT) == "L" * LIMIT


def test_a_name_too_long_says_the_limit_in_german():
    with translation.override("de"), pytest.raises(services.CertificateNameError) as refused:
        services.clean_certificate_name("L" * (LIMIT + 1))
    assert str(refused.value) == f"Der Name darf höchstens {LIMIT} Zeichen lang sein."


@pytest.mark.parametrize("name", ["", " \t ", "\x00\r\n"])
def test_an_empty_name_asks_for_the_name_in_german(name):
    with translation.override("de"), pytest.raises(services.CertificateNameError) as refused:
        services.clean_certificate_name(name)
    assert str(refused.value) == "Bitte geben Sie den Namen für das Zertifikat ein."


def test_control_characters_in_a_name_become_single_spaces():
    assert services.clean_certificate_name(" Lena\x00\tMaria\r\n Meyer ") == "Lena Maria Meyer"


def test_a_corrected_name_keeps_the_certificate_and_the_audit_log_says_who_whose_and_what(
    learner, hr_user, tree
):
    certificate = services.issue_certificate(learner, tree.course)
    old = certificate.learner_name
    corrected = services.correct_certificate_name(certificate, " Lena\r\nMeyer ", hr_user)
    assert corrected.pk == certificate.pk and corrected.code == certificate.code
    stored = Certificate.objects.get()
    assert stored.learner_name == "Lena Meyer" and stored.is_current
    entry = AuditEntry.objects.get(action="certificate.name_corrected")
    assert entry.actor == hr_user
    assert entry.details == {
        "certificate": certificate.code,
        "user": learner.email,
        "old": old,
        "new": "Lena Meyer",
    }
    assert entry.summary == f"Certificate {certificate.code}: name “{old}” → “Lena Meyer”"


def test_saving_the_same_name_again_changes_nothing_and_logs_nothing(learner, hr_user, tree):
    certificate = services.issue_certificate(learner, tree.course)
    name = certificate.learner_name
    assert services.correct_certificate_name(certificate, f"  {name} ", hr_user) == certificate
    assert not AuditEntry.objects.filter(action="certificate.name_corrected").exists()


def test_correcting_a_name_does_not_undo_a_renewal_that_happened_meanwhile(learner, hr_user, tree):
    """HR opened the old certificate's form; the learner renewed before HR saved."""
    shown_to_hr = services.issue_certificate(learner, tree.course)
    renewal = services.issue_certificate(learner, tree.course, renewing=shown_to_hr)
    services.correct_certificate_name(shown_to_hr, "Lena Meyer", hr_user)
    old, new = Certificate.objects.get(pk=shown_to_hr.pk), Certificate.objects.get(pk=renewal.pk)
    assert old.learner_name == "Lena Meyer" and not old.is_current
    assert new.is_current and new.replaces == old


# --- HR's certificate search -------------------------------------------------------------------


def _on(day: datetime.date):
    """Issue at ten o'clock on `day` (the clock stands still, so two issues can share a time)."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC), tick=False
    )


def _found(query: str = "") -> list[str]:
    return [certificate.learner_name for certificate in services.certificates_for_hr(query)]


@pytest.fixture
def holders(tree, hr_user):
    """Anna (basics, name corrected after her marriage) and Bernd (complaints, with his
    initial), issued in that order on different days; HR sees individual progress."""
    complaints = CoursePageFactory(
        parent=tree.path, slug="beschwerden", title="Beschwerdemanagement"
    )
    anna = UserFactory(first_name="Anna", last_name="Albrecht", email="a.one@cx-academy.example")
    bernd = UserFactory(first_name="Bernd", last_name="Brandt", email="b.two@cx-academy.example")
    with _on(datetime.date(2026, 3, 2)):
        services.correct_certificate_name(
            services.issue_certificate(anna, tree.course), "Anna Zeller", hr_user
        )
    with _on(datetime.date(2026, 3, 9)):
        services.correct_certificate_name(
            services.issue_certificate(bernd, complaints), "B. Brandt", hr_user
        )
    return Certificate.objects.get(user=anna), Certificate.objects.get(user=bernd)


def test_hr_finds_a_certificate_by_any_one_of_its_names_e_mail_course_or_code(holders):
    anna, bernd = holders
    assert _found("zeller") == ["Anna Zeller"]  # the name on the certificate only
    assert _found("ALBRECHT") == ["Anna Zeller"]  # the account's last name only
    assert _found("bernd") == ["B. Brandt"]  # the account's first name only
    assert _found("a.one@") == ["Anna Zeller"]  # the e-mail only
    assert _found("beschwerde") == ["B. Brandt"]  # the course only
    assert _found(bernd.code.lower()) == ["B. Brandt"]  # the whole code, any case
    assert _found(anna.code[:8]) == []  # part of a code finds nothing


def test_every_word_of_an_hr_search_must_match(holders):
    assert _found("Brandt beschwerde") == ["B. Brandt"]
    assert _found("Anna beschwerde") == []


def test_hr_sees_every_certificate_newest_issue_first(holders, learner, tree):
    assert _found() == _found("  ") == ["B. Brandt", "Anna Zeller"]
    with _on(datetime.date(2026, 1, 5)):  # issued earlier, recorded later (pk)
        services.issue_certificate(learner, tree.course)
    assert _found()[-1] == learner.get_full_name()


def test_certificates_issued_at_the_same_moment_list_the_later_one_first(tree):
    first, second = UserFactory(last_name="Erster"), UserFactory(last_name="Zweiter")
    with _on(datetime.date(2026, 3, 2)):
        services.issue_certificate(first, tree.course)
        services.issue_certificate(second, tree.course)
    assert [c.user for c in services.certificates_for_hr()] == [second, first]


def test_under_a_strict_policy_a_code_pasted_with_spaces_around_it_is_still_found(
    holders, privacy_settings
):
    anna, _ = holders
    privacy_settings(hr_individual_progress=False)
    assert _found(f"  {anna.code.lower()}\t") == ["Anna Zeller"]
    assert _found("Anna") == _found("") == _found(f"{anna.code} x") == []

"""Rules of HR's reports that a user would notice when broken: which assignments stand behind a
number, and what HR's page about one person shows and logs."""

from __future__ import annotations

import datetime

import pytest

from django.utils import timezone, translation

from accounts.models import ResultView
from assignments.models import Assignment
from curriculum.factories import CoursePageFactory
from curriculum.models import Certificate, CourseEnrolment
from people.factories import EmployeeProfileFactory, LocationFactory, TeamFactory
from reports.services import (
    CertificateFilters,
    ReportFilters,
    certificate_bands,
    certificates_in_band,
    drill_down,
    person_page,
)

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _figures_of_few_people(small_groups_shown):
    """These rules are checked on a handful of people; suppression is tested elsewhere."""


def person(last_name: str, location=None):
    return EmployeeProfileFactory(user__last_name=last_name, location=location).user


@pytest.fixture
def hamburg(tree):
    """Hamburg: Albers done (late), Berg overdue, Claus due today, Dorn due next year;
    Ernst has no location and is overdue."""
    city = LocationFactory(name="Hamburg")
    course = tree.course
    people = {}
    for name, due in [
        ("Albers", TODAY - datetime.timedelta(days=30)),
        ("Berg", TODAY - datetime.timedelta(days=1)),
        ("Claus", TODAY),
        ("Dorn", TODAY + datetime.timedelta(days=365)),
    ]:
        people[name] = person(name, location=city)
        Assignment.objects.create(user=people[name], course=course, due_date=due)
    people["Ernst"] = person("Ernst")
    Assignment.objects.create(
        user=people["Ernst"], course=course, due_date=TODAY - datetime.timedelta(days=3)
    )
    CourseEnrolment.objects.create(
        user=people["Albers"], course=course, completed_at=timezone.now()
    )
    CourseEnrolment.objects.create(user=people["Dorn"], course=course)  # started only
    return people


def last_names(assignments) -> list[str]:
    return [a.user.last_name for a in assignments]


@pytest.mark.django_db
def test_the_overdue_number_lists_only_open_assignments_past_their_due_date(hamburg):
    overdue = drill_down(ReportFilters(), "location", "Hamburg", only="overdue")
    assert last_names(overdue) == ["Berg"]  # not Albers (done late), not Claus (due today)


@pytest.mark.django_db
def test_the_completed_number_lists_only_completed_assignments(hamburg):
    completed = drill_down(ReportFilters(), "location", "Hamburg", only="completed")
    assert last_names(completed) == ["Albers"]


@pytest.mark.django_db
def test_every_assignment_of_a_group_is_listed_soonest_due_first(hamburg):
    assert last_names(drill_down(ReportFilters(), "location", "Hamburg")) == [
        "Albers",
        "Berg",
        "Claus",
        "Dorn",
    ]


@pytest.mark.django_db
def test_an_unknown_sort_column_lists_soonest_due_first(hamburg):
    assert last_names(drill_down(ReportFilters(), "location", "Hamburg", sort="salary")) == [
        "Albers",
        "Berg",
        "Claus",
        "Dorn",
    ]


@pytest.mark.django_db
def test_the_people_behind_a_number_are_read_in_one_query(hamburg, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = {
            (a.user.last_name, a.course.title, a.user.employee.location.name)
            for a in drill_down(ReportFilters(), "location", "Hamburg")
            if a.user.employee.department.name
        }
    assert len(rows) == 4 and {location for _n, _c, location in rows} == {"Hamburg"}


@pytest.mark.django_db
def test_the_row_without_a_location_lists_the_people_without_one(hamburg):
    assert last_names(drill_down(ReportFilters(), "location", "–")) == ["Ernst"]
    assert last_names(drill_down(ReportFilters(), "location", "–", only="overdue")) == ["Ernst"]


@pytest.mark.django_db
def test_hr_sees_a_persons_training_and_the_view_is_logged_for_them(hamburg, hr_user, tree):
    dorn = hamburg["Dorn"]
    other_course = CourseEnrolment.objects.create(
        user=hamburg["Berg"], course=tree.course
    )  # someone else's start: not on Dorn's page
    page = person_page(hr_user, dorn)
    assert page["individual"] is True
    assert [a.course for a in page["assignments"]] == [tree.course]
    assert [e.user for e in page["enrolments"]] == [dorn] and other_course not in page["enrolments"]
    view = ResultView.objects.get(subject=dorn)
    assert (view.viewer, view.what, view.role) == (hr_user, "reports.person", "hr")


@pytest.mark.django_db
def test_the_person_page_shows_courses_started_without_an_assignment(
    client_as, hr_user, hamburg, tree
):
    Assignment.objects.filter(user=hamburg["Dorn"]).delete()
    html = client_as(hr_user).get(f"/reports/person/{hamburg['Dorn'].pk}/").content.decode()
    assert "Keine Pflichtschulung zugewiesen." in html
    assert "Noch kein Kurs begonnen." not in html and tree.course.title in html


@pytest.mark.django_db
def test_the_person_page_under_a_strict_policy_names_the_minimum_group_size(
    client_as, hr_user, hamburg, privacy_settings
):
    privacy_settings(hr_individual_progress=False, min_group_size=5)
    page = person_page(hr_user, hamburg["Dorn"])
    assert page == {"person": hamburg["Dorn"], "individual": False, "minimum": 5}
    html = client_as(hr_user).get(f"/reports/person/{hamburg['Dorn'].pk}/").content.decode()
    assert "nur für Gruppen ab 5 Personen" in html


def certificate(user, course, expires: datetime.date, issued: datetime.date | None = None):
    issued = issued or expires - datetime.timedelta(days=365)
    return Certificate.objects.create(
        user=user,
        course=course,
        code=f"C{Certificate.objects.count():06d}",
        learner_name=user.get_full_name(),
        course_title=course.title,
        issued_at=datetime.datetime.combine(issued, datetime.time(12), tzinfo=datetime.UTC),
        expires_on=expires,
    )


@pytest.mark.django_db
def test_recertification_figures_are_of_the_day_asked_for_with_german_labels(tree):
    day = datetime.date(2030, 3, 1)
    certificate(person("Albers"), tree.course, day + datetime.timedelta(days=10))
    with translation.override("de"):
        bands = certificate_bands(CertificateFilters(), today=day)
    assert [(band["label"], band["count"]) for band in bands[:2]] == [
        ("Laufen in 30 Tagen ab", 1),
        ("Laufen in 60 Tagen ab", 1),
    ]
    assert {band["key"]: band["count"] for band in bands}["expired"] == 0


@pytest.mark.django_db
def test_certificates_behind_a_figure_are_listed_soonest_expiry_first_then_by_name(tree):
    day = datetime.date(2030, 3, 1)
    for name, days in [("Berg", 80), ("Claus", 10), ("Albers", 80), ("Dorn", 45)]:
        certificate(person(name), tree.course, day + datetime.timedelta(days=days))
    listed = certificates_in_band(CertificateFilters(), "90", today=day)
    assert [c.user.last_name for c in listed] == ["Claus", "Dorn", "Albers", "Berg"]


@pytest.mark.django_db
def test_recertification_figures_leave_out_people_who_left_and_other_courses(tree):
    day = datetime.date(2030, 3, 1)
    soon = day + datetime.timedelta(days=10)
    certificate(person("Albers"), tree.course, soon)
    left = person("Berg")
    left.is_active = False
    left.save()
    certificate(left, tree.course, soon)
    other = CoursePageFactory(parent=tree.path, slug="beschwerden", title="Beschwerden lösen")
    certificate(person("Claus"), other, soon)
    counts = {b["key"]: b["count"] for b in certificate_bands(CertificateFilters(), today=day)}
    assert counts["30"] == 2  # Albers and Claus; not Berg, who left
    only_tree = CertificateFilters(course=tree.course.pk)
    assert [c.user.last_name for c in certificates_in_band(only_tree, "30", today=day)] == [
        "Albers"
    ]


@pytest.mark.django_db
def test_the_certificates_behind_a_figure_are_read_in_one_query(tree, django_assert_num_queries):
    day = datetime.date(2030, 3, 1)
    for name in ("Albers", "Berg"):
        user = person(name, location=LocationFactory(name=f"Ort {name}"))
        user.employee.team = TeamFactory(department=user.employee.department)
        user.employee.save()
        old = certificate(user, tree.course, day)
        old.is_current = False
        old.save()
        renewal = certificate(user, tree.course, day + datetime.timedelta(days=365), issued=day)
        renewal.replaces = old
        renewal.save()
    with django_assert_num_queries(1):
        rows = [
            (
                c.user.last_name,
                c.renewed_by.expires_on,
                c.user.employee.department.name,
                c.user.employee.location.name,
                c.user.employee.team.name,
            )
            for c in certificates_in_band(CertificateFilters(), "renewed_on_time", today=day)
        ]
    assert [row[0] for row in rows] == ["Albers", "Berg"]


@pytest.mark.django_db
def test_quiz_summary_counts_submitted_attempts_distinct_people_and_rounds(
    learner, other_learner, privacy_settings
):
    from decimal import Decimal

    from quizzes.factories import QuizFactory
    from quizzes.models import Attempt
    from reports.services import quiz_summary

    privacy_settings(min_group_size=2)
    basics, later = QuizFactory(title="A: Grundlagen"), QuizFactory(title="B: Vertiefung")
    zero = QuizFactory(title="C: Nullrunde")
    now = timezone.now()

    def submitted(quiz, user, score: int, passed: bool) -> None:
        Attempt.objects.create(
            quiz=quiz, user=user, submitted_at=now, score_percent=Decimal(score), passed=passed
        )

    submitted(basics, learner, 40, False)
    submitted(basics, learner, 81, True)
    submitted(basics, other_learner, 90, True)
    submitted(basics, other_learner, 71, True)
    Attempt.objects.create(quiz=basics, user=other_learner)  # still open: not counted
    submitted(later, learner, 100, True)
    submitted(zero, learner, 0, False)
    submitted(zero, other_learner, 0, False)
    assert quiz_summary() == [
        {
            "quiz_id": basics.pk,
            "quiz__title": "A: Grundlagen",
            "attempts": 4,
            "people": 2,
            "passed": 3,
            "pass_rate": 75,
            "average": 70.5,
            "suppressed": False,
        },
        {  # one person: hidden under a minimum group size of two
            "quiz_id": later.pk,
            "quiz__title": "B: Vertiefung",
            "attempts": None,
            "people": 1,
            "passed": None,
            "pass_rate": None,
            "average": None,
            "suppressed": True,
        },
        {
            "quiz_id": zero.pk,
            "quiz__title": "C: Nullrunde",
            "attempts": 2,
            "people": 2,
            "passed": 0,
            "pass_rate": 0,
            "average": 0.0,
            "suppressed": False,
        },
    ]


@pytest.mark.django_db
def test_a_completion_in_the_oldest_week_of_the_chart_is_counted(hamburg, tree):
    from reports.services import completions_by_week

    oldest_monday = datetime.datetime(2026, 9, 7, 9, 0)  # the chart of 25 Nov 2026 starts here
    CourseEnrolment.objects.filter(user=hamburg["Albers"]).update(
        completed_at=timezone.make_aware(oldest_monday)
    )
    weeks = completions_by_week(ReportFilters(), today=datetime.date(2026, 11, 25))
    assert (weeks[0]["week"], weeks[0]["count"]) == (datetime.date(2026, 9, 7), 1)
    assert sum(week["count"] for week in weeks) == 1


def completed(user, course, day: datetime.date) -> None:
    """`user` completed `course` at noon on `day`."""
    CourseEnrolment.objects.update_or_create(
        user=user,
        course=course,
        defaults={"completed_at": timezone.make_aware(datetime.datetime.combine(day, NOON))},
    )


NOON = datetime.time(12)
CHART_DAY = datetime.date(2026, 11, 25)  # a Wednesday: its chart ends with the week of 23 Nov


@pytest.mark.django_db
def test_a_week_completed_by_fewer_people_than_the_minimum_is_hidden_alone(
    hamburg, tree, privacy_settings
):
    from reports.services import completions_by_week

    privacy_settings(min_group_size=2)
    completed(hamburg["Albers"], tree.course, datetime.date(2026, 11, 10))
    completed(hamburg["Berg"], tree.course, datetime.date(2026, 11, 17))
    completed(hamburg["Claus"], tree.course, datetime.date(2026, 11, 18))
    weeks = {w["week"]: w for w in completions_by_week(ReportFilters(), today=CHART_DAY)}
    assert weeks[datetime.date(2026, 11, 9)]["count"] is None  # one person: hidden
    assert weeks[datetime.date(2026, 11, 9)]["suppressed"] is True
    assert weeks[datetime.date(2026, 11, 16)]["count"] == 2  # two people: shown
    assert not any(w["suppressed"] for day, w in weeks.items() if day.day != 9)


@pytest.mark.django_db
def test_two_courses_completed_by_one_person_in_a_week_are_still_one_person(
    hamburg, tree, privacy_settings
):
    from reports.services import completions_by_week

    privacy_settings(min_group_size=2)
    second = CoursePageFactory(parent=tree.path, slug="beschwerden", title="Beschwerden lösen")
    completed(hamburg["Berg"], tree.course, datetime.date(2026, 11, 10))
    completed(hamburg["Claus"], tree.course, datetime.date(2026, 11, 11))
    completed(hamburg["Dorn"], tree.course, datetime.date(2026, 11, 24))
    completed(hamburg["Dorn"], second, datetime.date(2026, 11, 25))
    weeks = {w["week"]: w for w in completions_by_week(ReportFilters(), today=CHART_DAY)}
    assert weeks[datetime.date(2026, 11, 9)]["count"] == 2
    assert weeks[datetime.date(2026, 11, 23)]["count"] is None


@pytest.mark.django_db
def test_a_location_of_one_person_with_two_courses_is_hidden_as_one_person(
    hamburg, tree, privacy_settings
):
    from reports.services import dimension_tables, private_tables

    privacy_settings(min_group_size=2)
    second = CoursePageFactory(parent=tree.path, slug="beschwerden", title="Beschwerden lösen")
    for name, city in [("Fischer", "München"), ("Gärtner", "Bremen")]:
        solo = person(name, location=LocationFactory(name=city))
        for course in (tree.course, second):
            Assignment.objects.create(user=solo, course=course, due_date=TODAY)
    rows = {r["key"]: r for r in private_tables(dimension_tables(ReportFilters()))["location"]}
    assert {key for key, row in rows.items() if row["suppressed"]} == {"Bremen", "München", "–"}
    assert rows["München"]["total"] is None and rows["Hamburg"]["total"] == 4


@pytest.mark.django_db
def test_each_filter_narrows_the_report_to_what_it_names(hamburg, tree):
    from people.factories import DepartmentFactory
    from people.models import StaffRole

    service = DepartmentFactory(name="Service")
    hotline = DepartmentFactory(name="Hotline", parent=service)
    for name, department in [("Berg", service), ("Claus", hotline)]:
        hamburg[name].employee.department = department
        hamburg[name].employee.save()
    dorn = hamburg["Dorn"].employee
    dorn.staff_role = StaffRole.MANAGEMENT
    dorn.save()
    second = CoursePageFactory(parent=tree.path, slug="beschwerden", title="Beschwerden lösen")
    Assignment.objects.create(user=hamburg["Albers"], course=second, due_date=TODAY)

    def listed(**filters) -> list[tuple[str, str]]:
        return sorted(
            (a.user.last_name, a.course.title)
            for a in drill_down(ReportFilters(**filters), "location", "Hamburg")
        )

    assert [n for n, _c in listed(department=service.pk)] == ["Berg", "Claus"]  # with Hotline
    assert listed(department=999_999) == []  # a department that no longer exists
    assert listed(staff_role=StaffRole.MANAGEMENT) == [("Dorn", tree.course.title)]
    assert listed(course=second.pk) == [("Albers", "Beschwerden lösen")]
    assert [n for n, _c in listed(due_from=TODAY)] == ["Albers", "Claus", "Dorn"]
    assert [n for n, _c in listed(due_to=TODAY)] == ["Albers", "Albers", "Berg", "Claus"]


@pytest.mark.django_db
def test_dashboard_figures_count_only_open_assignments_as_overdue_and_name_the_rest_row(
    hamburg,
):
    from reports.services import grouped, totals_of

    rows = {r["key"]: r for r in grouped(ReportFilters(), "location")}
    assert (rows["Hamburg"]["overdue"], rows["Hamburg"]["completed"]) == (1, 1)  # Berg; Albers
    assert (rows["–"]["label"], rows["–"]["overdue"]) == ("–", 1)  # Ernst, without a location
    nothing = grouped(ReportFilters(course=999_999), "location")
    assert totals_of(nothing)["percent"] == 0 and totals_of(nothing)["total"] == 0


@pytest.mark.django_db
def test_people_without_an_employee_profile_are_in_the_rest_row_by_staff_role(hamburg, tree):
    from accounts.factories import UserFactory
    from reports.services import grouped

    editor = UserFactory(last_name="Ohneprofil")
    Assignment.objects.create(user=editor, course=tree.course, due_date=TODAY)
    with translation.override("de"):
        rows = {r["key"]: r["label"] for r in grouped(ReportFilters(), "staff_role")}
    assert rows == {"service": "Servicemitarbeitende", "–": "–"}


@pytest.mark.django_db
def test_dashboard_tables_count_overdue_as_of_the_day_asked_for(hamburg):
    from reports.services import dimension_tables

    next_year = TODAY + datetime.timedelta(days=400)
    rows = {r["key"]: r for r in dimension_tables(ReportFilters(), next_year)["location"]}
    assert rows["Hamburg"]["overdue"] == 3  # Berg, Claus and Dorn; Albers is done

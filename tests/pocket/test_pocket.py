"""The installable app: manifest, service worker, which lessons go on the phone, log-out."""

from __future__ import annotations

import datetime
import json

import pytest

from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment
from curriculum.factories import CoursePageFactory, LessonPageFactory, build_course_tree
from curriculum.models import CourseEnrolment
from pocket import services

pytestmark = pytest.mark.django_db


def test_manifest_is_installable_and_speaks_the_language(client):
    data = json.loads(client.get(reverse("pocket:manifest"), HTTP_ACCEPT_LANGUAGE="de").content)
    assert data["display"] == "standalone" and data["start_url"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    assert data["description"] == "Customer-Experience-Training für das ganze Service-Team."
    client.cookies["django_language"] = "en"
    english = json.loads(client.get(reverse("pocket:manifest")).content)
    assert english["start_url"] == "/en/" and english["lang"] == "en"
    assert english["description"] == "Customer-experience training for the whole service team."


def test_service_worker_is_served_from_the_root_and_renews_on_publish(client, tree):
    first = client.get("/sw.js")
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/javascript")
    assert first["Service-Worker-Allowed"] == "/"
    assert "no-cache" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    body = first.content.decode()
    assert '"/offline/"' in body and "&quot;" not in body
    version = services.cache_version()
    assert f'const VERSION = "{version}"' in body

    lesson = tree.lessons[0]
    lesson.title = "Neu gefasst"
    lesson.save_revision().publish()
    assert services.cache_version() != version
    assert services.cache_version() in client.get("/sw.js").content.decode()


def test_offline_page_answers_everyone(client):
    response = client.get(reverse("pocket:offline"))
    assert response.status_code == 200
    assert "Sie sind offline" in response.content.decode()


def test_the_phone_keeps_started_and_assigned_courses_but_not_finished_ones(
    client_as, learner, other_learner, home_page, django_assert_max_num_queries
):
    started = build_course_tree(home_page, lessons=2)

    assigned = CoursePageFactory(parent=started.path, slug="beschwerden")
    for n in (1, 2):
        LessonPageFactory(parent=assigned, slug=f"b-{n}", title=f"Beschwerde {n}")
    finished = CoursePageFactory(parent=started.path, slug="fertig")
    LessonPageFactory(parent=finished, slug="f-1", title="Schon erledigt")
    CourseEnrolment.objects.create(user=learner, course=started.course)
    Assignment.objects.create(user=learner, course=assigned, due_date=datetime.date(2027, 1, 1))
    Assignment.objects.create(user=learner, course=finished, due_date=datetime.date(2027, 1, 1))
    CourseEnrolment.objects.create(user=learner, course=finished, completed_at=timezone.now())
    CourseEnrolment.objects.create(user=other_learner, course=finished)

    with django_assert_max_num_queries(6):
        titles = [lesson.title for lesson in services.offline_lessons(learner)]
    assert titles == ["Lektion 1", "Lektion 2", "Beschwerde 1", "Beschwerde 2"]

    data = json.loads(client_as(learner).get(reverse("pocket:offline_lessons")).content)
    assert [item["title"] for item in data["lessons"]] == titles
    assert data["lessons"][0]["url"] == started.lessons[0].url
    assert services.offline_lessons(other_learner)[0].title == "Schon erledigt"


def test_offline_lessons_need_a_log_in(client, home_page):
    response = client.get(reverse("pocket:offline_lessons"))
    assert response.status_code == 302


def test_log_out_clears_the_phone(client_as, learner):
    client = client_as(learner)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get(reverse("pocket:offline"))


def test_every_page_links_the_manifest_and_the_worker(client_as, learner, home_page):
    page = client_as(learner).get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'data-service-worker="/sw.js"' in page
    assert 'data-offline-lessons="/offline/lessons.json"' in page
    assert 'id="offline-indicator"' in page


def test_reflections_written_offline_are_queued_and_count_once(client_as, learner, tree):
    """The reflection form is queued on the phone when offline (its text stays in the form); the
    queue's replay may send it again after a lost answer, and the server keeps one answer."""
    from curriculum.models import ReflectionAnswer

    lesson = tree.lessons[0]
    lesson.body = [("reflection", {"prompt": "Was nehmen Sie mit?"})]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    block_id = lesson.body[0].id
    client = client_as(learner)
    page = client.get(lesson.url).content.decode()
    assert "data-offline-queue=" in page and "data-offline-keep" in page
    url = reverse("curriculum:save_reflection", args=[lesson.pk, block_id])
    assert f'action="{url}"' in page
    for _replay in range(2):
        response = client.post(
            url,
            "text=Zuh%C3%B6ren+zuerst",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 302
    assert list(ReflectionAnswer.objects.filter(user=learner).values_list("text", flat=True)) == [
        "Zuhören zuerst"
    ]

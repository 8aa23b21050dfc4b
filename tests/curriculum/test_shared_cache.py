"""What every learner sees alike is cached (core/content_cache.py): an editor's change shows at
once, each learner still sees their own progress and locks, and pages render with the cache down."""

from __future__ import annotations

import time

import pytest

from django.core.cache import cache

from wagtail.models import PageViewRestriction

from curriculum import services
from curriculum.factories import LessonPageFactory


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def publish_title(page_obj, title: str) -> None:
    page_obj.title = title
    page_obj.save_revision().publish()


@pytest.mark.django_db
def test_a_published_course_or_lesson_title_shows_at_once_on_the_lesson_page(
    client_as, learner, tree
):
    client = client_as(learner)
    url = tree.lessons[1].url
    assert "CX-Grundlagen" in page(client, url)  # cached from now on

    publish_title(tree.course, "Zuhören lernen")
    publish_title(tree.lessons[0], "Der erste Eindruck")
    html = page(client, url)
    assert "Zuhören lernen" in html and "CX-Grundlagen" not in html
    assert "← Der erste Eindruck" in html


@pytest.mark.django_db
def test_a_new_lesson_counts_at_once_and_an_unpublished_one_is_gone(client_as, learner, tree):
    client = client_as(learner)
    url = tree.lessons[0].url
    assert "Lektion 1 von 3" in page(client, url)

    LessonPageFactory(parent=tree.course, title="Lektion 4", slug="lektion-4")
    assert "Lektion 1 von 4" in page(client, url)

    last = tree.lessons[2]
    assert client.get(last.url).status_code == 200
    last.unpublish()
    assert client.get(last.url).status_code == 404
    assert "Lektion 1 von 3" in page(client, url)


@pytest.mark.django_db
def test_a_quiz_edited_under_snippets_shows_at_once_in_its_lesson(
    client_as, learner, quiz_lesson, knowledge_check
):
    client = client_as(learner)
    assert "2 Fragen" in page(client, quiz_lesson.url)

    knowledge_check.questions.create(kind="true_false", prompt="Zählt jeder Kontakt?")
    knowledge_check.title = "Kurzer Check"
    knowledge_check.save()
    html = page(client, quiz_lesson.url)
    assert "3 Fragen" in html and "Kurzer Check" in html


@pytest.mark.django_db
def test_a_view_restriction_added_by_an_editor_applies_at_once(client_as, learner, tree):
    client = client_as(learner)
    url = tree.lessons[0].url
    page(client, url)

    restriction = PageViewRestriction.objects.create(
        page=tree.course, restriction_type=PageViewRestriction.GROUPS
    )
    assert client.get(url).status_code == 302  # to the log-in: not in the allowed groups
    restriction.delete()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_each_learner_sees_their_own_progress_and_locks_on_shared_pages(
    client_as, learner, other_learner, home_page
):
    from curriculum.factories import build_course_tree

    tree = build_course_tree(home_page, lessons_in_order=True)
    first, second = tree.lessons[0], tree.lessons[1]
    services.complete_lesson(learner, first)

    # Otto first, so Lena reads what his requests put in the cache, then Otto again.
    otto = client_as(other_learner)
    locked = otto.get(second.url)
    assert locked.status_code == 403 and "Lektion 1" in locked.content.decode()
    assert "Erledigt" not in page(otto, first.url)

    lena = client_as(learner)
    assert "Erledigt" in page(lena, first.url)
    assert 'id="mark-done"' in page(lena, second.url)

    otto = client_as(other_learner)
    assert otto.get(second.url).status_code == 403
    assert 'id="mark-done"' in page(otto, first.url)


@pytest.mark.django_db
def test_my_learning_shows_each_learners_own_courses_with_a_shared_cache(
    client_as, learner, other_learner, tree
):
    services.complete_lesson(learner, tree.lessons[0])
    lena = page(client_as(learner), "/")
    assert "CX-Grundlagen" in lena and "33" in lena  # 1 of 3 lessons

    otto = page(client_as(other_learner), "/")
    assert "CX-Grundlagen" not in otto


@pytest.mark.faults
@pytest.mark.django_db
def test_lesson_pages_render_and_show_a_publish_while_the_cache_is_down(
    client_as, learner, tree, settings
):
    import shutil
    import signal

    from tests.outbox.services import RedisServer

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    redis = RedisServer()
    redis.start()
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.FailSoftRedisCache",
                "LOCATION": redis.url,
                "RETRY_AFTER": 1.0,
            }
        }
        client = client_as(learner)
        url = tree.lessons[1].url
        assert "CX-Grundlagen" in page(client, url)
        assert "CX-Grundlagen" in page(client, url)  # from Redis

        redis.process.send_signal(signal.SIGSTOP)  # hangs, keeping what it holds
        assert "CX-Grundlagen" in page(client, url)
        publish_title(tree.course, "Zuhören lernen")
        assert "Zuhören lernen" in page(client, url)

        redis.process.send_signal(signal.SIGCONT)  # back, with the entries from before
        time.sleep(1.1)  # past RETRY_AFTER
        assert "Zuhören lernen" in page(client, url)
        assert not cache.is_down
    finally:
        redis.process.send_signal(signal.SIGCONT)
        redis.kill()

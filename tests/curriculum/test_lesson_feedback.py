"""Home and lesson pages say where the learner stands: completed courses, "Lektion 2 von 3",
what completing a lesson did, and one primary action."""

from __future__ import annotations

import pytest

from curriculum import services


@pytest.mark.django_db
def test_home_does_not_say_nothing_started_when_courses_are_completed(client_as, learner, tree):
    for lesson in tree.lessons:
        services.complete_lesson(learner, lesson)
    html = client_as(learner).get("/").content.decode()
    assert "Noch keine Schulung begonnen" not in html
    assert "abgeschlossen" in html and "gut gemacht" in html.lower()
    assert tree.course.title in html


@pytest.mark.django_db
def test_home_invites_to_start_when_nothing_was_started(client_as, learner, tree):
    html = client_as(learner).get("/").content.decode()
    assert "Noch keine Schulung begonnen" in html


@pytest.mark.django_db
def test_lesson_says_its_position_in_the_course(client_as, learner, tree):
    services.complete_lesson(learner, tree.lessons[0])
    html = client_as(learner).get(tree.lessons[1].url).content.decode()
    assert "Lektion 2 von 3" in html


@pytest.mark.django_db
def test_marking_done_says_what_happened(client_as, learner, tree):
    client = client_as(learner)
    response = client.post(f"/learning/lessons/{tree.lessons[0].pk}/done/", follow=True)
    html = response.content.decode()
    assert "„Lektion 1“ ist erledigt – 1 von 3 Lektionen dieses Kurses." in html
    assert response.redirect_chain[-1][0] == tree.lessons[1].url


@pytest.mark.django_db
def test_a_lesson_with_a_quiz_has_one_primary_button(client_as, learner, tree, knowledge_check):
    lesson = tree.lessons[0]
    lesson.body = [("text", "<p>Text</p>"), ("quiz", {"quiz": knowledge_check})]
    lesson.save_revision().publish()
    html = client_as(learner).get(lesson.url).content.decode()
    assert 'id="mark-done" class="secondary outline"' in html
    plain = client_as(learner).get(tree.lessons[1].url)
    assert plain.status_code in (200, 403)


@pytest.mark.django_db
def test_marking_done_needs_a_log_in_and_post(client, learner, tree):
    url = f"/learning/lessons/{tree.lessons[0].pk}/done/"
    assert "/accounts/login/" in client.post(url)["Location"]
    client.force_login(learner)
    assert client.get(url).status_code == 405

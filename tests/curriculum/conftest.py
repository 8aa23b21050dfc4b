"""Fixtures for curriculum tests: a small course tree and a knowledge check."""

from __future__ import annotations

import pytest

from wagtail.models import Locale

from quizzes.demo import build_quiz

QUIZ_DATA = {
    "title": {"de": "Wissenscheck", "en": "Knowledge check"},
    "pass_mark": 50,
    "questions": [
        {"type": "true_false", "prompt": {"de": "CX ist mehr als Service."}, "answer": True},
        {
            "type": "single",
            "prompt": {"de": "Wer prägt CX?"},
            "options": [
                {"text": {"de": "Alle"}, "correct": True},
                {"text": {"de": "Nur Marketing"}, "correct": False},
            ],
        },
    ],
}


@pytest.fixture
def knowledge_check(db, home_page):
    return build_quiz("test-check", QUIZ_DATA, Locale.get_default())


@pytest.fixture
def quiz_lesson(tree, knowledge_check):
    """The first lesson, with the knowledge check (two questions) in its body."""
    lesson = tree.lessons[0]
    lesson.body = [("text", "<p>Text</p>"), ("quiz", {"quiz": knowledge_check})]
    lesson.save_revision().publish()
    return lesson

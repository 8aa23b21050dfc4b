"""Demo quizzes built from the curriculum's content files, and demo attempts for statistics."""

from __future__ import annotations

import random
import uuid

from django.db import transaction

from wagtail.models import Locale

from .models import Attempt, Question, QuestionKind, Quiz

TRUE_FALSE_LABELS = {"de": ("Richtig", "Falsch"), "en": ("True", "False")}


def _text(field, language: str) -> str:
    if isinstance(field, dict):
        return field.get(language) or field.get("de") or ""
    return field or ""


def _options(question: dict, language: str) -> list[tuple[str, dict]]:
    if question["type"] == "true_false":
        yes, no = TRUE_FALSE_LABELS.get(language, TRUE_FALSE_LABELS["de"])
        answer = bool(question["answer"])
        return [
            ("option", {"text": yes, "correct": answer, "feedback": ""}),
            ("option", {"text": no, "correct": not answer, "feedback": ""}),
        ]
    return [
        (
            "option",
            {
                "text": _text(option["text"], language),
                "correct": bool(option.get("correct", False)),
                "feedback": _text(option.get("feedback", ""), language),
            },
        )
        for option in question["options"]
    ]


@transaction.atomic
def build_quiz(key: str, data: dict, locale: Locale) -> Quiz:
    """Create the quiz `key` in `locale` from content data once; the English one as translation."""
    existing = Quiz.objects.filter(key=key, locale=locale).first()
    if existing is not None:
        return existing
    language = locale.language_code
    original = Quiz.objects.filter(key=key).exclude(locale=locale).first()
    quiz = Quiz(
        key=key,
        locale=locale,
        translation_key=original.translation_key if original else uuid.uuid4(),
        title=_text(data["title"], language),
        intro=_text(data.get("intro", ""), language),
        pass_mark=data.get("pass_mark", 70),
        max_attempts=data.get("max_attempts"),
        time_limit_minutes=data.get("time_limit_minutes"),
        shuffle_questions=data.get("shuffle_questions", False),
        shuffle_options=data.get("shuffle_options", True),
        draw_count=data.get("draw_count"),
        show_answers=data.get("show_answers", "after_attempt"),
    )
    quiz.save()
    for order, question in enumerate(data["questions"]):
        Question.objects.create(
            quiz=quiz,
            sort_order=order,
            kind=QuestionKind(question["type"]),
            prompt=_text(question["prompt"], language),
            stem=_text(question.get("stem", ""), language),
            partial_credit=bool(question.get("partial_credit", False)),
            explanation=_text(question.get("explanation", ""), language),
            options=_options(question, language),
        )
    return quiz


def load(stdout) -> None:
    """Give demo learners submitted attempts on the German quizzes (once)."""
    from accounts.models import User

    from . import services

    learners = list(User.objects.filter(email__endswith="@cx-academy.example").order_by("email"))
    if not learners or Attempt.objects.filter(user__in=learners).exists():
        return
    rng = random.Random(7)
    quizzes = Quiz.objects.filter(locale=Locale.get_default()).prefetch_related("questions")
    for quiz in quizzes:
        for learner in rng.sample(learners, k=min(len(learners), 6)):
            attempt = services.start_attempt(learner, quiz, rng=rng)
            skill = rng.random()
            answers = {}
            for question in services.attempt_questions(attempt):
                options = question.option_items()
                if rng.random() < 0.45 + skill / 2:
                    chosen = _right_answer(question.kind, options)
                else:
                    chosen = [rng.choice(options)["id"]]
                answers[str(question.pk)] = chosen
            attempt.answers = answers
            attempt.save(update_fields=["answers"])
            services.submit_attempt(attempt)
    stdout.write("Created demo quiz attempts.")


def _right_answer(kind: str, options: list[dict]) -> list[str]:
    if kind == QuestionKind.ORDERING:
        return [o["id"] for o in options]
    return [o["id"] for o in options if o["correct"]]

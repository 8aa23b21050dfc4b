"""Test factories for quizzes."""

from __future__ import annotations

import factory

from wagtail.models import Locale

from .models import Question, QuestionKind, Quiz


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"Quiz {n}")
    pass_mark = 70
    shuffle_options = False
    locale = factory.LazyFunction(Locale.get_default)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice question; pass `options=[("text", correct), ...]`."""

    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    kind = QuestionKind.SINGLE
    prompt = factory.Sequence(lambda n: f"Frage {n}?")
    sort_order = factory.Sequence(int)

    @factory.lazy_attribute
    def options(self):
        return [
            ("option", {"text": "Richtig", "correct": True, "feedback": "Gut."}),
            ("option", {"text": "Falsch", "correct": False, "feedback": "Leider nein."}),
        ]

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        options = kwargs.get("options")
        if options and isinstance(options[0], tuple) and isinstance(options[0][1], bool):
            kwargs["options"] = [
                ("option", {"text": text, "correct": correct, "feedback": f"Feedback {text}"})
                for text, correct in options
            ]
        return kwargs

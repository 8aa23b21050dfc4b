"""Quizzes: knowledge checks and exams, attempts scored on the server.

This module starts with the contract other apps rely on (Quiz, Attempt); the quizzes issue
grows it with questions, options and answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.models import TranslatableMixin


class Quiz(TranslatableMixin, models.Model):
    """A knowledge check inside a lesson or a course's final exam."""

    title = models.CharField(_("title"), max_length=200)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("Score in percent needed to pass.")
    )

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    """One learner's try at a quiz.

    `context_key` is an opaque label given when the attempt starts (e.g. "lesson:42"); quizzes never
    interpret it, apps that embed quizzes do."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    context_key = models.CharField(max_length=64, blank=True, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "quiz"]),
            models.Index(fields=["quiz", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.quiz} ({self.started_at:%Y-%m-%d})"

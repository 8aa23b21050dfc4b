"""What the phone app remembers on the server: the CX-Minute's review cards and practice days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewCard(models.Model):
    """One quiz question a learner keeps practising in the CX-Minute: its Leitner box and the day
    it is due again.

    A card names its question by the quiz's translation key and the question's position in the
    quiz, so the German and the English version of a question share one card (and one schedule)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    quiz_key = models.UUIDField(_("quiz"), db_index=True)
    position = models.PositiveSmallIntegerField(_("question number"))
    course = models.ForeignKey(
        "curriculum.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lesson = models.ForeignKey(
        "curriculum.LessonPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    box = models.PositiveSmallIntegerField(_("box"), default=1)
    due_on = models.DateField(_("due on"))
    reviews = models.PositiveIntegerField(_("reviews"), default=0)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    last_correct = models.BooleanField(_("last answer right"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review card")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz_key", "position"], name="unique_review_card_per_question"
            )
        ]
        indexes = [models.Index(fields=["user", "due_on"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.quiz_key}#{self.position} (box {self.box}, {self.due_on})"


class PracticeDay(models.Model):
    """A day on which the learner answered CX-Minute questions (the streak counts these)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_days"
    )
    day = models.DateField(_("day"))
    answered = models.PositiveSmallIntegerField(_("answered"), default=0)
    correct = models.PositiveSmallIntegerField(_("right"), default=0)

    class Meta:
        verbose_name = _("practice day")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="unique_practice_day")]

    def __str__(self) -> str:
        return f"{self.user} – {self.day}: {self.correct}/{self.answered}"


class PushSubscription(models.Model):
    """One device (browser) on which a person turned on push reminders: where its push service
    takes messages for it, and the keys messages are encrypted with."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(_("push service address"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")

    def __str__(self) -> str:
        return f"{self.user} – {self.endpoint[:60]}"

    def subscription_info(self) -> dict:
        """The subscription as the browser gave it (what pywebpush sends to)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

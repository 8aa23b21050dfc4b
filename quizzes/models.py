"""Quizzes: knowledge checks and exams with questions, and attempts scored on the server."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index


class ShowAnswers(models.TextChoices):
    """When a learner may see the correct answers."""

    NEVER = "never", _("Never")
    AFTER_ATTEMPT = "after_attempt", _("After each attempt")
    AFTER_PASS = "after_pass", _("After passing")


class Quiz(TranslatableMixin, index.Indexed, ClusterableModel):
    """A knowledge check inside a lesson or a course's final exam."""

    title = models.CharField(_("title"), max_length=200)
    key = models.SlugField(
        _("key"),
        max_length=80,
        blank=True,
        help_text=_("Optional stable identifier, e.g. for imported content."),
    )
    intro = models.TextField(_("intro"), blank=True, help_text=_("Shown before the quiz starts."))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("Score in percent needed to pass.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"),
        null=True,
        blank=True,
        help_text=_("Leave empty for unlimited attempts."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn"),
        null=True,
        blank=True,
        help_text=_("Draw this many questions at random from the pool; empty = all questions."),
    )
    show_answers = models.CharField(
        _("show correct answers"),
        max_length=20,
        choices=ShowAnswers.choices,
        default=ShowAnswers.AFTER_ATTEMPT,
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts")]),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("draw_count")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                FieldPanel("show_answers"),
            ],
            heading=_("Rules"),
        ),
        InlinePanel("questions", heading=_("Questions"), label=_("Question"), min_num=1),
        FieldPanel("key"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """A pass mark is a percentage: 0–100 (the field itself allows up to 32,767)."""
        super().clean()
        if self.pass_mark is not None and not 0 <= self.pass_mark <= 100:
            raise ValidationError(
                {"pass_mark": _("The pass mark is a percentage between 0 and 100.")}
            )


class QuestionKind(models.TextChoices):
    """The five question types."""

    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")
    ORDERING = "ordering", _("Put in order")
    SCENARIO = "scenario", _("Customer scenario")


class OptionBlock(blocks.StructBlock):
    """One answer option; for ordering questions the options are listed in the correct order."""

    text = blocks.CharBlock(max_length=300, label=_("Text"))
    correct = blocks.BooleanBlock(
        required=False, label=_("Correct"), help_text=_("Ignored for ordering questions.")
    )
    feedback = blocks.TextBlock(
        required=False,
        label=_("Feedback"),
        help_text=_("Why this answer helps or hurts the customer; shown after submitting."),
    )

    class Meta:
        icon = "tick"
        label = _("Option")


class Question(Orderable):
    """A question of a quiz with its options."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    prompt = models.CharField(_("question"), max_length=500)
    stem = RichTextField(
        _("scenario"),
        blank=True,
        features=["bold", "italic", "ul", "ol"],
        help_text=_("For scenario questions: the customer situation."),
    )
    options = StreamField(
        [("option", OptionBlock())],
        verbose_name=_("options"),
        help_text=_("Ordering questions: list the options in the correct order."),
    )
    partial_credit = models.BooleanField(
        _("partial credit"),
        default=False,
        help_text=_("Multiple choice and ordering: give credit for partly right answers."),
    )
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after submitting.")
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("partial_credit")]),
        FieldPanel("prompt"),
        FieldPanel("stem"),
        FieldPanel("options"),
        FieldPanel("explanation"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.prompt

    def answer_key(self) -> dict:
        """What scoring needs of this question, as plain data an attempt can keep."""
        return {
            "kind": self.kind,
            "partial_credit": self.partial_credit,
            "options": self.option_items(),
        }

    def option_items(self) -> list[dict]:
        """Options as plain dicts with a stable id (the block id)."""
        return [
            {
                "id": block.id,
                "text": block.value["text"],
                "correct": bool(block.value["correct"]),
                "feedback": block.value.get("feedback", ""),
            }
            for block in self.options
        ]


class Attempt(models.Model):
    """One learner's try at a quiz, with its drawn questions and answers frozen in it.

    `context_key` is an opaque label given when the attempt starts (e.g. "lesson:42"); quizzes never
    interpret it, apps that embed quizzes do."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    context_key = models.CharField(max_length=64, blank=True, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    question_ids = models.JSONField(default=list)
    option_order = models.JSONField(default=dict)
    answers = models.JSONField(default=dict)
    question_scores = models.JSONField(default=dict)
    # The quiz as it was when the attempt started: {"pass_mark": 70, "questions": {"<id>":
    # {"kind", "partial_credit", "options": [{"id", "text", "correct", "feedback"}]}}}. Scoring
    # reads only this, so editing the quiz later never changes a grade.
    answer_key = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "quiz"]),
            models.Index(fields=["quiz", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.quiz} ({self.started_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

"""Did training change anything for customers? Course feedback and CX figures per unit."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FeedbackReceipt(models.Model):
    """That a person has answered (or declined) the survey for a course – kept apart from the
    answers, so an answer can never be traced back to the person who gave it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_receipts"
    )
    course = models.ForeignKey("curriculum.CoursePage", on_delete=models.CASCADE, related_name="+")
    answered = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_feedback_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course_id}"


class CourseFeedback(models.Model):
    """One anonymous survey answer about a course (no user, only the month it was given)."""

    course = models.ForeignKey(
        "curriculum.CoursePage", on_delete=models.CASCADE, related_name="feedback"
    )
    language = models.CharField(max_length=8)
    month = models.DateField(help_text=_("First day of the month the answer was given."))
    rating = models.PositiveSmallIntegerField(
        _("overall rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    recommend = models.PositiveSmallIntegerField(
        _("would recommend (0–10)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    change_tomorrow = models.TextField(_("what I will do differently"), blank=True, max_length=1000)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        indexes = [models.Index(fields=["course", "month"])]
        verbose_name = _("course feedback")
        verbose_name_plural = _("course feedback")

    def __str__(self) -> str:
        return f"{self.course_id} {self.month:%Y-%m}: {self.rating}"


class Metric(models.Model):
    """A customer figure HR tracks per unit and month (NPS, CSAT, CES, complaints, custom)."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Used in files."))
    name_de = models.CharField(_("name (German)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. %, points"))
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("CX figure")
        verbose_name_plural = _("CX figures")
        permissions = [("view_outcomes", "Can see the CX outcomes of every unit")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


class MetricValue(models.Model):
    """One monthly value of a figure for one location or department."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    location = models.ForeignKey(
        "people.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text=_("First day of the month."))
    value = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(location__isnull=False, department__isnull=True)
                | Q(location__isnull=True, department__isnull=False),
                name="metric_value_one_unit",
            ),
            models.UniqueConstraint(
                fields=["metric", "location", "month"],
                condition=Q(location__isnull=False),
                name="one_value_per_location_month",
            ),
            models.UniqueConstraint(
                fields=["metric", "department", "month"],
                condition=Q(department__isnull=False),
                name="one_value_per_department_month",
            ),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.metric.code} {self.month:%Y-%m}: {self.value}"


class FigureUpload(models.Model):
    """An uploaded file of CX figures: checked first, applied only when HR confirms."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.filename

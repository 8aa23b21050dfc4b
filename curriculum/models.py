"""Curriculum pages (paths, courses, lessons) and learner progress.

Progress rows always point at the default-locale (German) page of a course or lesson, so a
learner keeps their progress when switching language and reports group by one course."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.content_cache import CachedViewRestrictionsMixin, cached_content
from core.pages import GermanSlugMixin, default_language_ids, default_language_page

from .blocks import LessonStreamBlock
from .quiz_context import COURSE, LESSON, context_key


class CurriculumIndexPage(GermanSlugMixin, CachedViewRestrictionsMixin, Page):
    """The curriculum overview: lists the learning paths."""

    intro = RichTextField(_("intro"), blank=True, help_text=_("Shown above the learning paths."))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["curriculum.LearningPathPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("curriculum index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["paths"] = LearningPathPage.objects.child_of(self).live().order_by("path")
        return context


class Audience(models.TextChoices):
    """Who a learning path is for."""

    SERVICE_STAFF = "service_staff", _("Service staff")
    MANAGEMENT = "management", _("Management")
    CHAMPIONS = "champions", _("CX champions")


class LearningPathPage(GermanSlugMixin, CachedViewRestrictionsMixin, Page):
    """An ordered series of courses for one audience; the courses are its child pages."""

    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.SERVICE_STAFF
    )
    intro = RichTextField(
        _("intro"), blank=True, help_text=_("Why this path matters to its audience.")
    )

    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Certificates of this path's courses expire after this many months, unless a course "
            "sets its own validity. Empty: they never expire. Changing it applies to "
            "certificates issued from now on; certificates already issued keep their expiry date."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("audience"),
        FieldPanel("intro"),
        FieldPanel("validity_months"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["curriculum.CurriculumIndexPage"]
    subpage_types = ["curriculum.CoursePage"]

    class Meta:
        verbose_name = _("learning path")

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        courses = services.path_courses(self)
        originals = [default_language_page(course) for course in courses]
        progress = services.progress_for_users([request.user], originals)
        context["course_cards"] = [
            {"course": course, "progress": progress.get((request.user.pk, orig.pk))}
            for course, orig in zip(courses, originals, strict=True)
        ]
        context["total_minutes"] = sum(course.estimated_minutes for course in courses)
        context["parent_page"] = cached_content(f"parent:{self.pk}", self.get_parent)
        return context


class CourseLevel(models.TextChoices):
    """How much prior knowledge a course expects."""

    BASIC = "basic", _("Basic")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


COURSE_LEVEL_LABELS = dict(CourseLevel.choices)


class RenewalMode(models.TextChoices):
    """What a learner does to renew an expiring certificate."""

    FULL_COURSE = "full", _("Take the whole course again")
    FINAL_EXAM = "exam", _("Pass the final exam again")


class CoursePage(GermanSlugMixin, CachedViewRestrictionsMixin, Page):
    """A course: lessons are its child pages; may end with a final exam."""

    summary = models.TextField(_("summary"), help_text=_("Two or three sentences shown on cards."))
    learning_objectives = models.TextField(
        _("learning objectives"), blank=True, help_text=_("One objective per line.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated minutes"), default=30, help_text=_("Total time a learner needs.")
    )
    level = models.CharField(
        _("level"), max_length=20, choices=CourseLevel.choices, default=CourseLevel.BASIC
    )
    prerequisites = ParentalManyToManyField(
        "curriculum.CoursePage",
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisites"),
        help_text=_("Courses a learner must complete before starting this one."),
    )
    lessons_in_order = models.BooleanField(
        _("lessons in order"),
        default=False,
        help_text=_("Lock each lesson until the previous one is done."),
    )
    final_exam = models.ForeignKey(
        "quizzes.Quiz",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("final exam"),
        help_text=_("When set, passing this quiz is required to complete the course."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Certificates expire this many months after they are issued (e.g. 12). Empty: the "
            "learning path's validity applies, and without one they never expire. Changing it "
            "applies to certificates issued from now on; certificates already issued keep their "
            "expiry date."
        ),
    )
    renew_days_before = models.PositiveSmallIntegerField(
        _("re-assign days before expiry"),
        default=30,
        help_text=_(
            "This many days before a certificate expires the learner is assigned the course "
            "again, due on the expiry day."
        ),
    )
    renewal_mode = models.CharField(
        _("renewal"),
        max_length=10,
        choices=RenewalMode.choices,
        default=RenewalMode.FULL_COURSE,
        help_text=_("What counts as renewal. Passing the final exam again needs a final exam."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("level")]),
                FieldPanel("prerequisites"),
                FieldPanel("lessons_in_order"),
                FieldPanel("final_exam"),
            ],
            heading=_("Course rules"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("validity_months"), FieldPanel("renew_days_before")]),
                FieldPanel("renewal_mode"),
            ],
            heading=_("Recertification"),
            help_text=_(
                "Editing the validity does not change certificates already issued: they keep the "
                "expiry date they were issued with. Only new certificates get the new validity."
            ),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("learning_objectives"),
    ]
    parent_page_types = ["curriculum.LearningPathPage"]
    subpage_types = ["curriculum.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def clean(self) -> None:
        super().clean()
        from django.core.exceptions import ValidationError

        if self.renewal_mode == RenewalMode.FINAL_EXAM and not self.final_exam_id:
            raise ValidationError(
                {"renewal_mode": _("Renewal by final exam needs a final exam for this course.")}
            )

    @property
    def level_label(self) -> str:
        """The level's name in the active language, as `get_level_display` gives it but without
        rebuilding the choices on every call (a list of 200 course cards asks 200 times)."""
        return str(COURSE_LEVEL_LABELS.get(self.level, self.level))

    def objectives_list(self) -> list[str]:
        """Learning objectives, one per non-empty line."""
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]

    requires_login = True  # the documents it links are not public either

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        lessons = services.course_lessons(self)
        progress = services.course_progress(request.user, self)
        original_ids = default_language_ids(lessons)
        context.update(
            progress=progress,
            lesson_rows=[
                {"lesson": lesson, "done": original_ids[lesson.pk] in progress.done_ids}
                for lesson in lessons
            ],
            missing_prerequisites=services.missing_prerequisites(request.user, self),
            exam_context_key=context_key(COURSE, progress.course.pk),
            certificate=Certificate.objects.filter(
                user=request.user, course=progress.course, is_current=True
            ).first(),
        )
        return context


def course_at(tree_path: str) -> CoursePage | None:
    """The course page at this place in the page tree (the same for everyone: cached)."""
    return cached_content(
        f"course-at:{tree_path}", lambda: CoursePage.objects.filter(path=tree_path).first()
    )


class LessonPage(GermanSlugMixin, CachedViewRestrictionsMixin, Page):
    """One lesson of a course, with a rich body of blocks."""

    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))
    minutes = models.PositiveIntegerField(
        _("minutes"), default=10, help_text=_("Time to read and do.")
    )

    content_panels = Page.content_panels + [FieldPanel("minutes"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["curriculum.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    requires_login = True  # the documents it links are not public either

    @cached_property
    def course(self) -> CoursePage:
        """The course this lesson belongs to (its parent page), fetched once per lesson object."""
        course = course_at(self.path[: -self.steplen])
        return course if course is not None else self.get_parent().specific

    def serve(self, request, *args, **kwargs):
        from django.template.response import TemplateResponse

        from . import services

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        lock = services.lesson_lock(request.user, self)
        if lock is not None:
            context = self.get_context(request, *args, **kwargs)
            context["lock"] = lock
            return TemplateResponse(request, "curriculum/lesson_locked.html", context, status=403)
        services.open_lesson(request.user, self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        course = self.course
        original = default_language_page(self)
        siblings = services.course_lessons(course)
        index = next((i for i, s in enumerate(siblings) if s.pk == self.pk), 0)
        context.update(
            course=course,
            lesson_context_key=context_key(LESSON, original.pk),
            previous_lesson=siblings[index - 1] if index > 0 else None,
            next_lesson=siblings[index + 1] if index + 1 < len(siblings) else None,
            lesson_number=index + 1,
            lesson_total=len(siblings),
            # A knowledge check completes the lesson: its start button is the one primary action.
            has_activity=any(b.block_type in ("quiz", "journey_map") for b in self.body),
            is_done=request.user.is_authenticated
            and LessonCompletion.objects.filter(user=request.user, lesson=original).exists(),
            reflections={
                answer.block_id: answer.text
                for answer in ReflectionAnswer.objects.filter(user=request.user, lesson=original)
            }
            if request.user.is_authenticated
            else {},
        )
        return context


class CourseEnrolment(models.Model):
    """A learner taking a course: started, where they are, when they finished."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    started_at = models.DateTimeField(auto_now_add=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # While a certificate is being renewed: which one, and since when (passes before it don't count).
    renewal_of = models.ForeignKey(
        "curriculum.Certificate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the latest renewal began (kept after it completes): the final exam's attempts count
    # from here, and only a pass after it renews the certificate.
    renewal_started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrolment_per_course")
        ]
        indexes = [
            models.Index(fields=["course", "completed_at"]),
            models.Index(fields=["completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.course}"


class LessonCompletion(models.Model):
    """A learner finished a lesson (marked done or passed its knowledge check)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="unique_completion_per_lesson")
        ]
        indexes = [models.Index(fields=["user", "course"]), models.Index(fields=["completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} ✓ {self.lesson}"


class ReflectionAnswer(models.Model):
    """A learner's private written answer to a reflection prompt in a lesson."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection_answers"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="reflections")
    block_id = models.CharField(max_length=64)
    text = models.TextField(max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="unique_reflection_per_prompt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.lesson} ({self.block_id})"


class Certificate(models.Model):
    """Proof that a learner completed a course; anyone can verify it by its code.

    A renewal issues a new certificate (`replaces` the old one, which stays as history and is
    no longer current); the expiry date is fixed when the certificate is issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="certificates")
    code = models.CharField(max_length=32, unique=True)
    learner_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=255)
    issued_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the holder's data was erased."
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    is_current = models.BooleanField(default=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewed_by"
    )
    # Set once when the learner is re-assigned for renewal (the beat task claims it).
    renewal_assigned_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(is_current=True),
                name="one_current_certificate_per_course",
            )
        ]
        indexes = [models.Index(fields=["is_current", "expires_on"])]
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.code}: {self.learner_name} – {self.course_title}"

"""Floor observations: checklists of observable behaviours (linked to the lessons that teach
them), observations of a colleague serving real customers, and one rating per behaviour.

A checklist holds its German and English text side by side (rather than one translated copy per
locale), so every observation, in either language, rates the same behaviour and the skills
picture adds them up without mapping translations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index


def in_active_language(obj, field: str) -> str:
    """The English text when English is active and filled in, else the German one."""
    if (translation.get_language() or "de").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_de", "")


class RatingScale(models.TextChoices):
    """The rating scales an editor can choose for a checklist."""

    FOUR_LEVELS = "four", _("Not shown · partly · fully · role model")
    THREE_LEVELS = "three", _("Not shown · partly · fully")
    SHOWN = "shown", _("Not shown · shown")


# scale -> (level labels from 0 upwards, first level that counts as "shown")
RATING_SCALES = {
    RatingScale.FOUR_LEVELS: ((_("Not shown"), _("Partly"), _("Fully"), _("Role model")), 2),
    RatingScale.THREE_LEVELS: ((_("Not shown"), _("Partly"), _("Fully")), 2),
    RatingScale.SHOWN: ((_("Not shown"), _("Shown")), 1),
}

MAX_BEHAVIOURS = 15


class ChecklistForm(WagtailAdminModelForm):
    """Authoring rules that span the checklist and its behaviours (see `services`)."""

    def clean(self):
        from champions.observations import checklist_authoring_errors

        cleaned = super().clean()
        formset = self.formsets.get("behaviours")
        if formset is None or not formset.is_valid():
            return cleaned
        kept, removed = [], []
        for form in formset.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk:
                    removed.append(form.instance.pk)
            else:
                kept.append(form.cleaned_data)
        for error in checklist_authoring_errors(cleaned, kept, removed):
            self.add_error(None, error)
        return cleaned


class ObservationChecklist(index.Indexed, ClusterableModel):
    """What a champion looks for when watching a colleague in one situation (counter, phone, …)."""

    title_de = models.CharField(
        _("title (German)"), max_length=150, help_text=_("e.g. „Service am Schalter“")
    )
    title_en = models.CharField(
        _("title (English)"), max_length=150, help_text=_("e.g. “Service at the counter”")
    )
    intro_de = models.TextField(
        _("situation (German)"),
        blank=True,
        help_text=_("When and where to observe, shown above the checklist."),
    )
    intro_en = models.TextField(
        _("situation (English)"),
        blank=True,
        help_text=_("When and where to observe, shown above the checklist."),
    )
    key = models.SlugField(
        _("key"),
        max_length=80,
        blank=True,
        help_text=_("Optional stable identifier, e.g. for imported content."),
    )
    scale = models.CharField(
        _("rating scale"),
        max_length=10,
        choices=RatingScale.choices,
        default=RatingScale.FOUR_LEVELS,
        help_text=_("The levels an observer chooses from for every behaviour."),
    )
    allow_self_observation = models.BooleanField(
        _("self-observation"),
        default=True,
        help_text=_("The observer may ask the colleague to rate themselves too, for comparison."),
    )
    trigger_course = models.ForeignKey(
        "curriculum.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("request after course"),
        help_text=_("Completing this course requests an observation from the champion."),
    )
    request_after_days = models.PositiveSmallIntegerField(
        _("days after completion"),
        null=True,
        blank=True,
        help_text=_("How many days after completing the course the observation is due."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive checklists cannot be chosen any more.")
    )

    base_form_class = ChecklistForm
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("title_de"), FieldPanel("title_en")]),
                FieldRowPanel([FieldPanel("intro_de"), FieldPanel("intro_en")]),
            ],
            heading=_("Text"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("scale"),
                FieldRowPanel([FieldPanel("allow_self_observation"), FieldPanel("is_active")]),
                FieldRowPanel([FieldPanel("trigger_course"), FieldPanel("request_after_days")]),
            ],
            heading=_("Rules"),
        ),
        InlinePanel(
            "behaviours",
            heading=_("Behaviours"),
            label=_("Behaviour"),
            min_num=1,
            max_num=MAX_BEHAVIOURS,
        ),
        FieldPanel("key"),
    ]
    search_fields = [
        index.SearchField("title_de"),
        index.SearchField("title_en"),
        index.AutocompleteField("title_de"),
    ]

    class Meta:
        ordering = ["title_de"]
        verbose_name = _("observation checklist")
        verbose_name_plural = _("observation checklists")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="unique_checklist_key"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_active_language(self, "title")

    @property
    def intro(self) -> str:
        return in_active_language(self, "intro")

    @property
    def levels(self) -> list[tuple[int, str]]:
        """(value, label) of every level of the scale, lowest first."""
        labels, _shown = RATING_SCALES[RatingScale(self.scale)]
        return [(value, str(label)) for value, label in enumerate(labels)]

    @property
    def shown_from(self) -> int:
        """The lowest rating that counts as "the behaviour was shown"."""
        return RATING_SCALES[RatingScale(self.scale)][1]

    @property
    def top_level(self) -> int:
        return len(RATING_SCALES[RatingScale(self.scale)][0]) - 1


class Behaviour(Orderable, ClusterableModel):
    """One observable behaviour, e.g. „Begrüßt den Kunden innerhalb von 10 Sekunden“."""

    checklist = ParentalKey(
        ObservationChecklist, on_delete=models.CASCADE, related_name="behaviours"
    )
    text_de = models.CharField(
        _("behaviour (German)"),
        max_length=200,
        help_text=_("What the observer can see or hear, in one sentence."),
    )
    text_en = models.CharField(
        _("behaviour (English)"),
        max_length=200,
        help_text=_("What the observer can see or hear, in one sentence."),
    )
    optional = models.BooleanField(
        _("optional"),
        default=False,
        help_text=_("May stay unrated when the situation did not come up."),
    )
    lessons = ParentalManyToManyField(
        "curriculum.LessonPage",
        blank=True,
        related_name="observable_behaviours",
        verbose_name=_("taught in"),
        help_text=_("The lesson(s) that teach this behaviour; suggested to the colleague."),
    )

    panels = [
        FieldRowPanel([FieldPanel("text_de"), FieldPanel("text_en")]),
        FieldPanel("optional"),
        FieldPanel("lessons"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("behaviour")
        verbose_name_plural = _("behaviours")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return in_active_language(self, "text")


class ObservationKind(models.TextChoices):
    """Who rates: a champion or manager watching, or the colleague themselves."""

    COACH = "coach", _("Observation")
    SELF = "self", _("Self-observation")


class ObservationStatus(models.TextChoices):
    """From planned through draft to shared and acknowledged."""

    SCHEDULED = "scheduled", _("Planned")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Shared")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


SHARED_STATUSES = (ObservationStatus.SUBMITTED, ObservationStatus.ACKNOWLEDGED)


class Observation(models.Model):
    """One observation of a colleague serving customers, rated against a checklist."""

    checklist = models.ForeignKey(
        ObservationChecklist,
        on_delete=models.PROTECT,
        related_name="observations",
        verbose_name=_("checklist"),
    )
    observed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observations_received"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="observations_made",
    )
    kind = models.CharField(
        max_length=10, choices=ObservationKind.choices, default=ObservationKind.COACH
    )
    status = models.CharField(
        max_length=15, choices=ObservationStatus.choices, default=ObservationStatus.DRAFT
    )
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    observed_on = models.DateField(_("observed on"), null=True, blank=True)
    situation = models.CharField(_("situation"), max_length=200, blank=True)
    strength = models.TextField(_("a strength"), max_length=1000, blank=True)
    try_next = models.CharField(_("one thing to try"), max_length=300, blank=True)
    try_next_due = models.DateField(_("try it by"), null=True, blank=True)
    colleague_comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    self_assessment = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessed_observation",
    )
    trigger_enrolment = models.ForeignKey(
        "curriculum.CourseEnrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-observed_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "trigger_enrolment"],
                condition=Q(trigger_enrolment__isnull=False),
                name="one_requested_observation_per_completion",
            )
        ]
        indexes = [
            models.Index(fields=["observed", "status"]),
            models.Index(fields=["observer", "status"]),
            models.Index(fields=["status", "observed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.checklist} – {self.observed} ({self.observed_on or self.due_on})"

    @property
    def is_shared(self) -> bool:
        return self.status in SHARED_STATUSES

    @property
    def is_self(self) -> bool:
        return self.kind == ObservationKind.SELF


class Rating(models.Model):
    """How far one behaviour was shown in one observation (empty: it did not come up)."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="ratings")
    behaviour = models.ForeignKey(Behaviour, on_delete=models.PROTECT, related_name="ratings")
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "behaviour"], name="one_rating_per_behaviour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.behaviour}: {self.value}"

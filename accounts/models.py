"""Accounts: the user (e-mail is the log-in) and the audit trail of sensitive actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager):
    """Creates users identified by e-mail instead of a username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An employee's log-in account; the e-mail address is the user name."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="de",
        help_text=_("Language of the interface and of e-mails."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        """Name shown to colleagues: full name, or the e-mail when no name is set."""
        return self.get_full_name() or self.email


class AuditEntry(models.Model):
    """One sensitive action (assignment, import, role or group change): who did what, when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"


class Invitation(models.Model):
    """A personal, expiring link that lets one employee create their account."""

    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True)
    roles = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.email


class QuizResults(models.TextChoices):
    """How much of another person's quiz results a role sees."""

    SCORES = "scores", _("Scores and pass/fail")
    PASS_FAIL = "pass_fail", _("Only passed or not passed")
    HIDDEN = "hidden", _("Nothing individual (only aggregates)")


class PrivacySettings(models.Model):
    """The organisation's visibility policy and retention periods (one row, pk=1), agreed with
    the works council; every face asks `accounts.privacy`, which reads this row."""

    manager_quiz_results = models.CharField(
        _("Managers: quiz results of individuals"),
        max_length=16,
        choices=QuizResults.choices,
        default=QuizResults.PASS_FAIL,
    )
    manager_individual_progress = models.BooleanField(
        _("Managers: individual training progress"),
        default=True,
        help_text=_("Off: only figures for groups of at least the minimum size."),
    )
    manager_individual_observations = models.BooleanField(
        _("Managers: floor observations of individuals"),
        default=False,
        help_text=_("Observations someone made themselves are always visible to them."),
    )
    champion_quiz_results = models.CharField(
        _("Champions: quiz results of individuals"),
        max_length=16,
        choices=QuizResults.choices,
        default=QuizResults.SCORES,
    )
    champion_individual_progress = models.BooleanField(
        _("Champions: individual training progress"),
        default=True,
        help_text=_("Off: only figures for groups of at least the minimum size."),
    )
    champion_individual_observations = models.BooleanField(
        _("Champions: floor observations of individuals"),
        default=False,
        help_text=_("Observations someone made themselves are always visible to them."),
    )
    hr_quiz_results = models.CharField(
        _("HR: quiz results of individuals"),
        max_length=16,
        choices=QuizResults.choices,
        default=QuizResults.PASS_FAIL,
    )
    hr_individual_progress = models.BooleanField(
        _("HR: individual training progress"),
        default=True,
        help_text=_("Off: only figures for groups of at least the minimum size."),
    )
    hr_individual_observations = models.BooleanField(
        _("HR: floor observations of individuals"),
        default=False,
        help_text=_("Observations someone made themselves are always visible to them."),
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"),
        default=5,
        help_text=_(
            "Any figure describing fewer people than this is suppressed (table cells, chart "
            "points, export rows)."
        ),
    )
    show_views_to_subject = models.BooleanField(
        _("people see who viewed their results"),
        default=True,
        help_text=_(
            "Each person sees on their account page who looked at their individual results."
        ),
    )
    quiz_attempts_days = models.PositiveIntegerField(_("quiz attempts (days)"), default=730)
    reflections_days = models.PositiveIntegerField(_("reflections (days)"), default=730)
    journey_maps_days = models.PositiveIntegerField(_("journey maps (days)"), default=730)
    observations_days = models.PositiveIntegerField(_("floor observations (days)"), default=365)
    audit_log_days = models.PositiveIntegerField(_("audit log (days)"), default=1095)
    view_log_days = models.PositiveIntegerField(_("log of views (days)"), default=365)
    leavers_days = models.PositiveIntegerField(
        _("leavers' accounts (days after leaving)"), default=180
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def __str__(self) -> str:
        return str(_("Privacy settings"))


class ResultView(models.Model):
    """Someone looked at another person's individual results (who, whom, what, when)."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="result_views"
    )
    what = models.CharField(max_length=64)
    role = models.CharField(max_length=16, blank=True)
    viewed_on = models.DateField(db_index=True)
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        constraints = [
            # One row per viewer, person, page and day: a reload is not a second view.
            models.UniqueConstraint(
                fields=["viewer", "subject", "what", "viewed_on"], name="one_view_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.subject_id}: {self.what}"

    @property
    def what_label(self) -> str:
        """The page that showed the results, in words."""
        return str(VIEWED_PAGES.get(self.what, self.what))

    @property
    def role_label(self) -> str:
        """In which role the viewer looked (HR, manager, champion)."""
        names = {"hr": _("HR"), "manager": _("Manager"), "champion": _("Champion")}
        return (
            " + ".join(str(names.get(part, part)) for part in self.role.split("+") if part) or "–"
        )


VIEWED_PAGES = {
    "reports.people": _("Training report: list of people"),
    "reports.export": _("Training report: export of people"),
    "champions.dashboard": _("Champion dashboard"),
    "champions.skills": _("Skills picture from floor observations"),
    "assignments.digest": _("Weekly team digest e-mail"),
    "team.person": _("My team: one person"),
    "team.list": _("My team"),
    "accounts.export": _("Data export by HR"),
}


class NotificationKind(models.TextChoices):
    """The messages a person may choose to get on their phone (push) instead of by e-mail."""

    ASSIGNMENT = "assignment", _("Training due soon or overdue")
    NUDGE = "nudge", _("A reminder from your champion")
    OBSERVATION = "observation", _("A new observation or comment for you")
    MINUTE = "minute", _("The daily CX-Minute")


class NotificationSettings(models.Model):
    """How one person wants to be reached: which kinds of message come by push on their devices
    (the rest by e-mail) and the quiet hours in which no push is delivered. Without a row every
    kind comes by push once a device is turned on, with no quiet hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    push_kinds = models.JSONField(
        _("by push"),
        default=list,
        blank=True,
        help_text=_("The kinds of message that come by push on devices with reminders on."),
    )
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.push_kinds) or '-'}"

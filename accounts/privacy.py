"""The one place that decides what of a person's training others may see (the visibility policy
agreed with the works council) and which group figures are too small to show.

Every face asks this module: `policy_for(role)`, `can_see_scores(viewer, subject)`,
`can_see_progress(…)`, `can_see_observations(…)`, `suppress_small(rows)`, `min_group_size()`.
The policy itself is the one `PrivacySettings` row HR edits (cached, dropped on save)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from . import audit
from .models import PrivacySettings, QuizResults, ResultView
from .permissions import is_coach_of, is_hr, is_manager_of

MANAGER, CHAMPION, HR = "manager", "champion", "hr"
ROLES = (MANAGER, CHAMPION, HR)
SELF = "self"

CACHE_KEY = "accounts:privacy-settings"
CACHE_SECONDS = 300

SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class RolePolicy:
    """What one role (manager, champion, HR) sees of the individuals it works with."""

    role: str
    quiz_results: str  # QuizResults: scores | pass_fail | hidden
    individual_progress: bool
    individual_observations: bool

    @property
    def individual_scores(self) -> bool:
        """Score percentages of individuals."""
        return self.quiz_results == QuizResults.SCORES

    @property
    def individual_pass_fail(self) -> bool:
        """Whether an individual passed a quiz (implied by seeing scores)."""
        return self.quiz_results in (QuizResults.SCORES, QuizResults.PASS_FAIL)

    @property
    def anything_individual(self) -> bool:
        """True when this role sees any individual result at all."""
        return self.individual_pass_fail or self.individual_progress or self.individual_observations


NOTHING = RolePolicy("", QuizResults.HIDDEN, False, False)
EVERYTHING = RolePolicy(SELF, QuizResults.SCORES, True, True)


def current_settings() -> PrivacySettings:
    """The stored settings (an unsaved row with the defaults before HR first saves them)."""
    stored = cache.get(CACHE_KEY)
    if stored is None:
        stored = PrivacySettings.objects.filter(pk=1).first() or PrivacySettings(pk=1)
        cache.set(CACHE_KEY, stored, CACHE_SECONDS)
    return stored


def forget_settings() -> None:
    """Drop the cached settings (they were saved)."""
    cache.delete(CACHE_KEY)


def policy_for(role: str) -> RolePolicy:
    """The visibility policy of one role: MANAGER, CHAMPION or HR."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    stored = current_settings()
    return RolePolicy(
        role,
        getattr(stored, f"{role}_quiz_results"),
        getattr(stored, f"{role}_individual_progress"),
        getattr(stored, f"{role}_individual_observations"),
    )


def min_group_size() -> int:
    """The smallest number of people any aggregate may describe."""
    return max(1, int(current_settings().min_group_size))


def relations(viewer, subject) -> list[str]:
    """The roles in which `viewer` looks at `subject`: SELF, or any of HR, MANAGER, CHAMPION."""
    if not getattr(viewer, "is_authenticated", False) or subject is None:
        return []
    if viewer.pk == subject.pk:
        return [SELF]
    found = []
    if is_hr(viewer):
        found.append(HR)
    if is_manager_of(viewer, subject):
        found.append(MANAGER)
    if is_coach_of(viewer, subject):
        found.append(CHAMPION)
    return found


def policy_between(viewer, subject) -> RolePolicy:
    """What `viewer` sees of `subject`: everything of themselves; otherwise the most open of
    the policies of the roles they hold towards the subject; nothing without a relation."""
    found = relations(viewer, subject)
    if SELF in found:
        return EVERYTHING
    policies = [policy_for(role) for role in found]
    if not policies:
        return NOTHING
    order = [QuizResults.HIDDEN, QuizResults.PASS_FAIL, QuizResults.SCORES]
    return RolePolicy(
        "+".join(found),
        max((p.quiz_results for p in policies), key=order.index),
        any(p.individual_progress for p in policies),
        any(p.individual_observations for p in policies),
    )


def can_see_scores(viewer, subject) -> bool:
    """Score percentages of `subject`'s quiz attempts."""
    return policy_between(viewer, subject).individual_scores


def can_see_pass_fail(viewer, subject) -> bool:
    """Whether `subject` passed their quizzes."""
    return policy_between(viewer, subject).individual_pass_fail


def can_see_progress(viewer, subject) -> bool:
    """`subject`'s individual training progress (courses, assignments, completion)."""
    return policy_between(viewer, subject).individual_progress


def can_see_observations(viewer, subject) -> bool:
    """Floor observations of `subject` made by others."""
    return policy_between(viewer, subject).individual_observations


def is_small(people: int | None, minimum: int | None = None) -> bool:
    """True when a figure describes at least one but fewer than the minimum number of people."""
    minimum = min_group_size() if minimum is None else minimum
    return bool(people) and people < minimum


def suppress_small(
    rows: Iterable[dict],
    min_size: int | None = None,
    people: str = "people",
    hide: Iterable[str] = (),
    complement: bool = True,
) -> list[dict]:
    """Rows of an aggregate table with every row describing too few people marked
    `suppressed=True` and its figures (`hide`, default: every number) set to None.

    With `complement`, when exactly one row is suppressed the next smallest is too, so the
    hidden row cannot be worked out by subtracting the others from a total."""
    minimum = min_group_size() if min_size is None else min_size
    hide = tuple(hide)
    rows = [dict(row) for row in rows]
    small = [row for row in rows if is_small(row.get(people), minimum)]
    if complement and len(small) == 1:
        others = sorted(
            (row for row in rows if row.get(people) and all(row is not hidden for hidden in small)),
            key=lambda row: row[people],
        )
        small.extend(others[:1])
    for row in rows:
        row[SUPPRESSED] = any(row is hidden for hidden in small)
        if row[SUPPRESSED]:
            for key in hide or [k for k, v in row.items() if _is_figure(k, v)]:
                row[key] = None
    return rows


def _is_figure(key: str, value) -> bool:
    return key != SUPPRESSED and isinstance(value, int | float) and not isinstance(value, bool)


def record_view(viewer, subject, what: str) -> None:
    """Log that `viewer` looked at `subject`'s individual results (`what`: a short page key);
    once per viewer, person, page and day; nothing is logged for one's own results."""
    from django.utils import timezone

    if not getattr(viewer, "is_authenticated", False) or viewer.pk == subject.pk:
        return
    today = timezone.localdate()
    with transaction.atomic():
        ResultView.objects.get_or_create(
            viewer=viewer,
            subject=subject,
            what=what[:64],
            viewed_on=today,
            defaults={"role": "+".join(relations(viewer, subject))[:16]},
        )


VIEWS_RECORDED_SECONDS = 24 * 60 * 60


def record_views(viewer, subjects: Iterable, what: str, role: str = "") -> None:
    """`record_view` for every person of a list shown to `viewer` in `role` (one query).

    A reload of the same list on the same day adds no row (one view per viewer, person, page
    and day), so once the list is logged a cache entry for the day saves the write."""
    import hashlib

    from django.utils import timezone

    if not getattr(viewer, "is_authenticated", False):
        return
    today = timezone.localdate()
    shown = [subject for subject in subjects if subject.pk != viewer.pk]
    if not shown:
        return
    people = ",".join(str(pk) for pk in sorted(subject.pk for subject in shown))
    marker = (
        "accounts:views-recorded:"
        + hashlib.sha256(
            f"{viewer.pk}|{what[:64]}|{today.isoformat()}|{people}".encode()
        ).hexdigest()
    )
    if cache.get(marker):
        return
    ResultView.objects.bulk_create(
        [
            ResultView(viewer=viewer, subject=subject, what=what[:64], role=role, viewed_on=today)
            for subject in shown
        ],
        ignore_conflicts=True,
    )
    # only once the rows are stored: a request rolled back must log the view on its retry
    transaction.on_commit(lambda: cache.set(marker, True, VIEWS_RECORDED_SECONDS))


def views_of(subject, limit: int = 100):
    """Who looked at `subject`'s results, newest first (for their account page)."""
    return ResultView.objects.filter(subject=subject).select_related("viewer")[:limit]


def subject_sees_views() -> bool:
    """Whether people see the log of views of their results on their account page."""
    return bool(current_settings().show_views_to_subject)


def save_settings(stored: PrivacySettings, actor, changed: dict) -> PrivacySettings:
    """Save HR's change of the policy and audit every changed field (old → new)."""
    stored.pk = 1
    stored.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        stored.save()
        if changed:
            audit.record(
                actor,
                "privacy.settings",
                "Privacy settings changed: " + ", ".join(sorted(changed)),
                changes={key: [str(old), str(new)] for key, (old, new) in changed.items()},
            )
    transaction.on_commit(forget_settings)
    forget_settings()
    return stored


def transparency_facts() -> dict:
    """What the transparency page says, read from the current settings."""
    from django.utils.translation import gettext as _

    stored = current_settings()
    roles = []
    for role, label in ((MANAGER, _("Managers")), (CHAMPION, _("CX champions")), (HR, _("HR"))):
        policy = policy_for(role)
        roles.append(
            {
                "label": label,
                "quiz": QuizResults(policy.quiz_results).label,
                "progress": policy.individual_progress,
                "observations": policy.individual_observations,
            }
        )
    retention = [
        (_("Quiz attempts and scores"), stored.quiz_attempts_days),
        (_("Reflections"), stored.reflections_days),
        (_("Customer journey maps"), stored.journey_maps_days),
        (_("Floor observations"), stored.observations_days),
        (_("Audit log of HR actions"), stored.audit_log_days),
        (_("Log of who viewed whose results"), stored.view_log_days),
        (_("Accounts of people who left (name and e-mail)"), stored.leavers_days),
    ]
    return {
        "stored": stored,
        "roles": roles,
        "anyone_sees_scores": any(policy_for(role).individual_scores for role in ROLES),
        "minimum": stored.min_group_size,
        "retention": retention,
        "views_shown": stored.show_views_to_subject,
    }

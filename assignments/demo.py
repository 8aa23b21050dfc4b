"""Demo mandatory training: service staff must take the basics within 30 days of hire."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from wagtail.models import Locale

from curriculum.models import CoursePage, LearningPathPage

from .models import Assignment, AssignmentRule, TargetKind
from .services import apply_rule


@transaction.atomic
def load(stdout) -> None:
    """Two rules (once): basics for service staff, the managers' path for management."""
    german = Locale.get_default()
    basics = CoursePage.objects.filter(slug="cx-grundlagen", locale=german).first()
    journey = CoursePage.objects.filter(slug="customer-journey", locale=german).first()
    managers_path = LearningPathPage.objects.filter(slug="fuehrungskraefte", locale=german).first()
    if basics and not AssignmentRule.objects.filter(course=basics).exists():
        apply_rule(
            AssignmentRule.objects.create(
                course=basics,
                target_kind=TargetKind.STAFF_ROLE,
                staff_role="service",
                due_days_after_hire=30,
            )
        )
    if journey and not AssignmentRule.objects.filter(course=journey).exists():
        apply_rule(
            AssignmentRule.objects.create(
                course=journey,
                target_kind=TargetKind.STAFF_ROLE,
                staff_role="service",
                due_date=timezone.localdate() + datetime.timedelta(days=7),
            )
        )
    if managers_path and not AssignmentRule.objects.filter(learning_path=managers_path).exists():
        apply_rule(
            AssignmentRule.objects.create(
                learning_path=managers_path,
                target_kind=TargetKind.STAFF_ROLE,
                staff_role="management",
                due_date=timezone.localdate() + datetime.timedelta(days=60),
            )
        )


DEMO_MANAGER = "anna.albrecht@cx-academy.example"


@transaction.atomic
def load_teams_and_recertification(stdout) -> None:
    """My team and recertification on first run: the Hamburg team lead (Anna Albrecht) logs in
    with the demo password and leads the demo learner and the Hamburg hotline; the basics course
    is valid for 12 months, and some of her team's certificates are close to expiry (two
    already re-assigned for renewal), one has expired and one was renewed. Once only."""
    from accounts import roles
    from accounts.demo import DEMO_PASSWORD, ensure_demo_user
    from curriculum.models import Certificate
    from curriculum.services import add_months
    from people.models import EmployeeProfile

    from .tasks import reassign_expiring_certificates

    german = Locale.get_default()
    basics = CoursePage.objects.filter(slug="cx-grundlagen", locale=german).first()
    manager = ensure_demo_user(DEMO_MANAGER, "Anna", "Albrecht", [roles.LEARNER])
    if not manager.check_password(DEMO_PASSWORD):
        manager.set_password(DEMO_PASSWORD)
        manager.save(update_fields=["password"])
    EmployeeProfile.objects.filter(
        user__email="learner@cx-academy.example", manager__isnull=True
    ).update(manager=manager)
    if basics is None or basics.validity_months:
        return  # loaded before (or no curriculum)
    basics.validity_months = 12
    basics.renew_days_before = 30
    basics.save_revision().publish()
    basics.refresh_from_db()
    today = timezone.localdate()
    for certificate in Certificate.objects.filter(course=basics, expires_on__isnull=True):
        certificate.expires_on = add_months(timezone.localdate(certificate.issued_at), 12)
        certificate.save(update_fields=["expires_on"])
    team_certificates = list(
        Certificate.objects.filter(course=basics, user__employee__manager=manager).order_by(
            "user__email"
        )
    )
    # Expiring in 12, 25, 45 and 75 days, and one expired 5 days ago.
    for certificate, days in zip(team_certificates, (12, 25, 45, 75, -5), strict=False):
        expires = today + datetime.timedelta(days=days)
        certificate.expires_on = expires
        certificate.issued_at = timezone.now() - (today - add_months(expires, -12))
        certificate.save(update_fields=["expires_on", "issued_at"])
    if len(team_certificates) > 5:  # one renewed on time: the old certificate kept as history
        renewed = team_certificates[5]
        Certificate.objects.create(
            user=renewed.user,
            course=basics,
            code=f"{renewed.code[:12]}OLD",
            learner_name=renewed.learner_name,
            course_title=renewed.course_title,
            issued_at=renewed.issued_at - datetime.timedelta(days=365),
            expires_on=timezone.localdate(renewed.issued_at) + datetime.timedelta(days=3),
            is_current=False,
        )
        renewed.replaces = Certificate.objects.get(code=f"{renewed.code[:12]}OLD")
        renewed.save(update_fields=["replaces"])
    reassign_expiring_certificates(today_iso=today.isoformat())
    # Three of her people are late with training they have not started or finished.
    from curriculum.models import CourseEnrolment

    done = set(
        CourseEnrolment.objects.filter(completed_at__isnull=False).values_list(
            "user_id", "course_id"
        )
    )
    open_items = [
        a
        for a in Assignment.objects.filter(
            user__employee__manager=manager, renewal_of__isnull=True
        ).order_by("user__email", "course_id")
        if (a.user_id, a.course_id) not in done
    ]
    late_people: dict[int, Assignment] = {}
    for assignment in open_items:
        late_people.setdefault(assignment.user_id, assignment)
    for assignment, days in zip(late_people.values(), (3, 10, 20), strict=False):
        assignment.due_date = today - datetime.timedelta(days=days)
        assignment.save(update_fields=["due_date", "updated_at"])

"""Demo log-ins, one per role, all with the documented demo password."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from django.contrib.auth.models import Group
from django.db import transaction

from . import roles
from .models import User

DEMO_PASSWORD = "cx-academy-demo"

# (e-mail, first name, last name, roles)
DEMO_USERS = [
    ("learner@cx-academy.example", "Lea", "Neumann", [roles.LEARNER]),
    ("champion@cx-academy.example", "Chris", "Berger", [roles.LEARNER, roles.CHAMPION]),
    ("hr@cx-academy.example", "Hanna", "Roth", [roles.LEARNER, roles.HR]),
    ("editor@cx-academy.example", "Erik", "Wolf", [roles.LEARNER, roles.EDITOR]),
]
DEMO_ADMIN = "admin@cx-academy.example"


def ensure_demo_user(
    email: str, first_name: str, last_name: str, role_names: list[str], **extra
) -> User:
    """Create or update one demo user with a verified e-mail and the given roles."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user.groups.add(*Group.objects.filter(name__in=role_names))
    return user


@transaction.atomic
def load(stdout) -> None:
    """The four role log-ins plus a superuser for the Django side of the admin."""
    roles.ensure_roles()
    for email, first_name, last_name, role_names in DEMO_USERS:
        ensure_demo_user(email, first_name, last_name, role_names)
    ensure_demo_user(DEMO_ADMIN, "Ada", "Admin", [], is_staff=True, is_superuser=True)


def load_privacy(out) -> None:
    """The privacy settings as agreed (the defaults, saved so the settings page shows who set
    them) and two logged views of the demo learner's results, so the account page shows them."""
    import datetime

    from django.utils import timezone

    from .models import PrivacySettings, ResultView

    hr = User.objects.filter(email="hr@cx-academy.example").first()
    PrivacySettings.objects.get_or_create(pk=1, defaults={"updated_by": hr})
    learner = User.objects.filter(email="learner@cx-academy.example").first()
    champion = User.objects.filter(email="champion@cx-academy.example").first()
    if learner is None or ResultView.objects.filter(subject=learner).exists():
        return
    today = timezone.localdate()
    for viewer, what, role, days in (
        (champion, "champions.dashboard", "champion", 2),
        (hr, "reports.people", "hr", 5),
    ):
        if viewer is not None:
            view = ResultView.objects.create(
                viewer=viewer,
                subject=learner,
                what=what,
                role=role,
                viewed_on=today - datetime.timedelta(days=days),
            )
            ResultView.objects.filter(pk=view.pk).update(
                viewed_at=timezone.now() - datetime.timedelta(days=days)
            )
    out.write("Privacy settings and a log of views of the demo learner's results.\n")
